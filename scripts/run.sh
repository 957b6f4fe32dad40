#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: the series kernel for ARCH built, booted under QEMU with
# KUnit and the selftests; then the benchmark of the series against the
# base kernel (scripts/bench.sh; BENCH=0 skips it), and a readable summary.
. "$(dirname "$0")/lib.sh"

main()
{
	local rc=0
	stage "main job: $ARCH, series kernel"
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/guest.sh"
	"$TOP/scripts/kernel.sh" series
	# Never fails on speed; only on a guest that crashed, hung or splatted.
	[ "${BENCH:-1}" = 0 ] || "$TOP/scripts/bench.sh" || rc=$?
	"$TOP/scripts/summary.sh" "$ARCH/series=$BUILD/results/$ARCH-series/counts"
	[ $rc = 0 ] || die "the benchmark failed (see above)"
}

main "$@"
