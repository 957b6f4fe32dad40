#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The harness's own tests: how it fails, on recorded inputs, in seconds.
# Each tests/harness/cases/NAME/ is one of
#   console.log   scripts/report.sh on a recorded console ("timeout" for a
#                 guest that was killed, "xfail" for an xfail list,
#                 "known-splats" for a list of known bugs of the base,
#                 "kernel" for the kernel it is reported as ("series"
#                 without it), results/ for files that boot.sh or an
#                 earlier run left in the results directory), then
#                 scripts/summary.sh on its counts; results.tsv and counts
#                 are the expected results
#   base/ patches/  tree.sh's apply_patches (lib.sh): git am of patches/
#                 onto a tiny repository made of base/
#   pkgs          scripts/deps.sh checking these package:probe pairs, with
#                 the case's apt-get stub first in PATH
#   script        a bash script run with lib.sh's functions, OUT set to the
#                 case's scratch directory (run_script): for what needs a
#                 set-up of its own (the lock on build/, a half-done git am)
#   boot          scripts/boot.sh series with a stand-in QEMU (run_boot),
#                 with the environment of these NAME=value lines; "signal"
#                 (INT, TERM) is sent to it once the stand-in runs;
#                 console.N is the console of its Nth boot
# and has "status", the expected exit status (of summary.sh, apply_patches,
# deps.sh or boot.sh), and "expect", lines its output must contain: whole
# lines, with OUT for the case's scratch directory, TOP for this repository
# and [Ns] for the time of a stage line.
# The recorded cases are of the 6.12 base's layout (build/linux, guest/tests).
BASE=6.12
. "$(dirname "$0")/../../scripts/lib.sh"

CASES=$TOP/tests/harness/cases

# The verdict on a recorded console: report.sh must work (exit 0) and
# summary.sh's exit status is the verdict.
run_report()
{
	local case=$1 out=$2 xfail known kernel
	cp "$case/console.log" "$out/"
	[ ! -f "$case/timeout" ] || cp "$case/timeout" "$out/"
	[ ! -d "$case/results" ] || cp -r "$case/results/." "$out/"
	xfail=$case/xfail
	[ -f "$xfail" ] || xfail=/dev/null
	known=$case/known-splats
	[ -f "$known" ] || known=/dev/null
	# The recorded consoles' rows stay out of the run's results file.
	kernel=series
	[ ! -f "$case/kernel" ] || kernel=$(cat "$case/kernel")
	RUN_RESULTS=$out/run.tsv XFAIL=$xfail KNOWN=$known "$TOP/scripts/report.sh" "$out" "$kernel" || return 99
	RUN_RESULTS=$out/run.tsv "$TOP/scripts/summary.sh" "$(basename "$case")=$out/counts"
}

# base/ as the "base" commit of a new repository, then the real
# apply_patches on it, as tree.sh does on build/linux. Then what the
# repository is left with: a failed apply keeps the patches before it
# and no git am in progress.
run_apply()
{
	local case=$1 out=$2 repo=$2/repo rc=0
	cp -r "$case/base" "$repo"
	git -C "$repo" init -q -b series
	git -C "$repo" config user.name harness
	git -C "$repo" config user.email harness@localhost
	git -C "$repo" add -A
	git -C "$repo" commit -q -m base
	# A subshell, because apply_patches exits (die) when a patch fails.
	(apply_patches "$repo" "$case/patches" "the test base") || rc=$?
	echo "commits: $(git -C "$repo" log --reverse --format=%s | paste -sd '|')"
	echo "git am in progress: $([ -d "$repo/.git/rebase-apply" ] && echo yes || echo no)"
	return $rc
}

# deps.sh with DEPS_PKGS from pkgs. The case's apt-get stub stands first in
# PATH, so nothing is ever installed; a stub id says root, so the install
# path runs whoever runs the tests. BUILD=OUT keeps its apt.log here.
run_deps()
{
	local case=$1 out=$2
	mkdir -p "$out/bin"
	cp "$case/apt-get" "$out/bin/apt-get"
	printf '#!/bin/sh\necho 0\n' >"$out/bin/id"
	chmod +x "$out/bin/apt-get" "$out/bin/id"
	if [ "$(PATH=$out/bin:$PATH command -v apt-get)" != "$out/bin/apt-get" ]; then
		echo "the stub apt-get is not the one in PATH: not running deps.sh"
		return 99
	fi
	PATH=$out/bin:$PATH BUILD=$out ARCH=x86_64 DEPS_PKGS=$(cat "$case/pkgs") \
		"$TOP/scripts/deps.sh"
}

# The stand-in for QEMU: it writes its arguments, one per line, to
# $STUB_DIR/qemu-args (its last run's) and its pid to $STUB_DIR/stub-pids,
# and runs for $STUB_SECONDS (as sleep(1), with the same pid), as a guest
# that does not end would. With a file $STUB_DIR/console.N, its Nth run
# writes that as the guest's console (-serial file:PATH) and ends, as a
# guest that printed it would.
write_qemu_stub()
{
	cat >"$1" <<-'EOF'
	#!/bin/sh
	n=$(($(cat "$STUB_DIR/runs" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$STUB_DIR/runs"
	printf '%s\n' "$@" >"$STUB_DIR/qemu-args"
	if [ -f "$STUB_DIR/console.$n" ]; then
		while [ $# -gt 1 ] && [ "$1" != -serial ]; do shift; done
		cp "$STUB_DIR/console.$n" "${2#file:}"
		exit 0
	fi
	echo "$$" >"$STUB_DIR/stub-pids.new"
	mv "$STUB_DIR/stub-pids.new" "$STUB_DIR/stub-pids"
	exec sleep "$STUB_SECONDS"
	EOF
	chmod +x "$1"
}

# alive PID: PID exists and is not a zombie (a process that ended and that
# its parent has not waited for yet).
alive()
{
	local stat
	stat=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "${stat%% *}" != Z ]
}

# ignored PID SIG: PID ignores SIG (its SigIgn mask in /proc).
ignored()
{
	local mask
	mask=$(awk '$1 == "SigIgn:" { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$mask" ] && (((0x$mask >> ($(kill -l "$2") - 1)) & 1))
}

# interrupt PID SIG OUT: once the stand-in QEMU runs, SIG to the process
# group of PID, as a terminal sends Ctrl-C to its foreground job; then PID
# must end within 5 s and leave no stand-in process behind.
interrupt()
{
	local pid=$1 sig=$2 out=$3 i p left=
	for ((i = 0; i < 100; i++)); do
		[ ! -f "$out/stub-pids" ] || break
		sleep 0.1
	done
	[ -f "$out/stub-pids" ] || echo "the stand-in QEMU did not start within 10s"
	# A shell without job control starts its background jobs with SIGINT
	# ignored, and bash cannot trap a signal ignored on entry: say so,
	# rather than blame boot.sh (make check started with '... &' from a
	# script; run it in the foreground, or under set -m).
	if ignored "$pid" "$sig"; then
		echo "SIG$sig is ignored in boot.sh, inherited from the shell that started this run: boot.sh cannot trap it"
	fi
	kill -"$sig" -- "-$pid"
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		echo "boot.sh still ran 5s after SIG$sig"
		kill -KILL -- "-$pid"
	else
		echo "boot.sh ended within 5s of SIG$sig"
	fi
	# A process killed a moment ago may not have gone yet.
	for ((i = 0; i < 10; i++)); do
		left=
		for p in $(cat "$out/stub-pids" 2>/dev/null); do
			! alive "$p" || left+=" $p"
		done
		[ -n "$left" ] || break
		sleep 0.1
	done
	echo "stand-in processes left:${left:- none}"
	[ -z "$left" ] || kill -KILL $left
}

# The real boot.sh on kernel "series", with the stand-in first in PATH as
# the QEMU of x86_64 and arm64, BUILD in OUT/build dir (a blank, as a
# checkout's path may have) and empty files for their images and
# initramfs; ARCH=x86_64 and the case's NAME=value lines are its
# environment, the knobs of this shell are not.
# Then the filters it recorded and the stand-in's arguments. A subshell, for set -m: boot.sh runs as a
# job in a process group of its own, as in a terminal, and with SIGINT not
# ignored (bash ignores it in background jobs without job control).
run_boot()
(
	local case=$1 out=$2 build="$2/build dir" sig= pid rc=0 env=() file
	for file in out-x86_64/arch/x86/boot/bzImage out-arm64/arch/arm64/boot/Image; do
		mkdir -p "$build/linux/${file%/*}"
		: >"$build/linux/$file"
		echo series >"$build/linux/${file%%/*}/.harness-kernel"
	done
	mkdir -p "$build/guest/x86_64" "$build/guest/arm64" "$out/bin"
	: >"$build/guest/x86_64/initramfs.cpio.gz"
	: >"$build/guest/arm64/initramfs.cpio.gz"
	for file in qemu-system-x86_64 qemu-system-aarch64; do
		write_qemu_stub "$out/bin/$file"
		if [ "$(PATH=$out/bin:$PATH command -v "$file")" != "$out/bin/$file" ]; then
			echo "the stand-in $file is not the one in PATH: not running boot.sh"
			return 99
		fi
	done
	mapfile -t env < <(grep -v -e '^#' -e '^$' "$case/boot" || true)
	cp "$case"/console.[0-9]* "$out/" 2>/dev/null || true
	[ ! -f "$case/signal" ] || sig=$(cat "$case/signal")
	set -m
	env -u ACCEL -u GUEST_TIMEOUT -u TEST_TIMEOUT -u STRESS_SECONDS -u VMTESTS_TIMEOUT -u SKIP -u DEX_STRESS_SEED \
		-u KUNIT_FILTER -u SELFTEST_FILTER -u V -u REBOOT_AFTER_SPLAT \
		PATH="$out/bin:$PATH" BUILD="$build" ARCH=x86_64 STUB_DIR="$out" \
		STUB_SECONDS=$([ -n "$sig" ] && echo 300 || echo 0) "${env[@]}" \
		"$TOP/scripts/boot.sh" series &
	pid=$!
	set +m
	[ -z "$sig" ] || interrupt "$pid" "$sig" "$out"
	wait "$pid" || rc=$?
	for file in "$build"/results/*-series/filters; do
		[ -f "$file" ] || continue
		echo "filters recorded for report.sh:"
		cat "$file"
	done
	if [ -f "$out/qemu-args" ]; then
		echo "qemu arguments:"
		cat "$out/qemu-args"
	fi
	if [ -f "$out/console.1" ]; then
		echo "console.log:"
		cat "$build/results/x86_64-series/console.log"
	fi
	return $rc
)

# The case's script in a bash of its own, in OUT, with lib.sh's functions
# (the lock stays the one this run holds: HARNESS_LOCK is inherited).
run_script()
{
	local case=$1 out=$2
	(cd "$out" && OUT=$out bash -c '. "$1/scripts/lib.sh"; . "$2"' _ "$TOP" "$case/script")
}

run_kind()
{
	local case=$1 out=$2
	if [ -f "$case/console.log" ]; then
		run_report "$case" "$out"
	elif [ -d "$case/patches" ]; then
		run_apply "$case" "$out"
	elif [ -f "$case/pkgs" ]; then
		run_deps "$case" "$out"
	elif [ -f "$case/boot" ]; then
		run_boot "$case" "$out"
	elif [ -f "$case/script" ]; then
		run_script "$case" "$out"
	else
		echo "no console.log, patches/, pkgs, boot or script: not a case"
		return 99
	fi
}

# The exit status, and every line of "expect" in the output (made
# independent of where the repository is and of the time).
check_output()
{
	local case=$1 out=$2 rc=$3 line bad=0
	sed -e "s|$out|OUT|g" -e "s|$TOP|TOP|g" -e 's/^\[ *[0-9]*s\] /[Ns] /' \
		"$out/output" >"$out/output.norm"
	if [ "$rc" != "$(cat "$case/status")" ]; then
		echo "exit status $rc, expected $(cat "$case/status")"
		bad=1
	fi
	while IFS= read -r line; do
		if ! grep -qxF -- "$line" "$out/output.norm"; then
			echo "missing line: $line"
			bad=1
		fi
	done <"$case/expect"
	[ $bad = 0 ] || { echo "--- its output:"; cat "$out/output.norm"; }
	return $bad
}

# The parsed results of a console case, against the recorded ones.
check_results()
{
	local case=$1 out=$2
	sort "$out/results.tsv" | diff -u "$case/results.tsv" - &&
		diff -u "$case/counts" "$out/counts"
}

run_case()
{
	local case=$1 out rc=0
	out=$BUILD/harness-test/$(basename "$case")
	rm -rf "$out"
	mkdir -p "$out"
	run_kind "$case" "$out" >"$out/output" 2>&1 || rc=$?
	check_output "$case" "$out" "$rc" || return 1
	[ ! -f "$case/results.tsv" ] || check_results "$case" "$out"
}

main()
{
	local case n=0 bad=0
	[ -d "$SRC" ] || die "no build/linux (kunit.py comes from it): run 'make tree'"
	for case in "$CASES"/*/; do
		n=$((n + 1))
		if ! run_case "${case%/}" >"$BUILD/harness-test.diff" 2>&1; then
			echo "harness self-test FAILED: $(basename "$case")"
			cat "$BUILD/harness-test.diff"
			bad=$((bad + 1))
		fi
	done
	# The Python part (scripts/kernels.py), under Debian's pytest
	# (python3-pytest, which deps.sh installs for /usr/bin/python3).
	if ! PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider "$TOP/tests/harness" >"$BUILD/harness-test.diff" 2>&1; then
		echo "harness self-test FAILED: pytest tests/harness"
		cat "$BUILD/harness-test.diff"
		bad=$((bad + 1))
	fi
	[ $bad = 0 ] || die "$bad of $n harness self-tests failed"
	stage "harness self-tests: $n cases ok, and $(grep -o '[0-9]* passed' "$BUILD/harness-test.diff") under pytest"
}

main "$@"
