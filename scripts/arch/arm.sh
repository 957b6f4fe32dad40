# SPDX-License-Identifier: GPL-2.0
# ARCH=arm: 32-bit arm, built by scripts/coverage.sh, not booted (see
# scripts/arch/i386.sh), with config/arm.config (ARMv7, LPAE off: 2-level
# page tables). The variables are described in scripts/arch/x86_64.sh.
ARCH_CROSS_COMPILE=arm-linux-gnueabihf-
ARCH_IMAGE=arch/arm/boot/zImage
ARCH_PKGS=(gcc-arm-linux-gnueabihf:arm-linux-gnueabihf-gcc)
