#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# config.sh KERNEL: merge the fragments in config/ onto allnoconfig with the
# tree's scripts/kconfig/merge_config.sh, then check that every symbol the
# fragments ask for really is set (Kconfig drops unmet ones silently).
#
# config/series.config holds symbols that the series adds to Kconfig: only
# those the tree at hand defines are used, so that the same fragments
# configure the base and every patch of the series (see scripts/gate.sh).
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: config.sh KERNEL}
src=$(kernel_src "$kernel")
out=$(kernel_out "$kernel")
FRAGMENTS=$out/.harness-fragments

# The fragments for this tree, concatenated: common, the architecture,
# then the series' symbols that this tree's Kconfig knows; for the "debug"
# kernel, config/debug.config too.
fragments()
{
	local line sym
	cat "$TOP/config/common.config" "$TOP/config/$ARCH.config"
	[ "$kernel" != debug ] || cat "$TOP/config/debug.config"
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			if git -C "$src" grep -q -E "^(menu)?config ${sym#CONFIG_}\$" -- '*Kconfig*'; then
				echo "$line"
			fi
			;;
		esac
	done <"$TOP/config/series.config"
}

# Print each requested symbol that did not survive the merge.
missing()
{
	local line
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" 2>/dev/null ||
				echo "missing: $line (.config has: $(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" || echo nothing))"
			;;
		esac
	done <"$FRAGMENTS"
}

main()
{
	mkdir -p "$out"
	fragments >"$FRAGMENTS.new"
	if [ -f "$out/.config" ] && cmp -s "$FRAGMENTS.new" "$FRAGMENTS" && [ -z "$(missing)" ]; then
		rm "$FRAGMENTS.new"
		return 0
	fi
	mv "$FRAGMENTS.new" "$FRAGMENTS"
	stage "config $ARCH/$kernel"
	(cd "$src" && CROSS_COMPILE=$(arch_cross_compile) \
		run_logged "$LOGS/config-$ARCH-$kernel.log" \
		scripts/kconfig/merge_config.sh -n -O "$out" "$FRAGMENTS")
	if [ -n "$(missing)" ]; then
		missing >&2
		die "kernel config of '$kernel' lacks symbols the fragments ask for (see above)"
	fi
}

main "$@"
