#!/bin/sh
# docday's one set-up script: installs what is missing (Debian 12, as root),
# builds, and then either opens docday on the sample wiki or runs the tests.
#
#   ./setup.sh run     install, build, open the TUI on the sample wiki
#   ./setup.sh check   install, build, run the whole test suite (make check)
#                      and the style and static-analysis gates (make
#                      format-check, make cppcheck),
#                      then again from the release tarball under AddressSanitizer
#                      and UBSan (make distcheck --enable-asan), then each
#                      libFuzzer target for 60 s (tests/fuzz/run.sh; FUZZ_SECONDS)
#   ./setup.sh build   install and build only
#
# It is idempotent: a second run installs nothing and rebuilds only what
# changed.
set -eu
cd "$(dirname "$0")"

# Build dependencies, by Debian package name; the test suite needs more
# (installed by "check" only: openssh-server would start a system sshd).
PACKAGES="build-essential autoconf automake pkg-config
libncurses-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev libgit2-dev
zlib1g-dev
"
TEST_PACKAGES="tmux python3 sqlite3 git tidy chromium openssh-server openssh-client
clang libclang-rt-14-dev clang-format cppcheck
xvfb kitty kitty-terminfo python3-gi gir1.2-vte-2.91 gir1.2-gtk-3.0"
[ "${1:-run}" = check ] && PACKAGES="$PACKAGES $TEST_PACKAGES"

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	if [ "$(id -u)" != 0 ]; then
		echo "setup: these Debian packages are missing:$missing; run this as root or install them with apt-get" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >&2
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
	./configure -q
fi
make -s -j"$(nproc 2>/dev/null || echo 2)"

case "${1:-run}" in
run)
	shift 2>/dev/null || true
	exec ./src/docday "$@"
	;;
check)
	make -s -j"$(nproc 2>/dev/null || echo 2)" check
	# The style and static-analysis gates, counted in .ci/run's summary.
	rm -f tests/lint.trs
	for gate in format-check cppcheck; do
		if make -s "$gate"; then
			echo ":test-result: PASS make $gate" >>tests/lint.trs
		else
			echo ":test-result: FAIL make $gate" >>tests/lint.trs
			echo "setup: make $gate failed ('make format' formats the sources)" >&2
			exit 1
		fi
	done
	echo "setup: the test suite again, from the tarball, under ASan and UBSan" >&2
	make -s distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-asan >distcheck.log 2>&1 || {
		tail -60 distcheck.log
		grep -h -B2 -A20 'Sanitizer\|runtime error\|^FAIL\|^ERROR' \
			docday-*/_build/sub/test-suite.log 2>/dev/null | head -80
		echo "setup: make distcheck (ASan) failed; see distcheck.log" >&2
		exit 1
	}
	grep -E '^# (TOTAL|PASS|FAIL|ERROR):' distcheck.log | sed 's/^/distcheck (ASan) /' >&2
	# The fuzzers, two at a time on two cores; their results join the
	# summary that .ci/run prints (automake's .trs format).
	echo "setup: each libFuzzer target for ${FUZZ_SECONDS:-60} s (tests/fuzz/run.sh)" >&2
	rm -f tests/fuzz/ci.trs
	FUZZ_JOBS=$(nproc 2>/dev/null || echo 2) FUZZ_TRS=$PWD/tests/fuzz/ci.trs \
		FUZZ_SECONDS=${FUZZ_SECONDS:-60} sh tests/fuzz/run.sh
	;;
build) ;;
*)
	echo "usage: ./setup.sh [run|check|build]" >&2
	exit 2
	;;
esac
