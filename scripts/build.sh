#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh KERNEL: configure and build the boot image of KERNEL for ARCH,
# out of tree, with ccache. One line of progress; the make output goes to
# build/logs/build-ARCH-KERNEL.log.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build.sh KERNEL}

# modules_cpio LOG: the kernel's modules (test_hmm alone, with
# config/hmmmod.config), and an uncompressed cpio of them under
# /lib/modules/RELEASE/, which boot.sh appends to the guest's initramfs
# (the kernel unpacks concatenated archives in turn); guest/init runs
# busybox depmod on them. It goes in the build directory: it is this
# kernel's, like its image.
modules_cpio()
{
	local log=$1 out rel gen ko
	out=$(kernel_out "$kernel")
	run_logged "$log" kmake "$kernel" modules
	rel=$(cat "$out/include/config/kernel.release")
	gen=$BUILD/guest/gen_init_cpio
	[ -x "$gen" ] || die "no $gen: scripts/guest.sh builds it"
	{
		printf 'dir /lib 755 0 0\ndir /lib/modules 755 0 0\ndir /lib/modules/%s 755 0 0\n' "$rel"
		printf 'dir /lib/modules/%s/kernel 755 0 0\n' "$rel"
		(cd "$out" && find . -name '*.ko' | sort) | while read -r ko; do
			ko=${ko#./}
			printf 'file /lib/modules/%s/kernel/%s %s/%s 644 0 0\n' "$rel" "${ko##*/}" "$out" "$ko"
		done
	} >"$out/harness-modules.list"
	grep -q '\.ko ' "$out/harness-modules.list" || die "$kernel: 'make modules' built no module (log: $log)"
	"$gen" "$out/harness-modules.list" >"$out/harness-modules.cpio"
}

main()
{
	local log=$LOGS/build-$ARCH-$kernel.log t
	"$TOP/scripts/config.sh" "$kernel"
	t=$(date +%s)
	: >"$log"
	run_logged "$log" kmake "$kernel" "$(basename "$(arch_image)")"
	[ "$(kernel_guest "$kernel")" = tests ] || modules_cpio "$log"
	# revert-N kernels share the series' build directory: say whose image
	# it holds now, for boot.sh (make shell) to check.
	echo "$kernel" >"$(kernel_out "$kernel")/.harness-kernel"
	stage "built $ARCH/$kernel kernel ($(( $(date +%s) - t ))s, ccache: $(ccache -s 2>/dev/null | grep -m1 -i 'hits:' | tr -s ' ' || echo n/a))"
}

main "$@"
