# Concurrent writers (issue 5): N processes each make M `docday save` calls
# on a few pages, with random and often stale bases, and nothing is lost.
#
# Every page is 40 numbered lines.  Each save of a worker reads the page's
# history, picks a base (the head, or 1 to 3 revisions before it), takes that
# revision's text, replaces one random line with "NN <token>" (the token,
# e.g. w07-s123, is unique and is also the save's summary), and saves it with
# --base.  A head that moved since the base is merged three-way: clean when
# the other changes are on lines not next to ours, a conflict (exit 4)
# otherwise.
#
# Asserted:
#  - every save ends as created/saved/merged/unchanged (exit 0) or as a
#    reported conflict (exit 4, markers in --conflict-out); nothing else, in
#    particular no exit 3 "locked" (the 5 s busy timeout must absorb the
#    contention) and no failing reader (history, cat);
#  - no lost saves: every success is in `docday history` once, at the
#    revision number it reported, with its token as the summary; conflicts
#    left no revision; revisions are 1..n without gaps;
#  - the texts: a 'saved' revision is exactly the worker's text, a 'merged'
#    one holds the worker's line, and every revision of every page equals a
#    replay of all successful changes in revision order (so no merge dropped
#    or reverted an earlier change);
#  - `docday check` is clean afterwards.
# Throughput is printed as a comment, never asserted.
#
#   STRESS_LONG=1   16 workers x 200 saves (the issue's size); default 16 x 20
#   STRESS_N, STRESS_M, STRESS_PAGES (2..9), STRESS_SEED  override the sizes
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # bash: arrays, mapfile, $EPOCHREALTIME
. "$TOP_SRCDIR/tests/cli/lib.sh"

if [ "${STRESS_LONG:-0}" = 1 ]; then
	N=${STRESS_N:-16} M=${STRESS_M:-200}
else
	N=${STRESS_N:-16} M=${STRESS_M:-20}
fi
NPAGES=${STRESS_PAGES:-4}
LINES=40
SEED=${STRESS_SEED:-$(($$ * 31 + $(date +%s) % 100000))}
PAGES=(alpha beta gamma delta epsilon zeta eta theta iota)
PAGES=("${PAGES[@]:0:NPAGES}")
echo "# $N workers x $M saves on ${#PAGES[@]} pages of $LINES lines; STRESS_SEED=$SEED;" \
	"$(nproc 2>/dev/null || echo '?') CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

now_ms() { date +%s%3N; }

"$DOCDAY" init --empty >/dev/null 2>"$TMP/err" || {
	echo "Bail out! cannot create the database: $(cat "$TMP/err")"
	exit 1
}
for p in "${PAGES[@]}"; do
	awk -v n=$LINES 'BEGIN { for (i = 1; i <= n; i++) printf "%02d original line %d\n", i, i }' \
		>"$TMP/$p.initial"
	"$DOCDAY" save "$p" -m initial <"$TMP/$p.initial" >/dev/null 2>"$TMP/err" || {
		echo "Bail out! cannot create page $p: $(cat "$TMP/err")"
		exit 1
	}
done

# worker W: M saves; one line per save in $TMP/wW/log:
#   token page base line rc num status milliseconds
# and every unexpected message in $TMP/wW/anomalies.
worker() {
	local w=$1 dir="$TMP/w$1" j tok page head base line rc num status slug rest text t0 t1 ms
	RANDOM=$((SEED + w * 7919))
	mkdir -p "$dir"
	: >"$dir/log"
	: >"$dir/anomalies"
	for ((j = 1; j <= M; j++)); do
		printf -v tok 'w%02d-s%03d' "$w" "$j"
		page=${PAGES[RANDOM % ${#PAGES[@]}]}
		"$DOCDAY" history "$page" >"$dir/hist" 2>"$dir/err"
		rc=$?
		if [ "$rc" != 0 ]; then
			printf '%s history %s: exit %s: %s\n' "$tok" "$page" "$rc" "$(head -c 300 "$dir/err")" \
				>>"$dir/anomalies"
			printf '%s\t%s\t-\t-\tread\t-\t-\n' "$tok" "$page" >>"$dir/log"
			continue
		fi
		IFS=$'\t' read -r head rest <"$dir/hist"
		base=$((head - RANDOM % 4))
		[ "$base" -ge 1 ] || base=1
		"$DOCDAY" cat "$page" --rev "$base" >"$dir/base" 2>"$dir/err"
		rc=$?
		if [ "$rc" != 0 ]; then
			printf '%s cat %s --rev %s: exit %s: %s\n' "$tok" "$page" "$base" "$rc" \
				"$(head -c 300 "$dir/err")" >>"$dir/anomalies"
			printf '%s\t%s\t-\t-\tread\t-\t-\n' "$tok" "$page" >>"$dir/log"
			continue
		fi
		line=$((1 + RANDOM % LINES))
		mapfile -t text <"$dir/base"
		printf -v 'text[line - 1]' '%02d %s' "$line" "$tok"
		printf '%s\n' "${text[@]}" >"$dir/$tok.txt"
		t0=${EPOCHREALTIME/[.,]/}
		"$DOCDAY" save "$page" --base "$base" -m "$tok" --conflict-out "$dir/$tok.conflict" \
			<"$dir/$tok.txt" >"$dir/out" 2>"$dir/err"
		rc=$?
		t1=${EPOCHREALTIME/[.,]/}
		ms=$(((t1 - t0) / 1000))
		slug=- num=- status=-
		[ -s "$dir/out" ] && IFS=$'\t' read -r slug num status <"$dir/out"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tok" "$page" "$base" "$line" "$rc" "$num" "$status" "$ms" \
			>>"$dir/log"
		case $rc in
		0) ;;
		4)
			if [ -s "$dir/out" ] || ! grep -q '^<<<<<<<' "$dir/$tok.conflict" 2>/dev/null; then
				printf '%s save %s --base %s: conflict without markers in --conflict-out or with stdout: %s\n' \
					"$tok" "$page" "$base" "$(head -c 300 "$dir/out")" >>"$dir/anomalies"
			fi
			rm -f "$dir/$tok.txt" "$dir/$tok.conflict"
			;;
		*)
			printf '%s save %s --base %s: exit %s after %d ms: %s\n' "$tok" "$page" "$base" "$rc" \
				"$ms" "$(head -c 300 "$dir/err")" >>"$dir/anomalies"
			;;
		esac
	done
}

t0=$(now_ms)
pids=()
for ((w = 1; w <= N; w++)); do
	worker "$w" &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
t1=$(now_ms)
elapsed=$((t1 - t0))
[ "$elapsed" -gt 0 ] || elapsed=1

cat "$TMP"/w*/log >"$TMP/all"
cat "$TMP"/w*/anomalies >"$TMP/anomalies"
count() { awk -F'\t' "$1" "$TMP/all" | wc -l; }
total=$(wc -l <"$TMP/all")
n_created=$(count '$5 == 0 && $7 == "created"')
n_saved=$(count '$5 == 0 && $7 == "saved"')
n_merged=$(count '$5 == 0 && $7 == "merged"')
n_unchanged=$(count '$5 == 0 && $7 == "unchanged"')
n_conflict=$(count '$5 == 4')
n_read=$(count '$5 == "read"')
n_other=$(count '$5 != "read" && $5 != 4 && !($5 == 0 && ($7 == "created" || $7 == "saved" || $7 == "merged" || $7 == "unchanged"))')
n_locked=$(grep -c 'locked' "$TMP/anomalies")
n_save=$((total - n_read))
echo "# $n_save saves in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s:" \
	"$((n_save * 1000 / elapsed)) saves/s ($(((n_saved + n_merged + n_created) * 1000 / elapsed)) new revisions/s)"
echo "# load average afterwards: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "# save duration: $(awk -F'\t' '$5 != "read" { n++; s += $8; if ($8 > m) m = $8 }
	END { printf "mean %d ms, max %d ms", n ? s / n : 0, m }' "$TMP/all");" \
	"saves over 1 s: $(count '$5 != "read" && $8 > 1000')"
echo "# outcomes: saved $n_saved, merged $n_merged, created $n_created, unchanged $n_unchanged," \
	"conflict $n_conflict, other $n_other (locked $n_locked), failed reads $n_read"

same "every worker made all its saves" "$total" $((N * M))
if [ "$n_other" = 0 ]; then
	ok "every save succeeded or reported a conflict"
else
	mapfile -t lines < <(grep -v ' \(history\|cat\) ' "$TMP/anomalies" | head -n 8)
	not_ok "every save succeeded or reported a conflict" "$n_other other outcomes, e.g.:" "${lines[@]}"
fi
if [ "$n_locked" = 0 ]; then
	ok "no 'database is locked' under contention"
else
	mapfile -t lines < <(grep 'locked' "$TMP/anomalies" | head -n 5)
	not_ok "no 'database is locked' under contention" "$n_locked locked errors, e.g.:" "${lines[@]}"
fi
if [ "$n_read" = 0 ]; then
	ok "every history and cat of a concurrent reader succeeded"
else
	mapfile -t lines < <(grep ' \(history\|cat\) ' "$TMP/anomalies" | head -n 5)
	not_ok "every history and cat of a concurrent reader succeeded" "$n_read failed, e.g.:" "${lines[@]}"
fi
bad_conflicts=$(grep -c 'conflict without markers' "$TMP/anomalies")
same "every conflict wrote its markers to --conflict-out and nothing to stdout" "$bad_conflicts" 0
if [ $((n_saved + n_merged)) -gt 0 ]; then
	ok "some saves succeeded ($((n_saved + n_merged)))"
else
	not_ok "some saves succeeded"
fi
# Not asserted: whether a run has merges and conflicts depends on the timing.
[ "$n_merged" -gt 0 ] || echo "# note: no save was merged in this run"
[ "$n_conflict" -gt 0 ] || echo "# note: no save conflicted in this run"

# --- the history: every success once, at its number; nothing else ---------
problems=$TMP/problems
: >"$problems"
for p in "${PAGES[@]}"; do
	if ! "$DOCDAY" history "$p" >"$TMP/hist.$p" 2>"$TMP/err"; then
		echo "history $p failed: $(cat "$TMP/err")" >>"$problems"
		continue
	fi
	n=$(wc -l <"$TMP/hist.$p")
	# revision numbers n..1, newest first, no gaps
	if [ "$(cut -f1 "$TMP/hist.$p" | tr '\n' ' ')" != "$(seq "$n" -1 1 | tr '\n' ' ')" ]; then
		echo "$p: revision numbers are not $n..1: $(cut -f1 "$TMP/hist.$p" | tr '\n' ' ' | head -c 200)" \
			>>"$problems"
	fi
	# successes (page, token, num) against the history (num, summary)
	awk -F'\t' -v p="$p" '
		FNR == NR { if ($2 == p && $5 == 0 && $7 != "unchanged") { want[$1] = $6; nwant++ }
		            if ($2 == p && $5 != 0) notsaved[$1] = 1; next }
		{ num = $1; tok = $5
		  if (tok == "initial" && num == 1) next
		  if (tok in seen) { print p ": " tok " is in the history twice"; next }
		  seen[tok] = 1
		  if (tok in notsaved) print p ": " tok " failed or conflicted but is revision " num
		  else if (!(tok in want)) print p ": revision " num " has an unknown summary: " tok
		  else if (want[tok] != num) print p ": " tok " reported revision " want[tok] " but is revision " num
		}
		END { for (t in want) if (!(t in seen)) print p ": " t " reported revision " want[t] " but is not in the history (a lost save)" }
	' "$TMP/all" "$TMP/hist.$p" >>"$problems"
	nsucc=$(awk -F'\t' -v p="$p" '$2 == p && $5 == 0 && $7 != "unchanged"' "$TMP/all" | wc -l)
	[ "$n" = $((nsucc + 1)) ] ||
		echo "$p: $n revisions for 1 + $nsucc successful saves" >>"$problems"
done
if [ ! -s "$problems" ]; then
	ok "no lost saves: every success is in the history once, at its number, and nothing else is"
else
	mapfile -t lines < <(head -n 10 "$problems")
	not_ok "no lost saves: every success is in the history once, at its number, and nothing else is" \
		"$(wc -l <"$problems") problems, e.g.:" "${lines[@]}"
fi

# --- the texts ---------------------------------------------------------------
: >"$problems"
mkdir -p "$TMP/rev" "$TMP/exp"
for p in "${PAGES[@]}"; do
	n=$(wc -l <"$TMP/hist.$p" 2>/dev/null || echo 0)
	for ((k = 1; k <= n; k++)); do
		"$DOCDAY" cat "$p" --rev "$k" >"$TMP/rev/$p.$k" 2>"$TMP/err" ||
			echo "cat $p --rev $k failed: $(cat "$TMP/err")" >>"$problems"
	done
	# the replay: revision k is revision 1 with every successful change
	# numbered up to k applied
	awk -F'\t' -v p="$p" -v n="$n" -v lines=$LINES -v dir="$TMP/exp" '
		$2 == p && $5 == 0 && $7 != "unchanged" { at[$6] = $4; tok[$6] = $1 }
		END {
			for (i = 1; i <= lines; i++) t[i] = sprintf("%02d original line %d", i, i)
			for (k = 1; k <= n; k++) {
				if (k in at) t[at[k]] = sprintf("%02d %s", at[k], tok[k])
				f = dir "/" p "." k
				for (i = 1; i <= lines; i++) print t[i] > f
				close(f)
			}
		}' "$TMP/all"
	names=()
	for ((k = 1; k <= n; k++)); do names+=("$p.$k"); done
	# all revisions at once (a missing or empty file loses its header)
	(cd "$TMP/rev" && awk 'FNR == 1 { print "== " FILENAME } 1' "${names[@]}") >"$TMP/got.$p" 2>/dev/null
	(cd "$TMP/exp" && awk 'FNR == 1 { print "== " FILENAME } 1' "${names[@]}") >"$TMP/want.$p" 2>/dev/null
	if [ "$n" = 0 ] || ! cmp -s "$TMP/got.$p" "$TMP/want.$p"; then
		for ((k = 1; k <= n; k++)); do
			cmp -s "$TMP/rev/$p.$k" "$TMP/exp/$p.$k" ||
				echo "$p revision $k is not the replay of the successful saves: $(diff "$TMP/exp/$p.$k" "$TMP/rev/$p.$k" | grep '^[<>]' | head -n 4 | tr '\n' ' ')" \
					>>"$problems"
		done
	fi
done
# saved: exactly the worker's text; merged: holds the worker's line
awk -F'\t' -v tmp="$TMP" '
	function slurp(f,   s, l) { s = ""; while ((getline l < f) > 0) s = s l "\n"; close(f); return s }
	$5 == 0 && ($7 == "saved" || $7 == "merged") {
		tok = $1; w = substr(tok, 2, index(tok, "-") - 2) + 0
		got = slurp(tmp "/rev/" $2 "." $6)
		if ($7 == "saved") {
			if (got != slurp(tmp "/w" w "/" tok ".txt"))
				print tok ": revision " $6 " of " $2 " (saved) is not the text it saved"
		} else if (index("\n" got, sprintf("\n%02d %s\n", $4, tok)) == 0)
			print tok ": revision " $6 " of " $2 " (merged) lacks its line " $4
	}' "$TMP/all" >>"$problems"
if [ ! -s "$problems" ]; then
	ok "every revision holds exactly the text the successful saves imply"
else
	mapfile -t lines < <(head -n 10 "$problems")
	not_ok "every revision holds exactly the text the successful saves imply" \
		"$(wc -l <"$problems") problems, e.g.:" "${lines[@]}"
fi

expect "docday check is clean afterwards" 0 check
done_testing
