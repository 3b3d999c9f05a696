#!/bin/sh
# Runs libFuzzer targets, each for SECONDS on a copy of its seed corpus in a
# temporary folder (new corpus entries never land in the source tree).
#
#   fuzz.sh FUZZDIR SECONDS TARGET...     (what `make fuzz` runs)
#
# FUZZDIR is tests/fuzz in the source tree: corpus/NAME/ are the seeds,
# regress/NAME/ are inputs that once found a bug (each is run once first,
# then joins the seeds); markdown.dict is the dictionary of the Markdown
# targets.
# Prints per target the runs, the coverage (cov: and ft:) and the result;
# exits 1 when any target crashed, leaked, timed out or broke an invariant,
# and then keeps the temporary folder, with the reproducers in
# NAME/artifacts/.  FUZZ_FLAGS adds libFuzzer options.
set -u
if [ $# -lt 3 ]; then
	echo "usage: fuzz.sh FUZZDIR SECONDS TARGET..." >&2
	exit 2
fi
fuzzdir=$1
secs=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/docday-fuzz.XXXXXX") || exit 1
failed=0

# One target: regression inputs, then the timed run.  Its summary line goes
# to $work/NAME/result, and the file $work/NAME/failed exists on failure.
one() {
	t=$1
	fail=0
	name=$(basename "$t")
	dir=$work/$name
	mkdir -p "$dir/corpus" "$dir/artifacts"
	if [ -d "$fuzzdir/corpus/$name" ]; then
		cp "$fuzzdir/corpus/$name"/* "$dir/corpus/" 2>/dev/null
	fi
	dict=
	case $name in
	fuzz_layout | fuzz_export | fuzz_import) dict=-dict=$fuzzdir/markdown.dict ;;
	esac

	# The regression inputs first: each must pass.
	nreg=0
	if [ -d "$fuzzdir/regress/$name" ]; then
		for f in "$fuzzdir/regress/$name"/*; do
			[ -f "$f" ] || continue
			nreg=$((nreg + 1))
			cp "$f" "$dir/corpus/regress-$(basename "$f")"
			if ! "$t" -artifact_prefix="$dir/artifacts/" "$f" >"$dir/regress.log" 2>&1; then
				echo "$name: FAILED on the regression input $f (log: $dir/regress.log)"
				grep -m3 -E 'invariant broken|ERROR: |runtime error' "$dir/regress.log"
				fail=1
			fi
		done
	fi

	# shellcheck disable=SC2086
	"$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" $dict ${FUZZ_FLAGS:-} "$dir/corpus" \
		>"$dir/fuzz.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
	cov=$(grep -E '^#[0-9]+.*cov: ' "$dir/fuzz.log" | tail -1 |
		sed 's/.*\(cov: [0-9]*\) \(ft: [0-9]*\).*/\1 \2/')
	if [ -z "$runs" ]; then
		runs=$(grep -E '^#[0-9]+' "$dir/fuzz.log" | tail -1 | sed 's/^#\([0-9]*\).*/\1/')
	fi
	ncorp=$(find "$dir/corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		fail=1
		art=$(find "$dir/artifacts" -type f | head -1)
		why=$(grep -m1 -E 'invariant broken|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$dir/fuzz.log")
		result="FAILED (exit $rc): ${why:-see the log}; reproducer: ${art:-none}; log: $dir/fuzz.log"
	fi
	[ "$fail" -eq 0 ] || [ "$rc" -ne 0 ] || result="FAILED (a regression input failed; log: $dir/regress.log)"
	printf '%s: %s runs, %s, corpus %s files (%s regression inputs): %s\n' \
		"$name" "${runs:-?}" "${cov:-cov: ?}" "$ncorp" "$nreg" "$result" >"$dir/result"
	[ "$fail" -eq 0 ] || : >"$dir/failed"
}

# FUZZ_JOBS targets at a time (each still gets SECONDS).
jobs=${FUZZ_JOBS:-1}
running=0
for t in "$@"; do
	one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
for t in "$@"; do
	name=$(basename "$t")
	cat "$work/$name/result" 2>/dev/null || echo "$name: FAILED (no result)"
	if [ -e "$work/$name/failed" ] || [ ! -e "$work/$name/result" ]; then
		failed=1
		res=FAIL
	else
		res=PASS
	fi
	# FUZZ_TRS: automake's test-result lines, for a CI summary.
	[ -z "${FUZZ_TRS:-}" ] || echo ":test-result: $res $name for $secs s" >>"$FUZZ_TRS"
done

if [ "$failed" -ne 0 ]; then
	echo "fuzz: FAILED; everything is kept in $work"
	exit 1
fi
rm -rf "$work"
echo "fuzz: all targets ok"
