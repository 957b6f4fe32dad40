#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh KERNEL [LIST]: boot KERNEL's image with the guest initramfs under
# QEMU (TCG; ACCEL=kvm opts in to KVM where it works) and keep the serial
# console in build/results/ARCH-KERNEL/console.log; with LIST "bench" or
# "mm", that initramfs instead (scripts/guest.sh LIST: the benchmark, or
# the kernel's mm selftests of scripts/regressions.sh), and the console in
# build/results/ARCH-KERNEL-LIST/. A guest that outlives GUEST_TIMEOUT
# seconds is killed; report.sh then calls it a hang.
#
# boot.sh --shell KERNEL: the last built image of KERNEL with the test
# initramfs and the same command line, but guest/init sets the machine up
# and starts a shell on the console instead of the tests; the console is
# this terminal (QEMU -serial mon:stdio: Ctrl-A X quits QEMU, Ctrl-A C is
# its monitor; 'exit' in the shell powers the guest off). No time limit.
#
# boot.sh --exec CMD KERNEL: the same machine, but guest/init runs CMD
# (sh -c) instead of the shell, between "@@ exec-begin" and "@@ exec-end
# rc=N" lines, and powers off; the console goes to this terminal and to
# build/results/ARCH-KERNEL/exec.log, and boot.sh exits with CMD's status
# (1 if the guest ended without one). GUEST_TIMEOUT limits it.
#
# DRY_RUN=1: print the QEMU command (and the kernel command line in it)
# instead of booting; the image and the initramfs need not exist.
#
# Ctrl-C (SIGINT), SIGTERM and SIGHUP stop the guest at once: "interrupted:
# guest ARCH/KERNEL stopped" and exit status 128 + the signal (130, 143,
# 129), which callers take as "stop the whole run".
#
# Knobs, from the environment:
#   ACCEL=tcg|kvm       QEMU accelerator (tcg)
#   GUEST_MEM=G         the guest's memory in GiB, even (4: two NUMA nodes
#                       of 2 GiB; the reclaim tests need their 16 MiB memcg
#                       and the stress its 64 MiB, so 2 is the least)
#   GUEST_CPUS=N        the guest's CPUs (2: the races need two vCPUs
#                       that really run in parallel; 1 runs, and proves less)
#   TEST_TIMEOUT=S      seconds each test program may run in the guest (the
#                       mm selftests' "timeout=" of their settings file, 180)
#   STRESS_SECONDS=S    how long dex-stress runs (60); its own limit is
#                       STRESS_SECONDS + TEST_TIMEOUT
#   VMTESTS_TIMEOUT=S   seconds each category of run_vmtests.sh may run
#                       (LIST mm; 900)
#   REBOOT_AFTER_SPLAT=0|1  after a program during which the kernel
#                       splatted, run the next ones on a fresh boot
#                       (BASE_REBOOT_AFTER_SPLAT of scripts/base/BASE.sh)
#   SKIP=NAME,...       programs of the list not to run (besides the race
#                       stress on the base and the negative controls)
#   DEX_STRESS_SEED=N   dex-stress's seed, to replay a run (it prints it)
#   GUEST_TIMEOUT=S     hard limit of the whole guest (see guest_timeout)
#   KUNIT_FILTER=GLOB   only the KUnit tests that match (kunit.filter_glob)
#   SELFTEST_FILTER="NAME [ARGS...]"  only program NAME, with ARGS added
#   V=1                 print the QEMU command, quoted so that it can be
#                       run again by hand
# The two filters are for the test initramfs only (see kernel_cmdline).
. "$(dirname "$0")/lib.sh"

USAGE="usage: boot.sh [--shell | --exec CMD] KERNEL [tests|bench|mm|kselftest-hmm|soak]"
shell=0
exec_cmd=
case ${1:-} in
--shell)
	shell=1
	shift
	;;
--exec)
	exec_cmd=${2:?$USAGE}
	shell=1
	shift 2
	case $exec_cmd in
	*[\"$'\n']*) die "--exec: CMD cannot contain a double quote or a newline (it goes on the kernel command line): '$exec_cmd'" ;;
	esac
	;;
esac
kernel=${1:?$USAGE}
list=${2:-$(kernel_guest "$kernel")}
case $list in tests|bench|mm|kselftest-hmm|soak) ;; *) die "$USAGE" ;; esac
[ $shell = 0 ] || [ "$list" = tests ] || [ "$list" = kselftest-hmm ] || die "--shell and --exec boot the test initramfs: $USAGE"
RESULTS=$(results_dir "$kernel" "$list")

# positive NAME: die unless $NAME is a whole number of seconds above 0; it
# goes into QEMU's, timeout's and the guest's arguments as it is.
positive()
{
	[[ ${!1} =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive whole number of seconds, not '${!1}'"
}

# The mm selftests' own limit per program, from the "settings" file that
# the kselftest runner reads (tools/testing/selftests/mm/settings; vm/ on
# 6.1, BASE_SELFTESTS).
selftests_timeout()
{
	sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' \
		"$SRC/tools/testing/selftests/$BASE_SELFTESTS/settings" 2>/dev/null | grep . || echo 180
}

# Long enough for every program of the list to reach its own limit in the
# guest (limit_of of guest/limits.sh, the formula guest/init uses) plus
# one TEST_TIMEOUT for boot and KUnit, so that a program that hangs is
# named by its own timeout, not by this one: 840 s for the tests by
# default, 1920 s with STRESS_SECONDS=600 (a soak).
guest_timeout()
{
	local name total=$TEST_TIMEOUT
	# shellcheck source=guest/limits.sh
	. "$TOP/guest/limits.sh"
	# The list's programs, and those that guest/init adds on kernels of a
	# fragment (config/fragment-programs): the fault-injected stress, the
	# leak scan.
	while read -r name; do
		total=$((total + $(HARNESS_TEST_TIMEOUT=$TEST_TIMEOUT DEX_STRESS_SECONDS=$STRESS_SECONDS \
			HARNESS_VMTESTS_TIMEOUT=$VMTESTS_TIMEOUT limit_of "$name")))
	done < <(awk '!/^#/ && NF { print $1 }' "$(guest_list "$list")"
		fragment_extras "$kernel" program | awk '{ print $2 }')
	echo "$total"
}

check_knobs()
{
	ACCEL=${ACCEL:-tcg}
	case $ACCEL in
	tcg|kvm) ;;
	*) die "ACCEL must be tcg or kvm, not '$ACCEL'" ;;
	esac
	GUEST_MEM=${GUEST_MEM:-4}
	[[ $GUEST_MEM =~ ^[1-9][0-9]*$ ]] && [ $((GUEST_MEM % 2)) = 0 ] ||
		die "GUEST_MEM is the guest's memory in GiB, an even whole number (2 nodes of half), not '$GUEST_MEM'"
	GUEST_CPUS=${GUEST_CPUS:-2}
	[[ $GUEST_CPUS =~ ^[1-9][0-9]*$ ]] || die "GUEST_CPUS must be a whole number above 0, not '$GUEST_CPUS'"
	TEST_TIMEOUT=${TEST_TIMEOUT:-$(selftests_timeout)}
	positive TEST_TIMEOUT
	STRESS_SECONDS=${STRESS_SECONDS:-60}
	positive STRESS_SECONDS
	VMTESTS_TIMEOUT=${VMTESTS_TIMEOUT:-900}
	positive VMTESTS_TIMEOUT
	REBOOT_AFTER_SPLAT=${REBOOT_AFTER_SPLAT:-${BASE_REBOOT_AFTER_SPLAT:-0}}
	case $REBOOT_AFTER_SPLAT in 0|1) ;; *) die "REBOOT_AFTER_SPLAT must be 0 or 1, not '$REBOOT_AFTER_SPLAT'" ;; esac
	[[ ${SKIP:-} =~ ^[A-Za-z0-9_,-]*$ ]] || die "SKIP is a comma-separated list of program names, not '$SKIP'"
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-$(guest_timeout)}
	positive GUEST_TIMEOUT
	# dex-stress reads it with strtoull(, 0): decimal as it prints it, or hex.
	[[ ${DEX_STRESS_SEED:-0} =~ ^([0-9]+|0[xX][0-9a-fA-F]+)$ ]] ||
		die "DEX_STRESS_SEED must be a number (dex-stress prints it as '# seed=N'), not '$DEX_STRESS_SEED'"
	check_filters
}

# KUNIT_FILTER is one word of the kernel command line. SELFTEST_FILTER
# goes there in double quotes (see kernel_cmdline), so it cannot hold one;
# its first word must name a program of guest/tests.
check_filters()
{
	local name
	case ${KUNIT_FILTER:-} in
	*[[:space:]\"]*) die "KUNIT_FILTER is a glob without blanks or quotes: '$KUNIT_FILTER'" ;;
	esac
	[ -n "${SELFTEST_FILTER:-}" ] || return 0
	case $SELFTEST_FILTER in
	*[\"$'\n']*) die "SELFTEST_FILTER cannot contain a double quote or a newline: '$SELFTEST_FILTER'" ;;
	esac
	name=${SELFTEST_FILTER%%[[:space:]]*}
	awk -v n="$name" '!/^#/ && $1 == n { found = 1 } END { exit !found }' "$(guest_list)" ||
		die "SELFTEST_FILTER: no program '$name' in guest/tests, which has: $(awk '!/^#/ && NF { print $1 }' "$(guest_list)" | paste -sd' ')"
}

# The kernel command line, one word per element. oops=panic + panic=-1 +
# QEMU's -no-reboot: a crash ends the guest at once instead of leaving it
# to the timeout. printk.time=1 (a boot parameter, whatever
# CONFIG_PRINTK_TIME says) stamps every kernel line "[seconds.micro]", so
# that report.sh tells kernel splats from the programs' own output.
# brd gives the guest a swap device. A NAME=value word without a dot
# reaches /init, and so the tests, as an environment variable.
kernel_cmdline()
{
	cmdline=("console=$ARCH_CONSOLE" "${ARCH_CMDLINE[@]}" printk.time=1
		oops=panic panic=-1 kunit.enable=1 hugepages=8
		brd.rd_nr=1 brd.rd_size=262144
		"HARNESS_TEST_TIMEOUT=$TEST_TIMEOUT" "DEX_STRESS_SECONDS=$STRESS_SECONDS"
		"HARNESS_VMTESTS_TIMEOUT=$VMTESTS_TIMEOUT")
	local skip=${SKIP:-}
	[ -z "${DEX_STRESS_SEED:-}" ] || cmdline+=("DEX_STRESS_SEED=$DEX_STRESS_SEED")
	# The race stress is for kernels with the whole series. On the negative
	# controls it proves nothing deterministic, and 6.12.117 itself dies
	# under it (kernel BUG in try_to_migrate_one() on move_pages() of a THP
	# with a device-exclusive page; see the cover letter), which would cut
	# their run short. guest/init skips the programs named in HARNESS_SKIP.
	# STRESS_ALL=1 (scripts/prefixes.sh) runs it on the base too, to show it.
	# CONTROL_RECLAIM=1 (scripts/mutants.sh) keeps the stress under memcg
	# reclaim on the negative controls: the only test that reaches
	# folio_referenced_one() through LRU reclaim.
	case $(kernel_tree "$kernel")/${STRESS_ALL:-0}/${CONTROL_RECLAIM:-0} in
	revert-*/*/1) skip+=${skip:+,}dex-stress ;;
	base/0/*|revert-*) skip+=${skip:+,}dex-stress,dex-stress-memcg ;;
	esac
	[ -z "$skip" ] || cmdline+=("HARNESS_SKIP=$skip")
	[ "$REBOOT_AFTER_SPLAT" = 0 ] || cmdline+=(HARNESS_REBOOT_AFTER_SPLAT=1)
	[ -z "${BASE_THP:-}" ] || cmdline+=("HARNESS_THP=$BASE_THP")
	# The mm guest's kernels run every KUnit suite (config/mm.config) but
	# KUnit's platform-device self-test, whose sysfs warning is on purpose.
	[ "$list" != mm ] || cmdline+=("kunit.filter=module!=platform_test")
	if [ -n "$exec_cmd" ]; then
		cmdline+=("HARNESS_EXEC=\"$exec_cmd\"")
	elif [ $shell = 1 ]; then
		cmdline+=(HARNESS_SHELL=1)
	fi
	# Filters narrow what the tests do; a benchmark run is never filtered.
	[ "$list" = tests ] || return 0
	[ -z "${KUNIT_FILTER:-}" ] || cmdline+=("kunit.filter_glob=$KUNIT_FILTER")
	# The kernel keeps a double-quoted value whole, blanks included, and
	# hands it to /init without the quotes (init/main.c, lib/cmdline.c).
	[ -z "${SELFTEST_FILTER:-}" ] || cmdline+=("HARNESS_SELFTEST_FILTER=\"$SELFTEST_FILTER\"")
}

# qemu_args SERIAL [NOTE]: the QEMU command, in the array qemu; with V=1
# it is printed, after a line with NOTE.
qemu_args()
{
	arch_qemu_args
	qemu=("$ARCH_QEMU" "${ARCH_QEMU_ARGS[@]}"
		-accel "$ACCEL" -smp "$GUEST_CPUS" -m "${GUEST_MEM}G" -nodefaults -display none -no-reboot
		-kernel "$image" -initrd "$initrd"
		-append "${cmdline[*]}" -serial "$1")
	if [ "${V:-0}" != 0 ]; then
		stage "QEMU command (V=1${2:+; $2}):"
		printf '%q' "${qemu[0]}"
		printf ' %q' "${qemu[@]:1}"
		echo
	fi
}

# What a filtered run did not run, for report.sh: strict xfail cannot say
# that a listed test that was filtered out (or whose program SKIP named)
# "did not run".
record_filters()
{
	rm -f "$RESULTS/filters"
	[ "$list" = tests ] || return 0
	[ -z "${KUNIT_FILTER:-}" ] || echo "KUNIT_FILTER=$KUNIT_FILTER" >>"$RESULTS/filters"
	[ -z "${SELFTEST_FILTER:-}" ] || echo "SELFTEST_FILTER=$SELFTEST_FILTER" >>"$RESULTS/filters"
	[ -z "${SKIP:-}" ] || echo "SKIP=$SKIP" >>"$RESULTS/filters"
	return 0
}

# The programs of the list, for report.sh: each must have run or been
# skipped on purpose (guest/init's "@@ skipped NAME (...)").
record_programs()
{
	awk '!/^#/ && NF { print $1 }' "$(guest_list "$list")" >"$RESULTS/programs"
}

# stop_guest SIGNAL: the trap of INT, TERM and HUP while the guest runs.
# timeout(1) made itself the leader of a process group (QEMU and whatever
# it started), which the terminal's Ctrl-C does not reach: stop that group,
# wait for it, and exit as interrupted.
stop_guest()
{
	local pid=${guest:-${!:-}}
	trap - INT TERM HUP
	if [ -n "$pid" ]; then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	echo "interrupted: guest $ARCH/$kernel stopped" >&2
	exit $((128 + $(kill -l "$1")))
}

# boot_once CONSOLE: one boot of the guest, under timeout(1), in the
# background: bash runs a trap only between commands, and 'wait' is the
# one command a signal cuts short. Returns QEMU's exit status.
boot_once()
{
	local rc=0
	# QEMU's option parser takes ",," for a comma in a path.
	qemu_args "file:${1//,/,,}" "killed after GUEST_TIMEOUT=${GUEST_TIMEOUT}s"
	guest=
	trap 'stop_guest INT' INT
	trap 'stop_guest TERM' TERM
	trap 'stop_guest HUP' HUP
	# A SIGKILL of this script (how CI cancels a job: the run's process
	# group) reaches neither timeout(1), in a group of its own, nor QEMU:
	# each dies with its parent (setpriv --pdeathsig), and neither holds
	# the lock on build/ (fd 9, see take_lock), so that the next run may
	# start at once.
	setpriv --pdeathsig KILL -- timeout -k 10 "$GUEST_TIMEOUT" \
		setpriv --pdeathsig KILL -- "${qemu[@]}" </dev/null >"$RESULTS/qemu.log" 2>&1 9>&- &
	guest=$!
	wait "$guest" || rc=$?
	trap - INT TERM HUP
	return $rc
}

# resume_point CONSOLE: the program that a boot which reached /init but
# not "@@ harness-done" ended in or after (the kernel died in it, or
# guest/init rebooted after the kernel splatted in it); nothing if the
# boot ran no program, which no further boot would change.
resume_point()
{
	tr -d '\r' <"$1" | awk '/^@@ harness-done/ { done = 1 }
		/^@@ harness-init/ { init = 1 }
		/^@@ ksft-begin / { last = $3 }
		END { if (init && !done && last != "") print last }'
}

# The guest; a boot that ends early (a kernel crash: oops=panic; or a
# reboot after a program during which the kernel splatted) is followed
# by another that resumes after the program it ended in, with KUnit off
# (it ran in the first boot), so that one crash does not hide the
# results of the programs after it. console.log holds every boot's
# console, in order; report.sh attributes a crash to the test that was
# running.
run_guest()
{
	local rc=0 t console=$RESULTS/console.log cur after boots=1 max first=("${cmdline[@]}")
	mkdir -p "$RESULTS"
	rm -f "$console" "$RESULTS/timeout" "$RESULTS"/console.boot*
	record_filters
	record_programs
	max=$(wc -l <"$RESULTS/programs")
	t=$(date +%s)
	cur=$console
	boot_once "$cur" || rc=$?
	while [ $rc = 0 ] && [ "$boots" -le "$max" ] && after=$(resume_point "$cur") && [ -n "$after" ]; do
		stage "$ARCH/$kernel: boot $boots ended in or after '$after' ($(tr -d '\r' <"$cur" |
			grep -m1 -o -E '@@ harness-reboot .*|Kernel panic - not syncing: .*' || echo "no reason on the console")); boot $((boots + 1)) resumes after it"
		boots=$((boots + 1))
		cmdline=("${first[@]/#kunit.enable=1/kunit.enable=0}" "HARNESS_RESUME_AFTER=$after")
		cur=$RESULTS/console.boot$boots
		boot_once "$cur" || rc=$?
		echo "@@ harness-resume boot $boots after $after" >>"$console"
		cat "$cur" >>"$console"
	done
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "$GUEST_TIMEOUT" >"$RESULTS/timeout"
	elif [ $rc != 0 ]; then
		cat "$RESULTS/qemu.log" >&2
		die "qemu failed (rc=$rc) booting $ARCH/$kernel"
	fi
	stage "booted $ARCH/$kernel: guest ran $(( $(date +%s) - t ))s$([ $boots = 1 ] || echo " in $boots boots")$([ $rc = 0 ] || echo " (killed after ${GUEST_TIMEOUT}s)"), console: $console"
}

# The shell: QEMU in the foreground on this terminal, so neither timeout(1)
# (which would put it in a background process group, stopped as soon as
# it reads the terminal) nor the traps above.
run_shell()
{
	qemu_args mon:stdio
	stage "shell on $ARCH/$kernel: Ctrl-A X quits QEMU; 'exit' powers the guest off"
	exec "${qemu[@]}"
}

# run_exec: the guest with CMD, in the foreground, its console on stdout
# and in exec.log; the exit status is CMD's, read from the console.
run_exec()
{
	local log rc
	mkdir -p "$RESULTS"
	log=$RESULTS/exec.log
	qemu_args stdio
	stage "exec on $ARCH/$kernel: $exec_cmd"
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	setpriv --pdeathsig KILL -- timeout -k 10 "${GUEST_TIMEOUT:-600}" \
		setpriv --pdeathsig KILL -- "${qemu[@]}" </dev/null 9>&- | tee "$log"
	rc=$(tr -d '\r' <"$log" | sed -n 's/^@@ exec-end rc=\([0-9]*\)$/\1/p' | tail -n1)
	[ -n "$rc" ] || { echo "exec: the guest ended without CMD's status (log: $log)" >&2; exit 1; }
	exit "$rc"
}

# dry_run: what a boot would run, printed; nothing is started.
dry_run()
{
	initrd=$(guest_cpio "$list")
	kernel_cmdline
	case $exec_cmd/$shell in
	/1) qemu_args mon:stdio ;;
	/*) qemu_args "file:$RESULTS/console.log" ;;
	*) qemu_args stdio ;;
	esac
	printf '+'
	printf ' %q' "${qemu[@]}"
	echo
}

main()
{
	local owner
	[ -n "$ARCH_QEMU" ] ||
		die "ARCH=$ARCH is built, not booted (scripts/arch/$ARCH.sh has no QEMU): scripts/coverage.sh builds it"
	check_knobs
	image=$(kernel_out "$kernel")/$ARCH_IMAGE
	[ "${DRY_RUN:-0}" = 0 ] || { dry_run; return 0; }
	[ -f "$image" ] || die "no kernel image $image: build it with 'BUILD_ONLY=1 scripts/kernel.sh $kernel'"
	# The series and its revert-N and prefix-N kernels share a build
	# directory.
	owner=$(cat "$(kernel_out "$kernel")/.harness-kernel" 2>/dev/null || echo "an unknown kernel")
	[ "$owner" = "$kernel" ] ||
		die "$image is the image of '$owner', not of '$kernel': build it with 'BUILD_ONLY=1 scripts/kernel.sh $kernel'"
	[ -f "$(guest_cpio "$list")" ] ||
		die "no initramfs $(guest_cpio "$list"): build it with 'scripts/guest.sh$([ "$list" = tests ] || echo " $list")'"
	initrd=$(guest_cpio "$list")
	# A kernel with modules (+hmmmod): the guest's initramfs, then its
	# modules, one file that the kernel unpacks archive by archive; an
	# archive after a compressed one must start at a multiple of 4 bytes
	# (init/initramfs.c), so zeros pad the first.
	if [ -f "$(kernel_out "$kernel")/harness-modules.cpio" ] && [ "$list" = kselftest-hmm ]; then
		mkdir -p "$RESULTS"
		{
			cat "$initrd"
			head -c $(( (4 - $(stat -c %s "$initrd") % 4) % 4 )) /dev/zero
			cat "$(kernel_out "$kernel")/harness-modules.cpio"
		} >"$RESULTS/initrd.cpio"
		initrd=$RESULTS/initrd.cpio
	fi
	kernel_cmdline
	if [ -n "$exec_cmd" ]; then
		run_exec
	elif [ $shell = 1 ]; then
		run_shell
	else
		run_guest
	fi
}

main "$@"
