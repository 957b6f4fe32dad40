# SPDX-License-Identifier: GPL-2.0
# Thin front end over scripts/; README.md says what each target does.
# ARCH=x86_64 (default) or arm64. Everything generated goes to build/.

ARCH ?= x86_64
export ARCH

.PHONY: run check tree export mbox gate config guest base bench harness-test clean

run:			## main job: series kernel built, booted, tested; summary
	@scripts/run.sh

check:			## test command (CI): self-tests, gate, series + base runs
	@scripts/check.sh

tree:			## build/linux: base + patches/ as commits
	@scripts/tree.sh

export:			## build/linux commits -> patches/ (git format-patch)
	@scripts/export.sh

mbox:			## build/series.mbox: the whole series, for git am / b4
	@scripts/tree.sh && scripts/mbox.sh

gate:			## checkpatch --strict, kernel-doc, build at every patch
	@scripts/gate.sh

guest:			## the initramfs with busybox and the test programs
	@scripts/guest.sh

base:			## the same flow on the unpatched base kernel
	@scripts/tree.sh && scripts/guest.sh && scripts/kernel.sh base && \
		scripts/summary.sh $(ARCH)/base=build/results/$(ARCH)-base/counts

bench:			## series vs base: device-exclusive costs, table + plot
	@scripts/tree.sh && scripts/bench.sh

harness-test:		## the harness's own tests: recorded consoles, patch and package faults
	@tests/harness/run.sh

clean:			## everything generated (ccache is kept)
	rm -rf build
