# SPDX-License-Identifier: GPL-2.0
# Front end over scripts/; README.md says what each target does.
# ARCH=x86_64 (the scripts' default) or arm64: given here, it also limits
# 'make check' to that architecture. Everything generated goes to build/.

.PHONY: run check check-full regressions mutants prefixes tree export mbox gate config guest shell exec base \
	bench harness-test clean help static coverage bots soak

run:			## main job: series kernel built, booted, tested; summary
	@scripts/run.sh

check:			## test command (CI): self-tests, quick gate, series + base, arm64 series
	@scripts/check.sh

check-full:		## full tier: full gate, debug kernel, every negative control, mm regressions
	@scripts/check.sh full

regressions:		## mm selftests + KUnit suites, base vs series, multi-gen LRU (x86_64, arm64)
	@scripts/regressions.sh

static:			## W=1, sparse, coccicheck at every patch on the series' objects, base vs series: table
	@scripts/deps.sh static && scripts/tree.sh && scripts/static.sh

coverage:		## other configurations and architectures (config/kernels' coverage rows) built at every patch: table
	@scripts/tree.sh && scripts/coverage.sh

bots:			## what the bots would find, both bases: static, coverage, sanitizers, soak; one table
	@scripts/bots.sh

soak:			## the race stresses for 30 min per architecture on the debug kernel, both bases: table
	@scripts/soak.sh

mutants:		## one negative control per behavioural patch (tests/mutants): table
	@scripts/mutants.sh

prefixes:		## boot every patch prefix (KUnit, hmm-tests, 20 s stress): table, 0 splats
	@scripts/prefixes.sh

tree:			## build/linux: base + patches/ as commits
	@scripts/tree.sh

export:			## build/linux commits -> patches/ (git format-patch)
	@scripts/export.sh

mbox:			## build/series.mbox: the series to send, From:/Signed-off-by: FROM="Name <addr>"
	@scripts/tree.sh && scripts/mbox.sh

gate:			## checkpatch --strict, kernel-doc, build at every patch (GATE=full: image)
	@scripts/gate.sh

config:			## configure the series kernel (build/linux/out-ARCH/.config)
	@scripts/tree.sh && scripts/config.sh series

guest:			## the initramfs with busybox and the test programs
	@scripts/guest.sh

KERNEL ?= series
shell:			## boot the last built KERNEL (series) with a shell on the console
	@scripts/boot.sh --shell $(KERNEL)

exec:			## boot the last built KERNEL (series), run CMD="..." in it, its exit status
	@scripts/boot.sh --exec "$(CMD)" $(KERNEL)

base:			## the same flow on the unpatched base kernel
	@scripts/tree.sh && scripts/guest.sh && SUMMARY=1 scripts/kernel.sh base

bench:			## series vs base: device-exclusive costs, table + plot
	@scripts/tree.sh && scripts/bench.sh

harness-test:		## the harness's own tests: recorded consoles, patch and package faults
	@tests/harness/run.sh

clean:			## everything generated (ccache is kept)
	rm -rf build

help:			## these targets; scripts/NAME.sh --help says what each script does and reads
	@awk -F':[^#]*## ' '/^[a-z-]+:.*## / { printf "  %-13s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
