#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# prefixes.sh: boot the kernel of every patch prefix of the series (and the
# base, as prefix 0) with KUnit, hmm-tests and then a short dex-stress, and
# print one table row per prefix: tests passed and failed, kernel splats
# or a hang during KUnit and hmm-tests, and how the stress ended. A bisect
# lands on any of these kernels: none may splat or hang in the tests, and
# once a prefix survives the stress, no later one may die under it. Failed
# tests are expected where the prefix lacks what a test checks (the test
# binaries come from the whole series); the base dies under the stress.
# Exits 1 if a prefix breaks either rule or left no results.
#
# PREFIXES="N M ..." limits the run to those prefixes (0 = base);
# STRESS_SECONDS (20 here) is how long dex-stress runs on each.
. "$(dirname "$0")/lib.sh"

TABLE=$BUILD/results/$BASE_TAG$ARCH-prefixes.txt

# A tab-separated row for prefix N from its results.
row()
{
	local n=$1 kernel=$2 secs=$3 res begin p=- f=-
	res=$(results_dir "$kernel")
	begin=$(stress_line "$res")
	[ ! -s "$res/counts" ] || read -r p f _ <"$res/counts"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$p" "$f" "$(tests_state "$res" "$begin")" \
		"$(stress_state "$res" "$begin")" "${secs}s" "$(subject "$n")"
}

# Line number in the console where the stress began; 0 if it never did.
stress_line()
{
	grep -n -m 1 '^@@ ksft-begin dex-stress' "$1/console.txt" 2>/dev/null | cut -d: -f1 || echo 0
}

# tests_state RES BEGIN: "ok", or what went wrong before the stress began
# (at console line BEGIN): a splat, or a guest that never got there.
tests_state()
{
	local res=$1 begin=$2 first
	[ -f "$res/console.txt" ] || { echo "no console"; return; }
	first=$(cut -d: -f1 "$res/splats.txt" 2>/dev/null | head -n 1)
	if [ -n "$first" ] && { [ "$begin" = 0 ] || [ "$first" -lt "$begin" ]; }; then
		echo splat
	elif [ "$begin" = 0 ]; then
		echo hung
	else
		echo ok
	fi
}

# stress_state RES BEGIN: how dex-stress ended: "ok" (maybe with refused
# operations), "died" (a splat or no end), the mismatches it found, or
# "-" if it never began.
stress_state()
{
	local res=$1 begin=$2 line mm cm err
	[ "$begin" != 0 ] || { echo -; return; }
	line=$(grep -h '^# seed=' "$res/ksft-dex-stress.tap" 2>/dev/null | tail -n 1)
	if [ -s "$res/splats.txt" ] || [ -z "$line" ]; then
		echo died
		return
	fi
	mm=$(sed -n 's/.* mismatches=\([0-9]*\).*/\1/p' <<<"$line")
	cm=$(sed -n 's/.* child_mismatches=\([0-9]*\).*/\1/p' <<<"$line")
	err=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$line")
	# Errors are operations the kernel refused (-EBUSY on THPs before the
	# series converts them): a missing feature, not lost data.
	if [ "$mm$cm" != 00 ]; then
		echo "mismatches=$mm+$cm"
	elif [ "$err" = 0 ]; then
		echo ok
	else
		echo "ok, $err errors"
	fi
}

subject()
{
	[ "$1" != 0 ] || { echo "(the base, $(make -s -C "$SRC" kernelversion 2>/dev/null))"; return; }
	git -C "$SRC" log -1 --format=%s "$(patch_commit "$1")"
}

show_table()
{
	awk -F '\t' '{ printf "%-6s %-7s %-7s %-6s %-24s %-6s %s\n", $1, $2, $3, $4, $5, $6, $7 }' "$TABLE"
}

# Rows that break a rule: the tests of a prefix splatted, hung or left
# nothing; or the stress died or lost data after an earlier prefix had
# survived it.
broken_rows()
{
	awk -F '\t' 'NR > 1 && $1 != 0 && $4 != "ok" { print; next }
		NR > 1 && survived && $5 !~ /^ok/ { print; next }
		NR > 1 && $5 ~ /^ok/ && !survived { survived = $1 }' "$TABLE"
}

main()
{
	local n kernel start prefixes first
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/guest.sh"
	prefixes=${PREFIXES:-$(seq 0 "$(git -C "$SRC" rev-list --count base..series)")}
	export STRESS_SECONDS=${STRESS_SECONDS:-20} STRESS_ALL=1
	stage "prefixes of the series on $ARCH: ${prefixes//$'\n'/ } (dex-stress ${STRESS_SECONDS}s each)"
	printf 'patch\tpassed\tfailed\ttests\tdex-stress\ttime\tsubject\n' >"$TABLE"
	for n in $prefixes; do
		kernel=prefix-$n
		[ "$n" != 0 ] || kernel=base
		start=$SECONDS
		# Failed tests are the table's to show, not a reason to stop.
		"$TOP/scripts/kernel.sh" "$kernel" >"$LOGS/prefix-$ARCH-$n.log" 2>&1 || true
		row "$n" "$kernel" $((SECONDS - start)) >>"$TABLE"
		stage "prefix $n: $(tail -n 1 "$TABLE" | cut -f 2-5 | tr '\t' ' ')"
	done
	echo
	show_table
	first=$(awk -F '\t' 'NR > 1 && $5 ~ /^ok/ { print $1; exit }' "$TABLE")
	echo "smallest prefix that survives the stress: ${first:-none}"
	echo "table: $TABLE"
	[ -z "$(broken_rows)" ] || die "prefixes that break the rules:
$(broken_rows)"
}

main "$@"
