#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report.sh RESULTS_DIR KERNEL: turn a guest's console log into results.
#
#   KUnit KTAP (printed at boot, before /init) and each kselftest program's
#   TAP (between the "@@ ksft-begin/end" markers of guest/init) are parsed
#   by the tree's own tools/testing/kunit/kunit.py parse --json;
#   tests/xfail turns listed failures into XFAIL (strict: a listed test that
#   does not fail is an error, one that did not run too, unless the run was
#   filtered: RESULTS_DIR/filters); kernel splats, a guest that hung or did
#   not finish, and programs that died or ran out of time add failed rows.
#
# Writes RESULTS_DIR/results.tsv (ID STATUS) and RESULTS_DIR/counts
# (passed failed skipped xfail), prints a per-suite table and the failures.
. "$(dirname "$0")/lib.sh"

res=$(realpath "${1:?usage: report.sh RESULTS_DIR KERNEL}")
kernel=${2:?usage: report.sh RESULTS_DIR KERNEL}
KUNIT_PY=${KUNIT_PY:-$SRC/tools/testing/kunit/kunit.py}
XFAIL=${XFAIL:-$BASE_XFAIL}
# Known bugs of the base that a run may hit, beside the xfail list
# (tests/known-splats for tests/xfail): see filter_known_splats.
KNOWN=${KNOWN:-$(beside_xfail "$XFAIL" known-splats)}

# Kernel messages that mean something went wrong, whatever the tests said.
SPLAT_RE='BUG:|WARNING:|Oops|KASAN|UBSAN|kernel BUG at|Kernel panic|general protection fault'
SPLAT_RE+='|possible circular locking|[Bb]ad page|Call Trace:|soft lockup|blocked for more than'
SPLAT_RE+='|rcu: INFO|self-detected stall|refcount_t:|list_add corruption|list_del corruption'
# arm64 prints its stack dumps as "Call trace:"; the swap code reports the
# bad swap entries that the arm64 accessed-bit controls leave behind
# (mm/swapfile.c) without a BUG: or WARNING: line.
SPLAT_RE+='|Call trace:|Bad swap file entry|Bad swap offset entry|Unused swap (file|offset) entry'
# ... searched in kernel lines only: the test programs may print these
# words themselves. boot.sh boots with printk.time=1, so a kernel line
# starts with its time stamp, "[    1.234567] "; not at the start of a
# console line, since a kernel line may follow a program's output there.
KERNEL_LINE_RE='\[ *[0-9]+\.[0-9]{6}\] '

# plan_first FILE: FILE with its top-level plan ("1..N") right after the
# version line. TAP allows the plan last, as run_vmtests.sh prints it, but
# 6.12's kunit.py parse loops forever on a plan at the end.
plan_first()
{
	awk 'NR == FNR { if ($0 ~ /^1\.\.[0-9]+$/) plan = $0; next }
		$0 ~ /^1\.\.[0-9]+$/ { next }
		{ print }
		!done && /^K?TAP version/ { if (plan != "") print plan; done = 1 }' "$1" "$1"
}

# parse_tap FILE PREFIX [KTAP]: "PREFIX:test<TAB>STATUS" for each test case
# in FILE (with KTAP, FILE is KUnit's: its plans stay where they are).
parse_tap()
{
	local file=$1 prefix=$2 input=$1
	# A json left by an earlier run must never stand in for this one's.
	rm -f "$file.json" "$file.parsed" "$file.input"
	if [ -z "${3:-}" ]; then
		input=$file.input
		plan_first "$file" >"$input"
	fi
	# A parser that hangs must not hang the report.
	timeout 120 python3 "$KUNIT_PY" parse --json="$file.json" "$input" >"$file.parsed" 2>&1 || true
	if [ ! -s "$file.json" ]; then
		echo -e "$prefix:(kunit.py parse failed, see ${file##*/}.parsed)\tFAIL"
		return 0
	fi
	jq -r --arg p "$prefix:" '
		def name: if .name == "" then "(missing)" else .name end;
		def flat($q): (.test_cases[] | "\($q)\(name)\t\(.status)"),
			(.sub_groups[] | flat("\($q)\(name)."));
		flat($p)' "$file.json"
}

# Everything this script writes, removed first: an output that an earlier
# run left must not be read as this run's (kunit.tap.json of a run whose
# KUnit passed, when this one's printed no KTAP or kunit.py failed).
remove_outputs()
{
	rm -f "$res/console.txt" "$res"/kunit.tap* "$res"/ksft-* "$res/results.tsv" \
		"$res/counts" "$res/splats.txt" "$res/known-splats.txt" "$res/run-id"
}

# The console with CRs dropped; KUnit's part is what precedes /init.
split_console()
{
	tr -d '\r' <"$res/console.log" >"$res/console.txt"
	sed '/^@@ harness-init/,$d' "$res/console.txt" >"$res/kunit.tap"
	awk -v dir="$res" '
		/^@@ ksft-begin / { name = $3; out = dir "/ksft-" name ".tap"; printf "" >out; next }
		# A program killed in the middle of a line leaves the end
		# marker after its partial output.
		/@@ ksft-end / { print substr($0, index($0, "@@ ksft-end ")) >(dir "/ksft-" name ".end"); out = ""; next }
		# The next boot (boot.sh resumes after a crash or a reboot):
		# what follows is not the output of the program that was running.
		/^@@ harness-resume / { out = ""; next }
		out != "" { print >>out }' "$res/console.txt"
}

# crashed_test TAP NAME ROWS: the kselftest test that program NAME was
# running when its output ended without an end marker (the kernel died,
# oops=panic, or the guest hung and was killed), if it has no result row:
# the last "#  RUN" line of the kselftest harness. A crash or hang inside
# a test is that test's failure, which tests/xfail can then expect;
# between tests it stays the program's "(did-not-finish)".
crashed_test()
{
	local test
	test=$(sed -n 's/^#  RUN  *\([^ ]*\) \.\.\.$/\1/p' "$1" | tail -n 1)
	[ -n "$test" ] || return 0
	grep -q -F "$2:$test"$'\t' <<<"$3" || echo "$test"
}

# A guest that finished must have run every program of its list
# (RESULTS_DIR/programs, from boot.sh) or said why not ("@@ skipped NAME
# (HARNESS_SKIP)", a filter, a resumed boot): "NAME:(not-run)" otherwise,
# so that a console of skipped programs cannot pass on KUnit alone. A
# guest that did not finish has failed already.
not_run()
{
	local name
	[ -f "$res/programs" ] && grep -q '^@@ harness-done' "$res/console.txt" || return 0
	while read -r name; do
		grep -q -x -F -e "@@ ksft-begin $name" "$res/console.txt" ||
			grep -q -F -e "@@ skipped $name (" "$res/console.txt" ||
			echo -e "$name:(not-run)\tFAIL"
	done <"$res/programs"
}

# A kernel of a sanitizer fragment must show that its sanitizer ran: a
# KCSAN built but never enabled, or a fragment that Kconfig dropped (no
# debugfs file, so guest/init skips the program), would pass silently.
sanitizer_ran()
{
	local frag what
	while read -r frag what; do
		grep -qF -- "$what" "$res/console.txt" ||
			echo -e "harness:$frag-not-enabled\tFAIL"
	done < <(fragment_extras "$kernel" console)
	while read -r frag what; do
		[ -e "$res/ksft-$what.tap" ] ||
			echo -e "harness:$what-not-run\tFAIL"
	done < <(fragment_extras "$kernel" program)
	return 0
}

# Rows for every test, and failed "harness:" rows for whatever broke.
raw_results()
{
	local tap name rows end crashed
	[ -f "$res/console.log" ] || { echo -e "harness:no-console-log\tFAIL"; return; }
	split_console
	# KUnit is built in and enabled (kunit.enable=1): it prints a KTAP
	# header even with no suite or none that KUNIT_FILTER matches.
	if grep -q 'KTAP version' "$res/kunit.tap"; then
		parse_tap "$res/kunit.tap" kunit KTAP
	else
		echo -e "kunit:(no KTAP before /init)\tFAIL"
	fi
	for tap in "$res"/ksft-*.tap; do
		[ -e "$tap" ] || continue
		name=${tap##*/ksft-}
		name=${name%.tap}
		rows=$(parse_tap "$tap" "$name")
		end=$(cat "${tap%.tap}.end" 2>/dev/null || true)
		crashed=
		[ -n "$end" ] || crashed=$(crashed_test "$tap" "$name" "$rows")
		if [ -n "$crashed" ]; then
			# kunit.py counts it as one of the plan's "(missing)"
			# tests: that row is this one.
			rows=$(awk -v m="$name:(missing)" -F'\t' '$1 == m && !dropped { dropped = 1; next } { print }' <<<"$rows")
			rows+=${rows:+$'\n'}$name:$crashed$'\tFAIL'
		fi
		[ -n "$rows" ] && echo "$rows" || echo -e "$name:(no-results)\tFAIL"
		case $end in
		'') [ -n "$crashed" ] || echo -e "$name:(did-not-finish)\tFAIL" ;;
		*' timed-out='*) echo -e "$name:(timed-out)\tFAIL" ;;
		*rc=0|*rc=4) ;;
		*) grep -q $'\tFAIL$' <<<"$rows" || echo -e "$name:(exit ${end##* })\tFAIL" ;;
		esac
	done
	not_run
	sanitizer_ran
	[ -f "$res/timeout" ] && echo -e "harness:guest-timeout-$(cat "$res/timeout")s\tFAIL"
	grep -q '^@@ harness-init' "$res/console.txt" || echo -e "harness:guest-did-not-reach-init\tFAIL"
	grep -q '^@@ harness-done' "$res/console.txt" || echo -e "harness:guest-did-not-finish\tFAIL"
	grep -En "$KERNEL_LINE_RE.*($SPLAT_RE)" "$res/console.txt" >"$res/splats.txt" || true
	filter_known_splats
	[ -s "$res/splats.txt" ] &&
		splat_signatures <"$res/splats.txt" | sort -u |
		sed 's/^/harness:kernel-splat:/; s/$/\tFAIL/'
	return 0
}

# splat_signatures: one signature per splat line of splats.txt that starts
# a splat, so that tests/xfail can expect one splat by what it is ("kernel
# BUG at mm/rmap.c") without expecting every other: the source file of a
# BUG or WARNING (not its line, which moves between base versions), the
# name of a "BUG:" report, the swap code's complaint. The lines that only
# follow a splat (Oops, the stack dump, the panic) count only in a console
# that has none of the others.
splat_signatures()
{
	awk '
		function sig(s) { gsub(/[[:space:]]+/, "-", s); gsub(/--+/, "-", s); sub(/-+$/, "", s); return s }
		{
			line = $0
			if (!match(line, /\[ *[0-9]+\.[0-9]+\] /)) next
			line = substr(line, RSTART + RLENGTH)
			follower = line ~ /Oops|Call [Tt]race:|Kernel panic|Internal error/
			if (follower) {
				match(line, /[A-Za-z].*/)
				w = substr(line, RSTART, RLENGTH)
				sub(/[,:].*$/, "", w)
				s = sig(w)
			} else if (match(line, /kernel BUG at [^:]+:/))
				s = "kernel-BUG-at-" substr(line, RSTART + 14, RLENGTH - 15)
			else if (match(line, /WARNING: CPU: [0-9]+ PID: [0-9]+ at [^:]+:/) ||
				 match(line, /WARNING: [^: ]+:[0-9]+ at /)) {
				w = substr(line, RSTART, RLENGTH)
				sub(/^WARNING: (CPU: [0-9]+ PID: [0-9]+ at )?/, "", w)
				sub(/:[0-9]* ?(at )?$/, "", w)
				sub(/:$/, "", w)
				s = "WARNING-at-" w
			} else if (match(line, /(Bad|Unused) swap (file|offset) entry/))
				s = sig(substr(line, RSTART, RLENGTH))
			else if (match(line, /(BUG|WARNING|UBSAN): .*/)) {
				w = substr(line, RSTART, RLENGTH)
				sub(/ (in|at|mm|pfn|type|for|detected)( |:).*$/, "", w)
				sub(/(,| - ).*$/, "", w)
				n = split(w, word, /[[:space:]]+/)
				w = word[1]
				for (i = 2; i <= n && i <= 5; i++) w = w " " word[i]
				s = sig(w)
			} else if (match(line, /general protection fault|soft lockup|blocked for more than|self-detected stall|rcu: INFO|refcount_t: [a-z]+|list_(add|del) corruption|[Bb]ad page|KASAN|UBSAN/))
				s = sig(substr(line, RSTART, RLENGTH))
			else
				s = "other"
			if (follower) followers[s] = 1
			else { print s; headers++ }
		}
		END { if (!headers) for (s in followers) print s }'
}

# filter_known_splats: take out of splats.txt, into known-splats.txt, each
# splat that the base's known-splats list names: a bug of the base kernel
# that is not the series', that a run hits only by chance (a race), and so
# cannot be a strict tests/xfail entry. An entry is
#   KERNEL SIGNATURE FUNCTION CALLERS REASON
# KERNEL as in tests/xfail, or a glob ("*" for every kernel of the base,
# "*+kcsan*" for the KCSAN kernels); the splat's signature
# (splat_signatures); the function its first line names
# ("... at mm/huge_memory.c:3840 deferred_split_folio+0x25c/0x26c"); and
# CALLERS, an extended regex of which one function must be in its stack
# trace, before its end ("---[ end trace", or a KCSAN report's "====").
# The same splat from any other caller, or without an end, stays a
# failure. On a kernel with fault injection, the allocation failure
# reports too (below).
filter_known_splats()
{
	local line n end sig kern esig func callers reason
	: >"$res/known-splats.txt"
	[ -s "$res/splats.txt" ] || return 0
	[ -s "$KNOWN" ] || [[ $kernel == *+failinject* ]] || return 0
	local -a blocks=()
	while IFS= read -r line; do
		n=${line%%:*}
		sig=$(splat_signatures <<<"$line")
		# On a kernel with fault injection (config/failinject.config),
		# warn_alloc() reports the allocations it fails ("page
		# allocation failure", "vmalloc error") with a stack dump: what
		# the injection is for, not a bug. Its "Call Trace:" goes.
		if [[ $kernel == *+failinject* && $sig == Call-[Tt]race ]] &&
		   sed -n "$((n + 1)),$((n + 4))p" "$res/console.txt" | grep -q ' warn_alloc+0x'; then
			blocks+=("$n $n")
			echo "$(sed -n "$((n - 4)),$((n - 1))p" "$res/console.txt" |
				grep -E 'allocation failure|vmalloc error' | tail -n 1)	an allocation that fault injection failed" \
				>>"$res/known-splats.txt"
			continue
		fi
		# Only a splat's first line opens a block.
		case $sig in ''|Call-[Tt]race|Oops|Kernel-panic|Internal-error) continue ;; esac
		[ -s "$KNOWN" ] || continue
		while read -r kern esig func callers reason; do
			case $kern in '#'*|'') continue ;; esac
			# shellcheck disable=SC2053 # KERNEL is a glob
			[[ $kernel == $kern || $ARCH/$kernel == $kern ]] || continue
			[ "$sig" = "$esig" ] || continue
			[[ $line == *" $func+"* ]] || continue
			# A WARN or BUG ends with "---[ end trace", a KCSAN or
			# KASAN report with a line of "=".
			end=$(awk -v n="$n" 'NR > n && (/---\[ end trace/ || /^\[ *[0-9]+\.[0-9]+\] =+$/) { print NR; exit }
				NR > n + 200 { exit }' "$res/console.txt")
			[ -n "$end" ] || continue
			sed -n "${n},${end}p" "$res/console.txt" |
				grep -Eq "(^|[^A-Za-z0-9_])($callers)\+0x" || continue
			blocks+=("$n $end")
			echo "${line#*:}	$reason (${KNOWN#"$TOP"/})" >>"$res/known-splats.txt"
			break
		done <"$KNOWN"
	done <"$res/splats.txt"
	[ ${#blocks[@]} -gt 0 ] || return 0
	# One pass: drop the lines of every block ("FROM TO" pairs).
	awk -F: -v blocks="${blocks[*]}" '
		BEGIN { nb = split(blocks, b, " ") }
		{ for (i = 1; i < nb; i += 2) if ($1 >= b[i] && $1 <= b[i + 1]) next; print }' \
		"$res/splats.txt" >"$res/splats.txt.tmp"
	mv "$res/splats.txt.tmp" "$res/splats.txt"
}

# Strict xfail: listed + FAIL -> XFAIL; listed + anything else -> failed,
# not having run included, except in a filtered run (boot.sh's filters
# file), where a listed test may have been filtered out.
apply_xfail()
{
	local filtered=0
	[ ! -s "$res/filters" ] || filtered=1
	awk -F'\t' -v kernel="$kernel" -v arch="$ARCH" -v list="$XFAIL" -v filtered=$filtered '
		BEGIN {
			while ((getline line <list) > 0) {
				if (line ~ /^[[:space:]]*(#|$)/) continue
				split(line, f, /[[:space:]]+/)
				if (f[1] == kernel || f[1] == arch "/" kernel)
					listed[f[2]] = 1
			}
		}
		{
			st = $2
			# A blank in a test id ("test_hmm.sh smoke" of
			# run_vmtests.sh) is written "_" in the list.
			id = $1
			gsub(/[[:space:]]/, "_", id)
			# A splat the list does not name by its signature is
			# expected by a "harness:kernel-splat" entry, which
			# expects any splat (the older, coarser form).
			if (!(id in listed) && id ~ /^harness:kernel-splat:/ &&
			    ("harness:kernel-splat" in listed))
				id = "harness:kernel-splat"
			if (id in listed) {
				# ERROR: the "(missing)" rows of kunit.py after a crash
				# that tests/xfail expects.
				st = (st == "FAIL" || st == "ERROR") ? "XFAIL" : "UNEXPECTED-" st
				seen[id] = 1
			}
			print $1 "\t" st
		}
		END {
			if (filtered) exit
			for (id in listed)
				if (!(id in seen)) print id "\tUNEXPECTED-NOT-RUN"
		}'
}

# Per suite (the ID up to the last "."), then the failures by name.
print_table()
{
	awk -F'\t' -v kernel="$kernel" -v counts="$res/counts" '
		{
			suite = $1; sub(/\.[^.:]*$/, "", suite)
			if (!(suite in n)) order[++ns] = suite
			n[suite]++
			if ($2 == "PASS") { p[suite]++; tp++ }
			else if ($2 == "SKIP") { s[suite]++; ts++ }
			else if ($2 == "XFAIL") { x[suite]++; tx++; xl = xl "  XFAIL  " $1 "\n" }
			else { f[suite]++; tf++; fl = fl "  " $2 "  " $1 "\n" }
		}
		END {
			printf "%-8s %-52s %5s %5s %5s %5s\n", "kernel", "suite", "pass", "fail", "xfail", "skip"
			for (i = 1; i <= ns; i++) {
				k = order[i]
				printf "%-8s %-52s %5d %5d %5d %5d\n", kernel, k, p[k], f[k], x[k], s[k]
			}
			printf "%s%s", xl, fl
			printf "%d %d %d %d\n", tp, tf, ts, tx >counts
		}'
}

# Each race stress's closing figures (seed, operations, mismatches; for
# dex-stress-memcg also what reclaim did in its cgroup), and the number of
# splat lines in the whole console, for the summary.
stress_figures()
{
	local tap name line
	for tap in "$res"/ksft-dex-stress*.tap; do
		[ -e "$tap" ] || continue
		name=${tap##*/ksft-}
		name=${name%.tap}
		line=$(grep -E '^# seed=[0-9]+ seconds=' "$tap" | tail -n 1) || continue
		echo "$name: ${line#\# }$(grep -h '^# memcg ' "$tap" | sed 's/^# memcg/;/' || true) splats=$(wc -l <"$res/splats.txt")$([ ! -s "$res/known-splats.txt" ] || echo " known=$(wc -l <"$res/known-splats.txt")")"
		# What went wrong, where a CI log is all there is to read.
		grep -E '^# (MISMATCH|error: )' "$tap" | head -n 8 | sed 's/^# /  /' || true
	done
}

# The splat's first lines, and the command that decodes its stack traces
# with the kernel's own scripts/decode_stacktrace.sh (as kunit.py says
# after a crash): this kernel's vmlinux and source tree. It holds until
# that build directory is rebuilt (revert-N kernels share the series').
show_splat()
{
	local src out
	src=$(kernel_src "$kernel")
	out=$(kernel_out "$kernel")
	echo "kernel splat in $res/console.txt:"
	head -n 5 "$res/splats.txt"
	echo "decode it with:"
	printf '  %s%q %q %q < %q\n' "${ARCH_CROSS_COMPILE:+CROSS_COMPILE=$ARCH_CROSS_COMPILE }" \
		"$src/scripts/decode_stacktrace.sh" "$out/vmlinux" "$src" "$res/console.txt"
}

# The known bugs of the base that this run hit, and the allocation failure
# reports of fault injection: not failures, but said.
show_known_splats()
{
	echo "expected splats, not counted as failures:"
	sed 's/^/  /; s/\t/\n    why: /' "$res/known-splats.txt"
}

main()
{
	remove_outputs
	raw_results | apply_xfail >"$res/results.tsv"
	print_table <"$res/results.tsv"
	echo "$RUN_ID" >"$res/run-id"
	mkdir -p "$(dirname "$(run_results)")"
	awk -F'\t' -v OFS='\t' -v run="$RUN_ID" -v base="$BASE" -v arch="$ARCH" -v k="$kernel" \
		'{ print run, base, arch, k, $1, $2 }' "$res/results.tsv" >>"$(run_results)"
	stress_figures
	[ ! -s "$res/filters" ] || echo "filtered run ($(paste -sd' ' "$res/filters")): tests/xfail entries that did not run are not checked"
	[ ! -s "$res/known-splats.txt" ] || show_known_splats
	[ ! -s "$res/splats.txt" ] || show_splat
	# A hang says nothing on the console: say it here, in one line.
	[ -f "$res/timeout" ] && echo "guest hung: killed after $(cat "$res/timeout")s (GUEST_TIMEOUT), console: $res/console.txt"
	return 0
}

main "$@"
