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
done_testing
