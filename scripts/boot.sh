#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh KERNEL [bench]: boot KERNEL's image with the guest initramfs under
# QEMU (TCG; ACCEL=kvm opts in to KVM where it works) and keep the serial
# console in build/results/ARCH-KERNEL/console.log; with "bench", the
# benchmark initramfs instead (scripts/guest.sh bench), and the console in
# build/results/ARCH-KERNEL-bench/. A guest that outlives GUEST_TIMEOUT
# seconds is killed; report.sh then calls it a hang.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: boot.sh KERNEL [bench]}
list=${2:-tests}
RESULTS=$(results_dir "$kernel" "$list")
GUEST_TIMEOUT=${GUEST_TIMEOUT:-600}
ACCEL=${ACCEL:-tcg}

# oops=panic + panic=-1 + -no-reboot: a crash ends the guest at once
# instead of leaving it to the timeout. brd gives the guest a swap device.
CMDLINE="oops=panic panic=-1 kunit.enable=1 hugepages=8 brd.rd_nr=1 brd.rd_size=262144"
# STRESS_SECONDS=N: how long dex-stress runs (its default is 60 s). A
# NAME=value word without a dot reaches /init, and so the tests, as an
# environment variable.
if [ -n "${STRESS_SECONDS:-}" ]; then
	case $STRESS_SECONDS in
	*[!0-9]*) die "STRESS_SECONDS must be a number of seconds: $STRESS_SECONDS" ;;
	esac
	CMDLINE+=" DEX_STRESS_SECONDS=$STRESS_SECONDS"
fi

# The race stress is for kernels with the whole series. On the negative
# controls it proves nothing deterministic, and 6.12.117 itself dies under
# it (kernel BUG in try_to_migrate_one() on move_pages() of a THP with a
# device-exclusive page; see the cover letter), which would cut their run
# short. guest/init skips the programs named in HARNESS_SKIP.
case $(kernel_tree "$kernel") in
base|revert-*) CMDLINE+=" HARNESS_SKIP=dex-stress" ;;
esac

qemu_cmd()
{
	local image
	image=$(kernel_out "$kernel")/$(arch_image)
	case $ARCH in
	x86_64)
		echo qemu-system-x86_64 -machine q35 -cpu max
		echo -append "'console=ttyS0 numa=fake=2 $CMDLINE'"
		;;
	arm64)
		echo qemu-system-aarch64 -machine virt -cpu max
		echo -append "'console=ttyAMA0 $CMDLINE'"
		# Two NUMA nodes of 2 GiB (of -m 4G), one CPU each, which the
		# kernel reads from the device tree (numa=fake= is x86-only).
		echo -object memory-backend-ram,id=mem0,size=2G
		echo -object memory-backend-ram,id=mem1,size=2G
		echo -numa node,nodeid=0,cpus=0,memdev=mem0
		echo -numa node,nodeid=1,cpus=1,memdev=mem1
		;;
	esac
	echo -accel "$ACCEL" -smp 2 -m 4G -nodefaults -display none -no-reboot
	echo -kernel "$image" -initrd "$(guest_cpio "$list")"
	echo -serial "file:$RESULTS/console.log"
}

main()
{
	local rc=0 t
	mkdir -p "$RESULTS"
	rm -f "$RESULTS/console.log" "$RESULTS/timeout"
	t=$(date +%s)
	eval timeout -k 10 "$GUEST_TIMEOUT" $(qemu_cmd) </dev/null >"$RESULTS/qemu.log" 2>&1 || rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "$GUEST_TIMEOUT" >"$RESULTS/timeout"
	elif [ $rc != 0 ]; then
		cat "$RESULTS/qemu.log" >&2
		die "qemu failed (rc=$rc) booting $ARCH/$kernel"
	fi
	stage "booted $ARCH/$kernel: guest ran $(( $(date +%s) - t ))s$([ $rc = 0 ] || echo " (killed after ${GUEST_TIMEOUT}s)"), console: $RESULTS/console.log"
}

main "$@"
