#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh KERNEL: configure and build the boot image of KERNEL for ARCH,
# out of tree, with ccache. One line of progress; the make output goes to
# build/logs/build-ARCH-KERNEL.log.
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: build.sh KERNEL}

main()
{
	local log=$LOGS/build-$ARCH-$kernel.log t
	"$TOP/scripts/config.sh" "$kernel"
	t=$(date +%s)
	: >"$log"
	run_logged "$log" kmake "$kernel" "$(basename "$(arch_image)")"
	# revert-N kernels share the series' build directory: say whose image
	# it holds now, for boot.sh (make shell) to check.
	echo "$kernel" >"$(kernel_out "$kernel")/.harness-kernel"
	stage "built $ARCH/$kernel kernel ($(( $(date +%s) - t ))s, ccache: $(ccache -s 2>/dev/null | grep -m1 -i 'hits:' | tr -s ' ' || echo n/a))"
}

main "$@"
