/* textbuf: the editing model (see textbuf.h).  Lines are separately
 * allocated byte arrays in one vector -- kilo's erow, with the display row
 * derived on demand by the wrapper below instead of stored -- and the undo
 * history is a vector of byte-level inverse operations grouped into steps.
 * Characters (code point plus joined marks) are found by scanning forward
 * from a point known to start one, so moving left and moving right always
 * agree on where characters begin. */
#include "textbuf.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "buf.h"
#include "u8.h"

typedef struct line {
	char *s; /* NULL while empty and never grown */
	size_t len;
	size_t cap;
} line;

enum urec_kind { U_INS, U_DEL };

/* One recorded edit: `text` was inserted at, or deleted from, `at`. */
typedef struct urec {
	int kind;
	int oneline;        /* text has no '\n' (what runs may extend) */
	unsigned long step; /* the records of one undo step share this */
	tb_pos at;
	buf text;
	tb_pos before; /* cursor before the edit (undo puts it back) */
	tb_pos after;  /* cursor after the step (redo puts it back) */
} urec;

/* The kind of the previous call: typing, Backspace, Delete and cut runs
 * continue only while calls of the same kind follow each other. */
enum op { OP_NONE, OP_MOVE, OP_VMOVE, OP_TYPE, OP_BACK, OP_DEL, OP_CUT, OP_EDIT };

/* How an edit is recorded. */
enum rec_mode {
	R_STEP, /* a new record in the current step (the caller began it) */
	R_NEW,  /* a new record in a new step */
	R_TYPE, /* extend the newest insertion when adjacent, else R_NEW */
	R_BACK, /* prepend to the newest Backspace deletion, else R_NEW */
	R_FWD,  /* append to the newest Delete deletion, else R_NEW */
};

#define UNDO_LIMIT_DEFAULT ((size_t)64 << 20)

struct textbuf {
	line *l;
	size_t n, cap;
	tb_pos cur;
	int goal_set;   /* a run of vertical moves is under way */
	size_t goal;    /* its column (within the row when wrapping) */
	int goal_width; /* the width it was taken at, 0 = unwrapped */
	int has_mark;
	tb_pos mark;
	buf cut;
	int cut_lines; /* the cut buffer holds whole lines (Ctrl-K) */
	int last_op, prev_op;
	urec *u;
	size_t nu, ucap;
	size_t nundo; /* u[0..nundo) are applied, u[nundo..nu) can be redone */
	unsigned long step;
	size_t saved;   /* nundo at the last save */
	int saved_lost; /* the saved state can no longer be reached */
	size_t ubytes;  /* memory held by the history, bytes */
	size_t ulimit;
};

/* ---- memory ---- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("docday: out of memory\n", stderr);
		abort();
	}
	return q;
}

static size_t grow_cap(size_t cap, size_t need, size_t min)
{
	if (!cap)
		cap = min;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	return cap;
}

static void *grow_array(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = grow_cap(*cap, need, 16);
	if (*cap > ((size_t)-1) / size)
		abort();
	return xrealloc(p, *cap * size);
}

/* ---- characters ---- */

/* Word characters are classified in C.UTF-8 whatever the user's LANG, as
 * u8_slug does. */
static locale_t utf8_locale(void)
{
	static locale_t loc;

	if (!loc) {
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (!loc)
			loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	}
	return loc;
}

static int bad_cp(uint32_t cp, size_t k)
{
	return cp == 0xFFFD && k == 1;
}

static int is_ri(uint32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* Extended_Pictographic, roughly: what a ZWJ joins in an emoji sequence. */
static int is_pict(uint32_t cp)
{
	static const uint32_t r[][2] = {
		{ 0xA9, 0xA9 },       { 0xAE, 0xAE },     { 0x203C, 0x203C }, { 0x2049, 0x2049 },
		{ 0x2122, 0x2122 },   { 0x2139, 0x2139 }, { 0x2194, 0x21AA }, { 0x231A, 0x23FF },
		{ 0x24C2, 0x24C2 },   { 0x25AA, 0x25FE }, { 0x2600, 0x27BF }, { 0x2934, 0x2935 },
		{ 0x2B05, 0x2B55 },   { 0x3030, 0x3030 }, { 0x303D, 0x303D }, { 0x3297, 0x3299 },
		{ 0x1F000, 0x1FFFD },
	};
	size_t i;

	if (cp < 0xA9 || is_ri(cp))
		return 0;
	for (i = 0; i < sizeof r / sizeof r[0]; i++)
		if (cp >= r[i][0] && cp <= r[i][1])
			return 1;
	return 0;
}

static size_t cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 0 : (size_t)w;
}

/* Code points that join the character before them. */
static int is_extend(uint32_t cp)
{
	if (cp < 0x300)
		return 0;
	if (cp == 0x200C || cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF))
		return 1;
	return !u8_is_unsafe(cp) && wcwidth((wchar_t)cp) == 0;
}

/* The placeholder for a base that must not be painted as itself, or 0. */
static uint32_t special_glyph(uint32_t cp)
{
	if (cp < 0x20)
		return 0x2400 + cp;
	if (cp == 0x7F)
		return 0x2421;
	if (cp < 0xA0 && cp >= 0x80)
		return 0xFFFD;
	if (u8_is_unsafe(cp) || wcwidth((wchar_t)cp) < 0)
		return 0xFFFD;
	return 0;
}

/* Extends a character whose base ends at i with what joins it: marks, the
 * second half of a flag, an emoji after a ZWJ.  Adds their widths to *w and
 * returns the end. */
static size_t join_marks(const char *s, size_t n, size_t i, uint32_t base, size_t *w)
{
	int ri = is_ri(base), zwj = 0;
	uint32_t cp;
	size_t k;

	while (i < n && (unsigned char)s[i] >= 0x80) {
		k = u8_decode(s + i, n - i, &cp);
		if (bad_cp(cp, k))
			break;
		if (!(ri && is_ri(cp)) && !is_extend(cp) && !(zwj && is_pict(cp)))
			break;
		ri = 0;
		zwj = cp == 0x200D;
		*w += cp_width(cp);
		i += k;
	}
	return i;
}

/* Marks after a mark that has no base: one placeholder for all of them. */
static size_t skip_marks(const char *s, size_t n, size_t i)
{
	uint32_t cp;
	size_t k;

	while (i < n && (unsigned char)s[i] >= 0x80) {
		k = u8_decode(s + i, n - i, &cp);
		if (bad_cp(cp, k) || !is_extend(cp))
			break;
		i += k;
	}
	return i;
}

size_t tb_char_next(const char *s, size_t n, size_t off, size_t col, tb_char *ch)
{
	unsigned char c = (unsigned char)s[off];
	size_t i = off + 1, w = 0;
	uint32_t cp;

	ch->off = off;
	ch->col = col;
	ch->kind = TB_CH_TEXT;
	ch->cp = c;
	ch->glyph = 0;
	ch->width = 1;
	if (c >= 0x20 && c < 0x7F) {
		if (i < n && (unsigned char)s[i] >= 0x80)
			i = join_marks(s, n, i, c, &w);
		ch->width += w;
	} else if (c == '\t') {
		ch->kind = TB_CH_TAB;
		ch->width = TB_TAB - col % TB_TAB;
	} else {
		i = off + u8_decode(s + off, n - off, &cp);
		ch->cp = cp;
		if (bad_cp(cp, i - off))
			ch->glyph = 0xFFFD;
		else if (is_extend(cp))
			ch->glyph = 0x25CC, i = skip_marks(s, n, i);
		else if (!(ch->glyph = special_glyph(cp)))
			w = cp_width(cp), i = join_marks(s, n, i, cp, &w);
		if (ch->glyph)
			ch->kind = TB_CH_SPECIAL;
		else
			ch->width = w ? w : 1;
	}
	ch->len = i - off;
	return i;
}

static size_t char_next(const char *s, size_t n, size_t off)
{
	tb_char ch;

	return tb_char_next(s, n, off, 0, &ch);
}

/* The start of the code point that contains s[off] (off < n), decoding as
 * u8_decode does from the left: a byte that is not a continuation byte
 * always starts one. */
static size_t cp_floor(const char *s, size_t n, size_t off)
{
	uint32_t cp;
	size_t k, q;

	for (k = 0; k < 4 && k <= off; k++) {
		q = off - k;
		if (((unsigned char)s[q] & 0xC0) != 0x80)
			return k && q + u8_decode(s + q, n - q, &cp) > off ? q : off;
	}
	return off;
}

/* 1 when a character surely starts at code point start p: nothing before
 * p can join it. */
static int surely_starts(const char *s, size_t n, size_t p)
{
	uint32_t cp, prev;
	size_t k;

	if (p == 0 || (unsigned char)s[p] < 0x80)
		return 1;
	k = u8_decode(s + p, n - p, &cp);
	if (bad_cp(cp, k))
		return 1;
	if (is_extend(cp) || is_ri(cp))
		return 0;
	if (!is_pict(cp))
		return 1;
	k = cp_floor(s, n, p - 1);
	u8_decode(s + k, n - k, &prev);
	return prev != 0x200D;
}

/* The start of the character that contains s[off]; n when off >= n. */
static size_t char_floor(const char *s, size_t n, size_t off)
{
	size_t p, i, start;

	if (off >= n)
		return n;
	p = cp_floor(s, n, off);
	while (!surely_starts(s, n, p))
		p = cp_floor(s, n, p - 1);
	for (start = i = p; i <= off; i = char_next(s, n, i))
		start = i;
	return start;
}

static int is_boundary(const char *s, size_t n, size_t off)
{
	return off >= n ? off == n : char_floor(s, n, off) == off;
}

/* off if it starts a character, else the end of the one containing it. */
static size_t snap_forward(const char *s, size_t n, size_t off)
{
	size_t p = char_floor(s, n, off);

	return p == off ? off : char_next(s, n, p);
}

static int word_at(const char *s, size_t n, size_t off)
{
	unsigned char c = (unsigned char)s[off];
	locale_t loc;
	uint32_t cp;
	size_t k;

	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	k = u8_decode(s + off, n - off, &cp);
	if (bad_cp(cp, k))
		return 0;
	loc = utf8_locale();
	return loc ? iswalnum_l((wint_t)cp, loc) != 0 : iswalnum((wint_t)cp) != 0;
}

/* The display column of s[off] in an unwrapped line. */
static size_t col_of(const char *s, size_t n, size_t off)
{
	size_t i = 0, col = 0;
	tb_char ch;

	while (i < off && i < n) {
		i = tb_char_next(s, n, i, col, &ch);
		col += ch.width;
	}
	return col;
}

/* ---- lines ---- */

static size_t clamp_line(const textbuf *tb, size_t l)
{
	return l < tb->n ? l : tb->n - 1;
}

/* The line's length without a CRLF line's hidden CR. */
static size_t vis_len(const textbuf *tb, size_t i)
{
	const line *ln = &tb->l[i];

	if (i + 1 < tb->n && ln->len && ln->s[ln->len - 1] == '\r')
		return ln->len - 1;
	return ln->len;
}

static const char *text_of(const textbuf *tb, size_t i, size_t *n)
{
	*n = vis_len(tb, i);
	return tb->l[i].s ? tb->l[i].s : "";
}

static void line_reserve(line *ln, size_t extra)
{
	size_t need = ln->len + extra;

	if (need < ln->len)
		abort();
	if (need > ln->cap) {
		ln->cap = grow_cap(ln->cap, need, 16);
		ln->s = xrealloc(ln->s, ln->cap);
	}
}

/* Inserts s[0..n) at byte off of the line. */
static void line_splice(line *ln, size_t off, const char *s, size_t n)
{
	if (!n)
		return;
	line_reserve(ln, n);
	memmove(ln->s + off + n, ln->s + off, ln->len - off);
	memcpy(ln->s + off, s, n);
	ln->len += n;
}

/* Opens k empty lines at index at. */
static void lines_open(textbuf *tb, size_t at, size_t k)
{
	if (tb->n + k < tb->n)
		abort();
	tb->l = grow_array(tb->l, &tb->cap, tb->n + k, sizeof *tb->l);
	memmove(tb->l + at + k, tb->l + at, (tb->n - at) * sizeof *tb->l);
	memset(tb->l + at, 0, k * sizeof *tb->l);
	tb->n += k;
}

/* Frees and removes lines at..at+k-1. */
static void lines_close(textbuf *tb, size_t at, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		free(tb->l[at + i].s);
	memmove(tb->l + at, tb->l + at + k, (tb->n - at - k) * sizeof *tb->l);
	tb->n -= k;
}

/* The position just after s[0..n) inserted at `at`. */
static tb_pos pos_after(tb_pos at, const char *s, size_t n)
{
	size_t i = n, j;

	while (i > 0 && s[i - 1] != '\n')
		i--;
	if (!i) {
		at.off += n;
		return at;
	}
	for (j = 0; j < i; j++)
		at.line += s[j] == '\n';
	at.off = n - i;
	return at;
}

/* Inserts s[0..n) at `at` ('\n' splits lines); returns the end. */
static tb_pos raw_insert(textbuf *tb, tb_pos at, const char *s, size_t n)
{
	const char *nl = n ? memchr(s, '\n', n) : NULL, *p, *q;
	tb_pos end = pos_after(at, s, n);
	size_t k = end.line - at.line, i;
	line *first, *last;

	if (!nl) {
		line_splice(&tb->l[at.line], at.off, s, n);
		return end;
	}
	lines_open(tb, at.line + 1, k);
	first = &tb->l[at.line];
	last = &tb->l[end.line];
	/* the last new line: what follows the last '\n', then the old tail */
	line_splice(last, 0, s + n - end.off, end.off);
	line_splice(last, end.off, first->s + at.off, first->len - at.off);
	first->len = at.off;
	for (p = nl + 1, i = 1; i < k; i++, p = q + 1) {
		q = memchr(p, '\n', (size_t)(s + n - p));
		line_splice(&tb->l[at.line + i], 0, p, (size_t)(q - p));
	}
	line_splice(first, at.off, s, (size_t)(nl - s));
	return end;
}

/* Appends the bytes of [a, b) to out. */
static void copy_range(const textbuf *tb, tb_pos a, tb_pos b, buf *out)
{
	const line *ln = &tb->l[a.line];
	size_t i;

	if (a.line == b.line) {
		if (b.off > a.off)
			buf_put(out, ln->s + a.off, b.off - a.off);
		return;
	}
	if (ln->len > a.off)
		buf_put(out, ln->s + a.off, ln->len - a.off);
	for (i = a.line + 1; i <= b.line; i++) {
		ln = &tb->l[i];
		buf_putc(out, '\n');
		if (i < b.line ? ln->len : b.off)
			buf_put(out, ln->s, i < b.line ? ln->len : b.off);
	}
}

/* Deletes [a, b) (a before b), appending the bytes to out when not NULL. */
static void raw_delete(textbuf *tb, tb_pos a, tb_pos b, buf *out)
{
	line *first = &tb->l[a.line], *last = &tb->l[b.line];

	if (out)
		copy_range(tb, a, b, out);
	if (a.line == b.line) {
		memmove(first->s + a.off, first->s + b.off, first->len - b.off);
		first->len -= b.off - a.off;
		return;
	}
	first->len = a.off;
	line_splice(first, a.off, last->s + b.off, last->len - b.off);
	lines_close(tb, a.line + 1, b.line - a.line);
}

static int pos_less(tb_pos a, tb_pos b)
{
	return a.line < b.line || (a.line == b.line && a.off < b.off);
}

/* ---- the buffer ---- */

textbuf *tb_new(void)
{
	return tb_new_from("", 0);
}

textbuf *tb_new_from(const char *text, size_t len)
{
	textbuf *tb = xrealloc(NULL, sizeof *tb);
	const char *p, *end, *nl;
	size_t count = 1;
	line *ln;

	if (!text)
		text = "", len = 0;
	p = text;
	end = text + len;
	memset(tb, 0, sizeof *tb);
	tb->ulimit = UNDO_LIMIT_DEFAULT;
	for (nl = len ? memchr(p, '\n', len) : NULL; nl;
	     nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1)))
		count++;
	tb->l = grow_array(NULL, &tb->cap, count, sizeof *tb->l);
	memset(tb->l, 0, count * sizeof *tb->l);
	tb->n = count;
	for (ln = tb->l; ln < tb->l + count; ln++) {
		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		ln->len = ln->cap = (size_t)((nl ? nl : end) - p);
		if (ln->len) {
			ln->s = xrealloc(NULL, ln->len);
			memcpy(ln->s, p, ln->len);
		}
		p = nl ? nl + 1 : end;
	}
	return tb;
}

static void undo_free_from(textbuf *tb, size_t from)
{
	size_t i;

	for (i = from; i < tb->nu; i++) {
		tb->ubytes -= tb->u[i].text.len + sizeof(urec);
		buf_free(&tb->u[i].text);
	}
	tb->nu = from;
}

void tb_free(textbuf *tb)
{
	size_t i;

	if (!tb)
		return;
	for (i = 0; i < tb->n; i++)
		free(tb->l[i].s);
	free(tb->l);
	undo_free_from(tb, 0);
	free(tb->u);
	buf_free(&tb->cut);
	free(tb);
}

char *tb_text(const textbuf *tb, size_t *len)
{
	size_t total = tb->n - 1, i;
	char *out, *p;

	for (i = 0; i < tb->n; i++)
		total += tb->l[i].len;
	p = out = xrealloc(NULL, total + 1);
	for (i = 0; i < tb->n; i++) {
		if (i)
			*p++ = '\n';
		if (tb->l[i].len)
			memcpy(p, tb->l[i].s, tb->l[i].len);
		p += tb->l[i].len;
	}
	*p = '\0';
	if (len)
		*len = total;
	return out;
}

size_t tb_nlines(const textbuf *tb)
{
	return tb->n;
}

const char *tb_line(const textbuf *tb, size_t line, size_t *len)
{
	size_t n;
	const char *s = text_of(tb, clamp_line(tb, line), &n);

	if (len)
		*len = n;
	return s;
}

int tb_line_crlf(const textbuf *tb, size_t line)
{
	line = clamp_line(tb, line);
	return vis_len(tb, line) != tb->l[line].len;
}

/* ---- wrapping ---- */

typedef struct wrapper {
	const char *s;
	size_t n;
	size_t width; /* 0: no wrapping */
	size_t off;   /* where the next row starts */
	size_t col;
	int state; /* 0 text rows to come, 1 the empty row after a full one, 2 done */
} wrapper;

static void wrap_init(wrapper *w, const char *s, size_t n, int width)
{
	w->s = s;
	w->n = n;
	w->width = width > 0 ? (size_t)width : 0;
	w->off = w->col = 0;
	w->state = 0;
}

static int is_break(const tb_char *ch, const char *s)
{
	return ch->kind == TB_CH_TAB || (ch->len == 1 && s[ch->off] == ' ');
}

/* The next display row into *r; 0 when the line has no more. */
static int wrap_next(wrapper *w, tb_row *r)
{
	size_t i = w->off, col = w->col, next, brk = 0, brkcol = 0;
	int clipped = 0;
	tb_char ch;

	if (w->state == 2)
		return 0;
	r->start = i;
	r->col0 = col;
	while (w->state == 0 && i < w->n) {
		next = tb_char_next(w->s, w->n, i, col, &ch);
		if (w->width && col + ch.width - r->col0 > w->width) {
			if (ch.kind == TB_CH_TAB && col - r->col0 < w->width)
				i = next, col += ch.width, clipped = 1;
			else if (i == r->start) /* wider than the width: alone */
				i = next, col += ch.width;
			else if (brk)
				i = brk, col = brkcol;
			break;
		}
		i = next;
		col += ch.width;
		if (is_break(&ch, w->s))
			brk = i, brkcol = col;
	}
	r->end = i;
	r->width = clipped ? w->width : col - r->col0;
	w->off = i;
	w->col = col;
	if (w->state == 1)
		w->state = 2;
	else if (i >= w->n)
		w->state = w->width && r->width >= w->width ? 1 : 2;
	return 1;
}

size_t tb_wrap(const textbuf *tb, size_t line, int width, tb_rows *out)
{
	wrapper w;
	tb_row r;
	const char *s;
	size_t n;

	s = text_of(tb, clamp_line(tb, line), &n);
	wrap_init(&w, s, n, width);
	out->n = 0;
	while (wrap_next(&w, &r)) {
		out->v = grow_array(out->v, &out->cap, out->n + 1, sizeof *out->v);
		out->v[out->n++] = r;
	}
	return out->n;
}

void tb_rows_free(tb_rows *out)
{
	if (!out)
		return;
	free(out->v);
	out->v = NULL;
	out->n = out->cap = 0;
}

size_t tb_line_rows(const textbuf *tb, size_t line, int width)
{
	wrapper w;
	tb_row r;
	const char *s;
	size_t n, k = 0;

	s = text_of(tb, clamp_line(tb, line), &n);
	wrap_init(&w, s, n, width);
	while (wrap_next(&w, &r))
		k++;
	return k;
}

/* The column of s[off] within row r. */
static size_t col_in_row(const char *s, size_t n, const tb_row *r, size_t off)
{
	size_t i = r->start, c = r->col0;
	tb_char ch;

	while (i < off && i < n) {
		i = tb_char_next(s, n, i, c, &ch);
		c += ch.width;
	}
	return c - r->col0;
}

/* Wraps until the row holding s[off] (the last row for the line end);
 * *k is its index.  w stays ready for the rows after it. */
static tb_row row_of(wrapper *w, size_t off, size_t *k, tb_row *prev)
{
	tb_row r = { 0, 0, 0, 0 };

	*k = 0;
	while (wrap_next(w, &r)) {
		if ((off >= r.start && off < r.end) || w->state == 2)
			break;
		if (prev)
			*prev = r;
		++*k;
	}
	return r;
}

static void display_of(const char *s, size_t n, size_t off, int width, size_t *row, size_t *col)
{
	wrapper w;
	tb_row r;

	wrap_init(&w, s, n, width);
	r = row_of(&w, off, row, NULL);
	*col = col_in_row(s, n, &r, off);
}

/* The character at or before column col of row r; the line end too when r
 * is the line's last row. */
static size_t pos_in_row(const char *s, size_t n, const tb_row *r, size_t col, int last)
{
	size_t i = r->start, c = r->col0, best = r->start;
	tb_char ch;

	while (i < r->end && c - r->col0 <= col) {
		best = i;
		i = tb_char_next(s, n, i, c, &ch);
		c += ch.width;
	}
	if (last && i == r->end && c - r->col0 <= col)
		best = r->end;
	return best;
}

/* The character at or before column col of row `row` (the last row when
 * there are fewer). */
static size_t pos_of(const char *s, size_t n, size_t row, size_t col, int width)
{
	wrapper w;
	tb_row r;
	size_t k = 0;

	wrap_init(&w, s, n, width);
	while (wrap_next(&w, &r) && k < row && w.state != 2)
		k++;
	return pos_in_row(s, n, &r, col, w.state == 2);
}

void tb_pos_to_display(const textbuf *tb, tb_pos p, int width, size_t *row, size_t *col)
{
	size_t n, line = clamp_line(tb, p.line);
	const char *s = text_of(tb, line, &n);

	display_of(s, n, p.off < n ? p.off : n, width, row, col);
}

size_t tb_display_to_pos(const textbuf *tb, size_t line, size_t row, size_t col, int width)
{
	size_t n;
	const char *s = text_of(tb, clamp_line(tb, line), &n);

	return pos_of(s, n, row, col, width);
}

/* ---- the cursor ---- */

/* Every public call says what it is: it ends typing runs, cut runs and
 * vertical-move goals as the new kind of call requires. */
static void begin(textbuf *tb, int op)
{
	tb->prev_op = tb->last_op;
	tb->last_op = op;
	if (op != OP_VMOVE)
		tb->goal_set = 0;
}

tb_pos tb_cursor(const textbuf *tb)
{
	return tb->cur;
}

void tb_cursor_linecol(const textbuf *tb, size_t *line1, size_t *col1)
{
	size_t n;
	const char *s = text_of(tb, tb->cur.line, &n);

	if (line1)
		*line1 = tb->cur.line + 1;
	if (col1)
		*col1 = col_of(s, n, tb->cur.off) + 1;
}

void tb_set_cursor(textbuf *tb, size_t line, size_t off)
{
	size_t n;
	const char *s;

	begin(tb, OP_MOVE);
	tb->cur.line = clamp_line(tb, line);
	s = text_of(tb, tb->cur.line, &n);
	tb->cur.off = char_floor(s, n, off);
}

int tb_move_char(textbuf *tb, int dir)
{
	size_t n;
	const char *s = text_of(tb, tb->cur.line, &n);

	begin(tb, OP_MOVE);
	if (dir > 0 && tb->cur.off < n) {
		tb->cur.off = char_next(s, n, tb->cur.off);
	} else if (dir > 0 && tb->cur.line + 1 < tb->n) {
		tb->cur.line++;
		tb->cur.off = 0;
	} else if (dir < 0 && tb->cur.off > 0) {
		tb->cur.off = char_floor(s, n, tb->cur.off - 1);
	} else if (dir < 0 && tb->cur.line > 0) {
		tb->cur.line--;
		tb->cur.off = vis_len(tb, tb->cur.line);
	} else {
		return 0;
	}
	return 1;
}

static tb_pos word_forward(const textbuf *tb, tb_pos p)
{
	size_t n;
	const char *s = text_of(tb, p.line, &n);

	while (p.off < n && word_at(s, n, p.off))
		p.off = char_next(s, n, p.off);
	for (;;) {
		if (p.off < n && word_at(s, n, p.off))
			return p;
		if (p.off < n) {
			p.off = char_next(s, n, p.off);
			continue;
		}
		if (p.line + 1 >= tb->n)
			return p;
		p.line++;
		p.off = 0;
		s = text_of(tb, p.line, &n);
	}
}

static tb_pos word_back(const textbuf *tb, tb_pos p)
{
	size_t n, q;
	const char *s = text_of(tb, p.line, &n);

	for (;;) {
		if (p.off == 0) {
			if (p.line == 0)
				return p;
			p.line--;
			s = text_of(tb, p.line, &n);
			p.off = n;
			continue;
		}
		q = char_floor(s, n, p.off - 1);
		if (word_at(s, n, q))
			break;
		p.off = q;
	}
	while (p.off > 0 && word_at(s, n, q = char_floor(s, n, p.off - 1)))
		p.off = q;
	return p;
}

int tb_move_word(textbuf *tb, int dir)
{
	tb_pos p;

	begin(tb, OP_MOVE);
	p = dir > 0 ? word_forward(tb, tb->cur) : word_back(tb, tb->cur);
	if (p.line == tb->cur.line && p.off == tb->cur.off)
		return 0;
	tb->cur = p;
	return 1;
}

int tb_move_home(textbuf *tb)
{
	begin(tb, OP_MOVE);
	if (!tb->cur.off)
		return 0;
	tb->cur.off = 0;
	return 1;
}

int tb_move_end(textbuf *tb)
{
	size_t n = vis_len(tb, tb->cur.line);

	begin(tb, OP_MOVE);
	if (tb->cur.off == n)
		return 0;
	tb->cur.off = n;
	return 1;
}

/* One display row up or down (one line when width <= 0), to the goal.
 * Wraps the cursor's line only as far as needed (one row past the cursor
 * going down), so moves inside a huge line cost the part before the cursor. */
static int move_row(textbuf *tb, int dir, int width)
{
	size_t n, k;
	const char *s = text_of(tb, tb->cur.line, &n);
	wrapper w;
	tb_row r, prev = { 0, 0, 0, 0 };

	if (width < 0)
		width = 0;
	wrap_init(&w, s, n, width);
	r = row_of(&w, tb->cur.off, &k, &prev);
	if (!tb->goal_set || tb->goal_width != width) {
		tb->goal_set = 1;
		tb->goal = col_in_row(s, n, &r, tb->cur.off);
		tb->goal_width = width;
	}
	if (dir > 0 && wrap_next(&w, &r)) {
		tb->cur.off = pos_in_row(s, n, &r, tb->goal, w.state == 2);
	} else if (dir < 0 && k > 0) {
		tb->cur.off = pos_in_row(s, n, &prev, tb->goal, 0);
	} else if (dir > 0 && tb->cur.line + 1 < tb->n) {
		s = text_of(tb, ++tb->cur.line, &n);
		tb->cur.off = pos_of(s, n, 0, tb->goal, width);
	} else if (dir < 0 && tb->cur.line > 0) {
		s = text_of(tb, --tb->cur.line, &n);
		tb->cur.off = pos_of(s, n, (size_t)-1, tb->goal, width);
	} else {
		return 0;
	}
	return 1;
}

int tb_move_line(textbuf *tb, int dir)
{
	begin(tb, OP_VMOVE);
	return move_row(tb, dir, 0);
}

int tb_move_visual(textbuf *tb, int dir, int width)
{
	begin(tb, OP_VMOVE);
	return move_row(tb, dir, width);
}

size_t tb_move_page(textbuf *tb, int dir, size_t rows, int width)
{
	size_t k = 0;

	begin(tb, OP_VMOVE);
	while (k < rows && move_row(tb, dir, width))
		k++;
	return k;
}

int tb_move_doc_start(textbuf *tb)
{
	begin(tb, OP_MOVE);
	if (!tb->cur.line && !tb->cur.off)
		return 0;
	tb->cur.line = tb->cur.off = 0;
	return 1;
}

int tb_move_doc_end(textbuf *tb)
{
	size_t last = tb->n - 1, n = vis_len(tb, last);

	begin(tb, OP_MOVE);
	if (tb->cur.line == last && tb->cur.off == n)
		return 0;
	tb->cur.line = last;
	tb->cur.off = n;
	return 1;
}

/* ---- undo records ---- */

static void undo_trim(textbuf *tb)
{
	size_t k = 0, drop = 0, target = tb->ulimit - tb->ulimit / 4, i;

	if (tb->ubytes <= tb->ulimit)
		return;
	/* drop whole steps, oldest first, down to 3/4 of the limit at once */
	while (tb->ubytes - drop > target) {
		for (i = k; i < tb->nundo && tb->u[i].step == tb->u[k].step; i++)
			drop += tb->u[i].text.len + sizeof(urec);
		if (i >= tb->nundo) /* the newest step stays */
			break;
		k = i;
	}
	if (!k)
		return;
	for (i = 0; i < k; i++) {
		tb->ubytes -= tb->u[i].text.len + sizeof(urec);
		buf_free(&tb->u[i].text);
	}
	memmove(tb->u, tb->u + k, (tb->nu - k) * sizeof *tb->u);
	tb->nu -= k;
	tb->nundo -= k;
	if (tb->saved < k)
		tb->saved_lost = 1;
	else
		tb->saved -= k;
}

static urec *rec_push(textbuf *tb, int kind, tb_pos at, const char *s, size_t n)
{
	urec *r;

	if (tb->nu > tb->nundo) { /* a new edit after undo: no more redo */
		undo_free_from(tb, tb->nundo);
		if (tb->saved > tb->nundo)
			tb->saved_lost = 1;
	}
	tb->u = grow_array(tb->u, &tb->ucap, tb->nu + 1, sizeof *tb->u);
	r = &tb->u[tb->nu++];
	tb->nundo = tb->nu;
	r->kind = kind;
	r->oneline = !memchr(s, '\n', n);
	r->step = tb->step;
	r->at = at;
	r->text = (buf)BUF_INIT;
	buf_put(&r->text, s, n);
	r->before = r->after = tb->cur;
	tb->ubytes += n + sizeof(urec);
	return r;
}

/* The newest record when the next edit of `kind` may extend it: nothing
 * undone, not the saved state, within the current step, one line. */
static urec *mergeable(textbuf *tb, int kind)
{
	urec *r;

	if (!tb->nundo || tb->nundo != tb->nu || (tb->saved == tb->nundo && !tb->saved_lost))
		return NULL;
	r = &tb->u[tb->nundo - 1];
	if (r->kind != kind || r->step != tb->step || !r->oneline)
		return NULL;
	return r;
}

/* Inserts and records; returns the end of the inserted text. */
static tb_pos edit_insert(textbuf *tb, tb_pos at, const char *s, size_t n, int mode)
{
	urec *r = mode == R_TYPE ? mergeable(tb, U_INS) : NULL;

	if (r && r->at.line == at.line && r->at.off + r->text.len == at.off) {
		buf_put(&r->text, s, n);
		tb->ubytes += n;
	} else {
		if (mode != R_STEP)
			tb->step++;
		rec_push(tb, U_INS, at, s, n);
	}
	return raw_insert(tb, at, s, n);
}

/* Extends a Backspace or Delete run's record with del, 1 when it could. */
static int merge_delete(textbuf *tb, tb_pos a, tb_pos b, const buf *del, int mode)
{
	urec *r = mergeable(tb, U_DEL);
	buf t = BUF_INIT;

	if (!r || a.line != b.line || r->at.line != a.line)
		return 0;
	if (mode == R_BACK && r->at.off == b.off) {
		buf_put(&t, del->ptr, del->len);
		buf_put(&t, r->text.ptr, r->text.len);
		buf_free(&r->text);
		r->text = t;
		r->at = a;
	} else if (mode == R_FWD && r->at.off == a.off) {
		buf_put(&r->text, del->ptr, del->len);
	} else {
		return 0;
	}
	tb->ubytes += del->len;
	return 1;
}

/* Deletes [a, b) and records it; appends the bytes to out when not NULL. */
static void edit_delete(textbuf *tb, tb_pos a, tb_pos b, int mode, buf *out)
{
	buf del = BUF_INIT;

	raw_delete(tb, a, b, &del);
	if (!((mode == R_BACK || mode == R_FWD) && merge_delete(tb, a, b, &del, mode))) {
		if (mode != R_STEP)
			tb->step++;
		rec_push(tb, U_DEL, a, del.ptr, del.len);
	}
	if (out)
		buf_put(out, del.ptr, del.len);
	buf_free(&del);
}

/* Keeps the cursor inside the text and on a character start. */
static void fix_cursor(textbuf *tb)
{
	size_t n;
	const char *s;

	tb->cur.line = clamp_line(tb, tb->cur.line);
	s = text_of(tb, tb->cur.line, &n);
	if (tb->cur.off > n)
		tb->cur.off = n;
	tb->cur.off = snap_forward(s, n, tb->cur.off);
}

static void finish_edit(textbuf *tb)
{
	fix_cursor(tb);
	if (tb->nundo)
		tb->u[tb->nundo - 1].after = tb->cur;
	tb->has_mark = 0;
	undo_trim(tb);
}

/* ---- editing ---- */

int tb_insert(textbuf *tb, const char *s, size_t n)
{
	int nl = n && memchr(s, '\n', n) != NULL;

	begin(tb, nl ? OP_EDIT : OP_TYPE);
	if (!n)
		return 0;
	tb->cur = edit_insert(tb, tb->cur, s, n, !nl && tb->prev_op == OP_TYPE ? R_TYPE : R_NEW);
	finish_edit(tb);
	return 1;
}

/* The line break Enter makes on `line`. */
static const char *eol_for(const textbuf *tb, size_t line)
{
	if (tb_line_crlf(tb, line))
		return "\r\n";
	if (line + 1 == tb->n && line > 0 && tb_line_crlf(tb, line - 1))
		return "\r\n";
	return "\n";
}

int tb_newline(textbuf *tb)
{
	const char *eol = eol_for(tb, tb->cur.line);

	begin(tb, OP_EDIT);
	tb->cur = edit_insert(tb, tb->cur, eol, strlen(eol), R_NEW);
	finish_edit(tb);
	return 1;
}

int tb_backspace(textbuf *tb)
{
	tb_pos a = tb->cur;
	size_t n;
	const char *s = text_of(tb, a.line, &n);

	begin(tb, OP_BACK);
	if (a.off > 0) {
		a.off = char_floor(s, n, a.off - 1);
		edit_delete(tb, a, tb->cur, tb->prev_op == OP_BACK ? R_BACK : R_NEW, NULL);
	} else if (a.line > 0) {
		a.line--;
		a.off = vis_len(tb, a.line);
		edit_delete(tb, a, tb->cur, R_NEW, NULL);
		tb->last_op = OP_EDIT; /* a join ends the run */
	} else {
		return 0;
	}
	tb->cur = a;
	finish_edit(tb);
	return 1;
}

int tb_delete(textbuf *tb)
{
	tb_pos b = tb->cur;
	size_t n;
	const char *s = text_of(tb, b.line, &n);

	begin(tb, OP_DEL);
	if (b.off < n) {
		b.off = char_next(s, n, b.off);
		edit_delete(tb, tb->cur, b, tb->prev_op == OP_DEL ? R_FWD : R_NEW, NULL);
	} else if (b.line + 1 < tb->n) {
		b.line++;
		b.off = 0;
		edit_delete(tb, tb->cur, b, R_NEW, NULL);
		tb->last_op = OP_EDIT;
	} else {
		return 0;
	}
	finish_edit(tb);
	return 1;
}

/* ---- cut, paste, mark ---- */

int tb_cut_line(textbuf *tb)
{
	size_t l = tb->cur.line;
	tb_pos a = { l, 0 }, b = { l + 1, 0 };
	const char *eol = eol_for(tb, l);
	int run;

	begin(tb, OP_CUT);
	run = tb->prev_op == OP_CUT && tb->cut_lines;
	if (l + 1 == tb->n) {
		b.line = l;
		b.off = tb->l[l].len;
		if (!b.off) {
			tb->last_op = OP_NONE;
			return 0;
		}
	}
	if (!run) {
		buf_truncate(&tb->cut, 0);
		tb->cut_lines = 1;
	}
	edit_delete(tb, a, b, run ? R_STEP : R_NEW, &tb->cut);
	if (b.line == l)
		buf_puts(&tb->cut, eol);
	tb->cur = a;
	finish_edit(tb);
	return 1;
}

int tb_paste(textbuf *tb)
{
	tb_pos at = tb->cur, end;

	begin(tb, OP_EDIT);
	if (!tb->cut.len)
		return 0;
	if (tb->cut_lines)
		at.off = 0;
	end = edit_insert(tb, at, tb->cut.ptr, tb->cut.len, R_NEW);
	if (tb->cut_lines)
		tb->cur.line = end.line; /* the same character, pushed down */
	else
		tb->cur = end;
	finish_edit(tb);
	return 1;
}

const char *tb_cutbuf(const textbuf *tb, size_t *len)
{
	if (len)
		*len = tb->cut.len;
	return buf_cstr(&tb->cut);
}

void tb_set_mark(textbuf *tb)
{
	begin(tb, OP_NONE);
	tb->has_mark = 1;
	tb->mark = tb->cur;
}

void tb_clear_mark(textbuf *tb)
{
	begin(tb, OP_NONE);
	tb->has_mark = 0;
}

int tb_get_mark(const textbuf *tb, tb_pos *mark)
{
	if (tb->has_mark && mark)
		*mark = tb->mark;
	return tb->has_mark;
}

/* The region in text order; 0 when there is none or it is empty. */
static int region(textbuf *tb, tb_pos *a, tb_pos *b)
{
	int had = tb->has_mark;

	tb->has_mark = 0;
	if (!had || (tb->mark.line == tb->cur.line && tb->mark.off == tb->cur.off))
		return 0;
	*a = pos_less(tb->mark, tb->cur) ? tb->mark : tb->cur;
	*b = pos_less(tb->mark, tb->cur) ? tb->cur : tb->mark;
	return 1;
}

int tb_copy_region(textbuf *tb)
{
	tb_pos a, b;

	begin(tb, OP_NONE);
	if (!region(tb, &a, &b))
		return 0;
	buf_truncate(&tb->cut, 0);
	tb->cut_lines = 0;
	copy_range(tb, a, b, &tb->cut);
	return 1;
}

int tb_cut_region(textbuf *tb)
{
	tb_pos a, b;

	begin(tb, OP_EDIT);
	if (!region(tb, &a, &b))
		return 0;
	buf_truncate(&tb->cut, 0);
	tb->cut_lines = 0;
	edit_delete(tb, a, b, R_NEW, &tb->cut);
	tb->cur = a;
	finish_edit(tb);
	return 1;
}

/* ---- undo ---- */

static void apply(textbuf *tb, const urec *r, int forward)
{
	if ((r->kind == U_INS) == forward)
		raw_insert(tb, r->at, r->text.ptr, r->text.len);
	else
		raw_delete(tb, r->at, pos_after(r->at, r->text.ptr, r->text.len), NULL);
}

int tb_undo(textbuf *tb)
{
	unsigned long step;
	const urec *r;

	begin(tb, OP_EDIT);
	if (!tb->nundo)
		return 0;
	step = tb->u[tb->nundo - 1].step;
	while (tb->nundo && tb->u[tb->nundo - 1].step == step) {
		r = &tb->u[--tb->nundo];
		apply(tb, r, 0);
		tb->cur = r->before;
	}
	tb->has_mark = 0;
	fix_cursor(tb);
	return 1;
}

int tb_redo(textbuf *tb)
{
	unsigned long step;
	const urec *r;

	begin(tb, OP_EDIT);
	if (tb->nundo == tb->nu)
		return 0;
	step = tb->u[tb->nundo].step;
	while (tb->nundo < tb->nu && tb->u[tb->nundo].step == step) {
		r = &tb->u[tb->nundo++];
		apply(tb, r, 1);
		tb->cur = r->after;
	}
	tb->has_mark = 0;
	fix_cursor(tb);
	return 1;
}

void tb_set_undo_limit(textbuf *tb, size_t bytes)
{
	tb->ulimit = bytes;
	undo_trim(tb);
}

/* ---- search ---- */

static uint32_t fold(uint32_t cp)
{
	locale_t loc;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	loc = utf8_locale();
	return (uint32_t)(loc ? towlower_l((wint_t)cp, loc) : towlower((wint_t)cp));
}

/* The end of a match of nd at s[i], or 0.  Invalid bytes match only
 * themselves. */
static size_t match_at(const char *s, size_t n, size_t i, const char *nd, size_t nn)
{
	size_t j = 0, ka, kb;
	uint32_t a, b;

	while (j < nn) {
		if (i >= n)
			return 0;
		if ((unsigned char)s[i] < 0x80 && (unsigned char)nd[j] < 0x80) {
			if (fold((unsigned char)s[i]) != fold((unsigned char)nd[j]))
				return 0;
			i++, j++;
			continue;
		}
		ka = u8_decode(s + i, n - i, &a);
		kb = u8_decode(nd + j, nn - j, &b);
		if (bad_cp(a, ka) || bad_cp(b, kb)) {
			if (s[i] != nd[j])
				return 0;
			i++, j++;
			continue;
		}
		if (a != b && fold(a) != fold(b))
			return 0;
		i += ka;
		j += kb;
	}
	return i;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The first (forward) or last match in `l` that starts in [lo, hi). */
static int find_in_line(const textbuf *tb, size_t l, size_t lo, size_t hi, const char *nd,
                        size_t nn, int forward, tb_match *m)
{
	size_t n, i, e;
	const char *s = text_of(tb, l, &n);
	unsigned char first = ascii_lower((unsigned char)nd[0]);
	int found = 0;

	for (i = lo; i < n && i < hi; i++) {
		if (first < 0x80 ? ascii_lower((unsigned char)s[i]) != first
		                 : (unsigned char)s[i] < 0x80)
			continue;
		if (!(e = match_at(s, n, i, nd, nn)) || !is_boundary(s, n, i) ||
		    !is_boundary(s, n, e))
			continue;
		m->line = l;
		m->start = i;
		m->end = e;
		found = 1;
		if (forward)
			break;
	}
	return found;
}

static int search(const textbuf *tb, const char *nd, size_t nn, int forward, int wrap, tb_match *m)
{
	size_t cl = tb->cur.line, co = tb->cur.off, l;

	m->wrapped = 0;
	if (forward) {
		for (l = cl; l < tb->n; l++)
			if (find_in_line(tb, l, l == cl ? co + 1 : 0, (size_t)-1, nd, nn, 1, m))
				return 1;
		m->wrapped = 1;
		for (l = 0; wrap && l <= cl; l++)
			if (find_in_line(tb, l, 0, l == cl ? co + 1 : (size_t)-1, nd, nn, 1, m))
				return 1;
		return 0;
	}
	for (l = cl + 1; l-- > 0;)
		if (find_in_line(tb, l, 0, l == cl ? co : (size_t)-1, nd, nn, 0, m))
			return 1;
	m->wrapped = 1;
	for (l = tb->n; wrap && l-- > cl;)
		if (find_in_line(tb, l, l == cl ? co : 0, (size_t)-1, nd, nn, 0, m))
			return 1;
	return 0;
}

int tb_find(textbuf *tb, const char *needle, int forward, int wrap, tb_match *m)
{
	size_t nn = needle ? strlen(needle) : 0;
	tb_match mm;

	begin(tb, OP_MOVE);
	if (!nn || memchr(needle, '\n', nn) || !search(tb, needle, nn, forward, wrap, &mm))
		return 0;
	tb->cur.line = mm.line;
	tb->cur.off = mm.start;
	if (m)
		*m = mm;
	return 1;
}

/* ---- state ---- */

int tb_modified(const textbuf *tb)
{
	return tb->saved_lost || tb->saved != tb->nundo;
}

void tb_mark_saved(textbuf *tb)
{
	begin(tb, OP_NONE);
	tb->saved = tb->nundo;
	tb->saved_lost = 0;
}
