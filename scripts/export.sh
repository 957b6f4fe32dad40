#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the commits base..series of build/linux back into patches/ with
# git format-patch, plus the series file and a cover letter whose subject
# and blurb come from cover-letter.txt. The output is stable: exporting an
# unchanged tree changes no byte.
. "$(dirname "$0")/lib.sh"

main()
{
	local tmp date
	[ -d "$SRC" ] || die "no build/linux: run 'make tree' first"
	[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
		die "build/linux has uncommitted changes: commit them first"
	tmp=$(mktemp -d)
	git -C "$SRC" config branch.series.description "$(cat "$TOP/cover-letter.txt")"
	# The cover letter's Date: is the committer date; take the tip's author
	# date, which git am keeps, so that a re-applied tree exports the same.
	date=$(git -C "$SRC" log -1 --format=%aD series)
	GIT_COMMITTER_DATE=$date git -C "$SRC" -c diff.noprefix=false -c format.signature= \
		format-patch -q --zero-commit --no-signature --no-thread --cover-letter \
		--cover-from-description=subject -o "$tmp" base..series
	rm -f "$PATCHES"/*.patch
	mv "$tmp"/*.patch "$PATCHES"/
	rmdir "$tmp"
	(cd "$PATCHES" && ls [0-9]*.patch | grep -v '^0000-cover-letter') >"$PATCHES/series"
	# The tree now matches patches/: record it so 'make tree' keeps it.
	printf '%s %s\n' "$(series_hash)" "$(git -C "$SRC" rev-parse HEAD)" >"$STATE"
	stage "exported $(series_patches | wc -l) patches to patches/"
	git -C "$TOP" status --short -- patches
}

main "$@"
