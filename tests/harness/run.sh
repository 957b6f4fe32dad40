#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The harness's own tests: scripts/report.sh on recorded console logs.
# Each tests/harness/cases/NAME/ holds console.log (and "timeout" for a
# guest that was killed, "xfail" for an xfail list) plus the expected
# results.tsv and counts. Every case is reported as kernel "series".
. "$(dirname "$0")/../../scripts/lib.sh"

CASES=$TOP/tests/harness/cases

run_case()
{
	local case=$1 out
	out=$BUILD/harness-test/$(basename "$case")
	rm -rf "$out"
	mkdir -p "$out"
	cp "$case/console.log" "$out/"
	[ -f "$case/timeout" ] && cp "$case/timeout" "$out/"
	XFAIL=$case/xfail
	[ -f "$XFAIL" ] || XFAIL=/dev/null
	XFAIL=$XFAIL "$TOP/scripts/report.sh" "$out" series >"$out/report.txt"
	sort "$out/results.tsv" | diff -u "$case/results.tsv" - &&
		diff -u "$case/counts" "$out/counts"
}

main()
{
	local case n=0 bad=0
	[ -d "$SRC" ] || die "no build/linux (kunit.py comes from it): run 'make tree'"
	for case in "$CASES"/*/; do
		n=$((n + 1))
		if ! run_case "${case%/}" >"$BUILD/harness-test.diff" 2>&1; then
			echo "harness self-test FAILED: $(basename "$case")"
			cat "$BUILD/harness-test.diff"
			bad=$((bad + 1))
		fi
	done
	[ $bad = 0 ] || die "$bad of $n harness self-tests failed"
	stage "harness self-tests: $n cases ok"
}

main "$@"
