#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's initramfs for ARCH: busybox-static, guest/init, and the
# test programs of guest/tests compiled statically from the series tree
# (its tools/testing/selftests, against its own 'make headers'). The cpio
# is written by the kernel's own usr/gen_init_cpio.
. "$(dirname "$0")/lib.sh"

GUEST=$BUILD/guest/$ARCH
SELFTESTS=$SRC/tools/testing/selftests

busybox_path()
{
	case $ARCH in
	x86_64) echo /bin/busybox ;;
	arm64) echo "$BUILD/busybox-arm64/bin/busybox" ;;
	esac
}

test_programs()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/guest/tests" | awk '{ print $2 }' | sort -u
}

build_tests()
{
	local log=$LOGS/selftests-$ARCH.log prog out
	out=$(kernel_out series)
	: >"$log"
	run_logged "$log" kmake series headers
	mkdir -p "$GUEST/bin"
	for prog in $(test_programs); do
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
	file /bin/busybox $(busybox_path) 755 0 0
	slink /bin/sh busybox 777 0 0
	file /init $TOP/guest/init 755 0 0
	file /etc/harness-tests $TOP/guest/tests 644 0 0
	EOL
	for prog in $(test_programs); do
		echo "file /bin/$prog $GUEST/bin/$prog 755 0 0"
	done
}

main()
{
	local gen
	"$TOP/scripts/config.sh" series
	gen=$(kernel_out series)/usr/gen_init_cpio
	[ -x "$gen" ] || run_logged "$LOGS/selftests-$ARCH.log" kmake series usr/gen_init_cpio
	build_tests
	cpio_list >"$GUEST/initramfs.list"
	"$gen" "$GUEST/initramfs.list" | gzip -1 >"$GUEST/initramfs.cpio.gz"
	stage "initramfs: $GUEST/initramfs.cpio.gz ($(du -k "$GUEST/initramfs.cpio.gz" | cut -f1) KiB)"
}

main "$@"
