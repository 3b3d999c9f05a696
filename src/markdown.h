/* markdown: parsing pages with cmark-gfm, the only module (besides export)
 * that includes cmark's headers.
 *
 * A parse yields an md_doc that owns a tree of md_node.  md_node is an
 * opaque view of a cmark node: callers walk it with the accessors below and
 * never see cmark types, so layout and wiki stay plain C.  The GFM
 * extensions table, strikethrough, autolink and tasklist are always on, and
 * input is parsed with UTF-8 validation (invalid bytes become U+FFFD) and
 * source positions.
 *
 * Wiki links -- [[Page Title]], [[slug|label]], [[Page#section]] -- become
 * real link nodes during md_parse (their URL is the target's slug, plus
 * "#fragment" when given), so every consumer sees the same links.  Text
 * inside code spans and code blocks is never a link.
 *
 * Literals returned by accessors are the parser's decoded text: they may
 * contain control characters (cmark decodes &#27; to ESC).  Whoever shows
 * them must sanitise them (u8_sanitize). */
#ifndef DOCDAY_MARKDOWN_H
#define DOCDAY_MARKDOWN_H

#include <stddef.h>

#include "err.h"

typedef struct md_doc md_doc;
typedef struct md_node md_node;
struct cmark_node;
struct cmark_mem;

enum md_type {
	MD_NONE = 0,
	/* blocks */
	MD_DOCUMENT,
	MD_BLOCK_QUOTE,
	MD_LIST,
	MD_ITEM,
	MD_CODE_BLOCK,
	MD_HTML_BLOCK,
	MD_PARAGRAPH,
	MD_HEADING,
	MD_THEMATIC_BREAK,
	MD_TABLE,
	MD_TABLE_ROW,
	MD_TABLE_CELL,
	MD_FOOTNOTE_DEF,
	/* inlines */
	MD_TEXT,
	MD_SOFTBREAK,
	MD_LINEBREAK,
	MD_CODE,
	MD_HTML_INLINE,
	MD_EMPH,
	MD_STRONG,
	MD_STRIKETHROUGH,
	MD_LINK,
	MD_IMAGE,
	MD_FOOTNOTE_REF,
	MD_OTHER /* anything an extension adds that we do not know */
};

enum md_list_type { MD_LIST_BULLET = 1, MD_LIST_ORDERED = 2 };
enum md_align { MD_ALIGN_NONE = 0, MD_ALIGN_LEFT, MD_ALIGN_CENTER, MD_ALIGN_RIGHT };

enum md_flags {
	MD_FOOTNOTES = 1, /* enable footnote syntax */
	/* Take the tree's memory from docday's arena, which md_free empties
	 * at once, without walking the tree: for a page parsed to be shown
	 * once (show, view: big pages get huge pages) and for many pages
	 * parsed in a row (the HTML export: the arena's memory is kept for the
	 * next page).  One such document at a time per process, in one
	 * thread: while one exists, md_parse parses others as without the flag
	 * (and so it does in AddressSanitizer builds).  Nodes added to the
	 * tree must be made with md_cmark_mem's allocator, and nothing from
	 * the tree may be used after md_free. */
	MD_ARENA = 2,
};

/* Parses text[0..len).  Never fails on any input (bad bytes become U+FFFD);
 * returns NULL only when len exceeds the limit md_max_len() with e set
 * (ERR_USER).  Caller frees with md_free. */
md_doc *md_parse(const char *text, size_t len, int flags, err_info *e);
void md_free(md_doc *d);
size_t md_max_len(void);

/* A text of 256 KiB or more is parsed in pieces of about 32 KiB, one
 * after the other (markdown.c, "big texts in pieces"); the tree is the
 * one a parse in one piece makes.  For tests: texts of min_len bytes or
 * more are cut into pieces of about piece_len (0: the defaults).  Not
 * thread-safe; call it before parsing. */
void md_parse_tune(size_t min_len, size_t piece_len);

/* Parses text[0..len) as md_parse does, but hands it to fn piece by
 * piece, in order, each piece a document of its own (its lines numbered
 * as in the whole text) that is freed when fn returns: for laying out and
 * printing a big text with the memory of one piece at a time
 * (layout_stream).  A text that is not cut is one piece.  Stops at fn's
 * first nonzero return and returns it; -1 with e set when the text is too
 * large; else 0. */
typedef int (*md_each_fn)(void *ctx, const md_doc *piece);
int md_parse_each(const char *text, size_t len, int flags, md_each_fn fn, void *ctx, err_info *e);
/* For tests: the number of pieces d's text was parsed in (1: one parse),
 * and cmark's XML of the whole tree with source positions (malloc'd). */
int md_pieces(const md_doc *d);
char *md_debug_xml(const md_doc *d);

md_node *md_root(const md_doc *d);

/* The cmark-gfm root node of the parse, for the HTML exporter (the one other
 * module that includes cmark's headers).  Owned by d: it may be changed in
 * place but not freed.  Wiki links carry docday's user_data (see
 * markdown.c); nobody else may set user_data on this tree. */
struct cmark_node *md_cmark_root(const md_doc *d);
/* The allocator the tree's memory comes from, for nodes the exporter adds
 * (cmark_node_new_with_mem).  Owned by markdown.c. */
struct cmark_mem *md_cmark_mem(const md_doc *d);

/* Tree walking; each returns NULL at the end. */
md_node *md_first_child(const md_node *n);
md_node *md_last_child(const md_node *n);
md_node *md_next(const md_node *n);
md_node *md_prev(const md_node *n);
md_node *md_parent(const md_node *n);

/* A hint, NULL-safe: starts loading n into the CPU's cache.  A walk over a
 * big tree calls it for the sibling it will visit next, so that the load
 * overlaps the work on the current node instead of stalling the next one. */
void md_prefetch(const md_node *n);

enum md_type md_node_type(const md_node *n);
/* Text of TEXT, CODE, CODE_BLOCK, HTML_BLOCK, HTML_INLINE; the number of
 * a FOOTNOTE_REF ("1"; the FOOTNOTE_DEFs follow the document in that
 * order); "" otherwise. */
const char *md_literal(const md_node *n);
/* URL and title of LINK and IMAGE; "" otherwise. */
const char *md_url(const md_node *n);
const char *md_title(const md_node *n);
/* 1 when the LINK came from [[...]] wiki syntax. */
int md_is_wiki_link(const md_node *n);
int md_heading_level(const md_node *n);
enum md_list_type md_list_type(const md_node *n);
int md_list_start(const md_node *n);
int md_list_tight(const md_node *n);
/* Info string of a fenced code block ("" when none). */
const char *md_fence_info(const md_node *n);
/* For an ITEM: 0 not a task, 1 unchecked task, 2 checked task. */
int md_task_state(const md_node *n);
/* For a TABLE: number of columns; alignment of column i. */
int md_table_columns(const md_node *n);
enum md_align md_table_align(const md_node *n, int col);
/* For a TABLE_ROW: 1 for the header row. */
int md_table_row_is_header(const md_node *n);
/* Source lines (1-based) the node spans. */
int md_start_line(const md_node *n);
int md_end_line(const md_node *n);

/* --- link targets ------------------------------------------------------ */

enum md_target_kind {
	MD_TARGET_PAGE = 1,     /* another page of the wiki (slug set) */
	MD_TARGET_FRAGMENT = 2, /* "#section" inside this page */
	MD_TARGET_EXTERNAL = 3, /* a URL with a scheme, or an absolute path */
};

typedef struct md_target {
	int kind;
	char *slug;     /* MD_TARGET_PAGE: the page's slug */
	char *fragment; /* text after '#', percent-decoded; NULL when none */
} md_target;

/* Classifies a link URL: "getting-started", "getting-started.md",
 * "Getting%20Started.md#install", "./talks" name pages (percent-decoded,
 * ".md" dropped, slugified); "#x" is a fragment; "https://..",
 * "mailto:..", "/abs" and "../x" are external.  Returns 0 and fills *t
 * (caller frees with md_target_clear), or -1 when the URL names nothing
 * usable (empty, or slugifies to nothing). */
int md_classify(const char *url, md_target *t);
void md_target_clear(md_target *t);

/* The slugs of every page a document links to (wiki links, relative
 * Markdown links and images are not pages), in document order with
 * duplicates removed.  Returns the count and stores a NULL-terminated array
 * in *slugs (caller frees with md_strv_free). */
size_t md_page_links(const md_doc *d, char ***slugs);
void md_strv_free(char **v);

/* Rewrites, in the Markdown source text[0..len), every link that names the
 * page old_slug so that it names new_slug instead:
 *   [[Old Title]] -> [[New Title]], [[old-slug|label]] -> [[new-slug|label]],
 *   [[Old Title#sec]] -> [[New Title#sec]], [x](old-slug) -> [x](new-slug),
 *   [x](./old-slug.md#sec) -> [x](./new-slug.md#sec).
 * A target written as a slug stays a slug; one written as a title becomes
 * new_title (or new_slug when the title has '|' or ']').  Labels are kept.
 * Nothing inside code blocks, HTML blocks or code spans changes.  Returns
 * the number of links rewritten and sets *out (caller frees, NUL-terminated)
 * and *outlen to the new text (a copy even when nothing changed). */
size_t md_rewrite_links(const char *text, size_t len, const char *old_slug, const char *new_slug,
                        const char *new_title, char **out, size_t *outlen);

/* The plain text of a node's inlines (what a reader sees), caller frees.
 * Used for a page's title from its first heading. */
char *md_plain_text(const md_node *n);

/* The first heading of the document (level 1 preferred, else the first of
 * any level) as plain text, caller frees; NULL when there is none. */
char *md_first_heading(const md_doc *d);

#endif
