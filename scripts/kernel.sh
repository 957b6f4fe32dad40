#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel.sh KERNEL: the whole flow for one kernel of ARCH: check out its
# tree, build it, boot it with the guest initramfs, report. Leaves
# build/results/ARCH-KERNEL/{console.log,results.tsv,counts}, and exits 1
# if a test failed (one that tests/xfail expects does not count).
#
# KERNEL is TREE[+FRAGMENT]. TREE is one of
#   series     build/linux as it is (the series, or your edits of it)
#   base       the unpatched base, in its own worktree
#   revert-N   the series with patch N reverted on top (a negative control:
#              tests of what patch N changes must fail there). revert-N-M
#              reverts N, then M, for a patch that later patches build on.
#              It is built in build/linux, which must match patches/, and
#              left on the series afterwards.
#   prefix-N   the series up to and including patch N (scripts/prefixes.sh:
#              every patch boundary must be at least as safe as the base),
#              built in build/linux like revert-N.
# JUDGE=1 judges the console of the kernel's last boot again (report.sh
# and the verdict), building and booting nothing.
# DRY_RUN=1 prints what the kernel's run would do (its tree, the config,
# make and QEMU commands) and changes nothing.
# +FRAGMENT adds config/FRAGMENT.config to the configuration: series+debug
# (KASAN, lockdep, ...), series+noafdbm (arm64 without hardware access
# flag updates), series+mm+mglru (two fragments, in that order; see
# scripts/regressions.sh).
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: kernel.sh KERNEL}

worktree_at()
{
	local wt rev=$1
	wt=$(kernel_src "$kernel")
	if [ -f "$wt/.git" ]; then
		worktree_sync "$wt" "$rev" || die "cannot bring the worktree $wt to $rev"
	else
		stage "worktree $kernel at $rev (hard links to build/linux where they agree)"
		worktree_linked "$wt" "$rev" || die "cannot make the worktree $wt"
	fi
}

# prefix_tree: build/linux at patch N of the series, on a detached HEAD.
prefix_tree()
{
	local n commit
	n=${tree#prefix-}
	commit=$(patch_commit "$n")
	trap back_to_series EXIT
	detach_at "$commit"
	stage "$kernel: build/linux at patch $n: $(git -C "$SRC" log -1 --format=%s "$commit")"
}

# revert_in_series_tree: the series with the patches that the kernel's
# name says reverted, in that order, on a detached HEAD.
revert_in_series_tree()
{
	trap back_to_series EXIT
	detach_at series
	revert_patches "$SRC" "$kernel"
}

checkout()
{
	local tree frag
	tree=$(kernel_tree "$kernel")
	for frag in $(kernel_fragments "$kernel"); do
		[ -f "$TOP/config/$frag.config" ] ||
			die "unknown kernel '$kernel': there is no config/$frag.config"
	done
	case $tree in
	series) ;;
	base) worktree_at base ;;
	revert-[0-9]*) revert_in_series_tree ;;
	prefix-[0-9]*) prefix_tree ;;
	*) die "unknown kernel '$kernel' (series, base, revert-N[-M...], prefix-N, each +FRAGMENT)" ;;
	esac
}

# The exit status: 0 if the kernel's tests ran and none failed (expected
# failures of tests/xfail included), 1 otherwise, so that a caller (git
# bisect run, make base) never takes a failing kernel for a good one.
verdict()
{
	local res=$1 p f
	[ -s "$res/counts" ] || die "$ARCH/$kernel: no results in $res"
	results_current "$res" || die "$ARCH/$kernel: the results in $res are not this run's"
	read -r p f _ <"$res/counts"
	[ "$f" = 0 ] || { echo "$ARCH/$kernel: $f failed, $p passed" >&2; return 1; }
}

# dry_run: the kernel's tree, configuration, build and boot, printed.
dry_run()
{
	local src out tree frag frags n
	src=$(kernel_src "$kernel")
	out=$(kernel_out "$kernel")
	tree=$(kernel_tree "$kernel")
	case $tree in
	series) echo "# $ARCH/$kernel: $src on branch series" ;;
	base) echo "# $ARCH/$kernel: worktree $src at tag base (hard links to $SRC)" ;;
	revert-*) n=${tree#revert-}; echo "# $ARCH/$kernel: $src detached at series, git revert of patch ${n//-/, then }, then back to series" ;;
	prefix-*) echo "# $ARCH/$kernel: $src detached at patch ${tree#prefix-}, then back to series" ;;
	*) die "unknown kernel '$kernel' (series, base, revert-N[-M...], prefix-N, each +FRAGMENT)" ;;
	esac
	frags="config/common.config config/$ARCH.config${BASE_CONFIG:+ config/$BASE_CONFIG.config} config/series.config"
	for frag in $(kernel_fragments "$kernel"); do
		[ -f "$TOP/config/$frag.config" ] || die "unknown kernel '$kernel': there is no config/$frag.config"
		frags+=" config/$frag.config"
	done
	echo "+ (cd $src && scripts/kconfig/merge_config.sh -n -O $out <$frags, of config/series.config the symbols that the tree's Kconfig has>)"
	kmake "$kernel" "$(basename "$(arch_image)")"
	[ "$(kernel_guest "$kernel")" = tests ] || kmake "$kernel" modules
	"$TOP/scripts/boot.sh" "$kernel" "$(kernel_guest "$kernel")"
}

main()
{
	local res
	[ "${DRY_RUN:-0}" = 0 ] || { dry_run; return 0; }
	res=$(results_dir "$kernel")
	# JUDGE=1: the console of the kernel's last boot judged again (after
	# an edit of the xfail list, say): report and verdict, nothing built
	# or booted.
	if [ "${JUDGE:-0}" != 0 ]; then
		[ -f "$res/console.log" ] || die "JUDGE=1: no console of $ARCH/$kernel in $res"
		"$TOP/scripts/report.sh" "$res" "$kernel"
		verdict "$res"
		return
	fi
	# A kernel that does not build or boot this time must not be judged
	# by an earlier run's results (check.sh, mutants.sh, prefixes.sh and
	# regressions.sh read them after this script).
	[ "${BUILD_ONLY:-0}" != 0 ] || rm -f "$res/counts" "$res/results.tsv"
	checkout
	"$TOP/scripts/build.sh" "$kernel"
	# BUILD_ONLY=1: scripts/bench.sh boots the kernel itself.
	[ "${BUILD_ONLY:-0}" = 0 ] || return 0
	[ -f "$(guest_cpio "$(kernel_guest "$kernel")")" ] ||
		die "no initramfs: run scripts/guest.sh $(kernel_guest "$kernel" | sed 's/^tests$//') first"
	"$TOP/scripts/boot.sh" "$kernel" "$(kernel_guest "$kernel")"
	"$TOP/scripts/report.sh" "$res" "$kernel"
	# SUMMARY=1 (make base): end with the summary line, whose status is
	# the same verdict.
	[ "${SUMMARY:-0}" = 0 ] || exec "$TOP/scripts/summary.sh" "$ARCH/$kernel=$res/counts"
	verdict "$res"
}

main "$@"
