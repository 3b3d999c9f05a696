# Reading the sample wiki in the TUI: follow a link, go back, search the
# wiki, open a result, search in the page, resize, quit.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init >/dev/null 2>&1
start 100 30 "$DOCDAY" --db "$DB"
see "opens on Home" "Welcome to docday"
has "status line names the page and revision" "$(status)" "Home  r1 docday"
has "status line shows the position" "$(status)" "1-28/"

# Tab to the link to the talks page, then follow it.
for _ in $(seq 30); do
	screen | tail -1 | grep -q -- "-> talks" && break
	keys Tab
	sleep 0.15
done
has "Tab focuses a link and shows its target" "$(screen | tail -1)" "-> talks"
keys Enter
see "Enter follows the link to Talks and Papers" "Talks and Papers  r1"
keys B
see "B goes back to Home" "Home  r1"
has "back restores the focused link" "$(screen | tail -1)" "-> talks"
keys M-Right
see "Alt-Right goes forward again" "Talks and Papers  r1"

# Wiki search, open a result.
keys s
see "s prompts for a wiki search" "Search the wiki:"
keys "tracing" Enter
see "search results list pages" "Search: tracing"
has "results show snippets" "$(screen)" "tracing"
keys Enter
see "Enter opens the result with the match found" "match 1 of"

# Search in the page.
keys g / "Pyrite" Enter
see "/ searches the page and counts matches" "match 1 of"
keys n
see "n goes to the next match" "match 2 of"
keys N
see "N goes back" "match 1 of"
keys / "zzzznotthere" Enter
see "a missing word says so" "not found"

# Resize keeps the reading position and fits the new width.
keys g 20 j
sleep 0.3
before=$(screen | head -1)
tmux -S "$SOCK" resize-window -t t -x 50 -y 20
sleep 0.5
[ "$(widest)" -le 50 ] && ok "after resize no line is wider than 50" ||
	not_ok "after resize no line is wider than 50" "$(screen)"
has "status line survives resize" "$(status)" "r1"
tmux -S "$SOCK" resize-window -t t -x 10 -y 3
sleep 0.3
tmux -S "$SOCK" resize-window -t t -x 1 -y 1
sleep 0.3
tmux -S "$SOCK" resize-window -t t -x 100 -y 30
sleep 0.3
see "tiny sizes did not crash it" "r1"
[ -n "$before" ] && ok "had a reading position" || not_ok "had a reading position"

keys q
see "q quits" "EXITED 0"
done_testing
