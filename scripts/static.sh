#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# static.sh (make static; a stage of make check-full): the static checks a
# posted series meets within hours, run at every patch of the series on
# the kernel objects of the C files the series changes, and on the same
# objects of the unpatched base:
#   W=1         gcc's extra warnings (the kernel test robot builds with it)
#   sparse      C=2 with Debian's sparse (the robot's C=1)
#   coccicheck  the tree's scripts/coccicheck in report mode, through
#               C=2 CHECK=scripts/coccicheck, as a maintainer runs it
#   build       (STATIC_CHECKS=build, for scripts/coverage.sh) the plain
#               build's warnings and errors, in another configuration
# A finding is a "warning:" or "error:" line with its line and column
# dropped. A patch fails when any of these lines shows up more often than
# at the base (in a file the series adds, any finding is new); the run
# then exits 1, naming the patch and the lines. A new finding that the
# base's allow list (tests/static-allow, tests/static-allow-mainline, ...)
# names, as "CHECK FINDING" after comment lines that say why, is counted
# apart; an entry that the last patch does not show fails the run, so
# that the list cannot rot.
#
# The headers the series changes are checked through the objects that
# include them (W=1 and sparse); coccicheck reads the C files alone, as it
# does in make coccicheck. An object is checked again at a patch that
# changes its C file or anything but C files (a header, a Kconfig); else
# its findings are those of the previous patch. coccicheck depends on the
# C file and the semantic patches alone: its findings are kept in
# build/static-cache by the file's blob, the semantic patches' tree and
# spatch's version, so each version of a file is read once.
#
# The configuration is the series kernel's (config.sh series), built in a
# directory of its own (KERNEL series+static, config/static.config) so
# that the boot kernels' objects are not rebuilt with W=1. Results:
# build/results/static-BASE-ARCH/{table.txt,NNNN.txt,counts}. Knobs:
# STATIC_CHECKS ("w1 sparse cocci", or a subset, or "build"),
# STATIC_KERNEL (the kernel whose configuration and build directory are
# used, series+static; scripts/coverage.sh gives its rows), STATIC_OUT
# (the results directory), BASE, ARCH.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KERNEL=${STATIC_KERNEL:-series+static}
CHECKS=${STATIC_CHECKS:-w1 sparse cocci}
OUTDIR=${STATIC_OUT:-$BUILD/results/static-$BASE_TAG$ARCH}
CACHE=$BUILD/static-cache
LOG=$LOGS/$(basename "$OUTDIR").log
OBJECTS=()
# The base's allow list: beside its xfail list (BASE_XFAIL).
ALLOW=$(beside_xfail "$BASE_XFAIL" static-allow)

# check_label CHECK: the name the table prints.
check_label()
{
	case $1 in
	w1) echo "W=1" ;;
	sparse) echo "sparse" ;;
	cocci) echo "coccicheck" ;;
	build) echo "build" ;;
	esac
}

# findings: the warning and error lines of a build's output that name a
# source position (spatch's own notes on the semantic patches name none),
# with the build directory's "../" and the positions dropped, sorted.
findings()
{
	{ grep -E '^[^ :]+\.[chSo]:([0-9]+[:-]?)*[^:]*:? *(warning|error|WARNING|ERROR)' || true; } |
		sed -E -e 's#^(\.\./)+##' -e "s#^$SRC/##" \
			-e 's/^([^: ]+):[0-9]+(:[0-9]+)?(-[0-9]+)?:/\1:/' \
			-e 's/ at lines? [0-9, ]+/ at line N/g' |
		sort
}

# The objects of the series' C files that this configuration builds: the
# image is built at the last patch first (its .o files tell), with the
# plain flags, so ccache serves what the boot kernels built. A file the
# image leaves out (a module's, as nouveau_svm.c with DRM=m) is built on
# its own, and checked if that works.
series_objects()
{
	local f o out
	out=$(kernel_out "$KERNEL")
	for f in $(git -C "$SRC" diff --name-only base series -- '*.c' ':!tools' ':!Documentation'); do
		o=${f%.c}.o
		[ -f "$out/$o" ] || kmake "$KERNEL" "$o" >>"$LOG" 2>&1 || true
		[ -f "$out/$o" ] && echo "$o"
	done
	return 0
}

# The sparse the tree accepts. 7.x's Makefile runs C= only with a sparse
# that knows __typeof_unqual__ (scripts/checker-valid.sh), and Debian 12's
# 0.6.4 does not: it then skips the check with one line, and a run would
# count no finding. So when the tree has that check and the machine's
# sparse fails it, Debian unstable's sparse source package is fetched
# (apt-get source through a private deb-src list in build/apt-sid-src,
# sid and the archive as scripts/base/mainline.sh takes them; the
# machine's apt setup is not touched) and its sparse program built into
# build/sparse/ (seconds; its binary package needs a newer C library).
SPARSE=sparse

sparse_valid()
{
	local check=$SRC/scripts/checker-valid.sh
	[ -f "$check" ] || return 0
	[ "$(sh "$check" "$1" 2>/dev/null)" = 1 ]
}

sparse_version()
{
	if [ "$SPARSE" != sparse ] && [ -f "$BUILD/sparse/version" ]; then
		cat "$BUILD/sparse/version"
	else
		"$SPARSE" --version
	fi
}

choose_sparse()
{
	local apt=$BUILD/apt-sid-src dir=$BUILD/sparse opts dsc
	if sparse_valid sparse; then
		SPARSE=sparse
	elif [ -x "$dir/bin/sparse" ] && sparse_valid "$dir/bin/sparse"; then
		SPARSE=$dir/bin/sparse
	else
		stage "static: $(sparse --version) fails the tree's scripts/checker-valid.sh: building Debian unstable's sparse"
		rm -rf "$apt" "$dir"
		mkdir -p "$apt"/{sources,lists/partial,cache/archives/partial,pkg} "$dir/bin"
		(BASE=mainline; base_load; base_apt_source) | sed 's/^Types: deb$/Types: deb-src/' \
			>"$apt/sources/sid-src.sources"
		opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/sources"
			-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
			-o Dir::State::status=/var/lib/dpkg/status -o Debug::NoLocking=1)
		run_logged "$LOGS/sparse.log" apt-get "${opts[@]}" update ||
			die "apt-get update of sid's sources failed (log: $LOGS/sparse.log)"
		(cd "$apt/pkg" && run_logged "$LOGS/sparse.log" apt-get "${opts[@]}" source --download-only sparse) ||
			die "apt-get source sparse failed (log: $LOGS/sparse.log)"
		dsc=$(ls "$apt"/pkg/sparse_*.dsc)
		run_logged "$LOGS/sparse.log" dpkg-source -x "$dsc" "$dir/src" ||
			die "dpkg-source -x $dsc failed (log: $LOGS/sparse.log)"
		# CC: the package's patch names sid's gcc-16; sparse built with
		# the machine's gcc takes that gcc's header directories.
		run_logged "$LOGS/sparse.log" make -C "$dir/src" -j"$(nproc)" sparse CC=gcc \
			HAVE_LIBXML=no HAVE_SQLITE=no HAVE_GTK=no HAVE_LLVM=no ||
			die "building sid's sparse failed (log: $LOGS/sparse.log)"
		cp "$dir/src/sparse" "$dir/bin/sparse"
		# Its --version says 0.6.4 (no git tag in the tarball): the
		# package's version is what names it.
		basename "$dsc" .dsc >"$dir/version"
		sparse_valid "$dir/bin/sparse" ||
			die "sid's sparse ($(basename "$dsc")) fails the tree's scripts/checker-valid.sh too"
		SPARSE=$dir/bin/sparse
	fi
	stage "static: sparse $(sparse_version) ($SPARSE), $(spatch --version | head -n 1)"
}

# cocci_key OBJ COMMIT: what coccicheck's findings on OBJ's C file depend on.
cocci_key()
{
	local src=${1%.o}.c
	{
		git -C "$SRC" rev-parse "$2:$src" "$2:scripts/coccinelle" "$2:scripts/coccicheck"
		spatch --version | head -n 1
	} | sha256sum | cut -d' ' -f1
}

# check_objects COMMIT OBJ...: the findings of each check on each OBJ at
# COMMIT, into $OUTDIR/now/OBJ.CHECK (a / in OBJ as %).
check_objects()
{
	local commit=$1 o name key out
	shift
	out=$(kernel_out "$KERNEL")
	[ $# != 0 ] || return 0
	"$TOP/scripts/config.sh" "$KERNEL"
	for o in "$@"; do
		name=${o//\//%}
		# build: the plain compile; one that fails is a finding (its
		# error lines, and a line that names the object), not the end.
		case " $CHECKS " in *" build "*)
			rm -f "$out/$o"
			kmake "$KERNEL" "$o" >"$OUTDIR/build.out" 2>&1 ||
				echo "$o: error: does not build" >>"$OUTDIR/build.out"
			cat "$OUTDIR/build.out" >>"$LOG"
			findings <"$OUTDIR/build.out" >"$OUTDIR/now/$name.build"
			;;
		esac
		# W=1: the object compiled again, alone, so that every line is
		# its own (ccache replays the warnings of a hit).
		case " $CHECKS " in *" w1 "*|*" sparse "*)
			rm -f "$out/$o"
			kmake "$KERNEL" W=1 "$o" >"$OUTDIR/build.out" 2>&1 || {
				cat "$OUTDIR/build.out" >>"$LOG"
				show_errors "$LOG"
				die "static: $o does not build with W=1 at $commit"
			}
			cat "$OUTDIR/build.out" >>"$LOG"
			findings <"$OUTDIR/build.out" >"$OUTDIR/now/$name.w1"
			;;
		esac
		# sparse: C=2 checks the source of an object that is up to date.
		case " $CHECKS " in *" sparse "*)
			kmake "$KERNEL" W=1 C=2 CHECK="$SPARSE" "$o" >"$OUTDIR/build.out" 2>&1 ||
				{ cat "$OUTDIR/build.out" >&2; die "static: sparse on $o fails at $commit"; }
			cat "$OUTDIR/build.out" >>"$LOG"
			! grep -q 'sparse is not available' "$OUTDIR/build.out" ||
				die "static: the kernel's make skipped sparse on $o: $(grep 'sparse is not available' "$OUTDIR/build.out")"
			findings <"$OUTDIR/build.out" >"$OUTDIR/now/$name.sparse"
			;;
		esac
		case " $CHECKS " in *" cocci "*)
			key=$(cocci_key "$o" "$commit")
			if [ ! -f "$CACHE/$key" ]; then
				mkdir -p "$CACHE"
				kmake "$KERNEL" W=1 C=2 CHECK="$SRC/scripts/coccicheck" MODE=report "$o" \
					>"$OUTDIR/build.out" 2>&1 ||
					{ cat "$OUTDIR/build.out" >&2; die "static: coccicheck on $o fails at $commit"; }
				cat "$OUTDIR/build.out" >>"$LOG"
				mv "$OUTDIR/build.out" "$CACHE/$key"
			fi
			findings <"$CACHE/$key" >"$OUTDIR/now/$name.cocci"
			;;
		esac
	done
}

# all_findings CHECK: every object's current findings of CHECK.
all_findings()
{
	local f
	for f in "$OUTDIR"/now/*."$1"; do
		[ -f "$f" ] && cat "$f"
	done | sort
	return 0
}

# allowed CHECK: the findings of CHECK that the allow list names.
allowed()
{
	[ -f "$ALLOW" ] || return 0
	sed -n "s/^$1 //p" "$ALLOW" | sort
}

# new_findings BASEFILE NOWFILE: the lines NOWFILE has more often than
# BASEFILE. BASEFILE is told by its name: "NR == FNR" would hold all
# through NOWFILE when BASEFILE is empty (a base without a finding, an
# allow list without an entry for the check), and then no finding would
# ever be new.
new_findings()
{
	awk 'FILENAME == ARGV[1] { n[$0]++; next } { if (n[$0]-- <= 0) print }' "$1" "$2"
}

main()
{
	local commits n i=0 patch commit prev o objs c bad=0 t
	local -A total_new=()
	[ -f "$STATE" ] && [ "$(cut -d' ' -f2 "$STATE")" = "$(git -C "$SRC" rev-parse series)" ] &&
		tree_clean || die "$SRC differs from patches/: 'make tree' (or 'make export') first"
	for c in $CHECKS; do
		case $c in w1|sparse|cocci|build) ;; *) die "STATIC_CHECKS: '$c' is not one of w1 sparse cocci build" ;; esac
	done
	case " $CHECKS " in *" sparse "*) command -v sparse >/dev/null || die "no sparse: scripts/deps.sh static" ;; esac
	case " $CHECKS " in *" cocci "*) command -v spatch >/dev/null || die "no spatch: scripts/deps.sh static" ;; esac
	rm -rf "$OUTDIR"
	mkdir -p "$OUTDIR/now" "$LOGS"
	: >"$LOG"
	case " $CHECKS " in *" sparse "*) choose_sparse ;; esac
	trap back_to_series EXIT
	mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..series)
	n=${#commits[@]}

	t=$(date +%s)
	detach_at "${commits[$((n - 1))]}"
	"$TOP/scripts/config.sh" "$KERNEL"
	kmake "$KERNEL" "$(basename "$(arch_image)")" >>"$LOG" 2>&1 ||
		{ show_errors "$LOG"; die "static: the image does not build at the last patch"; }
	mapfile -t OBJECTS < <(series_objects)
	[ ${#OBJECTS[@]} != 0 ] || die "static: this configuration builds none of the series' C files"
	stage "static ($ARCH, $CHECKS): $n patches; objects: ${OBJECTS[*]} ($(( $(date +%s) - t ))s)"

	# The base: the objects whose C file it has.
	t=$(date +%s)
	detach_at base
	objs=()
	for o in "${OBJECTS[@]}"; do
		[ ! -f "$SRC/${o%.o}.c" ] || objs+=("$o")
	done
	check_objects base "${objs[@]}"
	for c in $CHECKS; do all_findings "$c" >"$OUTDIR/base.$c"; done
	stage "static: base checked ($(( $(date +%s) - t ))s): $(for c in $CHECKS; do printf '%s %s  ' "$(check_label "$c")" "$(wc -l <"$OUTDIR/base.$c")"; done)"

	prev=base
	for patch in $(series_patches); do
		i=$((i + 1))
		commit=${commits[$((i - 1))]}
		t=$(date +%s)
		detach_at "$commit"
		objs=()
		# (Not "| grep -q": under pipefail, git's SIGPIPE would take
		# the C-files-only branch.)
		if [ -n "$(git -C "$SRC" diff --name-only "$prev" "$commit" -- ':!*.c' ':!tools' ':!Documentation')" ]; then
			# Headers, Kconfig or Makefiles changed: every object.
			for o in "${OBJECTS[@]}"; do
				[ ! -f "$SRC/${o%.o}.c" ] || objs+=("$o")
			done
		else
			for o in "${OBJECTS[@]}"; do
				git -C "$SRC" diff --quiet "$prev" "$commit" -- "${o%.o}.c" || objs+=("$o")
			done
		fi
		check_objects "$commit" "${objs[@]}"
		{
			echo "$patch"
			for c in $CHECKS; do
				all_findings "$c" >"$OUTDIR/now.$c"
				new_findings "$OUTDIR/base.$c" "$OUTDIR/now.$c" >"$OUTDIR/new-all.$c"
				allowed "$c" >"$OUTDIR/allow.$c"
				new_findings "$OUTDIR/allow.$c" "$OUTDIR/new-all.$c" >"$OUTDIR/new.$c"
				if [ -s "$OUTDIR/new.$c" ]; then
					total_new[$c]=$(( ${total_new[$c]:-0} + 1 ))
					echo "new $(check_label "$c") findings:"
					sed 's/^/  /' "$OUTDIR/new.$c"
				fi
			done
		} >"$OUTDIR/$(printf '%04d' "$i").txt"
		if grep -q '^new ' "$OUTDIR/$(printf '%04d' "$i").txt"; then
			cat "$OUTDIR/$(printf '%04d' "$i").txt" >&2
			bad=$((bad + 1))
			stage "static $i/$n NEW FINDINGS ($(( $(date +%s) - t ))s, ${#objs[@]} objects): $patch"
		else
			stage "static $i/$n ok ($(( $(date +%s) - t ))s, ${#objs[@]} objects): $patch"
		fi
		prev=$commit
	done
	back_to_series

	# Allow-list entries the last patch does not show.
	local stale=0 line
	for c in $CHECKS; do
		while IFS= read -r line; do
			grep -qxF -- "$line" "$OUTDIR/new-all.$c" || {
				echo "static: $ALLOW: '$c $line' is not a new finding at the last patch: remove it" >&2
				stale=$((stale + 1))
			}
		done < <(allowed "$c")
	done
	[ "$stale" = 0 ] || bad=$((bad + 1))

	{
		echo "static checks ($KERNEL), $BASE ($(base_version 2>/dev/null || echo "?")), $ARCH, $n patches"
		echo "objects: ${OBJECTS[*]}"
		printf '%-12s %6s %8s %8s %8s %20s\n' check base series new allowed "patches adding some"
		for c in $CHECKS; do
			printf '%-12s %6s %8s %8s %8s %20s\n' "$(check_label "$c")" \
				"$(wc -l <"$OUTDIR/base.$c")" "$(wc -l <"$OUTDIR/now.$c")" \
				"$(wc -l <"$OUTDIR/new.$c")" "$(allowed "$c" | wc -l)" "${total_new[$c]:-0}"
		done
	} | tee "$OUTDIR/table.txt"
	# make check-full's summary row: a check passes when no patch adds a
	# finding of it.
	local passed=0 failed=0
	for c in $CHECKS; do
		if [ "${total_new[$c]:-0}" = 0 ] && [ "$stale" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	done
	echo "$passed $failed 0 0" >"$OUTDIR/counts"
	[ "$bad" = 0 ] || die "static: new findings at $bad of $n patches (above; $OUTDIR)"
}

# Sourced (by the harness self-test static-findings), only the functions.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
