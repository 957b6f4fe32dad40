# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the harness scripts. Source it; do not run it.
#
# Layout of the ignored work folder (BUILD, default ./build):
#   linux/                  git tree: tag "base" + the series as commits (branch "series")
#   linux/out-<arch>[-<fragment>]/  O= build directory of the series and revert-N kernels
#   worktrees/base/         the base tree, checked out from linux/ (its out-*/ inside)
#   worktrees/mbox-check/   scratch worktree of 'mbox.sh check' (removed after)
#   guest/<arch>/           initramfs, its file list and the test programs in it
#   guest/gen_init_cpio     the kernel's usr/gen_init_cpio, built for the host
#   busybox-arm64/          Debian's busybox-static for arm64 (deps.sh)
#   results/<arch>-<kernel>[-bench]/  console log, parsed results, counts
#   results/<arch>-bench[-<fragment>]/  benchmark table and plot
#   logs/                   full logs of every stage
#   gate-ok-<arch>          keys of the patches that passed the gate
#   series.mbox, b4/        the series as one mbox, and b4's reading of it
#   harness-test/           scratch output of the harness's own tests
#   .lock, .lock.owner      the run that holds build/ (see take_lock)

set -euo pipefail

# -h or --help, given to any script: its opening comment (what it does, its
# arguments and the variables it reads), and nothing run. The scripts
# source this file before they do anything else.
script_help() {
	awk 'NR == 1 && /^#!/ { next }
	     /^# SPDX-License-Identifier/ { next }
	     /^#/ { sub(/^# ?/, ""); print; next }
	     { exit }' "$1"
}
case ${1-} in
-h|--help)
	script_help "$0"
	exit 0
	;;
esac

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
ARCH=${ARCH:-x86_64}
BASE=${BASE:-6.12}
LOGS=$BUILD/logs
T0=${T0:-$(date +%s)}
# The run's id: the first script of a run sets it, the scripts it starts
# inherit it. report.sh stamps each kernel's results with it and adds
# their rows to the run's one results file (run_results); summary.sh and
# the verdicts refuse results that another run left (results_current).
RUN_ID=${RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)-$$}
export ARCH BASE BUILD T0 RUN_ID

# Everything particular to one base tree (its package, its series, its
# xfail list, its kernels) is in scripts/base/BASE.sh, one file per base;
# the variables are described in scripts/base/6.12.sh. SRC is the base's
# git tree with its series applied, PATCHES the series.
# base_load: BASE's variables, SRC and PATCHES (check.sh calls it again in
# a subshell for each base of a run).
# apt_source_unpack PKG VERSION LOG WHERE [APT...]: Debian's source package
# PKG at VERSION ("from WHERE", if not empty, in the stage line), downloaded
# with APT (default apt-get; mainline passes its
# private-apt wrapper) and unpacked into $BASE_APT/pkg, unless
# $BASE_APT/version says it is there already; LOG gets apt's output.
# Sets BASE_TARBALL. For the bases that fetch their own source.
apt_source_unpack()
{
	local pkg=$1 version=$2 log=$3 where=$4
	shift 4
	[ $# -gt 0 ] || set -- apt-get
	BASE_TARBALL=$BASE_APT/pkg/usr/src/$pkg.tar.xz
	if [ "$(cat "$BASE_APT/version" 2>/dev/null)" != "$pkg $version" ] || [ ! -f "$BASE_TARBALL" ]; then
		stage "downloading $pkg $version${where:+ from $where}"
		rm -rf "$BASE_APT/pkg" "$BASE_APT"/*.deb
		mkdir -p "$BASE_APT/pkg"
		(cd "$BASE_APT" && "$@" download "$pkg=$version") >>"$log" 2>&1 ||
			{ tail -n 5 "$log" >&2; die "apt-get download $pkg=$version failed (log: $log)"; }
		dpkg-deb -x "$BASE_APT/${pkg}_${version//:/%3a}_all.deb" "$BASE_APT/pkg"
		rm -f "$BASE_APT"/*.deb
		echo "$pkg $version" >"$BASE_APT/version"
	fi
}

# apt_source_version: the version apt_source_unpack unpacked.
apt_source_version()
{
	cut -d' ' -f2 "$BASE_APT/version"
}

base_load()
{
	if [ ! -f "$TOP/scripts/base/$BASE.sh" ]; then
		echo "error: unknown BASE=$BASE: scripts/base/ has $(cd "$TOP/scripts/base" && echo *.sh)" >&2
		exit 1
	fi
	# Defaults that a base file may change (see scripts/base/6.12.sh).
	BASE_PKG=
	BASE_SELFTESTS=mm
	BASE_THP=
	BASE_STABLE_PATCHES=0
	. "$TOP/scripts/base/$BASE.sh"
	SRC=$BUILD/linux${BASE_TAG:+-${BASE_TAG%-}}
	PATCHES=$BASE_PATCHES
}

# beside_xfail LIST NAME: the list of the same base as xfail list LIST,
# named NAME (tests/xfail-mainline -> tests/NAME-mainline).
beside_xfail()
{
	echo "$(dirname "$1")/$(basename "$1" | sed "s/^xfail/$2/")"
}

# in_base BASE CMD...: CMD with BASE's variables (scripts/base/BASE.sh).
in_base()
{
	local b=$1
	shift
	(
		BASE=$b
		base_load
		"$@"
	)
}
base_load

mkdir -p "$LOGS"

# The script's stderr as it started: V=1 prints commands there even from
# functions whose output goes to a log.
exec {TERM_FD}>&2

# A command that fails under set -e ends the script; say which one, where,
# and with what status, so that no exit is silent (a failing pipeline in a
# function would otherwise end the run without a word). errtrace carries
# the trap into functions and subshells; commands tested by if, && or ||
# never trigger it.
set -o errtrace
trap 'on_error $? "$BASH_COMMAND" "${BASH_SOURCE[0]}" "$LINENO"' ERR

on_error()
{
	local rc=$1 cmd=$2 file=${3#"$TOP"/} line=$4
	# Once per failure: in the shell itself, not again in each subshell or
	# command substitution it passes through, nor for the 'return' that
	# hands a failure up. 129/130/143: an interrupted child; the interrupt
	# handler speaks for it.
	[ "$BASH_SUBSHELL" = 0 ] || return 0
	case $cmd in return*) return 0 ;; esac
	case $rc in 129|130|143) return 0 ;; esac
	printf "error: %s:%s: '%s' exited with status %s\n" "$file" "$line" "$cmd" "$rc" >&2
}

# One harness run at a time per build/: a second make in the same checkout
# would check out other commits under the first one's build and truncate
# its logs. The first script of a run takes an exclusive flock on
# build/.lock and its children inherit it (HARNESS_LOCK names the holder);
# a second run is refused at once, naming the pid and command that hold it.
take_lock()
{
	local lock=$BUILD/.lock
	[ -z "${HARNESS_LOCK:-}" ] || return 0
	mkdir -p "$BUILD"
	exec 9>>"$lock"
	if ! flock -n 9; then
		exec 9>&-
		die "$BUILD is in use by another run: $(cat "$lock.owner" 2>/dev/null || echo unknown)
  processes holding it now: $(fuser "$lock" 2>/dev/null | xargs || echo unknown)
  wait for it to end, or stop the whole run (kill -- -PGID, the process group named)"
	fi
	printf 'pid %s (process group %s), %s, since %s\n' "$$" "$(ps -o pgid= -p $$ | tr -d ' ')" \
		"${0#"$TOP"/} $*" "$(date '+%F %T')" >"$lock.owner"
	HARNESS_LOCK="$$"
	export HARNESS_LOCK
}

# The gate and the revert-N kernels check out other commits of build/linux
# (detached). detach_at COMMIT does it and leaves a mark; back_to_series,
# their EXIT trap, undoes it: a git revert that was under way is aborted
# and HEAD goes back to branch "series". Without the mark it does nothing,
# so that a checkout, bisect, revert or cherry-pick of the user's own is
# never touched; it never forces: edits made in build/linux during the run
# are kept, and it says so when they keep HEAD where it is.
DETACHED=$SRC/.git/harness-detached

detach_at()
{
	tree_clean || die "build/linux has uncommitted changes: commit or stash them first"
	echo "$1" >"$DETACHED"
	git -C "$SRC" checkout -q --detach "$1"
}

back_to_series()
{
	[ -f "$DETACHED" ] || return 0
	# A second Ctrl-C must not cut the checkout in half.
	trap '' INT TERM HUP
	if [ -f "$SRC/.git/REVERT_HEAD" ] || [ -d "$SRC/.git/sequencer" ]; then
		git -C "$SRC" revert --abort >/dev/null 2>&1 || true
	fi
	if git -C "$SRC" checkout -q series 2>"$LOGS/checkout.err"; then
		rm -f "$DETACHED"
	else
		cat "$LOGS/checkout.err" >&2
		echo "build/linux stays detached at $(git -C "$SRC" rev-parse --short HEAD): it has edits" \
			"made during the run; commit or stash them, then 'git checkout series' there" >&2
	fi
	trap - INT TERM HUP
}

# remove_worktree DIR: a scratch worktree of build/linux gone, also when
# an interrupted run left only its directory or only git's record of it.
remove_worktree()
{
	git -C "$SRC" worktree remove --force "$1" 2>/dev/null || rm -rf "$1"
	git -C "$SRC" worktree prune
}

# worktree_linked DIR REV: a worktree of build/linux at REV whose files are
# hard links to build/linux's own checkout wherever the two agree, so that
# a second tree of a base costs the files that differ (a few MiB), not
# another 1.6 GiB: the CI machine's disk has run out with full copies.
# It is safe because git replaces a file by unlinking it and writing a
# new one (checkout, am, revert, apply), so a change on either side
# breaks the link instead of writing through it. An editor that writes in
# place through a link (vim does, on a file with two links) is caught by
# worktree_sync's refresh, which rewrites such a file from REV.
worktree_linked()
{
	local wt=$1 rev=$2 f
	remove_worktree "$wt"
	mkdir -p "$(dirname "$wt")"
	git -C "$SRC" worktree add -q --no-checkout --detach "$wt" "$rev" || return 1
	for f in "$SRC"/* "$SRC"/.[!.]*; do
		case ${f##*/} in .git|out-*) continue ;; esac
		[ -e "$f" ] || continue
		cp -al "$f" "$wt/" || return 1
	done
	worktree_sync "$wt" "$rev"
}

# worktree_sync DIR REV: the worktree DIR exactly at REV: the index read
# from REV, each file that differs from it (or is missing) written anew,
# and files that REV does not have removed, ignored ones too (but the
# out-*/ build directories).
worktree_sync()
{
	local wt=$1 rev=$2
	git -C "$wt" reset -q --no-refresh "$rev" || return 1
	git -C "$wt" update-index -q --refresh >/dev/null || true
	git -C "$wt" diff --name-only -z | xargs -0 -r git -C "$wt" checkout -q -f -- || return 1
	# -x: a file the kernel's .gitignore matches (".*": mm/tests/.kunitconfig
	# of the series) is still not REV's; the build directories stay.
	git -C "$wt" clean -q -f -d -x -e '/out-*/' || return 1
	[ -z "$(git -C "$wt" status --porcelain --untracked-files=no)" ] ||
		{ echo "worktree $wt is not at $rev after a sync" >&2; return 1; }
}

# patch_commit N: the commit of patch N of the series in build/linux (its
# number in patches/series); dies if the series has no such patch.
patch_commit()
{
	local commit
	commit=$(git -C "$SRC" rev-list --reverse base..series | sed -n "$1p")
	[ -n "$commit" ] || die "the series has no patch $1"
	echo "$commit"
}

# revert_patches REPO KERNEL: on REPO's HEAD (detached, at the series),
# revert the patches that KERNEL's tree names (revert-N[-M...]: N, then
# M), as commits. A patch that does not revert is aborted and named.
revert_patches()
{
	local repo=$1 kernel=$2 tree n commit
	tree=$(kernel_tree "$kernel")
	for n in ${tree//-/ }; do
		[ "$n" != revert ] || continue
		commit=$(patch_commit "$n")
		git -C "$repo" -c user.name=harness -c user.email=harness@localhost \
			revert --no-edit "$commit" >>"$LOGS/revert.log" 2>&1 || {
			git -C "$repo" revert --abort >/dev/null 2>&1 || true
			die "$kernel: patch $n does not revert cleanly there (log: $LOGS/revert.log)"
		}
		stage "$kernel: reverted patch $n: $(git -C "$SRC" log -1 --format=%s "$commit")"
	done
}

# APPLYING marks an apply of patches/ in progress (tree.sh): a tree that
# an interrupted apply left half done is the harness's own work, not the
# user's, and the next run applies patches/ again instead of refusing to
# touch it. A patch that fails to apply removes the mark: fixing it in
# build/linux is then the user's work.
APPLYING=$SRC/.git/harness-applying

# What a run killed before its traps ran can leave in build/linux, by the
# marks the harness leaves: an apply of patches/ (APPLYING: the caller
# applies again) or a detached HEAD, maybe with a git revert under way
# (DETACHED). Undo the second, saying so (tree.sh runs this first;
# tests/harness/run.sh on a tiny repository). A git am, checkout, bisect,
# revert or rebase of the user's own carries no mark and is left alone.
recover_interrupted()
{
	[ ! -f "$DETACHED" ] || {
		stage "build/linux: putting back on branch series what an interrupted run left detached"
		back_to_series
	}
	[ ! -f "$APPLYING" ] || [ ! -d "$SRC/.git/rebase-apply" ] || {
		stage "build/linux: aborting the git am that an interrupted run left"
		git -C "$SRC" am --abort
	}
}

# stop_if_interrupted RC WHAT: a child stopped by Ctrl-C, SIGTERM or SIGHUP
# (exit status 130, 143, 129) stops the whole run, saying WHAT stopped.
stop_if_interrupted()
{
	case $1 in 129|130|143) echo "interrupted: $2 stopped" >&2; exit "$1" ;; esac
}

# One progress line per stage, with seconds since the job started.
stage()
{
	printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*"
}

die()
{
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# What a failed command's LOG says went wrong: compiler errors first,
# since make's own tail rarely says what broke.
show_errors()
{
	grep -m 20 -E -A 3 '(error|ERROR):' "$1" >&2 || tail -n 40 "$1" >&2
}

# run_logged LOG CMD...: run CMD with all output appended to LOG; on
# failure show what went wrong and where the whole log is.
run_logged()
{
	local log=$1
	shift
	if ! "$@" >>"$log" 2>&1; then
		show_errors "$log"
		die "'$*' failed; full log: $log"
	fi
}

# Everything that differs between architectures (compiler prefix, image,
# QEMU, console, busybox, packages) is in scripts/arch/ARCH.sh, one file
# per architecture; the variables are described in scripts/arch/x86_64.sh.
arch_load()
{
	local file=$TOP/scripts/arch/$ARCH.sh
	[ -f "$file" ] || die "unknown ARCH=$ARCH: scripts/arch/ has $(cd "$TOP/scripts/arch" && echo *.sh)"
	# What an architecture that is built, not booted, leaves unset.
	ARCH_QEMU= ARCH_CONSOLE= ARCH_BUSYBOX= ARCH_BUSYBOX_DEB=
	ARCH_CMDLINE=() ARCH_PKGS=()
	arch_qemu_args() { ARCH_QEMU_ARGS=(); }
	. "$file"
}
arch_load


# The cross compiler prefix and the boot image's path under the O=
# directory (its basename is the image's make target).
arch_cross_compile()
{
	echo "$ARCH_CROSS_COMPILE"
}

arch_image()
{
	echo "$ARCH_IMAGE"
}

# A kernel's name is TREE[+FRAGMENT]. TREE says which source: "series"
# (build/linux as it is), "revert-N[-M...]" (build/linux with patches
# reverted, see scripts/kernel.sh), "prefix-N" (build/linux at patch N) or
# "base" (a worktree). FRAGMENT names
# config/FRAGMENT.config, merged on top of the usual fragments: "series+debug"
# is the series built with config/debug.config; "series+mm+mglru" merges
# config/mm.config, then config/mglru.config.
kernel_tree()
{
	echo "${1%%+*}"
}

# kernel_fragment KERNEL: what follows the tree, "mm+mglru" (names the
# build directory); kernel_fragments KERNEL: the same, one name per word.
kernel_fragment()
{
	case $1 in
	*+*) echo "${1#*+}" ;;
	esac
}

kernel_fragments()
{
	local frag
	frag=$(kernel_fragment "$1")
	echo "${frag//+/ }"
}

# Source tree of a kernel: the series and its reverts are built in
# build/linux, any other tree in a worktree of the same repository.
kernel_src()
{
	local tree
	tree=$(kernel_tree "$1")
	case $tree in
	series|revert-*|prefix-*) echo "$SRC" ;;
	*) echo "$BUILD/worktrees/$BASE_TAG$tree" ;;
	esac
}

# fragment_extras KERNEL KIND: "FRAGMENT WHAT" for each fragment of
# KERNEL that config/fragment-programs gives KIND ("program": a guest
# program guest/init adds; "console": a text the console must have).
fragment_extras()
{
	local frag kind what
	while read -r frag kind what; do
		case $frag in '#'*|'') continue ;; esac
		[ "$kind" = "$2" ] || continue
		case " $(kernel_fragments "$1") " in
		*" $frag "*) echo "$frag $what" ;;
		esac
	done <"$TOP/config/fragment-programs"
}

# The O= directory is a direct subdirectory of the source tree: kbuild then
# passes relative paths ("..") to the compiler, so ccache hits across the
# trees of different kernels for every file that they share. A fragment
# changes the configuration, so it gets a directory of its own.
kernel_out()
{
	local frag
	frag=$(kernel_fragment "$1")
	echo "$(kernel_src "$1")/out-$ARCH${frag:+-$frag}"
}

# Where scripts/guest.sh builds the guest of this base and architecture:
# the test programs come from the base's series tree.
guest_dir()
{
	echo "$BUILD/guest/$BASE_TAG$ARCH"
}

# guest_list LIST: the program list of the guest LIST ("tests", "bench",
# "mm"): guest/LIST, except that a base may name its own list of test
# programs (BASE_GUEST_TESTS of scripts/base/BASE.sh).
guest_list()
{
	case ${1:-tests} in
	tests) echo "$TOP/guest/${BASE_GUEST_TESTS:-tests}" ;;
	*) echo "$TOP/guest/$1" ;;
	esac
}

# The initramfs scripts/guest.sh builds from guest/LIST: "tests" (the
# default; what kernel.sh boots) or "bench" (what scripts/bench.sh boots).
guest_cpio()
{
	case ${1:-tests} in
	tests) echo "$(guest_dir)/initramfs.cpio.gz" ;;
	*) echo "$(guest_dir)/$1.cpio.gz" ;;
	esac
}

# kernel_guest KERNEL: the guest list that KERNEL boots with: a kernel with
# config/hmmmod.config (test_hmm as a module) runs kselftest's own path,
# guest/kselftest-hmm; every other kernel guest/tests.
kernel_guest()
{
	case " $(kernel_fragments "$1") " in
	*" hmmmod "*) echo kselftest-hmm ;;
	*) echo tests ;;
	esac
}

# Where a boot of KERNEL with the initramfs of LIST (as for guest_cpio)
# leaves its console log, parsed results and counts.
results_dir()
{
	case ${2:-tests} in
	tests|kselftest-hmm) echo "$BUILD/results/$BASE_TAG$ARCH-$1" ;;
	*) echo "$BUILD/results/$BASE_TAG$ARCH-$1-$2" ;;
	esac
}

# run_results: the run's one results file, a row per test of every kernel
# it reported: RUN_ID BASE ARCH KERNEL TEST STATUS, tab-separated
# (RUN_RESULTS names another, for the harness's self-tests).
run_results()
{
	echo "${RUN_RESULTS:-$BUILD/results/run-$RUN_ID.tsv}"
}

# results_current DIR: true when the results in DIR are this run's (its
# run-id file says RUN_ID); else says whose they are, on stderr.
results_current()
{
	local id
	id=$(cat "$1/run-id" 2>/dev/null || echo "no run id")
	[ "$id" = "$RUN_ID" ] && return 0
	echo "${1#"$BUILD"/}: results of another run ($id), not of this one ($RUN_ID): not counted" >&2
	return 1
}

# The table of kernels, config/kernels: BASE TIER ARCH KERNEL WHY per row.
KERNEL_TABLE=${KERNEL_TABLE:-$TOP/config/kernels}

# table_kernels TIER ARCH: the kernels of the table's rows for the base in
# use (BASE), TIER and ARCH, in the table's order, on one line;
# table_has TIER ARCH KERNEL: true when the table has that row for BASE;
# table_check: every row well formed (a base of scripts/base/, a known
# tier, an architecture of scripts/arch/, a kernel name that
# scripts/kernel.sh takes, fragments of config/, a reason, no row twice),
# each bad row printed, false if there is one. scripts/kernels.py reads
# the table.
kernels_py()
{
	python3 "$TOP/scripts/kernels.py" --table "$KERNEL_TABLE" "$@"
}

table_kernels()
{
	kernels_py list --base "$BASE" --tier "$1" --arch "$2"
}

table_has()
{
	kernels_py has --base "$BASE" --tier "$1" --arch "$2" "$3"
}

# table_arches TIER: the architectures of scripts/arch/ that have rows of
# TIER for BASE, one per line.
table_arches()
{
	local f a
	for f in "$TOP"/scripts/arch/*.sh; do
		a=$(basename "$f" .sh)
		[ -z "$(table_kernels "$1" "$a")" ] || echo "$a"
	done
}

table_check()
{
	kernels_py check
}

# The kernels scripts/bench.sh compares (BENCH_KERNELS, else the table's
# bench rows of BASE and ARCH; the reference first), and where it writes
# their table and plot: ARCH-bench, or ARCH-bench-F for kernels with
# config fragment F.
bench_kernels()
{
	local k
	k=${BENCH_KERNELS:-$(table_kernels bench "$ARCH")}
	echo "${k:-base series}"
}

bench_dir()
{
	local frag
	frag=$(kernel_fragment "$(bench_kernels | cut -d' ' -f1)")
	echo "$BUILD/results/$BASE_TAG$ARCH-bench${frag:+-$frag}"
}

# make in kernel KERNEL's source tree, out of tree, with ccache.
# With V=1 the command is printed first (quoted, on the stderr the script
# started with), so that it can be run again by hand; its output goes
# wherever the caller sends it.
kmake()
{
	local kernel=$1 cmd
	shift
	cmd=(make -C "$(kernel_src "$kernel")" O="$(kernel_out "$kernel")"
		ARCH="$ARCH" CROSS_COMPILE="$(arch_cross_compile)"
		CC="ccache $(arch_cross_compile)gcc"
		KBUILD_BUILD_TIMESTAMP=harness KBUILD_BUILD_USER=harness
		KBUILD_BUILD_HOST=harness -j"$(nproc)" "$@")
	if [ "${DRY_RUN:-0}" != 0 ]; then
		printf '+'
		printf ' %q' "${cmd[@]}"
		echo
		return 0
	fi
	if [ "${V:-0}" != 0 ]; then
		printf '+'
		printf ' %q' "${cmd[@]}"
		echo
	fi >&"$TERM_FD"
	# The harness's own make (make V=1 check) passes its variables down in
	# MAKEFLAGS, which kbuild would take as its own V=1.
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "${cmd[@]}"
}

# True when build/linux has no uncommitted changes to tracked files (the
# out-*/ build directories are excluded through .git/info/exclude).
tree_clean()
{
	[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]
}

# The patch files of the series, in order: of patches/, or of DIR.
series_patches()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "${1:-$PATCHES}/series" || true
}

# apply_patches REPO DIR ONTO: git am DIR's series, one patch at a time,
# onto REPO's current branch. A patch that does not apply is aborted, so
# REPO keeps the ones before it; git's error (file and hunk) is shown and
# the message names the patch and how to fix it. ONTO names the base in
# that message. tree.sh uses it; tests/harness/run.sh runs it on a tiny
# repository, so it must not depend on build/linux.
apply_patches()
{
	local repo=$1 dir=$2 onto=$3 p out
	for p in $(series_patches "$dir"); do
		if ! out=$(git -C "$repo" am -q "$dir/$p" 2>&1); then
			git -C "$repo" am --abort || true
			printf '%s\n' "$out" | grep -E '^(error|Patch failed)' >&2 || printf '%s\n' "$out" >&2
			die "the series no longer applies to $onto: $p (git's error above says where)
  $repo keeps the patches before it; to fix $p there:
  git am --reject $dir/$p, resolve the *.rej hunks, git add the files,
  git am --continue, git am the rest of the series, then 'make export'."
		fi
	done
}

# Hash of everything in patches/ that git am sees, and where tree.sh and
# export.sh record which patches/ the tree matches (hash, tip commit).
STATE=$SRC/.git/harness-applied

series_hash()
{
	(cd "$PATCHES" && cat series $(series_patches)) | sha256sum | cut -d' ' -f1
}

# Every script that sources this file runs under the lock (see take_lock);
# HARNESS_NO_LOCK=1 is for read-only helpers run beside a job.
[ "${HARNESS_NO_LOCK:-0}" = 1 ] || take_lock "$@"
