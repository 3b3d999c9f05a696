# Shared helpers for the command-line tests: each test script sources this,
# gets a private HOME and database, and reports in TAP.
#   $DOCDAY     the built program (set by make check)
#   $TOP_SRCDIR the source tree
set -u
: "${DOCDAY:?run through make check (DOCDAY is not set)}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/docday-test.XXXXXX")
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
export HOME="$TMP/home" DOCDAY_DB="$TMP/wiki.db" LC_ALL=C.UTF-8 TZ=UTC
unset XDG_DATA_HOME NO_COLOR
mkdir -p "$HOME"
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
not_ok() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; }

# run CMD...: runs docday with the arguments; sets $out, $err, $rc.
run() {
	"$DOCDAY" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# expect NAME CODE CMD...: runs docday and checks the exit code.
expect() {
	local name=$1 code=$2
	shift 2
	run "$@"
	if [ "$rc" = "$code" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc, wanted $code: docday $*" "stdout: $(head -c 300 "$TMP/out")" \
			"stderr: $(head -c 300 "$TMP/err")"
	fi
}

# has NAME HAYSTACK NEEDLE: a fixed-string match.
has() {
	case $2 in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "wanted: $3" "got: $(printf '%s' "$2" | head -c 400)" ;;
	esac
}
hasnt() {
	case $2 in
	*"$3"*) not_ok "$1" "did not want: $3" "got: $(printf '%s' "$2" | head -c 400)" ;;
	*) ok "$1" ;;
	esac
}
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
# one_line NAME TEXT: exactly one line of output (an error message).
one_line() {
	if [ -n "$2" ] && [ "$(printf '%s\n' "$2" | wc -l)" = 1 ]; then ok "$1"; else not_ok "$1" "got: $2"; fi
}
