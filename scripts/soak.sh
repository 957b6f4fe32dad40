#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# soak.sh (make soak; a part of make bots): the race stress for a long
# time on the debug kernel (KASAN, lockdep, PAGE_TABLE_CHECK, DEBUG_VM),
# for each base's series (BASES, "6.12 mainline" by default, or BASE) and
# each architecture of its soak rows in config/kernels.
#
# A soak kernel boots the initramfs of guest/soak: KUnit at boot, then
# dex-stress for half of SOAK_SECONDS (1800, so 30 minutes per
# architecture) and dex-stress-memcg, the same stress in a memory cgroup
# smaller than its buffer (reclaim through rmap), for the other half. It
# is judged like any kernel of make check (scripts/report.sh): a splat, a
# mismatch, an error that is not a clean one, a hang fail it. The console
# and results are in build/results/[BASE-]ARCH-KERNEL-soak/.
#
# Prints one table: base, architecture, program, operations, errors,
# mismatches (the parent's and forked children's), what reclaim did in
# the cgroup, and the kernel's counts; then the summary line. A long run
# on purpose: not part of CI nor of make check-full (which names
# make bots). The race needs two vCPUs that really run in parallel: run
# it on an idle host.
#
# Knobs: SOAK_SECONDS (1800); SOAK_ARCHES (the architectures whose rows
# run: all by default); BASES; DRY_RUN=1 (the commands, nothing run).
given_base=${BASE:-}
. "$(dirname "$0")/lib.sh"

SOAK_SECONDS=${SOAK_SECONDS:-1800}
case $SOAK_SECONDS in
'' | *[!0-9]*) die "SOAK_SECONDS must be a whole number of seconds: '$SOAK_SECONDS'" ;;
esac
[ "$SOAK_SECONDS" -ge 2 ] || die "SOAK_SECONDS must be 2 or more: $SOAK_SECONDS"
# Each of the two programs gets half (STRESS_SECONDS is how long each
# dex-stress of the guest's list runs).
STRESS=$((SOAK_SECONDS / 2))

# soak_arches: the architectures with soak rows for BASE, limited to
# SOAK_ARCHES.
soak_arches()
{
	local a
	for a in $(table_arches soak); do
		case " ${SOAK_ARCHES:-$a} " in *" $a "*) echo "$a" ;; esac
	done
}

# figures RES PROGRAM: "ops errors mismatches child_mismatches reclaim"
# of PROGRAM's run, from the summary lines dex-stress and guest/bin/memcg
# print ("-" for what the run did not print).
figures()
{
	local tap=$1/ksft-$2.tap line memcg
	line=$(grep -o 'seed=[0-9]* seconds=.*' "$tap" 2>/dev/null | tail -n 1 || true)
	memcg=$(grep -o 'memcg [0-9A-Za-z]*: pgscan=[0-9]* pgsteal=[0-9]*' "$tap" 2>/dev/null |
		sed 's/^memcg [^:]*: //' | tail -n 1 || true)
	if [ -z "$line" ]; then
		echo "- - - - ${memcg:--}"
		return 0
	fi
	awk -v m="${memcg:--}" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["ops"], v["errors"], v["mismatches"], v["child_mismatches"], m
	}' <<<"$line"
}

# soak_kernel ARCH KERNEL: build, boot with guest/soak, report; a row per
# program in the table, the counts into the summary.
soak_kernel()
{
	local a=$1 k=$2 res rc=0 p
	res=$(ARCH=$a results_dir "$k" soak)
	rm -f "$res/results.tsv" "$res/counts"
	ARCH=$a BUILD_ONLY=1 "$TOP/scripts/kernel.sh" "$k" || rc=$?
	if [ $rc = 0 ]; then
		ARCH=$a STRESS_SECONDS=$STRESS "$TOP/scripts/boot.sh" "$k" soak || rc=$?
		ARCH=$a "$TOP/scripts/report.sh" "$res" "$k" || true
	fi
	echo "$BASE/$a/$k=$res/counts" >>"$COUNTS"
	for p in dex-stress dex-stress-memcg; do
		printf '%-9s %-7s %-14s %-17s %s %s\n' "$BASE" "$a" "$k" "$p" \
			"$(figures "$res" "$p")" "$(cat "$res/counts" 2>/dev/null || echo "no results")" >>"$TABLE"
	done
}

soak_base()
{
	local a k
	"$TOP/scripts/tree.sh" || { echo "$BASE/tree=/nonexistent" >>"$COUNTS"; return 0; }
	for a in $(soak_arches); do
		if ! ARCH=$a "$TOP/scripts/guest.sh" soak; then
			echo "$BASE/$a/guest=/nonexistent" >>"$COUNTS"
			continue
		fi
		for k in $(ARCH=$a table_kernels soak "$a"); do
			soak_kernel "$a" "$k"
		done
	done
}

main()
{
	local b a k line counts=()
	local bases=${BASES:-${given_base:-6.12 mainline}}
	if [ "${DRY_RUN:-0}" != 0 ]; then
		for b in $bases; do
			echo "## base $b"
			echo "+ scripts/tree.sh"
			for a in $(in_base "$b" soak_arches); do
				echo "+ ARCH=$a scripts/guest.sh soak"
				for k in $(in_base "$b" table_kernels soak "$a"); do
					echo "+ ARCH=$a BUILD_ONLY=1 scripts/kernel.sh $k"
					echo "+ ARCH=$a STRESS_SECONDS=$STRESS scripts/boot.sh $k soak"
				done
			done
		done
		return 0
	fi
	TABLE=$BUILD/results/soak-table.txt
	COUNTS=$LOGS/soak.counts
	mkdir -p "$BUILD/results" "$LOGS"
	printf '%-9s %-7s %-14s %-17s %s\n' base arch kernel program \
		"ops errors mismatches child_mismatches reclaim(pgscan pgsteal); passed failed skipped xfail" >"$TABLE"
	: >"$COUNTS"
	for b in $bases; do
		in_base "$b" soak_base
	done
	echo
	echo "the soak, $SOAK_SECONDS s of race stress per architecture on the debug kernel ($TABLE):"
	cat "$TABLE"
	while IFS= read -r line; do
		counts+=("$line")
	done <"$COUNTS"
	[ -n "${SOAK_NO_SUMMARY:-}" ] || exec "$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
