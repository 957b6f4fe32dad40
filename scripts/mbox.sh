#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mbox.sh [check]: write build/series.mbox (build/mainline-series.mbox for
# BASE=mainline), the cover letter and patches/
# in series order as one mbox (what git send-email would send; b4 and
# git am read it). With "check", also apply it with git am to a fresh
# worktree of the base and require the result to be the series' tree,
# and let b4 read it.
. "$(dirname "$0")/lib.sh"

MBOX=$BUILD/${BASE_TAG}series.mbox

# Headers unfolded (git format-patch folds a long From: over two lines,
# which RFC 5322 allows but b4 0.12 rejects), and each message given a
# Message-Id, the patches In-Reply-To the cover letter, as git send-email
# would: b4 files a series by its thread. The ids derive from the series'
# content, so the mbox is reproducible.
thread_messages()
{
	awk -v id="$1" '
	function flush() { if (held != "") print held; held = "" }
	/^From [0-9a-f]+ Mon Sep 17 00:00:00 2001$/ { hdr = 1; n++ }
	hdr && /^$/ {
		flush()
		printf "Message-Id: <%s-%d@harness.invalid>\n", id, n - 1
		if (n > 1)
			printf "In-Reply-To: <%s-0@harness.invalid>\nReferences: <%s-0@harness.invalid>\n", id, id
		hdr = 0
	}
	hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); held = held $0; next }
	hdr { flush(); held = $0; next }
	{ print }'
}

write_mbox()
{
	local p
	(cd "$PATCHES" && for p in 0000-cover-letter.patch $(series_patches); do
		cat "$p"
	done) | thread_messages "dex-$(series_hash | cut -c1-16)" >"$MBOX"
	stage "mbox: $MBOX ($(grep -c '^From 0000000000000000000000000000000000000000' "$MBOX") messages)"
}

# git am of the mbox on the base gives exactly the tree of branch series.
check_mbox()
{
	local wt=$BUILD/worktrees/${BASE_TAG}mbox-check got want
	remove_worktree "$wt"
	# shellcheck disable=SC2064 # wt is fixed
	trap "remove_worktree '$wt'" EXIT
	git -C "$SRC" worktree add -q --detach "$wt" base
	git -C "$wt" -c user.name=harness -c user.email=harness@localhost \
		am -q --empty=drop "$MBOX" >"$LOGS/mbox-am.log" 2>&1 ||
		{ cat "$LOGS/mbox-am.log" >&2; die "git am of $MBOX on base failed"; }
	got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
	want=$(git -C "$SRC" rev-parse 'series^{tree}')
	remove_worktree "$wt"
	trap - EXIT
	[ "$got" = "$want" ] || die "git am of $MBOX gives tree $got, not the series' $want"
	stage "mbox applies with git am to a fresh base: same tree as the series"
}

# b4 finds the whole series in the mbox and makes its own am-ready mbox.
check_b4()
{
	local out=$BUILD/${BASE_TAG}b4 n
	n=$(series_patches | wc -l)
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$out" && b4 --offline-mode am -m "$MBOX" -o .) >"$LOGS/mbox-b4.log" 2>&1 ||
		{ tail -n 20 "$LOGS/mbox-b4.log" >&2; die "b4 cannot read $MBOX"; }
	grep -q "^Total patches: $n\$" "$LOGS/mbox-b4.log" && ls "$out"/*.mbx >/dev/null 2>&1 ||
		{ tail -n 20 "$LOGS/mbox-b4.log" >&2; die "b4 did not find the $n patches in $MBOX"; }
	stage "b4 reads the mbox: $n patches and the cover letter"
}

main()
{
	[ -d "$SRC" ] || die "no build/linux: run 'make tree' first"
	write_mbox
	[ "${1:-}" != check ] || { check_mbox; check_b4; }
}

main "$@"
