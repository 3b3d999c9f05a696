#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/ from the sample wiki
(data/sample/*.md), the layout test pages (tests/layout/*.md) and a few
hostile inputs.  Run from anywhere: python3 tests/fuzz/make_corpus.py
Each target's input format is described at the top of its .c file."""
import os
import shutil

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
out = os.path.join(here, "corpus")

pages = {}
for d in ("data/sample", "tests/layout"):
    for f in sorted(os.listdir(os.path.join(top, d))):
        if f.endswith(".md"):
            with open(os.path.join(top, d, f), "rb") as fh:
                pages[f[:-3]] = fh.read()

nest_lists = b"".join(b"  " * i + b"- item %d\n" % i for i in range(60))
hostile = {
    "esc": b"# Title \x1b[2J\n\nabc\x1b[31mred\x1b[0m and \x1b]0;title\x07 bell\x07\n\n"
           b"`code \x1b[1m` and\n\n```\n\x1b[2J\tx\x1b\n```\n",
    "entities": b"&#27;[31m red &#x1b;[0m &#155; &#7; &#0; &#x7f; &#133;\n\n"
                b"~~&**#27;**[31m~~\n\n[&#27;](x \"&#27;t\") ![&#x9b;](y)\n",
    "utf8": b"bad \x9b\x9d\x9c \xff\xfe \xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82\n\n"
            b"# \xe2\x80\xae evil\n\n[abc\xe2\x80\xaedcba](x) \xe2\x81\xa6 z\xe2\x80\x8bw\n",
    "controls": b"abc\rXY end\x08\x08\x0b\x0c\x7f \xc2\x85\xc2\x9b\n\n| a\r | b\x08 |\n|---|---|\n| \x1b | \x00 |\n",
    "nest-quotes": b">" * 300 + b" deep\n",
    "nest-lists": nest_lists,
    "nest-inline": b"[" * 400 + b"x" + b"](y)" * 10 + b"\n\n" + b"*" * 300 + b"a" + b"*" * 300 + b"\n",
    "nest-mixed": b"".join(b"> " * i + b"- " * (i % 5) + b"1. x\n" for i in range(40)),
    "tables": b"| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n| \\| | `|` | **x** |\n\n"
              b"|" + b"col|" * 40 + b"\n|" + b"---|" * 40 + b"\n|" + b"\xe4\xb8\xad|" * 40 + b"\n\n"
              b"| only header |\n|---|\n\n| x | y |\n|---|---|\n| 1 | 2 | 3 | 4 |\n| |\n",
    "links": b"[x](javascript:alert(1)) [y](JAVA\tSCRIPT:1) [z](  javascript:x)\n"
             b"![i](data:text/html,x) <javascript:x> [f](file:///etc/passwd) [v](VbScript:x)\n"
             b"[[Page Title]] [[slug|label]] [[Page#Section Two]] [[#frag]] [[]] [[|x]]\n"
             b"[rel](talks.md#intro) [pct](Getting%20Started.md) [up](../x) [abs](/x) [q](x?y#z)\n"
             b"[e](&#106;avascript:x) [c](javascript&colon;x) [h](https://ex.com/%1B%5B2J)\n",
    "html": b"<script>alert(1)</script>\n\n<SCRIPT src=x></SCRIPT>\n\n<img src=x onerror=alert(1)>\n\n"
            b"<!-- comment -->\n\ninline <b>bold</b> <a href=\"javascript:x\">a</a>\n",
    "long": b"x" * 400 + b"\n\nhttps://" + b"a/" * 200 + b"\n\n" + b"\xe4\xb8\xad" * 100 + b"\n\n"
            b"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 " * 30 + b"\n",
    "headings": b"# a\n\n# a\n\n## a-1\n\n### !!!\n\n#### \xc3\x9cber\n\n###### six\n\nSetext\n===\n\nTwo\n---\n",
    "footnotes": b"Text[^1] and[^note] and[^1].\n\n[^1]: One \x1b.\n[^note]: > quoted\n    - list\n",
    "tasks": b"- [ ] open\n- [x] done\n  - [ ] nested\n1. [x] num\n\n3. three\n4. four\n10. ten\n",
    "empty": b"",
}


def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)


if os.path.isdir(out):
    shutil.rmtree(out)

md = dict(pages)
md.update({"hostile-" + k: v for k, v in hostile.items()})
widths = [20, 40, 80, 137, 1, 3]
for i, (name, text) in enumerate(sorted(md.items())):
    # fuzz_layout: width byte (width = 1 + b % 200), option byte, page
    w = widths[i % len(widths)]
    write("fuzz_layout", name, bytes([w - 1, i % 16]) + text)
    if name.startswith("hostile-"):
        write("fuzz_layout", name + "-w40-ascii", bytes([39, 0x0f]) + text)
    # fuzz_export: option byte (bit 0 unsafe, bit 1 some pages exist), page
    write("fuzz_export", name, bytes([i % 4]) + text)
    if name.startswith("hostile-"):
        write("fuzz_export", name + "-unsafe", bytes([3]) + text)
    # fuzz_import: byte 0 bit 0 -> file name on line 1; bit 1 -> versions
    # separated by 0xFF; else one text under a name of the run's own
    write("fuzz_import", name, b"\x00" + text)
write("fuzz_import", "named", b"\x01Getting Started.md\n# Hello\n\n[[talks]]\n")
write("fuzz_import", "named-bad", b"\x01!!!.md\ntext\n")
write("fuzz_import", "named-title", b"\x01home\n# page-1\n")
write("fuzz_import", "nul", b"\x00a\x00b\n")
for name in sorted(pages)[:6]:
    t = pages[name]
    lines = t.split(b"\n")
    v2 = b"\n".join(lines[: len(lines) // 2] + [b"an inserted line"] + lines[len(lines) // 2:])
    v3 = b"\n".join(l for k, l in enumerate(lines) if k % 3)
    write("fuzz_import", "series-" + name, b"\x02" + b"\xff".join([t, v2, v3, t, b"", t[:100]]))
write("fuzz_import", "series-small", b"\x02a\nb\nc\n\xffa\nB\nc\n\xff\xffa\xffa\n\xff\xffx\r\ny")
write("fuzz_import", "series-named", b"\x03talks.md\n# Talks\n\xff# Talks\n\nmore\n\xff\xc3\x28")

# fuzz_merge, edit mode (byte 0 even): byte 0 kinds, byte 1 position, text
for i, name in enumerate(sorted(pages)[:8]):
    write("fuzz_merge", "edit-" + name, bytes([(i * 0x26) & 0xfe, i * 37 & 0xff]) + pages[name][:1500])
write("fuzz_merge", "edit-short", b"\x14\x81a\nb\n")
# split mode (byte 0 odd): base 0xFF ours 0xFF theirs
base = b"# T\n\none\ntwo\nthree\nfour\nfive\n"
write("fuzz_merge", "split-conflict", b"\x01" + base + b"\xff" + base.replace(b"two", b"TWO") +
      b"\xff" + base.replace(b"two", b"2"))
write("fuzz_merge", "split-clean", b"\x01" + base + b"\xff" + base.replace(b"one", b"ONE") +
      b"\xff" + base.replace(b"five", b"FIVE"))
write("fuzz_merge", "split-crlf", b"\x01a\r\nb\r\nc\r\n\xffa\r\nB\r\nc\r\n\xffa\r\nb!\r\nc")
write("fuzz_merge", "split-nonl", b"\x01a\nb\xffa\nb\nc\xffa\nB")
write("fuzz_merge", "split-nul", b"\x01a\x00\xffb\xffc")
write("fuzz_merge", "split-markers", b"\x01x\n\xff<<<<<<< a\nx\n=======\n\xff>>>>>>> b\n")

# fuzz_slug: titles and URLs
for i, s in enumerate([
        "Getting Started", "\xdcber Caf\xe9", "!!!", "\u0130stanbul", "\u01c5", "\ufb01le", "Stra\xdfe",
        "\u1e9e", "\u03a3\u03a3", "a/b.c", "Getting%20Started.md#install", "./talks", "../x", "#sec",
        "https://example.com/x", "%", "%zz", "%00x", "talks.MD", "x?y#z", "./.md", "\u2160 roman",
        "\u0661\u0662 arabic digits", "\u4e2d\u6587 \u30ab\u30bf", "a\u200db", "mailto:x@y", "//host/x",
        "a--b__c", "\u00bd", "\U0001d400 math", "%E2%80%AE", "%C3%9Cber.md"]):
    write("fuzz_slug", "s%02d" % i, s.encode("utf-8"))
write("fuzz_slug", "bad-utf8", b"a\xffb\xc0\x80c\xed\xa0\x80")

total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
print("corpus: %d files, %d bytes" % (sum(len(fs) for _, _, fs in os.walk(out)), total))
