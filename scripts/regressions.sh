#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# regressions.sh (make regressions; also the last stage of make check-full):
# does the series break anything else in mm? The kernel's own tests, on
# the base and on the series, with the same configuration and the same
# test binaries, side by side.
#
#   x86_64, guest/mm (scripts/guest.sh mm): every KUnit suite that the
#     fragments allow (config/mm.config: CONFIG_KUNIT_ALL_TESTS), the mm
#     selftests by category of run_vmtests.sh, hmm-tests and the race
#     stress, also in a memory cgroup (dex-stress-memcg), on
#       base+mm          the reference (no race stress: the base dies in it)
#       series+mm        the series
#       series+mm+mglru  the series with the multi-gen LRU (config/mglru.config)
#   arm64, guest/tests: series+mglru, KUnit, hmm-tests and both stresses,
#     where clearing the accessed bit of a swap entry changes the entry.
#
# Each test of a series kernel is compared with the same test on base+mm:
# the same result, "fixed" (fails on the base only), or a NEW FAILURE
# (fails on the series only), which fails the run; a failure on both is
# counted as xfail ("fails on the base too"), but for the harness's own
# rows (a splat, a hang, a program that did not finish): those fail a
# series kernel whatever the base did. The arm64 kernel and any
# harness row (splat, hang) must simply pass. The whole table goes to
# build/results/x86_64-regressions.tsv, what differs to the terminal.
#
# Knobs: REGRESSION_KERNELS (default: the regressions rows of
# config/kernels for 6.12 x86_64, "base+mm series+mm series+mm+mglru", the
# reference first), ARM64_KERNELS (its arm64 rows, "series+mglru"; empty:
# none),
# VMTESTS_TIMEOUT (seconds per category, 900), REGRESSIONS_NO_SUMMARY=1
# (check.sh: leave the summary line to the caller). --compare: only the
# comparison of the results already in build/.
ARCH=x86_64
. "$(dirname "$0")/lib.sh"

KERNELS=${REGRESSION_KERNELS:-$(table_kernels regressions x86_64)}
ARM64=${ARM64_KERNELS-$(table_kernels regressions arm64)}
[ -n "$KERNELS" ] || die "no regressions rows for $BASE x86_64 in config/kernels"
RESULTS=$BUILD/results
TABLE=$RESULTS/x86_64-regressions.tsv
# label=counts pairs for scripts/summary.sh, one per line (check.sh reads it).
COUNTS_LIST=$RESULTS/regressions.counts

interrupted()
{
	stop_if_interrupted "$1" "mm regressions"
}

# run_mm KERNEL: build KERNEL, boot it with guest/mm, parse its console.
# Its results are in results_dir KERNEL mm; a kernel that does not build
# or boot has none, which the comparison reports.
run_mm()
{
	local k=$1 res rc=0 t
	res=$(results_dir "$k" mm)
	rm -f "$res/results.tsv" "$res/seconds"
	BUILD_ONLY=1 "$TOP/scripts/kernel.sh" "$k" || rc=$?
	interrupted $rc
	[ $rc = 0 ] || return 0
	t=$(date +%s)
	"$TOP/scripts/boot.sh" "$k" mm || rc=$?
	interrupted $rc
	[ $rc = 0 ] || return 0
	echo $(( $(date +%s) - t )) >"$res/seconds"
	"$TOP/scripts/report.sh" "$res" "$k" >"$res/report.txt" || rc=$?
	interrupted $rc
	grep -E '^(guest hung|kernel splat)' "$res/report.txt" || true
}

# compare REF KERNEL...: the table (ID, each kernel's status, verdict) on
# stdout; a counts file (passed failed skipped xfail) per series kernel.
compare()
{
	local files=() k
	for k in "$@"; do
		files+=("$(results_dir "$k" mm)/results.tsv")
	done
	awk -F'\t' -v nk=$# -v kernels="$*" -v counts_dir="$RESULTS" '
		BEGIN { split(kernels, kn, " ") }
		FNR == 1 { f++ }
		{
			if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
			st[$1, f] = $2
			# A kernel that left no results: its own row says so.
			if ($1 ~ /-did-not-build-or-boot$/) missing[f] = 1
		}
		END {
			printf "test"
			for (i = 1; i <= nk; i++) printf "\t%s", kn[i]
			printf "\tverdict\n"
			for (j = 1; j <= n; j++) {
				id = order[j]; ref = st[id, 1]; if (ref == "") ref = "-"
				verdict = ""
				line = id "\t" ref
				for (i = 2; i <= nk; i++) {
					s = st[id, i]; if (s == "") s = "-"
					line = line "\t" s
					if (s == "-" && missing[i]) continue
					if (s == "PASS") pass[i]++
					else if (s == "SKIP") skip[i]++
					else if (s == "-") { }
					# A harness row (splat, hang, did not finish) of a
					# series kernel fails, whatever the base did.
					else if (ref == "FAIL" && id !~ /^harness:/) xfail[i]++
					else if (ref == "FAIL") { fail[i]++; verdict = "FAILS (harness row, also on the reference)" }
					else { fail[i]++; verdict = "NEW FAILURE" }
					if (verdict != "" || s == ref) continue
					if (ref == "FAIL") verdict = "fixed"
					else if (ref == "-") verdict = "series only"
					else if (s == "-") verdict = "base only"
					else verdict = ref "->" s
				}
				print line "\t" (verdict == "" ? "same" : verdict)
			}
			for (i = 2; i <= nk; i++)
				printf "%d %d %d %d\n", pass[i], fail[i], skip[i], xfail[i] \
					>(counts_dir "/regressions-" kn[i] ".counts")
		}' "${files[@]}"
}

# A kernel without results (did not build or boot) gets an empty table
# column and a failure of its own.
check_results()
{
	local k res
	for k in "$@"; do
		res=$(results_dir "$k" mm)
		[ -s "$res/results.tsv" ] && continue
		mkdir -p "$res"
		printf 'harness:%s-did-not-build-or-boot\tFAIL\n' "$k" >"$res/results.tsv"
	done
}

# Per category (the ID up to ":"), for each kernel: passed/failed/skipped,
# and the guest's time; then every row whose verdict is not "same".
print_summary()
{
	local k
	printf '%-8s' "time"
	for k in $KERNELS; do
		printf '  %s %ss' "$k" "$(cat "$(results_dir "$k" mm)/seconds" 2>/dev/null || echo '?')"
	done
	echo
	awk -F'\t' '
		NR == 1 { nk = NF - 2; for (i = 2; i <= NF - 1; i++) name[i] = $i; next }
		{
			cat = $1; sub(/:.*/, "", cat)
			if (!(cat in seen)) { seen[cat] = 1; order[++n] = cat }
			for (i = 2; i <= NF - 1; i++) {
				if ($i == "PASS") p[cat, i]++
				else if ($i == "SKIP") s[cat, i]++
				else if ($i != "-") f[cat, i]++
			}
			if ($NF != "same") diff = diff sprintf("  %-12s %s\n", $NF, $0)
		}
		END {
			printf "%-28s", "category (pass/fail/skip)"
			for (i = 2; i <= nk + 1; i++) printf " %18s", name[i]
			printf "\n"
			for (j = 1; j <= n; j++) {
				c = order[j]
				printf "%-28s", c
				for (i = 2; i <= nk + 1; i++)
					printf " %18s", sprintf("%d/%d/%d", p[c, i], f[c, i], s[c, i])
				printf "\n"
			}
			if (diff != "") printf "rows that differ from the base:\n%s", diff
			else printf "every test has the same result on every kernel\n"
		}' "$TABLE"
}

# The comparison of the x86_64 kernels' results, as they are in build/:
# the table, the summary, and their counts in the array counts.
report_x86()
{
	local k
	check_results $KERNELS
	# shellcheck disable=SC2086 # one word per kernel
	compare $KERNELS >"$TABLE"
	print_summary
	stage "table: $TABLE"
	for k in ${KERNELS#* }; do
		counts+=("x86_64/$k (vs ${KERNELS%% *})=$RESULTS/regressions-$k.counts")
	done
}

run_arm64()
{
	local a rc=0
	ARCH=arm64 "$TOP/scripts/deps.sh"
	ARCH=arm64 "$TOP/scripts/guest.sh" || rc=$?
	interrupted $rc
	for a in $ARM64; do
		rc=0
		[ -f "$BUILD/guest/arm64/initramfs.cpio.gz" ] &&
			ARCH=arm64 "$TOP/scripts/kernel.sh" "$a" || rc=$?
		interrupted $rc
		counts+=("arm64/$a=$(ARCH=arm64 results_dir "$a")/counts")
	done
}

# regressions.sh --compare: only the comparison, of the results that a
# run left in build/ (tests/harness checks it on recorded results).
main()
{
	local k counts=()
	if [ "${1:-}" = --compare ]; then
		report_x86
		exec "$TOP/scripts/summary.sh" "${counts[@]}"
	fi
	stage "mm regressions: x86_64 $KERNELS (guest/mm, up to ${VMTESTS_TIMEOUT:-900}s per category); arm64 ${ARM64:-none}; about 35 min with a warm ccache (README.md, Measured)"
	"$TOP/scripts/deps.sh" mm
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/guest.sh" mm
	rm -f "$COUNTS_LIST"
	for k in $KERNELS; do
		run_mm "$k"
	done
	report_x86
	[ -z "$ARM64" ] || run_arm64
	printf '%s\n' "${counts[@]}" >"$COUNTS_LIST"
	[ "${REGRESSIONS_NO_SUMMARY:-0}" = 1 ] && return 0
	exec "$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
