/* u8: UTF-8, widths, slugs and terminal safety (see u8.h). */
#include "u8.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

/* A locale object independent of setlocale(): slugs must not change with the
 * user's LANG.  C.UTF-8 is built into glibc >= 2.35. */
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

int u8_setlocale(void)
{
	const char *cs;

	/* The character type only: it is all docday and ncurses need (docday's
	 * own words are English, its dates numeric), and the other categories
	 * cost a process as much again to load (a file each without a locale
	 * archive).  Numbers, messages and collation stay "C". */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0)
		return 0;
	if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8"))
		return 0;
	return -1;
}

size_t u8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0];

	/* one case per length, no loop: this is in every inner loop of layout */
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (n >= 2 && (s[1] & 0xC0) == 0x80) {
			*cp = (c & 0x1F) << 6 | (s[1] & 0x3F);
			return 2;
		}
	} else if (c >= 0xE0 && c <= 0xEF) {
		if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
			c = (c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
			if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
				*cp = c;
				return 3;
			}
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		if (n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80) {
			c = (c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
			    (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
			if (c >= 0x10000 && c <= 0x10FFFF) {
				*cp = c;
				return 4;
			}
		}
	}
	*cp = 0xFFFD;
	return 1;
}

void u8_encode(buf *b, uint32_t cp)
{
	char o[4];

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, o, 4);
	}
}

/* Whether the eight bytes at s are all ASCII and none is NUL: most of a
 * page, skipped a word at a time. */
static int ascii8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return !(w & 0x8080808080808080ULL) &&
	       !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL);
}

int u8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		if (i + 8 <= n && ascii8(s + i)) {
			i += 8;
			continue;
		}
		if (s[i] == '\0')
			goto fail;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		len = u8_decode(s + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1)
			goto fail;
		i += len;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

int u8_cpwidth(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 0 : w;
}

size_t u8_width(const char *s, size_t n)
{
	size_t i = 0, w = 0;
	uint32_t cp;

	while (i < n) {
		i += u8_decode(s + i, n - i, &cp);
		w += (size_t)u8_cpwidth(cp);
	}
	return w;
}

static int is_ri(uint32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

uint32_t u8_split_cp(uint32_t prev, uint32_t cp, uint32_t next, unsigned *ri)
{
	if (!is_ri(prev))
		*ri = 0;
	if (!is_ri(cp)) {
		if (cp == 0x200D)
			return prev >= 0x2000 && next >= 0x2000 ? 0 : cp;
		if ((cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0xFE0E || cp == 0xFE0F)
			return 0;
		return cp;
	}
	/* Regional indicators pair up from the start of their run. */
	if (++*ri % 2 == 0 || is_ri(next))
		return cp;
	return 'A' + (cp - 0x1F1E6);
}

int u8_is_unsafe(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n';
	if (cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return 1;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return 1;
	if (cp == 0x200E || cp == 0x200F || (cp >= 0x200B && cp <= 0x200D))
		return 1;
	return cp == 0x2060 || cp == 0xFEFF;
}

void u8_placeholder(buf *b, uint32_t cp)
{
	if (cp < 0x20)
		u8_encode(b, 0x2400 + cp);
	else if (cp == 0x7F)
		u8_encode(b, 0x2421);
	else
		buf_printf(b, "<U+%04X>", (unsigned)cp);
}

void u8_sanitize(buf *b, const char *s, size_t n, int keep_newlines)
{
	size_t i = 0, start = 0, len;
	uint32_t cp;

	while (i < n) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F) {
			i++;
			continue;
		}
		len = u8_decode(s + i, n - i, &cp);
		if (!(cp == 0xFFFD && len == 1) &&
		    !(u8_is_unsafe(cp) || (!keep_newlines && (cp == '\n' || cp == '\t')))) {
			i += len;
			continue;
		}
		buf_put(b, s + start, i - start);
		if (cp == 0xFFFD)
			u8_encode(b, 0xFFFD);
		else
			u8_placeholder(b, cp);
		i += len;
		start = i;
	}
	buf_put(b, s + start, i - start);
}

char *u8_slug(const char *title)
{
	locale_t loc = utf8_locale();
	size_t i = 0, n = strlen(title), len;
	int pending_dash = 0;
	uint32_t cp;
	buf b = BUF_INIT;

	while (i < n) {
		len = u8_decode(title + i, n - i, &cp);
		i += len;
		if (cp == 0xFFFD && len == 1)
			cp = ' ';
		if (cp < 0x80 ? (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		                        (cp >= 'A' && cp <= 'Z')
		              : (loc && iswalnum_l((wint_t)cp, loc))) {
			if (pending_dash && b.len)
				buf_putc(&b, '-');
			pending_dash = 0;
			if (cp < 0x80)
				cp = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
			else
				cp = (uint32_t)towlower_l((wint_t)cp, loc);
			u8_encode(&b, cp);
		} else {
			pending_dash = 1;
		}
	}
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int u8_is_slug(const char *s)
{
	char *t = u8_slug(s);
	int same = t && strcmp(t, s) == 0;

	free(t);
	return same;
}
