/* layout: a parsed page -> lines of styled spans at a width (see layout.h).
 *
 * One walk over the blocks (an iterator with enter/exit events, as in
 * cmark's renderers) keeps a stack of containers -- block quotes, list
 * items, footnotes -- whose markers prefix every line.  A block with inlines
 * (paragraph, heading, table cell) is first flattened into one sanitised
 * text with style segments, then cut into units between break opportunities
 * (spaces; between CJK characters unless kinsoku forbids; after the hyphen
 * of "well-known"), then filled greedily into lines -- for ASCII text the
 * same lines as Python's textwrap.  A unit longer than a line is cut at
 * grapheme boundaries: a URL after / ? & = - . @, other words after a
 * hyphen or where the line is full, never leaving closing punctuation at a
 * line's start.  Breaks never depend on style boundaries, so a link or code
 * span keeps the punctuation that touches it.  Finished lines' text and
 * spans go into chunks owned by the layout_doc, each text NUL-terminated.
 *
 * Sanitising: every literal goes through add_text/verbatim_line; C0 (CR,
 * BS, VT, FF included), DEL, C1, bidi controls, zero-width characters and
 * what wcwidth() cannot print become u8_placeholder text in a span of its
 * own with LS_CONTROL.  ZWJ/ZWNJ stay between two visible characters
 * outside links and code (emoji sequences, Indic and Persian text).
 *
 * Decorations (ASCII mode in brackets):
 *   H1      text bold+underlined, then a rule of '═' ('=') across the width
 *   H2      text bold, then a rule of '─' ('-') across the width
 *   H3..H6  "### " .. "###### " marker, text bold; wrapped lines hang
 *   hr      '╌' across the width ("- - -")
 *   quote   "│ " ("> ") on every line, blank ones too
 *   code    gutter "┆ " ("| "), text never reflowed, tabs to stops of 4
 *           from the code's left edge; too wide -> LL_SCROLL
 *   lists   "•", "◦", "▪" by depth ("*", "-", "+"); numbers right-aligned;
 *           tasks "☐"/"☑" ("[ ]"/"[x]") in place of the bullet
 *   tables  box drawing ('+', '-', '=', '|'); header row bold
 *   images  "[image: alt]" (alt, else the file name), a link with is_image
 *   links   the text only, underlined; a link to a missing page is followed
 *           by a '?' marker (the old wiki convention); an empty link text
 *           shows the URL
 *   HTML    shown as source, dimmed; comments are hidden
 *   notes   references "[1]", definitions "[1] text" after a rule
 *   deep    prefixes wider than the width allows become "…" (ASCII '~')
 *           plus the innermost markers, keeping room for text
 *
 * Style-track letters (layout_to_styles), the first that applies wins:
 *   '!' control placeholder     'm' link to a missing page
 *   'x' external link           'l' page or fragment link
 *   '-' rule (hr, heading rule, table border, code gutter)
 *   '>' marker (bullets, numbers, quote bars, task boxes, heading #s)
 *   '1'..'6' heading text of that level
 *   'c' code   'd' dim (raw HTML)   'B' bold italic   'b' bold
 *   'i' italic   's' strikethrough   'u' underline   'q' quoted text
 *   '.' plain
 * A wide character repeats its letter for both of its columns. */
#include "layout.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "u8.h"

#define TAB_STOP 4

/* --- small helpers ------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* buf_put for the many short pieces of a line: the call and the checks
 * of buf_put only when the buffer must grow. */
static inline void put_bytes(buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n)
		buf_grow(b, n);
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

/* Makes room for `need` elements of size `sz` in v (capacity *cap). */
static void *vgrow(void *v, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return v;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(v, c * sz);
}

/* Appends one zeroed element to vector v (count n, capacity cap) and
 * evaluates to its address. */
#define VPUSH(v, n, cap)                                                                           \
	((v) = (n) < (cap) ? (v) : vgrow((v), &(cap), (n) + 1, sizeof *(v)),                       \
	 memset(&(v)[(n)], 0, sizeof *(v)), &(v)[(n)++])

/* A string -> int map (anchors, footnote labels, page existence). */
typedef struct smap_ent {
	char *key;
	int val;
} smap_ent;

typedef struct smap {
	smap_ent *e;
	size_t cap, n;
} smap;

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	while (*s)
		h = (h ^ (unsigned char)*s++) * (size_t)1099511628211ULL;
	return h;
}

static smap_ent *smap_slot(smap_ent *e, size_t cap, const char *key)
{
	size_t i = str_hash(key) & (cap - 1);

	while (e[i].key && strcmp(e[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &e[i];
}

static void smap_rehash(smap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	smap_ent *e = calloc(cap, sizeof *e);

	if (!e)
		abort();
	for (i = 0; i < m->cap; i++)
		if (m->e[i].key)
			*smap_slot(e, cap, m->e[i].key) = m->e[i];
	free(m->e);
	m->e = e;
	m->cap = cap;
}

/* The entry for key, or NULL when absent and !add (added with val 0). */
static smap_ent *smap_get(smap *m, const char *key, int add)
{
	smap_ent *s;

	if (!m->cap || (add && (m->n + 1) * 10 > m->cap * 7))
		smap_rehash(m);
	s = smap_slot(m->e, m->cap, key);
	if (!s->key && add) {
		s->key = xstrdup(key);
		s->val = 0;
		m->n++;
	}
	return s->key ? s : NULL;
}

static void smap_free(smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	memset(m, 0, sizeof *m);
}

/* Finished lines' text and spans live in chunks that never move, so that
 * growing the document copies nothing. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	uint64_t data[]; /* aligned for any of our structs */
} chunk;

#define CHUNK_SIZE ((size_t)256 * 1024)

static void *arena_alloc(chunk **head, size_t n)
{
	chunk *c = *head;

	n = (n + 7) & ~(size_t)7;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		c = malloc(sizeof *c + cap);
		if (!c)
			abort();
		c->cap = cap;
		c->used = 0;
		c->next = *head;
		*head = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

static void arena_free(chunk *c)
{
	while (c) {
		chunk *next = c->next;

		free(c);
		c = next;
	}
}

/* --- decoration glyphs -------------------------------------------------- */

enum { B_TOP, B_HEAD, B_ROW, B_BOTTOM };

typedef struct glyphs {
	const char *quote, *gutter, *h1, *h2, *hr, *ellipsis, *todo, *done;
	const char *bullet[3];
	const char *border[4][4]; /* left, fill, middle, right */
	const char *vert;
} glyphs;

static const glyphs unicode_glyphs = {
	"│",
	"┆",
	"═",
	"─",
	"╌",
	"…",
	"☐",
	"☑",
	{ "•", "◦", "▪" },
	{ { "┌", "─", "┬", "┐" },
	  { "╞", "═", "╪", "╡" },
	  { "├", "─", "┼", "┤" },
	  { "└", "─", "┴", "┘" } },
	"│",
};

static const glyphs ascii_glyphs = {
	">",
	"|",
	"=",
	"-",
	"- ",
	"~",
	"[ ]",
	"[x]",
	{ "*", "-", "+" },
	{ { "+", "-", "+", "+" },
	  { "+", "=", "+", "+" },
	  { "+", "-", "+", "+" },
	  { "+", "-", "+", "+" } },
	"|",
};

/* --- state -------------------------------------------------------------- */

/* A styled run of the flattened inline text; atomic runs (placeholders)
 * are never split or merged. */
typedef struct seg {
	uint32_t off, len, style;
	int32_t link;
	int atomic;
} seg;

/* A piece of text between break opportunities, with the glue before it. */
typedef struct unit {
	uint32_t gs, s, e; /* glue text[gs..s), unit text[s..e) */
	int gw, w;         /* their widths */
	int hard;          /* hard breaks just before the glue */
} unit;

/* One wrapped line of inline text. */
typedef struct range {
	uint32_t s, e;
	int w;
} range;

enum { F_QUOTE, F_ITEM };

/* A container whose marker prefixes lines: quote bar or item marker.  An
 * item shows its marker on its first line and spaces below it. */
typedef struct frame {
	int kind;
	char mark[80];
	int pad, mark_w, w, cum_w; /* leading pad, marker width, total, running */
} frame;

typedef struct list_state {
	int ordered, digits, mark_w, level, tasks;
	long long next;
} list_state;

typedef struct ctx {
	const layout_opts *o;
	const glyphs *g;
	int width, max_prefix;
	/* the document being built */
	buf text;           /* the line being built */
	int line_w;         /* its width */
	layout_span *spans; /* its spans */
	size_t nspans, capspans;
	chunk *arena; /* finished lines' text and spans */
	layout_line *lines;
	size_t nlines, caplines;
	layout_link *links;
	size_t nlinks, caplinks;
	layout_heading *heads;
	size_t nheads, capheads;
	/* containers */
	frame *fr;
	size_t nfr, capfr, unused_from;
	list_state *ls;
	size_t nls, capls;
	int quotes, need_blank, last_src, notes_seen, notes_def;
	size_t before;  /* lines handed out with earlier pieces (layout_stream) */
	int eat_space;  /* a hidden comment: drop a space that would double */
	size_t natomic; /* placeholders in ptext */
	int wide;       /* ptext has a byte >= 0x80: else, without placeholders,
	                 * it is printable ASCII, spaces and hard breaks */
	int hard;       /* ptext has a hard break ('\n') */
	/* inline scratch, reused block after block */
	buf ptext, tmp;
	seg *segs;
	size_t nsegs, capsegs;
	unit *units;
	size_t nunits, capunits;
	range *ranges;
	size_t nranges, capranges;
	smap anchors, notes, exists;
} ctx;

/* The public doc plus the blocks its pointers point into. */
typedef struct doc_priv {
	layout_doc pub;
	chunk *arena;
} doc_priv;

/* --- code point classes ------------------------------------------------- */

/* wcwidth() of the BMP, cached (+2; 0 = not asked yet): it is the hot spot
 * of non-ASCII text.  Emptied when the locale's character set changes. */
static signed char width_cache[0x10000];
static size_t width_cache_mb;

static void width_cache_check(void)
{
	if (width_cache_mb != MB_CUR_MAX) {
		memset(width_cache, 0, sizeof width_cache);
		width_cache_mb = MB_CUR_MAX;
	}
}

/* wcwidth(cp): -1 for what the terminal cannot print. */
static int raw_width(uint32_t cp)
{
	int w;

	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return -1;
	if (cp < 0x10000 && width_cache[cp])
		return width_cache[cp] - 2;
	w = wcwidth((wchar_t)cp);
	w = w < -1 ? -1 : w > 2 ? 2 : w;
	if (cp < 0x10000)
		width_cache[cp] = (signed char)(w + 2);
	return w;
}

/* Display columns of a code point, as u8_cpwidth counts them. */
static int cp_width(uint32_t cp)
{
	int w = raw_width(cp);

	return w < 0 ? 0 : w;
}

/* Whether the eight bytes at s are all ASCII graphic characters or spaces. */
static int graphic8(const char *s)
{
	uint64_t word, low;

	memcpy(&word, s, 8);
	low = word & 0x7F7F7F7F7F7F7F7FULL;
	/* no byte >= 0x80 or == 0x7F, every byte >= 0x20 */
	return !((word | (low + 0x0101010101010101ULL)) & 0x8080808080808080ULL) &&
	       ((low + 0x6060606060606060ULL) & 0x8080808080808080ULL) == 0x8080808080808080ULL;
}

/* Display columns of s[0..n), or, once they pass max, of the part that
 * passed it (a result > max means "wider than max"). */
static int str_width_max(const char *s, size_t n, int max)
{
	size_t i = 0;
	int w = 0;
	uint32_t cp;

	while (i < n && w <= max) {
		if (i + 8 <= n && graphic8(s + i)) {
			w += 8;
			i += 8;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			w += (unsigned char)s[i] >= 0x20 && s[i] != 0x7F;
			i++;
			continue;
		}
		i += u8_decode(s + i, n - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

/* Display columns of s[0..n). */
static int str_width(const char *s, size_t n)
{
	return str_width_max(s, n, INT_MAX);
}

/* Ideographs, kana, Hangul, CJK punctuation and full-width forms: a line may
 * break between two of them (UAX #14 class ID and friends). */
static int is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x2FFF) || (c >= 0x3000 && c <= 0x303F) ||
	       (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3100 && c <= 0x31FF) ||
	       (c >= 0x3200 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Whether c is in v[0..n), sorted ascending. */
static int in_sorted(uint32_t c, const uint32_t *v, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid] == c)
			return 1;
		if (v[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Kinsoku: characters that must not start a line (sorted: in_sorted). */
static int no_break_before(uint32_t c)
{
	static const uint32_t v[] = {
		'!',    '"',    '\'',   ')',    ',',    '.',    ':',    ';',    '?',    ']',
		'}',    0x00BB, 0x2010, 0x2013, 0x2019, 0x201D, 0x2025, 0x2026, 0x203C, 0x2047,
		0x2048, 0x2049, 0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011,
		0x3015, 0x3017, 0x3019, 0x301B, 0x301C, 0x301E, 0x301F, 0x303B, 0x3041, 0x3043,
		0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096,
		0x309B, 0x309C, 0x309D, 0x309E, 0x30A0, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,
		0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x30FB, 0x30FC, 0x30FD,
		0x30FE, 0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D,
		0xFF5D, 0xFF60, 0xFF61, 0xFF63, 0xFF64, 0xFF65, 0xFF70, 0xFF9E, 0xFF9F,
	};

	return in_sorted(c, v, sizeof v / sizeof *v) || (c >= 0x31F0 && c <= 0x31FF);
}

/* Kinsoku: characters that must not end a line (sorted: in_sorted). */
static int no_break_after(uint32_t c)
{
	static const uint32_t v[] = {
		'"',    '\'',   '(',    '[',    '{',    0x00AB, 0x2018, 0x201C,
		0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018,
		0x301A, 0x301D, 0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62,
	};

	return in_sorted(c, v, sizeof v / sizeof *v);
}

static int is_alpha(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether a printable code point may go to the terminal as it is.  ZWJ and
 * ZWNJ are kept between two visible characters outside links (emoji
 * sequences, Indic and Persian text); everything u8_is_unsafe calls unsafe
 * and whatever wcwidth() cannot print becomes a placeholder. */
static int cp_safe(uint32_t cp, uint32_t prev, const char *next, size_t n, int strict)
{
	uint32_t nx;

	if (cp == 0x200C || cp == 0x200D) {
		if (strict || prev == 0 || prev == ' ' || n == 0)
			return 0;
		u8_decode(next, n, &nx);
		return nx > ' ' && !u8_is_unsafe(nx) && cp_width(nx) > 0;
	}
	if (u8_is_unsafe(cp))
		return 0;
	return raw_width(cp) >= 0;
}

/* --- building lines ----------------------------------------------------- */

/* Appends text of known width w to the line being built; see put(). */
static void put_w(ctx *c, const char *s, size_t n, int w, uint32_t style, int32_t link)
{
	layout_span *sp;

	if (!n)
		return;
	c->line_w += w;
	if (c->nspans && !(style & LS_CONTROL)) {
		sp = &c->spans[c->nspans - 1];
		if (sp->style == style && sp->link == link) {
			sp->len += (uint32_t)n;
			put_bytes(&c->text, s, n);
			return;
		}
	}
	sp = VPUSH(c->spans, c->nspans, c->capspans);
	sp->off = (uint32_t)c->text.len;
	sp->len = (uint32_t)n;
	sp->style = style;
	sp->link = link;
	put_bytes(&c->text, s, n);
}

/* Appends text to the line being built, extending the last span when the
 * style matches (placeholders always get a span of their own). */
static void put(ctx *c, const char *s, size_t n, uint32_t style, int32_t link)
{
	put_w(c, s, n, str_width(s, n), style, link);
}

static void put_str(ctx *c, const char *s, uint32_t style)
{
	put(c, s, strlen(s), style, -1);
}

static void put_spaces(ctx *c, int n, uint32_t style)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		int k = n < 32 ? n : 32;

		put_w(c, sp, (size_t)k, k, style, -1);
		n -= k;
	}
}

/* Repeats a glyph n times. */
static void put_rep(ctx *c, const char *glyph, int n, uint32_t style)
{
	size_t g = strlen(glyph), total = g * (size_t)(n > 0 ? n : 0), k;
	int w = str_width(glyph, g) * (n > 0 ? n : 0);

	if (!total)
		return;
	c->tmp.len = 0;
	buf_grow(&c->tmp, total);
	memcpy(c->tmp.ptr, glyph, g);
	for (c->tmp.len = g; c->tmp.len < total; c->tmp.len += k) {
		k = c->tmp.len < total - c->tmp.len ? c->tmp.len : total - c->tmp.len;
		memcpy(c->tmp.ptr + c->tmp.len, c->tmp.ptr, k);
	}
	c->tmp.ptr[c->tmp.len] = '\0';
	put_w(c, c->tmp.ptr, c->tmp.len, w, style, -1);
}

/* Drops trailing spaces from the line being built. */
static void trim_line(ctx *c)
{
	size_t len = c->text.len;
	layout_span *sp;

	while (len && c->text.ptr[len - 1] == ' ')
		len--, c->line_w--;
	buf_truncate(&c->text, len);
	while (c->nspans) {
		sp = &c->spans[c->nspans - 1];
		if (sp->off >= len)
			c->nspans--;
		else {
			if (sp->off + sp->len > len)
				sp->len = (uint32_t)(len - sp->off);
			break;
		}
	}
}

static void note_link_line(ctx *c, int32_t link, int line)
{
	layout_link *l = &c->links[link];

	if (l->first_line < 0)
		l->first_line = line;
	l->last_line = line;
}

/* Finishes the line being built: moves it into the arena. */
static void commit(ctx *c, int src, int flags)
{
	layout_line *l;
	size_t i, len;
	char *text;

	trim_line(c);
	len = c->text.len;
	l = VPUSH(c->lines, c->nlines, c->caplines);
	l->len = len;
	l->nspans = c->nspans;
	text = arena_alloc(&c->arena, len + 1);
	if (len)
		memcpy(text, c->text.ptr, len);
	text[len] = '\0';
	l->text = text;
	if (c->nspans) {
		l->spans = arena_alloc(&c->arena, c->nspans * sizeof *c->spans);
		memcpy(l->spans, c->spans, c->nspans * sizeof *c->spans);
	}
	l->width = c->line_w;
	l->src_line = src;
	l->flags = flags | (l->width > c->width ? LL_SCROLL : 0);
	for (i = 0; i < c->nspans; i++)
		if (c->spans[i].link >= 0)
			note_link_line(c, c->spans[i].link, (int)c->nlines - 1);
	c->text.len = 0;
	c->line_w = 0;
	c->nspans = 0;
	c->last_src = src;
}

/* --- containers and their prefixes -------------------------------------- */

static int total_prefix(const ctx *c)
{
	return c->nfr ? c->fr[c->nfr - 1].cum_w : 0;
}

/* The first frame shown; *ell is set when an ellipsis stands for the
 * frames before it.  Deep nesting must leave room for text. */
static size_t first_shown(const ctx *c, int *ell)
{
	int total = total_prefix(c);
	size_t i = c->nfr;

	*ell = 0;
	if (total <= c->max_prefix)
		return 0;
	if (c->max_prefix < 2)
		return c->nfr;
	*ell = 1;
	while (i > 0 && total - (i > 1 ? c->fr[i - 2].cum_w : 0) <= c->max_prefix - 1)
		i--;
	return i;
}

static int prefix_width(const ctx *c)
{
	int ell;
	size_t i = first_shown(c, &ell);

	return total_prefix(c) - (i ? c->fr[i - 1].cum_w : 0) + ell;
}

/* Columns left for content at the current depth, at least 1. */
static int avail_width(const ctx *c)
{
	int w = c->width - prefix_width(c);

	return w < 1 ? 1 : w;
}

/* Writes the prefix of a line; a blank line keeps item markers unused. */
static void put_prefix(ctx *c, int blank)
{
	int ell;
	size_t i = first_shown(c, &ell);
	frame *f;

	if (ell)
		put_str(c, c->g->ellipsis, LS_MARKER);
	for (; i < c->nfr; i++) {
		f = &c->fr[i];
		if (f->kind == F_QUOTE) {
			put_str(c, c->g->quote, LS_MARKER);
			put_spaces(c, 1, 0);
		} else if (i >= c->unused_from && !blank) {
			put_spaces(c, f->pad, 0);
			put_str(c, f->mark, LS_MARKER);
			put_spaces(c, f->w - f->pad - f->mark_w, 0);
		} else {
			put_spaces(c, f->w, 0);
		}
	}
	if (!blank)
		c->unused_from = c->nfr;
}

static frame *push_frame(ctx *c, int kind, int w)
{
	frame *f = VPUSH(c->fr, c->nfr, c->capfr);

	f->kind = kind;
	f->w = w;
	f->cum_w = w + (c->nfr > 1 ? c->fr[c->nfr - 2].cum_w : 0);
	return f;
}

static void pop_frame(ctx *c)
{
	c->nfr--;
	if (c->unused_from > c->nfr)
		c->unused_from = c->nfr;
}

static void flush_blank(ctx *c)
{
	if (c->need_blank && (c->nlines || c->before)) {
		put_prefix(c, 1);
		commit(c, c->last_src, 0);
	}
	c->need_blank = 0;
}

static uint32_t base_style(const ctx *c)
{
	return c->quotes ? LS_QUOTE : 0;
}

/* --- flattening inlines ------------------------------------------------- */

static void ptext_add(ctx *c, const char *s, size_t n, uint32_t style, int32_t link, int atomic)
{
	seg *g = c->nsegs ? &c->segs[c->nsegs - 1] : NULL;

	if (!n)
		return;
	if (g && !atomic && !g->atomic && g->style == style && g->link == link)
		g->len += (uint32_t)n;
	else {
		g = VPUSH(c->segs, c->nsegs, c->capsegs);
		g->off = (uint32_t)c->ptext.len;
		g->len = (uint32_t)n;
		g->style = style;
		g->link = link;
		g->atomic = atomic;
		c->natomic += atomic != 0;
	}
	put_bytes(&c->ptext, s, n);
}

static void ptext_placeholder(ctx *c, uint32_t cp, uint32_t style, int32_t link)
{
	c->tmp.len = 0;
	u8_placeholder(&c->tmp, cp);
	ptext_add(c, c->tmp.ptr, c->tmp.len, style | LS_CONTROL, link, 1);
}

/* With layout_opts.split_graphemes, what to draw for cp (u8_split_cp);
 * otherwise cp.  A ZWJ inside a link stays as the placeholder it becomes
 * there (strict). */
static uint32_t split_cp(const ctx *c, uint32_t prev, uint32_t cp, const char *next, size_t n,
                         int strict, unsigned *ri)
{
	uint32_t nx = 0;

	if (!c->o->split_graphemes || (strict && cp == 0x200D))
		return cp;
	if (n)
		u8_decode(next, n, &nx);
	return u8_split_cp(prev, cp, nx, ri);
}

/* Adds s[0..n) to the flattened text ((size_t)-1: up to its NUL): line
 * ends and tabs become spaces, unsafe code points become placeholders
 * (strict: ZWJ/ZWNJ too), and emoji sequences are split (split_cp). */
static void add_text(ctx *c, const char *s, size_t n, uint32_t style, int32_t link, int strict)
{
	size_t i = 0, start = 0, len;
	uint32_t cp, prev = 0, shown;
	unsigned char b;
	unsigned ri = 0;

	if (c->eat_space && c->ptext.len && c->ptext.ptr[c->ptext.len - 1] == ' ')
		while (i < n && s[i] == ' ')
			i++;
	c->eat_space = 0;
	if (n == (size_t)-1)
		n = strlen(s);
	start = i;
	while (i < n) {
		if (i + 8 <= n && graphic8(s + i)) {
			i += 8;
			prev = (unsigned char)s[i - 1];
			continue;
		}
		b = (unsigned char)s[i];
		if (b >= 0x20 && b < 0x7F) {
			prev = b;
			i++;
			continue;
		}
		len = 1, cp = shown = b;
		if (b >= 0x80) {
			c->wide = 1;
			len = u8_decode(s + i, n - i, &cp);
			shown = split_cp(c, prev, cp, s + i + len, n - i - len, strict, &ri);
			if (shown == cp && !(len == 1 && cp == 0xFFFD) &&
			    cp_safe(cp, prev, s + i + len, n - i - len, strict)) {
				prev = cp; /* part of the run, as it is */
				i += len;
				continue;
			}
		}
		ptext_add(c, s + start, i - start, style, link, 0);
		if (shown != cp) {
			/* split: a joiner, modifier or selector goes, a lone
			 * regional indicator becomes its letter */
			if (shown) {
				char letter = (char)shown;

				ptext_add(c, &letter, 1, style, link, 0);
			}
			prev = cp;
		} else if (b == '\n' || b == '\t') {
			ptext_add(c, " ", 1, style, link, 0);
			len = 1, prev = ' ';
		} else if (len == 1 && cp == 0xFFFD) {
			ptext_add(c, "\xEF\xBF\xBD", 3, style, link, 0);
			prev = cp;
		} else {
			ptext_placeholder(c, cp, style, link);
			prev = 'X';
		}
		i += len;
		start = i;
	}
	ptext_add(c, s + start, i - start, style, link, 0);
}

static void add_str(ctx *c, const char *s, uint32_t style, int32_t link)
{
	add_text(c, s, strlen(s), style, link, 1);
}

/* --- links -------------------------------------------------------------- */

static int page_exists(ctx *c, const char *slug)
{
	smap_ent *e;

	if (!c->o->page_exists)
		return 1;
	e = smap_get(&c->exists, slug, 1);
	if (!e->val)
		e->val = c->o->page_exists(c->o->ctx, slug) ? 1 : 2;
	return e->val == 1;
}

static char *sanitized(const char *s)
{
	buf b = BUF_INIT;

	u8_sanitize(&b, s, strlen(s), 0);
	return buf_detach(&b);
}

/* Adds a link for url and returns its index; *style gets its look. */
static int32_t new_link(ctx *c, const char *url, int is_image, uint32_t *style)
{
	layout_link *l = VPUSH(c->links, c->nlinks, c->caplinks);
	md_target t;

	l->first_line = l->last_line = -1;
	l->is_image = is_image;
	l->url = sanitized(url);
	if (md_classify(url, &t) == 0) {
		l->kind = t.kind == MD_TARGET_PAGE       ? LK_PAGE
		          : t.kind == MD_TARGET_FRAGMENT ? LK_FRAGMENT
		                                         : LK_EXTERNAL;
		l->slug = t.slug;
		l->fragment = t.fragment ? u8_slug(t.fragment) : NULL;
		t.slug = NULL;
		md_target_clear(&t);
	} else {
		l->kind = LK_PAGE;
		l->slug = xstrdup("");
		l->missing = 1;
	}
	if (is_image && l->kind == LK_PAGE) { /* a file beside the page, not a page */
		l->kind = LK_EXTERNAL;
		l->missing = 0;
		free(l->slug);
		l->slug = NULL;
	} else if (l->kind == LK_PAGE && !l->missing && !page_exists(c, l->slug)) {
		l->missing = 1;
	}
	*style = LS_UNDERLINE | (l->missing               ? LS_LINK_MISSING
	                         : l->kind == LK_EXTERNAL ? LS_LINK_EXTERNAL
	                                                  : LS_LINK);
	return (int32_t)(c->nlinks - 1);
}

/* The name shown for an image without alt text: its file name. */
static void image_name(const char *url, buf *out)
{
	size_t n = strcspn(url, "?#"), i = n;

	while (i > 0 && url[i - 1] != '/')
		i--;
	if (i == n)
		i = 0;
	buf_put(out, url + i, n - i);
}

static void add_image(ctx *c, md_node *n, uint32_t style, int32_t link)
{
	char *alt = md_plain_text(n);
	size_t i = 0, len = strlen(alt);
	buf name = BUF_INIT;

	while (i < len && alt[i] == ' ')
		i++;
	add_str(c, "[image: ", style | LS_DIM | LS_MARKER, link);
	if (i == len) {
		image_name(md_url(n), &name);
		add_text(c, buf_cstr(&name), name.len, style, link, 1);
	} else {
		add_text(c, alt, len, style, link, 1);
	}
	add_str(c, "]", style | LS_DIM | LS_MARKER, link);
	buf_free(&name);
	free(alt);
}

static int is_comment(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (strncmp(s, "<!--", 4) != 0)
		return 0;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n >= 7 && strncmp(s + n - 3, "-->", 3) == 0 && strstr(s + 4, "-->") == s + n - 3;
}

/* A footnote reference shows the number cmark-gfm gives it: the order of
 * the labels' first references. */
static void add_note_ref(ctx *c, const char *label, uint32_t style, int32_t link)
{
	smap_ent *e = smap_get(&c->notes, label, 1);
	char num[32];

	if (!e->val)
		e->val = ++c->notes_seen;
	snprintf(num, sizeof num, "[%d]", e->val);
	add_str(c, num, style | LS_MARKER, link);
}

/* --- the tree walk -------------------------------------------------------- */

enum { EV_DONE, EV_ENTER, EV_EXIT };

/* cmark's iterator over md_node: every node is entered and exited; set
 * skip on enter to leave its children out. */
typedef struct walk {
	md_node *root, *node;
	int ev, skip;
} walk;

static void walk_init(walk *w, md_node *root)
{
	memset(w, 0, sizeof *w);
	w->root = root;
}

static int walk_next(walk *w)
{
	md_node *n;

	if (!w->node) {
		w->node = w->root;
		return w->ev = w->root ? EV_ENTER : EV_DONE;
	}
	if (w->ev == EV_ENTER) {
		n = w->skip ? NULL : md_first_child(w->node);
		w->skip = 0;
		if (n) {
			w->node = n;
			md_prefetch(md_next(n));
			return EV_ENTER;
		}
		return w->ev = EV_EXIT;
	}
	if (w->ev == EV_DONE || w->node == w->root)
		return w->ev = EV_DONE;
	if ((n = md_next(w->node))) {
		w->node = n;
		md_prefetch(md_next(n));
		return w->ev = EV_ENTER;
	}
	w->node = md_parent(w->node);
	return w->ev = EV_EXIT;
}

/* The inline state while flattening one block. */
typedef struct inl {
	int emph, strong, strike;
	int32_t link;
	uint32_t link_style;
	size_t link_start;
	md_node *link_node;
} inl;

static uint32_t inl_style(const inl *s, uint32_t base)
{
	return base | (s->emph ? LS_ITALIC : 0) | (s->strong ? LS_BOLD : 0) |
	       (s->strike ? LS_STRIKE : 0) | (s->link >= 0 ? s->link_style : 0);
}

static void link_exit(ctx *c, inl *s, md_node *n, uint32_t base)
{
	uint32_t style = inl_style(s, base);

	if (c->ptext.len == s->link_start)
		add_str(c, *md_url(n) ? md_url(n) : "link", style, s->link);
	if (s->link_style & LS_LINK_MISSING)
		add_str(c, "?", style | LS_MARKER, s->link);
	s->link = -1;
}

static void inline_enter(ctx *c, walk *w, inl *s, md_node *n, uint32_t base)
{
	uint32_t style = inl_style(s, base);
	enum md_type t = md_node_type(n);
	const char *lit =
	        t == MD_TEXT || t == MD_CODE || t == MD_HTML_INLINE || t == MD_FOOTNOTE_REF
	                ? md_literal(n)
	                : "";

	switch (t) {
	case MD_TEXT: add_text(c, lit, (size_t)-1, style, s->link, s->link >= 0); break;
	case MD_SOFTBREAK: add_text(c, " ", 1, style, s->link, 1); break;
	case MD_LINEBREAK:
		ptext_add(c, "\n", 1, style, s->link, 0);
		c->hard = 1;
		break;
	case MD_CODE: add_text(c, lit, (size_t)-1, style | LS_CODE, s->link, 1); break;
	case MD_HTML_INLINE:
		if (!is_comment(lit))
			add_text(c, lit, (size_t)-1, style | LS_DIM, s->link, 1);
		else
			c->eat_space = 1;
		break;
	case MD_EMPH: s->emph++; break;
	case MD_STRONG: s->strong++; break;
	case MD_STRIKETHROUGH: s->strike++; break;
	case MD_LINK:
		if (s->link < 0) {
			s->link = new_link(c, md_url(n), 0, &s->link_style);
			s->link_start = c->ptext.len;
			s->link_node = n;
		}
		break;
	case MD_IMAGE:
		if (s->link >= 0) {
			add_image(c, n, style, s->link);
		} else {
			uint32_t ls;
			int32_t l = new_link(c, md_url(n), 1, &ls);

			add_image(c, n, style | ls, l);
		}
		w->skip = 1;
		break;
	case MD_FOOTNOTE_REF: add_note_ref(c, lit, style, s->link); break;
	default: break;
	}
}

static void inline_exit(ctx *c, inl *s, md_node *n, uint32_t base)
{
	switch (md_node_type(n)) {
	case MD_EMPH: s->emph--; break;
	case MD_STRONG: s->strong--; break;
	case MD_STRIKETHROUGH: s->strike--; break;
	case MD_LINK:
		if (s->link >= 0 && s->link_node == n)
			link_exit(c, s, n, base);
		break;
	default: break;
	}
}

/* Flattens the inlines under n into c->ptext / c->segs (appending). */
static void collect(ctx *c, md_node *n, uint32_t base)
{
	walk w;
	inl s = { 0, 0, 0, -1, 0, 0, NULL };
	int ev;

	walk_init(&w, n);
	while ((ev = walk_next(&w)) != EV_DONE) {
		if (w.node == n)
			continue;
		if (ev == EV_ENTER)
			inline_enter(c, &w, &s, w.node, base);
		else
			inline_exit(c, &s, w.node, base);
	}
}

static void ptext_reset(ctx *c)
{
	c->ptext.len = 0;
	if (c->ptext.ptr)
		c->ptext.ptr[0] = '\0';
	c->nsegs = 0;
	c->natomic = 0;
	c->wide = 0;
	c->hard = 0;
	c->eat_space = 0;
	c->nunits = 0;
	c->nranges = 0;
}

/* --- grapheme clusters and units ----------------------------------------- */

/* The segment holding byte i (segs cover ptext without gaps). */
static size_t seg_at(const ctx *c, size_t i)
{
	size_t lo = 0, hi = c->nsegs;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (c->segs[mid].off <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int is_ri(uint32_t c)
{
	return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* The segment of byte j, searching forward from k. */
static size_t seg_from(const ctx *c, size_t k, size_t j)
{
	while (k + 1 < c->nsegs && c->segs[k].off + c->segs[k].len <= j)
		k++;
	return k;
}

/* The grapheme cluster starting at text[i] (before end): returns its end,
 * its width and its first code point.  *k tracks the segment of i.  A base
 * keeps its combining marks, variation selectors, emoji modifiers, ZWJ
 * sequences and regional-indicator pairs; a placeholder is one cluster. */
static size_t cluster(const ctx *c, size_t i, size_t end, size_t *k, int *w, uint32_t *cp)
{
	const char *t = c->ptext.ptr;
	size_t j, len, segend;
	uint32_t x;
	int ri;

	while (c->segs[*k].off + c->segs[*k].len <= i)
		(*k)++;
	segend = c->segs[*k].off + c->segs[*k].len;
	if (c->segs[*k].atomic) {
		*w = str_width(t + i, segend - i);
		*cp = 'X';
		return segend;
	}
	j = i + u8_decode(t + i, end - i, cp);
	*w = cp_width(*cp);
	if (*cp == ' ' || *cp == '\n')
		return j;
	ri = is_ri(*cp);
	while (j < end && !c->segs[seg_from(c, *k, j)].atomic) {
		len = u8_decode(t + j, end - j, &x);
		if (x == 0x200D) { /* a joiner takes the next character along */
			j += len;
			if (j < end && !c->segs[seg_from(c, *k, j)].atomic) {
				len = u8_decode(t + j, end - j, &x);
				if (x > ' ' && x != 0x200D)
					j += len, *w += cp_width(x);
			}
		} else if ((x >= 0x300 && cp_width(x) == 0) || (x >= 0x1F3FB && x <= 0x1F3FF)) {
			j += len, *w += cp_width(x);
		} else if (ri && is_ri(x)) {
			j += len, *w += cp_width(x);
			ri = 0;
		} else {
			break;
		}
	}
	return j;
}

/* Whether a line may break between p1 (after p2, p3) and x (before the
 * byte nx): between CJK characters unless kinsoku forbids, and after the
 * hyphen of a word like "well-known" (as Python's textwrap does). */
static int can_break(uint32_t p3, uint32_t p2, uint32_t p1, uint32_t x, unsigned char nx)
{
	if (!p1)
		return 0;
	if ((p1 >= 0x2E80 || x >= 0x2E80) && (is_cjk(p1) || is_cjk(x)))
		return !no_break_before(x) && !no_break_after(p1);
	if (p1 >= 0x2E80 || x >= 0x2E80)
		return 0;
	return p1 == '-' && is_alpha(p2) && is_alpha(p3) && is_alpha(x) && is_alpha(nx);
}

/* The end of the run of plain ASCII graphic characters at text[i..lim)
 * that can join a unit in one step: no hyphen (it may be a break), and not
 * the character before a non-ASCII one (which may be a combining mark). */
static size_t ascii_run(const char *t, size_t i, size_t lim, size_t end)
{
	size_t j = i;

	while (j < lim && t[j] > ' ' && t[j] < 0x7F && t[j] != '-')
		j++;
	if (j < end && (unsigned char)t[j] >= 0x80 && j > i)
		j--;
	return j;
}

/* Cuts text[a..b) into units appended to c->units. */
static void build_units(ctx *c, size_t a, size_t b)
{
	const char *t = c->ptext.ptr;
	size_t i = a, ce, k = a < c->ptext.len ? seg_at(c, a) : 0, gs = a, cur = 0, lim;
	uint32_t cp, p1 = 0, p2 = 0, p3 = 0;
	int w, gw = 0, hard = 0, open = 0, in_glue = 0;
	unit *u;

	while (i < b) {
		unsigned char ch = (unsigned char)t[i];

		while (c->segs[k].off + c->segs[k].len <= i)
			k++;
		lim = c->segs[k].off + c->segs[k].len < b ? c->segs[k].off + c->segs[k].len : b;
		if (c->segs[k].atomic)
			ce = cluster(c, i, b, &k, &w, &cp);
		else if ((ce = ascii_run(t, i, lim, b)) > i + 1)
			w = (int)(ce - i), cp = ch;
		else if (ch < 0x80 && (i + 1 == b || (unsigned char)t[i + 1] < 0x80))
			ce = i + 1, w = ch >= 0x20, cp = ch;
		else
			ce = cluster(c, i, b, &k, &w, &cp);
		if (cp == ' ' || cp == '\n') {
			if (cp == '\n')
				hard++, in_glue = 0, gw = 0;
			else if (!in_glue)
				in_glue = 1, gs = i, gw = w;
			else
				gw += w;
			open = 0;
			p1 = p2 = p3 = 0;
		} else {
			if (open &&
			    can_break(p3, p2, p1, cp, i + 1 < b ? (unsigned char)t[i + 1] : 0))
				open = 0, in_glue = 0, gw = 0;
			if (!open) {
				u = VPUSH(c->units, c->nunits, c->capunits);
				u->gs = (uint32_t)(in_glue ? gs : i);
				u->s = (uint32_t)i;
				u->gw = gw;
				u->hard = hard;
				cur = c->nunits - 1;
				hard = gw = in_glue = 0;
				open = 1;
			}
			c->units[cur].e = (uint32_t)ce;
			c->units[cur].w += w;
			if (ce - i > 1 && cp < 0x80) { /* an ASCII run */
				p3 = ce - i > 2 ? (unsigned char)t[ce - 3] : p1;
				p2 = (unsigned char)t[ce - 2];
				p1 = (unsigned char)t[ce - 1];
			} else {
				p3 = p2, p2 = p1, p1 = cp;
			}
		}
		i = ce;
	}
}

/* --- greedy filling ------------------------------------------------------ */

static void add_range(ctx *c, size_t s, size_t e, int w)
{
	range *r = VPUSH(c->ranges, c->nranges, c->capranges);

	r->s = (uint32_t)s;
	r->e = (uint32_t)e;
	r->w = w;
}

static int is_url_break(uint32_t cp)
{
	return cp == '/' || cp == '?' || cp == '&' || cp == '=' || cp == '-' || cp == '.' ||
	       cp == '@';
}

/* Cuts the grapheme text[i..e) that is wider than a whole line of `left`
 * columns between code points (a ZWJ sequence shows its parts, a
 * placeholder like "<U+202E>" its characters), keeping zero-width marks with
 * their base.  Returns the cut and its width in *w; i when even the first
 * code point is too wide. */
static size_t split_grapheme(const ctx *c, size_t i, size_t e, int left, int *w)
{
	size_t j = i, len;
	int acc = 0, xw;
	uint32_t x;

	while (j < e) {
		len = u8_decode(c->ptext.ptr + j, e - j, &x);
		xw = cp_width(x);
		if (xw > 0 && acc + xw > left)
			break;
		acc += xw;
		j += len;
	}
	*w = acc;
	return j < e ? j : i;
}

/* Where to cut text[s..e), a unit wider than `left` columns: after the last
 * grapheme that fits (at least one); in a URL after its last separator
 * that fills at least half the room, elsewhere after its last hyphen (as
 * Python's textwrap does); one grapheme earlier rather than before closing
 * or after opening punctuation.  *w gets the chunk's width. */
static size_t cut_point(const ctx *c, size_t s, size_t e, int left, int url, int *w)
{
	size_t i = s, k = seg_at(c, s), ce, fit = s, pfit = s, sep = s, cut;
	int cw, acc = 0, fit_w = 0, pfit_w = 0, sep_w = 0, word = 0;
	uint32_t cp, last = 0;

	while (i < e) {
		ce = cluster(c, i, e, &k, &cw, &cp);
		if (fit == s && cw > left && (cut = split_grapheme(c, i, ce, left, w)) > i)
			return cut;
		if (fit > s && acc + cw > left) {
			if ((no_break_before(cp) || no_break_after(last)) && pfit > s)
				fit = pfit, fit_w = pfit_w;
			break;
		}
		last = cp;
		acc += cw;
		pfit = fit, pfit_w = fit_w;
		fit = ce, fit_w = acc;
		if (url ? is_url_break(cp) : cp == '-' && word)
			sep = ce, sep_w = acc;
		word |= cp != '-';
		i = ce;
	}
	if (sep > s && sep < fit && (!url || sep_w * 2 >= left)) {
		*w = sep_w;
		return sep;
	}
	*w = fit_w;
	return fit;
}

/* Whether text[s..e) looks like a URL: "www." or a scheme and ':'. */
static int url_like(const ctx *c, size_t s, size_t e)
{
	const char *t = c->ptext.ptr + s;
	size_t i = 0, n = e - s;

	if (n > 4 && strncmp(t, "www.", 4) == 0)
		return 1;
	while (i < n && (is_alpha((unsigned char)t[i]) || (i && strchr("+-.", t[i]))))
		i++;
	return i > 1 && i + 1 < n && t[i] == ':';
}

/* Cuts a unit longer than a whole line.  As in Python's textwrap, its head
 * fills the rest of the current line -- except a URL, which starts a line
 * of its own so that its pieces end at separators. */
static void wrap_long(ctx *c, const unit *u, int avail, int *have, size_t *ls, size_t *le, int *cw)
{
	size_t s = u->s, cut;
	int rest = u->w, left = *have ? avail - *cw - u->gw : avail, w;
	int url = url_like(c, u->s, u->e);

	if (left < 1 || (*have && url)) {
		add_range(c, *ls, *le, *cw);
		*have = 0;
		left = avail;
	}
	while (rest > left) {
		cut = cut_point(c, s, u->e, left, url, &w);
		if (*have && w > left) { /* not even one grapheme fits here */
			add_range(c, *ls, *le, *cw);
			*have = 0;
			left = avail;
			continue;
		}
		if (!*have)
			*ls = s, *cw = 0;
		else
			*cw += u->gw;
		add_range(c, *ls, cut, *cw + w);
		*have = 0;
		rest -= w;
		s = cut;
		left = avail;
	}
	if (s == u->e) /* an overwide grapheme took it all */
		return;
	if (!*have)
		*ls = s, *cw = rest, *have = 1;
	else
		*cw += u->gw + rest;
	*le = u->e;
}

/* Fills units u0..u1 into lines of at most avail columns (c->ranges). */
static void wrap_units(ctx *c, size_t u0, size_t u1, int avail)
{
	size_t k, ls = 0, le = 0;
	int have = 0, cw = 0, h;
	unit *u;

	for (k = u0; k < u1; k++) {
		u = &c->units[k];
		for (h = 0; h < u->hard; h++) {
			add_range(c, have ? ls : u->s, have ? le : u->s, have ? cw : 0);
			have = 0;
		}
		if (!have && u->w <= avail) {
			ls = u->s, le = u->e, cw = u->w, have = 1;
		} else if (have && cw + u->gw + u->w <= avail) {
			cw += u->gw + u->w, le = u->e;
		} else if (u->w <= avail) {
			add_range(c, ls, le, cw);
			ls = u->s, le = u->e, cw = u->w;
		} else {
			wrap_long(c, u, avail, &have, &ls, &le, &cw);
		}
	}
	if (have)
		add_range(c, ls, le, cw);
}

/* Whether text[a..b) is all ASCII and free of placeholders. */
static int plain_ascii(const ctx *c, size_t a, size_t b)
{
	const char *t = c->ptext.ptr;
	size_t i = a;
	uint64_t w;

	if (c->natomic)
		return 0;
	if (!c->wide)
		return 1;
	for (; i + 8 <= b; i += 8) {
		memcpy(&w, t + i, 8);
		if (w & 0x8080808080808080ULL)
			return 0;
	}
	for (; i < b; i++)
		if ((unsigned char)t[i] >= 0x80)
			return 0;
	return 1;
}

/* The end of the unit starting at text[i] of plain ASCII text whose word
 * started at ws: the next space or line end, or just after a hyphen that
 * may break (the rule of can_break). */
static size_t ascii_unit_end(const char *t, size_t ws, size_t i, size_t b)
{
	size_t j = i;

	while (j < b && t[j] != ' ' && t[j] != '\n') {
		j++;
		if (t[j - 1] == '-' && j >= ws + 3 && is_alpha((unsigned char)t[j - 2]) &&
		    is_alpha((unsigned char)t[j - 3]) && j + 1 < b &&
		    is_alpha((unsigned char)t[j]) && is_alpha((unsigned char)t[j + 1]))
			return j;
	}
	return j;
}

/* wrap_units for plain ASCII text[a..b) without building units: the same
 * lines, found in one pass.  Returns 0 (adding nothing) when a word is
 * longer than a line; the general path handles that. */
static int wrap_ascii(ctx *c, size_t a, size_t b, int avail)
{
	const char *t = c->ptext.ptr;
	size_t i = a, j, ls = 0, le = 0, ws = a, r0 = c->nranges;
	int have = 0, cw = 0, gw, hard, w;

	while (i < b) {
		for (gw = 0, hard = 0; i < b && (t[i] == ' ' || t[i] == '\n'); i++) {
			if (t[i] == '\n')
				hard++, gw = 0;
			else
				gw++;
			ws = i + 1;
		}
		if (i >= b)
			break;
		j = ascii_unit_end(t, ws, i, b);
		w = (int)(j - i);
		for (; hard > 0; hard--) {
			add_range(c, have ? ls : i, have ? le : i, have ? cw : 0);
			have = 0;
		}
		if (!have && w <= avail) {
			ls = i, le = j, cw = w, have = 1;
		} else if (have && cw + gw + w <= avail) {
			cw += gw + w, le = j;
		} else if (w <= avail) {
			add_range(c, ls, le, cw);
			ls = i, le = j, cw = w;
		} else {
			c->nranges = r0;
			return 0;
		}
		i = j;
	}
	if (have)
		add_range(c, ls, le, cw);
	return 1;
}

/* Writes text[s..e) of the flattened inlines with their styles; the
 * caller knows its width. */
static void put_range(ctx *c, size_t s, size_t e, int w)
{
	c->line_w += w;
	size_t k, a, b;
	seg *g;

	if (s >= e)
		return;
	for (k = seg_at(c, s); k < c->nsegs && c->segs[k].off < e; k++) {
		g = &c->segs[k];
		a = g->off > s ? g->off : s;
		b = g->off + g->len < e ? g->off + g->len : e;
		if (b > a)
			put_w(c, c->ptext.ptr + a, b - a, 0, g->style, g->link);
	}
}

/* The width of text[a..b) when it can only be one line if it fits: no hard
 * break, no space at either end; else -1.  A width over max is not
 * measured to the end: the result is then some value > max. */
static int one_line_width(const ctx *c, size_t a, size_t b, int max)
{
	const char *t = c->ptext.ptr;

	if (a >= b || t[a] == ' ' || t[b - 1] == ' ' || (c->hard && memchr(t + a, '\n', b - a)))
		return -1;
	return c->wide || c->natomic ? str_width_max(t + a, b - a, max) : (int)(b - a);
}

/* Wraps the flattened inlines and writes them as lines; `lead` starts the
 * first line and its width in spaces indents the others. */
static void emit_inlines(ctx *c, const char *lead, uint32_t lead_style, int src, int flags)
{
	int lead_w = lead ? str_width(lead, strlen(lead)) : 0;
	int avail = avail_width(c) - lead_w, w;
	size_t i;

	if (lead && avail < 2) { /* no room beside the lead: it gets a line */
		put_prefix(c, 0);
		put_str(c, lead, lead_style);
		commit(c, src, flags);
		lead = NULL;
		flags = lead_w = 0;
		avail = avail_width(c);
	}
	avail = avail < 1 ? 1 : avail;
	w = one_line_width(c, 0, c->ptext.len, avail);
	if (w >= 0 && w <= avail) {
		add_range(c, 0, c->ptext.len, w);
	} else if (!plain_ascii(c, 0, c->ptext.len) || !wrap_ascii(c, 0, c->ptext.len, avail)) {
		build_units(c, 0, c->ptext.len);
		wrap_units(c, 0, c->nunits, avail);
	}
	if (!c->nranges)
		add_range(c, 0, 0, 0);
	for (i = 0; i < c->nranges; i++) {
		put_prefix(c, 0);
		if (lead && i == 0)
			put_str(c, lead, lead_style);
		else
			put_spaces(c, lead_w, 0);
		put_range(c, c->ranges[i].s, c->ranges[i].e, c->ranges[i].w);
		commit(c, src, i == 0 ? flags : 0);
	}
}

/* --- blocks ---------------------------------------------------------------- */

static void paragraph(ctx *c, md_node *n)
{
	ptext_reset(c);
	collect(c, n, base_style(c));
	emit_inlines(c, NULL, 0, md_start_line(n), 0);
}

static char *trimmed_plain(const char *plain)
{
	buf b = BUF_INIT;
	size_t s = 0, e = strlen(plain);

	while (s < e && plain[s] == ' ')
		s++;
	while (e > s && plain[e - 1] == ' ')
		e--;
	u8_sanitize(&b, plain + s, e - s, 0);
	return buf_detach(&b);
}

/* GitHub's anchors: the slug, then slug-1, slug-2 ... for repeats. */
static char *unique_anchor(ctx *c, const char *plain)
{
	char *base = u8_slug(plain);
	buf b = BUF_INIT;
	smap_ent *e;

	buf_puts(&b, base ? base : "");
	while (smap_get(&c->anchors, buf_cstr(&b), 0)) {
		e = smap_get(&c->anchors, base ? base : "", 1);
		e->val++;
		b.len = 0;
		buf_printf(&b, "%s-%d", base ? base : "", e->val);
	}
	smap_get(&c->anchors, buf_cstr(&b), 1);
	free(base);
	return buf_detach(&b);
}

static void heading(ctx *c, md_node *n)
{
	int level = md_heading_level(n), src = md_start_line(n);
	uint32_t hs = LS_HEADING(level);
	char lead[8] = "", *plain;
	layout_heading *h;

	if (level < 1 || level > 6)
		level = 1, hs = LS_HEADING(1);
	ptext_reset(c);
	collect(c, n, base_style(c) | hs | LS_BOLD | (level == 1 ? LS_UNDERLINE : 0));
	if (level >= 3) {
		memset(lead, '#', (size_t)level);
		lead[level] = ' ';
	}
	h = VPUSH(c->heads, c->nheads, c->capheads);
	h->level = level;
	h->line = (int)c->nlines;
	plain = md_plain_text(n);
	h->text = trimmed_plain(plain);
	h->anchor = unique_anchor(c, plain);
	free(plain);
	emit_inlines(c, level >= 3 ? lead : NULL, LS_MARKER | hs, src, LL_HEADING);
	if (level <= 2) {
		put_prefix(c, 0);
		put_rep(c, level == 1 ? c->g->h1 : c->g->h2, avail_width(c), LS_RULE | hs);
		commit(c, src, 0);
	}
}

static void thematic_break(ctx *c, int src)
{
	put_prefix(c, 0);
	if (c->o->ascii) {
		int n = avail_width(c);

		put_rep(c, c->g->hr, (n + 1) / 2, LS_RULE);
	} else {
		put_rep(c, c->g->hr, avail_width(c), LS_RULE);
	}
	commit(c, src, 0);
}

/* Writes one source line of a code or HTML block: tabs expand to stops
 * counted from the block's left edge; controls become placeholders.  Runs
 * of printable ASCII are as wide as they are long. */
static void verbatim_line(ctx *c, const char *s, size_t n, uint32_t style)
{
	size_t i = 0, start = 0, len;
	int col = 0, w;
	uint32_t cp, prev = 0, shown;
	unsigned ri = 0;

	while (i < n) {
		unsigned char b = (unsigned char)s[i];

		if (b >= 0x20 && b < 0x7F) {
			col++, i++, prev = b;
			continue;
		}
		put_w(c, s + start, i - start, (int)(i - start), style, -1);
		len = u8_decode(s + i, n - i, &cp);
		shown = split_cp(c, prev, cp, s + i + len, n - i - len, 0, &ri);
		if (b == '\t') {
			put_spaces(c, TAB_STOP - col % TAB_STOP, style);
			col += TAB_STOP - col % TAB_STOP;
		} else if (shown != cp) {
			if (shown) {
				char letter = (char)shown;

				put_w(c, &letter, 1, 1, style, -1);
				col++;
			}
		} else if (len == 1 && cp == 0xFFFD) {
			put_w(c, "\xEF\xBF\xBD", 3, cp_width(0xFFFD), style, -1);
			col++;
		} else if (cp_safe(cp, 'X', s + i + len, n - i - len, 0)) {
			w = cp_width(cp);
			put_w(c, s + i, len, w, style, -1);
			col += w;
		} else {
			c->tmp.len = 0;
			u8_placeholder(&c->tmp, cp);
			w = str_width(c->tmp.ptr, c->tmp.len);
			put_w(c, c->tmp.ptr, c->tmp.len, w, style | LS_CONTROL, -1);
			col += w;
		}
		prev = cp;
		i += len;
		start = i;
	}
	put_w(c, s + start, i - start, (int)(i - start), style, -1);
}

/* Code and HTML blocks: one source line, one layout line. */
static void verbatim(ctx *c, md_node *n, int code)
{
	const char *lit = md_literal(n), *p = lit, *nl;
	size_t len = strlen(lit), count = 0, i;
	int src = md_start_line(n), off;
	uint32_t style = base_style(c) | (code ? LS_CODE : LS_DIM);

	if (len && lit[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		count += lit[i] == '\n';
	count++;
	off = code && md_end_line(n) - src + 1 > (int)count ? 1 : 0;
	for (i = 0; i < count; i++) {
		nl = memchr(p, '\n', (size_t)(lit + len - p));
		if (!nl)
			nl = lit + len;
		put_prefix(c, 0);
		if (code) {
			put_str(c, c->g->gutter, LS_RULE);
			put_spaces(c, 1, 0);
		}
		verbatim_line(c, p, (size_t)(nl - p), style);
		commit(c, src + off + (int)i, 0);
		p = nl + 1;
	}
}

/* --- tables -------------------------------------------------------------- */

typedef struct cell {
	size_t a, b;   /* its text */
	size_t u0, u1; /* its units, once built */
	size_t r0, r1; /* its lines */
	int nat, longest, widest, built;
} cell;

typedef struct table_info {
	int ncols, nrows, scroll;
	cell *cells;
	int *nat, *mn, *hm, *w, *align;
	int *srcs, *head;
} table_info;

/* Cuts a cell into units and measures its longest unit. */
static void cell_units(ctx *c, cell *cl)
{
	size_t k;

	cl->u0 = c->nunits;
	build_units(c, cl->a, cl->b);
	cl->u1 = c->nunits;
	cl->built = 1;
	cl->nat = 0;
	for (k = cl->u0; k < cl->u1; k++) {
		unit *u = &c->units[k];

		cl->nat += (k > cl->u0 ? u->gw : 0) + u->w;
		if (u->w > cl->longest)
			cl->longest = u->w;
	}
}

/* The widest grapheme of a cell (it cannot be narrower). */
static void cell_widest(ctx *c, cell *cl)
{
	size_t i = cl->a, k;
	int w;
	uint32_t cp;

	if (cl->a >= cl->b)
		return;
	if (plain_ascii(c, cl->a, cl->b)) {
		cl->widest = 1;
		return;
	}
	k = seg_at(c, cl->a);
	while (i < cl->b) {
		i = cluster(c, i, cl->b, &k, &w, &cp);
		if (w > cl->widest)
			cl->widest = w;
	}
}

/* Shares `extra` columns among n columns in proportion to want[i]. */
static void share(int *w, const int *want, int n, int extra)
{
	long long total = 0;
	int i, given = 0, g;

	for (i = 0; i < n; i++)
		total += want[i];
	if (total <= 0 || extra <= 0)
		return;
	if (extra >= total) {
		for (i = 0; i < n; i++)
			w[i] += want[i];
		return;
	}
	for (i = 0; i < n; i++) {
		g = (int)((long long)extra * want[i] / total);
		w[i] += g;
		given += g;
	}
	for (i = 0; given < extra; i = (i + 1) % n) {
		if (want[i] > 0) {
			w[i]++;
			given++;
		}
	}
}

/* Column widths for the room left by borders: natural widths when they
 * fit; else every column's longest word plus a share of the rest; else
 * narrower still, cutting words; when not even that fits, natural widths
 * and horizontal scrolling. */
static void table_widths(table_info *t, int room)
{
	int i, n = t->ncols, sum_nat = 0, sum_mn = 0, sum_hm = 0;
	int *want = calloc((size_t)n + 1, sizeof *want);

	if (!want)
		abort();
	for (i = 0; i < n; i++) {
		sum_nat += t->nat[i];
		t->mn[i] = t->mn[i] < t->nat[i] ? t->mn[i] : t->nat[i];
		sum_mn += t->mn[i];
		sum_hm += t->hm[i];
	}
	if (sum_nat <= room || sum_hm > room) {
		memcpy(t->w, t->nat, (size_t)n * sizeof *t->w);
		t->scroll = sum_nat > room;
	} else if (sum_mn <= room) {
		for (i = 0; i < n; i++)
			t->w[i] = t->mn[i], want[i] = t->nat[i] - t->mn[i];
		share(t->w, want, n, room - sum_mn);
	} else {
		for (i = 0; i < n; i++)
			t->w[i] = t->hm[i], want[i] = t->mn[i] - t->hm[i];
		share(t->w, want, n, room - sum_hm);
	}
	free(want);
}

static void table_border(ctx *c, const table_info *t, int kind, int src, int flags)
{
	const char *const *b = c->g->border[kind];
	int i;

	put_prefix(c, 0);
	for (i = 0; i < t->ncols; i++) {
		put_str(c, i ? b[2] : b[0], LS_RULE);
		put_rep(c, b[1], t->w[i] + 2, LS_RULE);
	}
	put_str(c, b[3], LS_RULE);
	commit(c, src, flags);
}

static void table_row(ctx *c, const table_info *t, int r, int flags)
{
	size_t h = 0, k;
	int i, pad, left;
	cell *cl;
	range *rg;

	for (i = 0; i < t->ncols; i++) {
		cl = &t->cells[(size_t)r * (size_t)t->ncols + (size_t)i];
		if (cl->r1 - cl->r0 > h)
			h = cl->r1 - cl->r0;
	}
	for (k = 0; k < (h ? h : 1); k++) {
		put_prefix(c, 0);
		for (i = 0; i < t->ncols; i++) {
			cl = &t->cells[(size_t)r * (size_t)t->ncols + (size_t)i];
			rg = k < cl->r1 - cl->r0 ? &c->ranges[cl->r0 + k] : NULL;
			pad = t->w[i] - (rg ? rg->w : 0);
			pad = pad < 0 ? 0 : pad;
			switch (t->align[i]) {
			case MD_ALIGN_RIGHT: left = pad; break;
			case MD_ALIGN_CENTER: left = pad / 2; break;
			default: left = 0; break;
			}
			put_str(c, c->g->vert, LS_RULE);
			put_spaces(c, 1 + left, 0);
			if (rg)
				put_range(c, rg->s, rg->e, rg->w);
			put_spaces(c, pad - left + 1, 0);
		}
		put_str(c, c->g->vert, LS_RULE);
		commit(c, t->srcs[r], flags);
	}
}

#define CELL(t, r, i) (&(t)->cells[(size_t)(r) * (size_t)(t)->ncols + (size_t)(i)])

/* Flattens every cell into ptext and measures the columns' natural widths;
 * cells are cut into units only when something must wrap. */
static void table_collect(ctx *c, md_node *tn, table_info *t)
{
	md_node *row, *cn;
	int r = 0, i;
	cell *cl;

	ptext_reset(c);
	for (row = md_first_child(tn); row && r < t->nrows; row = md_next(row), r++) {
		t->srcs[r] = md_start_line(row);
		t->head[r] = md_table_row_is_header(row);
		for (cn = md_first_child(row), i = 0; cn && i < t->ncols; cn = md_next(cn), i++) {
			cl = CELL(t, r, i);
			cl->a = c->ptext.len;
			collect(c, cn, base_style(c) | (t->head[r] ? LS_BOLD : 0));
			cl->b = c->ptext.len;
			cl->nat = one_line_width(c, cl->a, cl->b, INT_MAX);
			if (cl->nat < 0)
				cell_units(c, cl);
		}
		for (; i < t->ncols; i++)
			CELL(t, r, i)->a = CELL(t, r, i)->b = c->ptext.len;
	}
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if (CELL(t, r, i)->nat > t->nat[i])
				t->nat[i] = CELL(t, r, i)->nat;
}

/* The longest word and widest grapheme of each column, for narrowing. */
static void table_minimums(ctx *c, table_info *t)
{
	int r, i;
	cell *cl;

	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			cl = CELL(t, r, i);
			if (!cl->built)
				cell_units(c, cl);
			cell_widest(c, cl);
			if (cl->longest > t->mn[i])
				t->mn[i] = cl->longest;
			if (cl->widest > t->hm[i])
				t->hm[i] = cl->widest;
		}
}

static void table_emit(ctx *c, table_info *t)
{
	int r, i, tall = 0, flags;
	cell *cl;

	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			cl = CELL(t, r, i);
			cl->r0 = c->nranges;
			if (!cl->built && cl->nat <= t->w[i])
				add_range(c, cl->a, cl->b, cl->nat);
			else
				wrap_units(c, cl->u0, cl->u1, t->w[i] > 0 ? t->w[i] : 1);
			cl->r1 = c->nranges;
			if (!t->head[r] && cl->r1 - cl->r0 > 1)
				tall = 1;
		}
	}
	flags = t->scroll ? LL_SCROLL : 0;
	table_border(c, t, B_TOP, t->srcs[0], flags);
	for (r = 0; r < t->nrows; r++) {
		if (r > 0 && t->head[r - 1] && !t->head[r])
			table_border(c, t, B_HEAD, t->srcs[r - 1], flags);
		else if (r > 0 && tall)
			table_border(c, t, B_ROW, t->srcs[r - 1], flags);
		table_row(c, t, r, flags);
	}
	table_border(c, t, B_BOTTOM, t->srcs[t->nrows - 1], flags);
}

static void table(ctx *c, md_node *tn)
{
	table_info t;
	md_node *row;
	size_t nc;
	int room, i, sum = 0;

	memset(&t, 0, sizeof t);
	t.ncols = md_table_columns(tn);
	for (row = md_first_child(tn); row; row = md_next(row))
		t.nrows++;
	if (t.ncols < 1 || t.nrows < 1)
		return;
	nc = (size_t)t.ncols;
	t.cells = calloc((size_t)t.nrows * nc, sizeof *t.cells);
	t.nat = calloc(nc * 5, sizeof(int));
	t.srcs = calloc((size_t)t.nrows * 2, sizeof(int));
	if (!t.cells || !t.nat || !t.srcs)
		abort();
	t.mn = t.nat + nc;
	t.hm = t.mn + nc;
	t.w = t.hm + nc;
	t.align = t.w + nc;
	for (i = 0; i < t.ncols; i++)
		t.align[i] = md_table_align(tn, i);
	t.head = t.srcs + t.nrows;
	table_collect(c, tn, &t);
	room = avail_width(c) - 3 * t.ncols - 1;
	for (i = 0; i < t.ncols; i++)
		sum += t.nat[i];
	if (sum > room)
		table_minimums(c, &t);
	table_widths(&t, room);
	table_emit(c, &t);
	free(t.cells);
	free(t.nat);
	free(t.srcs);
}

/* --- lists, items, quotes, notes ----------------------------------------- */

static int digits(long long v)
{
	int d = 1;

	if (v < 0)
		v = -v, d++;
	while (v >= 10)
		v /= 10, d++;
	return d;
}

static int str_w(const char *s)
{
	return str_width(s, strlen(s));
}

static void list_enter(ctx *c, md_node *n)
{
	list_state *l = VPUSH(c->ls, c->nls, c->capls);
	md_node *it;
	long long count = 0;
	int task = 0, box = str_w(c->g->todo);
	size_t i;

	for (it = md_first_child(n); it; it = md_next(it)) {
		count++;
		task |= md_task_state(it) != 0;
	}
	l->ordered = md_list_type(n) == MD_LIST_ORDERED;
	l->tasks = task;
	l->next = md_list_start(n);
	for (i = 0; i + 1 < c->nls; i++)
		l->level += !c->ls[i].ordered;
	if (l->ordered) {
		l->digits = digits(l->next + (count ? count - 1 : 0));
		l->mark_w = l->digits + 1 + (task ? box + 1 : 0) + 1;
	} else {
		l->mark_w = (task && box > 1 ? box : 1) + 1;
	}
}

static void item_enter(ctx *c, md_node *n)
{
	list_state *l = &c->ls[c->nls - 1];
	int task = l->tasks ? md_task_state(n) : 0;
	const char *box = task == 2 ? c->g->done : c->g->todo;
	frame *f = push_frame(c, F_ITEM, l->mark_w);

	if (l->ordered) {
		snprintf(f->mark, sizeof f->mark, "%lld.%s%s", l->next, task ? " " : "",
		         task ? box : "");
		f->pad = l->digits - digits(l->next);
		l->next++;
	} else {
		snprintf(f->mark, sizeof f->mark, "%s", task ? box : c->g->bullet[l->level % 3]);
	}
	f->mark_w = str_w(f->mark);
}

static void note_enter(ctx *c, md_node *n)
{
	frame *f;
	char mark[32];

	if (!c->notes_def++) {
		thematic_break(c, md_start_line(n));
		put_prefix(c, 1);
		commit(c, md_start_line(n), 0);
	}
	snprintf(mark, sizeof mark, "[%d]", c->notes_def);
	f = push_frame(c, F_ITEM, str_w(mark) + 1);
	snprintf(f->mark, sizeof f->mark, "%s", mark);
	f->mark_w = str_w(mark);
}

/* An item or note that ends without a line shows its marker alone. */
static void item_exit(ctx *c, md_node *n)
{
	if (c->unused_from < c->nfr) {
		put_prefix(c, 0);
		commit(c, md_start_line(n), 0);
	}
	pop_frame(c);
}

/* Blocks in a tight list are not separated by blank lines. */
static int tight(md_node *n)
{
	md_node *p = md_parent(n);

	if (md_node_type(n) == MD_ITEM)
		return md_list_tight(p);
	return md_node_type(p) == MD_ITEM && md_list_tight(md_parent(p));
}

static void block_enter(ctx *c, walk *w, md_node *n)
{
	enum md_type t = md_node_type(n);

	if (t == MD_HTML_BLOCK && is_comment(md_literal(n)))
		return;
	if (t != MD_DOCUMENT)
		flush_blank(c);
	switch (t) {
	case MD_BLOCK_QUOTE:
		push_frame(c, F_QUOTE, str_w(c->g->quote) + 1);
		c->quotes++;
		break;
	case MD_LIST: list_enter(c, n); break;
	case MD_ITEM: item_enter(c, n); break;
	case MD_FOOTNOTE_DEF: note_enter(c, n); break;
	case MD_PARAGRAPH: paragraph(c, n); break;
	case MD_HEADING: heading(c, n); break;
	case MD_CODE_BLOCK: verbatim(c, n, 1); break;
	case MD_HTML_BLOCK: verbatim(c, n, 0); break;
	case MD_THEMATIC_BREAK: thematic_break(c, md_start_line(n)); break;
	case MD_TABLE: table(c, n); break;
	default: return;
	}
	w->skip = t == MD_PARAGRAPH || t == MD_HEADING || t == MD_TABLE;
}

static void block_exit(ctx *c, md_node *n)
{
	enum md_type t = md_node_type(n);

	switch (t) {
	case MD_DOCUMENT: return;
	case MD_BLOCK_QUOTE:
		pop_frame(c);
		c->quotes--;
		break;
	case MD_LIST: c->nls--; break;
	case MD_ITEM:
	case MD_FOOTNOTE_DEF: item_exit(c, n); break;
	case MD_HTML_BLOCK:
		if (is_comment(md_literal(n)))
			return;
		break;
	default: break;
	}
	c->need_blank = !tight(n);
}

/* --- the whole document ------------------------------------------------- */

static void ctx_free(ctx *c)
{
	buf_free(&c->text);
	free(c->spans);
	buf_free(&c->ptext);
	buf_free(&c->tmp);
	free(c->segs);
	free(c->units);
	free(c->ranges);
	free(c->fr);
	free(c->ls);
	smap_free(&c->anchors);
	smap_free(&c->notes);
	smap_free(&c->exists);
}

/* Hands the arrays to a doc. */
static layout_doc *finish(ctx *c)
{
	doc_priv *d = calloc(1, sizeof *d);

	if (!d)
		abort();
	d->arena = c->arena;
	d->pub.lines = c->lines;
	d->pub.nlines = c->nlines;
	d->pub.links = c->links;
	d->pub.nlinks = c->nlinks;
	d->pub.headings = c->heads;
	d->pub.nheadings = c->nheads;
	d->pub.width = c->width;
	return &d->pub;
}

struct layout_stream {
	ctx c;
};

layout_stream *layout_stream_new(const layout_opts *opts, err_info *e)
{
	layout_stream *s;
	ctx *c;
	int min_text;

	if (!opts || opts->width < 1 || opts->width > LAYOUT_MAX_WIDTH) {
		err_set(e, ERR_USAGE, "layout width must be between 1 and %d", LAYOUT_MAX_WIDTH);
		return NULL;
	}
	width_cache_check();
	s = calloc(1, sizeof *s);
	if (!s)
		abort();
	c = &s->c;
	c->o = opts;
	c->g = opts->ascii ? &ascii_glyphs : &unicode_glyphs;
	c->width = opts->width;
	min_text = c->width >= 24 ? 12 : (c->width + 1) / 2;
	c->max_prefix = c->width - min_text;
	return s;
}

layout_doc *layout_stream_add(layout_stream *s, const md_doc *doc)
{
	ctx *c = &s->c;
	md_node *root = md_root(doc);
	layout_doc *d;
	walk w;
	int ev;

	c->lines = vgrow(NULL, &c->caplines, (size_t)md_end_line(root) + 16, sizeof *c->lines);
	walk_init(&w, root);
	while ((ev = walk_next(&w)) != EV_DONE) {
		if (ev == EV_ENTER)
			block_enter(c, &w, w.node);
		else
			block_exit(c, w.node);
	}
	d = finish(c);
	c->before += c->nlines;
	c->arena = NULL;
	c->lines = NULL;
	c->links = NULL;
	c->heads = NULL;
	c->nlines = c->caplines = c->nlinks = c->caplinks = c->nheads = c->capheads = 0;
	return d;
}

void layout_stream_free(layout_stream *s)
{
	if (!s)
		return;
	ctx_free(&s->c);
	free(s);
}

layout_doc *layout_render(const md_doc *doc, const layout_opts *opts, err_info *e)
{
	layout_stream *s = layout_stream_new(opts, e);
	layout_doc *d;

	if (!s)
		return NULL;
	d = layout_stream_add(s, doc);
	layout_stream_free(s);
	return d;
}

void layout_free(layout_doc *d)
{
	doc_priv *p = (doc_priv *)d;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nlinks; i++) {
		free(d->links[i].url);
		free(d->links[i].slug);
		free(d->links[i].fragment);
	}
	for (i = 0; i < d->nheadings; i++) {
		free(d->headings[i].text);
		free(d->headings[i].anchor);
	}
	free(d->links);
	free(d->headings);
	free(d->lines);
	arena_free(p->arena);
	free(p);
}

size_t layout_find_src_line(const layout_doc *d, int src_line)
{
	size_t i;

	if (!d || !d->nlines)
		return 0;
	for (i = 0; i < d->nlines; i++)
		if (d->lines[i].src_line >= src_line)
			return i;
	return d->nlines - 1;
}

/* --- output ---------------------------------------------------------------- */

void layout_to_text(const layout_doc *d, buf *out)
{
	size_t i, total = 0;
	char *p;

	for (i = 0; d && i < d->nlines; i++)
		total += d->lines[i].len + 1;
	buf_grow(out, total);
	p = out->ptr + out->len;
	for (i = 0; d && i < d->nlines; i++) {
		memcpy(p, d->lines[i].text, d->lines[i].len);
		p += d->lines[i].len;
		*p++ = '\n';
	}
	out->len += total;
	out->ptr[out->len] = '\0';
}

/* The 16-colour foreground of a style: the TUI's palette and precedence
 * (ui_style_attr in ui.c), so that show and the page view agree. */
static int fg_colour(uint32_t st)
{
	int fg = 0;

	if (st & LS_CONTROL)
		fg = 31; /* red */
	if (LS_HEADING_LEVEL(st))
		fg = 35; /* magenta */
	if (st & LS_CODE)
		fg = 32; /* green */
	if ((st & (LS_MARKER | LS_RULE)) && !fg)
		fg = 33; /* yellow */
	if (st & LS_LINK)
		fg = 36; /* cyan */
	if (st & LS_LINK_EXTERNAL)
		fg = 34; /* blue */
	if (st & LS_LINK_MISSING)
		fg = 31; /* red */
	return fg;
}

static void sgr(buf *out, uint32_t st, int colour)
{
	int fg = colour ? fg_colour(st) : 0;

	if (!st) {
		buf_puts(out, "\033[0m");
		return;
	}
	buf_puts(out, "\033[0");
	if (st & LS_BOLD)
		buf_puts(out, ";1");
	if (st & LS_DIM)
		buf_puts(out, ";2");
	if (st & LS_ITALIC)
		buf_puts(out, ";3");
	if (st & LS_UNDERLINE)
		buf_puts(out, ";4");
	if (st & (LS_CONTROL | LS_MATCH | LS_FOCUS))
		buf_puts(out, ";7");
	if (st & LS_STRIKE)
		buf_puts(out, ";9");
	if (fg)
		buf_printf(out, ";%d", fg);
	buf_putc(out, 'm');
}

/* The attributes a style shows (LS_QUOTE and LS_HEADING alone show
 * nothing in monochrome beyond their bold). */
static uint32_t shown(uint32_t st, int colour)
{
	uint32_t keep = LS_BOLD | LS_DIM | LS_ITALIC | LS_UNDERLINE | LS_CONTROL | LS_MATCH |
	                LS_FOCUS | LS_STRIKE;

	return colour && fg_colour(st) ? st : st & keep;
}

void layout_to_ansi(const layout_doc *d, buf *out, int colour)
{
	size_t i, k;
	uint32_t cur, st;

	for (i = 0; d && i < d->nlines; i++) {
		const layout_line *l = &d->lines[i];

		cur = 0;
		for (k = 0; k < l->nspans; k++) {
			st = shown(l->spans[k].style, colour);
			if (st != cur)
				sgr(out, st, colour);
			cur = st;
			buf_put(out, l->text + l->spans[k].off, l->spans[k].len);
		}
		if (cur)
			buf_puts(out, "\033[0m");
		buf_putc(out, '\n');
	}
}

static char style_letter(uint32_t st)
{
	int h = (int)LS_HEADING_LEVEL(st);

	if (st & LS_CONTROL)
		return '!';
	if (st & LS_LINK_MISSING)
		return 'm';
	if (st & LS_LINK_EXTERNAL)
		return 'x';
	if (st & LS_LINK)
		return 'l';
	if (st & LS_RULE)
		return '-';
	if (st & LS_MARKER)
		return '>';
	if (h)
		return (char)('0' + h);
	if (st & LS_CODE)
		return 'c';
	if (st & LS_DIM)
		return 'd';
	if ((st & LS_BOLD) && (st & LS_ITALIC))
		return 'B';
	if (st & LS_BOLD)
		return 'b';
	if (st & LS_ITALIC)
		return 'i';
	if (st & LS_STRIKE)
		return 's';
	if (st & LS_UNDERLINE)
		return 'u';
	if (st & LS_QUOTE)
		return 'q';
	return '.';
}

void layout_to_styles(const layout_doc *d, buf *out)
{
	size_t i, k, j, len;
	uint32_t cp;
	int w;

	for (i = 0; d && i < d->nlines; i++) {
		const layout_line *l = &d->lines[i];

		for (k = 0; k < l->nspans; k++) {
			const layout_span *sp = &l->spans[k];
			char ch = style_letter(sp->style);

			for (j = 0; j < sp->len; j += len) {
				len = u8_decode(l->text + sp->off + j, sp->len - j, &cp);
				for (w = cp_width(cp); w > 0; w--)
					buf_putc(out, ch);
			}
		}
		buf_putc(out, '\n');
	}
}
