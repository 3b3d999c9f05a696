# docday export: the static site from the command line, every file checked
# with tidy (HTML5, no errors, no warnings) and for control bytes; the
# folder rules; and the Markdown round trip through 'import'.
. "$TOP_SRCDIR/tests/cli/lib.sh"

D="--db $TMP/w.db"
expect "a wiki with the sample pages" 0 $D init
printf '# Home\n\nA second revision.\n\n' >"$TMP/home.md"
"$DOCDAY" $D cat home | sed 1d >>"$TMP/home.md"
expect "a second revision of home" 0 $D save home -m "second <revision>" <"$TMP/home.md"
# Hostile text: raw HTML, script URLs, controls written raw and as entities.
printf '# Odd <Page>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![y](data:image/svg+xml,z)\n\nesc &#27;[31m raw \033[2J bel \007 del \177 c1 \302\233\n\n```\n\033[1mcode\n```\n\n[[Missing Page]]\n' >"$TMP/odd.md"
expect "a hostile page" 0 $D save odd-page <"$TMP/odd.md"

expect "export html" 0 $D export html "$TMP/site"
has "it says what it wrote" "$err" "exported 7 pages to $TMP/site"
S=$TMP/site
missing=
for f in index.html recent.html wanted.html search.html search.js search-index.js style.css \
	home.html home.history.html odd-page.html odd-page.history.html .docday-export; do
	[ -f "$S/$f" ] || missing="$missing $f"
done
same "the site's files are there" "$missing" ""
same "one page file per page" "$(ls "$S" | grep -v '\.history\.html$' | grep -c '\.html$')" 11

# Control bytes: C0 other than TAB, LF, CR; DEL; C1 as UTF-8 (C2 80-9F).
bad=$(LC_ALL=C grep -l -P '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]' "$S"/* "$S"/.docday-export 2>&1)
same "no control characters in any file" "$bad" ""
bad=$(LC_ALL=C grep -l -i -E '(href|src)="[[:space:]]*(javascript|vbscript|data|file):' "$S"/*)
same "no javascript:/vbscript:/data:/file: URL in any file" "$bad" ""
hasnt "raw HTML is left out" "$(cat "$S/odd-page.html")" "<script>alert"
has "a missing page is marked" "$(cat "$S/odd-page.html")" \
	'<span class="missing" title="page does not exist yet">Missing Page</span>'
has "wanted.html lists it" "$(cat "$S/wanted.html")" "missing-page"

if command -v tidy >/dev/null 2>&1; then
	for f in "$S"/*.html; do
		t=$(tidy -q -e "$f" 2>&1)
		trc=$?
		if [ "$trc" = 0 ] && [ -z "$t" ]; then
			ok "tidy: $(basename "$f")"
		else
			not_ok "tidy: $(basename "$f")" "tidy exit $trc" "$(printf '%s\n' "$t" | head -5)"
		fi
	done
else
	skip "tidy checks every HTML file" "tidy is not installed (apt-get install tidy)"
fi

expect "export html --with-revisions --quiet over the previous export" 0 \
	$D export html "$TMP/site" --with-revisions --quiet
same "--quiet prints nothing" "$out$err" ""
[ -f "$S/home.r1.html" ] && [ -f "$S/home.r2.diff.html" ] && ok "old revisions and diffs written" ||
	not_ok "old revisions and diffs written" "$(ls "$S")"
if command -v tidy >/dev/null 2>&1; then
	for f in "$S/home.r1.html" "$S/home.r2.diff.html"; do
		t=$(tidy -q -e "$f" 2>&1) && [ -z "$t" ] && ok "tidy: $(basename "$f")" ||
			not_ok "tidy: $(basename "$f")" "$t"
	done
fi
# A repeated export links the files that did not change from the export it
# replaces (same bytes, a plain file with one name, ours, the usual mode)
# and writes the others: the result is the same as a fresh export.
R=$TMP/re
ino() { stat -c %i "$R/$1"; }
expect "an export to repeat" 0 $D export html "$R"
has "a first export has nothing to keep" "$err" "(0 unchanged)"
home1=$(ino home.html) css1=$(ino style.css)
expect "the same export again" 0 $D export html "$R"
files=$(printf '%s\n' "$err" | sed -n 's/.*: \([0-9]*\) files (\([0-9]*\) unchanged).*/\1 \2/p')
same "every file unchanged" "$(echo "$files" | cut -d' ' -f2)" "$(echo "$files" | cut -d' ' -f1)"
same "an unchanged page is the same file" "$(ino home.html)" "$home1"
printf '# Home\n\nA third revision.\n' >"$TMP/home3.md"
expect "a third revision of home" 0 $D save home -m third <"$TMP/home3.md"
search1=$(ino search.html)
printf 'x' | dd of="$R/search.html" bs=1 seek=20 conv=notrunc 2>/dev/null
chmod 600 "$R/search.js"
ln "$R/odd-page.history.html" "$TMP/elsewhere"
expect "export after a save and changes by hand" 0 $D export html "$R"
[ "$(ino home.html)" != "$home1" ] && ok "the changed page is a new file" ||
	not_ok "the changed page is a new file" "inode $home1 kept"
has "with the new text" "$(cat "$R/home.html")" "A third revision."
same "the style sheet is still the same file" "$(ino style.css)" "$css1"
[ "$(ino search.html)" != "$search1" ] && ok "a file edited by hand is written again" ||
	not_ok "a file edited by hand is written again" "inode $search1 kept"
same "a file of another mode is written again" "$(stat -c %a "$R/search.js")" \
	"$(stat -c %a "$R/style.css")"
[ "$(ino odd-page.history.html)" != "$(stat -c %i "$TMP/elsewhere")" ] &&
	ok "a file with a second name is written again" ||
	not_ok "a file with a second name is written again" "it is still linked"
expect "a fresh export to compare with" 0 $D export html "$TMP/fresh" --quiet
d=$(diff -r "$R" "$TMP/fresh" 2>&1)
same "the repeated export is the fresh export" "$d" ""
same "and nothing is left beside it" "$(ls -d "$TMP"/re.* 2>/dev/null)" ""

expect "export html --unsafe" 0 $D export html "$TMP/unsafe" --unsafe --quiet
has "--unsafe keeps raw HTML" "$(cat "$TMP/unsafe/odd-page.html")" "<script>alert(1)</script>"
bad=$(LC_ALL=C grep -l -P '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]' "$TMP/unsafe"/*)
same "--unsafe output has no control characters either" "$bad" ""

mkdir "$TMP/mine"
echo keep >"$TMP/mine/notes.txt"
expect "refuses a folder that is not an export" 1 $D export html "$TMP/mine"
one_line "one line saying why" "$err"
same "the folder is untouched" "$(ls -A "$TMP/mine")" "notes.txt"
same "nothing left beside it" "$(ls -d "$TMP"/mine.* 2>/dev/null)" ""
expect "export of something else is a usage error" 2 $D export pdf "$TMP/x"
expect "export needs a folder" 2 $D export html

# The Markdown round trip through the command line.
expect "export md" 0 $D export md "$TMP/md" --quiet
[ -f "$TMP/md/_index.md" ] && [ -f "$TMP/md/_docday.tsv" ] && ok "index and manifest written" ||
	not_ok "index and manifest written" "$(ls "$TMP/md")"
expect "import the folder into a new wiki" 0 --db "$TMP/back.db" import "$TMP/md"
has "every page imported, the index skipped" "$err" "imported 7 files: 7 new"
expect "list the original" 0 $D list
orig=$(printf '%s\n' "$out" | cut -f1,2)
expect "list the copy" 0 --db "$TMP/back.db" list
same "the same slugs and titles" "$(printf '%s\n' "$out" | cut -f1,2)" "$orig"
diffs=
for slug in $(printf '%s\n' "$orig" | cut -f1); do
	"$DOCDAY" $D cat "$slug" >"$TMP/a"
	"$DOCDAY" --db "$TMP/back.db" cat "$slug" >"$TMP/b"
	cmp -s "$TMP/a" "$TMP/b" || diffs="$diffs $slug"
done
same "every body is byte for byte the same" "$diffs" ""

done_testing
