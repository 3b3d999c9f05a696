# merge_three and diff_unified against git itself on random cases.
#
# Generates (deterministic seed, python3 standard library only):
#  - 700 random three-way cases over a small vocabulary (repeated lines,
#    blank and punctuation-only lines, CRLF, UTF-8, missing final newline,
#    empty base, identical changes on both sides, and paragraphs between
#    runs of blank lines, which tell git merge-file's ZEALOUS_ALNUM level
#    from plain ZEALOUS), and
#  - 300 cases whose two sides edit different parts of a text of unique
#    lines, at least one untouched line apart (edits at the start and the
#    end included): these must merge cleanly and contain both sides'
#    changes, exactly the text with every edit applied;
# and compares merge_tool's text and exit status (0 clean, 1 conflicts)
# with `git merge-file -p -L ours -L base -L theirs ours base theirs`.
# Then compares merge_tool --diff (diff_unified) with the body of
# `git diff --no-index` on 300 random pairs.
#
#   $MERGE_TOOL  the built tests/merge/merge_tool (default: next to $DOCDAY
#                as make check sets it, else /tmp/dm/merge_tool)
#   MERGE_CASES  number of random cases (default 1000)
set -u
if [ -z "${MERGE_TOOL:-}" ]; then
	if [ -n "${DOCDAY:-}" ]; then
		MERGE_TOOL="$(dirname "$DOCDAY")/../tests/merge/merge_tool"
	else
		MERGE_TOOL=/tmp/dm/merge_tool
	fi
fi
if [ ! -x "$MERGE_TOOL" ]; then
	echo "Bail out! merge_tool is not built: $MERGE_TOOL"
	exit 1
fi
if ! command -v git >/dev/null || ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP needs git and python3"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/docday-merge.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# git must not read the user's configuration.
export HOME="$TMP" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C.UTF-8
export MERGE_TOOL TMP

python3 - "${MERGE_CASES:-1000}" <<'PY'
import os, random, subprocess, sys

tool = os.environ["MERGE_TOOL"]
tmp = os.environ["TMP"]
total = int(sys.argv[1])
rng = random.Random(20240611)
n_test = 0
failed = 0

def tap(ok, name, diag=()):
    global n_test, failed
    n_test += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n_test, name))
    for d in diag:
        for line in str(d).splitlines() or [""]:
            print("#   " + line)
    sys.stdout.flush()

def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path

def join(lines, eol=b"\n", final=True):
    if not lines:
        return b""
    text = eol.join(lines)
    return text + eol if final else text

VOCAB = [b"a", b"b", b"c", b"d", b"e", b"", b"---", b"x y", b"# head",
         "\u65e5\u672c\u8a9e".encode(), "caf\u00e9".encode(), b"  indented", b"}"]

# Mostly lines without letters or digits: conflicts more than three such
# lines apart are joined into one (git merge-file's XDL_MERGE_ZEALOUS_ALNUM).
SPARSE = [b"", b"", b"", b"", b"", b"---", b"}", b"a", b"b", b"c"]

def mutate(lines, vocab):
    out = list(lines)
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        if op < 0.3 and out:
            del out[rng.randrange(len(out))]
        elif op < 0.65:
            out.insert(rng.randint(0, len(out)), rng.choice(vocab))
        elif out:
            out[rng.randrange(len(out))] = rng.choice(vocab)
    return out

def paragraphs_case():
    """Words between runs of 1-6 blank lines, both sides rewriting words."""
    base = []
    for i in range(rng.randint(2, 6)):
        base += [b""] * rng.randint(1, 6) if base else []
        base.append(b"word %d" % i)
    def side(tag):
        return [b"%s %d" % (tag, i) if l and rng.random() < 0.6 else l
                for i, l in enumerate(base)]
    return join(base), join(side(b"ours")), join(side(b"theirs")), None

def random_case():
    if rng.random() < 0.1:
        return paragraphs_case()
    vocab = SPARSE if rng.random() < 0.25 else VOCAB
    n = 0 if rng.random() < 0.08 else rng.randint(1, 12 if vocab is VOCAB else 24)
    base = [rng.choice(vocab) for _ in range(n)]
    ours = mutate(base, vocab)
    r = rng.random()
    theirs = list(ours) if r < 0.1 else (list(base) if r < 0.15 else mutate(base, vocab))
    eol = b"\r\n" if rng.random() < 0.1 else b"\n"
    def fin():
        return rng.random() > 0.15
    return join(base, eol, fin()), join(ours, eol, fin()), join(theirs, eol, fin()), None

def disjoint_case(k):
    n = rng.randint(4, 30)
    base = [b"line %d of case %d" % (i, k) for i in range(n)]
    regions, pos = [], 0
    if rng.random() < 0.3:          # an insertion at the very start
        regions.append((0, 0))
        pos = 1
    while pos < n:
        pos += rng.randint(0, 4)
        if pos > n:
            break
        klen = rng.randint(0, min(2, n - pos))
        regions.append((pos, klen))
        pos += klen + 1 + rng.randint(0, 2)
    if rng.random() < 0.3 and (not regions or regions[-1][0] + regions[-1][1] < n):
        regions.append((n, 0))      # an insertion at the very end
    new_id = [0]
    def replacement(klen):
        m = rng.randint(1 if klen == 0 else 0, 2)
        out = []
        for _ in range(m):
            new_id[0] += 1
            out.append(b"new %d of case %d" % (new_id[0], k))
        return out
    edits = [(s, klen, replacement(klen), rng.choice("ot")) for s, klen in regions]
    def apply(which):
        out, i = [], 0
        for s, klen, repl, side in edits:
            out.extend(base[i:s])
            if side in which:
                out.extend(repl)
            else:
                out.extend(base[s:s + klen])
            i = s + klen
        out.extend(base[i:])
        return out
    return join(base), join(apply("o")), join(apply("t")), join(apply("ot"))

def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr

def batch(lines):
    """Runs merge_tool --batch once over all the cases; returns exit codes."""
    p = subprocess.run([tool, "--batch"], input="".join(lines).encode(),
                       stdout=subprocess.PIPE)
    codes = [int(x) for x in p.stdout.split()]
    return codes + [3] * (len(lines) - len(codes))

cases, lines = [], []
for k in range(total):
    base, ours, theirs, want = random_case() if k < total * 7 // 10 else disjoint_case(k)
    paths = [write("%d.%s" % (k, n), t) for n, t in
             (("ours", ours), ("base", base), ("theirs", theirs))]
    cases.append((base, ours, theirs, want, paths))
    lines.append("merge %s %s %s %s\n" % (*paths, os.path.join(tmp, "%d.out" % k)))
codes = batch(lines)

same, conflicted, mismatches = 0, 0, []
clean_both, n_disjoint, disjoint_bad = 0, 0, []
for k, (base, ours, theirs, want, paths) in enumerate(cases):
    with open(os.path.join(tmp, "%d.out" % k), "rb") as f:
        out = f.read()
    rc = codes[k]
    grc, gout, gerr = run(["git", "merge-file", "-p", "--marker-size=7",
                           "-L", "ours", "-L", "base", "-L", "theirs", *paths])
    gclean = 0 if grc == 0 else (1 if grc > 0 else 2)
    conflicted += gclean == 1
    if rc == gclean and out == gout:
        same += 1
    elif len(mismatches) < 5:
        mismatches.append("case %d: merge_three rc %d, git rc %d\nbase=%r\nours=%r\n"
                          "theirs=%r\nmerge_three=%r\ngit=%r%s"
                          % (k, rc, grc, base, ours, theirs, out, gout,
                             gerr.decode(errors="replace")))
    if want is not None:
        n_disjoint += 1
        if rc == 0 and out == want:
            clean_both += 1
        elif len(disjoint_bad) < 5:
            disjoint_bad.append("case %d: rc %d\nbase=%r\nours=%r\ntheirs=%r\ngot=%r\nwant=%r"
                                % (k, rc, base, ours, theirs, out, want))

print("# merge: %d of %d identical to git merge-file (text and clean flag); "
      "%d of them conflict" % (same, total, conflicted))
tap(same == total, "merge_three matches git merge-file on %d random cases" % total, mismatches)
print("# disjoint edits: %d of %d clean with both sides' changes" % (clean_both, n_disjoint))
tap(n_disjoint > 0 and clean_both == n_disjoint,
    "edits on different lines merge cleanly with both sides' changes (%d cases)" % n_disjoint,
    disjoint_bad)

# diff_unified against the body of git diff --no-index (from the --- line).
n_diff = 300
pairs, lines = [], []
for k in range(n_diff):
    a, b, _, _ = random_case()
    if rng.random() < 0.2:
        b = a   # equal texts: both print nothing
    d = os.path.join(tmp, "d%d" % k)
    os.mkdir(d)
    pa, pb = write("d%d/a" % k, a), write("d%d/b" % k, b)
    pairs.append((a, b, d))
    lines.append("diff %s %s %s\n" % (pa, pb, os.path.join(d, "out")))
codes = batch(lines)
dsame, dbad = 0, []
for k, (a, b, d) in enumerate(pairs):
    with open(os.path.join(d, "out"), "rb") as f:
        out = f.read()
    grc, gout, _ = run(["git", "-C", d, "diff", "--no-index", "--no-color", "a", "b"])
    i = gout.find(b"\n--- ")
    body = gout[i + 1:] if i >= 0 else b""
    if codes[k] == 0 and out == body:
        dsame += 1
    elif len(dbad) < 5:
        dbad.append("pair %d\na=%r\nb=%r\ndiff_unified=%r\ngit=%r" % (k, a, b, out, body))
print("# diff: %d of %d identical to git diff --no-index" % (dsame, n_diff))
tap(dsame == n_diff, "diff_unified matches git diff --no-index on %d random pairs" % n_diff, dbad)

print("1..%d" % n_test)
sys.exit(1 if failed else 0)
PY
