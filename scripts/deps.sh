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
	perl:perl
	git:git
)

arch_pkgs()
{
	case $ARCH in
	x86_64) echo qemu-system-x86:qemu-system-x86_64 ;;
	arm64) echo qemu-system-arm:qemu-system-aarch64 \
		gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc \
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

missing_pkgs()
{
	local pair
	for pair in "${common_pkgs[@]}" $(arch_pkgs); do
		have "${pair#*:}" || echo "${pair%%:*}"
	done
}

main()
{
	local missing
	missing=$(missing_pkgs)
	[ -z "$missing" ] && return 0

	stage "installing: $(echo $missing)"
	[ "$(id -u)" = 0 ] || die "need root to install: $(echo $missing)"
	command -v apt-get >/dev/null || die "no apt-get; install by hand: $(echo $missing)"
	run_logged "$LOGS/apt.log" apt-get update
	run_logged "$LOGS/apt.log" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $missing
	missing=$(missing_pkgs)
	[ -z "$missing" ] || die "still missing after apt-get: $(echo $missing) (log: $LOGS/apt.log)"
}

main "$@"
