#!/usr/bin/env python3
"""Deterministic corpus generator for docday's benchmarks (stdlib only).

    gen.py pages DIR [--count 10000] [--size 5000] [--seed S]
        DIR/page-00001.md ... page-NNNNN.md: about SIZE bytes each of
        English-like Markdown (headings, paragraphs, lists, task lists, now and
        then a table, code blocks, quotes, sometimes CJK and emoji lines).
        The first line is the title, "# Page 00042", which slugs to the file
        name (page-00042).  Each page has 5-15 links to other pages, both
        [[Page 00042]] / [[page-00042|label]] wiki links and relative
        [text](page-00042.md) links.
    gen.py bigpage FILE [--size 20000] [--seed S]
        one page of about SIZE bytes (title "# Big Page"), links into a
        10,000-page corpus.
    gen.py edits FILE N [--seed S]
        N successive revisions of the page FILE: FILE.1 ... FILE.N, each the
        previous one with a few small edits (a sentence reworded, a paragraph
        added or dropped, a list item changed), so every one differs from the
        one before and the size stays about the same.

Same seed, same arguments -> byte-identical output, whatever the Python 3
version (random.Random seeded with a str is stable since 3.2) and whatever
PYTHONHASHSEED (no set or hash ordering is used).  Page i depends only on
the seed, i, --size and --count (the link targets), so page-00001.md is the
same in a 1,000-page and a 10,000-page corpus only if --count is the same.

Words for the search figures: COMMON_WORD is in (nearly) every page, RARE_WORD
in exactly the pages whose number is 7 modulo 2500 (4 pages of 10,000, 1 of
1,000).  `gen.py words` prints them.
"""

import argparse
import os
import random
import sys

SEED = "docday-bench-1"
COMMON_WORD = "system"
RARE_WORD = "quillwort"
RARE_EVERY, RARE_AT = 2500, 7

# Common English words, most frequent first: picked with a Zipf-like weight.
COMMON = """
the of and to a in is it that for on with as was be this by are or from at
not have an but which can all one when there will more if has their been
would each other into some time about than then them these so its only also
new two first may any like use over such our after could most where way
system data page file user time value change work number part process server
build test release wiki link search write read team note version error start
""".split()

# A domain vocabulary, flatter distribution: the bulk of the text.
DOMAIN = """
account action address agent allocation analysis answer archive argument
array attribute audit backup balance bandwidth batch behaviour benchmark
binary block boundary branch bridge browser buffer bundle cache callback
candidate capacity channel character checkpoint client cluster column
command comment commit compiler component condition config connection
console constraint container context contract counter cursor cycle daemon
dashboard database deadline debugger default delivery dependency deployment
design detail device diagram directory document domain draft driver
editor element encoding endpoint engine entry environment event exception
export expression extension feature field filter format fragment frame
function gateway generator graph handler header heap history host index
input instance interface interval issue journal kernel key label latency
layer layout ledger library limit listener loader locale lock log loop
machine manifest mapping margin memory merge message metadata method
metric migration mirror mode model module monitor mutex namespace network
node object offset operator option order outline output owner package
packet pager parameter parser patch path payload peer permission pipeline
platform plugin pointer policy pool port prefix profile program project
prompt property protocol proxy query queue quota range reader record
recovery reference region registry renderer replica report request resolver
resource response revision role root route rule runtime sample scheduler
schema scope screen script section segment selector sequence service
session setting shard signal snapshot socket source span stack stage
statement status storage stream string structure style summary switch
symbol table target task template terminal thread threshold ticket timer
token topic trace transaction tree trigger tuple type update upload
utility validator variable vector vendor view volume warning widget window
worker workflow workspace zone
""".split()

VERBS = """
adds allows builds caches checks collects compares computes copies creates
defines deletes describes detects drops enables explains fetches finds
fixes handles hides holds keeps lists loads locks logs makes maps marks
merges moves names needs opens parses passes prints reads records reduces
refuses renders replaces reports resolves returns runs saves scans sends
shows skips sorts splits starts stores syncs tracks updates uses validates
waits writes
""".split()

ADJ = """
active automatic broken careful central cheap clean common complete
concurrent consistent current default different early empty exact fast
final fixed fresh full global hidden incremental initial internal large
late latest local long main manual minimal missing new offline old online
optional partial persistent plain portable previous primary private public
quick rare raw readable recent remote safe secondary shared short silent
simple single slow small stable stale strict temporary tiny unique unknown
useful valid visible whole
""".split()

CJK_LINES = [
    "这个页面说明如何在终端里阅读和编辑文档。",
    "每一次保存都会成为新的版本，旧的版本不会被覆盖。",
    "検索は全文索引を使うので、大きなウィキでも速い。",
    "リンクされたページは太字で表示されます。",
    "문서는 마크다운으로 작성하고 터미널에서 읽습니다.",
    "팀원들이 같은 위키를 ssh로 함께 씁니다.",
    "数据库文件可以用 backup 命令安全地复制。",
    "変更履歴はいつでも見られます。",
]

EMOJI_LINES = [
    "Status: 🚀 shipped, 🐛 two open bugs, ✅ tests green.",
    "Team mood this week: 😀 😀 🙂 😐 ☕☕☕",
    "⚠️ Read the release notes before upgrading. 🔧",
    "Legend: 🟢 ok · 🟡 slow · 🔴 broken · ⏳ waiting",
    "Thanks to everyone who joined the doc day 🎉🙏",
]

LANGS = ["c", "sh", "python", "sql", "", "json"]


def cum_zipf(n, s):
    """Cumulative Zipf-like weights (for random.choices(cum_weights=))."""
    acc, out = 0.0, []
    for k in range(n):
        acc += 1.0 / (k + 1) ** s
        out.append(acc)
    return out


CUM_COMMON = cum_zipf(len(COMMON), 1.1)
CUM_DOMAIN = cum_zipf(len(DOMAIN), 0.6)


class Text:
    """Word, sentence and block producers over one random.Random."""

    def __init__(self, rng):
        self.r = rng
        self.cw = CUM_COMMON
        self.dw = CUM_DOMAIN

    def word(self):
        r = self.r.random()
        if r < 0.45:
            return self.r.choices(COMMON, cum_weights=self.cw)[0]
        if r < 0.80:
            return self.r.choices(DOMAIN, cum_weights=self.dw)[0]
        if r < 0.90:
            return self.r.choice(ADJ)
        return self.r.choice(VERBS)

    def noun(self):
        return self.r.choices(DOMAIN, cum_weights=self.dw)[0]

    def sentence(self, lo=6, hi=18):
        n = self.r.randint(lo, hi)
        words = [self.word() for _ in range(n)]
        # a subject-verb skeleton makes it read a little more like English
        words[0] = "The"
        if n > 3:
            words[1] = self.noun()
            words[2] = self.r.choice(VERBS)
        for i in range(3, n):
            x = self.r.random()
            if x < 0.03:
                words[i] = "`%s_%s()`" % (self.noun(), self.r.choice(VERBS))
            elif x < 0.05:
                words[i] = "**%s**" % words[i]
            elif x < 0.07:
                words[i] = "*%s*" % words[i]
            elif x < 0.08:
                words[i] = words[i] + ","
        end = self.r.choice([".", ".", ".", ".", "?", "!"])
        return " ".join(words) + end

    def phrase(self, lo=2, hi=5):
        return " ".join(self.word() for _ in range(self.r.randint(lo, hi)))

    def heading_text(self):
        t = "%s %s" % (self.r.choice(ADJ), self.noun())
        if self.r.random() < 0.5:
            t += " and the " + self.noun()
        return t[0].upper() + t[1:]


def slug_of(n):
    return "page-%05d" % n


def title_of(n):
    return "Page %05d" % n


def make_link(rng, t, target):
    k = rng.random()
    if k < 0.40:
        return "[[%s]]" % title_of(target)
    if k < 0.55:
        return "[[%s|%s]]" % (slug_of(target), t.phrase(1, 3))
    return "[%s](%s.md)" % (t.phrase(1, 4), slug_of(target))


def page_text(seed, num, title, size, count, extra_words=()):
    """One page: about `size` bytes of Markdown, first line '# title'."""
    rng = random.Random("%s:%s:%d" % (seed, title, num))
    t = Text(rng)
    nlinks = rng.randint(5, 15)
    links = []
    for _ in range(nlinks):
        target = rng.randint(1, count)
        if count > 1:
            while target == num:
                target = rng.randint(1, count)
        links.append(make_link(rng, t, target))
    pending = list(extra_words)

    out = ["# %s" % title, ""]
    intro = t.sentence()
    if COMMON_WORD not in intro:
        intro = intro[:-1] + " in the %s." % COMMON_WORD
    out += [intro, ""]
    length = sum(len(x.encode()) + 1 for x in out)

    def emit(lines):
        nonlocal length
        for x in lines:
            out.append(x)
            length += len(x.encode()) + 1

    def sentence_maybe_link():
        s = t.sentence()
        if pending and rng.random() < 0.3:
            s = s[:-1].rstrip(",") + " (%s)." % pending.pop()
        if links and rng.random() < 0.35:
            s = s[:-1].rstrip(",") + " — see %s." % links.pop()
        return s

    while length < size - 200:
        k = rng.random()
        if k < 0.12:
            emit(["%s %s" % ("#" * rng.choice([2, 2, 3]), t.heading_text()), ""])
        elif k < 0.55:
            n = rng.randint(2, 6)
            emit([" ".join(sentence_maybe_link() for _ in range(n)), ""])
        elif k < 0.70:
            kind = rng.choice(["-", "*", "1.", "- [ ]"])
            items = []
            for i in range(rng.randint(3, 7)):
                body = t.sentence(3, 10)
                if links and rng.random() < 0.25:
                    body = body[:-1].rstrip(",") + ", " + links.pop() + "."
                if kind == "1.":
                    items.append("%d. %s" % (i + 1, body))
                elif kind == "- [ ]":
                    items.append("- [%s] %s" % (rng.choice([" ", "x"]), body))
                else:
                    items.append("%s %s" % (kind, body))
            emit(items + [""])
        elif k < 0.76:
            cols = rng.randint(2, 4)
            head = [t.noun().capitalize() for _ in range(cols)]
            rows = ["| " + " | ".join(head) + " |",
                    "|" + "|".join("---" for _ in range(cols)) + "|"]
            for _ in range(rng.randint(2, 6)):
                cells = []
                for _ in range(cols):
                    cells.append(str(rng.randint(0, 9999)) if rng.random() < 0.4
                                 else t.phrase(1, 3))
                rows.append("| " + " | ".join(cells) + " |")
            emit(rows + [""])
        elif k < 0.86:
            lang = rng.choice(LANGS)
            code = ["```" + lang]
            for _ in range(rng.randint(2, 9)):
                ind = "    " * rng.randint(0, 2)
                code.append("%s%s_%s(%s, %d);" % (ind, t.noun(), rng.choice(VERBS),
                                                   t.noun(), rng.randint(0, 999)))
            code.append("```")
            emit(code + [""])
        elif k < 0.92:
            emit(["> " + sentence_maybe_link(), ""])
        elif k < 0.96:
            emit([rng.choice(CJK_LINES), ""])
        else:
            emit([rng.choice(EMOJI_LINES), ""])

    tail = []
    if pending:
        tail.append("Also: " + ", ".join(pending) + ".")
        tail.append("")
    if links:
        tail += ["## See also", ""] + ["- " + l for l in links] + [""]
    emit(tail)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def cmd_pages(a):
    os.makedirs(a.dir, exist_ok=True)
    for i in range(1, a.count + 1):
        extra = [RARE_WORD] if i % RARE_EVERY == RARE_AT else []
        text = page_text(a.seed, i, title_of(i), a.size, a.count, extra)
        write(os.path.join(a.dir, slug_of(i) + ".md"), text)


def cmd_bigpage(a):
    d = os.path.dirname(a.file)
    if d:
        os.makedirs(d, exist_ok=True)
    write(a.file, page_text(a.seed, 0, "Big Page", a.size, a.count))


def edit_once(rng, t, lines):
    """A few small edits to a page (list of lines, title kept)."""
    for _ in range(rng.randint(1, 4)):
        # paragraph lines: not the title, not blank, not code/table/list
        paras, items, fenced = [], [], False
        for i, x in enumerate(lines):
            if x.startswith("```"):
                fenced = not fenced
            elif fenced or i == 0:
                continue
            elif x[:1].isalpha():
                paras.append(i)
            elif x.startswith(("- ", "* ")) or x[:1].isdigit():
                items.append(i)
        k = rng.random()
        if k < 0.45 and paras:
            i = rng.choice(paras)
            sents = lines[i].split(". ")
            j = rng.randrange(len(sents))
            sents[j] = t.sentence()[:-1]
            lines[i] = ". ".join(sents)
            if not lines[i].endswith((".", "?", "!")):
                lines[i] += "."
        elif k < 0.65 and items:
            i = rng.choice(items)
            lines[i] = lines[i].split(" ", 1)[0] + " " + t.sentence(3, 10)
        elif k < 0.85 or len(paras) < 3:
            at = rng.choice(paras) + 1 if paras else len(lines)
            lines[at:at] = ["", " ".join(t.sentence() for _ in range(rng.randint(2, 5)))]
        else:
            i = rng.choice(paras)
            del lines[i]
            if i < len(lines) and lines[i] == "" and lines[i - 1] == "":
                del lines[i]
    return lines


def cmd_edits(a):
    with open(a.file, encoding="utf-8") as f:
        text = f.read()
    rng = random.Random("%s:edits:%s" % (a.seed, os.path.basename(a.file)))
    t = Text(rng)
    lines = text.rstrip("\n").split("\n")
    for n in range(1, a.n + 1):
        prev = lines[:]
        lines = edit_once(rng, t, lines)
        while lines == prev:
            lines = edit_once(rng, t, lines)
        write("%s.%d" % (a.file, n), "\n".join(lines) + "\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--seed", default=SEED)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("pages", parents=[common])
    s.add_argument("dir")
    s.add_argument("--count", type=int, default=10000)
    s.add_argument("--size", type=int, default=5000)
    s = sub.add_parser("bigpage", parents=[common])
    s.add_argument("file")
    s.add_argument("--size", type=int, default=20000)
    s.add_argument("--count", type=int, default=10000, help="link targets 1..COUNT")
    s = sub.add_parser("edits", parents=[common])
    s.add_argument("file")
    s.add_argument("n", type=int)
    sub.add_parser("words")
    a = p.parse_args(argv)
    if a.cmd == "pages":
        cmd_pages(a)
    elif a.cmd == "bigpage":
        cmd_bigpage(a)
    elif a.cmd == "edits":
        cmd_edits(a)
    else:
        print(COMMON_WORD, RARE_WORD)


if __name__ == "__main__":
    main(sys.argv[1:])
