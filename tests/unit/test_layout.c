/* test_layout: golden files, invariants and RENDERING.md points for the
 * layout module.
 *
 * Every tests/layout/NAME.md is laid out at widths 20, 40, 80 and 137 and
 * compared with NAME.wNN.txt (plain text) and NAME.wNN.sty (style track);
 * a NAME starting with "ascii-" is laid out with ASCII decorations.  With
 * DOCDAY_REGEN=1 the golden files are written instead.  The inputs are read
 * from $TOP_SRCDIR/tests/layout (default ".").  Then the invariants every
 * layout must keep are checked on every input at every width from 1 to
 * 150, and targeted checks cover what golden files alone do not prove. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout.h"
#include "markdown.h"
#include "tap.h"
#include "u8.h"

static const int golden_widths[] = {20, 40, 80, 137};

/* Pages named "missing..." or "no-..." do not exist; all others do. */
static int exists(void *ctx, const char *slug)
{
	(void)ctx;
	return strncmp(slug, "missing", 7) != 0 && strncmp(slug, "no-", 3) != 0;
}

static layout_doc *render_n(const char *md, size_t n, int width, int ascii)
{
	md_doc *doc = md_parse(md, n, MD_FOOTNOTES, NULL);
	layout_opts o = {width, exists, NULL, ascii, ascii};
	layout_doc *d = layout_render(doc, &o, NULL);

	md_free(doc);
	return d;
}

static layout_doc *render(const char *md, int width)
{
	return render_n(md, strlen(md), width, 0);
}

/* The plain text of md at width (caller frees). */
static char *text_of(const char *md, int width)
{
	layout_doc *d = render(md, width);
	buf b = BUF_INIT;

	layout_to_text(d, &b);
	layout_free(d);
	return buf_detach(&b);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	buf b = BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static int write_file(const char *path, const buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return 0;
	ok = fwrite(buf_cstr(b), 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok;
}

/* --- invariants -------------------------------------------------------- */

static int fail(buf *why, const char *msg, size_t line)
{
	if (!why->len)
		buf_printf(why, "%s (line %zu)", msg, line);
	return 0;
}

static int line_ok(const layout_doc *d, size_t i, buf *why)
{
	const layout_line *l = &d->lines[i];
	const unsigned char *t = (const unsigned char *)l->text;
	size_t k, off = 0;

	if ((int)u8_width(l->text, l->len) != l->width)
		return fail(why, "width field wrong", i);
	if (l->width > d->width && !(l->flags & LL_SCROLL))
		return fail(why, "line wider than the width", i);
	if (l->width > d->width && d->width >= 10) {
		/* only code (gutter), tables (borders) and raw HTML (dim) scroll */
		int scrollable = 0;

		for (k = 0; k < l->nspans; k++)
			scrollable |= (l->spans[k].style & (LS_RULE | LS_DIM)) != 0;
		if (!scrollable)
			return fail(why, "text wider than the width", i);
	}
	if (!u8_valid(l->text, l->len, NULL) || strlen(l->text) != l->len)
		return fail(why, "invalid UTF-8", i);
	for (k = 0; k < l->len; k++)
		if (t[k] < 0x20 || t[k] == 0x7F || (t[k] == 0xC2 && t[k + 1] >= 0x80 && t[k + 1] < 0xA0))
			return fail(why, "control byte", i);
	if (l->len && t[l->len - 1] == ' ')
		return fail(why, "trailing space", i);
	for (k = 0; k < l->nspans; k++) {
		if (l->spans[k].off != off || l->spans[k].len == 0)
			return fail(why, "spans leave a gap or are empty", i);
		if (l->spans[k].link >= (int32_t)d->nlinks || l->spans[k].link < -1)
			return fail(why, "span link out of range", i);
		off += l->spans[k].len;
	}
	if (off != l->len)
		return fail(why, "spans do not cover the line", i);
	if (l->src_line < 1)
		return fail(why, "no source line", i);
	return 1;
}

/* A link's spans: contiguous within each line, on every line from its
 * first_line to its last_line and nowhere else. */
static int link_ok(const layout_doc *d, int32_t link, buf *why)
{
	const layout_link *lk = &d->links[link];
	size_t i, k;
	int first = -1, last = -1, runs;

	for (i = 0; i < d->nlines; i++) {
		const layout_line *l = &d->lines[i];

		runs = 0;
		for (k = 0; k < l->nspans; k++)
			if (l->spans[k].link == link && (k == 0 || l->spans[k - 1].link != link))
				runs++;
		if (runs > 1)
			return fail(why, "link spans not contiguous", i);
		if (runs && first < 0)
			first = (int)i;
		if (runs)
			last = (int)i;
		if (!runs && first >= 0 && last == first - 1)
			return fail(why, "link skips a line", i);
		if (!runs && first >= 0 && (int)i < lk->last_line && (int)i > lk->first_line)
			return fail(why, "link skips a line", i);
	}
	if (first != lk->first_line || last != lk->last_line)
		return fail(why, "link first/last line wrong", (size_t)link);
	if (lk->kind < LK_PAGE || lk->kind > LK_EXTERNAL || !lk->url)
		return fail(why, "link kind or url missing", (size_t)link);
	return 1;
}

static int doc_ok(const layout_doc *d, buf *why)
{
	size_t i;

	for (i = 0; i < d->nlines; i++)
		if (!line_ok(d, i, why))
			return 0;
	for (i = 0; i < d->nlinks; i++)
		if (!link_ok(d, (int32_t)i, why))
			return 0;
	for (i = 0; i < d->nheadings; i++) {
		const layout_heading *h = &d->headings[i];

		if (h->line < 0 || (size_t)h->line >= d->nlines ||
		    !(d->lines[h->line].flags & LL_HEADING) || h->level < 1 || h->level > 6 ||
		    !h->text || !h->anchor)
			return fail(why, "heading entry wrong", i);
	}
	return 1;
}

/* --- golden files -------------------------------------------------------- */

static int diff_report(const char *got, const char *want)
{
	size_t line = 1, i = 0;
	const char *g, *w;

	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n')
			line++;
		i++;
	}
	g = got + i, w = want + i;
	printf("#   first difference at output line %zu\n", line);
	printf("#   got:  %.*s\n", (int)strcspn(g, "\n"), g);
	printf("#   want: %.*s\n", (int)strcspn(w, "\n"), w);
	return 0;
}

static void golden(const char *dir, const char *name, const char *md, size_t len, int width,
                   int regen)
{
	layout_doc *d = render_n(md, len, width, strncmp(name, "ascii-", 6) == 0);
	buf txt = BUF_INIT, sty = BUF_INIT, why = BUF_INIT;
	char path_t[1024], path_s[1024], label[300];
	size_t n;
	char *want_t, *want_s;
	int ok;

	layout_to_text(d, &txt);
	layout_to_styles(d, &sty);
	snprintf(path_t, sizeof path_t, "%s/%.*s.w%d.txt", dir, (int)(strlen(name) - 3), name, width);
	snprintf(path_s, sizeof path_s, "%s/%.*s.w%d.sty", dir, (int)(strlen(name) - 3), name, width);
	snprintf(label, sizeof label, "golden %s at width %d", name, width);
	if (regen) {
		OK(write_file(path_t, &txt) && write_file(path_s, &sty), label);
	} else {
		want_t = read_file(path_t, &n);
		want_s = read_file(path_s, &n);
		ok = want_t && want_s && strcmp(want_t, buf_cstr(&txt)) == 0 &&
		     strcmp(want_s, buf_cstr(&sty)) == 0;
		if (!OK(ok, label)) {
			if (!want_t || !want_s)
				printf("#   missing %s or %s (DOCDAY_REGEN=1 writes them)\n", path_t, path_s);
			else if (strcmp(want_t, buf_cstr(&txt)) != 0)
				diff_report(buf_cstr(&txt), want_t);
			else
				diff_report(buf_cstr(&sty), want_s);
		}
		free(want_t);
		free(want_s);
	}
	snprintf(label, sizeof label, "invariants %s at width %d", name, width);
	if (!OK(doc_ok(d, &why), label))
		printf("#   %s\n", buf_cstr(&why));
	buf_free(&txt);
	buf_free(&sty);
	buf_free(&why);
	layout_free(d);
}

/* Invariants at every width from 1 to 150, in both glyph sets. */
static void all_widths(const char *name, const char *md, size_t len)
{
	buf why = BUF_INIT;
	char label[300];
	int w, ascii, ok = 1;

	for (ascii = 0; ascii < 2 && ok; ascii++)
		for (w = 1; w <= 150 && ok; w++) {
			layout_doc *d = render_n(md, len, w, ascii);

			ok = doc_ok(d, &why);
			if (!ok)
				buf_printf(&why, " at width %d%s", w, ascii ? " (ascii)" : "");
			layout_free(d);
		}
	snprintf(label, sizeof label, "invariants %s at widths 1..150", name);
	if (!OK(ok, label))
		printf("#   %s\n", buf_cstr(&why));
	buf_free(&why);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void golden_all(const char *top, int regen)
{
	char dir[900], path[1200];
	char **names = NULL;
	size_t n = 0, i, len;
	struct dirent *e;
	DIR *dp;
	unsigned k;

	snprintf(dir, sizeof dir, "%s/tests/layout", top);
	dp = opendir(dir);
	if (!OK(dp != NULL, "tests/layout exists")) {
		printf("#   cannot open %s (set TOP_SRCDIR)\n", dir);
		return;
	}
	while ((e = readdir(dp))) {
		len = strlen(e->d_name);
		if (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0) {
			names = realloc(names, (n + 1) * sizeof *names);
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(dp);
	qsort(names, n, sizeof *names, by_name);
	OK(n >= 10, "at least ten golden inputs");
	for (i = 0; i < n; i++) {
		char *md;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		md = read_file(path, &len);
		if (!OK(md != NULL, names[i]))
			continue;
		for (k = 0; k < sizeof golden_widths / sizeof *golden_widths; k++)
			golden(dir, names[i], md, len, golden_widths[k], regen);
		all_widths(names[i], md, len);
		free(md);
		free(names[i]);
	}
	free(names);
}

/* --- targeted checks ------------------------------------------------------ */

/* Python's textwrap.fill(text, width) for text of single-spaced words
 * none longer than width and without hyphens. */
static char *ref_wrap(const char *text, int width)
{
	buf b = BUF_INIT;
	const char *p = text;
	int col = 0;

	while (*p) {
		size_t n = strcspn(p, " ");

		if (col && col + 1 + (int)n > width) {
			buf_putc(&b, '\n');
			col = 0;
		} else if (col) {
			buf_putc(&b, ' ');
			col++;
		}
		buf_put(&b, p, n);
		col += (int)n;
		p += n;
		while (*p == ' ')
			p++;
	}
	buf_putc(&b, '\n');
	return buf_detach(&b);
}

static void check_greedy(void)
{
	static const char *para =
	    "It is a truth universally acknowledged, that a single man in possession of a "
	    "good fortune, must be in want of a wife. However little known the feelings or "
	    "views of such a man may be on his first entering a neighbourhood, this truth is "
	    "so well fixed in the minds of the surrounding families, that he is considered "
	    "as the rightful property of some one or other of their daughters.";
	char *got, *want;
	int w, ok = 1;

	for (w = 14; w <= 120 && ok; w++) {
		got = text_of(para, w);
		want = ref_wrap(para, w);
		ok = strcmp(got, want) == 0;
		if (!ok)
			printf("#   width %d:\n%s\n#   want:\n%s\n", w, got, want);
		free(got);
		free(want);
	}
	OK(ok, "26: paragraphs equal a greedy textwrap at widths 14..120");
}

/* The display column of the first non-space character at or after off. */
static int text_col(const layout_line *l, size_t off)
{
	while (off < l->len && l->text[off] == ' ')
		off++;
	return (int)u8_width(l->text, off);
}

/* In an item, every line without a marker starts at its item's text. */
static void check_hanging(void)
{
	const char *md =
	    "- level one item with text long enough to wrap at forty columns for sure\n"
	    "  - level two item with text long enough to wrap at forty columns too\n"
	    "    1. level three, ordered, with text long enough to wrap at forty\n"
	    "\n"
	    "8. eight with text long enough to wrap at forty columns, twice over here\n"
	    "9. nine with text long enough to wrap at forty columns, twice over here\n"
	    "10. ten with text long enough to wrap at forty columns, twice over here\n";
	layout_doc *d = render(md, 40);
	size_t i, k;
	int ok = d->nlines > 10, col = -1, marker, conts = 0;

	for (i = 0; i < d->nlines && ok; i++) {
		const layout_line *l = &d->lines[i];

		if (!l->len)
			continue;
		for (k = 0, marker = -1; k < l->nspans; k++)
			if (l->spans[k].style & LS_MARKER)
				marker = (int)k;
		if (marker >= 0) {
			col = text_col(l, l->spans[marker].off + l->spans[marker].len);
		} else {
			ok = text_col(l, 0) == col;
			conts++;
		}
		if (!ok)
			printf("#   line %zu: \"%s\" (want column %d)\n", i, l->text, col);
	}
	OK(ok && conts == 6, "18: continuation lines align under the item text (9./10., nested)");
	layout_free(d);
}

static void check_lists(void)
{
	char *t = text_of("3. a\n4. b\n5. c\n10. d\n", 40);

	STREQ(t, "3. a\n4. b\n5. c\n6. d\n", "19: 3. 4. 5. 10. numbers 3, 4, 5, 6");
	free(t);
	t = text_of("9. a\n10. b\n", 40);
	STREQ(t, " 9. a\n10. b\n", "19: markers are right-aligned");
	free(t);
	t = text_of("- Bullet item three\n\n  A paragraph.\n- four\n", 40);
	STREQ(t, "• Bullet item three\n\n  A paragraph.\n\n• four\n",
	      "20: a second paragraph sits under the item text after a blank line");
	free(t);
	t = text_of("- a\n- b\n\n1. c\n1. d\n", 40);
	STREQ(t, "• a\n• b\n\n1. c\n2. d\n", "20: tight lists have no blank lines");
	free(t);
	t = text_of("> - a\n> - b\n>\n> ```\n> x\n> ```\n", 40);
	STREQ(t, "│ • a\n│ • b\n│\n│ ┆ x\n", "21: lists and code in quotes keep both prefixes");
	free(t);
}

static int max_width(const layout_doc *d)
{
	size_t i;
	int m = 0;

	for (i = 0; i < d->nlines; i++)
		if (d->lines[i].width > m)
			m = d->lines[i].width;
	return m;
}

static void check_cjk(void)
{
	buf md = BUF_INIT;
	layout_doc *d;
	size_t i;
	int ok = 1, full = 1;

	for (i = 0; i < 40; i++)
		buf_puts(&md, "中文 ");
	d = render(buf_cstr(&md), 40);
	for (i = 0; i < d->nlines; i++) {
		ok &= d->lines[i].width <= 40;
		if (i + 1 < d->nlines)
			full &= d->lines[i].width >= 40 - 5;
	}
	OK(ok && d->nlines == 5, "10: \"中文 \"x40 at width 40: lines <= 40 (8 per line)");
	OK(full, "11: each line filled to within one token");
	layout_free(d);
	buf_free(&md);

	d = render("一二三四五六七八九十一二三四五六七八九十，一二三四五六七八九十一二三四五"
	           "六七八九十。一二三四五六\n",
	           40);
	ok = d->nlines == 3;
	for (i = 0; i < d->nlines; i++)
		ok &= d->lines[i].width <= 40 && strncmp(d->lines[i].text, "，", 3) != 0 &&
		      strncmp(d->lines[i].text, "。", 3) != 0;
	OK(ok, "13: the 47-ideograph sentence: lines <= 40, none starts with ，");
	layout_free(d);

	d = render("あいうえおかきくけこさしすせそたちつてと（括弧）「かぎ」あいうえおかきく\n", 40);
	ok = 1;
	for (i = 0; i < d->nlines; i++) {
		const layout_line *l = &d->lines[i];

		ok &= !(l->len >= 3 && (strcmp(l->text + l->len - 3, "（") == 0 ||
		                        strcmp(l->text + l->len - 3, "「") == 0));
	}
	OK(ok, "13: no line ends with （ or 「");
	layout_free(d);
}

static void check_emoji(void)
{
	buf md = BUF_INIT;
	layout_doc *d;
	size_t i;
	int ok = 1;

	for (i = 0; i < 20; i++)
		buf_puts(&md, "👨‍👩‍👧 ");
	d = render(buf_cstr(&md), 40);
	for (i = 0; i + 1 < d->nlines; i++)
		ok &= d->lines[i].width <= 40 && d->lines[i].width >= 40 - 7;
	OK(ok && d->nlines == 4, "11: family emoji x20 at width 40: 5 per line, none split");
	layout_free(d);
	md.len = 0;
	for (i = 0; i < 40; i++)
		buf_puts(&md, "🇯🇵 ");
	d = render(buf_cstr(&md), 40);
	ok = 1;
	for (i = 0; i + 1 < d->nlines; i++)
		ok &= d->lines[i].width <= 40 && d->lines[i].width >= 40 - 3;
	OK(ok, "11: flags x40 at width 40: each line filled to within one token");
	layout_free(d);
	md.len = 0;
	for (i = 0; i < 30; i++)
		buf_puts(&md, "👍🏽🇯🇵e\xCC\x81");
	d = render(buf_cstr(&md), 21);
	ok = 1;
	for (i = 0; i < d->nlines; i++) {
		const char *t = d->lines[i].text;

		/* a line never starts with a modifier, a lone flag half or a mark */
		ok &= d->lines[i].width <= 21 && strncmp(t, "🏽", 4) != 0 &&
		      strncmp(t, "\xCC\x81", 2) != 0 && strncmp(t, "🇵", 4) != 0;
	}
	OK(ok, "14: hard breaks keep emoji+modifier, flags and combining marks whole");
	layout_free(d);
	buf_free(&md);
}

static void check_long_words(void)
{
	buf md = BUF_INIT;
	layout_doc *d;
	size_t i;
	int ok = 1;
	char *t;

	buf_puts(&md, "Word: ");
	for (i = 0; i < 125; i++)
		buf_putc(&md, 'a' + (int)(i % 26));
	buf_puts(&md, " and https://example.com/");
	for (i = 0; i < 116; i++)
		buf_putc(&md, i % 10 == 9 ? '/' : 'x');
	buf_puts(&md, " end.\n");
	d = render(buf_cstr(&md), 40);
	for (i = 0; i < d->nlines; i++)
		ok &= d->lines[i].width <= 40;
	OK(ok && max_width(d) == 40, "14: a 125-character word and a 140-character URL: chunks <= 40");
	layout_free(d);
	t = text_of("see https://example.com/aaaaaaaaa/bbbbbbbbb/cccccccccccc/ddddd\n", 30);
	STREQ(t, "see\nhttps://example.com/aaaaaaaaa/\nbbbbbbbbb/cccccccccccc/ddddd\n",
	      "14: a URL breaks after /");
	free(t);
	buf_free(&md);
}

static void check_punctuation(void)
{
	const char *md = "`a`, `b`, `c`, `d`, `e`, `f`, `g`, `h`, `i`, `j`, `k`, `l`, `m`, "
	                 "`n`, `o`, `p`. [x](y), [x](y). [x](y), [x](y).\n";
	layout_doc *d;
	size_t i;
	int w, ok = 1;

	for (w = 2; w <= 60; w++) {
		d = render(md, w);
		for (i = 0; i < d->nlines; i++)
			ok &= d->lines[i].text[0] != ',' && d->lines[i].text[0] != '.';
		layout_free(d);
	}
	OK(ok, "25: no line starts with ',' or '.' after code spans or links (widths 2..60)");
}

static void check_headings(void)
{
	char *t[7], *bold = text_of("**Title**\n", 40);
	char md[32];
	int i, j, ok = 1;
	layout_doc *d;

	for (i = 1; i <= 6; i++) {
		snprintf(md, sizeof md, "%.*s Title\n", i, "######");
		t[i] = text_of(md, 40);
		ok &= strcmp(t[i], bold) != 0;
		for (j = 1; j < i; j++)
			ok &= strcmp(t[i], t[j]) != 0;
	}
	OK(ok, "30: H1..H6 differ from each other and from bold text in plain text");
	for (i = 1; i <= 6; i++)
		free(t[i]);
	free(bold);

	d = render("# Intro\n\n## Repeated\n\n## Repeated\n\n## Repeated-1\n\n## !!!\n\n"
	           "## *Caf\xC3\xA9* `x`\n",
	           40);
	ok = d->nheadings == 6;
	if (ok) {
		ok &= strcmp(d->headings[0].anchor, "intro") == 0;
		ok &= strcmp(d->headings[1].anchor, "repeated") == 0;
		ok &= strcmp(d->headings[2].anchor, "repeated-1") == 0;
		ok &= strcmp(d->headings[3].anchor, "repeated-1-1") == 0;
		ok &= strcmp(d->headings[4].anchor, "") == 0;
		ok &= strcmp(d->headings[5].anchor, "café-x") == 0;
		ok &= strcmp(d->headings[5].text, "Café x") == 0;
		ok &= d->headings[0].line == 0 && d->headings[1].line == 3 && d->headings[1].level == 2;
	}
	OK(ok, "46: headings listed with GitHub anchors and their first line");
	layout_free(d);
}

static uint32_t style_of(const layout_doc *d, const char *word)
{
	size_t i, k;

	for (i = 0; i < d->nlines; i++)
		for (k = 0; k < d->lines[i].nspans; k++) {
			const layout_span *s = &d->lines[i].spans[k];

			if (strncmp(d->lines[i].text + s->off, word, strlen(word)) == 0)
				return s->style;
		}
	return 0;
}

static void check_links(void)
{
	layout_doc *d = render("[xx](existing) [yy](missing) [zz](https://example.com/zz) "
	                       "[ff](#top)\n",
	                       80);
	uint32_t x = style_of(d, "xx"), y = style_of(d, "yy"), z = style_of(d, "zz");
	char *t;

	OK(x != y && y != z && x != z && (x & y & z & LS_UNDERLINE),
	   "36: page, missing and external links have three distinct styles, all underlined");
	OK(d->nlinks == 4 && d->links[0].kind == LK_PAGE && !d->links[0].missing &&
	       d->links[1].kind == LK_PAGE && d->links[1].missing &&
	       d->links[2].kind == LK_EXTERNAL && d->links[3].kind == LK_FRAGMENT &&
	       strcmp(d->links[3].fragment, "top") == 0 && strcmp(d->links[0].slug, "existing") == 0,
	   "36/37: link kinds, slugs and fragments");
	OK(strstr(d->lines[0].text, "yy?") != NULL, "36: a missing page's link carries a '?' marker");
	layout_free(d);

	t = text_of("An [example](https://example.com/a/very/long/url/that/should/not/show) and "
	            "<https://example.com/x>.\n",
	            200);
	STREQ(t, "An example and https://example.com/x.\n",
	      "35: URLs are not inlined; an autolink shows once");
	free(t);

	d = render("aaaa bbbb cccc [one two three four five six](home) end\n", 20);
	OK(d->nlinks == 1 && d->links[0].first_line == 0 && d->links[0].last_line == 2,
	   "38: a link wrapped over lines is one link with first/last line");
	layout_free(d);

	d = render("![Alt text](img/a.png) ![](img/b.png?x=1)\n", 80);
	t = text_of("![Alt text](img/a.png) ![](img/b.png?x=1)\n", 80);
	OK(d->nlinks == 2 && d->links[0].is_image && d->links[1].is_image &&
	       strcmp(t, "[image: Alt text] [image: b.png]\n") == 0,
	   "39: images show a marker and alt text (else the file name) and are links");
	free(t);
	layout_free(d);
}

static int has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0))
			return 1;
	return 0;
}

/* Every ESC in ANSI output starts an SGR sequence we wrote. */
static int only_sgr(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '\033')); p++) {
		size_t n = strspn(p + 2, "0123456789;");

		if (p[1] != '[' || p[2 + n] != 'm')
			return 0;
	}
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\033')
			return 0;
	return 1;
}

static void check_hostile(void)
{
	const char *md = "a\x1b[2Jb &#27;[31m ~~&**#27;**[31m~~ \x07 &#7; &#155; \xC2\x9B x\x9b\x9d "
	                 "[abc\xE2\x80\xAE" "dcba](https://ex.com/%1B%5B2J) `\x1b` &#x202e;\n\n"
	                 "```\n\x1b[2J\x08\x0b\x0c\n```\n\n<b>\x1b</b>\n";
	layout_doc *d = render(md, 40);
	buf out = BUF_INIT;
	char *t;

	layout_to_text(d, &out);
	OK(!has_control(buf_cstr(&out)), "1/2/3: no ESC, BEL, other C0 or C1 in the text");
	OK(strstr(buf_cstr(&out), "a\xE2\x90\x9B[2Jb") != NULL, "4: ESC is shown as a marker");
	OK(strstr(buf_cstr(&out), "abc<U+202E>dcba") != NULL,
	   "6: a bidi override in link text is shown in logical order with a marker");
	OK(d->nlinks == 1 && strcmp(d->links[0].url, "https://ex.com/%1B%5B2J") == 0,
	   "7: a percent-encoded ESC in a URL stays encoded");
	OK(style_of(d, "\xE2\x90\x9B") & LS_CONTROL, "4: placeholders are in the control style");
	out.len = 0;
	layout_to_ansi(d, &out, 1);
	OK(only_sgr(buf_cstr(&out)), "1: ANSI output has no escape but our SGR");
	buf_free(&out);
	layout_free(d);

	t = text_of("abc&#13;XY\n", 40);
	STREQ(t, "abc\xE2\x90\x8DXY\n", "5: abc CR XY shows both with a marker between");
	free(t);
	t = text_of("abc\rXY end\n", 40);
	STREQ(t, "abc XY end\n", "5: a raw CR (a line ending to CommonMark) cannot hide abc");
	free(t);
	t = text_of("a&#8;b&#11;c&#12;d\n", 40);
	STREQ(t, "a\xE2\x90\x88" "b\xE2\x90\x8B" "c\xE2\x90\x8C" "d\n", "5: BS, VT, FF are markers");
	free(t);
}

static void check_blocks(void)
{
	layout_doc *d;
	char *t;
	int ok;

	t = text_of("- - - ```\n      \tx\n      ab\tx\n      ```\n", 40);
	STREQ(t, "• ◦ ▪ ┆     x\n      ┆ ab  x\n",
	      "16: tabs expand from the code block's left edge (stops of 4)");
	free(t);

	d = render("```\n0123456789012345678901234567890123456789\n```\n", 20);
	ok = d->nlines == 1 && (d->lines[0].flags & LL_SCROLL) &&
	     strstr(d->lines[0].text, "0123456789012345678901234567890123456789");
	OK(ok, "27: a long code line is one line, whole, with LL_SCROLL");
	layout_free(d);

	t = text_of("a  \nb\\\nc\nd\n", 40);
	STREQ(t, "a\nb\nc d\n", "22: hard breaks start lines; soft breaks are spaces");
	free(t);
	t = text_of("\\*x\\* \\_ &copy; snake_case_word\n", 40);
	STREQ(t, "*x* _ \xC2\xA9 snake_case_word\n", "32/33: escapes, entities, intraword _");
	free(t);
	t = text_of("a\n\n---\n\nb\n", 12);
	STREQ(t, "a\n\n╌╌╌╌╌╌╌╌╌╌╌╌\n\nb\n", "31: a thematic break spans the width");
	free(t);
	t = text_of("<div>\n*x*\n</div>\n\n<!-- gone -->\n\nt <!-- c --> u\n", 40);
	STREQ(t, "<div>\n*x*\n</div>\n\nt u\n", "40: raw HTML shown as source, comments hidden");
	free(t);
}

static void check_tables(void)
{
	layout_doc *d;
	char *t;
	size_t i;
	int ok;

	d = render("| Name | Description | Size |\n|---|---|--:|\n"
	           "| alpha | The first letter of the Greek alphabet | 1 |\n"
	           "| gamma | A much longer explanation that needs wrapping | 333 |\n",
	           40);
	ok = 1;
	for (i = 0; i < d->nlines; i++)
		ok &= d->lines[i].width <= 40 && !(d->lines[i].flags & LL_SCROLL);
	{
		buf b = BUF_INIT;
		static const char *words[] = {"Name", "Description", "Size", "alpha", "Greek",
		                              "alphabet", "333", "explanation", "wrapping"};

		layout_to_text(d, &b);
		for (i = 0; i < sizeof words / sizeof *words; i++)
			ok &= strstr(buf_cstr(&b), words[i]) != NULL;
		buf_free(&b);
	}
	OK(ok, "29: a 3-column table at width 40: rows <= 40, every cell's text present");
	layout_free(d);

	t = text_of("| a | b |\n|--:|:-:|\n| x\\|y | z |\n", 40);
	STREQ(t, "┌─────┬───┐\n│   a │ b │\n╞═════╪═══╡\n│ x|y │ z │\n└─────┴───┘\n",
	      "29: alignment honoured and \\| shown as |");
	free(t);
}

static void check_misc(void)
{
	const char *md = "# A\n\npara one\nstill one\n\n```\nx\ny\n```\n\npara two\n";
	layout_doc *d = render(md, 40);
	err_info e;
	layout_opts bad = {0, NULL, NULL, 0, 0};
	buf b = BUF_INIT;

	OK(d->lines[layout_find_src_line(d, 3)].src_line == 3 &&
	       layout_find_src_line(d, 8) == 6 && strcmp(d->lines[6].text, "┆ y") == 0 &&
	       layout_find_src_line(d, 99) == d->nlines - 1,
	   "44: layout_find_src_line maps source lines to layout lines");
	layout_free(d);

	OK(layout_render(NULL, &bad, &e) == NULL && e.code == ERR_USAGE, "width 0 is refused");
	d = layout_render(NULL, &(layout_opts){40, NULL, NULL, 0, 0}, NULL);
	OK(d && d->nlines == 0, "a NULL document lays out as nothing");
	layout_free(d);
	layout_free(NULL);

	d = render("**b** *i* `c` [l](x)\n", 40);
	layout_to_ansi(d, &b, 0);
	STREQ(buf_cstr(&b), "\033[0;1mb\033[0m \033[0;3mi\033[0m c \033[0;4ml\033[0m\n",
	      "41: monochrome ANSI keeps attributes and resets before each line end");
	buf_free(&b);
	layout_free(d);

	d = render("x **bold words that wrap over lines** y\n", 12);
	layout_to_ansi(d, &b, 0);
	STREQ(buf_cstr(&b),
	      "x \033[0;1mbold words\033[0m\n\033[0;1mthat wrap\033[0m\n"
	      "\033[0;1mover lines\033[0m y\n",
	      "24: a style restarts on each wrapped line and ends before the line end");
	buf_free(&b);
	layout_free(d);

	md = "> - a\n\n- [ ] b\n\n---\n\n| x |\n|---|\n| y |\n";
	d = render_n(md, strlen(md), 20, 1);
	layout_to_text(d, &b);
	STREQ(buf_cstr(&b),
	      "> * a\n\n[ ] b\n\n- - - - - - - - - -\n\n+---+\n| x |\n+===+\n| y |\n+---+\n",
	      "17: ASCII decorations when asked");
	buf_free(&b);
	layout_free(d);
}

/* Random documents from hostile fragments keep every invariant. */
static void check_random(void)
{
	static const char *frags[] = {
	    "# ", "###### ", "> ", ">> ", "- ", "1. ", "10) ", "- [ ] ", "    ", "\t", "```\n",
	    "~~~\n", "---\n", "**", "*", "_", "~~", "`", "[", "](", ")", "![", "<", ">",
	    "<!-- ", " -->", "<div>", "|", "| a | b |\n|---|:-:|\n", "\\", "&#27;", "&#x202e;",
	    "\x1b[2J", "\r", "\x08", "\x9b", "\xe2\x80\x8d", "\xcc\x81", "👨‍👩‍👧", "🇯🇵", "👍🏽",
	    "中文", "，", "（", "word ", "longwordlongwordlongwordlongword",
	    "https://example.com/a/b?c=d&e=f", "[[Page]]", "[[No Such|x]]", "[^1]", "[^1]: n\n",
	    " ", "\n", "\n\n", "a-b-c-d"};
	unsigned long r = 12345;
	buf md = BUF_INIT, why = BUF_INIT;
	int it, k, n, ok = 1;

	for (it = 0; it < 400 && ok; it++) {
		layout_doc *d;

		md.len = 0;
		r = r * 6364136223846793005UL + 1442695040888963407UL;
		n = (int)((r >> 33) % 50);
		for (k = 0; k < n; k++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			buf_puts(&md, frags[(r >> 33) % (sizeof frags / sizeof *frags)]);
		}
		d = render_n(buf_cstr(&md), md.len, 1 + (int)((r >> 20) % 90), (int)((r >> 40) & 1));
		ok = doc_ok(d, &why);
		if (!ok)
			printf("#   %s in: %s\n", buf_cstr(&why), buf_cstr(&md));
		layout_free(d);
	}
	OK(ok, "12/23/1: 400 random hostile documents keep the invariants");
	buf_free(&md);
	buf_free(&why);
}

/* --- a big text printed piece by piece ---------------------------------- */

struct stream_out {
	layout_stream *ls;
	buf text, sty;
	int pieces;
};

static int stream_piece(void *ctx, const md_doc *piece)
{
	struct stream_out *o = ctx;
	layout_doc *d = layout_stream_add(o->ls, piece);

	layout_to_text(d, &o->text);
	layout_to_styles(d, &o->sty);
	layout_free(d);
	o->pieces++;
	return 0;
}

/* The text and style track of md laid out whole (piece 0) or parsed and
 * laid out in pieces of about piece bytes (md_parse_each, layout_stream),
 * as show and view print a big page; *pieces is how many it was. */
static char *streamed(const char *md, size_t n, int width, size_t piece, int *pieces)
{
	layout_opts o = {width, exists, NULL, 0, 0};
	struct stream_out out = {NULL, BUF_INIT, BUF_INIT, 0};

	md_parse_tune(piece ? 1 : (size_t)-1, piece);
	out.ls = layout_stream_new(&o, NULL);
	md_parse_each(md, n, MD_FOOTNOTES | MD_ARENA, stream_piece, &out, NULL);
	layout_stream_free(out.ls);
	md_parse_tune(0, 0);
	buf_puts(&out.text, "--\n");
	buf_put(&out.text, out.sty.ptr, out.sty.len);
	buf_free(&out.sty);
	*pieces = out.pieces;
	return buf_detach(&out.text);
}

/* Printing piece by piece gives the lines of the whole layout, blank lines
 * between blocks, styles and all: every golden input and sample page, and
 * all of them in one text, cut as often as the rule allows and less. */
static void check_stream(const char *top)
{
	static const char *const dirs[] = {"tests/layout", "data/sample"};
	static const size_t sizes[] = {1, 300, 4096};
	static const int widths[] = {20, 80};
	char path[1200], *md, *whole, *parts;
	buf all = BUF_INIT;
	size_t len, i, k, w, bad = 0, cut = 0;
	int p0, pn, most = 0;
	struct dirent *e;
	DIR *dp;

	for (i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(path, sizeof path, "%s/%s", top, dirs[i]);
		dp = opendir(path);
		while (dp && (e = readdir(dp))) {
			len = strlen(e->d_name);
			if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s/%s", top, dirs[i], e->d_name);
			md = read_file(path, &len);
			if (!md)
				continue;
			if (!strstr(md, "]:") && !strchr(md, '\r'))
				buf_printf(&all, "%s\n\n# Cut %s\n\n", md, e->d_name);
			for (k = 0; k < sizeof sizes / sizeof *sizes; k++)
				for (w = 0; w < sizeof widths / sizeof *widths; w++) {
					whole = streamed(md, len, widths[w], 0, &p0);
					parts = streamed(md, len, widths[w], sizes[k], &pn);
					if (p0 != 1 || strcmp(whole, parts) != 0) {
						if (!bad++)
							printf("#   %s at width %d in pieces of %zu differs\n",
							       e->d_name, widths[w], sizes[k]);
					}
					cut += pn > 1;
					free(whole);
					free(parts);
				}
			free(md);
		}
		if (dp)
			closedir(dp);
	}
	for (k = 0; k < sizeof sizes / sizeof *sizes; k++)
		for (w = 0; w < sizeof widths / sizeof *widths; w++) {
			whole = streamed(all.ptr, all.len, widths[w], 0, &p0);
			parts = streamed(all.ptr, all.len, widths[w], sizes[k], &pn);
			if (strcmp(whole, parts) != 0 && !bad++)
				printf("#   all inputs at width %d in pieces of %zu differ\n", widths[w],
				       sizes[k]);
			if (pn > most)
				most = pn;
			free(whole);
			free(parts);
		}
	OK(bad == 0, "a text laid out piece by piece prints the lines of the whole");
	snprintf(path, sizeof path, "and pieces were cut (%zu layouts; up to %d pieces)", cut, most);
	OK(cut >= 20 && most > 50, path);
	buf_free(&all);
}

int main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	const char *regen = getenv("DOCDAY_REGEN");

	u8_setlocale();
	golden_all(top && *top ? top : ".", regen && strcmp(regen, "1") == 0);
	check_greedy();
	check_hanging();
	check_lists();
	check_cjk();
	check_emoji();
	check_long_words();
	check_punctuation();
	check_headings();
	check_links();
	check_hostile();
	check_blocks();
	check_tables();
	check_misc();
	check_random();
	check_stream(top && *top ? top : ".");
	return tap_done();
}
