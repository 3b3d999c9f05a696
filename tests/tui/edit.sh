# Editing in the TUI: edit and save with a summary, create a page from a
# missing link, leave without saving, and a concurrent save that conflicts
# and is resolved in the editor.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Notes\n\nline one\n\nSee [[Wanted Page]].\n' | "$DOCDAY" --db "$DB" save notes >/dev/null
start 80 24 "$DOCDAY" --db "$DB" notes
see "opens the page" "Notes  r1"
keys e
see "e opens the editor" "Editing notes"
keys M-/ "Added at the end."
see "typing shows in the editor" "Added at the end."
see "the modified marker shows" "[modified]"
keys C-s
see "Ctrl-S asks for a summary" "Summary of the change"
keys "wrote more" Enter
see "saving returns to the page at the new revision" "Notes  r2"
see "and says so" "saved revision 2"
run --db "$DB" history notes
has "the summary is in the history" "$(printf '%s\n' "$out" | head -1)" "wrote more"
run --db "$DB" cat notes
has "the text was saved" "$out" "Added at the end."

# A missing link offers to create the page.
for _ in $(seq 10); do
	screen | tail -1 | grep -q "wanted-page" && break
	keys Tab
	sleep 0.1
done
keys Enter
see "following a missing link offers to create it" "does not exist yet. Create it?"
keys y Enter
see "the new page opens in the editor" "Editing Wanted Page (new page)"
keys C-s "new page" Enter
see "the new page is saved and shown" "Wanted Page  r1"
run --db "$DB" list
has "it is in the wiki" "$out" "wanted-page	Wanted Page	1"

# Leaving with unsaved changes asks first.
keys e "scratch"
keys C-x
see "leaving unsaved work asks" "Leave without saving"
keys n Enter
see "answering no stays in the editor" "Editing wanted-page"
keys C-x y Enter
see "answering yes leaves" "Wanted Page  r1"
run --db "$DB" history wanted-page
same "nothing was saved" "$(printf '%s\n' "$out" | wc -l)" 1

# Someone else saves the same line while we edit: conflict, resolve, save.
keys o "notes" Enter
see "back on notes" "Notes  r2"
keys e M-\\ Down Down C-e " (tui)"
see "editing line one" "line one (tui)"
"$DOCDAY" --db "$DB" notes >/dev/null 2>&1
"$DOCDAY" --db "$DB" cat notes | sed 's/^line one$/line ONE (cli)/' |
	"$DOCDAY" --db "$DB" save notes -m "from the shell" >/dev/null 2>&1
keys C-s "from the tui" Enter
see "the conflict is shown in the editor" "<<<<<<<"
see "and explained" "resolve the <<<<<<< marked places"
has "our own text is kept as a draft meanwhile" "$(sqlite3 "$DB" "SELECT body FROM drafts WHERE slug = 'notes'")" "line one (tui)"
keys C-s "still marked" Enter
see "markers cannot be saved" "still has conflict markers"
keys M-\\ Down Down C-k Down C-k Down C-k
keys C-s "both lines" Enter
see "the resolved text saves" "Notes  r4"
run --db "$DB" cat notes
has "our line is in" "$out" "line one (tui)"
has "their line is in" "$out" "line ONE (cli)"
hasnt "no markers are left" "$out" "<<<<<<<"
keys Q
see "quits" "EXITED 0"
done_testing
