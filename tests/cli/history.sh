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
done_testing
