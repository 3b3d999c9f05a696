# The bundled sample wiki: every link resolves, GFM is exercised.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/s.db"
"$DOCDAY" $D init >/dev/null 2>&1
expect "list the sample" 0 $D list
pages=$(printf '%s\n' "$out" | cut -f1)
for p in home getting-started differences-from-cpython talks using-docday sharing-a-wiki; do
	has "sample has $p" "$pages" "$p"
done
for p in $pages; do
	run $D links "$p"
	hasnt "every link of $p resolves" "$out" "(missing)"
	run $D backlinks "$p"
	[ -n "$out" ] && ok "$p is linked from somewhere" || not_ok "$p is linked from somewhere"
done
all=$(for p in $pages; do "$DOCDAY" $D cat "$p"; done)
has "the sample has a table" "$all" "|---"
has "the sample has a task list" "$all" "- [ ]"
has "the sample has a done task" "$all" "- [x]"
expect "check on the sample" 0 $D check

done_testing
