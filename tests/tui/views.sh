# The other views: help, index, recent, backlinks, outline, open by name;
# quitting by signal; NO_COLOR; an unknown TERM; docday view.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init >/dev/null 2>&1
start 100 30 "$DOCDAY" --db "$DB"
see "starts" "Welcome to docday"
keys h
see "h shows the help, printed from the key table" "next-link"
has "help lists Tab for next-link" "$(screen)" "Tab"
keys q
see "q closes the help" "Home  r1"
keys i
see "i shows the index" "Index of pages, by title"
has "the index lists pages" "$(screen)" "Getting Started"
keys S
see "S sorts the index by last change" "by last change"
keys q R
see "R shows recent changes" "Recent changes"
keys q L
see "L shows backlinks with context" "Pages linking to home"
has "backlinks show a line of the linking page" "$(screen)" "Getting Started:"
keys q t
see "t shows the outline" "Outline"
has "the outline lists headings" "$(screen)" "A short guide to the pages"
keys j Enter
see "choosing a heading closes the outline" "Home  r1"
keys o "getting-s" Tab
see "o completes a page name" "getting-started"
keys Enter
see "o opens the page" "Getting Started  r1"
keys o "no such page" Enter
see "opening a missing page says so" "no page named"
has "and stays where it was" "$(status)" "Getting Started  r1"
keys x
see "an unbound key says how to get help" "press h for help"
keys C-c
see "Ctrl-C quits cleanly" "EXITED 0"

start 80 24 "$DOCDAY" --db "$DB"
see "starts again" "Welcome to docday"
signal TERM
see "SIGTERM leaves cleanly" "EXITED 0"

start 80 24 env NO_COLOR=1 "$DOCDAY" --db "$DB"
see "NO_COLOR runs" "Welcome to docday"
keys Q
see "Q quits" "EXITED 0"

TUI_TERM=no-such-terminal start 80 24 "$DOCDAY" --db "$DB"
see "an unknown TERM falls back with a message" "unknown terminal type"
keys Q

printf '# One\n\nGo to [the other](other.md).\n' >"$TMP/one.md"
printf '# Other\n\nArrived.\n' >"$TMP/other.md"
start 80 24 "$DOCDAY" view "$TMP/one.md"
see "view opens a file" "Go to the other"
keys Tab Enter
see "view follows a relative .md link" "Arrived."
keys B
see "and goes back" "Go to the other"
keys q
see "view quits" "EXITED 0"
done_testing
