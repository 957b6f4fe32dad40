# SPDX-License-Identifier: GPL-2.0
# What is particular to ARCH=arm64, in one place; scripts/lib.sh sources
# it. The variables are described in scripts/arch/x86_64.sh.

ARCH_CROSS_COMPILE=aarch64-linux-gnu-
ARCH_IMAGE=arch/arm64/boot/Image
ARCH_QEMU=qemu-system-aarch64
# Two NUMA nodes of 2 GiB (of -m 4G), one CPU each, which the kernel reads
# from the device tree (numa=fake= is x86-only).
ARCH_QEMU_ARGS=(-machine virt -cpu max
	-object memory-backend-ram,id=mem0,size=2G
	-object memory-backend-ram,id=mem1,size=2G
	-numa node,nodeid=0,cpus=0,memdev=mem0
	-numa node,nodeid=1,cpus=1,memdev=mem1)
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
