# SPDX-License-Identifier: GPL-2.0
# Base "mainline": the newest linux-source-7.x that Debian unstable (sid)
# serves, for the series in patches-mainline/ (what linux-mm takes). See
# scripts/base/6.12.sh for what each variable means.
#
# The package is fetched with apt-get download through a private sources
# file and private list, cache and state directories under build/apt-sid/,
# so that the machine's apt setup is never changed: suite sid of the same
# archive and keyring that /etc/apt's Debian sources name.
BASE_APT=$BUILD/apt-sid
BASE_PATCHES=$TOP/patches-mainline
BASE_XFAIL=$TOP/tests/xfail-mainline
BASE_MUTANTS=$TOP/tests/mutants-mainline
BASE_COVER=$TOP/cover-letter-mainline.txt
BASE_SUBJECT_PREFIX=$TOP/config/subject-prefix-mainline
BASE_RECIPIENTS=$TOP/config/recipients-mainline
BASE_CONFIG=mainline
BASE_GUEST_TESTS=tests-mainline
# make check's time (both bases in 45 minutes from an empty ccache): the
# stresses run 10 s each here, a smoke test; check-full runs them 60 s.
BASE_CHECK_STRESS_SECONDS=10
# On unpatched 7.x the reclaim tests leave bad swap entries and a leaked
# THP (arm64), which a later compaction met: "kernel BUG at
# mm/migrate.c:1331" in hmm-write-swapcache (CI, 2026-12-06). The
# damage prints warnings, and the programs after one that splatted run
# on a fresh boot.
BASE_REBOOT_AFTER_SPLAT=1
BASE_TAG=mainline-
# Its kernels are the rows "mainline" of config/kernels, each with what it
# shows.

# The archive and keyring of the machine's own Debian sources (deb822 or
# one-line format), for the private sid sources file.
base_apt_source()
{
	local uri key
	uri=$(sed -n -E 's/^URIs:[[:space:]]*(http[^ ]*\/debian)\/?$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$uri" ] || uri=$(sed -n -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?(http[^ ]*\/debian)\/?[[:space:]].*/\2/p' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
	key=$(sed -n -E 's/^Signed-By:[[:space:]]*(\/[^ ]*)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -n "$uri" ] || die "no Debian archive in the machine's apt sources to take sid from"
	printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: %s\n' "$uri" "$key"
}

base_apt()
{
	local cmd=$1
	shift
	"$cmd" -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$BASE_APT/sources" \
		-o Dir::State::Lists="$BASE_APT/lists" -o Dir::Cache="$BASE_APT/cache" \
		-o Dir::State::status=/var/lib/dpkg/status -o Debug::NoLocking=1 "$@"
}

# The newest linux-source-7.N in sid's index (MAINLINE_PKG overrides it).
base_newest_pkg()
{
	[ -z "${MAINLINE_PKG:-}" ] || { echo "$MAINLINE_PKG"; return 0; }
	base_apt apt-cache pkgnames linux-source-7. | grep -E '^linux-source-7\.[0-9]+$' | sort -t. -k2,2n | tail -n1
}

# Refresh the private index (once per run: BASE_APT/updated-RUN), pick the
# newest linux-source-7.x, download it unless that version is there, and
# unpack its tarball into BASE_APT/pkg/. Sets BASE_PKG, BASE_TARBALL and
# records the version in BASE_APT/version.
base_fetch()
{
	local pkg version
	mkdir -p "$BASE_APT"/{sources,lists/partial,cache/archives/partial,pkg}
	base_apt_source >"$BASE_APT/sources/sid.sources"
	if [ ! -f "$BASE_APT/updated-$T0" ]; then
		base_apt apt-get update >"$LOGS/apt-sid.log" 2>&1 ||
			{ tail -n 5 "$LOGS/apt-sid.log" >&2; die "apt-get update of sid failed (log: $LOGS/apt-sid.log)"; }
		rm -f "$BASE_APT"/updated-*
		touch "$BASE_APT/updated-$T0"
	fi
	pkg=$(base_newest_pkg)
	[ -n "$pkg" ] || die "Debian unstable serves no linux-source-7.x (apt-cache pkgnames in $BASE_APT)"
	version=$(base_apt apt-cache show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -n1)
	[ -n "$version" ] || die "no version of $pkg in sid's index"
	BASE_PKG=$pkg
	apt_source_unpack "$pkg" "$version" "$LOGS/apt-sid.log" "Debian unstable" base_apt apt-get
}

base_version()
{
	apt_source_version
}
