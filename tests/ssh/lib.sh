# Helpers for the over-ssh tests: a private sshd on 127.0.0.1 with its own
# host key, client keys and authorized_keys (all in $TMP, nothing under /etc),
# and ssh sessions each in its own tmux server.
#
#   ssh_setup           start sshd (or print "1..0 # SKIP" and exit)
#   add_key NAME LINE   a client key NAME; LINE is the authorized_keys
#                       options and command, e.g. 'restrict,pty,command="..."'
#   login NAME [CMD]    an interactive ssh session with key NAME in the tmux
#                       session NAME, made current
#   on NAME             make the tmux session NAME current for keys/see/screen
#   sshc NAME ARGS...   a non-interactive ssh command with key NAME
. "$TOP_SRCDIR/tests/tui/lib.sh"

SSHD=${SSHD:-/usr/sbin/sshd}
if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
	echo "1..0 # SKIP no OpenSSH server ($SSHD) or client: apt-get install openssh-server openssh-client"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	# An sshd that is not root serves only its own user and ends every
	# session with a terminal ("Attempt to write login records by non-root
	# user (aborting)"): no way to test the interface over ssh.
	echo "1..0 # SKIP needs root: an sshd started by another user cannot open terminal sessions"
	exit 0
fi
SSH_USER=root

SSHD_PID=
MADE_RUN_SSHD=
ssh_cleanup() {
	local kids pids
	kill_all # the tmux servers: their ssh clients go, and with them the sessions
	if [ -n "$SSHD_PID" ]; then
		# sshd itself and the children still serving connections.
		kids=$(pgrep -P "$SSHD_PID" 2>/dev/null)
		kill "$SSHD_PID" $kids 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		kill -9 $kids 2>/dev/null
	fi
	# Any docday still on our database (its path is unique to this test).
	if [ -n "${DB:-}" ] && pids=$(pgrep -f -- "--db $DB"); then
		kill $pids 2>/dev/null
	fi
	[ -n "$MADE_RUN_SSHD" ] && rmdir /run/sshd 2>/dev/null
	chmod -R u+w "$TMP" 2>/dev/null
	rm -rf "$TMP"
}
trap ssh_cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	if command -v python3 >/dev/null; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null && return
	fi
	echo $((20000 + RANDOM % 40000))
}

ssh_setup() {
	mkdir -p "$TMP/ssh"
	: >"$TMP/ssh/authorized_keys"
	ssh-keygen -q -t ed25519 -N '' -C "docday-test-host" -f "$TMP/ssh/host_ed25519" ||
		{ echo "1..0 # SKIP ssh-keygen cannot make a host key"; exit 0; }
	# Debian's sshd wants its privilege separation folder.
	if [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd && MADE_RUN_SSHD=1
	fi
	for _ in 1 2 3 4 5; do
		PORT=$(free_port)
		sshd_start no && break
	done
	[ -n "$SSHD_PID" ] || {
		echo "1..0 # SKIP sshd did not start: $(tail -2 "$TMP/sshd.log" | tr '\n' ' ')"
		exit 0
	}
	# A probe key.  Without PAM, sshd refuses an account whose password is
	# locked ("!" in /etc/shadow); root may be one: then use PAM.
	add_key probe 'restrict,command="echo probe-ok"'
	sshc probe
	if [ "$out" != probe-ok ] && grep -q "account is locked" "$TMP/sshd.log"; then
		sshd_stop
		sshd_start yes
		sshc probe
	fi
	if [ "$out" != probe-ok ]; then
		echo "Bail out! ssh with the test key fails: $err $(tail -3 "$TMP/sshd.log" | tr '\n' ' ')"
		exit 1
	fi
}

# sshd_start PAM: writes the config (UsePAM PAM) and starts sshd on $PORT;
# 0 once it listens.
sshd_start() {
	cat >"$TMP/ssh/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $TMP/ssh/host_ed25519
PidFile $TMP/ssh/sshd.pid
AuthorizedKeysFile $TMP/ssh/authorized_keys
StrictModes no
PermitRootLogin forced-commands-only
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $1
PermitTTY yes
AcceptEnv none
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
EOF
	"$SSHD" -t -f "$TMP/ssh/sshd_config" 2>"$TMP/ssh/check.err" ||
		{ echo "1..0 # SKIP sshd refuses our config: $(head -1 "$TMP/ssh/check.err")"; exit 0; }
	: >"$TMP/sshd.log"
	"$SSHD" -D -f "$TMP/ssh/sshd_config" -E "$TMP/sshd.log" &
	SSHD_PID=$!
	for _ in $(seq 50); do
		grep -q "Server listening" "$TMP/sshd.log" && return 0
		kill -0 "$SSHD_PID" 2>/dev/null || break
		sleep 0.1
	done
	sshd_stop
	return 1
}

sshd_stop() {
	kill "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}

# add_key NAME OPTIONS: a new client key; its authorized_keys line is
# "OPTIONS ssh-ed25519 AAAA... NAME".
add_key() {
	ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$TMP/ssh/key.$1"
	printf '%s %s\n' "$2" "$(cat "$TMP/ssh/key.$1.pub")" >>"$TMP/ssh/authorized_keys"
}

# The client: no user or system configuration, no agent, our key only.
ssh_opts() {
	echo "-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=$TMP/known" \
		"-o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none -o LogLevel=ERROR" \
		"-o ConnectTimeout=5 -i $TMP/ssh/key.$1 -p $PORT"
}

# sshc NAME [ARGS...]: runs ssh without a terminal, its input from $SSH_IN
# (else nothing); sets $out, $err, $rc.
sshc() {
	local name=$1
	shift
	# shellcheck disable=SC2046
	ssh $(ssh_opts "$name") -- "$SSH_USER@127.0.0.1" "$@" >"$TMP/out" 2>"$TMP/err" <"${SSH_IN:-/dev/null}"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# on NAME: keys, see, screen, status now work on NAME's latest login.
on() { eval "SOCK=\$sock_$1"; }

# login NAME [REMOTE...]: ssh -tt with key NAME in a tmux server of its own
# (100x24), REMOTE as the command it asks for (the forced command gets it
# as SSH_ORIGINAL_COMMAND); when ssh ends the pane shows "EXITED <code>".
# Each login gets a new server: an old one may still be going away.
login() {
	local name=$1
	shift
	_sessions=$((_sessions + 1))
	eval "sock_$name=\$TMP/tmux.$name.$_sessions.sock"
	on "$name"
	tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 24 \
		"ssh -tt $(ssh_opts "$name") -- $SSH_USER@127.0.0.1 $*; echo EXITED \$?; sleep 60"
}

# ssh_client_pid: the ssh client running in the current session's pane.
ssh_client_pid() {
	pgrep -P "$(tmux -S "$SOCK" display-message -p -t t '#{pane_pid}')" -x ssh
}

# now_ms: the clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_ms TEXT SECONDS: polls the screen every 50 ms until TEXT shows and
# prints the time it showed (now_ms); 1 when it did not.
wait_ms() {
	local end=$(($(now_ms) + $2 * 1000))
	while [ "$(now_ms)" -le "$end" ]; do
		if screen | grep -qF -- "$1"; then
			now_ms
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# docday_pid USER: the docday process serving USER on our database (found
# by its unique path, so nothing outside this test is ever matched).
docday_pid() { pgrep -f -- "^$DOCDAY --restricted --user $1 --db $DB\$"; }
