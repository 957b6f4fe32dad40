# SPDX-License-Identifier: GPL-2.0
# ARCH=i386: built by scripts/coverage.sh, not booted (no ARCH_QEMU;
# scripts/lib.sh's arch_load leaves the guest's variables empty and
# scripts/boot.sh refuses it). 32-bit with HIGHMEM and HIGHPTE
# (config/i386.config): page tables live in high memory, and every PTE
# walk maps them. The host's gcc builds it (a kernel needs no 32-bit C
# library). The variables are described in scripts/arch/x86_64.sh.
ARCH_CROSS_COMPILE=
ARCH_IMAGE=arch/x86/boot/bzImage
