#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lint/bisect gate: for every patch of the series, in order,
#   - scripts/checkpatch.pl --strict on the patch file,
#   - scripts/kernel-doc -none on the C files it touches,
#   - an incremental build of the kernel image and of nouveau_svm.o (the
#     other caller of make_device_exclusive*()) at that commit.
# Fails naming the patch. Runs in build/linux, which must match patches/.
. "$(dirname "$0")/lib.sh"

NOUVEAU_OBJ=drivers/gpu/drm/nouveau/nouveau_svm.o

check_patch()
{
	local patch=$1 commit=$2 files log=$LOGS/gate-$ARCH.log

	# Debian's python3 first: checkpatch runs spdxcheck.py, which needs
	# python3-ply and python3-git from apt, not another python3 on PATH.
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --quiet \
		"$PATCHES/$patch") >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "checkpatch --strict: $patch"; }
	files=$(git -C "$SRC" diff --name-only --diff-filter=AM "$commit^" "$commit" -- '*.c' '*.h')
	if [ -n "$files" ]; then
		(cd "$SRC" && scripts/kernel-doc -none $files) >"$LOGS/kernel-doc.out" 2>&1
		if [ -s "$LOGS/kernel-doc.out" ]; then
			cat "$LOGS/kernel-doc.out" >&2
			die "kernel-doc warnings: $patch"
		fi
	fi
	git -C "$SRC" checkout -q --detach "$commit"
	kmake series "$(basename "$(arch_image)")" >>"$log" 2>&1 &&
		kmake series "$NOUVEAU_OBJ" >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; git -C "$SRC" checkout -q series; die "build fails at $patch (log: $log)"; }
}

main()
{
	local patch commits i=0 t
	[ -f "$STATE" ] && [ "$(cut -d' ' -f2 "$STATE")" = "$(git -C "$SRC" rev-parse series)" ] &&
		[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
		die "build/linux differs from patches/: 'make export' (or 'make tree') first"
	"$TOP/scripts/config.sh" series
	: >"$LOGS/gate-$ARCH.log"
	mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
	for patch in $(series_patches); do
		t=$(date +%s)
		check_patch "$patch" "${commits[$i]}"
		i=$((i + 1))
		stage "gate $i/${#commits[@]} ok ($(( $(date +%s) - t ))s): $patch"
	done
	git -C "$SRC" checkout -q series
	[ $i = ${#commits[@]} ] || die "patches/series has $i patches, build/linux has ${#commits[@]} commits"
}

main "$@"
