# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the harness scripts. Source it; do not run it.
#
# Layout of the ignored work folder (BUILD, default ./build):
#   linux/                  git tree: tag "base" + the series as commits (branch "series")
#   worktrees/<kernel>/     other kernels (e.g. "base") checked out from that tree
#   <tree>/out-<arch>/      O= build directory of each kernel tree
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

# Source tree of a kernel: "series" is the tree you edit, and "revert-N"
# is built there too; any other name is a worktree of the same repository
# (see scripts/kernel.sh).
kernel_src()
{
	case $1 in
	series|revert-*) echo "$SRC" ;;
	*) echo "$BUILD/worktrees/$1" ;;
	esac
}

# The O= directory is a direct subdirectory of the source tree: kbuild then
# passes relative paths ("..") to the compiler, so ccache hits across the
# trees of different kernels for every file that they share.
kernel_out()
{
	echo "$(kernel_src "$1")/out-$ARCH"
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

# The patch files of the series, in order.
series_patches()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series" || true
}

# Hash of everything in patches/ that git am sees, and where tree.sh and
# export.sh record which patches/ the tree matches (hash, tip commit).
STATE=$SRC/.git/harness-applied

series_hash()
{
	(cd "$PATCHES" && cat series $(series_patches)) | sha256sum | cut -d' ' -f1
}
