#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: the series kernel for ARCH built, booted under QEMU with
# KUnit and the selftests; then the benchmark of the series against the
# base kernel (scripts/bench.sh; BENCH=0 skips it), and a readable summary.
. "$(dirname "$0")/lib.sh"

main()
{
	local rc=0 tests=0 krc=0
	stage "main job: $ARCH series kernel (KUnit, hmm-tests, dex-stress)$([ "${BENCH:-1}" = 0 ] || echo ", then the benchmark of $(bench_kernels | tr ' ' '/')"); about 3 min with a warm ccache, 12 min cold"
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/guest.sh"
	# A failed test still gets the benchmark and the summary; a kernel
	# that did not build or boot (no results), or Ctrl-C, ends the job.
	"$TOP/scripts/kernel.sh" series || krc=$?
	stop_if_interrupted $krc "main job"
	[ -s "$(results_dir series)/counts" ] || exit $krc
	# Never fails on speed; only on a guest that crashed, hung or splatted.
	# Its table and plot end the summary.
	[ "${BENCH:-1}" = 0 ] || "$TOP/scripts/bench.sh" >"$LOGS/bench-$ARCH.log" 2>&1 || rc=$?
	"$TOP/scripts/summary.sh" "$ARCH/series=$(results_dir series)/counts" || tests=$?
	[ "${BENCH:-1}" = 0 ] || show_bench $rc
	exit $tests
}

# The benchmark's table and the path of its plot, or why there is none.
show_bench()
{
	local res
	res=$(bench_dir)
	if [ "$1" != 0 ]; then
		tail -n 30 "$LOGS/bench-$ARCH.log" >&2
		die "the benchmark failed; full log: $LOGS/bench-$ARCH.log"
	fi
	echo
	cat "$res/table.txt"
	echo "plot: $res/plot.png"
}

main "$@"
