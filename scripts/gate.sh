#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lint/bisect gate: for every patch of the series, in order,
#   - scripts/checkpatch.pl --strict on the patch file,
#   - scripts/kernel-doc -none on the C files it touches,
#   - an incremental build of the kernel image and of nouveau_svm.o (the
#     other caller of make_device_exclusive*()) at that commit, configured
#     for that commit (series symbols appear with the patch adding them).
# Fails naming the patch. Runs in build/linux, which must match patches/.
. "$(dirname "$0")/lib.sh"

NOUVEAU_OBJ=drivers/gpu/drm/nouveau/nouveau_svm.o

# kernel-doc -none warnings in the C files COMMIT touches that the same
# files did not have before it (line numbers ignored): many headers have
# old warnings that are not the series' to fix.
new_kernel_doc_warnings()
{
	local commit=$1 f side tmp
	tmp=$(mktemp -d)
	for f in $(git -C "$SRC" diff --name-only --diff-filter=AM "$commit^" "$commit" -- '*.c' '*.h'); do
		mkdir -p "$tmp/old/$(dirname "$f")" "$tmp/new/$(dirname "$f")"
		git -C "$SRC" show "$commit^:$f" >"$tmp/old/$f" 2>/dev/null || : >"$tmp/old/$f"
		git -C "$SRC" show "$commit:$f" >"$tmp/new/$f"
		for side in old new; do
			(cd "$tmp/$side" && "$SRC/scripts/kernel-doc" -none "$f" 2>&1 |
				sed -E 's/:[0-9]+:/:/' | sort -u >"$tmp/$side.txt")
		done
		comm -13 "$tmp/old.txt" "$tmp/new.txt"
	done
	rm -rf "$tmp"
}

check_patch()
{
	local patch=$1 commit=$2 files log=$LOGS/gate-$ARCH.log

	# Debian's python3 first: checkpatch runs spdxcheck.py, which needs
	# python3-ply and python3-git from apt, not another python3 on PATH.
	(cd "$SRC" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --quiet \
		"$PATCHES/$patch") >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "checkpatch --strict: $patch"; }
	new_kernel_doc_warnings "$commit" >"$LOGS/kernel-doc.out"
	if [ -s "$LOGS/kernel-doc.out" ]; then
		cat "$LOGS/kernel-doc.out" >&2
		die "kernel-doc warnings: $patch"
	fi
	git -C "$SRC" checkout -q --detach "$commit"
	"$TOP/scripts/config.sh" series
	kmake series "$(basename "$(arch_image)")" >>"$log" 2>&1 &&
		kmake series "$NOUVEAU_OBJ" >>"$log" 2>&1 ||
		{ show_errors "$log"; die "build fails at $patch (log: $log)"; }
}

# A patch that passed the gate is not checked again while it, the patches
# before it, the config fragments the gate builds with (config.sh series)
# and the gate itself are unchanged.
GATE_OK=$BUILD/gate-ok-$ARCH

gate_key()
{
	local n=$1
	(cd "$PATCHES" && cat $(series_patches | head -n "$n")
	 cat "$TOP/config/common.config" "$TOP/config/$ARCH.config" \
		"$TOP/config/series.config" "$TOP/scripts/gate.sh") | sha256sum | cut -d' ' -f1
}

main()
{
	local patch commits i=0 t key
	[ -f "$STATE" ] && [ "$(cut -d' ' -f2 "$STATE")" = "$(git -C "$SRC" rev-parse series)" ] &&
		tree_clean ||
		die "build/linux differs from patches/: 'make export' (or 'make tree') first"
	: >"$LOGS/gate-$ARCH.log"
	trap 'git -C "$SRC" checkout -q series' EXIT
	mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
	touch "$GATE_OK"
	for patch in $(series_patches); do
		t=$(date +%s)
		i=$((i + 1))
		key=$(gate_key $i)
		if grep -qx "$key" "$GATE_OK"; then
			stage "gate $i/${#commits[@]} ok (unchanged since it passed): $patch"
			continue
		fi
		check_patch "$patch" "${commits[$((i - 1))]}"
		echo "$key" >>"$GATE_OK"
		stage "gate $i/${#commits[@]} ok ($(( $(date +%s) - t ))s): $patch"
	done
	git -C "$SRC" checkout -q series
	[ $i = ${#commits[@]} ] || die "patches/series has $i patches, build/linux has ${#commits[@]} commits"
}

main "$@"
