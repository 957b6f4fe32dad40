#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's initramfs for ARCH: busybox-static (ARCH_BUSYBOX of
# scripts/arch/ARCH.sh), guest/init, and the test programs of guest/tests,
# compiled statically against the series tree's 'make headers':
# guest/bin/NAME for the harness's own scripts, guest/src/NAME.c for its
# own programs, else NAME from the tree's tools/testing/selftests/mm
# (BASE_SELFTESTS: vm on 6.1).
# The cpio is written by the kernel's own usr/gen_init_cpio.
#
# guest.sh bench: the same from guest/bench, the benchmark programs that
# scripts/bench.sh runs, into bench.cpio.gz (see guest_cpio in lib.sh).
# guest.sh kselftest-hmm: the same from guest/kselftest-hmm, for the
# +hmmmod kernels (run_vmtests.sh -t hmm, test_hmm as a module).
# guest.sh soak: the same from guest/soak, the race stresses alone, for
# scripts/soak.sh.
# guest.sh mm: the same from guest/mm, into mm.cpio.gz, with the mm
# selftests as the kselftest build system builds and installs them
# (make -C tools/testing/selftests TARGETS=mm install) in /kselftest, and
# Debian's bash-static as /bin/bash for run_vmtests.sh (x86_64 only: the
# selftests link libnuma, libcap and liburing, which the host has only
# for itself).
. "$(dirname "$0")/lib.sh"

LIST=${1:-tests}
case $LIST in tests|bench|mm|kselftest-hmm|soak) ;; *) die "usage: guest.sh [bench|mm|kselftest-hmm|soak]" ;; esac
# The lists with the kernel's own selftests, built by the kselftest build
# system: mm (scripts/regressions.sh) and kselftest-hmm (+hmmmod kernels).
KSELFTESTS=0
case $LIST in mm|kselftest-hmm) KSELFTESTS=1 ;; esac
[ $KSELFTESTS = 0 ] || [ "$ARCH" = x86_64 ] ||
	die "guest.sh $LIST: the mm selftests guest is x86_64 only (static libnuma, libcap and liburing of the host)"

GUEST=$(guest_dir)
SELFTESTS=$SRC/tools/testing/selftests

test_programs()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$(guest_list "$LIST")" | awk '{ print $2 }' | sort -u
}

# build_own LOG OUT NAME: guest/src/NAME.c, with kselftest_harness.h,
# the mm selftests' helpers (vm_util.c) and lib/test_hmm_uapi.h from the
# series tree.
build_own()
{
	run_logged "$1" "$(arch_cross_compile)gcc" -static -O2 -Wall -pthread \
		-isystem "$2/usr/include" -I "$SELFTESTS" -I "$SRC/lib" \
		-o "$GUEST/bin/$3" "$TOP/guest/src/$3.c" "$SELFTESTS/$BASE_SELFTESTS/vm_util.c"
}

build_tests()
{
	local log=$LOGS/selftests-$ARCH.log prog out
	out=$(kernel_out series)
	: >"$log"
	run_logged "$log" kmake series headers
	mkdir -p "$GUEST/bin"
	for prog in $(test_programs); do
		if [ -f "$TOP/guest/bin/$prog" ]; then
			cp "$TOP/guest/bin/$prog" "$GUEST/bin/$prog"
			continue
		fi
		if [ -f "$TOP/guest/src/$prog.c" ]; then
			build_own "$log" "$out" "$prog"
			continue
		fi
		run_logged "$log" make -C "$SELFTESTS/$BASE_SELFTESTS" OUTPUT="$GUEST/bin" \
			ARCH="$ARCH" CROSS_COMPILE="$(arch_cross_compile)" \
			KHDR_INCLUDES="-isystem $out/usr/include" \
			EXTRA_CFLAGS=-static "$GUEST/bin/$prog"
	done
	stage "built guest programs: $(test_programs | tr '\n' ' ')"
}

# The mm selftests, built and installed by the kselftest build system into
# GUEST/kselftest, statically (the guest has no shared libraries).
# 6.12.y's khugepaged.c returns KSFT_SKIP without including kselftest.h,
# which defines it, and so does not build (a bug of the base's selftests,
# not of the series): the harness then defines it, the same value, and
# says so.
build_kselftests()
{
	local log=$LOGS/kselftests-$ARCH.log out cflags=-static
	out=$(kernel_out series)
	if grep -q KSFT_SKIP "$SELFTESTS/mm/khugepaged.c" &&
		! grep -q 'kselftest.h' "$SELFTESTS/mm/khugepaged.c"; then
		stage "note: mm/khugepaged.c of this tree uses KSFT_SKIP without kselftest.h (a 6.12.y selftests bug): building with -DKSFT_SKIP=4"
		cflags+=" -DKSFT_SKIP=4"
	fi
	# check_config.sh writes what it found (liburing) into the source
	# tree, once; a result from a host that lacked the library would stick.
	rm -f "$SELFTESTS"/mm/local_config.h "$SELFTESTS"/mm/local_config.mk
	rm -rf "$GUEST/kselftest" "$GUEST/kselftest-build"
	: >"$log"
	run_logged "$log" make -C "$SELFTESTS" TARGETS=mm O="$GUEST/kselftest-build" \
		ARCH="$ARCH" CROSS_COMPILE="$(arch_cross_compile)" \
		KHDR_INCLUDES="-isystem $out/usr/include" EXTRA_CFLAGS="$cflags" \
		INSTALL_PATH="$GUEST/kselftest" -j"$(nproc)" install
	grep -q 'missing liburing' "$log" && stage "note: no liburing: cow's and gup_longterm's io_uring cases will skip"
	stage "built the mm selftests (kselftest build system): $(find "$GUEST/kselftest/mm" -type f | wc -l) files in $GUEST/kselftest"
}

# gen_init_cpio lines for the tree DIR of the host, as /NAME in the guest.
cpio_tree()
{
	local dir=$1 name=$2 path mode
	echo "dir /$name 755 0 0"
	(cd "$dir" && find . -mindepth 1 | sort) | while read -r path; do
		path=${path#./}
		if [ -d "$dir/$path" ]; then
			echo "dir /$name/$path 755 0 0"
		else
			mode=$(stat -c %a "$dir/$path")
			echo "file /$name/$path $dir/$path $mode 0 0"
		fi
	done
}

# The gen_init_cpio list: no root privileges or device nodes on the host.
cpio_list()
{
	local prog
	cat <<-EOL
	dir /bin 755 0 0
	dir /dev 755 0 0
	dir /etc 755 0 0
	dir /proc 755 0 0
	dir /sys 755 0 0
	dir /tmp 1777 0 0
	nod /dev/console 600 0 0 c 5 1
	file /bin/busybox $ARCH_BUSYBOX 755 0 0
	slink /bin/sh busybox 777 0 0
	file /init $TOP/guest/init 755 0 0
	file /etc/harness-limits.sh $TOP/guest/limits.sh 644 0 0
	file /etc/harness-tests $(guest_list "$LIST") 644 0 0
	EOL
	for prog in $(test_programs); do
		echo "file /bin/$prog $GUEST/bin/$prog 755 0 0"
	done
	# guest/init runs it after the tests on a kernel with kmemleak.
	echo "file /bin/kmemleak $TOP/guest/bin/kmemleak 755 0 0"
	# ... and this one before it, on a kernel with fault injection.
	echo "file /bin/failinject $TOP/guest/bin/failinject 755 0 0"
	[ $KSELFTESTS = 1 ] || return 0
	echo "file /bin/bash /bin/bash-static 755 0 0"
	# What the selftests' scripts call and busybox lacks (pgrep), or has
	# without an option they use (killall --wait).
	for prog in pgrep killall; do
		echo "file /bin/$prog $TOP/guest/bin/$prog 755 0 0"
	done
	cpio_tree "$GUEST/kselftest" kselftest
}

main()
{
	local gen cpio
	# An initramfs of an earlier run must not stand in for this one's
	# when this one fails: the next boot then says there is none.
	cpio=$(guest_cpio "$LIST")
	rm -f "$cpio"
	"$TOP/scripts/config.sh" series
	# The kernel's own usr/gen_init_cpio, a plain C program, built for the
	# host with gcc: kbuild has no rule for it alone in a fresh O= directory.
	gen=$BUILD/guest/gen_init_cpio
	mkdir -p "$BUILD/guest"
	[ "$gen" -nt "$SRC/usr/gen_init_cpio.c" ] ||
		run_logged "$LOGS/selftests-$ARCH.log" gcc -O2 -o "$gen" "$SRC/usr/gen_init_cpio.c"
	build_tests
	if [ $KSELFTESTS = 1 ]; then
		# Their static libraries (libnuma, libcap, liburing) and bash-static.
		"$TOP/scripts/deps.sh" mm
		build_kselftests
	fi
	cpio_list >"${cpio%.cpio.gz}.list"
	"$gen" "${cpio%.cpio.gz}.list" | gzip -1 >"$cpio.new"
	mv "$cpio.new" "$cpio"
	stage "initramfs: $cpio ($(du -k "$cpio" | cut -f1) KiB)"
}

main "$@"
