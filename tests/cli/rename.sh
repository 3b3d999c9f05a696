# Renaming a page from the command line: links follow in one transaction,
# code does not change, the old name stays an alias, clashes are refused.
. "$TOP_SRCDIR/tests/cli/lib.sh"
D="--db $TMP/r.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1
printf '# Install\n\nSteps.\n' | "$DOCDAY" $D save install -m first >/dev/null
printf '# Home\n\nRead [[Install]] or [[install|the steps]] or [it](install.md#steps).\n\n```\n[[Install]]\n```\n\nKeep `[[Install]]` as code.\n' |
	"$DOCDAY" $D save home >/dev/null
printf '# Other\n\nNothing here.\n' | "$DOCDAY" $D save other >/dev/null
printf '# Taken\n' | "$DOCDAY" $D save taken >/dev/null

expect "rename onto an existing page is refused" 1 $D rename install Taken
one_line "with one line" "$err"
has "that names the clash" "$err" "already exists"
expect "nothing changed" 0 $D history home
same "home still has one revision" "$(printf '%s\n' "$out" | wc -l)" 1
expect "rename with one argument is a usage error" 2 $D rename install
expect "rename of a missing page" 1 $D rename nope "New Name"

expect "rename" 0 $D rename install "Installing Pyrite"
same "it names the new slug, revision and the rewritten pages" "$out" "installing-pyrite	2	renamed from install
home		links rewritten"
expect "cat home" 0 $D cat home
same "links rewritten, label kept, code untouched" "$out" "# Home

Read [[Installing Pyrite]] or [[installing-pyrite|the steps]] or [it](installing-pyrite.md#steps).

\`\`\`
[[Install]]
\`\`\`

Keep \`[[Install]]\` as code."
expect "history of home" 0 $D history home
has "the rewrite is a revision with a summary" "$(printf '%s\n' "$out" | head -1)" "rename of 'Install' to 'Installing Pyrite'"
expect "history of the page" 0 $D history installing-pyrite
has "the renamed page's revision says so" "$(printf '%s\n' "$out" | head -1)" "renamed from 'Install'"
expect "the old name still finds the page" 0 $D cat install
has "its text with the new heading" "$out" "# Installing Pyrite"
expect "list" 0 $D list
hasnt "the old name is not listed" "$out" "install	Install"
expect "links of home" 0 $D links home
hasnt "no link is missing" "$out" "missing"
expect "backlinks of the new name" 0 $D backlinks installing-pyrite
same "home links to it" "$out" "home	Home"
expect "other pages untouched" 0 $D history other
same "other has one revision" "$(printf '%s\n' "$out" | wc -l)" 1
expect "search finds the new title" 0 $D search installing
has "by its new title" "$out" "installing-pyrite"
expect "check is clean" 0 $D check
done_testing
