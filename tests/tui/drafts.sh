# Drafts: an editor killed by a dropped connection (SIGHUP) keeps its
# text; the next edit of that page offers it back.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Plan\n\nstep one\n' | "$DOCDAY" --db "$DB" save plan >/dev/null
start 80 20 "$DOCDAY" --db "$DB" plan
see "opens the page" "Plan  r1"
keys e M-/ "unsaved words from a dying session"
see "typed in the editor" "unsaved words from a dying session"
pane=$(tmux -S "$SOCK" display-message -p -t t '#{pane_pid}')
tmux -S "$SOCK" kill-server # the terminal goes away: SIGHUP
for _ in $(seq 50); do pgrep -P "$pane" -x docday >/dev/null || break; sleep 0.1; done
pgrep -P "$pane" -x docday >/dev/null && not_ok "docday ended on SIGHUP" || ok "docday ended on SIGHUP"
run --db "$DB" cat plan
hasnt "nothing was saved as a revision" "$out" "unsaved words"
sqlite3 "$DB" "SELECT body FROM drafts" >"$TMP/draft" 2>/dev/null
has "the text is kept as a draft" "$(cat "$TMP/draft")" "unsaved words from a dying session"

start 80 20 "$DOCDAY" --db "$DB" plan
see "a new session opens the page" "Plan  r1"
keys e
see "editing offers the draft" "You have an unsaved draft of this page"
keys d Enter
see "d shows the draft against the page" "Your draft against the page"
has "the diff shows the draft's words" "$(screen)" "+unsaved words from a dying session"
keys q e
see "the offer comes again" "You have an unsaved draft"
keys r Enter
see "r restores the draft into the editor" "unsaved words from a dying session"
keys C-s "recovered" Enter
see "the restored draft saves" "Plan  r2"
run --db "$DB" cat plan
has "the recovered text is in the page" "$out" "unsaved words from a dying session"
same "the draft is gone after the save" "$(sqlite3 "$DB" "SELECT count(*) FROM drafts")" 0

# A draft can be discarded.
keys e M-/ "more"
sleep 3.5 # the autosave interval
keys C-x y Enter
see "left without saving" "Plan  r2"
same "leaving without saving discards the draft" "$(sqlite3 "$DB" "SELECT count(*) FROM drafts")" 0
keys Q
see "quits" "EXITED 0"
done_testing
