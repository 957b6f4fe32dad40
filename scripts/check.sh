#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: the harness's own tests, the lint/bisect gate over the
# series, the mbox round trip through git am, then KUnit + selftests on the
# series kernel, its debug build and, as negative controls, on the series
# with patches reverted and on the base kernel; then arm64: the series,
# with and without hardware access flag updates.
# Ends with "N passed, N failed, N skipped" and exits non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"

# The series, and the series built with the debug fragment (config/
# debug.config); as negative controls, the series without patch 25 (young
# PTE on a CPU fault), without patch 6 (the can_change_pte_writable() one;
# 25, which edits the code 6 adds, and 13, which drops the entry type that
# 6 made unused, go first), and the unpatched base. tests/xfail says what
# must fail on each. The revert-* kernels change build/linux, so they come
# after the kernels built from the series as it is.
KERNELS=${KERNELS:-series series+debug revert-25 revert-25-13-6 base}
# Other architectures: the series, and on arm64 the series without hardware
# access flag updates (config/noafdbm.config), where patch 25 saves a fault
# per page, with and without that patch. The gate, the debug kernel and the
# other negative controls are not repeated there, to keep a cold run inside
# CI's limit (OTHER_KERNELS="series base" runs the base too).
ARCHES=${ARCHES:-x86_64 arm64}
OTHER_KERNELS=${OTHER_KERNELS:-series series+noafdbm revert-25+noafdbm}

# run_arch ARCH KERNEL...: the guest and each kernel of ARCH; appends
# ARCH/KERNEL=COUNTS to the counts array of main().
run_arch()
{
	local arch=$1 k res
	shift
	ARCH=$arch "$TOP/scripts/guest.sh"
	for k in "$@"; do
		res=$(ARCH=$arch results_dir "$k")
		rm -f "$res/counts"
		ARCH=$arch "$TOP/scripts/kernel.sh" "$k" || true
		counts+=("$arch/$k=$res/counts")
	done
}

main()
{
	local a counts=()
	stage "test command: $ARCHES; kernels: $KERNELS (${ARCHES%% *}), $OTHER_KERNELS (others)"
	# Every architecture's packages first: a missing one fails the run
	# before the long gate, not after it.
	for a in $ARCHES; do
		ARCH=$a "$TOP/scripts/deps.sh"
	done
	"$TOP/scripts/tree.sh"
	"$TOP/tests/harness/run.sh"
	"$TOP/scripts/gate.sh"
	"$TOP/scripts/mbox.sh" check
	for a in $ARCHES; do
		if [ "$a" = "${ARCHES%% *}" ]; then
			run_arch "$a" $KERNELS
		else
			run_arch "$a" $OTHER_KERNELS
		fi
	done
	"$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
