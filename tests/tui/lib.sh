# Helpers for driving the real program in tmux, as a person would: start it
# in a private tmux server at a fixed size, send keys, wait for the screen.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
_sessions=0
SOCK=
kill_all() {
	for s in "$TMP"/tmux.*.sock; do [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null; done
}
trap 'kill_all; chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT

# start W H CMD...: runs CMD in a new session; when it ends, the pane shows
# "EXITED <code>".
start() {
	local w=$1 h=$2
	shift 2
	# A new server each time: a killed one may still be going away.
	[ -n "$SOCK" ] && tmux -S "$SOCK" kill-server 2>/dev/null
	_sessions=$((_sessions + 1))
	SOCK="$TMP/tmux.$_sessions.sock"
	tmux -S "$SOCK" -f /dev/null new-session -d -s t -x "$w" -y "$h" \
		"env LC_ALL=C.UTF-8 TZ=UTC TERM=${TUI_TERM:-xterm-256color} HOME='$HOME' $* ; echo EXITED \$?; sleep 60"
}
keys() { tmux -S "$SOCK" send-keys -t t "$@"; }
screen() { tmux -S "$SOCK" capture-pane -p -t t; }
# wait_for TEXT [SECONDS]: polls the screen until TEXT shows; 0 when it did.
wait_for() {
	local i
	for i in $(seq $((${2:-5} * 10))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# see NAME TEXT [SECONDS]: a TAP check that TEXT appears.
see() {
	if wait_for "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "wanted on screen: $2" "$(screen | sed 's/^/|/')"; fi
}
# signal SIG: sends SIG to the program running in the pane.
signal() {
	local shell
	shell=$(tmux -S "$SOCK" display-message -p -t t '#{pane_pid}')
	pkill "-$1" -P "$shell" -x docday
}
# widest: the widest line on screen in display columns, status lines aside.
widest() { screen | head -n -2 | wc -L; }
# status: the status line (second to last line).
status() { screen | tail -2 | head -1; }
