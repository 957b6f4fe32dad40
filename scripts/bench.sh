#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [KERNEL=CONSOLE_LOG...]: what device-exclusive access costs the
# CPU (guest/src/dex-bench.c), on each kernel of BENCH_KERNELS ("base series" by
# default), built and booted one after the other in this run with the
# benchmark initramfs (scripts/guest.sh bench). Then a table with the
# LAST/FIRST kernel ratios and the ratio to the mprotect() floor, and a
# plot: build/results/ARCH-bench/{table.txt,plot.png}, or ARCH-bench-F for
# kernels with a config fragment F (BENCH_KERNELS="base+noafdbm series+noafdbm").
#
# With KERNEL=CONSOLE_LOG arguments nothing is built or booted: the table
# is made from those consoles (recorded bench runs, in that order).
#
# Under QEMU TCG the absolute times mean nothing; only ratios between
# kernels booted alike do. So speed never fails this script; a guest that
# crashed, hung, printed a kernel splat, or whose data came back wrong
# does (exit 1), after the table is printed.
. "$(dirname "$0")/lib.sh"

# BENCH_KERNELS: the kernels compared, the reference first and the one
# measured against it last (its own name: check.sh's kernel lists are
# KERNELS_ARCH). Comparing a kernel with itself is refused.
KERNELS=$(bench_kernels)
RES=$(bench_dir)

kernel_res()
{
	results_dir "$1" bench
}

# Build and boot each kernel right before its run: revert-N shares the
# series' build directory, so it could not be built ahead.
run_kernels()
{
	local k
	"$TOP/scripts/guest.sh" bench
	for k in $KERNELS; do
		BUILD_ONLY=1 "$TOP/scripts/kernel.sh" "$k"
		"$TOP/scripts/boot.sh" "$k" bench
	done
}

use_consoles()
{
	local arg k
	KERNELS=
	for arg in "$@"; do
		k=${arg%%=*}
		[ "$k" != "$arg" ] && [ -f "${arg#*=}" ] || die "usage: bench.sh [KERNEL=CONSOLE_LOG...]"
		mkdir -p "$(kernel_res "$k")"
		cp "${arg#*=}" "$(kernel_res "$k")/console.log"
		rm -f "$(kernel_res "$k")/timeout"
		KERNELS+="$k "
	done
}

# report.sh's verdict on one run: a crash, hang or splat ("harness:"
# rows), or dex-bench failing (wrong data, died). KUnit also runs at boot;
# its failures are the test run's business (make), only mentioned here.
check_run()
{
	local k=$1 res bad
	res=$(kernel_res "$k")
	XFAIL=/dev/null "$TOP/scripts/report.sh" "$res" "$k" >"$res/report.txt"
	grep '^@@ bench ' "$res/console.txt" | cut -d' ' -f3- >"$res/bench.txt" || true
	bad=$(grep -v -P '\t(PASS|SKIP)$' "$res/results.tsv" || true)
	if [ -n "$bad" ] && grep -q -v '^kunit:' <<<"$bad"; then
		echo "$ARCH/$k: the benchmark run failed ($res/report.txt):"
		sed 's/^/  /' <<<"$bad"
		[ -s "$res/splats.txt" ] && head -n 5 "$res/splats.txt" | sed 's/^/  /'
		return 1
	fi
	[ -z "$bad" ] || echo "note: $ARCH/$k: KUnit at boot failed $(wc -l <<<"$bad") case(s), e.g. ${bad%%$'\t'*}"
}

# "INDEX NAME VALUE UNIT" for every figure of every kernel, in order.
figures()
{
	local k i=0
	for k in $KERNELS; do
		i=$((i + 1))
		sed "s/^/$i /" "$(kernel_res "$k")/bench.txt"
	done
}

# The table, and plot-faults.dat / plot-times.dat for gnuplot. The table's
# LAST/FIRST is the ratio of the figures as they are (pages/s: higher is
# better); the plot's is always of the time per page (lower is better).
make_table()
{
	figures | awk -v kernels="$KERNELS" -v arch="$ARCH" -v dir="$RES" '
		function num(k, f) { return (f, k) in val && val[f, k] != "nan" }
		function fmt(v) { return v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v) }
		function shown(k, f) {
			if (!((f, k) in val)) return "-"
			return val[f, k] == "nan" ? err[f, k] : fmt(val[f, k])
		}
		# Time per page, whatever the unit the figure is in.
		function per_page(k, f) { return unit[f] == "pages/s" ? 1e9 / val[f, k] : val[f, k] }
		function ratio(a, b) { return b == 0 ? (a == 0 ? "=" : "-") : sprintf("%.2f", a / b) }
		BEGIN { nk = split(kernels, K, " ") }
		{
			f = $2
			if (!(f in seen)) { seen[f] = 1; order[++n] = f }
			val[f, $1] = $3
			if ($3 == "nan") { err[f, $1] = $4; sub(/^error=/, "", err[f, $1]) }
			else unit[f] = $4
		}
		END {
			first = K[1]; last = K[nk]
			printf "# dex-bench (guest/src/dex-bench.c), %s under QEMU TCG, kernels booted one\n", arch
			printf "# after the other in one run. Under TCG absolute times mean nothing: only\n"
			printf "# the ratios do, and host load makes even them noisy. floor-*: mprotect\n"
			printf "# RO, RW and a write per page; the series does not change mprotect(), so\n"
			printf "# its %s/%s ratio shows how alike the runs were. %s/floor: time per\n", last, first, last
			printf "# page over that floor on %s. Fault counts and soft-dirty fractions\n", last
			printf "# are exact. pages/s: higher is better; ns/page, faults: lower.\n"
			printf "%-28s %-12s", "figure", "unit"
			for (i = 1; i <= nk; i++) printf " %10s", K[i]
			printf " %12s %12s\n", last "/" first, last "/floor"
			tf = dir "/plot-times.dat"; ff = dir "/plot-faults.dat"
			printf "" >tf; printf "" >ff
			for (j = 1; j <= n; j++) {
				f = order[j]
				rb = num(nk, f) && num(1, f) ? ratio(val[f, nk], val[f, 1]) : "-"
				fl = f; rf = "-"
				if (sub(/^(convert|restore|roundtrip)-/, "floor-", fl) &&
				    num(nk, f) && num(nk, fl))
					rf = ratio(per_page(nk, f), val[fl, nk])
				printf "%-28s %-12s", f, unit[f] ? unit[f] : "-"
				for (i = 1; i <= nk; i++) printf " %10s", shown(i, f)
				printf " %12s %12s\n", rb, rf
				if (unit[f] == "faults/page" || unit[f] == "fraction")
					printf "%s %s %s\n", f, num(1, f) ? val[f, 1] : "?",
						num(nk, f) ? val[f, nk] : "?" >ff
				else {
					tr = "?"
					if (num(nk, f) && num(1, f))
						tr = per_page(nk, f) / per_page(1, f)
					printf "%s %s %s\n", f, tr, rf ~ /^[0-9.]+$/ ? rf : "?" >tf
				}
			}
		}'
}

make_plot()
{
	local first=${KERNELS%% *} last
	last=$(echo "$KERNELS" | awk '{ print $NF }')
	gnuplot >"$RES/gnuplot.log" 2>&1 <<-EOF
	set terminal pngcairo size 1400,1000 font ",9"
	set output "$RES/plot.png"
	set datafile missing "?"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set xtics rotate by -30 scale 0 noenhanced
	set key top left noenhanced
	set grid y
	set rmargin 12
	set bmargin 6
	set multiplot layout 2,1 title "dex-bench, $ARCH under QEMU TCG: only ratios between the kernels mean anything" noenhanced
	set title "CPU access after device-exclusive access: faults per page (and fraction soft-dirty), exact"
	set ylabel "faults/page, fraction"
	set yrange [0:2.4]
	plot "$RES/plot-faults.dat" using 2:xtic(1) title "$first", "" using 3 title "$last"
	set title "time per page: $last/$first and $last over the mprotect() floor (log scale; missing: $first refused)"
	set ylabel "ratio"
	set logscale y
	set yrange [*:*]
	plot "$RES/plot-times.dat" using 2:xtic(1) title "$last/$first", "" using 3 title "$last/floor", 1 with lines lc "black" dt 2 notitle
	unset multiplot
	EOF
}

main()
{
	local k bad=0 t
	t=$(date +%s)
	stage "benchmark: $ARCH, kernels: ${*:-$KERNELS}"
	if [ $# = 0 ]; then
		[ "$(echo "$KERNELS" | tr ' ' '\n' | sort -u | grep -c .)" -ge 2 ] ||
			die "BENCH_KERNELS='$KERNELS': name two different kernels (the reference first)"
		run_kernels
	else
		use_consoles "$@"
	fi
	for k in $KERNELS; do
		check_run "$k" || bad=1
	done
	mkdir -p "$RES"
	make_table >"$RES/table.txt"
	cat "$RES/table.txt"
	if ! command -v gnuplot >/dev/null; then
		echo "no plot: gnuplot is missing (scripts/deps.sh installs gnuplot-nox)"
	elif make_plot; then
		echo "table: $RES/table.txt, plot: $RES/plot.png"
	else
		echo "no plot: gnuplot failed ($RES/gnuplot.log); table: $RES/table.txt"
	fi
	stage "benchmark done in $(( $(date +%s) - t ))s"
	[ $bad = 0 ] || die "a benchmark guest failed (see above)"
}

main "$@"
