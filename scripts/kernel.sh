#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel.sh KERNEL: the whole flow for one kernel of ARCH: check out its
# tree, build it, boot it with the guest initramfs, report. Leaves
# build/results/ARCH-KERNEL/{console.log,results.tsv,counts}.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: kernel.sh KERNEL}

# Any kernel but "series" is a worktree at a revision of build/linux.
checkout()
{
	local wt rev
	[ "$kernel" = series ] && return 0
	case $kernel in
	base) rev=base ;;
	*) die "unknown kernel '$kernel' (series, base)" ;;
	esac
	wt=$(kernel_src "$kernel")
	if [ -d "$wt" ]; then
		git -C "$wt" checkout -q --detach "$rev"
	else
		stage "worktree $kernel at $rev"
		git -C "$SRC" worktree add -q --detach "$wt" "$rev"
	fi
}

main()
{
	checkout
	"$TOP/scripts/build.sh" "$kernel"
	[ -f "$BUILD/guest/$ARCH/initramfs.cpio.gz" ] || die "no initramfs: run scripts/guest.sh first"
	"$TOP/scripts/boot.sh" "$kernel"
	"$TOP/scripts/report.sh" "$BUILD/results/$ARCH-$kernel" "$kernel"
}

main "$@"
