#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make build/linux (BASE=6.12) or build/linux-mainline (BASE=mainline): a
# git tree of the base's Debian source package (tag "base", see
# scripts/base/BASE.sh) with the base's series (patches/ or
# patches-mainline/) applied as commits (branch "series"). Re-running it
# re-applies patches/ when they changed, but never throws away commits or
# edits that were not exported. FORCE=1 does: it resets branch series to
# the base plus patches/, dropping commits and uncommitted edits to tracked
# files (build directories and other untracked files stay); on a new
# base package version it also unpacks the base again.
. "$(dirname "$0")/lib.sh"

# Debian's top-level .gitignore ends with a block that ignores "/*":
# drop it, or git add skips every file (it is packaging, not the kernel).
drop_debian_gitignore()
{
	local f=$1/.gitignore n
	n=$(grep -n '^# Debian packaging' "$f" | cut -d: -f1 || true)
	[ -n "$n" ] || return 0
	sed -n "$((n - 1))p" "$f" | grep -qx '#' && n=$((n - 1))
	head -n $((n - 1)) "$f" >"$f.new"
	mv "$f.new" "$f"
}

make_base()
{
	local tmp=$SRC.tmp version
	version=$(base_version)
	stage "unpacking $BASE_PKG $version"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xf "$BASE_TARBALL" -C "$tmp" --strip-components=1
	drop_debian_gitignore "$tmp"
	stage "committing the base tree"
	git -C "$tmp" init -q -b series
	# No automatic gc: a detached one (after the commit of 80k files
	# below) would inherit the lock on build/ and hold it after the run.
	git -C "$tmp" config gc.auto 0
	git -C "$tmp" config user.name "$(git -C "$TOP" config user.name || echo harness)"
	git -C "$tmp" config user.email "$(git -C "$TOP" config user.email || echo harness@localhost)"
	git -C "$tmp" add -A
	git -C "$tmp" commit -q -m "base: Debian $BASE_PKG $version"
	git -C "$tmp" tag base
	# The O= directories live inside the trees (see kernel_out).
	echo '/out-*/' >>"$tmp/.git/info/exclude"
	echo "$version" >"$tmp/.git/harness-base-version"
	mv "$tmp" "$SRC"
}

# git am each patch; on failure name the patch and the hunk that failed
# (apply_patches, in lib.sh so that the harness's own tests run it).
apply_series()
{
	touch "$APPLYING"
	git -C "$SRC" checkout -q -f -B series base
	# A patch that does not apply is the user's to fix in build/linux, as
	# the message says: no longer the harness's half-done work.
	(apply_patches "$SRC" "$PATCHES" "$BASE_PKG $(cat "$SRC/.git/harness-base-version")") ||
		{ rm -f "$APPLYING"; exit 1; }
	printf '%s %s\n' "$(series_hash)" "$(git -C "$SRC" rev-parse HEAD)" >"$STATE"
	rm -f "$APPLYING"
	stage "applied $(series_patches | wc -l) patches on $BASE_PKG $(cat "$SRC/.git/harness-base-version")"
}

# True when build/linux holds nothing that patches/ does not: its tip is
# what the last apply (or export) left, or the base itself when nothing
# was applied yet, nothing is modified and no git am or rebase is under
# way (after a failed first apply, that is the user's fix in progress).
tree_is_disposable()
{
	local tip
	if [ -f "$STATE" ]; then
		tip=$(cut -d' ' -f2 "$STATE")
	else
		tip=$(git -C "$SRC" rev-parse base)
	fi
	[ "$(git -C "$SRC" rev-parse HEAD)" = "$tip" ] && tree_clean &&
		[ ! -d "$SRC/.git/rebase-apply" ] && [ ! -d "$SRC/.git/rebase-merge" ]
}

main()
{
	"$TOP/scripts/deps.sh"
	base_fetch
	if [ -d "$SRC" ] && [ "$(cat "$SRC/.git/harness-base-version")" != "$(base_version)" ]; then
		[ "${FORCE:-0}" = 1 ] || die "${SRC#"$TOP"/} is on $(cat "$SRC/.git/harness-base-version"), $BASE_PKG is $(base_version): FORCE=1 BASE=$BASE make tree rebuilds it"
		rm -rf "$SRC" "$(kernel_src base)"
	fi
	[ -d "$SRC" ] || make_base
	git -C "$SRC" config gc.auto 0
	recover_interrupted
	if [ -f "$APPLYING" ]; then
		stage "build/linux: an earlier apply of patches/ did not finish; applying again"
		apply_series
		return 0
	fi
	if [ -f "$STATE" ] && [ "$(cut -d' ' -f1 "$STATE")" = "$(series_hash)" ]; then
		return 0
	fi
	if ! tree_is_disposable && [ "${FORCE:-0}" != 1 ]; then
		die "build/linux has commits or edits not in patches/: 'make export' them, or FORCE=1 make tree to discard them"
	fi
	apply_series
}

main "$@"
