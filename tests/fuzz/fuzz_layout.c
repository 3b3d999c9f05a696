/* libFuzzer target: Markdown -> md_parse -> layout_render, and the text,
 * ANSI and style-track outputs (src/layout.h, RENDERING.md section A).
 *
 * Input: byte 0 picks the width (1..200); byte 1 holds options
 * (bit 0: page_exists says "missing" for some slugs instead of NULL = all
 * exist; bit 1: ASCII decorations; bit 2: footnotes; bit 3: colour ANSI;
 * bit 4: emoji sequences split; bit 5: also parse and print the page in
 * pieces, which must give the same tree and the same output);
 * the rest is the page.  Every broken invariant aborts, so libFuzzer
 * reports it with the input:
 *   - a line is no wider than the width unless LL_SCROLL, and its width
 *     field is the wcwidth() sum of its text;
 *   - a line's text is valid UTF-8 with no byte < 0x20, no 0x7F, no C1
 *     (C2 80..9F), no bidi control or invisible character (ZWJ/ZWNJ
 *     allowed), nothing wcwidth() cannot print, no trailing space;
 *   - spans cover the text exactly, in order, each on character
 *     boundaries, with a valid link index;
 *   - layout_to_text has no ESC and no control other than LF, one LF per
 *     line; layout_to_ansi has ESC only in SGR sequences "\x1b[<digits;>m",
 *     and without them it is the text output; the style track has one
 *     character per display column. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "err.h"
#include "layout.h"
#include "markdown.h"
#include "u8.h"

#define FUZZ_NAME "fuzz_layout"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_need_utf8();
	return 0;
}

/* Some pages exist, some do not: decided by the slug itself, so the answer
 * is stable for a slug within one run. */
static int some_exist(void *ctx, const char *slug)
{
	size_t n = strlen(slug);

	(void)ctx;
	return n % 3 != 0 && slug[0] != 'm';
}

static void check_line(const layout_doc *d, size_t i, int width)
{
	const layout_line *l = &d->lines[i];
	size_t k, j, len, at = 0, bad = 0;
	uint32_t cp;
	int w;

	CHECK(l->text != NULL, "line %zu", i);
	CHECK(strlen(l->text) == l->len, "line %zu: len %zu, strlen %zu", i, l->len,
	      strlen(l->text));
	CHECK(u8_valid(l->text, l->len, &bad), "line %zu: invalid UTF-8 at byte %zu", i, bad);
	for (j = 0; j < l->len; j++) {
		unsigned char c = (unsigned char)l->text[j];

		CHECK(c >= 0x20 && c != 0x7f, "line %zu byte %zu: 0x%02x", i, j, c);
		CHECK(!(c == 0xc2 && j + 1 < l->len && (unsigned char)l->text[j + 1] >= 0x80 &&
		        (unsigned char)l->text[j + 1] <= 0x9f),
		      "line %zu byte %zu: C1 control", i, j);
	}
	for (j = 0; j < l->len; j += len) {
		len = u8_decode(l->text + j, l->len - j, &cp);
		CHECK(!u8_is_unsafe(cp) || cp == 0x200c || cp == 0x200d,
		      "line %zu byte %zu: unsafe U+%04X", i, j, (unsigned)cp);
		CHECK(wcwidth((wchar_t)cp) >= 0, "line %zu byte %zu: unprintable U+%04X", i, j,
		      (unsigned)cp);
	}
	CHECK(l->len == 0 || l->text[l->len - 1] != ' ', "line %zu: trailing space", i);
	w = (int)u8_width(l->text, l->len);
	CHECK(w == l->width, "line %zu: width field %d, text is %d columns", i, l->width, w);
	CHECK((l->flags & LL_SCROLL) || l->width <= width, "line %zu: %d columns at width %d",
	      i, l->width, width);
	CHECK(l->nspans == 0 || l->spans != NULL, "line %zu", i);
	for (k = 0; k < l->nspans; k++) {
		const layout_span *s = &l->spans[k];

		CHECK(s->off == at, "line %zu span %zu: starts at %u, previous ended at %zu", i, k,
		      s->off, at);
		CHECK((size_t)s->off + s->len <= l->len, "line %zu span %zu: past the end", i, k);
		CHECK(u8_valid(l->text + s->off, s->len, NULL),
		      "line %zu span %zu: cuts a character", i, k);
		CHECK(s->link >= -1 && (s->link < 0 || (size_t)s->link < d->nlinks),
		      "line %zu span %zu: link %d of %zu", i, k, s->link, d->nlinks);
		at += s->len;
	}
	CHECK(at == l->len, "line %zu: spans cover %zu of %zu bytes", i, at, l->len);
}

/* ESC only as "\x1b[" digits/semicolons "m"; returns the text without them. */
static void strip_sgr(const buf *ansi, buf *plain)
{
	size_t i = 0, n = ansi->len;
	const char *s = buf_cstr(ansi);

	while (i < n) {
		if (s[i] != '\033') {
			unsigned char c = (unsigned char)s[i];

			CHECK(c >= 0x20 || c == '\n', "ANSI output byte %zu: 0x%02x", i, c);
			buf_putc(plain, s[i++]);
			continue;
		}
		CHECK(i + 1 < n && s[i + 1] == '[', "ANSI output byte %zu: ESC not followed by '['",
		      i);
		i += 2;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
			i++;
		CHECK(i < n && s[i] == 'm', "ANSI output byte %zu: escape sequence is not SGR", i);
		i++;
	}
}

/* Big texts in pieces (markdown.c): the same text cut into pieces of a
 * few bytes' worth makes the same tree (md_parse), and printed piece by
 * piece (md_parse_each, layout_stream) the same lines and styles. */
struct pieces_out {
	layout_stream *ls;
	buf text, sty;
};

static int piece_out(void *ctx, const md_doc *piece)
{
	struct pieces_out *p = ctx;
	layout_doc *d = layout_stream_add(p->ls, piece);

	layout_to_text(d, &p->text);
	layout_to_styles(d, &p->sty);
	layout_free(d);
	return 0;
}

static void check_pieces(const char *md, size_t size, int flags, const layout_opts *o,
                         const md_doc *whole, const buf *text, const buf *sty)
{
	struct pieces_out p = {NULL, BUF_INIT, BUF_INIT};
	char *x1 = md_debug_xml(whole), *x2;
	md_doc *cut;

	md_parse_tune(1, 1 + size % 97);
	cut = md_parse(md, size, flags, NULL);
	x2 = md_debug_xml(cut);
	CHECK(strcmp(x1, x2) == 0, "the tree parsed in %d pieces differs", md_pieces(cut));
	p.ls = layout_stream_new(o, NULL);
	CHECK(md_parse_each(md, size, flags, piece_out, &p, NULL) == 0, "md_parse_each failed");
	CHECK(p.text.len == text->len && memcmp(buf_cstr(&p.text), buf_cstr(text), text->len) == 0,
	      "the text printed in pieces differs");
	CHECK(p.sty.len == sty->len && memcmp(buf_cstr(&p.sty), buf_cstr(sty), sty->len) == 0,
	      "the styles printed in pieces differ");
	md_parse_tune(0, 0);
	layout_stream_free(p.ls);
	buf_free(&p.text);
	buf_free(&p.sty);
	md_free(cut);
	free(x1);
	free(x2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	layout_opts o = {0};
	err_info e = {0};
	md_doc *doc;
	layout_doc *d;
	buf text = BUF_INIT, ansi = BUF_INIT, plain = BUF_INIT, sty = BUF_INIT;
	size_t i, j, nl, line_start;
	int width, opt;

	if (size < 2)
		return 0;
	width = 1 + data[0] % 200;
	opt = data[1];
	data += 2;
	size -= 2;

	doc = md_parse((const char *)data, size, (opt & 4) ? MD_FOOTNOTES : 0, &e);
	if (!doc) {
		CHECK(size > md_max_len() && e.code == ERR_USER, "md_parse failed: %s", e.msg);
		return 0;
	}
	o.width = width;
	o.page_exists = (opt & 1) ? some_exist : NULL;
	o.ascii = (opt & 2) != 0;
	o.split_graphemes = (opt & 16) != 0;
	d = layout_render(doc, &o, &e);
	CHECK(d != NULL, "layout_render failed: %s", e.msg);
	CHECK(d->width == width, "width %d, asked %d", d->width, width);

	for (i = 0; i < d->nlines; i++)
		check_line(d, i, width);
	for (i = 0; i < d->nlinks; i++) {
		const layout_link *k = &d->links[i];

		CHECK(k->kind == LK_PAGE || k->kind == LK_FRAGMENT || k->kind == LK_EXTERNAL,
		      "link %zu: kind %d", i, k->kind);
		CHECK(k->url != NULL, "link %zu", i);
		CHECK(k->kind != LK_PAGE || k->slug != NULL, "link %zu: page link without slug", i);
		CHECK(k->kind != LK_PAGE || !*k->slug || u8_is_slug(k->slug),
		      "link %zu: slug '%s' is not a slug", i, k->slug);
		CHECK(k->first_line <= k->last_line || k->first_line < 0,
		      "link %zu: lines %d..%d", i, k->first_line, k->last_line);
		CHECK(k->last_line < (int)d->nlines, "link %zu: line %d of %zu", i, k->last_line,
		      d->nlines);
	}
	for (i = 0; i < d->nheadings; i++) {
		const layout_heading *h = &d->headings[i];

		CHECK(h->level >= 1 && h->level <= 6, "heading %zu: level %d", i, h->level);
		CHECK(h->line >= 0 && (size_t)h->line < d->nlines, "heading %zu: line %d of %zu", i,
		      h->line, d->nlines);
		CHECK(h->anchor != NULL && h->text != NULL, "heading %zu", i);
		for (j = 0; j < i; j++)
			CHECK(!*h->anchor || strcmp(h->anchor, d->headings[j].anchor) != 0,
			      "headings %zu and %zu share the anchor '%s'", j, i, h->anchor);
	}
	CHECK(layout_find_src_line(d, 1 + (int)(size % 64)) <= d->nlines, "find_src_line");

	layout_to_text(d, &text);
	for (i = 0, nl = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.ptr[i];

		CHECK(c != 0x1b, "text output byte %zu: ESC", i);
		CHECK(c >= 0x20 || c == '\n', "text output byte %zu: 0x%02x", i, c);
		nl += c == '\n';
	}
	CHECK(nl == d->nlines, "text output: %zu lines, layout %zu", nl, d->nlines);

	layout_to_ansi(d, &ansi, (opt & 8) != 0);
	strip_sgr(&ansi, &plain);
	CHECK(plain.len == text.len && memcmp(buf_cstr(&plain), buf_cstr(&text), text.len) == 0,
	      "ANSI output without SGR differs from the text output");

	layout_to_styles(d, &sty);
	for (i = 0, line_start = 0, nl = 0; i < sty.len; i++) {
		if (sty.ptr[i] != '\n')
			continue;
		CHECK(nl < d->nlines, "style track: too many lines");
		CHECK((int)(i - line_start) == d->lines[nl].width,
		      "style track line %zu: %zu columns, line is %d", nl, i - line_start,
		      d->lines[nl].width);
		line_start = i + 1;
		nl++;
	}
	CHECK(nl == d->nlines, "style track: %zu lines, layout %zu", nl, d->nlines);
	if (opt & 32)
		check_pieces((const char *)data, size, (opt & 4) ? MD_FOOTNOTES : 0, &o, doc, &text,
		             &sty);

	buf_free(&text);
	buf_free(&ansi);
	buf_free(&plain);
	buf_free(&sty);
	layout_free(d);
	md_free(doc);
	return 0;
}
