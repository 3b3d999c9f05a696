# Importing folders of Markdown files.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/i.db"
mkdir -p "$TMP/src"
printf '# Alpha Page\n\nLinks to [[beta]].\n' >"$TMP/src/alpha.md"
printf 'No heading here, see [alpha](alpha.md).\n' >"$TMP/src/beta.md"
printf '# Gamma\n' >"$TMP/src/My Notes.md"
printf '\377\376binary\000junk' >"$TMP/src/bin.md"
printf '# Latin1 caf\351\n' >"$TMP/src/latin1.md"
printf 'ignored' >"$TMP/src/notes.txt"

expect "import a folder" 0 $D import "$TMP/src"
has "import names the skipped binary file" "$err" "bin.md"
has "import names the skipped non-UTF-8 file" "$err" "latin1.md"
has "import summary" "$err" "3 new"
expect "list after import" 0 $D list
same "three pages, sorted by slug" "$(printf '%s\n' "$out" | cut -f1,2,3)" "alpha	Alpha Page	1
beta	beta	1
my-notes	Gamma	1"
expect "an imported page reads back" 0 $D cat alpha
same "body is the file" "$out" "$(cat "$TMP/src/alpha.md")"
expect "links between imported pages" 0 $D backlinks alpha
same "beta links to alpha" "$(printf '%s\n' "$out" | cut -f1)" "beta"
expect "a new database made by import is empty otherwise" 1 $D cat home

expect "re-import of unchanged files" 0 $D import "$TMP/src"
has "re-import adds nothing" "$err" "3 unchanged"
expect "history after re-import" 0 $D history alpha
same "still one revision" "$(printf '%s\n' "$out" | wc -l)" 1
printf '# Alpha Page\n\nChanged.\n' >"$TMP/src/alpha.md"
expect "import of a changed file" 0 $D import "$TMP/src/alpha.md"
has "one changed" "$err" "1 changed"
expect "history of the changed page" 0 $D history alpha
same "two revisions" "$(printf '%s\n' "$out" | wc -l)" 2
expect "import of a missing folder" 1 $D import "$TMP/nope"
one_line "missing folder: one line" "$err"
expect "check after import" 0 $D check

done_testing
