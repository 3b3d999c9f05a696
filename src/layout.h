/* layout: a parsed page -> lines of styled spans wrapped to a width.
 *
 * Plain C, no curses: the TUI paints the lines, `docday show` prints them
 * as plain text or ANSI, and the tests compare them with golden files.
 * Every piece of page text is sanitised here (controls, DEL, C1, bidi
 * overrides become visible placeholders in the LS_CONTROL style), so a
 * layout_line's text is always safe to write to a terminal.  Widths come
 * from wcwidth() (u8_cpwidth).  No line is wider than the width unless it
 * has LL_SCROLL (code blocks and tables that do not fit).
 *
 * Ownership: layout_render returns a layout_doc the caller frees with
 * layout_free; all strings and arrays inside belong to it.
 *
 * Widths: a line's width is the sum of wcwidth() over its code points --
 * exactly how far ncurses moves the cursor -- so a ZWJ emoji sequence
 * counts each part (glibc: 👨‍👩‍👧 = 6, 👍🏽 = 4).  The program must have set a
 * UTF-8 LC_CTYPE (u8_setlocale()); in a non-UTF-8 locale every non-ASCII
 * character is shown as a placeholder.  The decorations and the
 * style-track letters are listed at the top of layout.c. */
#ifndef DOCDAY_LAYOUT_H
#define DOCDAY_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "markdown.h"

/* Style bits of a span.  The heading level lives in LS_HEADING_MASK. */
enum layout_style {
	LS_BOLD = 1 << 0,
	LS_ITALIC = 1 << 1,
	LS_UNDERLINE = 1 << 2,
	LS_STRIKE = 1 << 3,
	LS_CODE = 1 << 4,          /* code span or code block text */
	LS_LINK = 1 << 5,          /* link to an existing page or a fragment */
	LS_LINK_MISSING = 1 << 6,  /* link to a page that does not exist */
	LS_LINK_EXTERNAL = 1 << 7, /* URL outside the wiki */
	LS_CONTROL = 1 << 8,       /* a placeholder for a control character */
	LS_MARKER = 1 << 9,        /* list bullets/numbers, quote bars, task boxes */
	LS_RULE = 1 << 10,         /* thematic break, table borders, code gutter */
	LS_DIM = 1 << 11,          /* raw HTML shown as source, image markers */
	LS_QUOTE = 1 << 12,        /* text inside a block quote */
	LS_MATCH = 1 << 13,        /* reserved for the UI's search highlight */
	LS_FOCUS = 1 << 14,        /* reserved for the UI's focused link */
	LS_HEADING_SHIFT = 16,
	LS_HEADING_MASK = 7 << 16, /* heading level 1..6, 0 = not a heading */
};

#define LS_HEADING(level)       ((uint32_t)(level) << LS_HEADING_SHIFT)
#define LS_HEADING_LEVEL(style) (((style)&LS_HEADING_MASK) >> LS_HEADING_SHIFT)

typedef struct layout_span {
	uint32_t off;   /* byte offset into the line's text */
	uint32_t len;   /* bytes */
	uint32_t style; /* enum layout_style bits */
	int32_t link;   /* index into layout_doc.links, -1 when none */
} layout_span;

enum layout_line_flags {
	LL_SCROLL = 1,  /* may be wider than the width (code, wide table) */
	LL_HEADING = 2, /* first line of a heading */
};

typedef struct layout_line {
	char *text;         /* UTF-8, safe for a terminal, no trailing spaces */
	size_t len;         /* bytes */
	int width;          /* display columns */
	layout_span *spans; /* cover text[0..len) in order, without gaps */
	size_t nspans;
	int src_line; /* 1-based source line of the block it came from */
	int flags;    /* enum layout_line_flags */
} layout_line;

enum layout_link_kind { LK_PAGE = 1, LK_FRAGMENT = 2, LK_EXTERNAL = 3 };

/* One per LINK and IMAGE node, in document order; an image inside a link
 * is part of that link (a badge goes where the link goes).  A URL that
 * names nothing ("", "!!!") is an LK_PAGE with slug "" and missing = 1. */
typedef struct layout_link {
	int kind;       /* enum layout_link_kind */
	char *url;      /* as written (sanitised for display) */
	char *slug;     /* LK_PAGE: target slug */
	char *fragment; /* LK_PAGE / LK_FRAGMENT: anchor slug (u8_slug of the
	                 * percent-decoded fragment, as headings' anchors), or NULL */
	int missing;    /* LK_PAGE whose page does not exist */
	int first_line; /* lines it occupies (a wrapped link is one link) */
	int last_line;
	int is_image;
} layout_link;

typedef struct layout_heading {
	int level;
	char *text;   /* plain text, sanitised */
	char *anchor; /* u8_slug of the text, de-duplicated with -1, -2 ... */
	int line;     /* index of its first layout line */
} layout_heading;

typedef struct layout_doc {
	layout_line *lines;
	size_t nlines;
	layout_link *links;
	size_t nlinks;
	layout_heading *headings;
	size_t nheadings;
	int width; /* the width it was laid out for */
} layout_doc;

typedef struct layout_opts {
	int width; /* columns, at least 1 */
	/* Returns 1 when a page with this slug exists; NULL: all exist. */
	int (*page_exists)(void *ctx, const char *slug);
	void *ctx;
	int ascii; /* decorations from ASCII only (no box drawing, bullets) */
	/* Emoji sequences drawn split (u8_split_cp), for terminals that draw
	 * them narrower than wcwidth's sum (RENDERING 15); the caller decides. */
	int split_graphemes;
} layout_opts;

/* The widest layout_opts.width accepted. */
#define LAYOUT_MAX_WIDTH 10000

/* Lays out a parsed document (NULL: an empty one).  Never fails on any
 * input; NULL only when opts is invalid -- NULL, or width outside
 * 1..LAYOUT_MAX_WIDTH -- with e set (ERR_USAGE).  Caller frees with
 * layout_free. */
layout_doc *layout_render(const md_doc *doc, const layout_opts *opts, err_info *e);
void layout_free(layout_doc *d);

/* A text parsed in pieces (md_parse_each) laid out piece by piece: each
 * layout_stream_add returns the lines of one piece (their links and
 * headings numbered within it), exactly the lines layout_render gives
 * for the whole text there, blank lines between blocks, anchors and all;
 * the caller may print and free them before the next piece.  opts must
 * outlive the stream.  layout_stream_new fails as layout_render does. */
typedef struct layout_stream layout_stream;
layout_stream *layout_stream_new(const layout_opts *opts, err_info *e);
layout_doc *layout_stream_add(layout_stream *s, const md_doc *piece);
void layout_stream_free(layout_stream *s);

/* The layout line showing source line src_line (the first line whose
 * src_line is >= it); for keeping the reading position on resize. */
size_t layout_find_src_line(const layout_doc *d, int src_line);

/* Appends the document as plain text, one line per line, '\n' after each. */
void layout_to_text(const layout_doc *d, buf *out);

/* Appends the document with ANSI SGR styling (color: use colours; else
 * bold/underline/reverse/dim only). */
void layout_to_ansi(const layout_doc *d, buf *out, int color);

/* Appends the style track for golden tests: one line per layout line, one
 * character per display column naming the style of that column
 * (see layout.c for the letters). */
void layout_to_styles(const layout_doc *d, buf *out);

#endif
