/* u8: UTF-8 decoding and validation, display widths, slugs, and making text
 * safe for a terminal.
 *
 * Nothing here depends on the user's locale: classification and case use a
 * private C.UTF-8 locale object, so every user of one database computes the
 * same slug from the same title. */
#ifndef DOCDAY_U8_H
#define DOCDAY_U8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Sets the character type from the environment (setlocale(LC_CTYPE, "");
 * the other categories stay "C") and,
 * when its character type is not UTF-8, switches LC_CTYPE to C.UTF-8: docday
 * is UTF-8 everywhere, and wcwidth() (ours and ncurses') follows LC_CTYPE.
 * Returns 0, or -1 when no UTF-8 locale exists. */
int u8_setlocale(void);

/* Decodes one code point at s (n bytes available).  Returns the number of
 * bytes used (1..4) and stores the code point, or returns 1 and stores
 * U+FFFD for an invalid or truncated sequence.  n must be > 0. */
size_t u8_decode(const char *s, size_t n, uint32_t *cp);

/* Appends the UTF-8 encoding of cp (U+FFFD for a surrogate or > U+10FFFF). */
void u8_encode(buf *b, uint32_t cp);

/* Returns 1 when s[0..n) is valid UTF-8 with no NUL byte.  On 0, *bad (when
 * not NULL) is the offset of the first offending byte. */
int u8_valid(const char *s, size_t n, size_t *bad);

/* Display columns of one code point as ncurses counts them (wcwidth);
 * non-printable code points count 0 here, callers sanitise them first. */
int u8_cpwidth(uint32_t cp);

/* Display columns of a UTF-8 string. */
size_t u8_width(const char *s, size_t n);

/* 1 for code points that must never reach a terminal raw: C0 controls other
 * than TAB and LF, DEL, C1 controls, bidi embeddings/overrides/isolates
 * (U+202A-202E, U+2066-2069), U+200E/200F, and zero-width U+200B-200D,
 * U+2060, U+FEFF. */
int u8_is_unsafe(uint32_t cp);

/* Appends the visible placeholder for an unsafe code point: the Control
 * Pictures glyph for C0 (U+241B for ESC) and DEL (U+2421), otherwise
 * "<U+XXXX>". */
void u8_placeholder(buf *b, uint32_t cp);

/* Appends s[0..n) to b with invalid bytes as U+FFFD and unsafe code points
 * as placeholders.  With keep_newlines, LF and TAB pass through; without,
 * they become placeholders too (one-line fields). */
void u8_sanitize(buf *b, const char *s, size_t n, int keep_newlines);

/* Split drawing of emoji sequences (RENDERING 15), for terminals that draw a
 * sequence in fewer columns than the sum of its code points' wcwidth, which
 * is what ncurses and the layout count.  Given the code point before cp (0:
 * none), cp, the one after it (0: none) and *ri, the number of regional
 * indicators in the run just before cp (kept between calls; reset when prev
 * is no regional indicator), returns what to draw
 * instead of cp: cp itself; 0 for nothing -- a ZWJ between two code points
 * at or above U+2000 (so emoji parts stand side by side while Indic and
 * Arabic joiners stay), a skin-tone modifier (U+1F3FB-1F3FF) or a variation
 * selector U+FE0E/FE0F; or, for a regional indicator with no partner to make
 * a flag, its ASCII capital letter. */
uint32_t u8_split_cp(uint32_t prev, uint32_t cp, uint32_t next, unsigned *ri);

/* The slug of a title: lower-case, Unicode letters and digits kept, every
 * other run of characters one '-', no '-' at either end.  Returns a new
 * string (caller frees), or NULL when nothing is left (a title like "!!!"). */
char *u8_slug(const char *title);

/* 1 when s is already a slug (u8_slug(s) equals s). */
int u8_is_slug(const char *s);

#endif
