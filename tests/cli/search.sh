# Full-text search.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/s.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1
printf '# Kiwi\n\nA page about fruit.\n' | "$DOCDAY" $D save kiwi >/dev/null
printf '# Fruit Bowl\n\nApples, a kiwi, pears and more kiwi kiwi kiwi kiwi.\n' |
	"$DOCDAY" $D save fruit-bowl >/dev/null
printf '# Vegetables\n\nCarrots.\n' | "$DOCDAY" $D save vegetables >/dev/null

expect "search finds pages" 0 $D search kiwi
same "two hits" "$(printf '%s\n' "$out" | wc -l)" 2
has "the title match ranks first" "$(printf '%s\n' "$out" | head -1)" "kiwi	Kiwi	"
has "snippet marks the match" "$(printf '%s\n' "$out" | tail -1)" "«kiwi»"
expect "all words must match" 0 $D search kiwi apples
same "one hit for two words" "$(printf '%s\n' "$out" | cut -f1)" "fruit-bowl"
expect "no match exits 1" 1 $D search durian
for q in '"' 'a OR' '(' 'NEAR(' '*' '-x' 'title:kiwi' "'"; do
	run $D search -- "$q"
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then ok "hostile query $q is safe"; else not_ok "hostile query $q" "rc $rc: $err"; fi
done
expect "search after an edit sees the new text" 1 $D search parsnip
printf '# Vegetables\n\nParsnip.\n' | "$DOCDAY" $D save vegetables >/dev/null
expect "edited page is found" 0 $D search parsnip
expect "old text is gone from the index" 1 $D search carrots
expect "the sample wiki is searchable" 0 --db "$TMP/sample.db" search tracing JIT

done_testing
