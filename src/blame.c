/* blame: carries each line's origin revision forward through the line
 * diffs of consecutive revisions (see blame.h for the rule). */
#include "blame.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* Lines as xdiff counts them: "" has none, "a" and "a\n" one each. */
static size_t count_lines(const char *s, size_t n)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines + (n > 0 && s[n - 1] != '\n');
}

static size_t *alloc_origins(size_t n)
{
	size_t *o = malloc((n ? n : 1) * sizeof *o);

	if (!o)
		abort();
	return o;
}

/* Origins of the lines of `to`, from those of `from` (nold lines) and the
 * zero-context hunks between them; changed lines get `k`. */
static void carry(const size_t *old, size_t nold, size_t *new, size_t nnew, const diff_result *d,
                  size_t k)
{
	size_t j = 1;        /* next line of the new text, 1-based */
	long long delta = 0; /* old line number - new line number outside hunks */

	for (size_t h = 0; h <= d->nhunks; h++) {
		size_t limit = nnew + 1, changed = 0;

		if (h < d->nhunks) {
			const diff_hunk *hk = &d->hunks[h];

			/* with no new lines, new_start names the line before the gap */
			limit = (size_t)hk->new_start + (hk->new_lines == 0);
			changed = (size_t)hk->new_lines;
		}
		for (; j < limit && j <= nnew; j++) {
			long long o = (long long)j + delta;

			new[j - 1] = (o >= 1 && (size_t)o <= nold) ? old[o - 1] : k;
		}
		for (size_t c = 0; c < changed && j <= nnew; c++, j++)
			new[j - 1] = k;
		if (h < d->nhunks)
			delta += d->hunks[h].old_lines - d->hunks[h].new_lines;
	}
}

static void fill_lines(const blame_rev *revs, const blame_rev *last, const size_t *origin,
                       blame_result *out)
{
	const char *p, *end;

	if (out->nlines == 0)
		return;
	p = last->text;
	end = last->text + last->len;
	for (size_t i = 0; i < out->nlines; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		blame_line *l = &out->lines[i];
		const blame_rev *r = &revs[origin[i]];

		l->rev = origin[i];
		l->num = r->num;
		l->author = r->author;
		l->at_ms = r->at_ms;
		l->off = (size_t)(p - last->text);
		l->len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl ? nl + 1 : end;
	}
}

int blame_compute(const blame_rev *revs, size_t nrevs, blame_result *out, err_info *e)
{
	size_t *origin, n;

	memset(out, 0, sizeof *out);
	if (nrevs == 0)
		return 0;
	n = count_lines(revs[0].text, revs[0].len);
	origin = alloc_origins(n);
	for (size_t i = 0; i < n; i++)
		origin[i] = 0;
	for (size_t k = 1; k < nrevs; k++) {
		const blame_rev *a = &revs[k - 1], *b = &revs[k];
		size_t m = count_lines(b->text, b->len);
		size_t *next;
		diff_result *d;

		if (a->len == b->len && (a->len == 0 || memcmp(a->text, b->text, a->len) == 0))
			continue;
		d = diff_texts(a->text, a->len, b->text, b->len, 0, DIFF_HUNKS_ONLY, e);
		if (!d) {
			free(origin);
			return -1;
		}
		next = alloc_origins(m);
		carry(origin, n, next, m, d, k);
		diff_free(d);
		free(origin);
		origin = next;
		n = m;
	}
	out->nlines = n;
	out->lines = calloc(n ? n : 1, sizeof *out->lines);
	if (!out->lines)
		abort();
	fill_lines(revs, &revs[nrevs - 1], origin, out);
	free(origin);
	return 0;
}

void blame_result_clear(blame_result *r)
{
	if (!r)
		return;
	free(r->lines);
	memset(r, 0, sizeof *r);
}
