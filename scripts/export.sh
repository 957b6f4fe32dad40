#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the commits base..series of build/linux back into patches/ with
# git format-patch, plus the series file and a cover letter whose subject
# and blurb come from cover-letter.txt. The output is stable: exporting an
# unchanged tree changes no byte.
. "$(dirname "$0")/lib.sh"

# recipients ROLE-OPTIONS...: get_maintainer.pl on the series' patches in
# $1, one address per line (no rolestats, no git history: reproducible;
# --no-fixes: the base has no history in which to look up the commits
# that Fixes: tags name).
recipients()
{
	local dir=$1
	shift
	# Perl orders hash keys at random per process, and the order of
	# get_maintainer.pl's recipients followed it: two exports of one
	# tree swapped two To: lines. A fixed hash seed keeps them the same.
	(cd "$SRC" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
		./scripts/get_maintainer.pl --no-git --no-git-fallback --no-fixes \
		--no-rolestats --no-multiline --separator=$'\n' "$@" \
		$(ls "$dir"/*.patch | grep -v 0000-cover-letter))
}

# extra_recipients: the addresses in config/recipients, one per line, each
# checked against the base tree's MAINTAINERS or, for an older base whose
# MAINTAINERS has since changed (the HMM maintainers, addresses that
# moved), against the newest mainline tree's (build/linux-mainline, made
# by 'BASE=mainline make tree'): a series posted today goes to the people
# who maintain the code today.
extra_recipients()
{
	local line addr books=("$SRC/MAINTAINERS") book found
	local mainline=$BUILD/linux-mainline/MAINTAINERS
	[ "$SRC/MAINTAINERS" = "$mainline" ] || books+=("$mainline")
	while IFS= read -r line; do
		line=${line%%#*}
		line=$(sed 's/[[:space:]]*$//' <<<"$line")
		[ -n "$line" ] || continue
		addr=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$line")
		[ -n "$addr" ] || die "config/recipients: no <address> in '$line'"
		found=
		for book in "${books[@]}"; do
			[ -f "$book" ] || continue
			! grep -qF "<$addr>" "$book" || found=$book
			# a list (L:), such as stable@vger.kernel.org
			! grep -qxF "L:	$addr" "$book" || found=$book
		done
		[ -n "$found" ] ||
			die "config/recipients: $addr is in no MAINTAINERS of ${books[*]}$([ -f "$mainline" ] || echo " (the mainline tree is missing: BASE=mainline make tree)")"
		echo "$line"
	done <"$BASE_RECIPIENTS"
}

# format_patch DIR [OPTIONS...]: the series as git format-patch files.
format_patch()
{
	local dir=$1 date
	shift
	# The cover letter's Date: is the committer date; take the tip's author
	# date, which git am keeps, so that a re-applied tree exports the same.
	date=$(git -C "$SRC" log -1 --format=%aD series)
	GIT_COMMITTER_DATE=$date git -C "$SRC" -c diff.noprefix=false -c format.signature= \
		format-patch -q --zero-commit --no-signature --no-thread --cover-letter \
		--subject-prefix="$(cat "$BASE_SUBJECT_PREFIX")" \
		--cover-from-description=subject -o "$dir" "$@" base..series
}

# moved "NAME <ADDR>": NAME is an extra recipient with another address.
moved()
{
	local name=${1%% <*} e
	for e in "${extra[@]}"; do
		[ "${e%% <*}" != "$name" ] || [ "$e" = "$1" ] || return 0
	done
	return 1
}

main()
{
	local tmp to=() cc=() a extra=()
	[ -d "$SRC" ] || die "no build/linux: run 'make tree' first"
	tree_clean ||
		die "build/linux has uncommitted changes: commit them first"
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # tmp is fixed from here on
	trap "rm -rf '$tmp'" EXIT
	git -C "$SRC" config branch.series.description "$(cat "$BASE_COVER")"
	# To: the maintainers of what the series touches; Cc: reviewers and
	# lists. A first pass gives get_maintainer.pl the patches to read.
	# An extra recipient's address replaces the one get_maintainer.pl
	# finds for the same name in an older base's MAINTAINERS.
	format_patch "$tmp"
	extra_recipients >"$tmp/extra"
	mapfile -t extra <"$tmp/extra"
	while read -r a; do
		moved "$a" || to+=(--to="$a")
	done < <(recipients "$tmp" --m --no-r --no-l)
	while read -r a; do
		moved "$a" || cc+=(--cc="$a")
	done < <(recipients "$tmp" --no-m --r --l)
	for a in "${extra[@]}"; do cc+=(--cc="$a"); done
	rm -f "$tmp"/*.patch
	format_patch "$tmp" "${to[@]}" "${cc[@]}"
	rm -f "$PATCHES"/*.patch
	mv "$tmp"/*.patch "$PATCHES"/
	(cd "$PATCHES" && ls [0-9]*.patch | grep -v '^0000-cover-letter') >"$PATCHES/series"
	# The tree now matches patches/: record it so 'make tree' keeps it.
	printf '%s %s\n' "$(series_hash)" "$(git -C "$SRC" rev-parse HEAD)" >"$STATE"
	rm -f "$APPLYING"
	stage "exported $(series_patches | wc -l) patches to ${PATCHES#"$TOP"/}/"
	git -C "$TOP" status --short -- "$PATCHES"
}

main "$@"
