# Renaming in the TUI: m on a page asks for the new title (the old one
# prefilled), renames, shows the page under its new name; links follow.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Setup\n\nHow to set up.\n' | "$DOCDAY" --db "$DB" save setup >/dev/null
printf '# Start\n\nFirst read [[Setup|the setup page]].\n' | "$DOCDAY" --db "$DB" save start >/dev/null
start 80 24 "$DOCDAY" --db "$DB" setup
see "opens the page" "Setup  r1"
keys m
see "m asks for the new title" "Rename to (links to it follow): Setup"
keys C-u "Setting Up" Enter
see "the page is shown under its new title" "Setting Up  r2"
see "the message says what happened" "links rewritten in 1 page"
run --db "$DB" cat start
has "the linking page was rewritten, label kept" "$out" "[[Setting Up|the setup page]]"
keys o "setup" Enter
see "the old name opens the renamed page" "Setting Up  r2"
keys i
see "the index lists the new title" "Setting Up"
keys m
see "m outside the page view says so" "m renames the page shown"
keys q
keys m C-u "Start" Enter
see "a clash is refused with a message" "already exists"
run --db "$DB" check
has "the wiki is consistent" "$out" "no problems"
keys Q
see "quits" "EXITED 0"
done_testing
