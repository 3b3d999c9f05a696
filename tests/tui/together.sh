# Two people on one wiki (two sessions, different --user): live refresh of
# a viewed page, presence in the status line, an editor told at once, and
# the dashboard with a wanted page being claimed.
. "$TOP_SRCDIR/tests/tui/lib.sh"
DB="$TMP/w.db"
"$DOCDAY" --db "$DB" init --empty >/dev/null 2>&1
printf '# Plans\n\nSee [[Roadmap]].\n\nfirst\n' | "$DOCDAY" --db "$DB" save plans >/dev/null

# Session A in its own tmux server; session B in another.
start 90 20 "$DOCDAY" --user alice --db "$DB" plans
A=$SOCK
see "alice opens the page" "Plans  r1"
SOCK_B="$TMP/b.sock"
tmux -S "$SOCK_B" -f /dev/null new-session -d -s t -x 90 -y 20 \
	"env LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color HOME='$HOME' $DOCDAY --user bob --db $DB plans; sleep 60"
b_screen() { tmux -S "$SOCK_B" capture-pane -p -t t; }
b_keys() { tmux -S "$SOCK_B" send-keys -t t "$@"; }
for _ in $(seq 50); do b_screen | grep -q "Plans  r1" && break; sleep 0.1; done
see "alice sees bob viewing" "bob viewing" 8

# Bob saves from the shell: alice's screen follows within a second.
printf '# Plans\n\nSee [[Roadmap]].\n\nsecond, from bob\n' | "$DOCDAY" --user bob --db "$DB" save plans >/dev/null
see "alice's view reloads with bob's text" "second, from bob" 2
see "and says who saved" "updated: revision 2 by bob"

# Alice edits; bob saves meanwhile: alice is told at once, Alt-M merges.
keys e
see "alice edits" "Editing plans"
for _ in $(seq 80); do b_screen | grep -q "alice editing" && break; sleep 0.1; done
b_screen | grep -q "alice editing" && ok "bob's status line shows alice editing" || not_ok "bob's status line shows alice editing" "$(b_screen | tail -2)"
b_keys i
for _ in $(seq 50); do b_screen | grep -q "alice editing" && break; sleep 0.1; done
b_screen | grep -q "Plans.*\[alice editing\]" && ok "bob's index marks the page alice edits" || not_ok "bob's index marks the page alice edits" "$(b_screen | head -3)"
b_keys R
for _ in $(seq 50); do b_screen | grep -q "Recent changes" && break; sleep 0.1; done
b_screen | grep -q "plans.*\[alice editing\]" && ok "bob's recent changes mark it too" || not_ok "bob's recent changes mark it too" "$(b_screen | head -3)"
b_keys q q
printf '# Plans\n\nSee [[Roadmap]].\n\nsecond, from bob\n\nthird, from bob\n' | "$DOCDAY" --user bob --db "$DB" save plans >/dev/null
see "alice's editor is told at once" "bob saved revision 3 of this page" 2
keys M-m
see "Alt-M merges bob's change in" "merged revision 3 into your text"
has "bob's line is in alice's buffer" "$(screen)" "third, from bob"
keys C-x y Enter

# The dashboard: Roadmap is wanted; bob starts writing it; alice sees it.
keys D
see "D shows the dashboard" "Documentation day"
has "roadmap is wanted" "$(screen)" "roadmap"
b_keys D
sleep 0.5
b_keys Enter
for _ in $(seq 50); do b_screen | grep -q "Editing Roadmap" && break; sleep 0.1; done
b_screen | grep -q "Editing Roadmap" && ok "Enter on a wanted page starts writing it" || not_ok "Enter on a wanted page starts writing it" "$(b_screen | tail -3)"
see "alice's dashboard shows bob writing it" "bob writing this" 8
b_keys C-s "a roadmap" Enter
see "once saved it is no longer wanted" "none: every link has its page" 8
keys Q
see "alice quits" "EXITED 0"
tmux -S "$SOCK_B" kill-server 2>/dev/null
done_testing
