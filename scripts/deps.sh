#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs with apt-get, only when something is
# missing, and say clearly what could not be had.
. "$(dirname "$0")/lib.sh"

# package:command-or-file pairs; the second field proves the package is there.
common_pkgs=(
	linux-source-6.12:/usr/src/linux-source-6.12.tar.xz
	busybox-static:/bin/busybox
	ccache:ccache
	gcc:gcc
	make:make
	flex:flex
	bison:bison
	bc:bc
	libelf-dev:/usr/include/libelf.h
	libssl-dev:/usr/include/openssl/ssl.h
	cpio:cpio
	xz-utils:xz
	python3:python3
	python3-ply:/usr/lib/python3/dist-packages/ply
	python3-git:/usr/lib/python3/dist-packages/git
	jq:jq
	gnuplot-nox:gnuplot
	b4:b4
	perl:perl
	git:git
)

arch_pkgs()
{
	case $ARCH in
	x86_64) echo qemu-system-x86:qemu-system-x86_64 ;;
	arm64) echo qemu-system-arm:qemu-system-aarch64 \
		gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc \
		binutils-aarch64-linux-gnu:aarch64-linux-gnu-ld \
		libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/lib/libc.a ;;
	esac
}

have()
{
	case $1 in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# The pairs to check: the lists above, or DEPS_PKGS (pairs separated by
# blanks) instead. The harness's own tests use DEPS_PKGS to name a package
# that is not there, whatever this machine has installed.
pkg_pairs()
{
	if [ -n "${DEPS_PKGS:-}" ]; then
		echo $DEPS_PKGS
	else
		echo "${common_pkgs[@]}" $(arch_pkgs)
	fi
}

missing_pkgs()
{
	local pair
	for pair in $(pkg_pairs); do
		have "${pair#*:}" || echo "${pair%%:*}"
	done
}

# apt_install PKG...: apt-get update and install, output in apt.log. If
# apt-get fails (offline, no such package), die naming the packages: a
# failed "apt-get update" alone would not say what was missing.
apt_install()
{
	local log=$LOGS/apt.log
	if ! apt-get update >>"$log" 2>&1 ||
		! DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends "$@" >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "cannot install $*: apt-get failed (full log: $log); install by hand"
	fi
}

install_pkgs()
{
	local missing
	missing=$(missing_pkgs)
	[ -z "$missing" ] && return 0

	stage "installing: $(echo $missing)"
	[ "$(id -u)" = 0 ] || die "need root to install: $(echo $missing)"
	command -v apt-get >/dev/null || die "no apt-get; install by hand: $(echo $missing)"
	apt_install $missing
	missing=$(missing_pkgs)
	[ -z "$missing" ] || die "still missing after apt-get: $(echo $missing) (log: $LOGS/apt.log)"
}

# The arm64 guest's /bin/busybox (scripts/guest.sh): Debian's
# busybox-static for arm64, fetched with 'apt-get download' through an apt
# state of its own in build/apt-arm64 (the host's dpkg architectures and
# apt lists stay as they are) and unpacked into build/busybox-arm64.
arm64_busybox()
{
	local dir=$BUILD/busybox-arm64 state=$BUILD/apt-arm64 log=$LOGS/apt.log
	local apt=(apt-get -q -o APT::Architectures=arm64
		-o APT::Sandbox::User=root
		-o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache")
	[ -x "$dir/bin/busybox" ] && return 0

	stage "fetching busybox-static:arm64"
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		die "no apt-get/dpkg-deb: put an arm64 static busybox at $dir/bin/busybox"
	rm -rf "$state" "$dir"
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/deb"
	run_logged "$log" "${apt[@]}" update
	(cd "$state/deb" && run_logged "$log" "${apt[@]}" download busybox-static:arm64) ||
		die "cannot download busybox-static:arm64 (log: $log); or put an arm64 static busybox at $dir/bin/busybox"
	run_logged "$log" dpkg-deb -x "$state"/deb/busybox-static_*_arm64.deb "$dir"
	[ -x "$dir/bin/busybox" ] || die "busybox-static:arm64 has no bin/busybox (log: $log)"
	rm -rf "$state"
}

main()
{
	install_pkgs
	[ "$ARCH" != arm64 ] || arm64_busybox
}

main "$@"
