#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [full]: the test command, in one of two tiers.
#
#   check (make check, what .ci/run runs): what catches a broken
#     submission inside CI's limit from a cold ccache. The harness's own
#     tests, the gate in quick mode (checkpatch, kernel-doc and a build at
#     every patch, see gate.sh), the mbox round trip, the series kernel on
#     x86_64 (KUnit, hmm-tests, dex-stress), the unpatched base as the
#     negative control, and the series kernel on arm64.
#   full (make check-full): everything else, run before each submission
#     that changes patches/: the gate building the image at every patch,
#     the debug kernel, every negative control (revert-N kernels), on
#     arm64 the kernels without hardware access flag updates, and last the
#     mm regressions (scripts/regressions.sh: the kernel's mm selftests
#     and KUnit suites, base vs series, and the multi-gen LRU kernels),
#     unless ARCH= or ARCHES= limits the run to one architecture.
#
# DRY_RUN=1 prints the stages and, for every kernel of the tier, its
# tree, config, build and QEMU commands (scripts/kernel.sh), and runs
# nothing: BASES="6.12 mainline 6.1" DRY_RUN=1 make check shows what
# each base's rows of config/kernels make.
#
# Both end with "N passed, N failed, N skipped" and exit non-zero on any
# failure. ARCH=arm64 (or ARCHES="x86_64 arm64") picks the architectures;
# KERNELS_x86_64 / KERNELS_arm64 replace a tier's kernel list there.
given_arch=${ARCH:-}
given_base=${BASE:-}
. "$(dirname "$0")/lib.sh"

TIER=${1:-check}

# The kernels of each tier, base and architecture are rows of the table
# config/kernels, in the order they run; the base's xfail list says what
# must fail on each.
tier_kernels()
{
	table_kernels "$TIER" "$1"
}

# What a run of this tier costs on 2 cores (measured, see README.md).
tier_cost()
{
	case $TIER in
	check) echo "both bases: about 15-25 min with a warm ccache, 40 min cold (2 cores)" ;;
	full) echo "with a warm ccache about 30 min for 6.12 and 40 min for mainline (measured 28 and 40 min), then about 35 min of mm regressions (6.12 only)" ;;
	esac
}

# kernels_of ARCH: the kernels of the tier for the base in use (BASE);
# KERNELS_ARCH overrides them for 6.12, KERNELS_mainline_ARCH for mainline
# (KERNELS_6_1_ARCH for 6.1: a dot cannot be in a variable's name).
kernels_of()
{
	local var=KERNELS_$1
	[ "$BASE" = 6.12 ] || var=KERNELS_${BASE//./_}_$1
	echo "${!var:-$(tier_kernels "$1")}"
}

STAGE="start"
interrupted()
{
	trap - INT TERM HUP
	printf '\ninterrupted during: %s\n' "$STAGE" >&2
	# The stage's own EXIT traps have put build/linux back (back_to_series).
	echo "build/linux is on $(git -C "$SRC" symbolic-ref -q --short HEAD ||
		echo "a detached HEAD, $(git -C "$SRC" rev-parse --short HEAD)"); logs so far: $LOGS" >&2
	exit 130
}

# step NAME CMD...: run one stage of the test command. A child stopped by
# Ctrl-C, SIGTERM or SIGHUP (boot.sh and bash exit 130, 143, 129) stops
# the whole run.
step()
{
	local rc=0
	STAGE=$1
	shift
	"$@" || rc=$?
	case $rc in 129|130|143) interrupted ;; esac
	return $rc
}

# must NAME CMD...: a stage that the rest needs. If it fails, the run ends
# here, still with the summary line, the stage counted as one failure.
must()
{
	local counts=$LOGS/stage-failed.counts
	step "$@" && return 0
	echo "0 1 0 0" >"$counts"
	echo "the run stopped: '$1' failed (its error is above)" >&2
	exec "$TOP/scripts/summary.sh" "stage: $1=$counts"
}

# Every revert-N kernel of the run still reverts (a later patch can come
# to edit what N adds): tried in a scratch worktree in seconds, before the
# long stages, instead of failing after them. Nothing to do without one.
check_reverts()
{
	local wt=$BUILD/worktrees/${BASE_TAG}revert-check k a kernels=()
	for a in $1; do
		for k in $(kernels_of "$a"); do
			case $(kernel_tree "$k") in revert-*) kernels+=("$k") ;; esac
		done
	done
	[ ${#kernels[@]} != 0 ] || return 0
	remove_worktree "$wt"
	# shellcheck disable=SC2064 # wt is fixed
	trap "remove_worktree '$wt'" EXIT
	# Under step's ||, set -e is off here: every command says its failure.
	worktree_linked "$wt" series || die "cannot make the worktree $wt"
	for k in "${kernels[@]}"; do
		git -C "$wt" checkout -q -f --detach series || die "cannot check out series in $wt"
		revert_patches "$wt" "$k" || return 1
	done
	remove_worktree "$wt"
	trap - EXIT
}

# How long each race stress runs: STRESS_SECONDS if given, else the
# base's BASE_CHECK_STRESS_SECONDS in make check, else boot.sh's default.
stress_seconds()
{
	local secs=${STRESS_SECONDS:-}
	[ -n "$secs" ] || [ "$TIER" != check ] || secs=${BASE_CHECK_STRESS_SECONDS:-}
	echo "${secs:-60}"
}

# run_arch ARCH KERNEL...: the guest and each kernel of ARCH; appends
# ARCH/KERNEL=COUNTS to the counts array of main(). A kernel that fails
# to build or boot, or whose guest programs do not build, has no counts,
# which the summary counts as a failure; the other architectures go on.
run_arch()
{
	local arch=$1 k res guest=0 label
	shift
	step "$BASE_TAG$arch guest" env ARCH="$arch" "$TOP/scripts/guest.sh" || guest=$?
	# The +hmmmod kernels boot the kselftest-hmm guest (kernel_guest).
	for k in "$@"; do
		[ "$(kernel_guest "$k")" = tests ] && continue
		[ $guest != 0 ] || step "$BASE_TAG$arch kselftest-hmm guest" env ARCH="$arch" \
			"$TOP/scripts/guest.sh" kselftest-hmm || guest=$?
		break
	done
	for k in "$@"; do
		res=$(ARCH=$arch results_dir "$k")
		label=$arch/$k
		[ "$BASE" = 6.12 ] || label=$BASE:$label
		rm -f "$res/counts"
		[ $guest != 0 ] || step "$label" env ARCH="$arch" \
			STRESS_SECONDS="$(stress_seconds)" "$TOP/scripts/kernel.sh" "$k" || true
		counts+=("$label=$res/counts")
	done
}

# The full tier's last stage: the mm regressions (scripts/regressions.sh),
# whose counts join the summary; a run that stopped early has none.
regressions()
{
	local line list=$BUILD/results/regressions.counts
	rm -f "$list"
	step "mm regressions" env REGRESSIONS_NO_SUMMARY=1 "$TOP/scripts/regressions.sh" || true
	[ -s "$list" ] || { counts+=("mm regressions=/nonexistent"); return 0; }
	while IFS= read -r line; do
		counts+=("$line")
	done <"$list"
}

# One base's part of the run: its tree, reverts, gate, mbox and kernels.
# Runs in a subshell with the base's variables (in_base); the counts go to
# the file $1, one ARCH/KERNEL=COUNTS per line, for main()'s summary.
run_base()
{
	local out=$1 a counts=()
	must "$BASE: make tree" "$TOP/scripts/tree.sh"
	must "$BASE: revert-N kernels revert" check_reverts "$arches"
	# The gate builds for the first architecture of the run.
	must "$BASE: gate" env ARCH="${arches%% *}" "$TOP/scripts/gate.sh" "$gate"
	must "$BASE: mbox check" "$TOP/scripts/mbox.sh" check
	for a in $arches; do
		run_arch "$a" $(kernels_of "$a")
	done
	printf '%s\n' "${counts[@]}" >"$out"
}

# Free space on build/'s file system, in GiB (rounded down).
disk_free_gib()
{
	df -Pk "$BUILD" | awk 'NR == 2 { printf "%d\n", $4 / 1048576 }'
}

# prune_base: what the base's part of make check leaves that a re-run
# makes again, removed for the next base's room: the base kernel's
# worktree, the build directories and, when it holds nothing that its
# patches do not (tip as the last apply left it, no edits), the tree
# itself (tree.sh unpacks and applies it again in about 2 minutes).
prune_base()
{
	local state=$SRC/.git/harness-applied
	[ -d "$SRC" ] || return 0
	remove_worktree "$(kernel_src base)"
	rm -rf "$SRC"/out-*
	if [ -f "$state" ] && [ "$(git -C "$SRC" rev-parse HEAD)" = "$(cut -d' ' -f2 "$state")" ] && tree_clean; then
		rm -rf "$SRC"
		echo "removed ${SRC#"$TOP"/} (its patches make it again) and the base's build directories"
	else
		echo "removed the base's build directories; ${SRC#"$TOP"/} stays: it has commits or edits not in its patches"
	fi
}

# A base of make check needs about 3.5 GiB of disk at its peak (its tree,
# the base kernel's worktree of hard links, two architectures' build
# directories; measured 2.7 GiB for 6.12 and 3.4 for mainline, 6.1 for the
# whole run, where full copies took 9.4). Below CHECK_DISK_GIB free
# (default 5) before the next base, the finished base is pruned.
make_room()
{
	local b=$1 free min=${CHECK_DISK_GIB:-5}
	free=$(disk_free_gib)
	[ "$free" -lt "$min" ] || return 0
	stage "disk: $free GiB free on build/ (under CHECK_DISK_GIB=$min): pruning base $b before the next"
	in_base "$b" prune_base
}

# dry_run_base: run_base's stages and kernels, printed.
dry_run_base()
{
	local a k
	echo "## base $BASE (${BASE_PKG:-the newest linux-source-7.x of sid}$( [ -z "$BASE_PATCHES" ] || echo ", ${BASE_PATCHES#"$TOP"/}: $(series_patches | wc -l) patches"), tree $SRC)"
	echo "+ scripts/tree.sh"
	echo "+ ARCH=${arches%% *} scripts/gate.sh $gate"
	echo "+ scripts/mbox.sh check"
	for a in $arches; do
		echo "+ ARCH=$a scripts/guest.sh"
		for k in $(kernels_of "$a"); do
			[ "$(kernel_guest "$k")" = tests ] || echo "+ ARCH=$a scripts/guest.sh $(kernel_guest "$k")"
			echo "+ ARCH=$a STRESS_SECONDS=$(stress_seconds) scripts/kernel.sh $k"
			ARCH=$a STRESS_SECONDS=$(stress_seconds) "$TOP/scripts/kernel.sh" "$k" | sed 's/^/    /'
		done
	done
}

main()
{
	local a b counts=() arches desc="" gate=quick target=check bases line
	case $TIER in check|full) ;; *) die "usage: check.sh [full]" ;; esac
	[ "$TIER" = check ] || { gate=full target=check-full; }
	arches=${ARCHES:-${given_arch:-x86_64 arm64}}
	bases=${BASES:-${given_base:-6.12 mainline}}
	for b in $bases; do
		for a in $arches; do
			desc+=" $b $a: $(in_base "$b" kernels_of "$a");"
		done
	done
	# The test command runs everything: a filter left in the environment
	# would narrow it and relax tests/xfail without a word.
	[ -z "${KUNIT_FILTER:-}${SELFTEST_FILTER:-}${SKIP:-}" ] ||
		die "KUNIT_FILTER/SELFTEST_FILTER/SKIP are set: the test command runs every test; unset them (they are for make, make base and scripts/kernel.sh)"
	if [ "${DRY_RUN:-0}" != 0 ]; then
		table_check || die "config/kernels has bad rows (above)"
		echo "# make $target, dry run: nothing is built or booted"
		for b in $bases; do
			in_base "$b" dry_run_base
		done
		return 0
	fi
	table_check || die "config/kernels has bad rows (above)"
	trap interrupted INT TERM HUP
	stage "make $target: harness self-tests, per base (${bases// /, }): tree, gate ($gate), mbox,$desc $(tier_cost)"
	stage "disk: $(disk_free_gib) GiB free on build/ (make check needs about 3.5 GiB per base, 6.1 measured for both)"
	# Every architecture's packages first: a missing one fails the run
	# before the long gate, not after it.
	for a in $arches; do
		must "$a packages" env ARCH="$a" "$TOP/scripts/deps.sh"
	done
	# The harness's self-tests are recorded on the 6.12 layout and take
	# kunit.py from its tree (tests/harness/run.sh), whatever the bases.
	must "6.12: make tree" env BASE=6.12 "$TOP/scripts/tree.sh"
	must "harness self-tests" "$TOP/tests/harness/run.sh"
	for b in $bases; do
		rm -f "$LOGS/counts-$b"
		# A stage that the rest needs and failed has printed the summary.
		in_base "$b" run_base "$LOGS/counts-$b" || exit $?
		while IFS= read -r line; do
			[ -z "$line" ] || counts+=("$line")
		done <"$LOGS/counts-$b"
		# The full tier's regressions come back to the 6.12 tree.
		[ "$TIER" != check ] || [ "$b" = "${bases##* }" ] || make_room "$b"
	done
	# The mm regressions compare the 6.12 kernels (scripts/regressions.sh)
	# on both architectures: a run that ARCH= or ARCHES= limits to one
	# leaves them out.
	case " $bases /$arches" in
	*" 6.12 "*/*x86_64*arm64*|*" 6.12 "*/*arm64*x86_64*) [ "$TIER" != full ] || regressions ;;
	esac
	# What the bots would find (W=1, sparse, coccicheck, other
	# configurations, sanitizers, the soak) is a target of its own:
	# several hours.
	[ "$TIER" != full ] || stage "not in this run: make bots (scripts/bots.sh): the static checks, the build coverage, the sanitizers and the soak (make soak) of both series"
	STAGE="summary"
	# exec: the summary line is the last thing the run prints.
	exec "$TOP/scripts/summary.sh" "${counts[@]}"
}

main "$@"
