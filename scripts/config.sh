#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# config.sh KERNEL: merge the fragments in config/ onto allnoconfig with the
# tree's scripts/kconfig/merge_config.sh, then check that every symbol the
# fragments ask for really is set (Kconfig drops unmet ones silently).
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: config.sh KERNEL}
src=$(kernel_src "$kernel")
out=$(kernel_out "$kernel")

# common, then the architecture, then symbols only the series has.
fragments()
{
	echo "$TOP/config/common.config" "$TOP/config/$ARCH.config"
	[ "$kernel" = base ] || [ ! -f "$TOP/config/series.config" ] ||
		echo "$TOP/config/series.config"
}

# Fail naming each requested symbol that did not survive the merge.
verify()
{
	local line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" && continue
			sym=${line%%=*}
			echo "missing: $line (.config has: $(grep -E "^(# )?$sym[= ]" "$out/.config" || echo nothing))" >&2
			bad=1
			;;
		esac
	done < <(cat $(fragments))
	[ $bad = 0 ] || die "kernel config of '$kernel' lacks symbols the fragments ask for (see above)"
}

main()
{
	local hash
	hash=$(cat $(fragments) | sha256sum | cut -d' ' -f1)
	if [ -f "$out/.config" ] && [ "$(cat "$out/.harness-config" 2>/dev/null)" = "$hash" ]; then
		return 0
	fi
	mkdir -p "$out"
	stage "config $ARCH/$kernel"
	(cd "$src" && CROSS_COMPILE=$(arch_cross_compile) \
		run_logged "$LOGS/config-$ARCH-$kernel.log" \
		scripts/kconfig/merge_config.sh -n -O "$out" $(fragments))
	verify
	echo "$hash" >"$out/.harness-config"
}

main "$@"
