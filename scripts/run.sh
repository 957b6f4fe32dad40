#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: the series kernel for ARCH built, booted under QEMU with
# KUnit and the selftests, and a readable summary.
. "$(dirname "$0")/lib.sh"

main()
{
	stage "main job: $ARCH, series kernel"
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/guest.sh"
	"$TOP/scripts/kernel.sh" series
	"$TOP/scripts/summary.sh" "$ARCH/series=$BUILD/results/$ARCH-series/counts"
}

main "$@"
