# Bad input: a clear one-line error, a non-zero exit code, nothing lost.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/b.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1
printf '# Keep\n\nprecious\n' | "$DOCDAY" $D save keep >/dev/null

expect "a nonexistent page" 1 $D cat no-such-page
one_line "nonexistent page: one line" "$err"
has "nonexistent page is named" "$err" "no-such-page"
expect "history of a nonexistent page" 1 $D history no-such-page
expect "an empty title" 1 $D save keep --title "" </dev/null
has "empty title is explained" "$err" "title is empty"
expect "a blank title" 1 $D save keep --title "   " </dev/null
expect "a title that slugs to nothing" 1 $D save '!!!' </dev/null
has "the slug problem is explained" "$err" "no letter or digit"
expect "a title with a control character" 1 $D save keep --title "$(printf 'a\033[2Jb')" </dev/null
printf 'a\000b' >"$TMP/nul.md"
expect "a text with a NUL byte is rejected" 1 $D save keep <"$TMP/nul.md"
has "NUL is explained" "$err" "NUL"
printf 'caf\351\n' >"$TMP/latin1.md"
expect "invalid UTF-8 is rejected" 1 $D save keep <"$TMP/latin1.md"
has "UTF-8 is explained" "$err" "UTF-8"
expect "the page is untouched" 0 $D cat keep
same "after the rejected saves" "$out" "$(printf '# Keep\n\nprecious')"
expect "still one revision" 0 $D history keep
same "one revision" "$(printf '%s\n' "$out" | wc -l)" 1

yes 'A line of a very long page, with [[keep]] links and words.' | head -c 10485760 >"$TMP/big.md"
expect "a 10 MB page saves" 0 $D save big <"$TMP/big.md"
run $D cat big
same "the 10 MB page reads back whole" "$(wc -c <"$TMP/out")" 10485760
expect "a 10 MB page is searchable" 0 $D search very long page
head -c 34000000 /dev/zero | tr '\0' 'x' >"$TMP/huge.md"
expect "a page over the limit is refused" 1 $D save huge <"$TMP/huge.md"
has "the limit is named" "$err" "too large"

# Page text never reaches a terminal raw.
printf '# Esc\n\nbefore \033[2J after\a bell\n' | "$DOCDAY" $D save esc >/dev/null
if command -v script >/dev/null; then
	script -qec "$DOCDAY $D cat esc" /dev/null >"$TMP/tty.out" 2>&1
	if grep -q "$(printf '\033')\[2J" "$TMP/tty.out"; then
		not_ok "cat to a terminal shows no raw ESC"
	else ok "cat to a terminal shows no raw ESC"; fi
	has "cat to a terminal shows a placeholder" "$(cat "$TMP/tty.out")" "␛[2J"
else
	skip "cat to a terminal shows no raw ESC" "script(1) missing"
	skip "cat to a terminal shows a placeholder" "script(1) missing"
fi
run $D cat esc
has "cat into a pipe keeps the exact bytes" "$out" "$(printf '\033[2J')"
expect "check is clean after all of it" 0 $D check

done_testing
