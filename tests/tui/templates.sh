# New pages from templates: c asks which Templates/ page to start from,
# placeholders are filled; Enter gives the built-in default (title heading).
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Home\n\nHello.\n' | "$DOCDAY" --db "$DB" save home >/dev/null
start 80 24 "$DOCDAY" --db "$DB" --user tess home
see "opens the page" "Home  r1"
keys c "Plain Page" Enter
see "the editor opens on the default without templates" "Editing Plain Page (new page)"
see "the default starts with the title as heading" "# Plain Page"
keys C-x
printf '# {{title}}\n\nWritten by {{author}}.\n\n## Agenda\n' |
	"$DOCDAY" --db "$DB" save "Templates/Meeting notes" >/dev/null
keys c "Standup 12" Enter
see "c offers the templates" "Start from: Enter plain, 1 Meeting notes"
keys 1 Enter
see "the template's text is in the editor" "## Agenda"
see "its title placeholder is filled" "# Standup 12"
see "its author placeholder is filled" "Written by tess."
keys C-s "from a template" Enter
see "saved" "Standup 12  r1"
run --db "$DB" cat standup-12
same "the page has the filled template" "$out" "# Standup 12

Written by tess.

## Agenda"
keys c "Other" Enter
see "the choice again" "Start from:"
keys Enter
see "Enter takes the default" "# Other"
keys C-x
# n is find-next once something was searched for, else a new page (as c)
keys n "By N" Enter
see "n with no search asks for a new page too" "Start from:"
keys Enter
see "and opens the editor on it" "Editing By N (new page)"
keys C-x
keys / "Agenda" Enter
see "a search in the page" "match 1 of 1"
keys n
see "then n is the next match" "wrapped to the top: match 1 of 1"
case "$(screen)" in
*"New page title"*) not_ok "and not a new page" "$(screen)" ;;
*) ok "and not a new page" ;;
esac
keys Q
see "quits" "EXITED 0"
done_testing
