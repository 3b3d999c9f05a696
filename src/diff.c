/* diff: libgit2's line diff turned into plain data, unified text and counts;
 * word-level ranges inside replaced runs (see diff.h for the rules). */
#include "diff.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "gitlib.h"
#include "u8.h"

/* Line diffs slide changes to where a person would put them, as
 * `git diff` does by default (diff.indentHeuristic); token diffs do not. */
#define LINE_FLAGS GIT_DIFF_INDENT_HEURISTIC

static int lib_ready;
static locale_t word_locale; /* for classifying word characters */
static int word_locale_tried;

int diff_lib_init(err_info *e)
{
	if (lib_ready)
		return 0;
	if (gitlib_open(e) < 0)
		return -1;
	git_libgit2_init();
	lib_ready = 1;
	return 0;
}

void diff_lib_shutdown(void)
{
	if (lib_ready) {
		git_libgit2_shutdown();
		lib_ready = 0;
	}
	if (word_locale)
		freelocale(word_locale);
	word_locale = (locale_t)0;
	word_locale_tried = 0;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("docday: out of memory\n", stderr);
		abort();
	}
	return q;
}

/* Grows an array of `size`-byte items so that it holds at least `need`. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size)
		abort();
	*cap = n;
	return xrealloc(p, n * size);
}

static int lib_error(err_info *e, const char *what)
{
	const git_error *ge = git_error_last();

	return err_set(e, ERR_USER, "%s: %s", what,
	               ge && ge->message ? ge->message : "libgit2 failed");
}

static size_t count_lines(const char *s, size_t n)
{
	size_t lines = 1;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

/* The patch between two buffers, libgit2's binary guess switched off. */
static int make_patch(git_patch **p, const char *a, size_t alen, const char *b, size_t blen,
                      int context, uint32_t gflags, err_info *e)
{
	git_diff_options o;
	size_t whole;

	*p = NULL;
	if (alen > DIFF_MAX_TEXT || blen > DIFF_MAX_TEXT)
		return err_set(e, ERR_USER, "text too large to compare (over 1 GiB)");
	if (diff_lib_init(e) < 0)
		return -1;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_FORCE_TEXT | gflags;
	o.max_size = -1;
	o.interhunk_lines = 0;
	if (context < 0) {
		whole = count_lines(a ? a : "", alen);
		if (count_lines(b ? b : "", blen) > whole)
			whole = count_lines(b ? b : "", blen);
		o.context_lines = (uint32_t)whole;
	} else {
		o.context_lines = (uint32_t)context;
	}
	if (git_patch_from_buffers(p, a ? a : "", alen, "a", b ? b : "", blen, "b", &o) < 0)
		return lib_error(e, "cannot compare the texts");
	return 0;
}

/* --- building the result ------------------------------------------------ */

typedef struct builder {
	diff_result *d;
	size_t cap_lines, cap_hunks, cap_ranges, nranges;
	size_t cap_text_off, cap_hdr_off;
	buf pool;           /* line texts and hunk headers, each NUL-terminated */
	size_t *text_off;   /* per line: offset of its text in pool */
	size_t *hdr_off;    /* per hunk: offset of its header in pool */
	size_t *word_first; /* per line: index of its first range */
	diff_range *ranges;
} builder;

static size_t pool_add(builder *bd, const char *s, size_t n)
{
	size_t off = bd->pool.len;

	buf_put(&bd->pool, s, n);
	buf_putc(&bd->pool, '\0');
	return off;
}

static void add_line(builder *bd, const git_diff_line *gl)
{
	diff_result *d = bd->d;
	diff_line *l;
	size_t n = gl->content_len;

	d->lines = grow(d->lines, &bd->cap_lines, d->nlines + 1, sizeof *d->lines);
	bd->text_off = grow(bd->text_off, &bd->cap_text_off, d->nlines + 1, sizeof *bd->text_off);
	l = &d->lines[d->nlines];
	memset(l, 0, sizeof *l);
	l->origin = gl->origin;
	l->old_no = gl->old_lineno > 0 ? gl->old_lineno : 0;
	l->new_no = gl->new_lineno > 0 ? gl->new_lineno : 0;
	if (n > 0 && gl->content[n - 1] == '\n')
		n--;
	else
		l->no_eol = 1;
	l->len = n;
	bd->text_off[d->nlines] = pool_add(bd, gl->content, n);
	d->nlines++;
	if (gl->origin == '+')
		d->added++;
	else if (gl->origin == '-')
		d->removed++;
}

static void add_hunk(builder *bd, const git_diff_hunk *gh)
{
	diff_result *d = bd->d;
	diff_hunk *h;
	size_t n = gh->header_len;

	d->hunks = grow(d->hunks, &bd->cap_hunks, d->nhunks + 1, sizeof *d->hunks);
	bd->hdr_off = grow(bd->hdr_off, &bd->cap_hdr_off, d->nhunks + 1, sizeof *bd->hdr_off);
	h = &d->hunks[d->nhunks];
	memset(h, 0, sizeof *h);
	h->old_start = gh->old_start;
	h->old_lines = gh->old_lines;
	h->new_start = gh->new_start;
	h->new_lines = gh->new_lines;
	while (n > 0 && (gh->header[n - 1] == '\n' || gh->header[n - 1] == '\r'))
		n--;
	bd->hdr_off[d->nhunks] = pool_add(bd, gh->header, n);
	h->first = d->nlines;
	d->nhunks++;
}

static int collect(builder *bd, git_patch *p, int flags, err_info *e)
{
	size_t nh = git_patch_num_hunks(p);

	for (size_t h = 0; h < nh; h++) {
		const git_diff_hunk *gh;
		size_t nl;

		if (git_patch_get_hunk(&gh, &nl, p, h) < 0)
			return lib_error(e, "cannot read the diff");
		add_hunk(bd, gh);
		if (flags & DIFF_HUNKS_ONLY)
			continue;
		for (size_t i = 0; i < nl; i++) {
			const git_diff_line *gl;

			if (git_patch_get_line_in_hunk(&gl, p, h, i) < 0)
				return lib_error(e, "cannot read the diff");
			/* '=', '<', '>' only say "no newline at end"; no_eol has it. */
			if (gl->origin == ' ' || gl->origin == '+' || gl->origin == '-')
				add_line(bd, gl);
		}
		bd->d->hunks[bd->d->nhunks - 1].count =
		        bd->d->nlines - bd->d->hunks[bd->d->nhunks - 1].first;
	}
	if (flags & DIFF_HUNKS_ONLY) {
		size_t ctx, add, del;

		if (git_patch_line_stats(&ctx, &add, &del, p) < 0)
			return lib_error(e, "cannot count the changes");
		bd->d->added = (int)add;
		bd->d->removed = (int)del;
	}
	return 0;
}

/* --- word-level ranges --------------------------------------------------- */

enum tok_class { T_WORD, T_SPACE, T_SINGLE, T_MARK };

typedef struct token {
	size_t line; /* index into diff_result.lines */
	size_t off;  /* byte offset in the line's text */
	size_t len;  /* 0 for the line-break token */
	int cls;
} token;

typedef struct toklist {
	token *t;
	size_t n, cap;
	buf text; /* the tokens, one per line */
} toklist;

/* A private C.UTF-8 locale: word boundaries must not depend on LANG. */
static locale_t ctype_locale(void)
{
	if (!word_locale_tried) {
		word_locale_tried = 1;
		word_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (!word_locale)
			word_locale = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	}
	return word_locale;
}

/* Marks that belong to the character before them. */
static int is_mark(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200D ||
	       (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
	       (cp >= 0x3099 && cp <= 0x309A);
}

/* Scripts written without spaces between words: one token per character. */
static int is_unspaced(uint32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) || /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) || /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF) || /* Khmer */
	       (cp >= 0x2E80 && cp <= 0x2FDF) || /* CJK radicals, Kangxi */
	       (cp >= 0x3000 && cp <= 0x31FF) || /* CJK punctuation, kana, bopomofo */
	       (cp >= 0x3400 && cp <= 0x4DBF) || /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) || /* CJK unified ideographs */
	       (cp >= 0xF900 && cp <= 0xFAFF) || /* CJK compatibility */
	       (cp >= 0xFF66 && cp <= 0xFF9F) || /* half-width katakana */
	       (cp >= 0x20000 && cp <= 0x3FFFF); /* CJK extensions B.. */
}

static int char_class(uint32_t cp)
{
	locale_t loc;

	if (cp < 0x80) {
		uint32_t lower = cp | 0x20;

		if (cp == '_' || (cp >= '0' && cp <= '9') || (lower >= 'a' && lower <= 'z'))
			return T_WORD;
		return (cp == ' ' || (cp >= '\t' && cp <= '\r')) ? T_SPACE : T_SINGLE;
	}
	if (is_mark(cp))
		return T_MARK;
	if (is_unspaced(cp) || cp == 0xFFFD)
		return T_SINGLE;
	loc = ctype_locale();
	if (!loc)
		return T_WORD;
	if (iswspace_l((wint_t)cp, loc))
		return T_SPACE;
	return iswalnum_l((wint_t)cp, loc) ? T_WORD : T_SINGLE;
}

static void tok_push(toklist *tl, size_t line, const char *s, size_t off, size_t len, int cls)
{
	token *t;

	tl->t = grow(tl->t, &tl->cap, tl->n + 1, sizeof *tl->t);
	t = &tl->t[tl->n++];
	t->line = line;
	t->off = off;
	t->len = len;
	t->cls = cls;
	buf_put(&tl->text, s + off, len);
	buf_putc(&tl->text, '\n');
}

/* Cuts one line into tokens (see diff.h), then adds its line-break token. */
static void tokenize_line(toklist *tl, size_t line, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp, prev;
		size_t start = i;
		int cls;

		i += u8_decode(s + i, n - i, &cp);
		cls = char_class(cp);
		if (cls == T_MARK)
			cls = T_SINGLE;
		prev = cp;
		while (i < n) {
			size_t k = u8_decode(s + i, n - i, &cp);
			int c = char_class(cp);

			/* marks join the token; so does the character after a ZWJ */
			if (c != T_MARK && prev != 0x200D && (cls == T_SINGLE || c != cls))
				break;
			i += k;
			prev = cp;
		}
		tok_push(tl, line, s, start, i - start, cls);
	}
	tok_push(tl, line, s, n, 0, T_SPACE);
}

static void tokenize_block(toklist *tl, const diff_result *d, const builder *bd, size_t from,
                           size_t to)
{
	for (size_t i = from; i < to; i++)
		tokenize_line(tl, i, bd->pool.ptr + bd->text_off[i], d->lines[i].len);
}

/* Sets changed[i] for every token of the two lists that the token diff
 * reports as deleted (side 0) or added (side 1). */
static int mark_changed(const toklist *old, const toklist *new, char *chg_old, char *chg_new,
                        err_info *e)
{
	git_patch *p;
	size_t nh;

	if (make_patch(&p, old->text.ptr, old->text.len, new->text.ptr, new->text.len, 0, 0, e) < 0)
		return -1;
	nh = git_patch_num_hunks(p);
	for (size_t h = 0; h < nh; h++) {
		const git_diff_hunk *gh;
		size_t nl;

		if (git_patch_get_hunk(&gh, &nl, p, h) < 0) {
			git_patch_free(p);
			return lib_error(e, "cannot read the word diff");
		}
		for (int k = 0; k < gh->old_lines; k++)
			chg_old[gh->old_start - 1 + k] = 1;
		for (int k = 0; k < gh->new_lines; k++)
			chg_new[gh->new_start - 1 + k] = 1;
	}
	git_patch_free(p);
	return 0;
}

static void push_range(builder *bd, diff_line *l, size_t off, size_t len)
{
	diff_range *r;

	bd->ranges = grow(bd->ranges, &bd->cap_ranges, bd->nranges + 1, sizeof *bd->ranges);
	r = &bd->ranges[bd->nranges++];
	r->off = off;
	r->len = len;
	l->nwords++;
}

/* Turns the changed tokens of each line into ranges, joining two ranges
 * with only unchanged white space between them. */
static void ranges_from_tokens(builder *bd, const toklist *tl, const char *chg)
{
	size_t i = 0;

	while (i < tl->n) {
		size_t line = tl->t[i].line;
		diff_line *l = &bd->d->lines[line];
		size_t cur_off = 0, cur_end = 0;
		int have = 0, joinable = 0;

		l->word_diff = 1;
		bd->word_first[line] = bd->nranges;
		for (; i < tl->n && tl->t[i].line == line; i++) {
			const token *t = &tl->t[i];

			if (t->len == 0)
				continue;
			if (chg[i]) {
				if (!(have && joinable)) {
					if (have)
						push_range(bd, l, cur_off, cur_end - cur_off);
					cur_off = t->off;
					have = 1;
				}
				cur_end = t->off + t->len;
				joinable = 1;
			} else if (t->cls != T_SPACE) {
				joinable = 0;
			}
		}
		if (have)
			push_range(bd, l, cur_off, cur_end - cur_off);
	}
}

static int word_run(builder *bd, size_t from, size_t mid, size_t to, err_info *e)
{
	toklist old = { 0 }, new = { 0 };
	char *chg_old = NULL, *chg_new = NULL;
	int rc = 0;

	tokenize_block(&old, bd->d, bd, from, mid);
	tokenize_block(&new, bd->d, bd, mid, to);
	if (old.n <= DIFF_WORD_LIMIT && new.n <= DIFF_WORD_LIMIT) {
		chg_old = calloc(old.n, 1);
		chg_new = calloc(new.n, 1);
		if (!chg_old || !chg_new)
			abort();
		rc = mark_changed(&old, &new, chg_old, chg_new, e);
		if (rc == 0) {
			ranges_from_tokens(bd, &old, chg_old);
			ranges_from_tokens(bd, &new, chg_new);
		}
	}
	free(chg_old);
	free(chg_new);
	free(old.t);
	free(new.t);
	buf_free(&old.text);
	buf_free(&new.text);
	return rc;
}

/* Finds the replaced runs of every hunk: '-' lines directly followed by
 * '+' lines. */
static int word_ranges(builder *bd, err_info *e)
{
	diff_result *d = bd->d;
	size_t cap = 0;

	bd->word_first = grow(NULL, &cap, d->nlines + 1, sizeof *bd->word_first);
	for (size_t h = 0; h < d->nhunks; h++) {
		size_t i = d->hunks[h].first, end = i + d->hunks[h].count;

		while (i < end) {
			size_t from = i, mid, to;

			if (d->lines[i].origin != '-') {
				i++;
				continue;
			}
			while (i < end && d->lines[i].origin == '-')
				i++;
			mid = i;
			while (i < end && d->lines[i].origin == '+')
				i++;
			to = i;
			if (to > mid && word_run(bd, from, mid, to, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* Points the lines, headers and ranges into the pools, now that the pools
 * no longer move. */
static void finish(builder *bd)
{
	diff_result *d = bd->d;

	d->text_pool = buf_detach(&bd->pool);
	d->range_pool = bd->ranges;
	bd->ranges = NULL;
	for (size_t i = 0; i < d->nlines; i++) {
		d->lines[i].text = d->text_pool + bd->text_off[i];
		if (d->lines[i].word_diff)
			d->lines[i].words = d->range_pool + bd->word_first[i];
	}
	for (size_t h = 0; h < d->nhunks; h++)
		d->hunks[h].header = d->text_pool + bd->hdr_off[h];
}

static void builder_free(builder *bd)
{
	buf_free(&bd->pool);
	free(bd->text_off);
	free(bd->hdr_off);
	free(bd->word_first);
	free(bd->ranges);
}

diff_result *diff_texts(const char *a, size_t alen, const char *b, size_t blen, int context,
                        int flags, err_info *e)
{
	builder bd = { 0 };
	git_patch *p;
	int rc;

	if (make_patch(&p, a, alen, b, blen, context, LINE_FLAGS, e) < 0)
		return NULL;
	bd.d = xrealloc(NULL, sizeof *bd.d);
	memset(bd.d, 0, sizeof *bd.d);
	rc = collect(&bd, p, flags, e);
	git_patch_free(p);
	if (rc == 0 && (flags & DIFF_WORDS) && !(flags & DIFF_HUNKS_ONLY))
		rc = word_ranges(&bd, e);
	if (rc < 0) {
		diff_free(bd.d);
		builder_free(&bd);
		return NULL;
	}
	finish(&bd);
	builder_free(&bd);
	return bd.d;
}

void diff_free(diff_result *d)
{
	if (!d)
		return;
	free(d->hunks);
	free(d->lines);
	free(d->text_pool);
	free(d->range_pool);
	free(d);
}

/* --- unified text and counts -------------------------------------------- */

static void put_label(buf *out, const char *prefix, const char *label)
{
	const char *s = label ? label : "";

	buf_puts(out, prefix);
	for (; *s; s++)
		buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	if (strchr(label ? label : "", ' '))
		buf_putc(out, '\t');
	buf_putc(out, '\n');
}

int diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
                 const char *label_b, int context, buf *out, err_info *e)
{
	diff_result *d = diff_texts(a, alen, b, blen, context < 0 ? 3 : context, 0, e);

	if (!d)
		return -1;
	if (d->nhunks > 0) {
		put_label(out, "--- a/", label_a);
		put_label(out, "+++ b/", label_b);
	}
	for (size_t h = 0; h < d->nhunks; h++) {
		const diff_hunk *hk = &d->hunks[h];

		buf_puts(out, hk->header);
		buf_putc(out, '\n');
		for (size_t i = hk->first; i < hk->first + hk->count; i++) {
			const diff_line *l = &d->lines[i];

			buf_putc(out, l->origin);
			buf_put(out, l->text, l->len);
			buf_putc(out, '\n');
			if (l->no_eol)
				buf_puts(out, "\\ No newline at end of file\n");
		}
	}
	diff_free(d);
	return 0;
}

int diff_stat(const char *a, size_t alen, const char *b, size_t blen, int *added, int *removed,
              err_info *e)
{
	git_patch *p;
	size_t ctx, add, del;

	if (make_patch(&p, a, alen, b, blen, 0, LINE_FLAGS, e) < 0)
		return -1;
	if (git_patch_line_stats(&ctx, &add, &del, p) < 0) {
		git_patch_free(p);
		return lib_error(e, "cannot count the changes");
	}
	git_patch_free(p);
	if (added)
		*added = (int)add;
	if (removed)
		*removed = (int)del;
	return 0;
}
