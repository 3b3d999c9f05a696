# Emoji widths in real terminals (RENDERING 15): docday's pager in kitty and
# in VTE (GNOME Terminal's widget), each headless under Xvfb, against tmux,
# which counts columns with wcwidth() as ncurses does.  A page whose lines
# put '|' in one column behind a ZWJ family, a skin tone, a flag, an emoji
# presentation selector and plain text is scrolled by one line, so ncurses
# repaints part of the screen; then each terminal's cell grid must show the
# same text as tmux on every row, every '|' in its column, nothing stale.
# Once under the default policy (split in kitty, as TERM says; as they are
# in VTE) and once under --ascii.  docs/architecture.md has what was found.
. "$TOP_SRCDIR/tests/tui/lib.sh"
GRID="$TOP_SRCDIR/tests/tui/termgrid.py"
COLS=60 ROWS=20

# The page: a code block and a paragraph with hard breaks, then lines to
# scroll by.  Every marked line is 8 columns wide before its '|'.
{
	printf '# Widths\n\n```\n'
	printf 'A123456B|\nX\360\237\221\250\342\200\215\360\237\221\251\342\200\215\360\237\221\247Y|\n'
	printf 'T\360\237\221\215\360\237\217\27512Z|\nF\360\237\207\257\360\237\207\2651234G|\n'
	printf 'K\342\235\244\357\270\21712345L|\nC123456D|\n```\n\n'
	printf 'A123456B|\\\nX\360\237\221\250\342\200\215\360\237\221\251\342\200\215\360\237\221\247Y|\\\n'
	printf 'T\360\237\221\215\360\237\217\27512Z|\\\nK\342\235\244\357\270\21712345L|\\\nC123456D|\n\n'
	for i in $(seq 40); do printf 'line %d\n\n' "$i"; done
} >"$TMP/w.md"

# expected NAME ARGS...: the screen in tmux after j, as docday means it.
expected() {
	local name=$1
	shift
	start $COLS $ROWS "$DOCDAY" "$@" view "$TMP/w.md"
	wait_for "1-" || true
	keys j
	wait_for "2-" || true
	sleep 0.3
	screen >"$TMP/$name.want"
	tmux -S "$SOCK" kill-server 2>/dev/null
}

# compare NAME TERMINAL: checks $TMP/NAME.grid against $TMP/WANT.want.
compare() {
	if "$PY" "$GRID" check "$TMP/$1.grid" "$TMP/$2.want" >"$TMP/$1.why" 2>&1; then
		ok "$3"
	else
		not_ok "$3" "$(head -12 "$TMP/$1.why")"
	fi
}

# A python3 that has GTK's introspection (pyenv's shims may not).
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import gi' 2>/dev/null; then
		PY=$p
		break
	fi
done
if ! command -v Xvfb >/dev/null; then
	why="Xvfb is not installed (Debian: xvfb)"
fi

# One X server for both terminals, on a display it picks itself.
XPID=
if [ -z "${why:-}" ]; then
	Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$TMP/display" 2>"$TMP/xvfb.log" &
	XPID=$!
	for _ in $(seq 50); do [ -s "$TMP/display" ] && break; sleep 0.1; done
	if [ -s "$TMP/display" ]; then
		export DISPLAY=":$(head -1 "$TMP/display")"
	else
		why="Xvfb did not start: $(head -3 "$TMP/xvfb.log")"
	fi
fi
trap 'kill_all; [ -n "$XPID" ] && kill $XPID 2>/dev/null; [ -n "${KPID:-}" ] && kill $KPID 2>/dev/null; chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT

expected join --graphemes=join
expected split --graphemes=split
expected ascii --ascii

# --- kitty -------------------------------------------------------------------
# kitty_run NAME ARGS...: docday in a new kitty (software OpenGL), j, the grid.
kitty_run() {
	local name=$1 i
	shift
	rm -f "$TMP/k.sock"
	LIBGL_ALWAYS_SOFTWARE=1 kitty --config NONE -o allow_remote_control=yes \
		--listen-on "unix:$TMP/k.sock" -o initial_window_width=${COLS}c \
		-o initial_window_height=${ROWS}c -o remember_window_size=no \
		-o window_padding_width=0 \
		env -u KITTY_WINDOW_ID LC_ALL=C.UTF-8 TERM=xterm-kitty HOME="$HOME" \
		sh -c "\"\$@\" view '$TMP/w.md'; sleep 60" sh "$DOCDAY" "$@" \
		>"$TMP/kitty.log" 2>&1 &
	KPID=$!
	for i in $(seq 100); do
		kitty @ --to "unix:$TMP/k.sock" get-text 2>/dev/null | grep -q "1-" && break
		sleep 0.1
	done
	sleep 0.3
	kitty @ --to "unix:$TMP/k.sock" send-text j
	for i in $(seq 50); do
		kitty @ --to "unix:$TMP/k.sock" get-text 2>/dev/null | grep -q "2-" && break
		sleep 0.1
	done
	sleep 0.3
	kitty @ --to "unix:$TMP/k.sock" kitten "$GRID" >"$TMP/$name.grid" 2>>"$TMP/kitty.log"
	kill $KPID 2>/dev/null
	wait $KPID 2>/dev/null
	KPID=
}

kwhy=${why:-}
[ -z "$kwhy" ] && ! command -v kitty >/dev/null && kwhy="kitty is not installed (Debian: kitty)"
[ -z "$kwhy" ] && [ -z "$PY" ] && kwhy="no python3"
[ -z "$kwhy" ] && ! infocmp xterm-kitty >/dev/null 2>&1 &&
	kwhy="no terminfo for xterm-kitty (Debian: kitty-terminfo)"
if [ -n "$kwhy" ]; then
	skip "kitty: the default (split) keeps every column" "$kwhy"
	skip "kitty: --ascii keeps every column" "$kwhy"
else
	kitty_run kitty-auto
	compare kitty-auto split "kitty: the default (split) keeps every column"
	kitty_run kitty-ascii --ascii
	compare kitty-ascii ascii "kitty: --ascii keeps every column"
	# What joined sequences do there, for the record (not a check).
	kitty_run kitty-join --graphemes=join
	"$PY" "$GRID" check "$TMP/kitty-join.grid" "$TMP/join.want" | sed 's/^/# kitty, joined: /'
	echo "# $(kitty --version)"
fi

# --- VTE -----------------------------------------------------------------------
vwhy=${why:-}
[ -z "$vwhy" ] && [ -z "$PY" ] && vwhy="no python3 with gi (Debian: python3-gi)"
[ -z "$vwhy" ] && ! "$PY" -c "import gi; gi.require_version('Vte', '2.91'); gi.require_version('Gtk', '3.0')" 2>/dev/null &&
	vwhy="no VTE for Python (Debian: gir1.2-vte-2.91, gir1.2-gtk-3.0)"
vte_run() {
	local name=$1
	shift
	env -u KITTY_WINDOW_ID -u TERM_PROGRAM LC_ALL=C.UTF-8 TERM=xterm-256color \
		"$PY" "$GRID" vte $COLS $ROWS "1-" j "2-" "$DOCDAY" "$@" view "$TMP/w.md" \
		>"$TMP/$name.grid" 2>"$TMP/$name.err" || cat "$TMP/$name.err" >&2
}
if [ -n "$vwhy" ]; then
	skip "VTE: the default (joined) keeps every column" "$vwhy"
	skip "VTE: --ascii keeps every column" "$vwhy"
else
	vte_run vte-auto
	compare vte-auto join "VTE: the default (joined) keeps every column"
	vte_run vte-ascii --ascii
	compare vte-ascii ascii "VTE: --ascii keeps every column"
	echo "# VTE $("$PY" -c "import gi; gi.require_version('Vte', '2.91'); from gi.repository import Vte; print('%d.%d.%d' % (Vte.get_major_version(), Vte.get_minor_version(), Vte.get_micro_version()))" 2>/dev/null)"
fi
done_testing
