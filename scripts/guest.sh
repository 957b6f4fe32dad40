#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's initramfs for ARCH: busybox-static (ARCH_BUSYBOX of
# scripts/arch/ARCH.sh), guest/init, and the test programs of guest/tests,
# compiled statically against the series tree's 'make headers':
# guest/src/NAME.c for the harness's own programs, else NAME from the
# tree's tools/testing/selftests/mm. The cpio is written by the kernel's
# own usr/gen_init_cpio.
#
# guest.sh bench: the same from guest/bench, the benchmark programs that
# scripts/bench.sh runs, into bench.cpio.gz (see guest_cpio in lib.sh).
. "$(dirname "$0")/lib.sh"

LIST=${1:-tests}
case $LIST in tests|bench) ;; *) die "usage: guest.sh [bench]" ;; esac

GUEST=$BUILD/guest/$ARCH
SELFTESTS=$SRC/tools/testing/selftests

test_programs()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/$LIST" | awk '{ print $2 }' | sort -u
}

# build_own LOG OUT NAME: guest/src/NAME.c, with kselftest_harness.h,
# the mm selftests' helpers (vm_util.c) and lib/test_hmm_uapi.h from the
# series tree.
build_own()
{
	run_logged "$1" "$(arch_cross_compile)gcc" -static -O2 -Wall -pthread \
		-isystem "$2/usr/include" -I "$SELFTESTS" -I "$SRC/lib" \
		-o "$GUEST/bin/$3" "$TOP/guest/src/$3.c" "$SELFTESTS/mm/vm_util.c"
}

build_tests()
{
	local log=$LOGS/selftests-$ARCH.log prog out
	out=$(kernel_out series)
	: >"$log"
	run_logged "$log" kmake series headers
	mkdir -p "$GUEST/bin"
	for prog in $(test_programs); do
		if [ -f "$TOP/guest/src/$prog.c" ]; then
			build_own "$log" "$out" "$prog"
			continue
		fi
		run_logged "$log" make -C "$SELFTESTS/mm" OUTPUT="$GUEST/bin" \
			ARCH="$ARCH" CROSS_COMPILE="$(arch_cross_compile)" \
			KHDR_INCLUDES="-isystem $out/usr/include" \
			EXTRA_CFLAGS=-static "$GUEST/bin/$prog"
	done
	stage "built guest programs: $(test_programs | tr '\n' ' ')"
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
	file /etc/harness-tests $TOP/guest/$LIST 644 0 0
	EOL
	for prog in $(test_programs); do
		echo "file /bin/$prog $GUEST/bin/$prog 755 0 0"
	done
}

main()
{
	local gen cpio
	"$TOP/scripts/config.sh" series
	# The kernel's own usr/gen_init_cpio, a plain C program, built for the
	# host with gcc: kbuild has no rule for it alone in a fresh O= directory.
	gen=$BUILD/guest/gen_init_cpio
	mkdir -p "$BUILD/guest"
	[ "$gen" -nt "$SRC/usr/gen_init_cpio.c" ] ||
		run_logged "$LOGS/selftests-$ARCH.log" gcc -O2 -o "$gen" "$SRC/usr/gen_init_cpio.c"
	build_tests
	cpio=$(guest_cpio "$LIST")
	cpio_list >"${cpio%.cpio.gz}.list"
	"$gen" "${cpio%.cpio.gz}.list" | gzip -1 >"$cpio"
	stage "initramfs: $cpio ($(du -k "$cpio" | cut -f1) KiB)"
}

main "$@"
