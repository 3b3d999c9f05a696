# The command line's surface: help, version, usage errors, the default
# database path and init.
. "$TOP_SRCDIR/tests/cli/lib.sh"

expect "--help exits 0" 0 --help
has "--help lists the commands" "$out" "backlinks PAGE"
has "--help names the database option" "$out" "--db FILE"
for c in init import list cat save history search links backlinks recent check backup help; do
	expect "help $c" 0 help "$c"
	has "help $c shows its usage" "$out" "usage: docday $c"
done
expect "--version" 0 --version
has "--version prints the version" "$out" "docday 0."
expect "unknown command is a usage error" 2 frobnicate now
one_line "unknown command: one line" "$err"
expect "unknown option is a usage error" 2 list --bogus
has "unknown option is named" "$err" "--bogus"
expect "missing argument is a usage error" 2 cat
expect "help for a missing command" 2 help nosuch
expect "bad --rev is a usage error" 2 cat home --rev x
expect "--rev 0 is a usage error" 2 cat home --rev 0

# Default place: $XDG_DATA_HOME, else ~/.local/share, created on first use.
unset DOCDAY_DB
expect "first use creates the default wiki" 0 list
[ -f "$HOME/.local/share/docday/wiki.db" ] && ok "default database is under ~/.local/share/docday" ||
	not_ok "default database is under ~/.local/share/docday"
has "first use says it created the wiki" "$err" "created a new wiki"
has "first use fills the sample wiki" "$out" "getting-started"
expect "second use is quiet" 0 list
same "second use says nothing on stderr" "$err" ""
export XDG_DATA_HOME="$TMP/xdg"
expect "XDG_DATA_HOME is honoured" 0 list
[ -f "$TMP/xdg/docday/wiki.db" ] && ok "database under XDG_DATA_HOME" || not_ok "database under XDG_DATA_HOME"
unset XDG_DATA_HOME
export DOCDAY_DB="$TMP/env.db"
expect "DOCDAY_DB is honoured" 0 list
[ -f "$TMP/env.db" ] && ok "database at DOCDAY_DB" || not_ok "database at DOCDAY_DB"
expect "--db wins over DOCDAY_DB" 0 --db "$TMP/opt.db" list
[ -f "$TMP/opt.db" ] && ok "database at --db" || not_ok "database at --db"

# init
expect "init --empty" 0 --db "$TMP/empty.db" init --empty
expect "an empty wiki lists nothing" 0 --db "$TMP/empty.db" list
same "no pages in an empty wiki" "$out" ""
expect "init refuses an existing wiki" 1 --db "$TMP/empty.db" init
has "init says it exists" "$err" "already exists"
expect "init with the sample" 0 --db "$TMP/s.db" init
expect "sample wiki has Home" 0 --db "$TMP/s.db" cat home
has "Home starts with its title" "$out" "# Home"

# configure linked SQLite, cmark-gfm, ncursesw and zlib statically (a
# process starts ~0.6 ms sooner): the program loads none of them
if [ "${DD_STATIC_DEPS:-}" = yes ] && command -v readelf >/dev/null; then
	needed=$(readelf -d "$DOCDAY" | grep NEEDED)
	case $needed in
	*sqlite* | *cmark* | *ncurses* | *tinfo* | *libz.so*) not_ok "static deps: no shared SQLite, cmark-gfm, ncursesw, zlib" "$needed" ;;
	*) ok "static deps: no shared SQLite, cmark-gfm, ncursesw, zlib" ;;
	esac
else
	skip "static deps: no shared SQLite, cmark-gfm, ncursesw, zlib" "configured with --disable-static-deps, or no readelf"
fi

done_testing
