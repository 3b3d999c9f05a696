# The man page and the program's own help agree: every command and every
# key action appears in both.
. "$TOP_SRCDIR/tests/cli/lib.sh"
man="$TMP/docday.1"
sed 's/\\-/-/g' "$TOP_SRCDIR/docs/docday.1" >"$man" # roff's \- is a plain -
cmds=$("$DOCDAY" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] && ok "--help lists commands" || not_ok "--help lists commands"
for c in $cmds; do
	if grep -q "^\.B.* $c\|^\.B $c\|^\.BI $c\|^\.B $c " "$man" || grep -q "^\.B.\? *$c\b" "$man"; then
		ok "man page documents $c"
	else not_ok "man page documents $c"; fi
	"$DOCDAY" help "$c" >/dev/null 2>&1 && ok "help $c" || not_ok "help $c"
done
actions=$("$DOCDAY" help keys | awk 'NR > 2 { print $(NF > 1 ? 0 : 1) }' | sed -E 's/.* ([a-z][a-z-]+) {2,}.*/\1/')
n=0
for a in $actions; do
	n=$((n + 1))
	grep -q "$a" "$man" && ok "man page names the key action $a" || not_ok "man page names the key action $a"
done
[ "$n" -gt 20 ] && ok "help keys lists the actions" || not_ok "help keys lists the actions" "$n"
for opt in --db --help --version DOCDAY_DB XDG_DATA_HOME NO_COLOR; do
	grep -q -- "$opt" "$man" && ok "man page mentions $opt" || not_ok "man page mentions $opt"
done
done_testing
