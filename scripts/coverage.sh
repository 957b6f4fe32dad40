#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# coverage.sh (make coverage; a stage of make check-full): the build
# coverage a posted series meets from the kernel test robot. Each row of
# config/kernels in the tier "coverage" is a configuration (an
# architecture and config fragments) that differs from the boot kernels'
# where the series' code does: no device-private memory, no THP, no
# migration, no MMU notifiers, the multi-gen LRU, 32-bit x86 with
# HIGHPTE, 32-bit arm, riscv64, arm64 with 16K and 64K pages. For each
# row, scripts/static.sh with STATIC_CHECKS=build:
#   - the whole image at the last patch must build;
#   - at every patch, the kernel objects of the C files the series
#     changes are compiled again (those the configuration builds; all of
#     them at a patch that changes a header or a Kconfig), and every
#     warning or error is compared with the same objects at the base: a
#     patch that adds one fails, named.
# Prints one table, configuration by configuration: base and series
# warnings, new ones, and the patches adding some. The rows build one
# after the other (2 cores); a cold row takes 6-13 minutes, a warm one
# about a minute plus the patches.
#
# Knobs: BASE; COVERAGE_ARCHES (the architectures whose rows run: all by
# default); COVERAGE_KERNELS (with one architecture: its kernels instead
# of the table's). The arm, riscv and i386 rows are built only
# (scripts/arch/{arm,riscv,i386}.sh have no QEMU).
. "$(dirname "$0")/lib.sh"

TABLE=$BUILD/results/coverage-${BASE_TAG}table.txt

main()
{
	local a k arches rows=() row out rc bad=0 t
	[ "${DRY_RUN:-0}" = 0 ] || {
		for a in ${COVERAGE_ARCHES:-$(table_arches coverage)}; do
			for k in ${COVERAGE_KERNELS:-$(table_kernels coverage "$a")}; do
				echo "+ ARCH=$a STATIC_KERNEL=$k STATIC_CHECKS=build scripts/static.sh"
			done
		done
		return 0
	}
	arches=${COVERAGE_ARCHES:-$(table_arches coverage)}
	[ -n "$arches" ] || die "config/kernels has no coverage rows for $BASE"
	for a in $arches; do
		ARCH=$a "$TOP/scripts/deps.sh" >/dev/null || die "packages for ARCH=$a (scripts/deps.sh)"
	done
	mkdir -p "$BUILD/results"
	for a in $arches; do
		for k in ${COVERAGE_KERNELS:-$(table_kernels coverage "$a")}; do
			t=$(date +%s)
			out=$BUILD/results/coverage-$BASE_TAG$a-${k//+/-}
			rc=0
			env ARCH="$a" STATIC_KERNEL="$k" STATIC_CHECKS=build STATIC_OUT="$out" \
				"$TOP/scripts/static.sh" || rc=$?
			case $rc in 129|130|143) exit "$rc" ;; esac
			if [ $rc = 0 ]; then
				row=$(awk '$1 == "build" { printf "%6s %8s %8s %8s %20s", $2, $3, $4, $5, $6 }' "$out/table.txt")
			elif [ -f "$out/table.txt" ]; then
				row=$(awk '$1 == "build" { printf "%6s %8s %8s %8s %20s", $2, $3, $4, $5, $6 }' "$out/table.txt")
				bad=$((bad + 1))
			else
				# static.sh stopped before its table: the image of the last
				# patch (or the base's objects) did not build.
				row=$(printf '%6s %8s %8s %8s %20s' - - - - "does not build")
				bad=$((bad + 1))
			fi
			rows+=("$(printf '%-8s %-26s %s  (%ss)' "$a" "$k" "$row" $(( $(date +%s) - t )))")
		done
	done
	{
		echo "build coverage, $BASE ($(base_version 2>/dev/null || echo "?")), $(series_patches | wc -l) patches: warnings and errors of the series' objects, base vs series"
		printf '%-8s %-26s %6s %8s %8s %8s %20s\n' arch kernel base series new allowed "patches adding some"
		printf '%s\n' "${rows[@]}"
	} | tee "$TABLE"
	echo "$(( ${#rows[@]} - bad )) $bad 0 0" >"$BUILD/results/coverage-${BASE_TAG}counts"
	[ $bad = 0 ] || die "coverage: $bad of ${#rows[@]} configurations fail (above; logs in $LOGS/coverage-*.log)"
}

main "$@"
