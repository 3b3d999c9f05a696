/* libFuzzer target: Markdown -> the HTML of one page, through
 * export_page_html (the same tree rewriting and cleaning as export_html).
 *
 * Input: byte 0 holds options (bit 0: unsafe, raw HTML passed through;
 * bit 1: the pages in `existing` exist, else none does); the rest is the
 * page.  Invariants (abort on violation):
 *   - no C0 control other than TAB, LF and CR, no DEL, no C1 control, and
 *     valid UTF-8 (every file of the site passes the same cleaning);
 *   - without unsafe: no "<script" in any case (raw HTML is dropped);
 *   - no href or src whose value, decoded as a browser decodes it
 *     (entities; tabs, newlines and leading blanks/controls dropped;
 *     case folded), starts with javascript:, vbscript: or data: -- in
 *     unsafe mode only when the page has no '<' (then it has no raw HTML,
 *     which unsafe mode passes through on purpose). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"
#include "export.h"
#include "markdown.h"
#include "u8.h"

#define FUZZ_NAME "fuzz_export"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Slugs that exist when bit 1 is set: short ones a fuzzer finds, the
 * site's reserved names, and one too long for a file name. */
static char long_slug[260];
static const char *existing[] = {"a", "b", "home", "index", "search", "x-y",
                                 "getting-started", "talks", "über", long_slug, NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memset(long_slug, 'l', sizeof long_slug - 1);
	fuzz_need_utf8();
	return 0;
}

/* Decodes an attribute value as a browser would before it looks at the
 * scheme: character references, then TAB/LF/CR removed anywhere and C0
 * controls and spaces removed at the start; lower-cased. */
static void decode_attr(const char *v, size_t n, buf *out)
{
	size_t i = 0;

	while (i < n) {
		unsigned long cp = (unsigned char)v[i];
		size_t used = 1;

		if (v[i] == '&') {
			const char *p = v + i + 1, *end = v + n;
			char *q;

			if (p < end && *p == '#') {
				p++;
				if (p < end && (*p == 'x' || *p == 'X'))
					cp = strtoul(p + 1, &q, 16);
				else
					cp = strtoul(p, &q, 10);
				if (q > p && q <= end) {
					used = (size_t)(q - (v + i));
					if (q < end && *q == ';')
						used++;
				} else {
					cp = '&';
				}
			} else {
				static const struct { const char *name; char c; } named[] = {
				    {"colon;", ':'}, {"tab;", '\t'}, {"newline;", '\n'}, {"amp;", '&'},
				    {"lpar;", '('},  {"rpar;", ')'}, {"quot;", '"'},    {"#39;", '\''}};
				size_t k;

				for (k = 0; k < sizeof named / sizeof *named; k++) {
					size_t l = strlen(named[k].name);

					if ((size_t)(end - p) >= l && strncasecmp(p, named[k].name, l) == 0) {
						cp = (unsigned char)named[k].c;
						used = 1 + l;
						break;
					}
				}
			}
		}
		i += used;
		if (cp == '\t' || cp == '\n' || cp == '\r')
			continue;
		if (out->len == 0 && cp <= 0x20)
			continue;
		if (cp < 0x80)
			buf_putc(out, tolower((int)cp));
		else
			buf_putc(out, '?');
	}
}

static void check_url(const char *attr, const char *v, size_t n)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "data:"};
	buf dec = BUF_INIT;
	size_t k;

	decode_attr(v, n, &dec);
	for (k = 0; k < sizeof bad / sizeof *bad; k++)
		CHECK(strncmp(buf_cstr(&dec), bad[k], strlen(bad[k])) != 0, "%s=\"%.*s\"", attr,
		      (int)n, v);
	buf_free(&dec);
}

/* Walks every tag's attributes (text never holds a raw '<': cmark and
 * docday escape it) and checks each href and src. */
static void check_urls(const char *html, size_t n)
{
	const char *p = html, *end = html + n, *name, *v;
	size_t nl, vl;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		while (p < end && !strchr(" \t\n\r>", *p))
			p++; /* the tag name */
		for (;;) {
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
			                   *p == '/'))
				p++;
			if (p >= end || *p == '>')
				break;
			name = p;
			while (p < end && !strchr(" \t\n\r=>/", *p))
				p++;
			nl = (size_t)(p - name);
			if (p >= end || *p != '=')
				continue;
			p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

				v = p + 1;
				q = q ? q : end;
				vl = (size_t)(q - v);
				p = q < end ? q + 1 : end;
			} else {
				v = p;
				while (p < end && !strchr(" \t\n\r>", *p))
					p++;
				vl = (size_t)(p - v);
			}
			if ((nl == 4 && strncasecmp(name, "href", 4) == 0) ||
			    (nl == 3 && strncasecmp(name, "src", 3) == 0))
				check_url(nl == 4 ? "href" : "src", v, vl);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	err_info e = {0};
	buf out = BUF_INIT;
	size_t i, bad = 0;
	int unsafe, rc;

	if (size < 1)
		return 0;
	unsafe = data[0] & 1;
	rc = export_page_html((const char *)data + 1, size - 1, (data[0] & 2) ? existing : NULL,
	                      unsafe, &out, &e);
	if (rc < 0) {
		CHECK(size - 1 > md_max_len(), "export_page_html failed: %s", e.msg);
		return 0;
	}
	CHECK(out.len > 0, "empty output");
	CHECK(strlen(buf_cstr(&out)) == out.len, "NUL in the output");
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.ptr[i];

		CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r', "byte %zu: 0x%02x", i, c);
		CHECK(c != 0x7f, "byte %zu: DEL", i);
		CHECK(!(c == 0xc2 && i + 1 < out.len && (unsigned char)out.ptr[i + 1] >= 0x80 &&
		        (unsigned char)out.ptr[i + 1] <= 0x9f),
		      "byte %zu: C1 control", i);
	}
	CHECK(u8_valid(out.ptr, out.len, &bad), "invalid UTF-8 at byte %zu", bad);
	if (!unsafe)
		CHECK(!strcasestr(out.ptr, "<script"), "<script in safe mode");
	if (!unsafe || !memchr(data + 1, '<', size - 1))
		check_urls(out.ptr, out.len);
	buf_free(&out);
	return 0;
}
