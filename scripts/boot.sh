#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh KERNEL: boot KERNEL's image with the guest initramfs under QEMU
# (TCG; ACCEL=kvm opts in to KVM where it works) and keep the serial console
# in build/results/ARCH-KERNEL/console.log. A guest that outlives
# GUEST_TIMEOUT seconds is killed; report.sh then calls it a hang.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: boot.sh KERNEL}
RESULTS=$BUILD/results/$ARCH-$kernel
GUEST_TIMEOUT=${GUEST_TIMEOUT:-600}
ACCEL=${ACCEL:-tcg}

# oops=panic + panic=-1 + -no-reboot: a crash ends the guest at once
# instead of leaving it to the timeout. brd gives the guest a swap device.
CMDLINE="oops=panic panic=-1 kunit.enable=1 hugepages=8 brd.rd_nr=1 brd.rd_size=262144"

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
		;;
	esac
	echo -accel "$ACCEL" -smp 2 -m 4G -nodefaults -display none -no-reboot
	echo -kernel "$image" -initrd "$BUILD/guest/$ARCH/initramfs.cpio.gz"
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
