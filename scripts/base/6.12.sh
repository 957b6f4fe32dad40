# SPDX-License-Identifier: GPL-2.0
# Base "6.12": Debian's linux-source-6.12 (the stable series the product
# in patches/ is for). Everything particular to one base is in a file
# like this one, sourced by lib.sh as BASE=NAME selects (default 6.12):
#
#   BASE_PKG       the Debian package holding the source tarball
#   BASE_TARBALL   the tarball inside it
#   BASE_PATCHES   the series for this base (git format-patch output + series)
#   BASE_XFAIL     what must fail on each kernel of this base
#   BASE_COVER, BASE_SUBJECT_PREFIX, BASE_RECIPIENTS
#                  the cover letter's subject and text, the subject prefix
#                  and the extra recipients that scripts/export.sh uses
#   BASE_MUTANTS   the mutation matrix of make mutants (tests/mutants)
#   BASE_CONFIG    config/BASE_CONFIG.config, merged for every kernel of
#                  the base after the architecture's fragment (none: empty)
#   BASE_GUEST_TESTS  the test guest's program list, guest/BASE_GUEST_TESTS
#   BASE_SELFTESTS the directory of the mm selftests under
#                  tools/testing/selftests (default mm; vm before 6.3)
#   BASE_THP       the guest's THP mode (default always)
#   BASE_STABLE_PATCHES, BASE_STABLE_PREFIX  the series starts with a fix
#                  for a stable tree (and its test): make mbox also writes
#                  them alone, with this subject prefix, for stable@
#   BASE_CHECK_STRESS_SECONDS  how long each race stress runs in make check
#                  (empty: boot.sh's STRESS_SECONDS, 60)
#   BASE_REBOOT_AFTER_SPLAT  1: the guest reboots after a program during
#                  which the kernel splatted, and the programs after it run
#                  on a fresh boot (guest/init's HARNESS_REBOOT_AFTER_SPLAT)
#   BASE_TAG       prefix of this base's directories under build/ (empty
#                  for 6.12, so that its layout stays as it was)
#   (the base's kernels, for each target and architecture, are its rows
#   in config/kernels)
#   base_fetch     make BASE_TARBALL exist (install or download the package)
#   base_version   the package version in use
BASE_PKG=linux-source-6.12
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
BASE_PATCHES=$TOP/patches
BASE_XFAIL=$TOP/tests/xfail
BASE_MUTANTS=$TOP/tests/mutants
BASE_COVER=$TOP/cover-letter.txt
BASE_SUBJECT_PREFIX=$TOP/config/subject-prefix
BASE_RECIPIENTS=$TOP/config/recipients
BASE_CONFIG=
BASE_GUEST_TESTS=tests
# Patch 1 goes to 6.12.y stable as well (patch 2, its reproducer, is a
# selftest without a mainline counterpart: not for stable).
BASE_STABLE_PATCHES=1
BASE_STABLE_PREFIX="PATCH 6.12.y"
# make check's time (both bases in 45 minutes from an empty ccache): the
# stresses run 20 s each here, 60 s in check-full.
BASE_CHECK_STRESS_SECONDS=20
# Its xfail lists were made with one boot per kernel.
BASE_REBOOT_AFTER_SPLAT=0
BASE_TAG=

# Installed by deps.sh with the other packages (it is in bookworm).
base_fetch()
{
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing: scripts/deps.sh installs $BASE_PKG"
}

base_version()
{
	dpkg-query -W -f='${Version}' "$BASE_PKG"
}
