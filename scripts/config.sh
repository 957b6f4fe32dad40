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
# the base's own (BASE_CONFIG of scripts/base/BASE.sh), then the series' symbols that this tree's Kconfig knows; last the
# kernel's own fragments (TREE+FRAGMENT[+FRAGMENT...]), in that order.
fragments()
{
	local line sym frag
	cat "$TOP/config/common.config" "$TOP/config/$ARCH.config"
	[ -z "$BASE_CONFIG" ] || cat "$TOP/config/$BASE_CONFIG.config"
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
	for frag in $(kernel_fragments "$kernel"); do
		cat "$TOP/config/$frag.config"
	done
}

# What the fragments ask of each symbol: the last line that sets it or
# says it "is not set" (a later fragment overrides an earlier one).
wanted()
{
	sed -n -E 's/^(CONFIG_[A-Za-z0-9_]+)=.*/\1 &/p; s/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1 &/p' \
		"$FRAGMENTS" | tac | awk '!seen[$1]++' | tac | cut -d' ' -f2-
}

# Print each requested symbol that did not survive the merge.
missing()
{
	local line sym
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			grep -qxF "$line" "$out/.config" 2>/dev/null && continue
			;;
		*)
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$out/.config" 2>/dev/null || continue
			;;
		esac
		echo "missing: $line (.config has: $(grep -E "^(# )?$sym[= ]" "$out/.config" || echo nothing))"
	done < <(wanted)
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
