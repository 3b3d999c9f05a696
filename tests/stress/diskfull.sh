# Disk full and file size limits: a save that cannot be written fails with
# one clear line and a non-zero exit, saves nothing, leaves its input file
# alone, and the wiki stays consistent.
#
# 1. A 2 MB tmpfs (root only; skipped when it cannot be mounted):
#    - a 3 MB page into it: exit 3 "disk full", nothing saved, `docday check`
#      clean, a small save still works; after growing the file system
#      (remount, i.e. freeing space) the same save works and reads back whole;
#    - a sweep: a filler file leaves 0 to 400 KB free and a 60 KB page is
#      saved each time, so that the write fails at different points (the
#      -shm, the WAL frames, the commit, the checkpoint): each save either
#      works (and is then in the history with its text) or fails with exit 3
#      and one line; never a crash; after removing the filler the check is
#      clean and exactly the successful saves are in the history.
# 2. A file size limit (ulimit -f) smaller than the save:
#    - with SIGXFSZ ignored: exit 3, one line, nothing saved, check clean;
#    - with SIGXFSZ at its default: docday ignores the signal, so it fails
#      like above instead of dying (it once died with exit 153, silently).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # bash: arrays, mapfile, $EPOCHREALTIME
. "$TOP_SRCDIR/tests/cli/lib.sh"

FS=$TMP/fs
cleanup() {
	mountpoint -q "$FS" 2>/dev/null && umount "$FS" 2>/dev/null
	chmod -R u+w "$TMP" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sum() { cksum <"$1"; }
# lines N LINE-PREFIX: a page of N lines
lines() { awk -v n="$1" -v p="$2" 'BEGIN { printf "# %s\n\n", p; for (i = 1; i <= n; i++) printf "%s line %d with some words to fill it\n", p, i }'; }
# no_signal NAME RC: the process ended by exiting, not by a signal
no_signal() {
	if [ "$2" -lt 128 ]; then ok "$1"; else not_ok "$1" "exit $2: killed by signal $(($2 - 128)) ($(kill -l $(($2 - 128)) 2>/dev/null))"; fi
}

printf '# Page\n\nthe first text\n' >"$TMP/small"

# --- 1. a small tmpfs -------------------------------------------------------
mkdir -p "$FS"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=2m,mode=0755 tmpfs "$FS" 2>"$TMP/err"; then
	skip "a save into a full file system" "cannot mount a tmpfs ($(id -un): $(head -c 200 "$TMP/err"))"
else
	D="--db $FS/w.db"
	"$DOCDAY" $D init --empty >/dev/null 2>&1
	expect "a first save on the small file system" 0 $D save page -m first <"$TMP/small"
	lines 70000 big >"$TMP/big" # ~3 MB
	before=$(sum "$TMP/big")
	expect "a page bigger than the file system: exit 3" 3 $D save page --base 1 -m big <"$TMP/big"
	one_line "disk full: one line" "$err"
	has "disk full is named" "$err" "disk full"
	has "and says nothing was saved" "$err" "nothing was saved"
	same "nothing on stdout" "$out" ""
	same "the input file is untouched" "$(sum "$TMP/big")" "$before"
	expect "check is clean on the full file system" 0 $D check
	expect "history" 0 $D history page
	same "nothing was saved" "$(printf '%s\n' "$out" | wc -l)" 1
	run $D cat page
	same "the head is the first text" "$out" "$(cat "$TMP/small")"
	printf '# Page\n\nthe second text\n' >"$TMP/small2"
	expect "a small save still works" 0 $D save page --base 1 -m second <"$TMP/small2"
	has "as revision 2" "$out" "	2	saved"
	# more room: the same big save works
	if mount -o remount,size=16m "$FS" 2>/dev/null; then
		expect "after freeing space the big save works" 0 $D save page --base 2 -m big <"$TMP/big"
		"$DOCDAY" $D cat page >"$TMP/got" 2>/dev/null
		cmp -s "$TMP/got" "$TMP/big" && ok "and reads back whole" || not_ok "and reads back whole"
		expect "check is clean after the big save" 0 $D check
		mount -o remount,size=2m "$FS" 2>/dev/null
	else
		skip "after freeing space the big save works" "cannot remount the tmpfs"
	fi
	umount "$FS"

	# The sweep: one 4 MB file system, with a filler file sized to leave
	# FREE KB for each save.  A save that worked may leave its WAL behind
	# (the checkpoint when docday closes the file needs room too), and the
	# next saves add to it, so the failures come at different places.
	mount -t tmpfs -o size=4m,mode=0755 tmpfs "$FS"
	"$DOCDAY" $D init --empty >/dev/null 2>&1
	lines 10 sweep >"$TMP/p0"
	"$DOCDAY" $D save sweep -m s0 <"$TMP/p0" >/dev/null 2>&1
	: >"$TMP/problems"
	: >"$TMP/saved"
	n_ok=0 n_full=0 n_other=0 head=1
	for free in $(seq 0 16 400); do
		rm -f "$FS/fill"
		avail=$(df -k --output=avail "$FS" | tail -n 1)
		fill=$((avail - free))
		if [ "$fill" -gt 0 ]; then
			fallocate -l "${fill}k" "$FS/fill" 2>/dev/null ||
				dd if=/dev/zero of="$FS/fill" bs=1k count="$fill" 2>/dev/null
		fi
		{ printf '# Sweep\n\nfree %s\n' "$free"; lines 1500 "s$free"; } >"$TMP/in"
		before=$(sum "$TMP/in")
		"$DOCDAY" $D save sweep --base "$head" -m "s$free" <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$(sum "$TMP/in")" = "$before" ] || echo "free $free KB: the input file changed" >>"$TMP/problems"
		case $rc in
		0)
			n_ok=$((n_ok + 1))
			IFS=$'\t' read -r _ num status <"$TMP/out"
			[ "$num" = $((head + 1)) ] && [ "$status" = saved ] ||
				echo "free $free KB: saved as '$num $status', wanted revision $((head + 1))" >>"$TMP/problems"
			head=$num
			echo "s$free $head" >>"$TMP/saved"
			cp "$TMP/in" "$TMP/in.$head"
			;;
		3)
			n_full=$((n_full + 1))
			[ "$(wc -l <"$TMP/err")" = 1 ] || echo "free $free KB: exit 3 with $(wc -l <"$TMP/err") lines: $(head -c 300 "$TMP/err")" >>"$TMP/problems"
			grep -q 'disk full\|cannot read or write' "$TMP/err" ||
				echo "free $free KB: unclear message: $(head -c 300 "$TMP/err")" >>"$TMP/problems"
			[ -s "$TMP/out" ] && echo "free $free KB: exit 3 but stdout: $(head -c 200 "$TMP/out")" >>"$TMP/problems"
			;;
		*)
			n_other=$((n_other + 1))
			echo "free $free KB: exit $rc: $(head -c 300 "$TMP/err")" >>"$TMP/problems"
			;;
		esac
		rm -f "$FS/fill"
		"$DOCDAY" $D check >"$TMP/check" 2>&1 ||
			echo "free $free KB: check after freeing space: $(head -c 300 "$TMP/check")" >>"$TMP/problems"
	done
	echo "# sweep: $n_ok saves worked, $n_full failed with exit 3, $n_other other outcomes"
	"$DOCDAY" $D history sweep >"$TMP/hist" 2>&1
	same "the history has exactly the saves that worked" \
		"$(cut -f5 "$TMP/hist" | grep -v '^s0$' | sort | tr '\n' ' ')" \
		"$(cut -d' ' -f1 "$TMP/saved" | sort | tr '\n' ' ')"
	while read -r tok num; do
		"$DOCDAY" $D cat sweep --rev "$num" >"$TMP/got" 2>/dev/null
		cmp -s "$TMP/got" "$TMP/in.$num" || echo "$tok: revision $num is not its text" >>"$TMP/problems"
	done <"$TMP/saved"
	if [ ! -s "$TMP/problems" ]; then
		ok "a save on a nearly full file system works or fails with one line; the wiki stays whole"
	else
		mapfile -t l < <(head -n 10 "$TMP/problems")
		not_ok "a save on a nearly full file system works or fails with one line; the wiki stays whole" "${l[@]}"
	fi
	[ "$n_full" -gt 0 ] && ok "the sweep reached a full disk ($n_full)" || not_ok "the sweep reached a full disk"
	[ "$n_ok" -gt 0 ] && ok "and saves that fit ($n_ok)" || not_ok "and saves that fit"
	expect "check is clean at the end of the sweep" 0 $D check
	umount "$FS"
fi

# --- 2. a file size limit ----------------------------------------------------
D="--db $TMP/u.db"
"$DOCDAY" $D init --empty >/dev/null 2>&1
expect "a first save" 0 $D save page -m first <"$TMP/small"
# bash counts ulimit -f in KiB (512-byte blocks only in POSIX mode)
lines 20000 limit >"$TMP/big" # ~900 KB, over the 400 KiB limit
before=$(sum "$TMP/big")
(
	trap '' XFSZ
	ulimit -f 400
	exec "$DOCDAY" $D save page --base 1 -m big <"$TMP/big" >"$TMP/out" 2>"$TMP/err"
)
rc=$?
err=$(cat "$TMP/err")
same "over the file size limit (SIGXFSZ ignored): exit 3" "$rc" 3
one_line "file size limit: one line" "$err"
same "the input file is untouched" "$(sum "$TMP/big")" "$before"
expect "check is clean" 0 $D check
expect "history" 0 $D history page
same "nothing was saved" "$(printf '%s\n' "$out" | wc -l)" 1

{ (
	trap - XFSZ
	ulimit -f 400
	exec "$DOCDAY" $D save page --base 1 -m big <"$TMP/big" >"$TMP/out" 2>"$TMP/err"
); } 2>/dev/null # (bash's own "File size limit exceeded")
rc=$?
err=$(cat "$TMP/err")
if [ "$rc" -lt 128 ]; then
	ok "over the file size limit (SIGXFSZ default): docday is not killed by the signal"
	same "and exits 3" "$rc" 3
	one_line "with one line" "$err"
else
	not_ok "over the file size limit (SIGXFSZ default): docday is not killed by the signal" "exit $rc"
fi
expect "check is clean after the signal" 0 $D check
expect "history" 0 $D history page
same "nothing was saved" "$(printf '%s\n' "$out" | wc -l)" 1
same "the input file is untouched" "$(sum "$TMP/big")" "$before"
done_testing
