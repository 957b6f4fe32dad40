# SPDX-License-Identifier: GPL-2.0
# What is particular to ARCH=x86_64, in one place; scripts/lib.sh sources
# it (scripts/arch/ARCH.sh), the scripts read these variables:
#   ARCH_CROSS_COMPILE  compiler prefix of the kernel and the guest programs
#   ARCH_IMAGE          boot image, under the kernel's O= directory
#   ARCH_QEMU           QEMU binary (found in PATH, so a test can stub it)
#   arch_qemu_args      sets ARCH_QEMU_ARGS, the machine, CPU and
#                       architecture-only QEMU options, for GUEST_MEM GiB
#                       and GUEST_CPUS CPUs
#   ARCH_CONSOLE        the serial console device of that machine
#   ARCH_CMDLINE        architecture-only kernel command line words
#   ARCH_BUSYBOX        the static busybox that goes into the initramfs
#   ARCH_BUSYBOX_DEB    if set, that busybox is Debian's busybox-static of
#                       this Debian architecture, which scripts/deps.sh
#                       fetches into build/busybox-DEB (not the host's)
#   ARCH_PKGS           package:probe pairs scripts/deps.sh installs

ARCH_CROSS_COMPILE=
ARCH_IMAGE=arch/x86/boot/bzImage
ARCH_QEMU=qemu-system-x86_64
arch_qemu_args()
{
	ARCH_QEMU_ARGS=(-machine q35 -cpu max)
}
ARCH_CONSOLE=ttyS0
# Two NUMA nodes for move_pages(): x86 can fake them from one.
ARCH_CMDLINE=(numa=fake=2)
# The host's own: busybox-static is one of deps.sh's common packages.
ARCH_BUSYBOX=/bin/busybox
ARCH_BUSYBOX_DEB=
ARCH_PKGS=(qemu-system-x86:qemu-system-x86_64)
