# Pages and revisions: save, cat, history, conflicts, links, backlinks,
# recent.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/p.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1

printf '# Release Notes\n\nSee [[Getting Started]] and [the talks](talks.md).\n' >"$TMP/a.md"
expect "save a new page" 0 $D save "Release Notes" -m "first" <"$TMP/a.md"
same "save prints slug, revision, created" "$out" "release-notes	1	created"
expect "cat by slug" 0 $D cat release-notes
same "cat returns the exact text" "$out" "$(cat "$TMP/a.md")"
expect "cat by title" 0 $D cat "Release Notes"
expect "cat by a title in other case" 0 $D cat "release notes"
expect "list shows the page" 0 $D list
has "list: slug, title, revisions, author" "$out" "release-notes	Release Notes	1	$(id -un)	"

printf '# Release Notes\n\nVersion 2. See [[Getting Started]].\n' >"$TMP/b.md"
expect "save revision 2 on base 1" 0 $D save release-notes --base 1 -m "second" <"$TMP/b.md"
same "revision 2 saved" "$out" "release-notes	2	saved"
# Two people started from revision 1.  Same line changed: a conflict.
printf '# Release Notes\n\nSee the talks instead.\n' >"$TMP/stale.md"
cp "$TMP/stale.md" "$TMP/stale.orig"
expect "a conflicting save is refused with code 4" 4 $D save release-notes --base 1 <"$TMP/stale.md"
has "the refusal names the head" "$err" "revision 2"
has "the conflicted text goes to stdout" "$out" "<<<<<<< "
has "the markers name your side" "$out" "your text"
has "both versions are in it" "$out" "Version 2."
same "the input file is untouched" "$(cat "$TMP/stale.md")" "$(cat "$TMP/stale.orig")"
expect "head is still revision 2" 0 $D cat release-notes
same "refused save changed nothing" "$out" "$(cat "$TMP/b.md")"
expect "--conflict-out writes the merged text to a file" 4 \
	$D save release-notes --base 1 --conflict-out "$TMP/conflict.md" <"$TMP/stale.md"
has "the conflict file has markers" "$(cat "$TMP/conflict.md")" ">>>>>>> "
same "nothing on stdout with --conflict-out" "$out" ""
expect "a text still holding markers is refused" 1 $D save release-notes --base 2 <"$TMP/conflict.md"
has "the markers are named" "$err" "conflict markers"
# A different line changed: merged cleanly on top of the head.
printf '# Release Notes (draft)\n\nSee [[Getting Started]] and [the talks](talks.md).\n' >"$TMP/other.md"
expect "a stale save of a different line merges" 0 $D save release-notes --base 1 <"$TMP/other.md"
same "it is reported as merged" "$out" "release-notes	3	merged"
has "stderr says whose change it merged" "$err" "merged with"
expect "the merge has both changes" 0 $D cat release-notes
has "your change is in" "$out" "(draft)"
has "their change is in" "$out" "Version 2."
printf '# Release Notes\n\nVersion 2. See [[Getting Started]].\n' >"$TMP/b.md"
expect "back to revision 2's text" 0 $D save release-notes --base 3 <"$TMP/b.md"
expect "same text saves nothing" 0 $D save release-notes <"$TMP/b.md"
same "unchanged is reported" "$out" "release-notes	4	unchanged"
expect "--base 0 on an existing page is refused" 4 $D save release-notes --base 0 <"$TMP/a.md"
expect "--base on a missing page is an error" 1 $D save nothing-here --base 3 <"$TMP/a.md"
expect "cat --rev 1" 0 $D cat release-notes --rev 1
same "revision 1 reads back" "$out" "$(cat "$TMP/a.md")"
expect "cat --rev 9 of a 2-revision page" 1 $D cat release-notes --rev 9
one_line "missing revision: one line" "$err"

expect "history" 0 $D history release-notes
same "history has 4 lines" "$(printf '%s\n' "$out" | wc -l)" 4
has "history newest first" "$(printf '%s\n' "$out" | head -1)" "4	"
has "history keeps summaries" "$out" "second"
has "history lists revision 1" "$(printf '%s\n' "$out" | tail -1)" "1	"

expect "links" 0 $D links release-notes
same "links: missing target marked" "$out" "getting-started	(missing)"
printf '# Getting Started\n\nBack to [[Release Notes|the notes]]. `[[Not A Link]]`\n\n    [[Nor This]]\n' >"$TMP/g.md"
expect "save the link target" 0 $D save getting-started <"$TMP/g.md"
expect "links after the target exists" 0 $D links release-notes
same "links: title of the target" "$out" "getting-started	Getting Started"
expect "links in code are not links" 0 $D links getting-started
same "only the real link" "$out" "release-notes	Release Notes"
expect "backlinks" 0 $D backlinks getting-started
same "backlinks lists the linking page" "$out" "release-notes	Release Notes"

expect "recent" 0 $D recent
same "recent has 5 revisions" "$(printf '%s\n' "$out" | wc -l)" 5
has "recent newest first" "$(printf '%s\n' "$out" | head -1)" "getting-started	1"
expect "recent -n 1" 0 $D recent -n 1
same "recent -n 1 has one line" "$(printf '%s\n' "$out" | wc -l)" 1

expect "--title sets the title" 0 $D save other --title "Other Things" <"$TMP/a.md"
expect "cat by the new title" 0 $D cat "Other Things"
expect "summary with a newline is one line" 0 $D save other -m "$(printf 'a\nb')" <"$TMP/b.md"
expect "history of other" 0 $D history other
has "summary flattened" "$out" "a b"
expect "check after all that" 0 $D check
has "check says ok" "$out" "ok:"

done_testing
