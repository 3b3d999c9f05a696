# Crash torture (issue 7): saves killed with SIGKILL at random moments leave
# a consistent wiki that holds every save reported done.
#
# 1. A child shell loops `docday save` on two pages (texts of 1 KB to 300 KB,
#    with links that change, so the link table and the FTS index change too)
#    and appends "token revision size checksum" to a log after each docday
#    that exited 0.  It runs in its own process group, killed with SIGKILL
#    after a random 20-500 ms (10 trials; TORTURE_LONG=1: 100).  After each
#    kill: `docday check` is clean; every save in the log is in the history
#    at its revision with its size and text; the history holds no more than
#    one save of the trial beyond the log (the one in flight when the kill
#    came, which may have committed); the head is exactly that last text.
# 2. A single `docday save` of a ~5 MB page killed after a random few ms,
#    spread over the time an unkilled save of the page takes (4 trials;
#    TORTURE_LONG=1: 30): the check is clean, and the page's head is either
#    the new text, whole, or the previous one.
# Then a last save on each page works.
#
#   TORTURE_LONG=1, TORTURE_TRIALS, TORTURE_BIG_TRIALS, TORTURE_SEED
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # bash: arrays, mapfile, $EPOCHREALTIME
. "$TOP_SRCDIR/tests/cli/lib.sh"

if [ "${TORTURE_LONG:-0}" = 1 ]; then
	TRIALS=${TORTURE_TRIALS:-100} BIG_TRIALS=${TORTURE_BIG_TRIALS:-30}
else
	TRIALS=${TORTURE_TRIALS:-10} BIG_TRIALS=${TORTURE_BIG_TRIALS:-4}
fi
SEED=${TORTURE_SEED:-$(($$ * 17 + $(date +%s) % 100000))}
RANDOM=$SEED
echo "# $TRIALS killed save loops, $BIG_TRIALS killed saves of a big page; TORTURE_SEED=$SEED"
command -v setsid >/dev/null || {
	echo "1..0 # SKIP needs setsid (util-linux)"
	exit 0
}

now_ms() { date +%s%3N; }

"$DOCDAY" init --empty >/dev/null 2>"$TMP/err" || {
	echo "Bail out! cannot create the database: $(cat "$TMP/err")"
	exit 1
}

# Filler texts the child appends to its token lines: 1 KB, 40 KB, 300 KB.
gen() { # gen LINES SALT
	awk -v n="$1" -v s="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			if (i % 30 == 1) printf "\n## Part %d %s\n\n", i, s
			printf "Line %d (%s) of a page that is saved and killed, see [[page-%d]].\n", i, s, i % 7
		}
	}'
}
gen 15 small >"$TMP/fill.0"
gen 600 medium >"$TMP/fill.1"
gen 4500 large >"$TMP/fill.2"

# The child: saves until it is killed.  $1 = trial number.
cat >"$TMP/child.sh" <<'EOF'
T=$1
i=0
while :; do
	i=$((i + 1))
	tok="t$T-$i"
	page=$((i % 2 == 0 ? 0 : 1))
	in="$DIR/in.$tok"
	{
		printf '# Torture %s\n\nsaved as %s, links to [[page-%s]] and [[%s]].\n' \
			"$page" "$tok" "$tok" "$((RANDOM % 5))"
		cat "$DIR/fill.$((RANDOM % 3))"
	} >"$in"
	if "$DOCDAY" save "torture-$page" -m "$tok" <"$in" >"$DIR/child.out" 2>"$DIR/child.err"; then
		IFS='	' read -r slug num status <"$DIR/child.out"
		echo "$tok $slug $num $(wc -c <"$in") $(cksum <"$in" | cut -d' ' -f1)" >>"$DIR/done.$T"
	else
		echo "$tok exit $?: $(head -c 300 "$DIR/child.err")" >>"$DIR/failed.$T"
	fi
	# keep the inputs of the last few saves only
	rm -f "$DIR/in.t$T-$((i - 4))"
done
EOF

# Creates the two pages so that the child's saves have a head to go on.
for p in 0 1; do
	printf '# Torture %s\n\nthe first text\n' "$p" | "$DOCDAY" save "torture-$p" -m "t0-$p" >/dev/null 2>&1
done

check_clean() { # check_clean NAME: docday check exits 0
	"$DOCDAY" check >"$TMP/check.out" 2>"$TMP/check.err"
	local rc=$?
	if [ "$rc" = 0 ]; then return 0; fi
	echo "$1: docday check exit $rc: $(head -c 600 "$TMP/check.out") $(head -c 300 "$TMP/check.err")" >>"$problems"
	return 1
}

# --- 1. a loop of saves, killed -------------------------------------------
problems=$TMP/problems
: >"$problems"
n_done=0 n_flight=0 n_failed=0 n_inside=0
for ((t = 1; t <= TRIALS; t++)); do
	: >"$TMP/done.$t"
	delay=$((20 + RANDOM % 480))
	DIR=$TMP DOCDAY=$DOCDAY setsid bash "$TMP/child.sh" "$t" </dev/null >/dev/null 2>&1 &
	child=$!
	# setsid forks when it is a group leader; it is not, so $child is the
	# group leader of its own new session and group
	sleep "$(printf '0.%03d' "$delay")"
	# (for the statistics only: was a docday running when the kill came?)
	pgrep -g "$child" -x docday >/dev/null 2>&1 && n_inside=$((n_inside + 1))
	kill -KILL -- "-$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null
	wait "$child" 2>/dev/null
	# no member of the group may still be writing
	for _ in $(seq 50); do
		pgrep -g "$child" >/dev/null 2>&1 || break
		sleep 0.1
	done
	if [ -s "$TMP/failed.$t" ]; then
		n_failed=$((n_failed + $(wc -l <"$TMP/failed.$t")))
		echo "trial $t: a save of the child failed: $(head -n 2 "$TMP/failed.$t")" >>"$problems"
	fi
	check_clean "trial $t (killed after $delay ms)"
	for p in 0 1; do
		if ! "$DOCDAY" history "torture-$p" >"$TMP/hist.$p" 2>"$TMP/err"; then
			echo "trial $t: history torture-$p failed: $(cat "$TMP/err")" >>"$problems"
		fi
	done
	# every save the child saw done: in the history at its number, its size
	while read -r tok slug num size sum; do
		n_done=$((n_done + 1))
		p=${slug#torture-}
		line=$(awk -F'\t' -v t="$tok" '$5 == t' "$TMP/hist.$p")
		if [ -z "$line" ]; then
			echo "trial $t: $tok was reported saved as $slug revision $num but is not in its history (a lost save)" >>"$problems"
			continue
		fi
		IFS=$'\t' read -r hnum _ _ hsize _ <<<"$line"
		[ "$hnum" = "$num" ] && [ "$hsize" = "$size" ] ||
			echo "trial $t: $tok: history has revision $hnum, $hsize bytes; the child saw revision $num, $size bytes" >>"$problems"
		got=$("$DOCDAY" cat "$slug" --rev "$num" 2>/dev/null | cksum | cut -d' ' -f1)
		[ "$got" = "$sum" ] ||
			echo "trial $t: $tok: revision $num of $slug is not the text that was saved" >>"$problems"
	done <"$TMP/done.$t"
	# at most one save of this trial beyond the ones reported done
	extra=$(cat "$TMP/hist.0" "$TMP/hist.1" | awk -F'\t' -v t="t$t-" 'index($5, t) == 1 { print $5 }' |
		grep -vxF -f <(cut -d' ' -f1 "$TMP/done.$t"; echo none) | sort)
	nextra=$(printf '%s' "$extra" | grep -c .)
	if [ "$nextra" -gt 1 ]; then
		echo "trial $t: $nextra saves in the history were never reported done: $(echo $extra)" >>"$problems"
	elif [ "$nextra" = 1 ]; then
		n_flight=$((n_flight + 1))
		# it must be the save that was in flight, and whole
		last=$(tail -n 1 "$TMP/done.$t" | cut -d' ' -f1)
		want="t$t-$((${last:+${last#t$t-}} + 1))"
		if [ "$extra" != "$want" ]; then
			echo "trial $t: $extra is in the history, but the save in flight was $want" >>"$problems"
		elif [ -f "$TMP/in.$extra" ]; then
			p=$(((${extra#t$t-}) % 2 == 0 ? 0 : 1))
			"$DOCDAY" cat "torture-$p" >"$TMP/head" 2>/dev/null
			cmp -s "$TMP/head" "$TMP/in.$extra" ||
				echo "trial $t: $extra (in flight) is the head of torture-$p but not the text it saved" >>"$problems"
		fi
	fi
	rm -f "$TMP"/in.t"$t"-*
done
echo "# loops: $TRIALS kills ($n_inside while a docday was running), $n_done saves reported done and found," \
	"$n_flight saves in flight that had committed"
if [ ! -s "$problems" ]; then
	ok "$TRIALS killed save loops: check clean, every reported save in the history with its text"
else
	mapfile -t lines < <(head -n 10 "$problems")
	not_ok "$TRIALS killed save loops: check clean, every reported save in the history with its text" \
		"$(wc -l <"$problems") problems, e.g.:" "${lines[@]}"
fi
same "no save of the child failed" "$n_failed" 0
if [ "$n_done" -gt 0 ]; then ok "the child saved between the kills ($n_done)"; else not_ok "the child saved between the kills"; fi

# --- 2. one save of a big page, killed ------------------------------------
: >"$problems"
# ~5 MB of Markdown: headings, lists, links
awk 'BEGIN {
	for (i = 1; i <= 70000; i++) {
		if (i % 40 == 1) printf "\n## Section %d\n\n", i
		printf "- item %d of the big page, with a [[link-%d]] and *some* words\n", i, i % 300
	}
}' >"$TMP/big.body"
mkbig() { { printf '# Big\n\nversion %s\n' "$1"; cat "$TMP/big.body"; } >"$TMP/big.$1"; }
mkbig 0
echo "# big page: $(wc -c <"$TMP/big.0") bytes"
t0=$(now_ms)
"$DOCDAY" save big -m big-0 <"$TMP/big.0" >/dev/null 2>"$TMP/err" || not_ok "an unkilled save of the big page" "$(cat "$TMP/err")"
span=$(($(now_ms) - t0))
echo "# an unkilled save of the big page takes $span ms"
[ "$span" -ge 2 ] || span=2
prev=0 committed=0 killed=0
for ((t = 1; t <= BIG_TRIALS; t++)); do
	mkbig "$t"
	cp "$TMP/big.$t" "$TMP/big.copy"
	delay=$((1 + RANDOM % span))
	"$DOCDAY" save big -m "big-$t" <"$TMP/big.$t" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	check_clean "big trial $t (killed after $delay ms, exit $rc)"
	"$DOCDAY" history big >"$TMP/hist.big" 2>/dev/null
	IFS=$'\t' read -r num _ _ _ summary <"$TMP/hist.big"
	"$DOCDAY" cat big >"$TMP/big.head" 2>/dev/null
	if [ "$summary" = "big-$t" ]; then
		committed=$((committed + 1))
		cmp -s "$TMP/big.head" "$TMP/big.$t" ||
			echo "big trial $t: the head is big-$t but not its text" >>"$problems"
		rm -f "$TMP/big.$prev"
		prev=$t
	else
		killed=$((killed + 1))
		[ "$rc" != 0 ] ||
			echo "big trial $t: docday exited 0 but big-$t is not the head ($summary is)" >>"$problems"
		[ "$summary" = "big-$prev" ] && cmp -s "$TMP/big.head" "$TMP/big.$prev" ||
			echo "big trial $t: the head is $summary, not the previous text big-$prev" >>"$problems"
	fi
	cmp -s "$TMP/big.$t" "$TMP/big.copy" || echo "big trial $t: the input file changed" >>"$problems"
	[ "$prev" = "$t" ] || rm -f "$TMP/big.$t"
done
echo "# big page: $BIG_TRIALS kills, $killed before the commit, $committed after it"
if [ ! -s "$problems" ]; then
	ok "$BIG_TRIALS killed saves of a big page: check clean, the head whole, old or new"
else
	mapfile -t lines < <(head -n 10 "$problems")
	not_ok "$BIG_TRIALS killed saves of a big page: check clean, the head whole, old or new" \
		"$(wc -l <"$problems") problems, e.g.:" "${lines[@]}"
fi
revs=$(wc -l <"$TMP/hist.big")
same "the big page has one revision per committed save" "$revs" $((committed + 1))

# --- afterwards --------------------------------------------------------------
for p in torture-0 torture-1 big; do
	head=$("$DOCDAY" history "$p" 2>/dev/null | head -n 1 | cut -f1)
	printf '# After\n\nthe last text of %s\n' "$p" >"$TMP/last"
	expect "a save on $p after the kills" 0 save "$p" --base "${head:-1}" -m last <"$TMP/last"
	has "it is a plain save on the head" "$out" "saved"
done
expect "docday check is clean at the end" 0 check
done_testing
