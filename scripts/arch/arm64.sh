# SPDX-License-Identifier: GPL-2.0
# What is particular to ARCH=arm64, in one place; scripts/lib.sh sources
# it. The variables are described in scripts/arch/x86_64.sh.

ARCH_CROSS_COMPILE=aarch64-linux-gnu-
ARCH_IMAGE=arch/arm64/boot/Image
ARCH_QEMU=qemu-system-aarch64
# arch_qemu_args: the machine, in ARCH_QEMU_ARGS, for GUEST_MEM GiB and
# GUEST_CPUS CPUs (scripts/boot.sh checks both): two NUMA nodes of half
# the memory each, the CPUs split between them (node 1 gets none with one
# CPU), which the kernel reads from the device tree (numa=fake= is
# x86-only). By default two nodes of 2 GiB, one CPU each.
cpu_range()
{
	if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi
}

arch_qemu_args()
{
	local half=$((GUEST_MEM / 2)) n0=$(((GUEST_CPUS + 1) / 2)) node1
	node1=(-numa node,nodeid=1,memdev=mem1)
	[ "$GUEST_CPUS" = 1 ] || node1=(-numa "node,nodeid=1,cpus=$(cpu_range "$n0" $((GUEST_CPUS - 1))),memdev=mem1")
	ARCH_QEMU_ARGS=(-machine virt -cpu max
		-object "memory-backend-ram,id=mem0,size=${half}G"
		-object "memory-backend-ram,id=mem1,size=${half}G"
		-numa "node,nodeid=0,cpus=$(cpu_range 0 $((n0 - 1))),memdev=mem0"
		"${node1[@]}")
}
ARCH_CONSOLE=ttyAMA0
ARCH_CMDLINE=()
# Debian's busybox-static for arm64, fetched by scripts/deps.sh with
# 'apt-get download' (the host's dpkg architectures stay as they are).
ARCH_BUSYBOX_DEB=arm64
ARCH_BUSYBOX=$BUILD/busybox-$ARCH_BUSYBOX_DEB/bin/busybox
ARCH_PKGS=(qemu-system-arm:qemu-system-aarch64
	gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc
	binutils-aarch64-linux-gnu:aarch64-linux-gnu-ld
	libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/lib/libc.a)
