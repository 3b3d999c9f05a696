/* libFuzzer target: merge_three (src/merge.h).
 *
 * Byte 0, bit 0 picks the mode.
 *
 * Split mode (bit 0 set): the rest is cut into base, ours and theirs at
 * the first two 0xFF bytes (missing parts are empty).  Invariants: a text
 * with a NUL is refused with ERR_USER and an empty result, any other input
 * merges (rc 0); the result is NUL-terminated at len; clean <=> no
 * conflicts; a conflicted result has marker lines (merge_has_markers);
 * when one side equals the base, or both sides are equal, the merge is
 * clean and gives the other side (the plain three-way rules).
 *
 * Edit mode (bit 0 clear): the rest, cut into lines, becomes the base --
 * each line prefixed with its number so that every line is unique and the
 * diffs are unambiguous.  Bytes 1 and 2 place one edit each for ours and
 * theirs (replace a line, insert one, delete one, or nothing), at least
 * four lines apart.  Such a merge must be clean and equal the base with
 * both edits applied (so it holds both sides' changed lines). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "merge.h"

#define FUZZ_NAME "fuzz_merge"
#include "fuzz.h"

#define MAX_LINES 400
#define GAP 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(int rc, const merge_result *m, const err_info *e)
{
	CHECK(rc == 0, "merge failed: %s", e->msg);
	CHECK(m->text != NULL, "no text");
	CHECK(m->text[m->len] == '\0', "not NUL-terminated at len %zu", m->len);
	CHECK(m->clean == 0 || m->clean == 1, "clean %d", m->clean);
	CHECK(m->clean ? m->conflicts == 0 : m->conflicts > 0, "clean %d, conflicts %d", m->clean,
	      m->conflicts);
	CHECK(m->clean || merge_has_markers(m->text, m->len, NULL),
	      "a conflicted merge without marker lines");
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void split_mode(const char *s, size_t n)
{
	const char *part[3] = {s, s + n, s + n};
	size_t len[3] = {n, 0, 0}, i;
	merge_result m = {0};
	err_info e = {0};
	int rc, has_nul = 0;

	for (i = 0; i < 2; i++) {
		const char *sep = memchr(part[i], 0xff, len[i]);

		if (!sep)
			break;
		part[i + 1] = sep + 1;
		len[i + 1] = (size_t)(part[i] + len[i] - (sep + 1));
		len[i] = (size_t)(sep - part[i]);
	}
	for (i = 0; i < 3; i++)
		has_nul |= len[i] && memchr(part[i], 0, len[i]) != NULL;
	rc = merge_three(part[0], len[0], part[1], len[1], part[2], len[2], "ours\x1b", NULL, &m,
	                 &e);
	if (has_nul) {
		CHECK(rc < 0 && e.code == ERR_USER, "a text with NUL: rc %d code %d", rc, e.code);
		CHECK(m.text == NULL && m.len == 0, "a refused merge left a result");
		return;
	}
	check_result(rc, &m, &e);
	CHECK(!memchr(m.text, 0x1b, m.len) || memchr(s, 0x1b, n),
	      "the label's control character reached the text");
	if (same(part[0], len[0], part[1], len[1]) || same(part[1], len[1], part[2], len[2])) {
		CHECK(m.clean, "ours == base or ours == theirs, yet a conflict");
		CHECK(same(m.text, m.len, part[2], len[2]), "the result is not theirs");
	} else if (same(part[0], len[0], part[2], len[2])) {
		CHECK(m.clean, "theirs == base, yet a conflict");
		CHECK(same(m.text, m.len, part[1], len[1]), "the result is not ours");
	}
	merge_result_clear(&m);
}

enum { E_NONE, E_REPLACE, E_INSERT, E_DELETE };

/* Appends base lines [0, nlines) with one edit at `at` (insert: before it;
 * at == nlines inserts at the end). */
static void build(buf *out, char **line, size_t nlines, int kind, size_t at, const char *who,
                  int kind2, size_t at2, const char *who2, int last_nl)
{
	size_t i;

	for (i = 0; i <= nlines; i++) {
		int k = i == at ? kind : i == at2 ? kind2 : E_NONE;
		const char *w = i == at ? who : who2;

		if (k == E_INSERT)
			buf_printf(out, "%s inserted before line %zu\n", w, i);
		if (i == nlines)
			break;
		if (k == E_REPLACE)
			buf_printf(out, "%s changed line %zu\n", w, i);
		else if (k != E_DELETE)
			buf_puts(out, line[i]);
	}
	/* Without a final newline (neither edit is near the end). */
	if (!last_nl && out->len && out->ptr[out->len - 1] == '\n')
		buf_truncate(out, out->len - 1);
}

static void edit_mode(const uint8_t *p, size_t n)
{
	char *line[MAX_LINES];
	size_t nlines = 0, i = 0, start, at_o, at_t;
	int ko, kt, last_nl;
	buf base = BUF_INIT, ours = BUF_INIT, theirs = BUF_INIT, want = BUF_INIT, l = BUF_INIT;
	merge_result m = {0};
	err_info e = {0};
	uint8_t a, b;

	if (n < 2)
		return;
	a = p[0];
	b = p[1];
	p += 2;
	n -= 2;
	while (nlines < MAX_LINES && (i < n || nlines < 2 * GAP + 2)) {
		buf_truncate(&l, 0);
		buf_printf(&l, "L%zu: ", nlines);
		for (start = i; i < n && p[i] != '\n'; i++)
			buf_putc(&l, p[i] ? (char)p[i] : ' ');
		i += i < n; /* the newline */
		(void)start;
		buf_putc(&l, '\n');
		line[nlines++] = buf_detach(&l);
	}
	ko = a & 3;
	kt = (a >> 2) & 3;
	/* Ours at or before theirs, or the other way round (bit 4). */
	at_o = (size_t)b % (nlines - GAP);
	at_t = at_o + GAP + (size_t)(a >> 5) % (nlines - GAP - at_o + (kt == E_INSERT));
	if (at_t > nlines || (at_t == nlines && kt != E_INSERT))
		kt = E_NONE;
	if (a & 16) {
		size_t t = at_o;
		int k = ko;

		at_o = at_t, at_t = t;
		ko = kt, kt = k;
		if (at_o == nlines && ko != E_INSERT)
			ko = E_NONE;
	}
	last_nl = !(b & 0x80) ? 1 : 0;
	if ((ko != E_NONE && at_o + GAP > nlines) || (kt != E_NONE && at_t + GAP > nlines))
		last_nl = 1;
	build(&base, line, nlines, E_NONE, SIZE_MAX, "", E_NONE, SIZE_MAX, "", last_nl);
	build(&ours, line, nlines, ko, at_o, "ours", E_NONE, SIZE_MAX, "", last_nl);
	build(&theirs, line, nlines, kt, at_t, "theirs", E_NONE, SIZE_MAX, "", last_nl);
	build(&want, line, nlines, ko, at_o, "ours", kt, at_t, "theirs", last_nl);

	check_result(merge_three(base.ptr, base.len, ours.ptr, ours.len, theirs.ptr, theirs.len,
	                         NULL, NULL, &m, &e),
	             &m, &e);
	CHECK(m.clean, "edits %d at line %zu and %d at line %zu of %zu conflict:\n%s", ko, at_o,
	      kt, at_t, nlines, m.text);
	CHECK(same(m.text, m.len, buf_cstr(&want), want.len),
	      "edits %d at line %zu and %d at line %zu of %zu: wrong merge:\n%s\n--- want:\n%s", ko,
	      at_o, kt, at_t, nlines, m.text, buf_cstr(&want));
	merge_result_clear(&m);
	for (i = 0; i < nlines; i++)
		free(line[i]);
	buf_free(&base);
	buf_free(&ours);
	buf_free(&theirs);
	buf_free(&want);
	buf_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		split_mode((const char *)data + 1, size - 1);
	else
		edit_mode(data + 1, size - 1);
	return 0;
}
