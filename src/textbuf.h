/* textbuf: the editing model of the built-in editor -- lines of UTF-8 bytes,
 * a cursor, soft wrapping to display rows, a cut buffer, undo/redo and
 * search.  Plain C, no curses: the editor view paints what this module
 * describes and turns keys into these calls.
 *
 * Text.  A document is a sequence of lines joined by '\n'.  tb_text() gives
 * back exactly the bytes tb_new_from() was given: tabs, trailing spaces,
 * invalid UTF-8, NUL bytes, and whether the text ends with '\n' (it then
 * ends with an empty line).  There is always at least one line.
 *
 * CR.  '\r' is stored as an ordinary byte.  A line whose bytes end in '\r'
 * and that is followed by '\n' is a CRLF line: that CR is hidden -- it has
 * no width, tb_line() leaves it out, the cursor never stands after it,
 * deleting the line break (Delete at the end, Backspace at column 0) removes
 * CR and LF together, and tb_newline() inside a CRLF line inserts "\r\n".
 * A CR anywhere else (a lone CR, a CR at the very end of the text) is a
 * control character shown as a placeholder.  So mixed and DOS files
 * round-trip byte for byte and nothing is converted.
 *
 * Characters.  The cursor is a (line, byte offset) that is always on a
 * character boundary.  A character is a base code point plus everything
 * joined to it: combining and other zero-width marks (wcwidth 0), variation
 * selectors, emoji skin-tone modifiers, ZWJ/ZWNJ and an emoji after a ZWJ,
 * and two regional indicators (a flag).  An invalid byte is a character of
 * its own; so is every control, DEL, C1 code, bidi control, zero-width
 * space/BOM and unassigned code point, and a mark with no base (at a line
 * start or after a control).  Moves, deletes and search matches use these
 * characters; the cursor never stops inside a UTF-8 sequence.
 *
 * Widths.  wcwidth() as ncurses counts it (the process LC_CTYPE must be
 * UTF-8: call u8_setlocale()): a character is the sum of its code points'
 * widths (CJK 2, combining 0; an emoji ZWJ sequence is as wide as ncurses
 * will paint it, the sum).  TAB reaches the next multiple of TB_TAB columns
 * counted from the line start.  Every special character above is 1 column
 * and painted as tb_char.glyph.
 *
 * Wrapping.  A line is cut into display rows at a width: after the last
 * space or TAB that fits, else before the first character that does not
 * fit.  A wide character never straddles two rows; a TAB that starts inside
 * a row but would reach past it is clipped at the row's edge (later
 * characters keep their unwrapped columns, so tab stops stay put).  A row
 * is never wider than the width, except a row holding one character wider
 * than the width.  When the last row is full, an empty row follows it, so
 * the cursor at the end of a line always has a column inside the width.
 * A width <= 0 means no wrapping (one row per line).
 *
 * Undo.  Every edit is recorded as the inverse byte operation (the bytes
 * inserted or deleted and where), never a snapshot.  Consecutive typing
 * (tb_insert without '\n'), consecutive Backspaces and consecutive Deletes
 * each make one undo step; a newline, a line join, any move, setting the
 * mark, undo, redo or tb_mark_saved ends the step.  Consecutive tb_cut_line calls are one step.
 * Undo and redo restore the cursor too.  A new edit after undo drops the
 * redo steps.  The oldest steps are dropped when the recorded bytes exceed
 * the limit (tb_set_undo_limit).
 *
 * Costs.  Loading is one pass (10 MB, 200k lines: ~15 ms).  Typing grows
 * the line's buffer geometrically (amortised O(1) allocation) and moves the
 * rest of that line; Enter moves the line vector.  A vertical move wraps
 * only the lines it touches, the cursor's line only up to the row after the
 * cursor; nothing scans the whole text except tb_text and tb_find.
 *
 * Ownership and errors.  tb_new/tb_new_from return a handle the caller frees
 * with tb_free (NULL-safe).  Pointers returned by tb_line/tb_cutbuf belong
 * to the handle and are valid until its next change.  Functions returning
 * char * return new memory the caller frees.  Nothing here fails except by
 * aborting when memory runs out (cmark's policy, as buf does); functions
 * return 1 when they did something and 0 when there was nothing to do
 * (Backspace at the start of the text, a search without a match).  Line
 * and offset arguments out of range are clamped, never trusted. */
#ifndef DOCDAY_TEXTBUF_H
#define DOCDAY_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct textbuf textbuf;

/* Tab stops every TB_TAB display columns from the line start. */
#define TB_TAB 8

/* A place in the text: 0-based line and byte offset into it. */
typedef struct tb_pos {
	size_t line;
	size_t off;
} tb_pos;

/* ---- the buffer ---- */

/* An empty document (one empty line). */
textbuf *tb_new(void);
/* A document holding text[0..len) exactly (text may be NULL when len is 0). */
textbuf *tb_new_from(const char *text, size_t len);
/* Frees the handle, its undo history and cut buffer; NULL-safe. */
void tb_free(textbuf *tb);

/* The whole text, byte for byte as loaded and edited, NUL-terminated;
 * *len (when not NULL) is its length.  Caller frees. */
char *tb_text(const textbuf *tb, size_t *len);

/* Number of lines (>= 1; "a\n" has two, the second empty). */
size_t tb_nlines(const textbuf *tb);
/* The bytes of a line without its line break and without a CRLF line's
 * hidden CR; *len is their length.  Not NUL-terminated; never NULL.  Valid
 * until the next change. */
const char *tb_line(const textbuf *tb, size_t line, size_t *len);
/* 1 when the line ends with "\r\n" (a CRLF line), else 0. */
int tb_line_crlf(const textbuf *tb, size_t line);

/* ---- characters and display ---- */

enum tb_char_kind {
	TB_CH_TEXT = 0,    /* paint the bytes as they are */
	TB_CH_TAB = 1,     /* paint `width` spaces */
	TB_CH_SPECIAL = 2, /* paint `glyph` (1 column) instead of the bytes */
};

/* One character of a line, as tb_char_next describes it. */
typedef struct tb_char {
	size_t off;     /* byte offset of its first byte */
	size_t len;     /* bytes, base plus joined marks */
	size_t col;     /* display column where it starts, from the line start */
	size_t width;   /* display columns (>= 1) */
	int kind;       /* enum tb_char_kind */
	uint32_t cp;    /* first code point; U+FFFD for an invalid byte */
	uint32_t glyph; /* TB_CH_SPECIAL: what to paint -- U+2400+c for a C0
	                   control, U+2421 for DEL, U+25CC for a mark without a
	                   base, U+FFFD for the rest; 0 otherwise */
} tb_char;

/* Describes the character at s[off] (off < n), which starts at display
 * column `col` (TAB widths depend on it), and returns the offset just after
 * it.  s is one line's bytes (tb_line).  The editor view paints a row with
 * this loop; the module moves and wraps with it. */
size_t tb_char_next(const char *s, size_t n, size_t off, size_t col, tb_char *ch);

/* One display row of a logical line: bytes [start, end), starting at
 * display column col0 of the unwrapped line, `width` columns wide (a
 * clipped TAB counts its visible part).  The cursor positions of a row are
 * the character starts in [start, end), plus `end` for the line's last
 * row. */
typedef struct tb_row {
	size_t start;
	size_t end;
	size_t col0;
	size_t width;
} tb_row;

/* A reusable vector of rows (zero it with TB_ROWS_INIT). */
typedef struct tb_rows {
	tb_row *v;
	size_t n;
	size_t cap;
} tb_rows;

#define TB_ROWS_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Fills *out (replacing its contents) with the display rows of `line` at
 * `width` and returns how many (>= 1).  out keeps its memory between calls;
 * free it with tb_rows_free. */
size_t tb_wrap(const textbuf *tb, size_t line, int width, tb_rows *out);
/* Frees the rows' memory; out is empty and reusable.  NULL-safe. */
void tb_rows_free(tb_rows *out);
/* The number of display rows of `line` at `width`, without allocating. */
size_t tb_line_rows(const textbuf *tb, size_t line, int width);

/* Where position p shows at `width`: *row is the display row within p's
 * line (0-based), *col the column within that row (0-based, < width unless
 * the row holds one over-wide character). */
void tb_pos_to_display(const textbuf *tb, tb_pos p, int width, size_t *row, size_t *col);
/* The position shown at (row, col) of `line` at `width`: the character
 * starting at or before col in that row (the line end on the last row when
 * col is past it).  A row past the last means the last row. */
size_t tb_display_to_pos(const textbuf *tb, size_t line, size_t row, size_t col, int width);

/* ---- the cursor ---- */

tb_pos tb_cursor(const textbuf *tb);
/* For the status line: 1-based line and 1-based display column of the
 * cursor in the unwrapped line (TABs expanded). */
void tb_cursor_linecol(const textbuf *tb, size_t *line1, size_t *col1);
/* Jumps to (line, off), clamped to the text and moved back to the start of
 * the character containing off. */
void tb_set_cursor(textbuf *tb, size_t line, size_t off);

/* Moves return 1 when the cursor moved, 0 at the edge of the text.
 * dir < 0 is left/up/back, dir > 0 right/down/forward. */

/* One character; past a line end to the next line and back. */
int tb_move_char(textbuf *tb, int dir);
/* Words are runs of letters and digits (iswalnum in C.UTF-8).  Forward: to
 * the start of the next word, across lines (the text end when there is
 * none).  Back: to the start of this or the previous word. */
int tb_move_word(textbuf *tb, int dir);
/* Start / end of the logical line. */
int tb_move_home(textbuf *tb);
int tb_move_end(textbuf *tb);
/* Up/down one logical line, to the character at or before the goal column
 * (the column the cursor had when a run of vertical moves began). */
int tb_move_line(textbuf *tb, int dir);
/* Up/down one display row of the text wrapped at `width`, keeping the goal
 * column within the row.  width <= 0 is tb_move_line. */
int tb_move_visual(textbuf *tb, int dir, int width);
/* Up/down `rows` display rows (page up/down); returns the rows moved. */
size_t tb_move_page(textbuf *tb, int dir, size_t rows, int width);
/* Start / end of the text. */
int tb_move_doc_start(textbuf *tb);
int tb_move_doc_end(textbuf *tb);

/* ---- editing (each clears the mark) ---- */

/* Inserts s[0..n) at the cursor exactly as given ('\n' splits lines, "\r\n"
 * makes a CRLF break; nothing is converted) and puts the cursor after it.
 * Calls without '\n' in a row are one undo step (typing). */
int tb_insert(textbuf *tb, const char *s, size_t n);
/* Enter: inserts "\r\n" in a CRLF line (and on the last line when the line
 * above is CRLF), else "\n".  Ends the typing step. */
int tb_newline(textbuf *tb);
/* Backspace: deletes the character before the cursor, or at column 0 joins
 * the line to the previous one.  Returns 0 at the start of the text. */
int tb_backspace(textbuf *tb);
/* Delete: deletes the character under the cursor, or at the line end joins
 * the next line.  Returns 0 at the end of the text. */
int tb_delete(textbuf *tb);

/* nano's Ctrl-K: removes the cursor's whole line with its line break and
 * puts it in the cut buffer; consecutive calls append to the buffer and
 * undo as one step.  On the last line (no line break) the text is removed,
 * the empty line stays, and the buffer gets the text plus a line break.
 * Returns 0 on an empty last line. */
int tb_cut_line(textbuf *tb);
/* nano's Ctrl-U: a buffer of whole lines goes above the cursor's line (the
 * cursor stays on its character); a region goes at the cursor (the cursor
 * ends after it).  The buffer is kept for more pastes.  0 when empty. */
int tb_paste(textbuf *tb);
/* The cut buffer's bytes (*len its length); "" when empty.  Valid until the
 * next cut or copy. */
const char *tb_cutbuf(const textbuf *tb, size_t *len);

/* The mark (selection anchor).  The region runs between mark and cursor.
 * Every edit, undo and redo clears the mark; moves keep it. */
void tb_set_mark(textbuf *tb);
void tb_clear_mark(textbuf *tb);
/* 1 and *mark when a mark is set, else 0. */
int tb_get_mark(const textbuf *tb, tb_pos *mark);
/* Copies the region to the cut buffer and clears the mark; 0 when no mark
 * or the region is empty. */
int tb_copy_region(textbuf *tb);
/* Moves the region to the cut buffer (one undo step); 0 when no mark or the
 * region is empty. */
int tb_cut_region(textbuf *tb);

/* ---- undo ---- */

/* Undoes / redoes one step, text and cursor.  0 when there is none. */
int tb_undo(textbuf *tb);
int tb_redo(textbuf *tb);
/* Bytes of recorded text kept for undo (default 64 MiB); older steps are
 * dropped beyond it, the newest step is always kept. */
void tb_set_undo_limit(textbuf *tb, size_t bytes);

/* ---- search ---- */

/* A match: line, bytes [start, end), and whether the search wrapped. */
typedef struct tb_match {
	size_t line;
	size_t start;
	size_t end;
	int wrapped;
} tb_match;

/* Finds needle (one line of UTF-8; case-insensitive: ASCII and towlower in
 * C.UTF-8) after the cursor (forward) or before it (backward); matches
 * start and end on character boundaries.  With wrap, continues from the
 * other end of the text up to and including the cursor (m->wrapped = 1).
 * On a match moves the cursor to its start, fills *m (when not NULL) and
 * returns 1; returns 0 when nothing matches (also for an empty needle or
 * one containing '\n'). */
int tb_find(textbuf *tb, const char *needle, int forward, int wrap, tb_match *m);

/* ---- state ---- */

/* 1 when edited since the last tb_mark_saved (or since loading): set by
 * every edit, cleared again by undo/redo back to the saved state.  (Typing
 * a letter and deleting it again counts as modified, as in nano.) */
int tb_modified(const textbuf *tb);
/* Records the current state as saved. */
void tb_mark_saved(textbuf *tb);

#endif
