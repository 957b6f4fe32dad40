#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# summary.sh NAME=COUNTS_FILE...: add up the counts of several runs and end
# with the line "N passed, N failed, N skipped". Exits 1 if anything failed
# or a run left no counts (it did not get as far as a report).
. "$(dirname "$0")/lib.sh"

main()
{
	local arg name file p f s x tp=0 tf=0 ts=0 tx=0
	echo
	for arg in "$@"; do
		name=${arg%%=*}
		file=${arg#*=}
		# A kernel's counts (beside its results.tsv) count only when this
		# run wrote them.
		if [ -s "$file" ] && [ -f "$(dirname "$file")/results.tsv" ] && ! results_current "$(dirname "$file")" 2>&1; then
			p=0 f=1 s=0 x=0
		elif [ -s "$file" ]; then
			read -r p f s x <"$file"
		else
			p=0 f=1 s=0 x=0
			echo "$name: no results (the run stopped before its report)"
		fi
		printf '%-24s %4d passed, %d failed, %d skipped (%d of them xfail)\n' "$name" "$p" "$f" $((s + x)) "$x"
		tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s + x)) tx=$((tx + x))
	done
	[ $tx = 0 ] || echo "skipped includes $tx expected failures (tests/xfail; in the mm regressions, failures of the base too)"
	[ ! -f "$(run_results)" ] || echo "this run's results, one row per test: $(run_results)"
	echo "logs: $LOGS, consoles and results: $BUILD/results"
	echo "$tp passed, $tf failed, $ts skipped"
	[ $tf = 0 ] || exit 1
}

main "$@"
