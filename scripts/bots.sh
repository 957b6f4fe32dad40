#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bots.sh (make bots; make check-full names it): what the bots that read
# linux-mm would find, for each base's series (BASES, "6.12 mainline" by
# default), base against series:
#   static     scripts/static.sh: W=1, sparse and coccicheck at every
#              patch, on the objects of the C files the series changes
#   coverage   scripts/coverage.sh: the coverage rows of config/kernels
#              (other configurations and architectures), built at every
#              patch
#   sanitizers the sanitizers rows of config/kernels (KCSAN, kmemleak),
#              booted with the tests and STRESS_SECONDS (60) of each race
#              stress: a series kernel counts as any kernel of make check
#              (a report is a splat, a failure); a base kernel is the
#              reference, its verdict left out of the summary and its
#              reports listed in the table
#   soak       scripts/soak.sh (make soak): the race stresses for
#              SOAK_SECONDS (1800) per architecture on the debug kernel of
#              each series; SOAK=0 leaves it out
# Then one table, check by configuration, and the summary line "N passed,
# N failed, N skipped" (a check or configuration is one test). Each base's
# tree is made first (scripts/tree.sh). With a warm ccache about 10 min
# of static checks for mainline and 60 for 6.12, plus the coverage
# builds (6-13 min per configuration cold, 1-3 warm), about 10 min per
# sanitizer kernel, and the soak's 30 min per architecture and base.
given_base=${BASE:-}
. "$(dirname "$0")/lib.sh"

# One base: its tree, the static checks and the coverage builds; their
# tables into the combined one, their counts into the summary.
run_base()
{
	local label=$BASE
	"$TOP/scripts/tree.sh" || { echo "$label: tree=/nonexistent" >>"$COUNTS"; return 0; }
	env ARCH=x86_64 "$TOP/scripts/static.sh" || true
	echo "$label: static=$BUILD/results/static-${BASE_TAG}x86_64/counts" >>"$COUNTS"
	"$TOP/scripts/coverage.sh" || true
	echo "$label: coverage=$BUILD/results/coverage-${BASE_TAG}counts" >>"$COUNTS"
	sanitizers
	{
		echo "== $BASE"
		cat "$BUILD/results/static-${BASE_TAG}x86_64/table.txt" 2>/dev/null ||
			echo "static checks: stopped (log: $LOGS/static-${BASE_TAG}x86_64.log)"
		cat "$BUILD/results/coverage-${BASE_TAG}table.txt" 2>/dev/null ||
			echo "build coverage: stopped"
		cat "$LOGS/sanitizers-$BASE_TAG.table" 2>/dev/null
	} >>"$TABLE"
}

# The sanitizer kernels of the base: booted and judged as in make check;
# the table gets each kernel's counts and the reports (splat signatures)
# on its console.
sanitizers()
{
	local a=x86_64 k res reports tab=$LOGS/sanitizers-$BASE_TAG.table
	printf '%-26s %s\n' "sanitizers ($a)" "passed failed skipped xfail; reports" >"$tab"
	[ -n "$(table_kernels sanitizers "$a")" ] || return 0
	if ! env ARCH="$a" "$TOP/scripts/guest.sh"; then
		echo "$BASE: sanitizers guest=/nonexistent" >>"$COUNTS"
		return 0
	fi
	for k in $(table_kernels sanitizers "$a"); do
		res=$(ARCH=$a results_dir "$k")
		rm -f "$res/counts"
		env ARCH="$a" STRESS_SECONDS="${STRESS_SECONDS:-60}" "$TOP/scripts/kernel.sh" "$k" || true
		case $(kernel_tree "$k") in
		base) ;;
		*) echo "$BASE: $a/$k=$res/counts" >>"$COUNTS" ;;
		esac
		reports=$({ grep -o '^harness:kernel-splat:[^	]*' "$res/results.tsv" 2>/dev/null || true; } |
			sed 's/^harness:kernel-splat://' | sort -u | tr '\n' ' ')
		printf '%-26s %s; %s\n' "$k" "$(cat "$res/counts" 2>/dev/null || echo "no results")" \
			"${reports:-none}" >>"$tab"
	done
}

main()
{
	local b bases line k counts=()
	bases=${BASES:-${given_base:-6.12 mainline}}
	if [ "${DRY_RUN:-0}" != 0 ]; then
		for b in $bases; do
			echo "## base $b"
			echo "+ scripts/tree.sh"
			echo "+ ARCH=x86_64 scripts/static.sh"
			in_base "$b" "$TOP/scripts/coverage.sh"
			for k in $(in_base "$b" table_kernels sanitizers x86_64); do
				echo "+ ARCH=x86_64 STRESS_SECONDS=${STRESS_SECONDS:-60} scripts/kernel.sh $k"
			done
		done
		[ "${SOAK:-1}" = 0 ] || BASES=$bases "$TOP/scripts/soak.sh"
		return 0
	fi
	"$TOP/scripts/deps.sh" static
	TABLE=$BUILD/results/bots-table.txt
	COUNTS=$LOGS/bots.counts
	mkdir -p "$BUILD/results" "$LOGS"
	: >"$TABLE"
	: >"$COUNTS"
	for b in $bases; do
		in_base "$b" run_base
	done
	if [ "${SOAK:-1}" != 0 ]; then
		BASES=$bases SOAK_NO_SUMMARY=1 "$TOP/scripts/soak.sh" || true
		{
			echo "== soak"
			cat "$BUILD/results/soak-table.txt" 2>/dev/null || echo "soak: stopped"
		} >>"$TABLE"
		cat "$LOGS/soak.counts" >>"$COUNTS" 2>/dev/null ||
			echo "soak=/nonexistent" >>"$COUNTS"
	fi
	echo
	echo "what the bots would find, base against series ($TABLE):"
	cat "$TABLE"
	while IFS= read -r line; do
		counts+=("$line")
	done <"$COUNTS"
	exec "$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
