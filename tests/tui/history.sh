# The history view: revisions, showing an old one, diff with its parent or
# with a marked revision, blame, revert.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Log\n\nalpha\nbeta\n' | "$DOCDAY" --db "$DB" save log -m "first" >/dev/null
printf '# Log\n\nalpha\nBETA changed\n' | "$DOCDAY" --db "$DB" save log -m "second" >/dev/null
printf '# Log\n\nalpha\nBETA changed\ngamma\n' | "$DOCDAY" --db "$DB" save log -m "third" >/dev/null
start 90 20 "$DOCDAY" --db "$DB" log
see "opens the page" "Log  r3"
keys H
see "H lists the revisions" "History of log"
has "with summaries" "$(screen)" "second"
has "and size changes" "$(screen)" "+6"
keys j d
see "d diffs a revision with its parent" "Diff of log: r1 -> r2"
has "removed line" "$(screen)" "-beta"
has "added line" "$(screen)" "+BETA changed"
keys q
see "q returns to the history" "History of log"
keys g m G d
see "m then d diffs the marked revision with another" "Diff of log: r1 -> r3"
keys q g b
see "b shows blame" "Blame of log at r3"
has "blame names the revision of a line" "$(screen)" "r3"
keys q G Enter
see "Enter shows that revision" "[old revision]"
has "with its text" "$(screen)" "beta"
keys H G u
see "u asks before reverting" "Make revision 1's text the new head?"
keys y Enter
see "the revert is saved" "reverted: revision 4 is the new head"
run --db "$DB" cat log
same "the head has revision 1's text" "$out" "$(printf '# Log\n\nalpha\nbeta')"
keys Q
see "quits" "EXITED 0"
done_testing
