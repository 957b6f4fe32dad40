# SPDX-License-Identifier: GPL-2.0
# ARCH=riscv: riscv64 (the kernel's name for the architecture), built by
# scripts/coverage.sh, not booted (see scripts/arch/i386.sh), with
# config/riscv.config. The variables are described in
# scripts/arch/x86_64.sh.
ARCH_CROSS_COMPILE=riscv64-linux-gnu-
ARCH_IMAGE=arch/riscv/boot/Image
ARCH_PKGS=(gcc-riscv64-linux-gnu:riscv64-linux-gnu-gcc)
