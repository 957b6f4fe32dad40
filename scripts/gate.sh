#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gate.sh [quick|full]: the lint/bisect gate. For every patch of the
# series, in order:
#   - scripts/checkpatch.pl --strict on the patch file,
#   - scripts/kernel-doc -none on the C files it touches (new warnings only),
#   - (x86_64) hmm-tests.c compiled (gcc -fsyntax-only) if the patch
#     changes it, and once, at the last patch, as a 64-bit and a 32-bit
#     program: no more compiler warnings than the base's,
#   - a build at that commit, configured for that commit (series symbols
#     appear with the patch adding them):
#       full   the kernel image and drivers/gpu/drm/nouveau/nouveau_svm.o
#              (the other caller of make_device_exclusive*()) at every
#              commit: what 'make check-full' runs;
#       quick  (the default, 'make check') the image and nouveau_svm.o at
#              the last commit only; at every other commit, every kernel
#              object that any patch of the series changes (mm/rmap.o,
#              mm/memory.o, lib/test_hmm.o, nouveau_svm.o, ...) as far as
#              the configuration builds it.
# Why quick still catches a series that does not bisect: a patch can only
# break the build of a file it changes or of a file that uses what it
# changes. The first are compiled at every commit. A file outside the
# series that a header change breaks stays broken at the last commit,
# where the whole image is built, unless a later patch repairs it by
# changing that file, which puts the file in the list again. What quick
# cannot see: a link error between objects that a later patch repairs, a
# file outside the series broken by one header change and repaired by a
# later change of the same header, a Makefile naming an object whose
# source comes later, and a failure of the last image caused by an
# earlier patch is reported at the last one. 'make check-full' runs full.
# Fails naming the patch. Runs in build/linux, which must match patches/.
. "$(dirname "$0")/lib.sh"

MODE=${1:-${GATE:-quick}}
case $MODE in quick|full) ;; *) die "usage: gate.sh [quick|full]" ;; esac
NOUVEAU_OBJ=drivers/gpu/drm/nouveau/nouveau_svm.o
LOG=$LOGS/gate-$ARCH.log
TMP=

cleanup()
{
	[ -z "$TMP" ] || rm -rf "$TMP"
	back_to_series
}

# kernel-doc -none warnings in the C files COMMIT touches that the same
# files did not have before it (line numbers ignored): many headers have
# old warnings that are not the series' to fix. kernel-doc's own exit
# status is not the verdict (it is non-zero on warnings under KCFLAGS=
# -Werror); the difference of its output is.
new_kernel_doc_warnings()
{
	local commit=$1 f side dir=$TMP/kdoc
	for f in $(git -C "$SRC" diff --name-only --diff-filter=AM "$commit^" "$commit" -- '*.c' '*.h'); do
		rm -rf "$dir"
		mkdir -p "$dir/old/$(dirname "$f")" "$dir/new/$(dirname "$f")"
		git -C "$SRC" show "$commit^:$f" >"$dir/old/$f" 2>/dev/null || : >"$dir/old/$f"
		git -C "$SRC" show "$commit:$f" >"$dir/new/$f"
		for side in old new; do
			(cd "$dir/$side" && { env -u KCFLAGS -u KDOC_WERROR \
				"$SRC/scripts/kernel-doc" -none "$f" 2>&1 || true; }) |
				sed -E 's/:[0-9]+:/:/' | sort -u >"$dir/$side.txt"
		done
		comm -13 "$dir/old.txt" "$dir/new.txt"
	done
}

lint_patch()
{
	local patch=$1 commit=$2

	# Debian's python3 first: checkpatch runs spdxcheck.py, which needs
	# python3-ply and python3-git from apt, not another python3 on PATH.
	# UNKNOWN_COMMIT_ID: the base is one commit without the kernel's
	# history, so checkpatch can look up no commit id a Fixes: tag names
	# (it still checks the tag's form and quoted subject).
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --quiet \
		--ignore UNKNOWN_COMMIT_ID "$PATCHES/$patch") >>"$LOG" 2>&1 ||
		{ tail -n 30 "$LOG" >&2; die "checkpatch --strict: $patch"; }
	new_kernel_doc_warnings "$commit" >"$TMP/kernel-doc.out"
	if [ -s "$TMP/kernel-doc.out" ]; then
		cat "$TMP/kernel-doc.out" >&2
		die "kernel-doc warnings: $patch"
	fi
}

# The kernel objects of the C files that the series changes and that the
# configuration builds: those with a .o in the build directory after the
# build of the last commit (a file the config leaves out has none).
series_objects()
{
	local f out
	out=$(kernel_out series)
	for f in $(git -C "$SRC" diff --name-only base series -- '*.c' ':!tools' ':!Documentation'); do
		[ -f "$out/${f%.c}.o" ] && echo "${f%.c}.o"
	done
	return 0
}

# build_at PATCH COMMIT WHAT: check out COMMIT, configure it and build
# WHAT ("image": the image and nouveau_svm.o; "objects": OBJECTS only).
build_at()
{
	local patch=$1 commit=$2 what=$3 objs=() o
	detach_at "$commit"
	"$TOP/scripts/config.sh" series
	if [ "$what" = image ]; then
		objs=("$(basename "$(arch_image)")" "$NOUVEAU_OBJ")
	else
		# An object whose source the commit does not have yet (a file a
		# later patch adds) is not built there.
		for o in "${OBJECTS[@]}"; do
			[ ! -f "$SRC/${o%.o}.c" ] || objs+=("$o")
		done
	fi
	[ ${#objs[@]} = 0 ] && return 0
	[ "${V:-0}" = 0 ] || echo "at $patch:" >&2
	kmake series "${objs[@]}" >>"$LOG" 2>&1 || {
		show_errors "$LOG"
		# quick builds the whole image at the last patch only: a file
		# outside the series that fails there may have been broken by any
		# patch that changes a header or a Makefile.
		[ "$MODE/$what" != quick/image ] ||
			echo "quick mode built the image at the last patch only; 'make gate GATE=full' names the patch that broke it" >&2
		die "build fails at $patch (log: $LOG)"
	}
}

# A patch that passed is not checked again while everything that decides
# its result is unchanged: it and the patches before it, the base tree,
# the compiler, the config fragments the gate builds with (config.sh
# series), the scripts that do the work, and the mode.
GATE_OK=$BUILD/gate-ok-$BASE_TAG$ARCH

gate_key()
{
	local n=$1
	{
		(cd "$PATCHES" && cat $(series_patches | head -n "$n"))
		cat "$SRC/.git/harness-base-version"
		"$(arch_cross_compile)gcc" --version | head -n 1
		cat "$TOP/config/common.config" "$TOP/config/$ARCH.config" \
			"$TOP/config/series.config" "$TOP/scripts/gate.sh" \
			"$TOP/scripts/lib.sh" "$TOP/scripts/config.sh" \
			"$TOP/scripts/arch/$ARCH.sh" "$TOP/scripts/base/$BASE.sh"
		[ -z "$BASE_CONFIG" ] || cat "$TOP/config/$BASE_CONFIG.config"
		echo "$MODE"
	} | sha256sum | cut -d' ' -f1
}

# hmm_tests_warnings BITS REV: gcc's warnings for hmm-tests.c of REV (a
# commit of build/linux), compiled for BITS (64 or 32) against the series'
# uapi headers, one per line with its position dropped.
hmm_tests_warnings()
{
	local bits=$1 rev=$2 dir=$TMP/selftests-$2
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir"
		git -C "$SRC" archive "$rev" tools/testing/selftests/kselftest.h \
			tools/testing/selftests/kselftest_harness.h \
			"tools/testing/selftests/$BASE_SELFTESTS" lib/test_hmm_uapi.h mm/gup_test.h |
			tar -x -C "$dir"
	fi
	(cd "$dir/tools/testing/selftests/$BASE_SELFTESTS" &&
		gcc -m"$bits" -fsyntax-only -Wall -fno-diagnostics-show-caret \
			-isystem "$(kernel_out series)/usr/include" -I ../../../.. \
			-I .. hmm-tests.c) >"$dir.out" 2>&1 || {
		cat "$dir.out" >&2
		die "gate: hmm-tests.c of $rev does not compile as a $bits-bit program"
	}
	{ grep 'warning:' "$dir.out" || true; } | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort
}

# The selftests the series changes compile with no warning more than the
# base's hmm-tests.c, as a 64-bit and (x86_64, when gcc -m32 can) a 32-bit
# program: a 32-bit build is where an address constant or a pointer cast
# goes wrong.
selftest_warnings()
{
	local bits rev n_base n_series
	[ "$ARCH" = x86_64 ] || return 0
	for bits in 64 32; do
		if [ "$bits" = 32 ] && ! echo '#include <stdio.h>' |
			gcc -m32 -x c -fsyntax-only - 2>/dev/null; then
			stage "gate: hmm-tests not compiled as a 32-bit program: gcc -m32 has no 32-bit C library headers (apt-get install libc6-dev-i386; the gcc-multilib package would remove the arm64 cross compiler)"
			continue
		fi
		for rev in base series; do
			hmm_tests_warnings "$bits" "$rev" >"$TMP/warnings-$rev"
		done
		n_base=$(wc -l <"$TMP/warnings-base")
		n_series=$(wc -l <"$TMP/warnings-series")
		if [ "$n_series" -gt "$n_base" ]; then
			diff <(sort -u "$TMP/warnings-base") \
				<(sort -u "$TMP/warnings-series") >&2 || true
			die "gate: hmm-tests.c as a $bits-bit program: $n_series warnings, the base $n_base"
		fi
		stage "gate: hmm-tests.c as a $bits-bit program: $n_series warnings (the base: $n_base)"
	done
}

main()
{
	local patch commits commit i=0 n t key todo=()
	[ -f "$STATE" ] && [ "$(cut -d' ' -f2 "$STATE")" = "$(git -C "$SRC" rev-parse series)" ] &&
		[ "$(cut -d' ' -f1 "$STATE")" = "$(series_hash)" ] && tree_clean ||
		die "build/linux differs from patches/: 'make export' (or 'make tree') first"
	: >"$LOG"
	TMP=$(mktemp -d)
	trap cleanup EXIT
	mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
	# hmm-tests.c is compiled at each patch that changes it (the kernel
	# objects' builds below do not cover tools/), against the series'
	# uapi headers.
	if [ "$ARCH" = x86_64 ]; then
		"$TOP/scripts/config.sh" series
		kmake series headers >>"$LOG" 2>&1 || die "make headers failed (log: $LOG)"
	fi
	n=$(series_patches | wc -l)
	[ "$n" = ${#commits[@]} ] || die "patches/series has $n patches, build/linux has ${#commits[@]} commits"
	touch "$GATE_OK"
	stage "gate ($MODE): $n patches"
	for patch in $(series_patches); do
		i=$((i + 1))
		key=$(gate_key $i)
		if grep -qx "$key" "$GATE_OK"; then
			stage "gate $i/$n ok (unchanged since it passed): $patch"
			continue
		fi
		commit=${commits[$((i - 1))]}
		lint_patch "$patch" "$commit"
		if [ "$ARCH" = x86_64 ] && ! git -C "$SRC" diff --quiet "$commit^" "$commit" \
			-- "tools/testing/selftests/$BASE_SELFTESTS/hmm-tests.c"; then
			hmm_tests_warnings 64 "$commit" >/dev/null
		fi
		todo+=("$i")
	done
	selftest_warnings
	[ ${#todo[@]} != 0 ] || return 0
	stage "gate: checkpatch --strict and kernel-doc clean at ${#todo[@]} patches"
	# quick: the last commit's whole build first, which also tells which
	# of the series' objects the configuration builds.
	if [ "$MODE" = quick ]; then
		t=$(date +%s)
		build_at "$(series_patches | tail -n 1)" "${commits[$((n - 1))]}" image
		mapfile -t OBJECTS < <(series_objects)
		[ ${#OBJECTS[@]} != 0 ] ||
			die "gate: none of the C files the series changes is built by this configuration"
		stage "gate: image at patch $n built ($(( $(date +%s) - t ))s); objects at each patch: ${OBJECTS[*]}"
	fi
	for i in "${todo[@]}"; do
		t=$(date +%s)
		patch=$(series_patches | sed -n "${i}p")
		if [ "$MODE" = full ] || [ "$i" = "$n" ]; then
			[ "$MODE" = quick ] || build_at "$patch" "${commits[$((i - 1))]}" image
		else
			build_at "$patch" "${commits[$((i - 1))]}" objects
		fi
		gate_key "$i" >>"$GATE_OK"
		stage "gate $i/$n ok ($(( $(date +%s) - t ))s): $patch"
	done
}

main "$@"
