# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the harness scripts. Source it; do not run it.
#
# Layout of the ignored work folder (BUILD, default ./build):
#   linux/                  git tree: tag "base" + the series as commits (branch "series")
#   worktrees/<tree>/       other kernel trees (e.g. "base") checked out from it
#   <tree>/out-<arch>[-<fragment>]/  O= build directory of each tree and config
#   guest/<arch>/           initramfs and the test programs in it
#   results/<arch>-<kernel>/  console log, parsed results
#   logs/                   full logs of every stage

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
ARCH=${ARCH:-x86_64}
SRC=$BUILD/linux
LOGS=$BUILD/logs
PATCHES=$TOP/patches
T0=${T0:-$(date +%s)}
export ARCH BUILD T0

mkdir -p "$LOGS"

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

# Kernel-side names of the architecture: the cross compiler prefix, the
# image make target and its path under arch/.
arch_cross_compile()
{
	case $ARCH in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	*) die "unsupported ARCH=$ARCH (x86_64, arm64)" ;;
	esac
}

arch_image()
{
	case $ARCH in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	*) die "unsupported ARCH=$ARCH" ;;
	esac
}

# A kernel's name is TREE[+FRAGMENT]. TREE says which source: "series"
# (build/linux as it is), "revert-N[-M...]" (build/linux with patches
# reverted, see scripts/kernel.sh) or "base" (a worktree). FRAGMENT names
# config/FRAGMENT.config, merged on top of the usual fragments: "series+debug"
# is the series built with config/debug.config.
kernel_tree()
{
	echo "${1%%+*}"
}

kernel_fragment()
{
	case $1 in
	*+*) echo "${1#*+}" ;;
	esac
}

# Source tree of a kernel: the series and its reverts are built in
# build/linux, any other tree in a worktree of the same repository.
kernel_src()
{
	local tree
	tree=$(kernel_tree "$1")
	case $tree in
	series|revert-*) echo "$SRC" ;;
	*) echo "$BUILD/worktrees/$tree" ;;
	esac
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

# The initramfs scripts/guest.sh builds from guest/LIST: "tests" (the
# default; what kernel.sh boots) or "bench" (what scripts/bench.sh boots).
guest_cpio()
{
	case ${1:-tests} in
	tests) echo "$BUILD/guest/$ARCH/initramfs.cpio.gz" ;;
	*) echo "$BUILD/guest/$ARCH/$1.cpio.gz" ;;
	esac
}

# Where a boot of KERNEL with the initramfs of LIST (as for guest_cpio)
# leaves its console log, parsed results and counts.
results_dir()
{
	case ${2:-tests} in
	tests) echo "$BUILD/results/$ARCH-$1" ;;
	*) echo "$BUILD/results/$ARCH-$1-$2" ;;
	esac
}

# make in kernel KERNEL's source tree, out of tree, with ccache.
kmake()
{
	local kernel=$1
	shift
	make -C "$(kernel_src "$kernel")" O="$(kernel_out "$kernel")" \
		ARCH="$ARCH" CROSS_COMPILE="$(arch_cross_compile)" \
		CC="ccache $(arch_cross_compile)gcc" \
		KBUILD_BUILD_TIMESTAMP=harness KBUILD_BUILD_USER=harness \
		KBUILD_BUILD_HOST=harness -j"$(nproc)" "$@"
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
