/* markdown: a parse of one page with cmark-gfm, its wiki links turned into
 * link nodes, and the questions the rest of docday asks of the tree (see
 * markdown.h).  This file and the HTML exporter are the only ones that see
 * cmark: an md_node is a cmark_node under another name, never a copy. */
#include "markdown.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm_version.h>
#ifdef HAVE_CMARK_GFM_NODE_H
#include <cmark-gfm/node.h>
#endif

#include "buf.h"
#include "u8.h"

#define MAX_LEN ((size_t)64 * 1024 * 1024)

struct md_doc {
	cmark_node *root;
	cmark_mem *mem; /* what the tree's memory comes from */
	int arena;      /* mem is the arena (MD_ARENA) */
	int pieces;     /* the text was parsed in this many pieces */
};

/* What docday notes on the nodes it makes (wiki links and the text around
 * them), as cmark user_data freed with the node: cmark's API cannot set a
 * new node's source position, and md_is_wiki_link needs a mark.  Nothing
 * else in docday may set user_data on these trees. */
typedef struct made {
	int wiki; /* a LINK from [[...]] */
	int line; /* source line, 0 when unknown */
} made;

static const char *const extension_names[] = { "table", "strikethrough", "autolink", "tasklist" };

#define CN(n) ((cmark_node *)(n))
#define MN(n) ((md_node *)(n))

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* --- parsing -------------------------------------------------------------- */

/* Source lines (1-based, ascending) that may hold a wiki link. */
typedef struct line_set {
	int *v;
	size_t n, cap;
} line_set;

static int wiki_lines(const char *s, size_t n, line_set *out);
static void wiki_links(cmark_node *root, const line_set *lines, cmark_mem *mem);
static int node_line(cmark_node *c, int end);
static cmark_mem *arena_take(size_t len);
static void arena_reset(void);

/* The tree's links and node types.  With cmark's node structure at hand
 * (and the library of that header's version: same_version) they are read
 * from the node, else through cmark's functions: walking the tree is most
 * of what the layout does, and a call into the shared library per step
 * cost it a tenth of its time on the bench's big page. */
#ifdef HAVE_CMARK_GFM_NODE_H
static int direct; /* set once by ensure_extensions */
/* Whether the library is the version of the header that describes its
 * nodes. */
static int same_version(void)
{
	return cmark_version() == CMARK_GFM_VERSION;
}

#define N_GET(c, field, fn) ((c) && direct ? (c)->field : fn(c))
#else
#define N_GET(c, field, fn) fn(c)
static const int direct = 0; /* texts are never cut (pieces_of) */
#endif
static inline cmark_node *n_first_child(cmark_node *c)
{
	return N_GET(c, first_child, cmark_node_first_child);
}
static inline cmark_node *n_last_child(cmark_node *c)
{
	return N_GET(c, last_child, cmark_node_last_child);
}
static inline cmark_node *n_next(cmark_node *c)
{
	return N_GET(c, next, cmark_node_next);
}
static inline cmark_node *n_prev(cmark_node *c)
{
	return N_GET(c, prev, cmark_node_previous);
}
static inline cmark_node *n_parent(cmark_node *c)
{
	return N_GET(c, parent, cmark_node_parent);
}
static inline cmark_node_type n_type(cmark_node *c)
{
	return (cmark_node_type)N_GET(c, type, cmark_node_get_type);
}
static cmark_node *parse_pieces(const char *text, size_t len, int opts, cmark_mem *mem,
                                int *pieces);

size_t md_max_len(void)
{
	return MAX_LEN;
}

static void ensure_extensions(void)
{
	static int done;

	if (!done) {
		cmark_gfm_core_extensions_ensure_registered();
#ifdef HAVE_CMARK_GFM_NODE_H
		direct = same_version();
#endif
		done = 1;
	}
}

/* Whether a followed by b occurs in s[0..n) (memchr is much faster than
 * memmem for a needle this short). */
static int has_pair(const char *s, size_t n, char a, char b)
{
	const char *p = s, *end = s + n;

	while (p < end && (p = memchr(p, a, (size_t)(end - p))) && ++p < end)
		if (*p == b)
			return 1;
	return 0;
}

/* The parser's options for text[0..len).  Two of them only cost time when
 * they cannot change the tree: cmark's UTF-8 check copies every line byte
 * by byte, and its footnote pass walks the whole tree once more -- so the
 * check runs only when u8_valid finds a bad byte or a NUL (the two replace
 * exactly the same bytes with U+FFFD), and footnotes only when "[^", which
 * every reference and definition starts with, occurs. */
static int parse_options(const char *text, size_t len, int flags)
{
	int opts = CMARK_OPT_SOURCEPOS;

	if (!u8_valid(text, len, NULL))
		opts |= CMARK_OPT_VALIDATE_UTF8;
	if ((flags & MD_FOOTNOTES) && has_pair(text, len, '[', '^'))
		opts |= CMARK_OPT_FOOTNOTES;
	return opts;
}

/* Parses text[0..len) in one piece, with memory from mem. */
static cmark_node *parse_one(const char *text, size_t len, int opts, cmark_mem *mem)
{
	cmark_parser *p = cmark_parser_new_with_mem(opts, mem);
	cmark_node *root;
	size_t i;

	for (i = 0; i < sizeof extension_names / sizeof *extension_names; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);

		if (ext)
			cmark_parser_attach_syntax_extension(p, ext);
	}
	if (len)
		cmark_parser_feed(p, text, len);
	root = cmark_parser_finish(p);
	cmark_parser_free(p);
	return root;
}

/* A new document for a text of len bytes, with its memory. */
static md_doc *doc_new(size_t len, int flags)
{
	md_doc *d = calloc(1, sizeof *d);

	if (!d)
		abort();
	d->mem = (flags & MD_ARENA) ? arena_take(len) : NULL;
	d->arena = d->mem != NULL;
	if (!d->mem)
		d->mem = cmark_get_default_mem_allocator();
	d->pieces = 1;
	return d;
}

/* The wiki-link pass over d, whose text text[0..len) starts at line
 * first of the whole. */
static void doc_wiki(md_doc *d, const char *text, size_t len, int first)
{
	line_set lines = { NULL, 0, 0 };
	size_t i;

	if (wiki_lines(text, len, &lines)) {
		for (i = 0; first > 1 && i < lines.n; i++)
			lines.v[i] += first - 1;
		wiki_links(d->root, &lines, d->mem);
		free(lines.v);
	}
}

/* -1 with e set when a text of len bytes is too large to parse. */
static int too_large(size_t len, err_info *e)
{
	if (len <= MAX_LEN)
		return 0;
	return err_set(e, ERR_USER, "page too large (%zu bytes; the limit is 64 MiB)", len);
}

md_doc *md_parse(const char *text, size_t len, int flags, err_info *e)
{
	int opts;
	md_doc *d;

	if (too_large(len, e) < 0)
		return NULL;
	ensure_extensions();
	opts = parse_options(text, len, flags);
	d = doc_new(len, flags);
	d->root = parse_pieces(text, len, opts, d->mem, &d->pieces);
	if (!d->root)
		d->root = parse_one(text, len, opts, d->mem);
	doc_wiki(d, text, len, 1);
	return d;
}

void md_free(md_doc *d)
{
	if (!d)
		return;
	if (d->arena)
		arena_reset(); /* the whole tree at once, no walk */
	else
		cmark_node_free(d->root);
	free(d);
}

int md_pieces(const md_doc *d)
{
	return d ? d->pieces : 0;
}

char *md_debug_xml(const md_doc *d)
{
	return d ? cmark_render_xml_with_mem(d->root, CMARK_OPT_SOURCEPOS,
	                                     cmark_get_default_mem_allocator())
	         : NULL;
}

struct cmark_mem *md_cmark_mem(const md_doc *d)
{
	return d ? d->mem : NULL;
}

md_node *md_root(const md_doc *d)
{
	return d ? MN(d->root) : NULL;
}

struct cmark_node *md_cmark_root(const md_doc *d)
{
	return d ? d->root : NULL;
}

/* --- the arena (MD_ARENA) --------------------------------------------------
 *
 * cmark allocates every node and most of their strings one by one, and
 * cmark_node_free walks the tree to give each back.  Two users parse with
 * MD_ARENA and get their memory from this arena instead: show and view,
 * which parse one page (a 2 MB page is ~270,000 nodes in ~35 MB), and the
 * HTML export, which parses thousands of small pages one after another.
 *
 * Memory comes from chunks of at least ARENA_MIN bytes; a chunk of 2 MB or
 * more is mapped at a 2 MB boundary and offered to the kernel for
 * transparent huge pages (madvise, a hint): a big page's tree then costs a
 * few hundred page faults instead of ~8,000, and the walks over it fewer
 * TLB misses.  Blocks are handed out in order; freed small blocks (the
 * inline parser's delimiters and brackets, the nodes consolidation drops)
 * are kept on a list per size and handed out again, bigger ones are left
 * until md_free; realloc grows the latest block in place or copies.
 *
 * md_free empties the arena at once, without visiting a node.  The chunks
 * stay mapped for the next document, up to ARENA_KEEP bytes of them (a
 * small page's tree fits in the first): the export maps memory once, not
 * once per page, and the kernel zeroes each page once.  Bigger ones (a
 * 2 MB page's) are unmapped.  Memory a chunk handed out before is not zero,
 * so calloc clears what is below the chunk's high-water mark ("dirty") and
 * takes fresh memory above it as it is.
 *
 * cmark_mem has no context pointer, so there is one arena per process, for
 * one document at a time, in one thread: a second MD_ARENA document while
 * one lives is parsed with malloc.  Under AddressSanitizer there is no
 * arena (it cannot see inside the chunks, and LeakSanitizer would not see
 * what they point to). */

#define HUGE_PAGE     ((size_t)2 << 20)
#define ARENA_MIN     ((size_t)256 * 1024) /* the smallest chunk */
#define ARENA_KEEP    ((size_t)8 << 20)    /* bytes of chunks kept between documents */
#define ARENA_ALIGN   8
#define ARENA_CLASSES 32 /* freed blocks up to 32 * ARENA_ALIGN are reused */

typedef struct arena_chunk {
	struct arena_chunk *next;
	void *map; /* as mmap returned it */
	size_t mapped;
	char *base;  /* the first block's header; 2 MB-aligned in big chunks */
	size_t used; /* bytes handed out to this document */
	size_t cap;
	size_t dirty; /* bytes handed out to earlier documents: not zero */
} arena_chunk;

static struct {
	int busy;                  /* a document uses the arena */
	arena_chunk *chunks;       /* every chunk, in the order they are used */
	arena_chunk *cur;          /* the one blocks come from; NULL: none yet */
	size_t hint;               /* the size of the next chunk to map */
	void *free[ARENA_CLASSES]; /* freed blocks by size, linked through
	                            * their first bytes */
} arena;

/* Each block starts ARENA_ALIGN bytes after its size (a multiple of
 * ARENA_ALIGN: what it can hold). */
static size_t *block_size(void *p)
{
	return (size_t *)((char *)p - ARENA_ALIGN);
}

static size_t round_up(size_t n, size_t to)
{
	if (n > (size_t)-1 - to)
		abort();
	return (n + to - 1) / to * to;
}

/* Maps a chunk of at least need bytes and puts it after the current one. */
static arena_chunk *arena_map(size_t need)
{
	arena_chunk *c = malloc(sizeof *c);
	size_t cap = arena.hint > need ? arena.hint : need;
	size_t align = cap >= HUGE_PAGE ? HUGE_PAGE : 0;

	if (!c)
		abort();
	cap = cap < ARENA_MIN ? ARENA_MIN : round_up(cap, align ? align : ARENA_MIN);
	c->mapped = cap + align;
	c->map = mmap(NULL, c->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->map == MAP_FAILED)
		abort();
	c->base = c->map;
	if (align) {
		c->base = (char *)round_up((uintptr_t)c->map, HUGE_PAGE);
		/* a hint: where the kernel has no huge pages it fails, harmlessly */
		madvise(c->base, cap, MADV_HUGEPAGE);
	}
	c->used = c->dirty = 0;
	c->cap = cap;
	if (arena.cur) {
		c->next = arena.cur->next;
		arena.cur->next = c;
	} else {
		c->next = arena.chunks;
		arena.chunks = c;
	}
	arena.hint = cap * 2; /* a document that outgrows it grows fast */
	return c;
}

/* A block of at least n bytes; *fresh is set when its bytes are zero. */
static void *arena_block(size_t n, int *fresh)
{
	arena_chunk *c = arena.cur;
	size_t size = round_up(n ? n : 1, ARENA_ALIGN), k = size / ARENA_ALIGN - 1;
	char *p;

	if (k < ARENA_CLASSES && arena.free[k]) {
		char *next;

		p = arena.free[k];
		memcpy(&next, p, sizeof next); /* the free list's link, kept in the block */
		arena.free[k] = next;
		*fresh = 0;
		return p;
	}
	if (!c || c->cap - c->used < size + ARENA_ALIGN) {
		/* the next kept chunk, or a new one */
		c = !c ? arena.chunks : c->next;
		if (!c || c->cap < size + ARENA_ALIGN)
			c = arena_map(size + ARENA_ALIGN);
		arena.cur = c;
	}
	*fresh = c->used >= c->dirty;
	p = c->base + c->used + ARENA_ALIGN;
	c->used += size + ARENA_ALIGN;
	*block_size(p) = size;
	return p;
}

static void *arena_calloc(size_t count, size_t size)
{
	int fresh;
	void *p;

	if (size && count > (size_t)-1 / size)
		abort();
	p = arena_block(count * size, &fresh);
	if (!fresh)
		memset(p, 0, count * size);
	return p;
}

static void arena_free(void *p)
{
	size_t k = p ? *block_size(p) / ARENA_ALIGN - 1 : ARENA_CLASSES;

	if (k < ARENA_CLASSES) {
		memcpy(p, &arena.free[k], sizeof(void *));
		arena.free[k] = p;
	}
}

static void *arena_realloc(void *p, size_t n)
{
	arena_chunk *c = arena.cur;
	size_t old, want;
	int fresh;
	void *q;

	if (!p)
		return arena_block(n, &fresh);
	old = *block_size(p);
	if (n <= old)
		return p;
	/* the latest block grows in place, into memory not handed out */
	want = round_up(n, ARENA_ALIGN);
	if ((char *)p > c->base && (char *)p + old == c->base + c->used &&
	    c->cap - (size_t)((char *)p - c->base) >= want) {
		c->used = (size_t)((char *)p - c->base) + want;
		*block_size(p) = want;
		return p;
	}
	q = arena_block(n, &fresh);
	memcpy(q, p, old);
	arena_free(p);
	return q;
}

static cmark_mem arena_mem = { arena_calloc, arena_realloc, arena_free };

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_OFF 1
#endif
#endif
#ifndef ARENA_OFF
#define ARENA_OFF 0
#endif

/* The arena for a new document of len bytes, or NULL when one has it. */
static cmark_mem *arena_take(size_t len)
{
	if (arena.busy || ARENA_OFF)
		return NULL;
	arena.busy = 1;
	/* a new chunk's size: about what a page's tree takes (20 bytes a byte
	 * for the bench's big page); untouched parts cost no memory */
	arena.hint = len > (size_t)-1 / 24 ? len : len * 24;
	return &arena_mem;
}

/* Frees every block of the document: chunks stay mapped, ARENA_KEEP bytes
 * of them, for the next document. */
static void arena_reset(void)
{
	arena_chunk *c, *next, **link = &arena.chunks;
	size_t kept = 0;

	for (c = arena.chunks; c; c = next) {
		next = c->next;
		if (kept + c->cap <= ARENA_KEEP) {
			kept += c->cap;
			if (c->used > c->dirty)
				c->dirty = c->used;
			c->used = 0;
			*link = c;
			link = &c->next;
		} else {
			munmap(c->map, c->mapped);
			free(c);
		}
	}
	*link = NULL;
	arena.cur = NULL;
	memset(arena.free, 0, sizeof arena.free);
	arena.busy = 0;
}

/* --- big texts in pieces ----------------------------------------------------
 *
 * cmark-gfm spends about 1.6 times more CPU on the bench's 2 MB page in
 * one piece than on the same text cut into pieces, one parser after the
 * other, even with every piece's tree kept (docs/architecture.md).  So a
 * text of PIECE_MIN bytes or more is cut into pieces of about PIECE_LEN,
 * each parsed by a parser of its own.  md_parse moves the pieces'
 * top-level blocks into the first piece's document in order: the same
 * tree, node for node and line for line, that one parse makes
 * (tests/unit/test_markdown.c compares the two on every Markdown text of
 * the tests).  md_parse_each hands the pieces over one at a time instead,
 * each freed before the next is parsed, so show and view of a big page
 * reuse one piece's memory (tests/unit/test_layout.c compares what they
 * print with the whole layout).  The cuts:
 *
 *  - Only before an ATX heading ('#' to "######", then a space, a tab or
 *    the line's end) in column 0 that follows a blank line.  Such a line
 *    continues no block quote (no '>'), list item or footnote (not
 *    indented), no indented code, and no paragraph, table or HTML block
 *    of kinds 6 and 7 (the blank line closed them): wherever it could
 *    start a block it is a heading, and what came before it is closed.
 *    Only a fenced code block or an HTML block of kinds 1 to 5 (<script,
 *    <pre, <style, <textarea, <!--, <?, <!X, <![CDATA[) open at the top
 *    level would take it as text: the scan follows those line by line and
 *    cuts nowhere inside them.
 *  - The scan is a guess where containers hold fences; the parse checks
 *    it: when a piece's last open block (the chain of last children) is a
 *    fenced code block or an HTML block reaching its last line, it might
 *    have taken the next piece's first line, and the whole text is parsed
 *    again in one piece.
 *  - Link reference and footnote definitions act on the whole document: a
 *    text with "]:" anywhere (every definition has it) is parsed in one
 *    piece, and so is a text with a CR, whose line ends the scan does not
 *    follow.
 *  - cmark numbers a piece's lines from 1 and has no call to change a
 *    node's position, so this uses its node structure (cmark-gfm/node.h,
 *    which Debian's libcmark-gfm-dev ships for its own version of the
 *    library) to add the piece's first line to every node's lines.
 *    Without that header, or with a library of another version than the
 *    header's, texts are parsed in one piece. */

#define PIECE_MIN ((size_t)256 * 1024)
#define PIECE_LEN ((size_t)32 * 1024)

static size_t piece_min = PIECE_MIN, piece_len = PIECE_LEN;

void md_parse_tune(size_t min_len, size_t len)
{
	piece_min = min_len ? min_len : PIECE_MIN;
	piece_len = len ? len : PIECE_LEN;
}

/* What the scan knows at a line's start: inside a fenced code block (fence
 * is '`' or '~', fence_len its length) or an HTML block (html_end: what
 * ends it) at the top level. */
typedef struct scan {
	char fence;
	size_t fence_len;
	const char *html_end;
} scan;

static int ci_prefix(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && strncasecmp(s, word, k) == 0;
}

static int ci_has(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, word, k) == 0)
			return 1;
	return 0;
}

/* The end marker of the HTML block of kinds 1 to 5 that s[0..n) (after
 * its indent) starts, or NULL. */
static const char *html_start(const char *s, size_t n)
{
	static const char *const tags[] = { "script", "pre", "style", "textarea" };
	static const char *const ends[] = { "</script>", "</pre>", "</style>", "</textarea>" };
	size_t i, k;

	if (n < 2 || s[0] != '<')
		return NULL;
	for (i = 0; i < sizeof tags / sizeof *tags; i++) {
		k = strlen(tags[i]);
		if (ci_prefix(s + 1, n - 1, tags[i]) &&
		    (n == k + 1 || s[k + 1] == ' ' || s[k + 1] == '\t' || s[k + 1] == '>'))
			return ends[i];
	}
	if (ci_prefix(s, n, "<!--"))
		return "-->";
	if (s[1] == '?')
		return "?>";
	if (ci_prefix(s, n, "<![CDATA["))
		return "]]>";
	if (s[1] == '!' && n > 2 && ((s[2] >= 'a' && s[2] <= 'z') || (s[2] >= 'A' && s[2] <= 'Z')))
		return ">";
	return NULL;
}

/* The spaces and tabs that s[0..n) starts with. */
static size_t blanks(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Follows line s[0..n) (without its LF); returns 1 when it opens or
 * continues a fenced code block or an HTML block. */
static int scan_line(scan *st, const char *s, size_t n)
{
	size_t ind = 0, run = 0;

	while (ind < n && ind < 4 && s[ind] == ' ')
		ind++;
	if (st->fence) {
		if (ind < 4)
			while (ind + run < n && s[ind + run] == st->fence)
				run++;
		if (run >= st->fence_len && blanks(s + ind + run, n - ind - run) == n - ind - run)
			st->fence = 0;
		return 1;
	}
	if (st->html_end) {
		if (ci_has(s, n, st->html_end))
			st->html_end = NULL;
		return 1;
	}
	if (ind >= 4 || ind == n)
		return 0;
	if (s[ind] == '`' || s[ind] == '~') {
		while (ind + run < n && s[ind + run] == s[ind])
			run++;
		if (run >= 3 && !(s[ind] == '`' && memchr(s + ind + run, '`', n - ind - run))) {
			st->fence = s[ind];
			st->fence_len = run;
			return 1;
		}
		return 0;
	}
	st->html_end = html_start(s + ind, n - ind);
	if (st->html_end && ci_has(s + ind, n - ind, st->html_end))
		st->html_end = NULL;
	return st->html_end != NULL;
}

/* Whether line s[0..n) is an ATX heading in column 0. */
static int is_heading_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 7 && s[i] == '#')
		i++;
	return i >= 1 && i <= 6 && (i == n || s[i] == ' ' || s[i] == '\t');
}

/* A piece of the text: its bytes and the number of its first line. */
typedef struct piece {
	size_t at, len;
	int line;
} piece;

/* Cuts text[0..len) into pieces of about piece_len bytes where it may
 * (above); returns how many, in *out (malloc'd). */
static size_t cut_pieces(const char *text, size_t len, piece **out)
{
	const char *p = text, *end = text + len, *nl;
	scan st = { 0, 0, NULL };
	int no = 1, prev_blank = 0, in;
	size_t n = 1, cap = len / piece_len + 2, off;
	piece *v = malloc(cap * sizeof *v);

	if (!v)
		abort();
	v[0].at = 0;
	v[0].line = 1;
	for (; p < end; p = nl + 1, no++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		off = (size_t)(p - text);
		if (prev_blank && !st.fence && !st.html_end && off - v[n - 1].at >= piece_len &&
		    len - off >= piece_len / 2 && is_heading_line(p, (size_t)(nl - p))) {
			if (n == cap) {
				cap *= 2;
				v = realloc(v, cap * sizeof *v);
				if (!v)
					abort();
			}
			v[n - 1].len = off - v[n - 1].at;
			v[n].at = off;
			v[n].line = no;
			n++;
		}
		in = scan_line(&st, p, (size_t)(nl - p));
		prev_blank = !in && blanks(p, (size_t)(nl - p)) == (size_t)(nl - p);
		if (nl == end)
			break;
	}
	v[n - 1].len = len - v[n - 1].at;
	*out = v;
	return n;
}

/* The pieces to parse text[0..len) in, in *out (malloc'd): more than one
 * only when the text is long enough and may be cut (above). */
static size_t pieces_of(const char *text, size_t len, piece **out)
{
	piece *v;

	if (len >= piece_min && direct && !memchr(text, '\r', len) &&
	    !has_pair(text, len, ']', ':'))
		return cut_pieces(text, len, out);
	v = malloc(sizeof *v);
	if (!v)
		abort();
	v->at = 0;
	v->len = len;
	v->line = 1;
	*out = v;
	return 1;
}

#ifdef HAVE_CMARK_GFM_NODE_H

/* Whether a piece whose last line is last ends inside a fenced code block
 * or an HTML block (see above). */
static int open_at_end(cmark_node *root, int last)
{
	cmark_node *c;

	for (c = root->last_child; c; c = c->last_child)
		if ((c->type == CMARK_NODE_CODE_BLOCK && c->as.code.fenced) ||
		    c->type == CMARK_NODE_HTML_BLOCK) {
			if (c->end_line >= last)
				return 1;
		}
	return 0;
}

/* Adds add to the lines of every node under root (not root itself) that
 * has lines: cmark leaves some inlines (soft breaks) at line 0.  Nor
 * under a node at line 0: when a paragraph's last line becomes a table's
 * header row, the table extension makes a new paragraph without a
 * position, and the inlines on its later lines are numbered from 0 as if
 * it began the document, in a whole parse too; they keep those numbers. */
static void shift_lines(cmark_node *root, int add)
{
	cmark_node *n = root->first_child;

	while (n) {
		if (n->start_line)
			n->start_line += add;
		if (n->end_line)
			n->end_line += add;
		if (n->first_child && n->start_line) {
			n = n->first_child;
			continue;
		}
		while (n != root && !n->next)
			n = n->parent;
		n = n == root ? NULL : n->next;
	}
}

/* The tree of text[0..len) parsed in pieces, or NULL when it is to be
 * parsed in one (short, one piece, a "]:" or a CR, a wrong cut). */
static cmark_node *parse_pieces(const char *text, size_t len, int opts, cmark_mem *mem, int *pieces)
{
	piece *v;
	cmark_node *root, *part, *c;
	size_t n, k;
	int last_end_line, last_end_col;

	n = pieces_of(text, len, &v);
	if (n < 2) {
		free(v);
		return NULL;
	}
	root = parse_one(text, v[0].len, opts, mem);
	for (k = 1; k < n; k++) {
		if (open_at_end(root, v[k].line - 1))
			break;
		part = parse_one(text + v[k].at, v[k].len, opts, mem);
		shift_lines(part, v[k].line - 1);
		last_end_line = part->end_line + v[k].line - 1;
		last_end_col = part->end_column;
		while ((c = part->first_child))
			cmark_node_append_child(root, c);
		cmark_node_free(part);
		root->end_line = last_end_line;
		root->end_column = last_end_col;
	}
	free(v);
	if (k < n) {
		cmark_node_free(root);
		return NULL;
	}
	*pieces = (int)n;
	return root;
}

#else

/* Without cmark's node structure no text is cut (pieces_of), so these
 * are never asked anything. */
static int open_at_end(cmark_node *root, int last)
{
	(void)root;
	(void)last;
	return 0;
}

static void shift_lines(cmark_node *root, int add)
{
	(void)root;
	(void)add;
}

static cmark_node *parse_pieces(const char *text, size_t len, int opts, cmark_mem *mem, int *pieces)
{
	(void)text;
	(void)len;
	(void)opts;
	(void)mem;
	(void)pieces;
	return NULL;
}

#endif

/* md_parse_each: the pieces as documents of their own, one at a time. */
static int each_piece(const char *text, size_t len, int flags, int opts, md_each_fn fn, void *ctx)
{
	piece *v;
	md_doc *d;
	size_t n = pieces_of(text, len, &v), k, at, plen;
	int rc = 0, line, last;

	for (k = 0; k < n && rc == 0; k++) {
		at = v[k].at;
		plen = v[k].len;
		line = v[k].line;
		d = doc_new(plen, flags);
		d->root = parse_one(text + at, plen, opts, d->mem);
		last = k + 1 < n ? v[k + 1].line - line : 0;
		if (last && open_at_end(d->root, last)) {
			/* a wrong cut: the rest is one piece */
			md_free(d);
			plen = len - at;
			d = doc_new(plen, flags);
			d->root = parse_one(text + at, plen, opts, d->mem);
			k = n;
		}
		if (line > 1)
			shift_lines(d->root, line - 1);
		doc_wiki(d, text + at, plen, line);
		rc = fn(ctx, d);
		md_free(d);
	}
	free(v);
	return rc;
}

int md_parse_each(const char *text, size_t len, int flags, md_each_fn fn, void *ctx, err_info *e)
{
	if (too_large(len, e) < 0)
		return -1;
	ensure_extensions();
	return each_piece(text, len, flags, parse_options(text, len, flags), fn, ctx);
}

/* --- wiki links ------------------------------------------------------------
 *
 * cmark-gfm's core inline parser owns '[', so [[...]] cannot be a syntax
 * extension.  After the parse, every run of adjacent TEXT siblings outside
 * links and images is searched for [[target]], [[target|label]] and
 * [[target#fragment]], and split into text and link nodes.  Code spans,
 * code blocks and HTML keep their text as a literal, not as TEXT children,
 * so they are never touched. */

/* One [[...]] found in a run's text: its span and what it becomes. */
typedef struct wiki_match {
	size_t start, end; /* s[start..end) is the whole [[...]] */
	char *url;
	char *label;
} wiki_match;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Copies s[0..n) without surrounding whitespace. */
static char *trimmed(const char *s, size_t n)
{
	buf b = BUF_INIT;

	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	buf_put(&b, s, n);
	return buf_detach(&b);
}

/* Fills m->url and m->label from the text between [[ and ]]; returns -1
 * when it names no page (the text then stays literal). */
static int wiki_target(const char *in, size_t n, wiki_match *m)
{
	const char *bar = memchr(in, '|', n);
	size_t tlen = bar ? (size_t)(bar - in) : n;
	char *target = trimmed(in, tlen), *hash = strchr(target, '#');
	char *page = trimmed(target, hash ? (size_t)(hash - target) : strlen(target));
	char *slug = u8_slug(page), *frag = hash ? u8_slug(hash + 1) : NULL;
	buf url = BUF_INIT;

	free(page);
	if (!slug) {
		free(target);
		free(frag);
		return -1;
	}
	buf_puts(&url, slug);
	if (frag)
		buf_printf(&url, "#%s", frag);
	free(slug);
	free(frag);
	m->url = buf_detach(&url);
	/* Without a label the target is shown as written. */
	m->label = bar ? trimmed(bar + 1, n - tlen - 1) : NULL;
	if (m->label && *m->label) {
		free(target);
	} else {
		free(m->label);
		m->label = target;
	}
	return 0;
}

/* Finds the wiki links in s; returns how many (stored in *out, caller
 * frees the array and its strings). */
static size_t wiki_find(const char *s, wiki_match **out)
{
	size_t n = strlen(s), i, open = (size_t)-1, count = 0, cap = 0;
	wiki_match *v = NULL, m;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] == '[' && s[i + 1] == '[') {
			open = i; /* the last [[ before ]] wins: [[[x]]] links x */
			continue;
		}
		if (s[i] != ']' || s[i + 1] != ']' || open == (size_t)-1)
			continue;
		m.start = open;
		m.end = i + 2;
		open = (size_t)-1;
		if (strcspn(s + m.start + 2, "[]\n") < m.end - m.start - 4 ||
		    wiki_target(s + m.start + 2, m.end - m.start - 4, &m) < 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 4;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				abort();
		}
		v[count++] = m;
		i = m.end - 1;
	}
	*out = v;
	return count;
}

static void wiki_matches_free(wiki_match *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].label);
	}
	free(v);
}

static void made_free(cmark_mem *mem, void *p)
{
	mem->free(p);
}

static void mark(cmark_node *n, cmark_mem *mem, int wiki, int line)
{
	made *m = mem->calloc(1, sizeof *m);

	m->wiki = wiki;
	m->line = line;
	cmark_node_set_user_data(n, m);
	cmark_node_set_user_data_free_func(n, made_free);
}

static cmark_node *text_node(cmark_mem *mem, const char *s, size_t n, int line)
{
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);
	buf b = BUF_INIT;

	buf_put(&b, s, n);
	cmark_node_set_literal(t, buf_cstr(&b));
	buf_free(&b);
	mark(t, mem, 0, line);
	return t;
}

static cmark_node *link_node(cmark_mem *mem, const wiki_match *m, int line)
{
	cmark_node *l = cmark_node_new_with_mem(CMARK_NODE_LINK, mem);
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);

	cmark_node_set_url(l, m->url);
	cmark_node_set_title(l, "");
	mark(l, mem, 1, line);
	cmark_node_set_literal(t, m->label);
	mark(t, mem, 0, line);
	cmark_node_append_child(l, t);
	return l;
}

/* Removes and frees the siblings from..stop (stop excluded). */
static void free_siblings(cmark_node *from, cmark_node *stop)
{
	cmark_node *next;

	while (from && from != stop) {
		next = n_next(from);
		cmark_node_unlink(from);
		cmark_node_free(from);
		from = next;
	}
}

/* Replaces the TEXT siblings first..last by the pieces of s, their text
 * joined.  Should the parent refuse a node (cmark checks what may contain
 * what) the new nodes go and the original text stays. */
static void wiki_replace(cmark_mem *mem, cmark_node *first, cmark_node *last, const char *s,
                         const wiki_match *v, size_t count)
{
	cmark_node *head = NULL, *n;
	size_t i, pos = 0, end;
	int line = node_line(first, 0); /* breaks are nodes: a run is one line */

	for (i = 0; i <= count; i++) {
		end = i < count ? v[i].start : strlen(s);
		n = end > pos ? text_node(mem, s + pos, end - pos, line) : NULL;
		if (n && !cmark_node_insert_before(first, n))
			goto refused;
		head = head ? head : n;
		if (i == count)
			break;
		n = link_node(mem, &v[i], line);
		if (!cmark_node_insert_before(first, n))
			goto refused;
		head = head ? head : n;
		pos = v[i].end;
	}
	free_siblings(first, n_next(last));
	return;
refused:
	cmark_node_free(n);
	free_siblings(head, first);
}

/* Replaces the wiki links in s, the text of the TEXT siblings first..last,
 * when it has any. */
static void wiki_text(cmark_mem *mem, cmark_node *first, cmark_node *last, const char *s)
{
	wiki_match *v;
	size_t count;

	if (!strstr(s, "[["))
		return;
	count = wiki_find(s, &v);
	if (count)
		wiki_replace(mem, first, last, s, v, count);
	wiki_matches_free(v, count);
}

/* Handles the run of TEXT siblings that starts at first; returns the node
 * after the run.  cmark joins adjacent text, so a run is nearly always one
 * node, whose literal is searched in place. */
static cmark_node *wiki_run(cmark_node *first, cmark_mem *mem)
{
	cmark_node *last = first, *n = n_next(first);
	buf b = BUF_INIT;

	if (!n || n_type(n) != CMARK_NODE_TEXT) {
		wiki_text(mem, first, first, or_empty(cmark_node_get_literal(first)));
		return n;
	}
	buf_puts(&b, or_empty(cmark_node_get_literal(first)));
	for (; n && n_type(n) == CMARK_NODE_TEXT; n = n_next(n)) {
		buf_puts(&b, or_empty(cmark_node_get_literal(n)));
		last = n;
	}
	wiki_text(mem, first, last, buf_cstr(&b));
	buf_free(&b);
	return n;
}

/* Line ends in s[a..b) as cmark counts them: LF, CR LF and a lone CR (cr:
 * the text has a CR at all). */
static int line_ends(const char *s, size_t a, size_t b, int cr)
{
	const char *p = s + a, *end = s + b;
	int count = 0;

	if (!cr) {
		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			count++;
			p++;
		}
		return count;
	}
	for (; p < end; p++)
		count += *p == '\n' || (*p == '\r' && p[1] != '\n');
	return count;
}

/* The lines of s[0..n) where the parse may hold "[[": those with "[[", with
 * a '[' after a backslash, or with "&#" or "&l" (&#91;, &#x5B;, &lbrack;
 * and &lsqb; are brackets).  A wiki link never spans lines: a line break is
 * a node of its own, and a run of text nodes ends at it.  Fills *out and
 * returns its count (0: nothing to look for, out->v is NULL). */
static int wiki_lines(const char *s, size_t n, line_set *out)
{
	const char *end = s + n, *a = memchr(s, '[', n), *b = memchr(s, '&', n), *m;
	int cr = memchr(s, '\r', n) != NULL, line = 1, hit;
	size_t counted = 0;

	memset(out, 0, sizeof *out);
	while (a || b) {
		m = !b || (a && a < b) ? a : b;
		if (m == a)
			hit = (m + 1 < end && m[1] == '[') || (m > s && m[-1] == '\\');
		else
			hit = m + 1 < end && (m[1] == '#' || m[1] == 'l');
		if (hit) {
			line += line_ends(s, counted, (size_t)(m - s), cr);
			counted = (size_t)(m - s);
			if (!out->n || out->v[out->n - 1] != line) {
				if (out->n == out->cap) {
					out->cap = out->cap ? out->cap * 2 : 64;
					out->v = realloc(out->v, out->cap * sizeof *out->v);
					if (!out->v)
						abort();
				}
				out->v[out->n++] = line;
			}
		}
		if (m == a)
			a = m + 1 < end ? memchr(m + 1, '[', (size_t)(end - m - 1)) : NULL;
		else
			b = m + 1 < end ? memchr(m + 1, '&', (size_t)(end - m - 1)) : NULL;
	}
	return (int)out->n;
}

/* Whether block n may hold a wiki link: one of its source lines is in
 * lines.  Only cmark's own blocks are judged by their lines: the table
 * extension's can be off (a table split from the paragraph before it puts
 * its header row on the paragraph's first line), and a block without a
 * position is looked into too. */
static int block_may_hold(cmark_node *n, const line_set *lines)
{
	int start = cmark_node_get_start_line(n), end = cmark_node_get_end_line(n);
	size_t lo = 0, hi = lines->n, mid;

	switch (n_type(n)) {
	case CMARK_NODE_BLOCK_QUOTE:
	case CMARK_NODE_LIST:
	case CMARK_NODE_ITEM:
	case CMARK_NODE_PARAGRAPH:
	case CMARK_NODE_HEADING:
	case CMARK_NODE_FOOTNOTE_DEFINITION: break;
	default: return 1;
	}
	if (start <= 0 || end < start)
		return 1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (lines->v[mid] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < lines->n && lines->v[lo] <= end;
}

/* Walks the tree without recursion (a page may nest quotes thousands
 * deep), rewriting text runs and skipping links and images, and blocks on
 * none of the lines that may hold a wiki link: on a big page most of the
 * tree is never visited.  New nodes take their memory from mem, as the
 * tree's own. */
static void wiki_links(cmark_node *root, const line_set *lines, cmark_mem *mem)
{
	cmark_node *parent = root, *n = n_first_child(root);
	cmark_node_type t;

	for (;;) {
		while (!n) {
			if (parent == root)
				return;
			n = n_next(parent);
			parent = n_parent(parent);
		}
		t = n_type(n);
		if (t == CMARK_NODE_TEXT) {
			n = wiki_run(n, mem);
		} else if (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE && n_first_child(n) &&
		           ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE ||
		            block_may_hold(n, lines))) {
			parent = n;
			n = n_first_child(n);
		} else {
			n = n_next(n);
		}
	}
}

/* --- the tree ------------------------------------------------------------- */

md_node *md_first_child(const md_node *n)
{
	return n ? MN(n_first_child(CN(n))) : NULL;
}

md_node *md_last_child(const md_node *n)
{
	return n ? MN(n_last_child(CN(n))) : NULL;
}

md_node *md_next(const md_node *n)
{
	return n ? MN(n_next(CN(n))) : NULL;
}

md_node *md_prev(const md_node *n)
{
	return n ? MN(n_prev(CN(n))) : NULL;
}

md_node *md_parent(const md_node *n)
{
	return n ? MN(n_parent(CN(n))) : NULL;
}

/* The bytes of a cmark_node (168 in cmark-gfm 0.29: its links, type and
 * literal lie across three or four cache lines).  Only a hint: prefetching
 * never faults, so a wrong size costs nothing but the hint's value. */
#define NODE_BYTES 168

void md_prefetch(const md_node *n)
{
	const char *p = (const char *)n;

	if (!p)
		return;
	__builtin_prefetch(p);
	__builtin_prefetch(p + 64);
	__builtin_prefetch(p + 128);
	__builtin_prefetch(p + NODE_BYTES - 1);
}

/* Extension nodes have types numbered at registration; their type string
 * is the stable name. */
static enum md_type extension_type(cmark_node *n)
{
	static const struct {
		const char *name;
		enum md_type type;
	} names[] = {
		{ "table", MD_TABLE },
		{ "table_header", MD_TABLE_ROW }, /* the header row's name */
		{ "table_row", MD_TABLE_ROW },
		{ "table_cell", MD_TABLE_CELL },
		{ "strikethrough", MD_STRIKETHROUGH },
	};
	const char *s = cmark_node_get_type_string(n);
	size_t i;

	for (i = 0; s && i < sizeof names / sizeof *names; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].type;
	return MD_OTHER;
}

enum md_type md_node_type(const md_node *n)
{
	if (!n)
		return MD_NONE;
	switch (n_type(CN(n))) {
	case CMARK_NODE_NONE: return MD_NONE;
	case CMARK_NODE_DOCUMENT: return MD_DOCUMENT;
	case CMARK_NODE_BLOCK_QUOTE: return MD_BLOCK_QUOTE;
	case CMARK_NODE_LIST: return MD_LIST;
	case CMARK_NODE_ITEM: return MD_ITEM; /* tasklist items too */
	case CMARK_NODE_CODE_BLOCK: return MD_CODE_BLOCK;
	case CMARK_NODE_HTML_BLOCK: return MD_HTML_BLOCK;
	case CMARK_NODE_PARAGRAPH: return MD_PARAGRAPH;
	case CMARK_NODE_HEADING: return MD_HEADING;
	case CMARK_NODE_THEMATIC_BREAK: return MD_THEMATIC_BREAK;
	case CMARK_NODE_FOOTNOTE_DEFINITION: return MD_FOOTNOTE_DEF;
	case CMARK_NODE_TEXT: return MD_TEXT;
	case CMARK_NODE_SOFTBREAK: return MD_SOFTBREAK;
	case CMARK_NODE_LINEBREAK: return MD_LINEBREAK;
	case CMARK_NODE_CODE: return MD_CODE;
	case CMARK_NODE_HTML_INLINE: return MD_HTML_INLINE;
	case CMARK_NODE_EMPH: return MD_EMPH;
	case CMARK_NODE_STRONG: return MD_STRONG;
	case CMARK_NODE_LINK: return MD_LINK;
	case CMARK_NODE_IMAGE: return MD_IMAGE;
	case CMARK_NODE_FOOTNOTE_REFERENCE: return MD_FOOTNOTE_REF;
	default: return extension_type(CN(n));
	}
}

const char *md_literal(const md_node *n)
{
	switch (md_node_type(n)) {
	case MD_TEXT:
	case MD_CODE:
	case MD_CODE_BLOCK:
	case MD_HTML_BLOCK:
	case MD_HTML_INLINE:
	case MD_FOOTNOTE_REF: /* cmark-gfm puts the note's number there */
		return or_empty(cmark_node_get_literal(CN(n)));
	default: return "";
	}
}

const char *md_url(const md_node *n)
{
	enum md_type t = md_node_type(n);

	return t == MD_LINK || t == MD_IMAGE ? or_empty(cmark_node_get_url(CN(n))) : "";
}

const char *md_title(const md_node *n)
{
	enum md_type t = md_node_type(n);

	return t == MD_LINK || t == MD_IMAGE ? or_empty(cmark_node_get_title(CN(n))) : "";
}

int md_is_wiki_link(const md_node *n)
{
	made *m;

	if (md_node_type(n) != MD_LINK)
		return 0;
	m = cmark_node_get_user_data(CN(n));
	return m && m->wiki;
}

int md_heading_level(const md_node *n)
{
	return md_node_type(n) == MD_HEADING ? cmark_node_get_heading_level(CN(n)) : 0;
}

enum md_list_type md_list_type(const md_node *n)
{
	if (md_node_type(n) != MD_LIST)
		return 0;
	return cmark_node_get_list_type(CN(n)) == CMARK_ORDERED_LIST ? MD_LIST_ORDERED
	                                                             : MD_LIST_BULLET;
}

int md_list_start(const md_node *n)
{
	return md_node_type(n) == MD_LIST ? cmark_node_get_list_start(CN(n)) : 0;
}

int md_list_tight(const md_node *n)
{
	return md_node_type(n) == MD_LIST ? cmark_node_get_list_tight(CN(n)) : 0;
}

const char *md_fence_info(const md_node *n)
{
	if (md_node_type(n) != MD_CODE_BLOCK)
		return "";
	return or_empty(cmark_node_get_fence_info(CN(n)));
}

int md_task_state(const md_node *n)
{
	const char *s;

	if (md_node_type(n) != MD_ITEM)
		return 0;
	s = cmark_node_get_type_string(CN(n));
	if (!s || strcmp(s, "tasklist") != 0)
		return 0;
	return cmark_gfm_extensions_get_tasklist_item_checked(CN(n)) ? 2 : 1;
}

int md_table_columns(const md_node *n)
{
	return md_node_type(n) == MD_TABLE ? cmark_gfm_extensions_get_table_columns(CN(n)) : 0;
}

enum md_align md_table_align(const md_node *n, int col)
{
	uint8_t *a;

	if (col < 0 || col >= md_table_columns(n))
		return MD_ALIGN_NONE;
	a = cmark_gfm_extensions_get_table_alignments(CN(n));
	switch (a ? a[col] : 0) {
	case 'l': return MD_ALIGN_LEFT;
	case 'c': return MD_ALIGN_CENTER;
	case 'r': return MD_ALIGN_RIGHT;
	default: return MD_ALIGN_NONE;
	}
}

int md_table_row_is_header(const md_node *n)
{
	if (md_node_type(n) != MD_TABLE_ROW)
		return 0;
	return cmark_gfm_extensions_get_table_row_is_header(CN(n)) ? 1 : 0;
}

/* A node's own line, 0 when it has none.  cmark-gfm ends some blocks at
 * column 0 of the line after them (lists, items, setext headings before a
 * blank line) and a setext heading right before a paragraph at that
 * paragraph's end; the end line is corrected for both. */
static int own_line(cmark_node *c, int end)
{
	made *m = cmark_node_get_user_data(c);
	cmark_node *next = n_next(c);
	int start = cmark_node_get_start_line(c), e, ns;

	if (m)
		return m->line;
	if (start <= 0 || !end)
		return start > 0 ? start : 0;
	e = cmark_node_get_end_line(c);
	if (cmark_node_get_end_column(c) == 0 && e > start)
		e--;
	if (md_node_type(MN(c)) < MD_TEXT && next) {
		ns = cmark_node_get_start_line(next);
		if (ns > start && e >= ns)
			e = ns - 1;
	}
	return e < start ? start : e;
}

/* The line of c; nodes without one (autolinks, soft breaks) take the
 * line of the previous sibling that has one, plus the breaks in between,
 * or else their parent's first line, plus those breaks. */
static int node_line(cmark_node *c, int end)
{
	cmark_node *p;
	cmark_node_type t;
	int breaks = 0, l;

	for (; c; c = n_parent(c), end = 0) {
		if ((l = own_line(c, end)) > 0)
			return l + breaks;
		for (p = n_prev(c); p; p = n_prev(p)) {
			t = n_type(p);
			if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
				breaks++;
			else if ((l = own_line(p, 1)) > 0)
				return l + breaks;
		}
	}
	return 0;
}

int md_start_line(const md_node *n)
{
	return n ? node_line(CN(n), 0) : 0;
}

int md_end_line(const md_node *n)
{
	return n ? node_line(CN(n), 1) : 0;
}

/* --- link targets --------------------------------------------------------- */

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) (caller frees).  A bad escape, and %00 which
 * would cut the string, stay as written. */
static char *pct_decode(const char *s, size_t n)
{
	buf b = BUF_INIT;
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0 &&
		    (v = hex(s[i + 1]) * 16 + hex(s[i + 2])) != 0) {
			buf_putc(&b, v);
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

/* RFC 3986: a scheme is a letter, then letters, digits, '+', '-', '.',
 * then ':'. */
static int has_scheme(const char *s)
{
	size_t i = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':';
}

static int external(const char *s)
{
	return has_scheme(s) || s[0] == '/' || strncmp(s, "..", 2) == 0;
}

int md_classify(const char *url, md_target *t)
{
	size_t pathlen, n;
	char *path;

	memset(t, 0, sizeof *t);
	if (!url || !*url)
		return -1;
	if (url[0] == '#') {
		if (!url[1])
			return -1;
		t->kind = MD_TARGET_FRAGMENT;
		t->fragment = pct_decode(url + 1, strlen(url + 1));
		return 0;
	}
	while (url[0] == '.' && url[1] == '/')
		url += 2;
	if (external(url)) {
		t->kind = MD_TARGET_EXTERNAL;
		return 0;
	}
	pathlen = strcspn(url, "?#");
	path = pct_decode(url, pathlen);
	n = strlen(path);
	if (n >= 3 && strcasecmp(path + n - 3, ".md") == 0)
		path[n - 3] = '\0';
	t->slug = u8_slug(path);
	free(path);
	if (!t->slug)
		return -1;
	t->kind = MD_TARGET_PAGE;
	url = strchr(url, '#');
	if (url && url[1])
		t->fragment = pct_decode(url + 1, strlen(url + 1));
	return 0;
}

void md_target_clear(md_target *t)
{
	if (!t)
		return;
	free(t->slug);
	free(t->fragment);
	memset(t, 0, sizeof *t);
}

/* --- link lists and plain text -------------------------------------------- */

typedef struct slug_at {
	char *slug;
	size_t at;
} slug_at;

static int by_slug_then_at(const void *a, const void *b)
{
	const slug_at *x = a, *y = b;
	int c = strcmp(x->slug, y->slug);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

static int by_at(const void *a, const void *b)
{
	const slug_at *x = a, *y = b;

	return (x->at > y->at) - (x->at < y->at);
}

/* Drops repeated slugs, keeping each one's first place; returns the new
 * count.  Sorting keeps this fast on a page with thousands of links. */
static size_t dedup(slug_at *v, size_t n)
{
	size_t i, kept = 0;

	if (n < 2)
		return n;
	qsort(v, n, sizeof *v, by_slug_then_at);
	for (i = 0; i < n; i++) {
		if (kept && strcmp(v[kept - 1].slug, v[i].slug) == 0)
			free(v[i].slug);
		else
			v[kept++] = v[i];
	}
	qsort(v, kept, sizeof *v, by_at);
	return kept;
}

/* Collects the page slugs of all links outside images, in order. */
static size_t collect_page_links(cmark_node *root, slug_at **out)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *n;
	slug_at *v = NULL;
	size_t count = 0, cap = 0;
	int in_image = 0;
	md_target t;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (n_type(n) == CMARK_NODE_IMAGE) {
			in_image += ev == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER || in_image || n_type(n) != CMARK_NODE_LINK)
			continue;
		if (md_classify(cmark_node_get_url(n), &t) < 0 || t.kind != MD_TARGET_PAGE) {
			md_target_clear(&t);
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				abort();
		}
		v[count].slug = t.slug;
		v[count].at = count;
		count++;
		t.slug = NULL;
		md_target_clear(&t);
	}
	cmark_iter_free(it);
	*out = v;
	return count;
}

size_t md_page_links(const md_doc *d, char ***slugs)
{
	slug_at *v = NULL;
	size_t n = d ? collect_page_links(d->root, &v) : 0, i;
	char **out;

	n = dedup(v, n);
	out = calloc(n + 1, sizeof *out);
	if (!out)
		abort();
	for (i = 0; i < n; i++)
		out[i] = v[i].slug;
	free(v);
	*slugs = out;
	return n;
}

void md_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

char *md_plain_text(const md_node *n)
{
	buf b = BUF_INIT;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *c;

	if (!n)
		return buf_detach(&b);
	it = cmark_iter_new(CN(n));
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (n_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: buf_puts(&b, or_empty(cmark_node_get_literal(c))); break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK: buf_putc(&b, ' '); break;
		default: break;
		}
	}
	cmark_iter_free(it);
	return buf_detach(&b);
}

/* The trimmed plain text of a heading; NULL when it has none. */
static char *heading_text(cmark_node *h)
{
	char *s = md_plain_text(MN(h)), *t = trimmed(s, strlen(s));

	free(s);
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

char *md_first_heading(const md_doc *d)
{
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *n;
	char *any = NULL, *s;

	if (!d)
		return NULL;
	it = cmark_iter_new(d->root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || n_type(n) != CMARK_NODE_HEADING)
			continue;
		if (!(s = heading_text(n)))
			continue;
		if (cmark_node_get_heading_level(n) == 1) {
			free(any);
			any = s;
			break;
		}
		if (any)
			free(s);
		else
			any = s;
	}
	cmark_iter_free(it);
	return any;
}

/* --- rewriting links (rename) ------------------------------------------- */

/* Marks the source lines of code and HTML blocks: links there are text. */
static unsigned char *literal_lines(const char *text, size_t len, size_t nlines)
{
	unsigned char *skip = calloc(nlines + 2, 1);
	md_doc *d = md_parse(text, len, MD_FOOTNOTES, NULL);
	md_node *n = d ? md_root(d) : NULL;

	if (!skip)
		abort();
	while (n) {
		enum md_type t = md_node_type(n);

		if (t == MD_CODE_BLOCK || t == MD_HTML_BLOCK) {
			for (int l = md_start_line(n); l <= md_end_line(n) && l > 0; l++)
				if ((size_t)l <= nlines)
					skip[l] = 1;
		}
		if (md_first_child(n) && t != MD_CODE_BLOCK && t != MD_HTML_BLOCK) {
			n = md_first_child(n);
			continue;
		}
		while (n && !md_next(n))
			n = md_parent(n);
		if (n)
			n = md_next(n);
	}
	md_free(d);
	return skip;
}

/* [[target|label]]: the rewritten link into b when it names old_slug. */
static int rewrite_wiki(const char *in, size_t n, const char *old_slug, const char *new_slug,
                        const char *new_title, buf *b)
{
	const char *bar = memchr(in, '|', n), *hash;
	size_t tlen = bar ? (size_t)(bar - in) : n, plen;
	char *page, *slug;
	int hit;

	hash = memchr(in, '#', tlen);
	plen = hash ? (size_t)(hash - in) : tlen;
	page = strndup(in, plen);
	slug = u8_slug(page);
	hit = slug && strcmp(slug, old_slug) == 0;
	if (hit) {
		int as_slug = u8_is_slug(page) || strpbrk(new_title, "|]") != NULL;

		buf_puts(b, "[[");
		buf_puts(b, as_slug ? new_slug : new_title);
		buf_put(b, in + plen, n - plen); /* #fragment and |label as they were */
		buf_puts(b, "]]");
	}
	free(slug);
	free(page);
	return hit;
}

/* A link destination (url[0..n)): the rewritten one into b when it names
 * old_slug, keeping "./", ".md" and "#fragment". */
static int rewrite_url(const char *url, size_t n, const char *old_slug, const char *new_slug,
                       buf *b)
{
	char *u = strndup(url, n);
	md_target t = { 0 };
	const char *hash = strchr(u, '#'), *path = u;
	size_t plen;
	int hit = md_classify(u, &t) == 0 && t.kind == MD_TARGET_PAGE &&
	          strcmp(t.slug, old_slug) == 0;

	if (hit) {
		while (strncmp(path, "./", 2) == 0)
			path += 2;
		plen = hash ? (size_t)(hash - path) : strlen(path);
		buf_put(b, u, (size_t)(path - u));
		buf_puts(b, new_slug);
		if (plen > 3 && strncasecmp(path + plen - 3, ".md", 3) == 0)
			buf_put(b, path + plen - 3, 3);
		if (hash)
			buf_puts(b, hash);
	}
	md_target_clear(&t);
	free(u);
	return hit;
}

/* A link reference definition ("[ref]: old-slug.md 'title'", maybe inside
 * block quotes): its destination rewritten into b.  0 when the line is not
 * one or its destination does not name old_slug. */
static size_t rewrite_refdef(const char *s, size_t n, const char *old_slug, const char *new_slug,
                             buf *b)
{
	size_t i = 0, spaces = 0, ustart, uend;
	const char *close;
	int angle;

	for (;;) { /* block quote markers, then up to three spaces */
		for (spaces = 0; i < n && s[i] == ' ' && spaces < 4; i++)
			spaces++;
		if (i < n && s[i] == '>')
			i++;
		else
			break;
	}
	if (spaces > 3 || i >= n || s[i] != '[')
		return 0;
	close = memchr(s + i, ']', n - i);
	if (!close || (size_t)(close - s) + 1 >= n || close[1] != ':')
		return 0;
	ustart = (size_t)(close - s) + 2;
	while (ustart < n && (s[ustart] == ' ' || s[ustart] == '\t'))
		ustart++;
	angle = ustart < n && s[ustart] == '<';
	ustart += angle;
	for (uend = ustart;
	     uend < n && (angle ? s[uend] != '>' : s[uend] != ' ' && s[uend] != '\t'); uend++)
		;
	if (uend == ustart) /* the destination is on the next line: left as is */
		return 0;
	{
		buf tmp = BUF_INIT;
		size_t hit = rewrite_url(s + ustart, uend - ustart, old_slug, new_slug, &tmp);

		if (hit) {
			buf_put(b, s, ustart);
			buf_put(b, tmp.ptr, tmp.len);
			buf_put(b, s + uend, n - uend);
		}
		buf_free(&tmp);
		return hit;
	}
}

/* One line outside code blocks: skips code spans, rewrites links. */
static size_t rewrite_line(const char *s, size_t n, const char *old_slug, const char *new_slug,
                           const char *new_title, buf *b)
{
	size_t i = 0, count = 0;

	while (i < n) {
		if (s[i] == '`') { /* a code span: up to a backtick run as long */
			size_t run = 0, j;

			while (i + run < n && s[i + run] == '`')
				run++;
			for (j = i + run; j < n; j++) {
				size_t r2 = 0;

				while (j + r2 < n && s[j + r2] == '`')
					r2++;
				if (r2 == run)
					break;
				j += r2 ? r2 - 1 : 0;
			}
			j = j < n ? j + run : i + run; /* unclosed: just the backticks */
			buf_put(b, s + i, j - i);
			i = j;
			continue;
		}
		if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
			const char *end = NULL;

			for (size_t j = i + 2; j + 1 < n; j++)
				if (s[j] == ']' && s[j + 1] == ']') {
					end = s + j;
					break;
				}
			if (end && rewrite_wiki(s + i + 2, (size_t)(end - s - i - 2), old_slug,
			                        new_slug, new_title, b)) {
				count++;
				i = (size_t)(end - s) + 2;
				continue;
			}
		}
		if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
			size_t start = i + 2, j = start, ustart, uend;
			int angle = j < n && s[j] == '<';

			ustart = angle ? j + 1 : j;
			for (j = ustart;
			     j < n && s[j] != (angle ? '>' : ')') && !(!angle && s[j] == ' '); j++)
				;
			uend = j;
			buf_put(b, s + i, ustart - i);
			if (uend > ustart &&
			    rewrite_url(s + ustart, uend - ustart, old_slug, new_slug, b))
				count++;
			else
				buf_put(b, s + ustart, uend - ustart);
			i = uend;
			continue;
		}
		buf_putc(b, s[i++]);
	}
	return count;
}

size_t md_rewrite_links(const char *text, size_t len, const char *old_slug, const char *new_slug,
                        const char *new_title, char **out, size_t *outlen)
{
	size_t nlines = 1, count = 0, line = 1, i = 0;
	unsigned char *skip;
	buf b = BUF_INIT;

	for (size_t k = 0; k < len; k++)
		nlines += text[k] == '\n';
	skip = literal_lines(text, len, nlines);
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text - i) : len - i;

		size_t ref;

		if (skip[line])
			buf_put(&b, text + i, n);
		else if ((ref = rewrite_refdef(text + i, n, old_slug, new_slug, &b)))
			count += ref;
		else
			count += rewrite_line(text + i, n, old_slug, new_slug, new_title, &b);
		if (nl)
			buf_putc(&b, '\n');
		i += n + (nl ? 1 : 0);
		line++;
	}
	free(skip);
	*outlen = b.len;
	*out = buf_detach(&b);
	return count;
}
