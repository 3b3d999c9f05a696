# Identity and access: --user only for the wiki's owner, restricted mode
# with its allow-list (also through SSH_ORIGINAL_COMMAND), read-only.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DB="$TMP/a.db"
D="--db $DB"
"$DOCDAY" $D init >/dev/null 2>&1

printf '# Mine\n' >"$TMP/m.md"
expect "--user as the owner of the database" 0 --user writer1 $D save mine <"$TMP/m.md"
expect "history names the --user" 0 $D history mine
has "author is writer1" "$out" "writer1"
expect "--user with a space is refused" 2 --user "a b" $D list
expect "--user with a control character is refused" 2 --user "$(printf 'a\033b')" $D list
chmod 755 "$TMP"
chmod 666 "$DB"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DOCDAY" --user writer1 $D list >"$TMP/out" 2>"$TMP/err"
	same "--user for someone who does not own the wiki is refused" "$?" 2
	has "the refusal explains" "$(cat "$TMP/err")" "only honoured for the wiki's owner"
else
	skip "--user for someone who does not own the wiki is refused" "needs root to become another user"
	skip "the refusal explains" "needs root"
fi

# Restricted: no command that reads or writes files, no other database.
for c in "import $TMP" "backup $TMP/b.db" "view /etc/passwd" "init"; do
	expect "restricted refuses $c" 2 --restricted $D $c
done
DOCDAY_RESTRICTED=1 run $D view /etc/passwd
same "DOCDAY_RESTRICTED=1 restricts too" "$rc" 2
expect "restricted allows reading" 0 --restricted $D cat home
SSH_ORIGINAL_COMMAND="list" run --restricted $D
same "an allowed ssh command runs" "$rc" 0
has "it lists pages" "$out" "getting-started"
SSH_ORIGINAL_COMMAND="docday cat home" run --restricted $D
same "'docday' in front of the ssh command is fine" "$rc" 0
for bad in "--db /etc/passwd list" "--user root list" "import /etc" "backup /tmp/x" "view /etc/passwd" "sh -c id" "--restricted list"; do
	SSH_ORIGINAL_COMMAND="$bad" run --restricted $D
	same "ssh command '$bad' is refused" "$rc" 2
done
SSH_ORIGINAL_COMMAND="list" run $D
has "SSH_ORIGINAL_COMMAND is ignored when not restricted" "$out" "getting-started"

# A conflict in restricted mode may not be written to a file (it once
# could: a key holder wrote lines of their choice into authorized_keys).
printf '# C\n\none\n' | "$DOCDAY" $D save c >/dev/null
printf '# C\n\ntwo\n' | "$DOCDAY" $D save c >/dev/null
printf '# C\n\nthree\n' >"$TMP/c.md"
run --restricted $D save c --base 1 --conflict-out "$TMP/planted" <"$TMP/c.md"
same "restricted refuses --conflict-out" "$rc" 2
[ -e "$TMP/planted" ] && not_ok "no file was written" || ok "no file was written"
SSH_ORIGINAL_COMMAND="save c --base 1 --conflict-out $TMP/planted" run --restricted $D <"$TMP/c.md"
same "restricted refuses --conflict-out over ssh" "$rc" 2
SSH_ORIGINAL_COMMAND="save c --base 1" run --restricted $D <"$TMP/c.md"
same "a restricted conflict goes to stdout" "$rc" 4
has "with markers" "$out" "<<<<<<<"
SSH_ORIGINAL_COMMAND="history 'c'" run --restricted $D
same "quoted words over ssh" "$rc" 0

# Restricted export writes only inside $DOCDAY_EXPORT_DIR.
mkdir -p "$TMP/site-root"
expect "restricted export without DOCDAY_EXPORT_DIR is refused" 2 --restricted $D export html "$TMP/site-root/s"
DOCDAY_EXPORT_DIR="$TMP/site-root" run --restricted $D export html "$TMP/site-root/s"
same "restricted export inside DOCDAY_EXPORT_DIR works" "$rc" 0
[ -f "$TMP/site-root/s/index.html" ] && ok "the site is there" || not_ok "the site is there"
for out in "$TMP/site-root/../escape" "$TMP/site-root/.." "/tmp/elsewhere-$$" "$TMP/site-root/s/../../x"; do
	DOCDAY_EXPORT_DIR="$TMP/site-root" run --restricted $D export html "$out"
	same "restricted export to $out is refused" "$rc" 2
done
ln -s /tmp "$TMP/site-root/link"
DOCDAY_EXPORT_DIR="$TMP/site-root" run --restricted $D export md "$TMP/site-root/link/x"
same "a symlink out of the export folder is refused" "$rc" 2

# Read-only sessions browse but never write.
for c in "save home" "revert home 1" "delete home" "import $TMP" "init"; do
	run --read-only $D $c </dev/null
	same "read-only refuses $c" "$rc" 2
done
expect "read-only reads" 0 --read-only $D cat home
expect "the wiki is intact" 0 $D check
done_testing
