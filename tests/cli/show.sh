# docday show and docday view outside a terminal: the layout as text.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/s.db"
"$DOCDAY" $D init >/dev/null 2>&1
ESC=$(printf '\033')

expect "show a page" 0 $D show getting-started --width 60
has "show starts with the title" "$(printf '%s\n' "$out" | head -1)" "Getting Started"
# Code blocks scroll instead of wrapping; everything else fits.
[ "$(printf '%s\n' "$out" | grep -v '┆' | wc -L)" -le 60 ] && ok "no line wider than --width (outside code)" ||
	not_ok "no line wider than --width" "$(printf '%s\n' "$out" | wc -L)"
hasnt "plain text into a pipe" "$out" "$ESC"
hasnt "no Markdown link syntax in the output" "$out" "[[Getting"
expect "show at width 20" 0 $D show home --width 20
expect "show --color=always" 0 $D show home --color=always
has "ANSI styling when asked" "$out" "$ESC["
NO_COLOR=1 run $D show home --color=always
hasnt "NO_COLOR drops colours" "$out" "$ESC[3"
printf '%s' "$out" | grep -q "$ESC\[[0-9;]*1[;m]" && ok "NO_COLOR keeps bold" || not_ok "NO_COLOR keeps bold"
expect "show --color=bogus is a usage error" 2 $D show home --color=bogus
expect "show a missing page" 1 $D show nope
expect "show --rev 1" 0 $D show home --rev 1
expect "docday PAGE into a pipe shows the page" 0 $D talks
has "it is the talks page" "$(printf '%s\n' "$out" | head -1)" "Talks and Papers"

printf '# T\n\nbad \033[2J esc &#27;[31m bell\a cr\rX\n' | "$DOCDAY" $D save hostile >/dev/null
expect "show a hostile page" 0 $D show hostile --color=always
hasnt "no raw ESC from page text" "$(printf '%s' "$out" | sed "s/$ESC\[[0-9;]*m//g")" "$ESC"
hasnt "no raw BEL" "$out" "$(printf '\a')"
hasnt "no raw CR" "$out" "$(printf '\r')"
has "controls are visible" "$out" "␛"

# Links to pages that do not exist, or no longer, are marked: the checks
# run inside show's read transaction.
printf 'gone\n' | "$DOCDAY" $D save gone >/dev/null
"$DOCDAY" $D delete gone >/dev/null 2>&1
printf '# Links\n\n[[Getting Started|alive]] [[No Such Page|nowhere]] [[gone|away]]\n' |
	"$DOCDAY" $D save links >/dev/null
expect "show a page with missing links" 0 $D show links --width 60
has "a live page's link has no marker" "$out" "alive nowhere"
has "a missing page's link is marked" "$out" "nowhere?"
has "a deleted page's link is marked" "$out" "away?"
hasnt "the live link is not marked" "$out" "alive?"

printf '# Viewed\n\nA [link](other.md) and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' >"$TMP/v.md"
expect "view a file into a pipe" 0 view "$TMP/v.md" --width 40
has "view renders the file" "$out" "Viewed"
hasnt "view shows link text, not syntax" "$out" "](other.md)"
run view - --width 40 <"$TMP/v.md"
same "view - reads standard input" "$rc" 0
has "view - renders it" "$out" "Viewed"
expect "view of a missing file" 1 view "$TMP/nope.md"
one_line "missing file: one line" "$err"

# --ascii: decorations from ASCII only; the default in CJK locales.
printf '# Title\n\n- item\n- [ ] task\n\n> quoted\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' >"$TMP/deco.md"
expect "view with Unicode decorations" 0 view "$TMP/deco.md"
has "a bullet by default" "$out" "•"
expect "view --ascii" 0 --ascii view "$TMP/deco.md"
same "--ascii prints ASCII only" "$(printf '%s' "$out" | LC_ALL=C grep -c '[^ -~]')" 0
has "--ascii keeps the text" "$out" "task"
out=$(LANG=ja_JP.UTF-8 LC_ALL= "$DOCDAY" view "$TMP/deco.md")
same "a Japanese locale gets ASCII decorations" "$(printf '%s' "$out" | LC_ALL=C grep -c '[^ -~]')" 0
out=$(DOCDAY_ASCII=0 LANG=ja_JP.UTF-8 LC_ALL= "$DOCDAY" view "$TMP/deco.md")
has "DOCDAY_ASCII=0 turns it off" "$out" "•"
out=$(DOCDAY_ASCII=1 "$DOCDAY" view "$TMP/deco.md")
hasnt "DOCDAY_ASCII=1 turns it on" "$out" "•"
printf 'X\360\237\221\250\342\200\215\360\237\221\251Y|\n' >"$TMP/zwj.md"
out=$("$DOCDAY" view "$TMP/zwj.md")
has "a ZWJ sequence is kept by default" "$out" "$(printf '\342\200\215')"
out=$("$DOCDAY" --ascii view "$TMP/zwj.md")
same "--ascii shows a ZWJ sequence's parts" "$out" "$(printf 'X\360\237\221\250\360\237\221\251Y|')"
out=$("$DOCDAY" --graphemes=split view "$TMP/zwj.md")
same "--graphemes=split shows the parts" "$out" "$(printf 'X\360\237\221\250\360\237\221\251Y|')"
out=$("$DOCDAY" --ascii --graphemes join view "$TMP/zwj.md")
has "--graphemes join keeps them under --ascii" "$out" "$(printf '\342\200\215')"
out=$(TERM=xterm-kitty "$DOCDAY" view "$TMP/zwj.md")
same "kitty's TERM splits them by default" "$out" "$(printf 'X\360\237\221\250\360\237\221\251Y|')"
out=$(TERM=xterm-kitty DOCDAY_GRAPHEMES=join "$DOCDAY" view "$TMP/zwj.md")
has "DOCDAY_GRAPHEMES=join keeps them there" "$out" "$(printf '\342\200\215')"
printf 'T\360\237\221\215\360\237\217\275Z \342\235\244\357\270\217\n' >"$TMP/tone.md"
out=$("$DOCDAY" --graphemes=split view "$TMP/tone.md")
same "split drops a skin tone and an emoji selector" "$out" "$(printf 'T\360\237\221\215Z \342\235\244')"
expect "--graphemes with another word" 2 --graphemes=often view "$TMP/zwj.md"
has "says which words" "$err" "auto, split or join"
DOCDAY_GRAPHEMES=often "$DOCDAY" view "$TMP/zwj.md" >/dev/null 2>"$TMP/err"
same "so does DOCDAY_GRAPHEMES" "$?" 2

# Output that fails to be written is an error, however much of it there is
# (a big page's output goes out in large writes that bypass stdio's buffer).
if [ -w /dev/full ]; then
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "Paragraph %d of a long page.\n\n", i }' \
		>"$TMP/big.md"
	"$DOCDAY" view "$TMP/big.md" --width 40 >/dev/full 2>"$TMP/err"
	same "a big output into a full disk fails" "$?" 1
	has "and says why" "$(cat "$TMP/err")" "cannot write the output"
	"$DOCDAY" view "$TMP/v.md" --width 40 >/dev/full 2>"$TMP/err"
	same "a small one too" "$?" 1
else
	skip "a big output into a full disk fails" "no /dev/full"
	skip "and says why" "no /dev/full"
	skip "a small one too" "no /dev/full"
fi
done_testing
