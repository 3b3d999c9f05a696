# Walking history from the command line: diff, revert, blame.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/h.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1
printf '# H\n\none\ntwo\nthree\n' | USER=x "$DOCDAY" $D save h -m first >/dev/null
printf '# H\n\none\nTWO\nthree\n' | "$DOCDAY" $D save h -m second >/dev/null
printf '# H\n\none\nTWO\nthree\nfour\n' | "$DOCDAY" $D save h -m third >/dev/null

expect "diff of the head" 0 $D diff h
same "head against its parent" "$out" "--- a/h@2
+++ b/h@3
@@ -3,3 +3,4 @@
 one
 TWO
 three
+four"
expect "diff A" 0 $D diff h 1
has "revision 1 against the head" "$out" "-two"
has "and the head's lines" "$out" "+four"
expect "diff A B" 0 $D diff h 1 2
same "two revisions" "$(printf '%s\n' "$out" | grep '^[-+][^-+]')" "-two
+TWO"
expect "diff of a missing revision" 1 $D diff h 9
expect "diff with a bad number" 2 $D diff h x
expect "diff of equal revisions is empty" 0 $D diff h 2 2
same "nothing to show" "$out" ""

expect "blame" 0 $D blame h
same "blame names the revision of each line" "$(printf '%s\n' "$out" | cut -f1,4)" "1	# H
1	
1	one
2	TWO
1	three
3	four"
expect "blame --rev 2" 0 $D blame h --rev 2
same "blame of revision 2 has its lines" "$(printf '%s\n' "$out" | wc -l)" 5
expect "blame of a missing revision" 1 $D blame h --rev 7

expect "revert to revision 1" 0 $D revert h 1
same "revert reports the new revision" "$out" "h	4	reverted"
expect "cat after revert" 0 $D cat h
same "the text is revision 1's" "$out" "$(printf '# H\n\none\ntwo\nthree')"
expect "history after revert" 0 $D history h
has "the revert is a new revision with its summary" "$(printf '%s\n' "$out" | head -1)" "revert to revision 1"
same "nothing was rewritten" "$(printf '%s\n' "$out" | wc -l)" 4
expect "revert to the head's text changes nothing" 0 $D revert h 4
has "unchanged" "$out" "unchanged"
expect "revert to a missing revision" 1 $D revert h 99

# Delete and restore.
printf '# Other\n\nSee [[h]] and [[gone]].\n' | "$DOCDAY" $D save other >/dev/null
printf '# Gone\n\nA page about zanzibar.\n' | "$DOCDAY" $D save gone >/dev/null
expect "delete a page" 0 $D delete gone -m "no longer true"
same "delete reports the revision" "$out" "gone	2	deleted"
expect "a deleted page cannot be read" 1 $D cat gone
has "the error says how to restore" "$err" "docday restore gone"
expect "list leaves it out" 0 $D list
hasnt "no deleted page in the list" "$out" "gone"
expect "links to it show as missing" 0 $D links other
has "missing" "$out" "gone	(missing)"
expect "search leaves it out" 1 $D search zanzibar
expect "its history stays" 0 $D history gone
has "the delete is a revision with the reason" "$(printf '%s\n' "$out" | head -1)" "deleted: no longer true"
expect "saving onto a deleted page is refused" 1 $D save gone </dev/null
has "the refusal says restore" "$err" "restore it first"
expect "deleting twice is refused" 1 $D delete gone
expect "restore" 0 $D restore gone
same "restore reports the revision" "$out" "gone	3	restored"
expect "a restored page reads again" 0 $D cat gone
has "with its text" "$out" "zanzibar"
expect "and is searchable again" 0 $D search zanzibar
expect "check after delete and restore" 0 $D check

# Old revisions read back when a newer one is empty (compact storage
# keeps old texts as deltas against the next one; found by fuzz_import).
printf 'a' | "$DOCDAY" $D save emptied >/dev/null
printf '' | "$DOCDAY" $D save emptied >/dev/null
printf 'b\n' | "$DOCDAY" $D save emptied >/dev/null
expect "read revision 1 before an empty one" 0 $D cat emptied --rev 1
same "it is whole" "$out" "a"
expect "read the empty revision" 0 $D cat emptied --rev 2
same "it is empty" "$out" ""
expect "check after an emptied page" 0 $D check

# Search in every revision.
expect "search --all-revisions finds text that is gone" 0 $D search --all-revisions two
same "it names the revisions that had it" "$out" "h	H	1,2,3,4"
expect "-a with two words" 0 $D search -a four two
same "only revisions with both" "$out" "h	H	3"
expect "nothing found" 1 $D search -a nowhere-to-be-found

# gc: compacts what saves left plain, merges the index, VACUUMs.
for i in $(seq 1 12); do printf '# H\n\nline %s\n' "$i" | "$DOCDAY" $D save h -m "edit $i" >/dev/null; done
expect "gc" 0 $D gc
case $out in
*" old revisions compacted; "*" KB -> "*" KB") ok "gc says what it did" ;;
*) not_ok "gc says what it did" "got: $out" ;;
esac
run $D history h
first=$(printf '%s\n' "$out" | awk '$0 ~ /edit 1$/ { print $1 }')
expect "every revision still reads after gc" 0 $D cat h --rev "$first"
same "the revision of edit 1 has its text" "$out" "# H

line 1"
expect "check after gc" 0 $D check
expect "gc again has nothing to compact" 0 $D gc
has "zero the second time" "$out" "0 old revisions compacted"
expect "gc takes no arguments" 2 $D gc extra
done_testing
