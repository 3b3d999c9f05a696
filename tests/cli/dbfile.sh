# The database file: missing folders, read-only places, foreign files,
# locks, newer schemas, group sharing, backup and check.
. "$TOP_SRCDIR/tests/cli/lib.sh"

expect "a missing folder" 3 --db "$TMP/no/such/dir/w.db" list
one_line "missing folder: one line" "$err"
has "missing folder is named" "$err" "does not exist"
printf 'this is not a database, just some text that is long enough to look like a file header....\n' >"$TMP/junk.db"
cp "$TMP/junk.db" "$TMP/junk.orig"
expect "a file that is not a database" 3 --db "$TMP/junk.db" list
one_line "not a database: one line" "$err"
has "not a database is explained" "$err" "not a docday database"
cmp -s "$TMP/junk.db" "$TMP/junk.orig" && ok "the foreign file is untouched" || not_ok "the foreign file is untouched"
sqlite3 "$TMP/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
expect "another program's SQLite file" 3 --db "$TMP/other.db" list
has "foreign SQLite file is explained" "$err" "not a docday wiki"

"$DOCDAY" --db "$TMP/new.db" init >/dev/null 2>&1
sqlite3 "$TMP/new.db" "PRAGMA user_version = 99"
expect "a newer schema is refused" 3 --db "$TMP/new.db" list
has "newer schema says upgrade" "$err" "newer docday"

# A read-only folder: run as an unprivileged user when we are root.
mkdir -p "$TMP/ro"
chmod 755 "$TMP"
as_user=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$as_user" ]; then
	chmod 555 "$TMP/ro"
	$as_user "$DOCDAY" --db "$TMP/ro/w.db" list >"$TMP/out" 2>"$TMP/err"
	rc=$?
	same "a read-only folder is a database error" "$rc" 3
	one_line "read-only folder: one line" "$(cat "$TMP/err")"
	"$DOCDAY" --db "$TMP/rw.db" init >/dev/null 2>&1
	chmod 444 "$TMP/rw.db"
	printf 'x\n' | $as_user "$DOCDAY" --db "$TMP/rw.db" save home >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 3 ] || [ "$rc" = 1 ]; then ok "saving into a read-only database fails"; else not_ok "saving into a read-only database fails" "rc $rc"; fi
	one_line "read-only database: one line" "$(cat "$TMP/err")"
	chmod 644 "$TMP/rw.db"
else
	skip "a read-only folder is a database error" "cannot drop root"
	skip "read-only folder: one line" "cannot drop root"
	skip "saving into a read-only database fails" "cannot drop root"
	skip "read-only database: one line" "cannot drop root"
fi

# A group-shared (setgid) folder gets a group-writable database.
mkdir -p "$TMP/shared"
chmod 2775 "$TMP/shared"
(umask 022 && "$DOCDAY" --db "$TMP/shared/w.db" init >/dev/null 2>&1)
same "database in a setgid folder is mode 660" "$(stat -c %a "$TMP/shared/w.db")" 660
(umask 022 && "$DOCDAY" --db "$TMP/private.db" init >/dev/null 2>&1)
same "database elsewhere follows the umask" "$(stat -c %a "$TMP/private.db")" 644

# Another process holds the write lock for 10 s: we wait, then fail cleanly.
D="--db $TMP/l.db"
"$DOCDAY" $D init >/dev/null 2>&1
# In WAL mode BEGIN EXCLUSIVE takes the write lock at once.
printf 'BEGIN EXCLUSIVE;\n.shell touch %s/locked\n.shell sleep 10\nROLLBACK;\n' "$TMP" |
	sqlite3 "$TMP/l.db" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do [ -f "$TMP/locked" ] && break; sleep 0.1; done
start=$(date +%s)
printf '# Home\n\nchanged while locked\n' >"$TMP/h.md"
expect "a save while another process holds the lock fails" 3 $D save home <"$TMP/h.md"
end=$(date +%s)
has "the lock is explained" "$err" "locked"
one_line "locked: one line" "$err"
[ $((end - start)) -ge 2 ] && ok "it waited before giving up" || not_ok "it waited before giving up" "$((end - start)) s"
expect "reading works while another process writes" 0 $D cat home
wait "$locker"
expect "the locked save left nothing behind" 0 $D history home
same "home still has one revision" "$(printf '%s\n' "$out" | wc -l)" 1
expect "the save works once the lock is gone" 0 $D save home <"$TMP/h.md"
expect "check is clean" 0 $D check

# Backup and check.
expect "backup" 0 $D backup "$TMP/copy.db"
expect "the backup is a working wiki" 0 --db "$TMP/copy.db" cat home
has "the backup has the latest text" "$out" "changed while locked"
expect "backup refuses an existing file" 1 $D backup "$TMP/copy.db"
sqlite3 "$TMP/copy.db" "DELETE FROM links"
expect "check finds a damaged link table" 3 --db "$TMP/copy.db" check
has "check reports the problem" "$out" "link"

done_testing
