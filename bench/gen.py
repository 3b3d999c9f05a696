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
    gen.py bigdoc FILE [--size 2000000] [--count 10000] [--cjk] [--seed S]
        one long document of about SIZE bytes, a handbook: a table of
        contents, chapters and sections, long paragraphs, nested (and loose)
        lists, task lists, aligned tables, fenced and indented code, block
        quotes, rules, every kind of link (URLs, autolinks, wiki links into a
        COUNT-page corpus, relative .md links, anchors), some CJK sentences
        and emoji (ZWJ sequences, flags, skin tones).  With --cjk most of the
        prose, the headings and many table cells are CJK, with more emoji.
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


# ---------------------------------------------------------------------------
# bigdoc: one large document (a handbook), for the show/view figures
# ---------------------------------------------------------------------------

# Words to build CJK sentences from (Chinese, Japanese, Korean), so the CJK
# text varies instead of repeating CJK_LINES.
ZH_NOUNS = """
页面 文档 终端 数据库 版本 链接 搜索 编辑器 用户 服务器 索引 表格 列表 代码
命令 配置 文件 历史 标题 段落 宽度 字符 格式 目录 备份 团队 结果 窗口 光标
缓存 进程 网络 权限 日志 错误 测试 发布 分支 提交 变更 快照 模板 插件
""".split()
ZH_VERBS = """
显示 读取 写入 更新 删除 打开 检查 合并 比较 保存 搜索 导入 导出 渲染 解析
排序 复制 恢复 记录 跳过
""".split()
ZH_ADV = "已经 通常 总是 可以 需要 不会 也 都 就 会 应该 自动".split()
ZH_ADJ = "新的 旧的 完整的 大的 小的 默认的 本地的 远程的 空的 共享的".split()

JA_NOUNS = """
ページ 文書 端末 データベース 版 リンク 検索 編集 保存 利用者 索引 表 一覧
設定 ファイル 履歴 見出し 段落 幅 文字 画面 目次 差分 変更 記事 チーム 結果
""".split()
JA_PART = "は が を に で と も から まで".split()
JA_VERBS = """
表示します 読み込みます 書き込みます 更新します 削除します 開きます 確認します
保存されます 検索できます 変わりません 使えます 残ります 比べます 並べます
""".split()

KO_NOUNS = """
페이지 문서 터미널 데이터베이스 버전 링크 검색 편집 저장 사용자 서버 색인 표
목록 코드 명령 설정 파일 기록 제목 문단 너비 글자 화면 팀 결과 변경
""".split()
KO_PART = "은 는 을 를 이 가 에서 으로 와 의".split()
KO_VERBS = """
표시합니다 읽습니다 씁니다 업데이트합니다 삭제합니다 엽니다 확인합니다
저장됩니다 검색됩니다 남습니다 비교합니다 정렬합니다
""".split()

LATIN_TERMS = ["docday", "`show`", "`cat`", "SQLite", "Markdown", "ssh", "UTF-8",
               "FTS5", "`--width 100`", "TUI", "cmark-gfm", "Git"]

EMOJI = ("🚀 🐛 ✅ 😀 🙂 😐 ☕ ⚠️ 🔧 🟢 🟡 🔴 ⏳ 🎉 🙏 📄 📚 🔍 💾 🗂️ ✏️ 🧪 📈 📉 "
         "🔒 🌏 💡 📝 🔥 👀 🤔 ❤️ ⭐ 🧭 🛠️").split()
# multi-code-point emoji: ZWJ sequences, flags, skin tones, keycaps
EMOJI_SEQ = ["👩‍💻", "👨‍👩‍👧", "🧑‍🔬", "🏳️‍🌈", "🇯🇵", "🇨🇳", "🇰🇷", "🇩🇪",
             "🇺🇸", "👍🏽", "👋🏻", "1️⃣", "2️⃣", "#️⃣"]

DOC_LANGS = ["c", "sh", "python", "sql", "json", "yaml", "diff", "", "text"]

HOSTS = ["example.org", "docs.example.com", "wiki.example.net", "sqlite.org",
         "github.com/example/docday", "commonmark.org"]


class BigText(Text):
    """Text plus CJK sentences, emoji and links for a long document."""

    def __init__(self, rng, cjk, count):
        super().__init__(rng)
        self.cjk = cjk      # share of sentences that are CJK (0..1)
        self.count = count  # wiki links point to page-00001..page-COUNT

    def emoji(self):
        if self.r.random() < 0.2:
            return self.r.choice(EMOJI_SEQ)
        return self.r.choice(EMOJI)

    def cjk_sentence(self):
        r = self.r
        lang = r.random()
        if lang < 0.5:
            parts = []
            for _ in range(r.randint(1, 3)):
                s = "%s%s%s%s%s" % (r.choice(ZH_NOUNS), r.choice(ZH_ADV), r.choice(ZH_VERBS),
                                    r.choice(ZH_ADJ), r.choice(ZH_NOUNS))
                if r.random() < 0.15:
                    s = r.choice(LATIN_TERMS) + " " + s
                parts.append(s)
            s = "，".join(parts) + r.choice(["。", "。", "。", "？", "！"])
        elif lang < 0.8:
            parts = []
            for _ in range(r.randint(1, 3)):
                s = "%s%s%s%s%s" % (r.choice(JA_NOUNS), r.choice(JA_PART), r.choice(JA_NOUNS),
                                    r.choice(JA_PART), r.choice(JA_VERBS))
                if r.random() < 0.15:
                    s = r.choice(LATIN_TERMS) + " の" + s
                parts.append(s)
            s = "、".join(parts)[:-1] + "す。"
        else:
            words = []
            for _ in range(r.randint(2, 4)):
                words.append(r.choice(KO_NOUNS) + r.choice(KO_PART))
            if r.random() < 0.15:
                words.insert(0, r.choice(LATIN_TERMS))
            s = " ".join(words) + " " + r.choice(KO_VERBS) + "."
        if r.random() < 0.15:
            s += " " + self.emoji()
        return s

    def url(self):
        r = self.r
        path = "/".join(self.noun() for _ in range(r.randint(1, 3)))
        u = "https://%s/%s" % (r.choice(HOSTS), path)
        if r.random() < 0.3:
            u += ".html"
        if r.random() < 0.15:
            u += "#" + self.noun()
        return u

    def link(self):
        r = self.r
        k = r.random()
        n = r.randint(1, self.count)
        if k < 0.35:
            return "[%s](%s)" % (self.phrase(1, 4), self.url())
        if k < 0.50:
            return "[[Page %05d]]" % n
        if k < 0.60:
            return "[[page-%05d|%s]]" % (n, self.phrase(1, 3))
        if k < 0.75:
            return "[%s](page-%05d.md)" % (self.phrase(1, 3), n)
        if k < 0.85:
            return "<%s>" % self.url()
        if k < 0.93:
            return self.url()  # a bare URL: the GFM autolink extension
        return "[%s](#%s)" % (self.phrase(1, 3), self.noun())

    def prose_sentence(self, lo=6, hi=22):
        r = self.r
        if r.random() < self.cjk:
            return self.cjk_sentence()
        s = self.sentence(lo, hi)
        x = r.random()
        if x < 0.22:
            s = s[:-1].rstrip(",") + ", see " + self.link() + "."
        elif x < 0.26:
            w = s.split(" ")
            i = r.randrange(1, len(w))
            if not w[i].startswith(("`", "*")):
                w[i] = "~~%s~~" % w[i].rstrip(",.?!")
            s = " ".join(w)
        elif x < 0.28:
            s = s[:-1] + " ***%s***." % self.noun()
        elif x < 0.31:
            s += " " + self.emoji()
        elif x < 0.32:
            # a long unbreakable token: a path or an identifier
            s = s[:-1] + " `/usr/share/docday/%s/%s_%s_%s.md`." % (
                self.noun(), self.noun(), self.noun(), self.noun())
        return s

    def paragraph(self, lo=3, hi=12):
        sents = [self.prose_sentence() for _ in range(self.r.randint(lo, hi))]
        out, line = [], []
        for s in sents:
            line.append(s)
            # wrap the source like an editor would, now and then
            if self.r.random() < 0.3:
                out.append(" ".join(line))
                line = []
        if line:
            out.append(" ".join(line))
        if len(out) > 1 and self.r.random() < 0.1:
            out[0] += "  "  # a hard line break
        return out

    def title(self):
        if self.r.random() < self.cjk:
            return self.r.choice(ZH_ADJ) + self.r.choice(ZH_NOUNS) + "与" + self.r.choice(ZH_NOUNS)
        return self.heading_text()


def bd_list(t, depth=0, kind=None):
    """A list, with lists nested up to two levels below, sometimes loose."""
    r = t.r
    kind = kind or r.choice(["-", "-", "*", "1.", "- [ ]"])
    loose = depth == 0 and r.random() < 0.2
    out = []
    for i in range(r.randint(2, 7)):
        body = t.prose_sentence(3, 14)
        if r.random() < 0.2:
            body += " " + t.prose_sentence(3, 10)
        if kind == "1.":
            mark = "%d." % (i + 1)
        elif kind == "- [ ]":
            mark = "- [%s]" % r.choice([" ", "x"])
        else:
            mark = kind
        out.append("%s %s" % (mark, body))
        # continuation lines are indented to the item's text
        sub = " " * (len(mark.split(" ")[0]) + 1)
        if loose and r.random() < 0.4:
            out += [""] + [sub + x for x in t.paragraph(1, 3)]
        if depth < 2 and r.random() < 0.3:
            child = bd_list(t, depth + 1, r.choice(["-", "*", "1.", "- [ ]"]))
            out += [sub + x if x else "" for x in child]
        if loose:
            out.append("")
    return out


def bd_table(t):
    r = t.r
    cols = r.randint(3, 7)
    head = [t.noun().capitalize() for _ in range(cols)]
    aligns = [r.choice(["---", ":---", ":---:", "---:"]) for _ in range(cols)]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(aligns) + "|"]
    for _ in range(r.randint(3, 25)):
        cells = []
        for _ in range(cols):
            k = r.random()
            if k < 0.3:
                cells.append(str(r.randint(0, 99999)))
            elif k < 0.4:
                cells.append("`%s_%s`" % (t.noun(), r.choice(VERBS)))
            elif k < 0.45 + t.cjk / 3:
                cells.append(r.choice(ZH_NOUNS) + r.choice(ZH_VERBS))
            elif k < 0.5 + t.cjk / 3:
                cells.append(t.emoji() + " " + t.noun())
            elif k < 0.55 + t.cjk / 3:
                cells.append(t.link())
            else:
                cells.append(t.phrase(1, 6))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def bd_code(t):
    r = t.r
    lang = r.choice(DOC_LANGS)
    out = ["```" + lang]
    note = {"c": "//", "sql": "--", "json": "//", "diff": "#"}.get(lang, "#")
    for _ in range(r.randint(4, 40 - int(25 * t.cjk))):
        ind = "    " * r.randint(0, 3)
        k = r.random()
        if lang == "diff":
            line = "%s %s_%s(%s);" % (r.choice("+- "), t.noun(), r.choice(VERBS), t.noun())
        elif lang in ("json", "yaml"):
            line = '%s"%s": "%s",' % (ind, t.noun(), t.phrase(1, 4))
        elif lang == "sh":
            line = "%sdocday --db %s.db %s %s" % (ind, t.noun(), r.choice(VERBS), t.noun())
        elif lang == "sql":
            line = "SELECT %s, %s FROM %s WHERE %s = %d;" % (
                t.noun(), t.noun(), t.noun(), t.noun(), r.randint(0, 999))
        else:
            line = "%s%s_%s(%s, %d);" % (ind, t.noun(), r.choice(VERBS), t.noun(),
                                         r.randint(0, 999))
        if k < 0.08:
            line += "  %s " % note + (t.cjk_sentence() if r.random() < 0.3 + t.cjk else t.phrase(3, 8))
        elif k < 0.12:
            # a line longer than the page is wide
            line += " " + " ".join("%s=%d" % (t.noun(), r.randint(0, 99)) for _ in range(14))
        out.append(line)
    out.append("```")
    return out


def bd_quote(t):
    r = t.r
    out = []
    if r.random() < 0.3:
        out.append("> **%s:** %s" % (r.choice(["Note", "Warning", "Tip"]), t.prose_sentence()))
        out.append(">")
    for x in t.paragraph(1, 5):
        out.append("> " + x)
    k = r.random()
    if k < 0.25:
        out.append(">")
        out += ["> " + x if x else ">" for x in bd_list(t, 0, "-")]
    elif k < 0.4:
        out.append(">")
        out += ["> > " + x for x in t.paragraph(1, 3)]
    return out


def bigdoc_text(seed, size, count, cjk):
    """About `size` bytes of one long Markdown document, a handbook."""
    rng = random.Random("%s:bigdoc:%d:%s" % (seed, size, cjk))
    t = BigText(rng, cjk, count)
    body, toc = [], []
    length = 0
    chapter_every = max(size // 24, 3000)
    chap = sec = 0
    next_chap = next_sec = 0

    def emit(lines):
        nonlocal length
        lines = lines + [""]
        body.extend(lines)
        length += sum(len(x.encode()) + 1 for x in lines)

    while length < size - 1500:
        if length >= next_chap:
            chap, sec = chap + 1, 0
            title = "%d. %s" % (chap, t.title())
            toc.append((title, []))
            emit(["## " + title])
            emit(t.paragraph(4, 12))
            next_chap = length + chapter_every
            next_sec = length + rng.randint(2000, 9000)
            continue
        if length >= next_sec:
            sec += 1
            title = "%d.%d %s" % (chap, sec, t.title())
            toc[-1][1].append(title)
            emit(["### " + title])
            next_sec = length + rng.randint(3000, 12000)
            continue
        k = rng.random()
        if k < 0.42:
            emit(t.paragraph())
        elif k < 0.56:
            emit(bd_list(t))
        elif k < 0.63:
            emit(bd_table(t))
        elif k < 0.73:
            emit(bd_code(t))
        elif k < 0.80:
            emit(bd_quote(t))
        elif k < 0.84:
            emit(["#### " + t.title()])
        elif k < 0.87:
            emit(["    " + x for x in bd_code(t)[1:-1]])  # an indented code block
        elif k < 0.89:
            emit(["---"])
        elif k < 0.95:
            emit([" ".join(t.cjk_sentence() for _ in range(rng.randint(1, 6)))])
        else:
            emit([" ".join(t.emoji() for _ in range(rng.randint(1, 5))) + " " +
                  t.prose_sentence()])

    head = ["# %s" % ("Docday 手册" if cjk >= 0.5 else "The Docday Handbook"), "",
            "> " + t.prose_sentence(), "", "Contents:", ""]
    for i, (title, secs) in enumerate(toc):
        anchor = "-".join(title.lower().replace(".", "").split())
        item = "%d. " % (i + 1)
        head.append("%s[%s](#%s)" % (item, title.split(" ", 1)[1], anchor))
        for s in secs[:6]:
            head.append("%s- %s" % (" " * len(item), s))
    head.append("")
    out = head + body
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def cmd_bigdoc(a):
    d = os.path.dirname(a.file)
    if d:
        os.makedirs(d, exist_ok=True)
    write(a.file, bigdoc_text(a.seed, a.size, a.count, 0.8 if a.cjk else 0.03))


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
    s = sub.add_parser("bigdoc", parents=[common])
    s.add_argument("file")
    s.add_argument("--size", type=int, default=2000000)
    s.add_argument("--count", type=int, default=10000, help="link targets 1..COUNT")
    s.add_argument("--cjk", action="store_true",
                   help="mostly Chinese, Japanese and Korean text and emoji")
    s = sub.add_parser("edits", parents=[common])
    s.add_argument("file")
    s.add_argument("n", type=int)
    sub.add_parser("words")
    a = p.parse_args(argv)
    if a.cmd == "pages":
        cmd_pages(a)
    elif a.cmd == "bigpage":
        cmd_bigpage(a)
    elif a.cmd == "bigdoc":
        cmd_bigdoc(a)
    elif a.cmd == "edits":
        cmd_edits(a)
    else:
        print(COMMON_WORD, RARE_WORD)


if __name__ == "__main__":
    main(sys.argv[1:])
