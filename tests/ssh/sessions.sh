# Two people on one wiki over ssh, as the shared-account set-up in
# docs/sharing.md has it: a private sshd on 127.0.0.1, one key per writer,
# each key forced to `docday --restricted --user NAME --db DB`.  Both edit
# one page at once (different lines merge; the same line conflicts and is
# resolved in the editor), a viewer sees the other's save live, the status
# line names who else is there, and a dropped connection leaves a draft.
# Before that, the commands a client may send through the forced command
# (SSH_ORIGINAL_COMMAND), and the ones it may not.
. "$TOP_SRCDIR/tests/ssh/lib.sh"
DB="$TMP/wiki.db"
SITE="$TMP/site"
mkdir -p "$SITE"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Home\n\nSee [[Notes]].\n' | "$DOCDAY" --db "$DB" save home >/dev/null
printf '# Notes\n\nline one\n\nline two\n\nline three\n' | "$DOCDAY" --db "$DB" save notes >/dev/null
ssh_setup
echo "# sshd on 127.0.0.1 port $PORT"
forced() { # forced NAME [OPTIONS]: the authorized_keys options for a key
	local name=$1
	shift
	printf 'restrict,pty,command="env LC_ALL=C.UTF-8 TERM=xterm-256color DOCDAY_EXPORT_DIR=%s %s --restricted%s --user %s --db %s"' \
		"$SITE" "$DOCDAY" "${1:+ $*}" "$name" "$DB"
}
add_key writer1 "$(forced writer1)"
add_key writer2 "$(forced writer2)"
add_key reader "$(forced reader --read-only)"

# --- commands through the forced command (SSH_ORIGINAL_COMMAND) -----------
sshc writer1 list
same "ssh host list runs through the forced command" "$rc" 0
has "and lists the pages" "$out" "notes	Notes	1"
printf '# Via ssh\n\nsaved with ssh host save\n' >"$TMP/via.md"
SSH_IN="$TMP/via.md" sshc writer1 save via-ssh -m over-ssh
same "ssh host save reads the page from standard input" "$rc" 0
sshc writer1 history via-ssh
has "the forced command's --user is the author" "$out" "writer1"
for bad in "--db /etc/passwd list" "import /etc" "--user root list" "backup $TMP/copy.db" "view /etc/passwd" "sh -c id"; do
	sshc writer1 "$bad"
	same "ssh host '$bad' is refused" "$rc" 2
done
has "the refusal says what is allowed" "$(sshc writer1 "--db /etc/passwd list"; echo "$err")" "not allowed"
[ -e "$TMP/copy.db" ] && not_ok "no backup file was written" || ok "no backup file was written"
sshc writer1 export html "$SITE/out"
same "export inside DOCDAY_EXPORT_DIR works over ssh" "$rc" 0
[ -f "$SITE/out/index.html" ] && ok "the site is written" || not_ok "the site is written"
sshc writer1 export html "$TMP/elsewhere"
same "export outside DOCDAY_EXPORT_DIR is refused" "$rc" 2
# save --conflict-out names a file to write: a restricted session must not
# be able to write one anywhere (here: a file beside authorized_keys).
printf 'a\n' | "$DOCDAY" --db "$DB" save trap >/dev/null
printf 'b\n' | "$DOCDAY" --db "$DB" save trap >/dev/null
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnly+a+test+key written-by-docday\n' >"$TMP/evil.md"
SSH_IN="$TMP/evil.md" sshc writer1 save trap --base 1 --conflict-out "$TMP/ssh/written"
if [ -e "$TMP/ssh/written" ]; then
	not_ok "restricted save --conflict-out writes no file" "exit $rc; a restricted ssh session wrote $TMP/ssh/written:" \
		"$(head -3 "$TMP/ssh/written" | tr '\n' '|')"
else
	ok "restricted save --conflict-out writes no file"
fi
printf 'a\n' | "$DOCDAY" --db "$DB" save crossed >/dev/null
printf 'b\n' | "$DOCDAY" --db "$DB" save crossed >/dev/null
printf 'c\n' >"$TMP/c.md"
SSH_IN="$TMP/c.md" sshc writer2 save crossed --base 1
same "a crossing save over ssh exits 4 (conflict)" "$rc" 4
has "and sends the text with markers back" "$out" "<<<<<<< writer2"
sshc writer1 notes
has "a page name without a terminal prints the page" "$out" "line three"
sshc reader list
same "a read-only key lists" "$rc" 0
SSH_IN="$TMP/via.md" sshc reader save via-ssh
same "a read-only key cannot save" "$rc" 2

# --- a bare login opens Home; a page name opens that page -------------------
login writer1
see "a login with no command opens Home" "Home  r1"
keys Q
see "Q ends the ssh session with status 0" "EXITED 0"
same "the terminal is back from the alternate screen" \
	"$(tmux -S "$SOCK" display-message -p -t t '#{alternate_on} #{cursor_flag} #{keypad_flag}')" "0 1 0"

# --- (a) different lines of one page: both saves are kept ------------------
login writer1 notes
see "writer1 opens notes" "Notes  r1"
login writer2 notes
see "writer2 opens notes" "Notes  r1"
on writer1
t0=$(now_ms)
if t=$(wait_ms "writer2 viewing" 8); then
	ok "writer1's status line shows writer2 viewing"
	echo "# presence: 'writer2 viewing' on writer1's screen after $((t - t0)) ms"
else
	not_ok "writer1's status line shows writer2 viewing" "$(status)"
fi
on writer2
see "writer2's status line shows writer1 viewing" "writer1 viewing" 8
on writer1
keys e
see "writer1 edits" "Editing notes"
keys M-\\ Down Down C-e " (writer1)"
see "writer1 changes line one" "line one (writer1)"
on writer2
keys e
t0=$(now_ms)
see "writer2 edits" "Editing notes"
keys M-\\ Down Down Down Down Down Down C-e " (writer2)"
see "writer2 changes line three" "line three (writer2)"
on writer1
if t=$(wait_ms "writer2 editing" 10); then
	ok "writer1's status line shows writer2 editing"
	echo "# presence: 'writer2 editing' on writer1's screen $((t - t0)) ms after writer2 pressed e"
else
	not_ok "writer1's status line shows writer2 editing" "$(status)"
fi
keys C-s
see "writer1 is asked for a summary" "Summary of the change"
keys "first line" Enter
see "writer1 saves revision 2" "saved revision 2"
on writer2
see "writer2's editor says writer1 saved" "writer1 saved revision 2 of this page"
keys C-s "third line" Enter
see "writer2's save merges with writer1's" "saved revision 3, merged with writer1's change (revision 2)"
run --db "$DB" cat notes
has "writer1's line is in the page" "$out" "line one (writer1)"
has "writer2's line is in the page" "$out" "line three (writer2)"
run --db "$DB" history notes
has "history names writer1" "$(printf '%s\n' "$out" | sed -n 2p)" "writer1"
has "history names writer2" "$(printf '%s\n' "$out" | sed -n 1p)" "writer2"

# --- (c) a viewer sees a save at once ---------------------------------------
# writer1 is back on the page: writer2's save above must have reached it.
on writer1
see "writer1's page shows writer2's line" "line three (writer2)" 2
see "and says who saved" "updated: revision 3 by writer2" 2
# Measured: from a save's completion to the viewers' screens.
printf '# Notes\n\nline one (writer1)\n\nline two\n\nline three (writer2)\n\nline four (shell)\n' >"$TMP/n4.md"
"$DOCDAY" --db "$DB" save notes -m "from the shell" <"$TMP/n4.md" >/dev/null
t0=$(now_ms)
d1='' d2=''
end=$((t0 + 2000))
while [ "$(now_ms)" -le "$end" ] && { [ -z "$d1" ] || [ -z "$d2" ]; }; do
	on writer1
	[ -z "$d1" ] && screen | grep -qF "line four (shell)" && d1=$(($(now_ms) - t0))
	on writer2
	[ -z "$d2" ] && screen | grep -qF "line four (shell)" && d2=$(($(now_ms) - t0))
	sleep 0.05
done
echo "# save to screen: writer1 ${d1:-over 2000} ms, writer2 ${d2:-over 2000} ms"
[ -n "$d1" ] && ok "viewer writer1 shows the new text within 2 s" || not_ok "viewer writer1 shows the new text within 2 s" "$(on writer1; screen | sed 's/^/|/')"
[ -n "$d2" ] && ok "viewer writer2 shows the new text within 2 s" || not_ok "viewer writer2 shows the new text within 2 s" "$(on writer2; screen | sed 's/^/|/')"
# And a save made in the other ssh session, measured from its "saved".
on writer2
keys e M-/ Enter "line five (writer2)"
see "writer2 adds a line" "line five (writer2)"
keys C-s "fifth line" Enter
t0='' t1=''
end=$(($(now_ms) + 4000))
while [ "$(now_ms)" -le "$end" ] && { [ -z "$t0" ] || [ -z "$t1" ]; }; do
	on writer2
	[ -z "$t0" ] && screen | grep -qF "saved revision 5" && t0=$(now_ms)
	on writer1
	[ -z "$t1" ] && screen | grep -qF "line five (writer2)" && t1=$(now_ms)
	sleep 0.05
done
if [ -n "$t0" ] && [ -n "$t1" ] && [ $((t1 - t0)) -le 2000 ]; then
	ok "writer2's save shows on writer1's screen within 2 s"
else
	not_ok "writer2's save shows on writer1's screen within 2 s" "saved at ${t0:-never}, seen at ${t1:-never}"
fi
[ -n "$t0" ] && [ -n "$t1" ] && echo "# save to screen (TUI save over ssh): $((t1 - t0)) ms"

# --- (b) the same line: the second save conflicts, is resolved, both kept ---
on writer1
keys e M-\\ Down Down Down Down C-e " by writer1"
see "writer1 changes line two" "line two by writer1"
on writer2
keys e M-\\ Down Down Down Down C-e " by writer2"
see "writer2 changes line two too" "line two by writer2"
on writer1
keys C-s "line two, writer1" Enter
see "writer1 saves revision 6" "saved revision 6"
on writer2
keys C-s "line two, writer2" Enter
see "writer2's save comes back with conflict markers" "<<<<<<<"
see "and the editor explains" "resolve the <<<<<<< marked places"
has "the markers name writer1's revision" "$(screen)" ">>>>>>> writer1 (revision 6)"
keys C-s "still marked" Enter
see "markers cannot be saved" "still has conflict markers"
# Cut the three marker lines, keep both texts.
keys M-\\ Down Down Down Down C-k Down C-k Down C-k
keys C-s "line two, both" Enter
see "the resolved text saves as revision 7" "saved revision 7"
run --db "$DB" cat notes
has "writer1's text is in the page" "$out" "line two by writer1"
has "writer2's text is in the page" "$out" "line two by writer2"
hasnt "no markers are left" "$out" "======="
run --db "$DB" history notes
has "history: revision 7 by writer2" "$(printf '%s\n' "$out" | sed -n 1p)" "writer2	"
has "history: revision 6 by writer1" "$(printf '%s\n' "$out" | sed -n 2p)" "writer1	"
run --db "$DB" cat notes --rev 6
has "revision 6 has writer1's line" "$out" "line two by writer1"

# --- (d) a dropped connection keeps the editor's text as a draft -----------
on writer2
keys e M-/ Enter "words from a dropped connection"
see "writer2 types without saving" "words from a dropped connection"
on writer1
see "writer1 sees writer2 on the page" "writer2 " 8
on writer2
server=$(docday_pid writer2)
client=$(ssh_client_pid)
if [ -n "$client" ] && [ -n "$server" ]; then
	kill -9 "$client"
	ok "writer2's ssh client is killed"
else
	not_ok "writer2's ssh client is killed" "client '${client}', server '${server}'"
fi
for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server" 2>/dev/null && not_ok "writer2's docday ends with the connection (SIGHUP)" || ok "writer2's docday ends with the connection (SIGHUP)"
run --db "$DB" cat notes
hasnt "nothing unsaved became a revision" "$out" "dropped connection"
has "the text is kept as writer2's draft" \
	"$(sqlite3 "$DB" "SELECT author || ':' || slug || ':' || body FROM drafts" 2>&1)" "writer2:notes:"
on writer1
t0=$(now_ms)
for _ in $(seq 40); do status | grep -qE "writer2 (viewing|editing)" || break; sleep 0.1; done
status | grep -qE "writer2 (viewing|editing)" && not_ok "writer2 leaves writer1's status line" "$(status)" || ok "writer2 leaves writer1's status line"
login writer2 notes
see "writer2 logs in again" "Notes  r7"
keys e
see "editing offers the draft" "You have an unsaved draft of this page"
keys r Enter
see "r restores it" "words from a dropped connection"
keys C-s "recovered" Enter
see "the draft saves as revision 8" "saved revision 8"
run --db "$DB" cat notes
has "the recovered words are in the page" "$out" "words from a dropped connection"
has "revision 8 is writer2's" "$("$DOCDAY" --db "$DB" history notes | head -1)" "writer2"
same "no draft is left" "$(sqlite3 "$DB" "SELECT count(*) FROM drafts" 2>&1)" 0

# --- both leave -------------------------------------------------------------
for w in writer1 writer2; do
	on "$w"
	keys Q
	see "$w quits with status 0" "EXITED 0"
	same "$w's terminal is restored" \
		"$(tmux -S "$SOCK" display-message -p -t t '#{alternate_on} #{cursor_flag} #{keypad_flag}')" "0 1 0"
done
for _ in $(seq 30); do [ -z "$(docday_pid writer1)$(docday_pid writer2)" ] && break; sleep 0.1; done
same "no docday is left on the server" "$(docday_pid writer1)$(docday_pid writer2)" ""
expect "the wiki is intact" 0 --db "$DB" check
grep -q "Starting session: forced-command" "$TMP/sshd.log" && ok "sshd ran the forced command" ||
	not_ok "sshd ran the forced command" "$(tail -5 "$TMP/sshd.log")"
done_testing
