#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: the harness's own tests, the lint/bisect gate over the
# series, the mbox round trip through git am, then KUnit + selftests on the
# series kernel and, as negative controls, on the series with the core
# patch reverted and on the base kernel.
# Ends with "N passed, N failed, N skipped" and exits non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"

# The series, and the series built with the debug fragment (config/
# debug.config); as negative controls, the series without patch 6 (the
# can_change_pte_writable() one; patch 13, which drops the entry type that
# 6 made unused, goes first) and the unpatched base. tests/xfail says what
# must fail on each. revert-13-6 changes build/linux, so it comes after
# the kernels built from the series as it is.
KERNELS=${KERNELS:-series debug revert-13-6 base}

main()
{
	local k counts=()
	stage "test command: $ARCH, kernels: $KERNELS"
	"$TOP/scripts/deps.sh"
	"$TOP/scripts/tree.sh"
	"$TOP/tests/harness/run.sh"
	"$TOP/scripts/gate.sh"
	"$TOP/scripts/mbox.sh" check
	"$TOP/scripts/guest.sh"
	for k in $KERNELS; do
		rm -f "$BUILD/results/$ARCH-$k/counts"
		"$TOP/scripts/kernel.sh" "$k" || true
		counts+=("$ARCH/$k=$BUILD/results/$ARCH-$k/counts")
	done
	"$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
