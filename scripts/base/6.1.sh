# SPDX-License-Identifier: GPL-2.0
# Base "6.1": Debian 12's own kernel source, linux-source-6.1 (6.1.y LTS),
# for patch 1 of the 6.12 series as a 6.1.y stable fix and its reproducer
# (patches-6.1/). The variables are described in scripts/base/6.12.sh.
# Not part of make check: 'BASE=6.1 make check-full' (or make run / make
# base) builds and tests it. Its selftests live in
# tools/testing/selftests/vm (BASE_SELFTESTS); KUnit runs no suite of
# the series there.
BASE_PKG=linux-source-6.1
BASE_APT=$BUILD/apt-6.1
BASE_PATCHES=$TOP/patches-6.1
BASE_XFAIL=$TOP/tests/xfail-6.1
BASE_MUTANTS=$TOP/tests/mutants-6.1
BASE_COVER=$TOP/cover-letter-6.1.txt
BASE_SUBJECT_PREFIX=$TOP/config/subject-prefix-6.1
BASE_RECIPIENTS=$TOP/config/recipients-6.1
BASE_CONFIG=6.1
BASE_GUEST_TESTS=tests-6.1
# make mbox: build/6.1-stable.mbox is patch 1 alone, for stable@ (patch 2,
# the reproducer, has no mainline counterpart: for review, not stable).
BASE_STABLE_PATCHES=1
BASE_STABLE_PREFIX="PATCH 6.1.y"
BASE_SELFTESTS=vm
# THP=madvise: with THP=always, 6.1's hmm-tests exclusive,
# exclusive_mprotect and exclusive_cow fail with -EBUSY (a PTE-mapped THP,
# as on 6.12), and 6.1's kselftest harness then loops on the failing
# ASSERT of the fixture's teardown until the time limit (hundreds of
# thousands of lines). The reproducer asks for its THP with MADV_HUGEPAGE.
BASE_THP=madvise
BASE_CHECK_STRESS_SECONDS=
BASE_REBOOT_AFTER_SPLAT=1
BASE_TAG=6.1-

# apt-get download from the machine's own apt sources (bookworm carries
# the package), into a directory of the harness's own: nothing installed.
base_fetch()
{
	local version
	mkdir -p "$BASE_APT/pkg"
	version=$(apt-cache show --no-all-versions "$BASE_PKG" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$version" ] || die "the machine's apt sources serve no $BASE_PKG (Debian 12 does)"
	: >"$LOGS/apt-6.1.log"
	apt_source_unpack "$BASE_PKG" "$version" "$LOGS/apt-6.1.log" ""
}

base_version()
{
	apt_source_version
}
