/* Unit tests of textbuf: round trips, characters and cursor moves over
 * Unicode, wrapping and the display mapping, editing with undo/redo, cut
 * and paste, search, the modified flag, a random-edit check that undo and
 * redo give back every byte, and a 10 MB load timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "textbuf.h"
#include "u8.h"

#define FAMILY "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"
#define ACUTE "\xcc\x81"     /* U+0301 combining acute */
#define E_ACUTE "\xc3\xa9"   /* U+00E9 */
#define ZHONG "\xe4\xb8\xad" /* U+4E2D, 2 columns */
#define WEN "\xe6\x96\x87"   /* U+6587, 2 columns */
#define FLAG_FR "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"
#define THUMB_TONE "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"

static textbuf *mk(const char *s)
{
	return tb_new_from(s, strlen(s));
}

static int text_is_n(const textbuf *tb, const char *want, size_t n, const char *name)
{
	size_t len;
	char *t = tb_text(tb, &len);
	int ok = len == n && memcmp(t, want, n) == 0;

	if (!OK(ok, name))
		printf("#   got:  \"%s\" (%zu bytes)\n#   want: \"%.*s\" (%zu bytes)\n", t, len,
		       (int)n, want, n);
	free(t);
	return ok;
}

static int text_is(const textbuf *tb, const char *want, const char *name)
{
	char *t = tb_text(tb, NULL);
	int ok = STREQ(t, want, name);

	free(t);
	return ok;
}

static int cur_is(const textbuf *tb, size_t line, size_t off, const char *name)
{
	tb_pos p = tb_cursor(tb);

	if (!OK(p.line == line && p.off == off, name))
		printf("#   cursor (%zu,%zu), want (%zu,%zu)\n", p.line, p.off, line, off);
	return p.line == line && p.off == off;
}

/* ---- round trips ---- */

static void roundtrip(const char *s, size_t n, size_t lines, const char *name)
{
	textbuf *tb = tb_new_from(s, n);
	char label[128];

	text_is_n(tb, s, n, name);
	snprintf(label, sizeof label, "%s: %zu lines", name, lines);
	OK(tb_nlines(tb) == lines, label);
	tb_free(tb);
}

static void test_roundtrip(void)
{
	textbuf *tb;
	const char *s;
	size_t len;

	roundtrip("", 0, 1, "empty text");
	roundtrip("a", 1, 1, "no final newline");
	roundtrip("a\n", 2, 2, "final newline");
	roundtrip("a\nb", 3, 2, "two lines, no final newline");
	roundtrip("\n\n", 2, 3, "only newlines");
	roundtrip("a\r\nb\r\n", 6, 3, "CRLF");
	roundtrip("a\r\nb\nc\r", 7, 3, "mixed CRLF, LF and a final CR");
	roundtrip("\tx  \n  \t\n", 9, 3, "tabs and trailing spaces");
	roundtrip("\xff\xfe a\xc3\n\xe4\xb8", 8, 2, "invalid UTF-8 bytes");
	roundtrip("a\0b\n\0", 5, 2, "NUL bytes");
	roundtrip("a\rb\r\r\n", 6, 2, "lone CRs");

	tb = mk("ab\r\ncd\r");
	s = tb_line(tb, 0, &len);
	OK(len == 2 && memcmp(s, "ab", 2) == 0, "tb_line hides a CRLF line's CR");
	OK(tb_line_crlf(tb, 0) && !tb_line_crlf(tb, 1), "CRLF flag per line");
	s = tb_line(tb, 1, &len);
	OK(len == 3 && s[2] == '\r', "a CR at the text end is visible");
	tb_free(tb);
	tb = tb_new();
	OK(tb_nlines(tb) == 1 && !tb_modified(tb), "tb_new: one empty line, unmodified");
	text_is(tb, "", "tb_new text");
	tb_free(tb);
	tb_free(NULL);
	OK(1, "tb_free(NULL) is safe");
}

/* ---- characters ---- */

static void char_is(const char *s, size_t col, size_t len, size_t width, int kind,
                    uint32_t glyph, const char *name)
{
	tb_char ch;
	size_t end = tb_char_next(s, strlen(s), 0, col, &ch);
	int ok = end == len && ch.len == len && ch.width == width && ch.kind == kind &&
	         ch.glyph == glyph;

	if (!OK(ok, name))
		printf("#   len %zu width %zu kind %d glyph %X\n", ch.len, ch.width, ch.kind,
		       (unsigned)ch.glyph);
}

static void test_chars(void)
{
	char_is("a", 0, 1, 1, TB_CH_TEXT, 0, "ASCII letter");
	char_is(E_ACUTE "x", 0, 2, 1, TB_CH_TEXT, 0, "precomposed e-acute");
	char_is("e" ACUTE "x", 0, 3, 1, TB_CH_TEXT, 0, "e + combining acute is one character");
	char_is(ZHONG, 0, 3, 2, TB_CH_TEXT, 0, "CJK is 2 columns");
	char_is("\tx", 3, 1, 5, TB_CH_TAB, 0, "TAB at column 3 reaches column 8");
	char_is("\tx", 8, 1, 8, TB_CH_TAB, 0, "TAB at column 8 is 8 wide");
	char_is(FAMILY "x", 0, 18, 6, TB_CH_TEXT, 0, "ZWJ family is one character, 6 columns");
	char_is(FLAG_FR FLAG_FR, 0, 8, 2, TB_CH_TEXT, 0, "a flag is two regional indicators");
	char_is(THUMB_TONE, 0, 8, 4, TB_CH_TEXT, 0, "emoji + skin tone is one character");
	char_is("\xff" "a", 0, 1, 1, TB_CH_SPECIAL, 0xFFFD, "invalid byte: 1 column, U+FFFD");
	char_is("\xc3" ACUTE, 0, 1, 1, TB_CH_SPECIAL, 0xFFFD, "truncated sequence is one byte");
	char_is("\x01", 0, 1, 1, TB_CH_SPECIAL, 0x2401, "control: control picture");
	char_is("\x7f", 0, 1, 1, TB_CH_SPECIAL, 0x2421, "DEL: U+2421");
	char_is("\r", 0, 1, 1, TB_CH_SPECIAL, 0x240D, "lone CR: U+240D");
	char_is(ACUTE ACUTE "a", 0, 4, 1, TB_CH_SPECIAL, 0x25CC, "marks without a base");
	char_is("\xe2\x80\xae" "a", 0, 3, 1, TB_CH_SPECIAL, 0xFFFD, "bidi override is visible");
	char_is("\xef\xbb\xbf" "a", 0, 3, 1, TB_CH_SPECIAL, 0xFFFD, "BOM is visible");
}

/* ---- cursor moves ---- */

static void walk(textbuf *tb, const size_t *stops, size_t n, const char *name)
{
	size_t i, bad = 0;
	char label[128];

	tb_set_cursor(tb, 0, 0);
	for (i = 1; i < n; i++) {
		tb_move_char(tb, 1);
		bad += tb_cursor(tb).off != stops[i];
	}
	snprintf(label, sizeof label, "%s: right stops", name);
	OK(!bad, label);
	snprintf(label, sizeof label, "%s: right at the end stays", name);
	OK(!tb_move_char(tb, 1) && tb_cursor(tb).off == stops[n - 1], label);
	for (i = n - 1; i-- > 0;) {
		tb_move_char(tb, -1);
		bad += tb_cursor(tb).off != stops[i];
	}
	snprintf(label, sizeof label, "%s: left stops", name);
	OK(!bad, label);
	snprintf(label, sizeof label, "%s: left at the start stays", name);
	OK(!tb_move_char(tb, -1), label);
}

static void test_moves(void)
{
	static const size_t s1[] = {0, 1, 3, 6, 9, 27, 35, 43, 44};
	static const size_t s2[] = {0, 1, 2, 3, 4, 7, 8};
	static const size_t s3[] = {0, 3, 4};
	textbuf *tb = mk("a" E_ACUTE "e" ACUTE ZHONG FAMILY THUMB_TONE FLAG_FR "x");
	size_t l1, c1;

	walk(tb, s1, sizeof s1 / sizeof *s1, "Unicode line");
	tb_free(tb);
	tb = mk("a\xff\xc3" "b" ZHONG "\x80");
	walk(tb, s2, sizeof s2 / sizeof *s2, "invalid bytes");
	tb_free(tb);
	tb = mk(ACUTE "\xe2\x80\x8d" "ab");
	tb_set_cursor(tb, 0, 0);
	tb_move_char(tb, 1);
	cur_is(tb, 0, 5, "marks at a line start move as one");
	tb_free(tb);
	tb = mk(ZHONG "\t");
	walk(tb, s3, 3, "CJK and TAB");
	tb_free(tb);

	tb = mk("ab\r\ncd\nef");
	tb_move_end(tb);
	cur_is(tb, 0, 2, "End stops before a CRLF line's CR");
	tb_move_char(tb, 1);
	cur_is(tb, 1, 0, "right at a line end goes to the next line");
	tb_move_char(tb, -1);
	cur_is(tb, 0, 2, "left at column 0 goes to the previous line end");
	tb_move_doc_end(tb);
	cur_is(tb, 2, 2, "document end");
	OK(!tb_move_doc_end(tb), "document end again does nothing");
	tb_move_home(tb);
	cur_is(tb, 2, 0, "Home");
	tb_move_doc_start(tb);
	cur_is(tb, 0, 0, "document start");
	tb_set_cursor(tb, 9, 99);
	cur_is(tb, 2, 2, "tb_set_cursor clamps");
	tb_free(tb);

	tb = mk("e" ACUTE ZHONG);
	tb_set_cursor(tb, 0, 2);
	cur_is(tb, 0, 0, "tb_set_cursor inside a character goes to its start");
	tb_set_cursor(tb, 0, 4);
	cur_is(tb, 0, 3, "tb_set_cursor inside a UTF-8 sequence goes to its start");
	tb_free(tb);

	tb = mk("\tab" ZHONG "c");
	tb_set_cursor(tb, 0, 6);
	tb_cursor_linecol(tb, &l1, &c1);
	OK(l1 == 1 && c1 == 13, "line 1, col 13 after a TAB, two letters and a CJK");
	tb_free(tb);
}

static void test_words(void)
{
	static const size_t fw[][2] = {{0, 7}, {0, 15}, {0, 19}, {0, 23}, {1, 0}, {1, 5}, {1, 9}};
	static const size_t bw[][2] = {{1, 5}, {1, 0}, {0, 23}, {0, 19}, {0, 15}, {0, 7}, {0, 0}};
	textbuf *tb = mk("hello, w\xc3\xb6rld  foo_bar 42\nnext line");
	size_t i, bad = 0;

	for (i = 0; i < 7; i++) {
		tb_move_word(tb, 1);
		bad += tb_cursor(tb).line != fw[i][0] || tb_cursor(tb).off != fw[i][1];
	}
	OK(!bad, "word right: starts of words, across lines, then the end");
	OK(!tb_move_word(tb, 1), "word right at the end does nothing");
	for (i = 0; i < 7; i++) {
		tb_move_word(tb, -1);
		bad += tb_cursor(tb).line != bw[i][0] || tb_cursor(tb).off != bw[i][1];
	}
	OK(!bad, "word left: starts of words, across lines");
	OK(!tb_move_word(tb, -1), "word left at the start does nothing");
	tb_free(tb);

	tb = mk(ZHONG WEN " \xe3\x83\x86\xe3\x82\xb9 e" ACUTE "t" ACUTE "e!");
	tb_move_word(tb, 1);
	cur_is(tb, 0, 7, "CJK run is a word");
	tb_move_word(tb, 1);
	cur_is(tb, 0, 14, "katakana run is a word");
	tb_move_word(tb, -1);
	cur_is(tb, 0, 7, "word left to the katakana start");
	tb_move_end(tb);
	tb_move_word(tb, -1);
	cur_is(tb, 0, 14, "decomposed accents stay inside the word");
	tb_free(tb);
}

/* ---- wrapping ---- */

/* Every row fits the width (one over-wide character or a clipped TAB
 * aside), rows cover the line in order, and every row starts on a
 * character. */
static int rows_sane(const textbuf *tb, size_t line, int width)
{
	tb_rows rows = TB_ROWS_INIT;
	size_t n, i, k, prev_end = 0, c, len;
	const char *s = tb_line(tb, line, &len);
	tb_char ch;
	int ok = 1;

	n = tb_wrap(tb, line, width, &rows);
	for (k = 0; k < n; k++) {
		tb_row *r = &rows.v[k];
		size_t chars = 0;

		ok &= r->start == prev_end && r->end >= r->start;
		ok &= r->width <= (size_t)width || r->end - r->start == 0 ||
		      tb_char_next(s, len, r->start, r->col0, &ch) == r->end;
		for (i = r->start, c = r->col0; i < r->end; chars++) {
			i = tb_char_next(s, len, i, c, &ch);
			ok &= ch.kind == TB_CH_TAB || chars == 0 || c + ch.width - r->col0 <= (size_t)width;
			c += ch.width;
		}
		ok &= i == r->end;
		prev_end = r->end;
	}
	ok &= prev_end == len && n == tb_line_rows(tb, line, width);
	tb_rows_free(&rows);
	return ok;
}

static int rows_are(const textbuf *tb, size_t line, int width, const size_t *ends, size_t n)
{
	tb_rows rows = TB_ROWS_INIT;
	size_t i, got = tb_wrap(tb, line, width, &rows);
	int ok = got == n;

	for (i = 0; ok && i < n; i++)
		ok = rows.v[i].end == ends[i];
	if (!ok)
		for (i = 0; i < got; i++)
			printf("#   row %zu: [%zu, %zu) col0 %zu width %zu\n", i, rows.v[i].start,
			       rows.v[i].end, rows.v[i].col0, rows.v[i].width);
	tb_rows_free(&rows);
	return ok;
}

#define PARA ZHONG WEN ZHONG WEN ZHONG WEN " abc\tdef ghi"

static void test_wrap(void)
{
	static const size_t e1[] = {10, 20, 25};
	static const size_t e2[] = {10, 10};
	static const size_t e3[] = {3, 9, 12};
	static const size_t e4[] = {10, 11};
	static const size_t e5[] = {1, 3};
	static const size_t e6[] = {15, 23, 30};
	static const size_t e7[] = {23, 30};
	static const size_t e8[] = {4, 10, 16, 19};
	static const size_t e9[] = {10};
	textbuf *tb = mk("abcdefghijklmnopqrstuvwxy\n0123456789\nabc" ZHONG WEN "\xe5\xad\x97\n"
	                 "abcdefghi\tx\n\tab\n" PARA "\nThe quick brown fox\n0123456789\nx" FAMILY "y");
	tb_rows rows = TB_ROWS_INIT;
	size_t row, col, w, l, bad = 0;

	OK(rows_are(tb, 0, 10, e1, 3), "hard wrap of a word longer than the width");
	OK(rows_are(tb, 1, 10, e2, 2), "a full last row gets an empty row after it");
	OK(rows_are(tb, 2, 4, e3, 3), "a wide character never straddles two rows");
	OK(rows_are(tb, 3, 10, e4, 2), "a TAB crossing the edge is clipped to the row");
	tb_wrap(tb, 3, 10, &rows);
	OK(rows.v[0].width == 10 && rows.v[1].col0 == 16, "clipped TAB: row 10 wide, tab stops kept");
	OK(rows_are(tb, 4, 4, e5, 2), "TAB wider than the width");
	OK(rows_are(tb, 5, 10, e6, 3), "paragraph with CJK and a TAB at width 10");
	OK(rows_are(tb, 5, 20, e7, 2), "paragraph with CJK and a TAB at width 20");
	OK(rows_are(tb, 6, 8, e8, 4), "break after the last space that fits");
	OK(rows_are(tb, 7, 0, e9, 1), "width 0 means no wrapping");
	tb_wrap(tb, 6, 8, &rows);
	OK(rows.v[1].start == 4 && rows.v[1].col0 == 4 && rows.v[1].width == 6,
	   "row fields: start, col0, width");
	for (l = 0; l < tb_nlines(tb); l++)
		for (w = 1; w <= 40; w++)
			bad += !rows_sane(tb, l, (int)w);
	OK(!bad, "rows never wider than the width, widths 1..40, every line");
	tb_wrap(tb, 8, 4, &rows);
	OK(rows.n == 3 && rows.v[1].start == 1 && rows.v[1].end == 19 && rows.v[1].width == 6,
	   "a character wider than the width gets a row of its own");

	/* cursor <-> display */
	tb_pos_to_display(tb, (tb_pos){5, 19}, 10, &row, &col);
	OK(row == 1 && col == 3, "position -> display: 'a' on row 1, column 3");
	tb_pos_to_display(tb, (tb_pos){5, 26}, 10, &row, &col);
	OK(row == 2 && col == 3, "position -> display after the clipped TAB");
	tb_pos_to_display(tb, (tb_pos){1, 10}, 10, &row, &col);
	OK(row == 1 && col == 0, "line end of a full row shows on the empty row");
	tb_pos_to_display(tb, (tb_pos){0, 10}, 10, &row, &col);
	OK(row == 1 && col == 0, "a row start belongs to its row");
	tb_pos_to_display(tb, (tb_pos){5, 30}, 20, &row, &col);
	OK(row == 1 && col == 7, "line end on the last row");
	OK(tb_display_to_pos(tb, 5, 0, 3, 10) == 3, "display -> position: inside a wide char");
	OK(tb_display_to_pos(tb, 5, 1, 3, 10) == 19, "display -> position: row 1 column 3");
	OK(tb_display_to_pos(tb, 5, 1, 4, 10) == 20, "display -> position: row 1 column 4");
	OK(tb_display_to_pos(tb, 5, 1, 9, 10) == 22, "display -> position: on the clipped TAB");
	OK(tb_display_to_pos(tb, 5, 2, 99, 10) == 30, "display -> position: past the last row end");
	OK(tb_display_to_pos(tb, 6, 0, 99, 8) == 3, "past a middle row's end: its last character");
	OK(tb_display_to_pos(tb, 6, 9, 0, 8) == 16, "a row past the last means the last row");
	OK(tb_display_to_pos(tb, 1, 1, 5, 10) == 10, "the empty row holds the line end");
	for (l = 0, bad = 0; l < tb_nlines(tb); l++) {
		size_t len, i = 0, c = 0;
		const char *s = tb_line(tb, l, &len);
		tb_char ch;

		for (w = 2; w <= 30; w++)
			for (i = 0;; i = tb_char_next(s, len, i, c, &ch)) {
				tb_pos_to_display(tb, (tb_pos){l, i}, (int)w, &row, &col);
				bad += tb_display_to_pos(tb, l, row, col, (int)w) != i;
				bad += col >= w;
				if (i >= len)
					break;
			}
	}
	OK(!bad, "display -> position inverts position -> display everywhere");
	tb_rows_free(&rows);
	tb_rows_free(NULL);
	tb_free(tb);
}

static void test_visual(void)
{
	textbuf *tb = mk("0123456789abcdefghij0123\nshort\n0123456789ABCDEFGHIJ");
	size_t n;

	tb_set_cursor(tb, 0, 7);
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 0, 17, "visual down inside a wrapped line");
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 0, 24, "visual down to a shorter last row: line end");
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 1, 5, "visual down to a short line");
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 2, 7, "goal column kept across short rows");
	OK(tb_move_visual(tb, 1, 10) && tb_cursor(tb).off == 17, "down to the second row");
	OK(tb_move_visual(tb, 1, 10) && tb_cursor(tb).off == 20,
	   "down to the empty row after a full row: the line end");
	OK(!tb_move_visual(tb, 1, 10), "down on the last row of the text does nothing");
	tb_move_visual(tb, -1, 10);
	cur_is(tb, 2, 17, "visual up from the empty row keeps the goal");
	tb_move_visual(tb, -1, 10);
	cur_is(tb, 2, 7, "visual up");
	tb_move_visual(tb, -1, 10);
	tb_move_visual(tb, -1, 10);
	cur_is(tb, 0, 24, "visual up into the last row of the line above");
	tb_move_visual(tb, -1, 10);
	tb_move_visual(tb, -1, 10);
	cur_is(tb, 0, 7, "back to the start column");
	OK(!tb_move_visual(tb, -1, 10), "up on the first row does nothing");
	tb_move_char(tb, 1);
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 0, 18, "a horizontal move takes a new goal");

	tb_set_cursor(tb, 0, 7);
	tb_move_line(tb, 1);
	cur_is(tb, 1, 5, "logical down: line end of a short line");
	tb_move_line(tb, 1);
	cur_is(tb, 2, 7, "logical down keeps the goal column");
	tb_move_line(tb, -1);
	tb_move_line(tb, -1);
	cur_is(tb, 0, 7, "logical up twice");
	n = tb_move_page(tb, 1, 3, 10);
	OK(n == 3, "page down moves 3 rows");
	cur_is(tb, 1, 5, "page down lands 3 rows below");
	n = tb_move_page(tb, 1, 10, 10);
	OK(n == 3, "page down stops at the last row");
	cur_is(tb, 2, 20, "page down ends on the empty last row");
	n = tb_move_page(tb, -1, 100, 10);
	OK(n == 6, "page up to the first row");
	cur_is(tb, 0, 7, "page up keeps the goal");
	tb_free(tb);

	/* a paragraph with CJK and a TAB, at widths 10 and 20 */
	tb = mk("abcde\n" PARA);
	tb_set_cursor(tb, 0, 3);
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 1, 3, "width 10: column 3 falls in a CJK char: its start");
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 1, 19, "width 10: the goal survives the CJK row");
	tb_move_visual(tb, 1, 10);
	cur_is(tb, 1, 26, "width 10: third row after the clipped TAB");
	tb_move_visual(tb, -1, 10);
	tb_move_visual(tb, -1, 10);
	tb_move_visual(tb, -1, 10);
	cur_is(tb, 0, 3, "width 10: back up to column 3");
	tb_move_visual(tb, 1, 20);
	cur_is(tb, 1, 3, "width 20: first row");
	tb_move_visual(tb, 1, 20);
	cur_is(tb, 1, 26, "width 20: second row");
	tb_move_visual(tb, -1, 20);
	cur_is(tb, 1, 3, "width 20: up again");
	tb_move_line(tb, -1);
	cur_is(tb, 0, 2, "logical up takes its own goal (column 2)");
	tb_free(tb);
}

/* ---- editing ---- */

static void type(textbuf *tb, const char *s)
{
	tb_insert(tb, s, strlen(s));
}

static void type_chars(textbuf *tb, const char *s)
{
	for (; *s; s++)
		tb_insert(tb, s, 1);
}

static void test_edit(void)
{
	textbuf *tb = tb_new();

	type(tb, "abcd");
	text_is(tb, "abcd", "insert");
	cur_is(tb, 0, 4, "cursor after the insert");
	tb_set_cursor(tb, 0, 2);
	type(tb, "x\ny");
	text_is(tb, "abx\nycd", "insert with a newline splits the line");
	cur_is(tb, 1, 1, "cursor after a multi-line insert");
	tb_undo(tb);
	text_is(tb, "abcd", "undo multi-line insert");
	cur_is(tb, 0, 2, "undo puts the cursor back");
	tb_redo(tb);
	text_is(tb, "abx\nycd", "redo multi-line insert");
	cur_is(tb, 1, 1, "redo puts the cursor after");
	tb_set_cursor(tb, 1, 0);
	tb_insert(tb, "1\n2\n3\n", 6);
	text_is(tb, "abx\n1\n2\n3\nycd", "insert of several lines");
	cur_is(tb, 4, 0, "cursor after several lines");
	tb_undo(tb);
	text_is(tb, "abx\nycd", "undo several lines");
	tb_free(tb);

	tb = mk("ab\r\ncd");
	tb_set_cursor(tb, 0, 1);
	tb_newline(tb);
	text_is(tb, "a\r\nb\r\ncd", "Enter in a CRLF line inserts CRLF");
	cur_is(tb, 1, 0, "cursor on the new line");
	tb_move_doc_end(tb);
	tb_newline(tb);
	text_is(tb, "a\r\nb\r\ncd\r\n", "Enter on the last line of a CRLF text");
	tb_undo(tb);
	tb_undo(tb);
	text_is(tb, "ab\r\ncd", "undo both newlines");
	cur_is(tb, 0, 1, "cursor back where Enter was pressed");
	tb_free(tb);
	tb = mk("ab");
	tb_set_cursor(tb, 0, 1);
	tb_newline(tb);
	text_is(tb, "a\nb", "Enter in an LF text");
	tb_free(tb);

	/* Backspace */
	tb = mk("h" E_ACUTE "llo\nwe" ACUTE "\r\n" FAMILY "x");
	tb_set_cursor(tb, 0, 3);
	tb_backspace(tb);
	text_is(tb, "hllo\nwe" ACUTE "\r\n" FAMILY "x", "Backspace deletes a precomposed char");
	cur_is(tb, 0, 1, "cursor after Backspace");
	tb_set_cursor(tb, 1, 4);
	tb_backspace(tb);
	text_is(tb, "hllo\nw\r\n" FAMILY "x", "Backspace deletes e + combining mark");
	tb_set_cursor(tb, 2, 18);
	tb_backspace(tb);
	text_is(tb, "hllo\nw\r\nx", "Backspace deletes a whole ZWJ sequence");
	tb_backspace(tb);
	text_is(tb, "hllo\nwx", "Backspace at column 0 joins, CR and LF together");
	cur_is(tb, 1, 1, "cursor at the join");
	tb_set_cursor(tb, 1, 0);
	tb_backspace(tb);
	text_is(tb, "hllowx", "Backspace joins LF lines");
	cur_is(tb, 0, 4, "cursor at the LF join");
	tb_undo(tb);
	text_is(tb, "hllo\nwx", "undo the join");
	cur_is(tb, 1, 0, "cursor back on the second line");
	tb_undo(tb);
	text_is(tb, "hllo\nw\r\nx", "undo the CRLF join");
	tb_undo(tb);
	text_is(tb, "hllo\nw\r\n" FAMILY "x", "undo restores the ZWJ sequence");
	cur_is(tb, 2, 18, "cursor after the restored emoji");
	tb_set_cursor(tb, 0, 0);
	OK(!tb_backspace(tb), "Backspace at the text start does nothing");
	tb_free(tb);

	/* Delete */
	tb = mk("ab" ZHONG "c\r\nd\ne");
	tb_set_cursor(tb, 0, 2);
	tb_delete(tb);
	text_is(tb, "abc\r\nd\ne", "Delete removes the character under the cursor");
	cur_is(tb, 0, 2, "Delete keeps the cursor");
	tb_move_end(tb);
	tb_delete(tb);
	text_is(tb, "abcd\ne", "Delete at a CRLF line end joins");
	tb_move_end(tb);
	tb_delete(tb);
	text_is(tb, "abcde", "Delete at an LF line end joins");
	tb_move_end(tb);
	OK(!tb_delete(tb), "Delete at the text end does nothing");
	tb_undo(tb);
	tb_undo(tb);
	text_is(tb, "abc\r\nd\ne", "undo both joins");
	cur_is(tb, 0, 3, "cursor at the first join");
	tb_undo(tb);
	text_is(tb, "ab" ZHONG "c\r\nd\ne", "undo Delete");
	cur_is(tb, 0, 2, "cursor where Delete was pressed");
	OK(!tb_undo(tb), "nothing left to undo");
	tb_redo(tb);
	tb_redo(tb);
	tb_redo(tb);
	text_is(tb, "abcde", "redo all three");
	OK(!tb_redo(tb), "nothing left to redo");
	tb_free(tb);

	/* the cursor stays on a character boundary after odd inserts */
	tb = mk("x");
	tb_insert(tb, "\xc3", 1);
	tb_insert(tb, "\xa9", 1);
	text_is(tb, "\xc3\xa9x", "a character typed byte by byte");
	cur_is(tb, 0, 2, "cursor after the completed character");
	tb_set_cursor(tb, 0, 0);
	tb_delete(tb);
	tb_insert(tb, "e", 1);
	tb_insert(tb, ACUTE, 2);
	text_is(tb, "e" ACUTE "x", "combining mark typed after its base");
	cur_is(tb, 0, 3, "cursor after the mark");
	tb_set_cursor(tb, 0, 0);
	tb_insert(tb, "q", 1);
	tb_insert(tb, "e", 1);
	cur_is(tb, 0, 2, "insert before a mark that now joins the new letter");
	tb_free(tb);
}

static void test_groups(void)
{
	textbuf *tb = tb_new();

	type_chars(tb, "hello world");
	tb_undo(tb);
	text_is(tb, "", "typing is one undo step");
	cur_is(tb, 0, 0, "undo of typing puts the cursor at its start");
	tb_redo(tb);
	text_is(tb, "hello world", "redo typing");
	cur_is(tb, 0, 11, "redo puts the cursor at the end");
	tb_move_char(tb, -1);
	type_chars(tb, "XY");
	type_chars(tb, "Z");
	text_is(tb, "hello worlXYZd", "typing after a move");
	tb_undo(tb);
	text_is(tb, "hello world", "a move ends the typing step");
	cur_is(tb, 0, 10, "cursor back at the move target");
	tb_free(tb);

	tb = tb_new();
	type_chars(tb, "ab");
	tb_newline(tb);
	type_chars(tb, "cd");
	tb_undo(tb);
	text_is(tb, "ab\n", "undo the typing after Enter");
	tb_undo(tb);
	text_is(tb, "ab", "undo Enter alone");
	tb_undo(tb);
	text_is(tb, "", "undo the typing before Enter");
	tb_free(tb);

	tb = mk("hello");
	tb_move_end(tb);
	tb_backspace(tb);
	tb_backspace(tb);
	tb_backspace(tb);
	text_is(tb, "he", "three Backspaces");
	tb_undo(tb);
	text_is(tb, "hello", "Backspaces are one undo step");
	cur_is(tb, 0, 5, "cursor back at the end");
	tb_redo(tb);
	text_is(tb, "he", "redo the Backspaces");
	cur_is(tb, 0, 2, "redo cursor");
	tb_free(tb);

	tb = mk("abcdef");
	tb_delete(tb);
	tb_delete(tb);
	type_chars(tb, "X");
	tb_delete(tb);
	text_is(tb, "Xdef", "Delete, Delete, type, Delete");
	tb_undo(tb);
	text_is(tb, "Xcdef", "undo the last Delete alone");
	tb_undo(tb);
	text_is(tb, "cdef", "undo the typing");
	tb_undo(tb);
	text_is(tb, "abcdef", "two Deletes are one step");
	tb_free(tb);

	tb = mk("abc");
	tb_move_end(tb);
	type_chars(tb, "d");
	tb_undo(tb);
	type_chars(tb, "e");
	OK(!tb_redo(tb), "a new edit after undo clears redo");
	text_is(tb, "abce", "text after the new edit");
	tb_undo(tb);
	text_is(tb, "abc", "undo the new edit");
	tb_free(tb);

	tb = mk("");
	type_chars(tb, "ab");
	tb_undo(tb);
	type_chars(tb, "c");
	type_chars(tb, "d");
	tb_undo(tb);
	text_is(tb, "", "typing after undo does not merge into undone text");
	tb_free(tb);
}

static void test_cut_paste(void)
{
	textbuf *tb = mk("one\ntwo\nthree\nfour\n");
	size_t len;
	const char *cut;

	tb_set_cursor(tb, 1, 1);
	tb_cut_line(tb);
	text_is(tb, "one\nthree\nfour\n", "Ctrl-K cuts the line");
	cur_is(tb, 1, 0, "cursor at the start of the next line");
	tb_cut_line(tb);
	text_is(tb, "one\nfour\n", "second Ctrl-K");
	cut = tb_cutbuf(tb, &len);
	OK(len == 10 && memcmp(cut, "two\nthree\n", 10) == 0, "consecutive cuts append");
	tb_move_line(tb, 1);
	tb_paste(tb);
	text_is(tb, "one\nfour\ntwo\nthree\n", "Ctrl-U pastes above the cursor line");
	cur_is(tb, 4, 0, "cursor stays on its line, pushed down");
	tb_paste(tb);
	text_is(tb, "one\nfour\ntwo\nthree\ntwo\nthree\n", "Ctrl-U again pastes again");
	tb_undo(tb);
	tb_undo(tb);
	text_is(tb, "one\nfour\n", "undo both pastes");
	tb_undo(tb);
	text_is(tb, "one\ntwo\nthree\nfour\n", "a run of cuts is one undo step");
	cur_is(tb, 1, 1, "undo puts the cursor where the cutting began");
	tb_redo(tb);
	text_is(tb, "one\nfour\n", "redo the cut run");
	cur_is(tb, 1, 0, "redo of the cuts puts the cursor after them");
	tb_redo(tb);
	text_is(tb, "one\nfour\ntwo\nthree\n", "redo a paste");
	cur_is(tb, 4, 0, "redo of a paste puts the cursor back below it");
	tb_free(tb);

	tb = mk("one\ntwo\nthree");
	tb_cut_line(tb);
	tb_move_line(tb, 1);
	tb_cut_line(tb);
	cut = tb_cutbuf(tb, &len);
	OK(len == 6 && memcmp(cut, "three\n", 6) == 0, "a move starts a new cut buffer");
	text_is(tb, "two\n", "the last line's text is cut, the line stays");
	OK(!tb_cut_line(tb), "Ctrl-K on an empty last line does nothing");
	tb_move_doc_start(tb);
	tb_move_end(tb);
	tb_paste(tb);
	text_is(tb, "three\ntwo\n", "paste above with the cursor at the line end");
	cur_is(tb, 1, 3, "cursor stays on its character");
	tb_free(tb);

	tb = mk("a\r\nb\r\nc");
	tb_cut_line(tb);
	tb_move_line(tb, 1);
	tb_paste(tb);
	text_is(tb, "b\r\na\r\nc", "cut and paste keep CRLF");
	tb_free(tb);

	tb = mk("x");
	OK(!tb_paste(tb), "paste with an empty buffer does nothing");
	tb_free(tb);

	/* the mark */
	tb = mk("hello world\nsecond line");
	OK(!tb_get_mark(tb, NULL), "no mark at first");
	OK(!tb_cut_region(tb), "cut region without a mark does nothing");
	tb_set_mark(tb);
	tb_move_word(tb, 1);
	tb_cut_region(tb);
	text_is(tb, "world\nsecond line", "cut region");
	cur_is(tb, 0, 0, "cursor at the region start");
	OK(!tb_get_mark(tb, NULL), "cutting clears the mark");
	tb_move_end(tb);
	tb_paste(tb);
	text_is(tb, "worldhello \nsecond line", "a region pastes at the cursor");
	cur_is(tb, 0, 11, "cursor after the pasted region");
	tb_set_cursor(tb, 1, 6);
	tb_set_mark(tb);
	tb_set_cursor(tb, 0, 5);
	tb_copy_region(tb);
	cut = tb_cutbuf(tb, &len);
	OK(len == 13 && memcmp(cut, "hello \nsecond", 13) == 0, "copy a region backwards");
	text_is(tb, "worldhello \nsecond line", "copy leaves the text");
	tb_set_mark(tb);
	tb_set_cursor(tb, 1, 6);
	OK(tb_get_mark(tb, NULL), "the mark survives moves");
	tb_cut_region(tb);
	text_is(tb, "world line", "cut a region across lines");
	tb_undo(tb);
	text_is(tb, "worldhello \nsecond line", "undo the region cut");
	cur_is(tb, 1, 6, "undo puts the cursor back");
	tb_set_mark(tb);
	OK(!tb_copy_region(tb), "an empty region copies nothing");
	tb_free(tb);
}

static void test_find(void)
{
	textbuf *tb = mk("Alpha beta\ngamma ALPHA\nalphabet");
	tb_match m;

	OK(tb_find(tb, "alpha", 1, 0, &m) && m.line == 1 && m.start == 6 && m.end == 11 && !m.wrapped,
	   "find forward skips the match at the cursor, ignores case");
	cur_is(tb, 1, 6, "find moves the cursor to the match");
	OK(tb_find(tb, "alpha", 1, 0, &m) && m.line == 2 && m.start == 0, "find next");
	OK(!tb_find(tb, "alpha", 1, 0, &m), "no more matches without wrap");
	cur_is(tb, 2, 0, "a failed search keeps the cursor");
	OK(tb_find(tb, "alpha", 1, 1, &m) && m.line == 0 && m.start == 0 && m.wrapped,
	   "find wraps to the top");
	OK(tb_find(tb, "ALPHA", 0, 0, &m) == 0, "find backward at the start, no wrap");
	OK(tb_find(tb, "ALPHA", 0, 1, &m) && m.line == 2 && m.start == 0 && m.wrapped,
	   "find backward wraps to the bottom");
	OK(tb_find(tb, "alpha", 0, 1, &m) && m.line == 1 && m.start == 6 && !m.wrapped,
	   "find backward");
	OK(tb_find(tb, "bet", 0, 1, &m) && m.line == 0 && m.start == 6, "find backward, other word");
	OK(!tb_find(tb, "zeta", 1, 1, &m), "no match anywhere");
	OK(!tb_find(tb, "", 1, 1, &m) && !tb_find(tb, "a\nb", 1, 1, &m),
	   "empty needle or a newline finds nothing");
	tb_free(tb);

	tb = mk("only here");
	OK(tb_find(tb, "only", 1, 1, &m) && m.start == 0 && m.wrapped,
	   "the match at the cursor is found after wrapping");
	tb_free(tb);

	tb = mk("Stra\xc3\x9f" "e \xc3\x89" "COLE e" ACUTE " \xe4\xb8\xad");
	OK(tb_find(tb, "\xc3\xa9" "cole", 1, 0, &m) && m.start == 8 && m.end == 14,
	   "non-ASCII case-insensitive");
	tb_set_cursor(tb, 0, 14);
	OK(!tb_find(tb, "e", 1, 0, &m), "a match never ends inside a character");
	tb_set_cursor(tb, 0, 0);
	OK(tb_find(tb, "e" ACUTE, 1, 0, &m) && m.start == 15 && m.end == 18, "decomposed match");
	OK(!tb_find(tb, ACUTE, 1, 1, &m), "a mark alone does not match inside a character");
	tb_free(tb);

	tb = mk("ab\r\ncd");
	OK(!tb_find(tb, "\r", 1, 1, NULL), "a hidden CR is not searched");
	tb_free(tb);
}

static void test_modified(void)
{
	textbuf *tb = mk("text");

	OK(!tb_modified(tb), "a loaded text is unmodified");
	tb_move_end(tb);
	OK(!tb_modified(tb), "moves do not modify");
	type_chars(tb, "!");
	OK(tb_modified(tb), "typing modifies");
	tb_undo(tb);
	OK(!tb_modified(tb), "undo back to the loaded state clears it");
	tb_redo(tb);
	OK(tb_modified(tb), "redo sets it again");
	tb_mark_saved(tb);
	OK(!tb_modified(tb), "saving clears it");
	type_chars(tb, "?");
	OK(tb_modified(tb), "typing after a save");
	tb_undo(tb);
	text_is(tb, "text!", "typing after a save is its own step");
	OK(!tb_modified(tb), "undo to the saved state");
	tb_undo(tb);
	OK(tb_modified(tb), "undo past the saved state");
	tb_redo(tb);
	OK(!tb_modified(tb), "redo to the saved state");
	tb_undo(tb);
	type_chars(tb, "#");
	tb_undo(tb);
	OK(tb_modified(tb), "saved state lost after a new edit past it");
	tb_free(tb);
}

static void test_undo_limit(void)
{
	textbuf *tb = tb_new();
	int i, n = 0;

	tb_set_undo_limit(tb, 4096);
	for (i = 0; i < 200; i++) {
		type_chars(tb, "word");
		tb_newline(tb);
	}
	while (tb_undo(tb))
		n++;
	OK(n > 10 && n < 400, "old steps are dropped beyond the limit");
	OK(tb_nlines(tb) > 100, "undo stops where the history was cut");
	OK(tb_modified(tb), "the loaded state is out of reach: modified");
	while (tb_redo(tb))
		;
	OK(tb_nlines(tb) == 201, "redo brings everything back");
	tb_free(tb);
}

/* ---- random edits: undo all, redo all ---- */

static unsigned long rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static int on_boundary(const textbuf *tb)
{
	tb_pos p = tb_cursor(tb);
	size_t len, i = 0;
	const char *s = tb_line(tb, p.line, &len);
	tb_char ch;

	while (i < p.off)
		i = tb_char_next(s, len, i, 0, &ch);
	return i == p.off && p.off <= len;
}

static void random_op(textbuf *tb)
{
	static const char *pieces[] = {"a", "b ", "\n", "\r\n", "\t", E_ACUTE, ACUTE, ZHONG,
	                               FAMILY, "\xff", "\xc3", "\r", "xy\nz", "\xf0\x9f"};
	const char *p;

	switch (rnd(14)) {
	case 0: case 1: case 2:
		p = pieces[rnd(sizeof pieces / sizeof *pieces)];
		tb_insert(tb, p, strlen(p));
		break;
	case 3: tb_backspace(tb); break;
	case 4: tb_delete(tb); break;
	case 5: tb_newline(tb); break;
	case 6: tb_move_char(tb, rnd(2) ? 1 : -1); break;
	case 7: tb_move_visual(tb, rnd(2) ? 1 : -1, 1 + (int)rnd(12)); break;
	case 8: tb_move_word(tb, rnd(2) ? 1 : -1); break;
	case 9: tb_cut_line(tb); break;
	case 10: tb_paste(tb); break;
	case 11: rnd(2) ? tb_set_mark(tb) : (void)tb_cut_region(tb); break;
	case 12: tb_set_cursor(tb, rnd(20), rnd(20)); break;
	default: rnd(3) ? (void)tb_undo(tb) : (void)tb_redo(tb); break;
	}
}

static void test_random(void)
{
	const char *start = "start\r\nline " ZHONG "\n\tend";
	int round, i, ok_undo = 1, ok_redo = 1, ok_bound = 1;

	for (round = 0; round < 40; round++) {
		textbuf *tb = mk(start);
		char *final;
		size_t flen;

		for (i = 0; i < 300; i++) {
			random_op(tb);
			ok_bound &= on_boundary(tb);
		}
		tb_insert(tb, "!", 1); /* no redo steps pending */
		final = tb_text(tb, &flen);
		while (tb_undo(tb))
			ok_bound &= on_boundary(tb);
		{
			size_t len;
			char *t = tb_text(tb, &len);

			ok_undo &= len == strlen(start) && memcmp(t, start, len) == 0;
			free(t);
		}
		ok_undo &= !tb_modified(tb);
		while (tb_redo(tb))
			;
		{
			size_t len;
			char *t = tb_text(tb, &len);

			ok_redo &= len == flen && memcmp(t, final, len) == 0;
			free(t);
		}
		tb_free(tb);
		free(final);
	}
	OK(ok_bound, "random edits: the cursor is always on a character start");
	OK(ok_undo, "random edits: undoing everything gives back the loaded bytes");
	OK(ok_redo, "random edits: redoing everything gives back the final bytes");
}

/* ---- size ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_big(void)
{
	size_t n = 200000, i, len;
	char *text = malloc(n * 52 + 1), *p = text, *back;
	double t0, t1, t2, t3;
	textbuf *tb;
	tb_match m;

	for (i = 0; i < n; i++)
		p += sprintf(p, "%06zu the quick brown fox jumps over the lazy dog\t\n", i);
	len = (size_t)(p - text);
	t0 = now_ms();
	tb = tb_new_from(text, len);
	t1 = now_ms();
	back = tb_text(tb, NULL);
	t2 = now_ms();
	OK(tb_nlines(tb) == n + 1 && memcmp(back, text, len) == 0, "10 MB text round-trips");
	tb_move_doc_end(tb);
	tb_move_line(tb, -1);
	type_chars(tb, "x");
	tb_set_cursor(tb, n / 2, 3);
	tb_newline(tb);
	OK(tb_nlines(tb) == n + 2, "Enter in the middle of a big text");
	tb_set_cursor(tb, 0, 0);
	t3 = now_ms();
	OK(tb_find(tb, "199998 THE", 1, 0, &m) && m.line == 199999, "search across the big text");
	printf("# 10 MB, %zu lines: load %.1f ms, tb_text %.1f ms, search %.1f ms\n", n,
	       t1 - t0, t2 - t1, now_ms() - t3);
	free(back);
	free(text);
	tb_free(tb);
}

int main(void)
{
	u8_setlocale();
	test_roundtrip();
	test_chars();
	test_moves();
	test_words();
	test_wrap();
	test_visual();
	test_edit();
	test_groups();
	test_cut_paste();
	test_find();
	test_modified();
	test_undo_limit();
	test_random();
	test_big();
	return tap_done();
}
