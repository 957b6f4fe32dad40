#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mutants.sh (make mutants): the mutation matrix. tests/mutants names, for
# every patch that changes kernel behaviour, the negative controls (the
# series with that patch reverted, revert-N kernels of scripts/kernel.sh,
# on x86_64 and/or arm64) or the reason there is none. Each control is
# built and booted like any kernel (KUnit, hmm-tests; no race stress) and
# judged against tests/xfail:
#   killed    at least one test failed, each failure listed in tests/xfail
#   SURVIVED  nothing failed: no test notices the patch is gone
#   unlisted  a failure tests/xfail does not list, or a listed test that
#             did not fail
# Prints one row per patch and control, writes build/results/mutants.txt,
# and exits 1 unless every control is killed.
#
# MUTANTS="N M ..." limits the run to those patches' rows; ARCHES="x86_64"
# to those architectures; MUTANTS_REUSE=1 judges a control whose console
# an earlier run of this series left (make check-full boots revert-3,
# revert-14, revert-14-13, revert-18-14-13-11, revert-14-13+noafdbm)
# again against tests/xfail instead of building and booting it. The revert-N kernels change build/linux, which
# is put back on branch series after each (scripts/kernel.sh).
. "$(dirname "$0")/lib.sh"

LIST=${BASE_MUTANTS:-$TOP/tests/mutants}
TABLE=$BUILD/results/${BASE_TAG:-}mutants.txt

rows()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$LIST" | while read -r patch controls reason; do
		[ -z "${MUTANTS:-}" ] || [[ " $MUTANTS " == *" $patch "* ]] || continue
		echo "$patch $controls $reason"
	done
}

wanted_arch()
{
	[[ " ${ARCHES:-x86_64 arm64} " == *" $1 "* ]]
}

# verdict RES: killed, SURVIVED or unlisted, from a control's results.
verdict()
{
	local res=$1 p f s x
	[ -s "$res/counts" ] || { echo "no results"; return; }
	read -r p f s x <"$res/counts"
	if [ "$f" != 0 ]; then
		echo unlisted
	elif [ "$x" = 0 ]; then
		echo SURVIVED
	else
		echo killed
	fi
}

# The tests that failed as listed, comma-separated, without the program.
failed_tests()
{
	awk -F'\t' '$2 == "XFAIL" { sub(/^[^:]*:/, "", $1); if (!seen[$1]++) { printf "%s%s", sep, $1; sep = ", " } }' \
		"$1/results.tsv" 2>/dev/null
}

# fresh RES: RES holds a console of this series (newer than its last
# commit), which MUTANTS_REUSE=1 judges again instead of booting anew.
fresh()
{
	[ "${MUTANTS_REUSE:-0}" = 1 ] && [ -f "$1/console.log" ] &&
		[ "$(stat -c %Y "$1/console.log")" -gt "$(git -C "$SRC" log -1 --format=%ct series)" ]
}

# run_control ARCH KERNEL RES: build and boot the control, or judge its
# console in RES again (fresh); the verdict is read from RES.
run_control()
{
	local arch=$1 kernel=$2 res=$3 rc=0
	if fresh "$res"; then
		stage "$arch/$kernel: judging the console of an earlier run again (MUTANTS_REUSE=1)"
		ARCH=$arch "$TOP/scripts/report.sh" "$res" "$kernel" >"$LOGS/mutant-$arch-$kernel.log" 2>&1 || rc=$?
	else
		ARCH=$arch "$TOP/scripts/kernel.sh" "$kernel" >"$LOGS/mutant-$arch-$kernel.log" 2>&1 || rc=$?
	fi
	stop_if_interrupted $rc "make mutants"
	grep -E '^(guest hung|kernel splat)' "$LOGS/mutant-$arch-$kernel.log" || true
}

main()
{
	local patch controls reason c arch kernel res v bad=0 t reclaim
	[ -f "$LIST" ] || die "no $LIST"
	# Each control is a row of the table of kernels, tier mutants.
	while read -r patch controls reason; do
		[ "$controls" != - ] || continue
		for c in ${controls//,/ }; do
			c=${c%@reclaim}
			table_has mutants "${c%%/*}" "${c#*/}" ||
				die "${LIST#"$TOP"/}: control $c of patch $patch is not a row '$BASE mutants ${c%%/*} ${c#*/}' of config/kernels"
		done
	done < <(rows)
	"$TOP/scripts/tree.sh"
	for arch in ${ARCHES:-x86_64 arm64}; do
		ARCH=$arch "$TOP/scripts/deps.sh"
		ARCH=$arch "$TOP/scripts/guest.sh"
	done
	printf 'patch\tcontrol\tverdict\ttests that fail without the patch\n' >"$TABLE"
	while read -r patch controls reason; do
		if [ "$controls" = - ]; then
			printf '%s\t-\tno control\t%s\n' "$patch" "$reason" >>"$TABLE"
			continue
		fi
		for c in ${controls//,/ }; do
			# ARCH/KERNEL@reclaim: the control also runs the race
			# stress under memcg reclaim (boot.sh's CONTROL_RECLAIM).
			reclaim=0
			case $c in *@reclaim) reclaim=1 c=${c%@reclaim} ;; esac
			arch=${c%%/*} kernel=${c#*/}
			wanted_arch "$arch" || continue
			t=$(date +%s)
			stage "patch $patch: $arch/$kernel"
			res=$(ARCH=$arch results_dir "$kernel")
			CONTROL_RECLAIM=$reclaim run_control "$arch" "$kernel" "$res"
			v=$(verdict "$res")
			[ "$v" = killed ] || bad=$((bad + 1))
			stage "patch $patch: $arch/$kernel: $v ($(( $(date +%s) - t ))s)"
			printf '%s\t%s\t%s\t%s\n' "$patch" "$c" "$v" "$(failed_tests "$res")" >>"$TABLE"
		done
	done < <(rows)
	column -t -s $'\t' "$TABLE" | cut -c1-200
	stage "table: $TABLE"
	[ $bad = 0 ] || die "$bad controls not killed as tests/xfail says (see the table; logs: $LOGS/mutant-*.log)"
}

main "$@"
