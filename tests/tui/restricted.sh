# The outside editor (v), and the ways out that restricted and read-only
# sessions must not have.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Page\n\ntext\n' | "$DOCDAY" --db "$DB" save page >/dev/null
cat >"$TMP/editor.sh" <<'ED'
#!/bin/sh
printf 'Appended outside.\n' >>"$1"
ED
chmod +x "$TMP/editor.sh"

start 80 20 env EDITOR="$TMP/editor.sh" "$DOCDAY" --db "$DB" page
see "opens" "Page  r1"
keys v
see "v runs the editor, then asks for a summary" "Summary of the change"
keys "from outside" Enter
see "and saves" "Page  r2"
run --db "$DB" cat page
has "the outside edit is saved" "$out" "Appended outside."
keys Q
see "quits" "EXITED 0"

start 80 20 env EDITOR="$TMP/editor.sh" "$DOCDAY" --restricted --db "$DB" page
see "restricted opens" "Page  r2"
keys v
see "restricted: no outside editor" "no outside editor in restricted mode"
keys C-z
sleep 0.5
pane=$(tmux -S "$SOCK" display-message -p -t t '#{pane_pid}')
state=$(ps -o stat= -p "$(pgrep -P "$pane" -x docday)" 2>/dev/null)
case $state in
*T*) not_ok "restricted: Ctrl-Z does not suspend" "state $state" ;;
*) ok "restricted: Ctrl-Z does not suspend" ;;
esac
keys j
see "restricted: still running after Ctrl-Z" "Page  r2"
keys Q
see "restricted quits" "EXITED 0"

start 80 20 "$DOCDAY" --read-only --db "$DB" page
see "read-only opens" "Page  r2"
keys e
see "read-only: no editor" "this session is read-only"
keys c
see "read-only: no new page" "this session is read-only"
keys Q
see "read-only quits" "EXITED 0"
done_testing
