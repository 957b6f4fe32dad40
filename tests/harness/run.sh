#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The harness's own tests: how it fails, on recorded inputs, in seconds.
# Each tests/harness/cases/NAME/ is one of
#   console.log   scripts/report.sh on a recorded console ("timeout" for a
#                 guest that was killed, "xfail" for an xfail list; reported
#                 as kernel "series"), then scripts/summary.sh on its
#                 counts; results.tsv and counts are the expected results
#   base/ patches/  tree.sh's apply_patches (lib.sh): git am of patches/
#                 onto a tiny repository made of base/
#   pkgs          scripts/deps.sh checking these package:probe pairs, with
#                 the case's apt-get stub first in PATH
# and has "status", the expected exit status (of summary.sh, apply_patches
# or deps.sh), and "expect", lines its output must contain: whole lines,
# with OUT for the case's scratch directory, TOP for this repository and
# [Ns] for the time of a stage line.
. "$(dirname "$0")/../../scripts/lib.sh"

CASES=$TOP/tests/harness/cases

# The verdict on a recorded console: report.sh must work (exit 0) and
# summary.sh's exit status is the verdict.
run_report()
{
	local case=$1 out=$2 xfail
	cp "$case/console.log" "$out/"
	[ ! -f "$case/timeout" ] || cp "$case/timeout" "$out/"
	xfail=$case/xfail
	[ -f "$xfail" ] || xfail=/dev/null
	XFAIL=$xfail "$TOP/scripts/report.sh" "$out" series || return 99
	"$TOP/scripts/summary.sh" "$(basename "$case")=$out/counts"
}

# base/ as the "base" commit of a new repository, then the real
# apply_patches on it, as tree.sh does on build/linux. Then what the
# repository is left with: a failed apply keeps the patches before it
# and no git am in progress.
run_apply()
{
	local case=$1 out=$2 repo=$2/repo rc=0
	cp -r "$case/base" "$repo"
	git -C "$repo" init -q -b series
	git -C "$repo" config user.name harness
	git -C "$repo" config user.email harness@localhost
	git -C "$repo" add -A
	git -C "$repo" commit -q -m base
	# A subshell, because apply_patches exits (die) when a patch fails.
	(apply_patches "$repo" "$case/patches" "the test base") || rc=$?
	echo "commits: $(git -C "$repo" log --reverse --format=%s | paste -sd '|')"
	echo "git am in progress: $([ -d "$repo/.git/rebase-apply" ] && echo yes || echo no)"
	return $rc
}

# deps.sh with DEPS_PKGS from pkgs. The case's apt-get stub stands first in
# PATH, so nothing is ever installed; a stub id says root, so the install
# path runs whoever runs the tests. BUILD=OUT keeps its apt.log here.
run_deps()
{
	local case=$1 out=$2
	mkdir -p "$out/bin"
	cp "$case/apt-get" "$out/bin/apt-get"
	printf '#!/bin/sh\necho 0\n' >"$out/bin/id"
	chmod +x "$out/bin/apt-get" "$out/bin/id"
	if [ "$(PATH=$out/bin:$PATH command -v apt-get)" != "$out/bin/apt-get" ]; then
		echo "the stub apt-get is not the one in PATH: not running deps.sh"
		return 99
	fi
	PATH=$out/bin:$PATH BUILD=$out ARCH=x86_64 DEPS_PKGS=$(cat "$case/pkgs") \
		"$TOP/scripts/deps.sh"
}

run_kind()
{
	local case=$1 out=$2
	if [ -f "$case/console.log" ]; then
		run_report "$case" "$out"
	elif [ -d "$case/patches" ]; then
		run_apply "$case" "$out"
	elif [ -f "$case/pkgs" ]; then
		run_deps "$case" "$out"
	else
		echo "no console.log, patches/ or pkgs: not a case"
		return 99
	fi
}

# The exit status, and every line of "expect" in the output (made
# independent of where the repository is and of the time).
check_output()
{
	local case=$1 out=$2 rc=$3 line bad=0
	sed -e "s|$out|OUT|g" -e "s|$TOP|TOP|g" -e 's/^\[ *[0-9]*s\] /[Ns] /' \
		"$out/output" >"$out/output.norm"
	if [ "$rc" != "$(cat "$case/status")" ]; then
		echo "exit status $rc, expected $(cat "$case/status")"
		bad=1
	fi
	while IFS= read -r line; do
		if ! grep -qxF -- "$line" "$out/output.norm"; then
			echo "missing line: $line"
			bad=1
		fi
	done <"$case/expect"
	[ $bad = 0 ] || { echo "--- its output:"; cat "$out/output.norm"; }
	return $bad
}

# The parsed results of a console case, against the recorded ones.
check_results()
{
	local case=$1 out=$2
	sort "$out/results.tsv" | diff -u "$case/results.tsv" - &&
		diff -u "$case/counts" "$out/counts"
}

run_case()
{
	local case=$1 out rc=0
	out=$BUILD/harness-test/$(basename "$case")
	rm -rf "$out"
	mkdir -p "$out"
	run_kind "$case" "$out" >"$out/output" 2>&1 || rc=$?
	check_output "$case" "$out" "$rc" || return 1
	[ ! -f "$case/results.tsv" ] || check_results "$case" "$out"
}

main()
{
	local case n=0 bad=0
	[ -d "$SRC" ] || die "no build/linux (kunit.py comes from it): run 'make tree'"
	for case in "$CASES"/*/; do
		n=$((n + 1))
		if ! run_case "${case%/}" >"$BUILD/harness-test.diff" 2>&1; then
			echo "harness self-test FAILED: $(basename "$case")"
			cat "$BUILD/harness-test.diff"
			bad=$((bad + 1))
		fi
	done
	[ $bad = 0 ] || die "$bad of $n harness self-tests failed"
	stage "harness self-tests: $n cases ok"
}

main "$@"
