#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs with apt-get, only when something is
# missing, and say clearly what could not be had. deps.sh mm: also what
# the mm selftests guest of scripts/regressions.sh needs; deps.sh static:
# also the checkers of scripts/static.sh (sparse, coccinelle).
. "$(dirname "$0")/lib.sh"

GROUP=${1:-}
case $GROUP in ''|mm|static) ;; *) die "usage: deps.sh [mm|static]" ;; esac

# package:command-or-file pairs; the second field proves the package is there.
# The architecture's own (QEMU, cross compiler) are ARCH_PKGS of
# scripts/arch/ARCH.sh.
common_pkgs=(
	linux-source-6.12:/usr/src/linux-source-6.12.tar.xz
	busybox-static:/bin/busybox
	ccache:ccache
	gcc:gcc
	libc6-dev-i386:/usr/include/x86_64-linux-gnu/gnu/stubs-32.h
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
	python3-pytest:/usr/lib/python3/dist-packages/pytest
	jq:jq
	gnuplot-nox:gnuplot
	b4:b4
	perl:perl
	git:git
)

# The kernel's mm selftests, linked statically (scripts/guest.sh mm), their
# install step (rsync) and the bash that run_vmtests.sh needs in the guest.
mm_pkgs=(
	rsync:rsync
	bash-static:/bin/bash-static
	libnuma-dev:/usr/lib/x86_64-linux-gnu/libnuma.a
	libcap-dev:/usr/lib/x86_64-linux-gnu/libcap.a
	liburing-dev:/usr/lib/x86_64-linux-gnu/liburing.a
)

# The static checks of scripts/static.sh (make static, make check-full).
static_pkgs=(
	sparse:sparse
	coccinelle:spatch
	# coccicheck's semantic patches with OCaml scripts (e.g.
	# null/badzero.cocci) need the compiler, which coccinelle does not
	# depend on: without it spatch fails ("No OCaml compiler found!").
	ocaml:ocamlopt
)

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
		echo "${common_pkgs[@]}" "${ARCH_PKGS[@]}"
		[ "$GROUP" != mm ] || echo "${mm_pkgs[@]}"
		[ "$GROUP" != static ] || echo "${static_pkgs[@]}"
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

# The guest's /bin/busybox when it is not the host's (ARCH_BUSYBOX_DEB in
# scripts/arch/ARCH.sh): Debian's busybox-static for that Debian
# architecture, fetched with 'apt-get download' through an apt state of its
# own in build/apt-DEB (the host's dpkg architectures and apt lists stay as
# they are) and unpacked into build/busybox-DEB, where ARCH_BUSYBOX points.
foreign_busybox()
{
	local deb=$ARCH_BUSYBOX_DEB log=$LOGS/apt.log
	local dir=$BUILD/busybox-$deb state=$BUILD/apt-$deb
	local apt=(apt-get -q -o APT::Architectures="$deb"
		-o APT::Sandbox::User=root
		-o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache")
	[ -x "$ARCH_BUSYBOX" ] && return 0

	stage "fetching busybox-static:$deb"
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		die "no apt-get/dpkg-deb: put a $deb static busybox at $ARCH_BUSYBOX"
	rm -rf "$state" "$dir"
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/deb"
	run_logged "$log" "${apt[@]}" update
	(cd "$state/deb" && run_logged "$log" "${apt[@]}" download "busybox-static:$deb") ||
		die "cannot download busybox-static:$deb (log: $log); or put a $deb static busybox at $ARCH_BUSYBOX"
	run_logged "$log" dpkg-deb -x "$state"/deb/busybox-static_*_"$deb".deb "$dir"
	[ -x "$ARCH_BUSYBOX" ] || die "busybox-static:$deb has no bin/busybox (log: $log)"
	rm -rf "$state"
}

main()
{
	install_pkgs
	[ -z "$ARCH_BUSYBOX_DEB" ] || foreign_busybox
}

main "$@"
