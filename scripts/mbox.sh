#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mbox.sh [check]: write build/series.mbox (build/mainline-series.mbox for
# BASE=mainline; and build/stable.mbox, the stable fix the 6.12 series
# starts with, see write_stable_mbox), the cover letter and patches/ in
# series order as one
# mbox (what git send-email would send; b4 and git am read it), From: and
# Signed-off-by: of the person who sends it: FROM="Name <address>", else
# their own git identity (git config --global). The commits carry the
# repository's identity, a placeholder that cannot sign the DCO, so the
# sendable mbox is refused under it, saying how to give one.
#
# mbox.sh check: the same series with the commits' identity, into
# build/series-check.mbox (not for sending): apply it with git am to a
# fresh worktree of the base, require the result to be the series' tree,
# and let b4 read it.
. "$(dirname "$0")/lib.sh"

MODE=${1:-send}
case $MODE in send|check) ;; *) die "usage: mbox.sh [check]" ;; esac
if [ "$MODE" = check ]; then
	MBOX=$BUILD/${BASE_TAG}series-check.mbox
else
	MBOX=$BUILD/${BASE_TAG}series.mbox
fi

# The identity the commits carry (the repository's), "Name <address>".
commit_identity()
{
	git -C "$SRC" log -1 --format='%an <%ae>' series
}

# The sender: FROM, else the global git identity; refused when it is the
# commits' placeholder or has no address.
sender()
{
	local from=${FROM:-} name email
	if [ -z "$from" ]; then
		name=$(git config --global user.name || true)
		email=$(git config --global user.email || true)
		[ -z "$name" ] || [ -z "$email" ] || from="$name <$email>"
	fi
	if [ -z "$from" ] || [ "$from" = "$(commit_identity)" ] ||
		! [[ $from =~ ^[^\<\>]+\ \<[^\<\>@\ ]+@[^\<\>\ ]+\>$ ]]; then
		die "no sender identity for a sendable mbox (got '${from:-nothing}'): the commits carry
  the repository's placeholder '$(commit_identity)', which cannot sign the DCO.
  Give yours: FROM=\"Your Name <you@example.org>\" make mbox (or set git config
  --global user.name and user.email); From: and Signed-off-by: become yours."
	fi
	echo "$from"
}

# From: and the commits' Signed-off-by: lines become the sender's.
as_sender()
{
	awk -v old="$(commit_identity)" -v new="$1" '
		/^From: / && hdr { print "From: " new; next }
		/^From [0-9a-f]+ Mon Sep 17 00:00:00 2001$/ { hdr = 1 }
		hdr && /^$/ { hdr = 0 }
		$0 == "Signed-off-by: " old { print "Signed-off-by: " new; next }
		{ print }'
}

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
	local p from=""
	[ "$MODE" = check ] || from=$(sender)
	(cd "$PATCHES" && for p in 0000-cover-letter.patch $(series_patches); do
		cat "$p"
	done) | thread_messages "dex-$(series_hash | cut -c1-16)" |
		if [ -n "$from" ]; then as_sender "$from"; else cat; fi >"$MBOX"
	stage "mbox: $MBOX ($(grep -c '^From 0000000000000000000000000000000000000000' "$MBOX") messages${from:+, from $from})"
}

# The base's stable submission, when its series starts with one
# (BASE_STABLE_PATCHES, BASE_STABLE_PREFIX of scripts/base/BASE.sh): those
# first patches alone, "[PREFIX i/n]" ("[PREFIX]" for one), To: stable@vger.kernel.org as well
# (stable-kernel-rules, option 3), into build/BASE_TAGstable.mbox.
write_stable_mbox()
{
	local n=${BASE_STABLE_PATCHES:-0} out p i=0 from="" tag cc line
	# (i counts in the loop's subshell: the stage line counts the file)
	[ "$n" -gt 0 ] || return 0
	out=$BUILD/${BASE_TAG}stable.mbox
	[ "$MODE" = check ] || from=$(sender)
	for p in $(series_patches | head -n "$n"); do
		i=$((i + 1))
		# [PREFIX i/n], or [PREFIX] for a single patch
		tag=$BASE_STABLE_PREFIX
		[ "$n" = 1 ] || tag+=" $i/$n"
		# To: stable; Cc: what get_maintainer.pl finds for this patch
		# alone (the series' list is far wider than a 10-line fix).
		cc=$(cd "$SRC" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
			./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-fixes --no-rolestats --no-multiline --separator=', ' \
			"$PATCHES/$p")
		# and the base's extra recipients (config/recipients)
		while IFS= read -r line; do
			line=${line%%#*}
			line=$(sed 's/[[:space:]]*$//' <<<"$line")
			[ -z "$line" ] || cc+=", $line"
		done <"$BASE_RECIPIENTS"
		awk -v tag="$tag" -v cc="$cc" '
			!subj && sub(/^Subject: \[PATCH[^]]*\]/, "Subject: [" tag "]") { subj = 1 }
			hdr && /^(To|Cc): / { skip = 1; if (!done) { print "To: stable@vger.kernel.org"; print "Cc: " cc; done = 1 }; next }
			skip && /^[ \t]/ { next }
			{ skip = 0 }
			/^From [0-9a-f]+ Mon Sep 17 00:00:00 2001$/ { hdr = 1 }
			hdr && /^$/ { hdr = 0 }
			{ print }' "$PATCHES/$p"
	done | thread_messages "dex-stable-$(series_hash | cut -c1-16)" |
		if [ -n "$from" ]; then as_sender "$from"; else cat; fi >"$out"
	stage "mbox: $out ($(grep -c '^From 0000000000000000000000000000000000000000' "$out") messages for stable, $(grep -m1 -o '^Subject: \[[^]]*\]' "$out" | cut -c10-))"
}

# git am of the mbox on the base gives exactly the tree of branch series.
check_mbox()
{
	local wt=$BUILD/worktrees/${BASE_TAG}mbox-check got want
	remove_worktree "$wt"
	# shellcheck disable=SC2064 # wt is fixed
	trap "remove_worktree '$wt'" EXIT
	worktree_linked "$wt" base || die "cannot make the worktree $wt"
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
	write_stable_mbox
	[ "$MODE" != check ] || { check_mbox; check_b4; }
}

main "$@"
