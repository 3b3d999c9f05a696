#!/bin/sh
# Builds docday for fuzzing away from the source tree and runs every
# libFuzzer target:
#
#   tests/fuzz/run.sh                 60 s per target
#   FUZZ_SECONDS=600 tests/fuzz/run.sh
#
# Copies the source tree (without .git and without anything a build left
# in it) to a temporary folder, regenerates the build system there, and
# configures a separate (VPATH) build with CC=clang --enable-fuzzing; then
# `make fuzz`.  Exits non-zero on a finding (make fuzz prints where the
# reproducers are).  Set KEEP=1 to keep the build folder.  Needs clang with
# libFuzzer (Debian: clang, libclang-rt-14-dev) and autoconf/automake.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/docday-fuzzbuild.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
	echo "run.sh: building in $tmp (kept)" >&2
else
	trap 'rm -rf "$tmp"' EXIT INT TERM
fi
jobs=$(nproc 2>/dev/null || echo 2)

# The tree, without the repository and without a build's products.
mkdir "$tmp/src"
(cd "$src" && tar --exclude=./.git --exclude='*.o' --exclude='*.a' --exclude=.deps \
	--exclude=.dirstamp --exclude=autom4te.cache --exclude='*.log' --exclude='*.trs' \
	--exclude='./docday-*' --exclude=./bench/out --exclude=./tests/export/out \
	--warning=no-file-changed -cf - .) | (cd "$tmp/src" && tar -xf -)
(cd "$tmp/src" &&
	rm -f Makefile config.status src/docday src/sample_data.c tests/merge/merge_tool &&
	for f in tests/unit/test_* tests/fuzz/fuzz_*; do
		case $f in *.c | *.h | *.sh | *.dict) ;; *) rm -f "$f" ;; esac
	done &&
	autoreconf -fi >/dev/null 2>&1)

mkdir "$tmp/build"
cd "$tmp/build"
CC=clang "$tmp/src/configure" -q --enable-fuzzing
make -s -j"$jobs" >make.log 2>&1 || {
	tail -40 make.log
	echo "run.sh: the fuzzing build failed" >&2
	exit 1
}
make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
