/* Unit tests of u8: decoding, validation, widths, sanitising, slugs. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "u8.h"

static void slug_is(const char *title, const char *want)
{
	char *s = u8_slug(title), name[160];

	snprintf(name, sizeof name, "slug of \"%s\"", title);
	STREQ(s, want, name);
	free(s);
}

static void sanitized_is(const char *in, size_t n, int keep, const char *want)
{
	buf b = BUF_INIT;

	u8_sanitize(&b, in, n, keep);
	STREQ(buf_cstr(&b), want, "sanitize");
	buf_free(&b);
}

/* u8_split_cp over a string of code points: what a split drawing shows. */
static void split_is(const uint32_t *cps, size_t n, const uint32_t *want, size_t nwant,
                     const char *name)
{
	uint32_t got[16], shown;
	size_t i, k = 0;
	unsigned ri = 0;
	int same;

	for (i = 0; i < n; i++) {
		shown = u8_split_cp(i ? cps[i - 1] : 0, cps[i], i + 1 < n ? cps[i + 1] : 0, &ri);
		if (shown && k < 16)
			got[k++] = shown;
	}
	same = k == nwant;
	for (i = 0; same && i < k; i++)
		same = got[i] == want[i];
	OK(same, name);
}

static void split_checks(void)
{
	static const uint32_t family[] = { 'X', 0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467, 'Y' },
	                      family_parts[] = { 'X', 0x1F468, 0x1F469, 0x1F467, 'Y' },
	                      thumb[] = { 0x1F44D, 0x1F3FD }, thumb_base[] = { 0x1F44D },
	                      heart[] = { 0x2764, 0xFE0F }, heart_text[] = { 0x2764 },
	                      flags[] = { 0x1F1EF, 0x1F1F5, 0x1F1EB, 'x', 0x1F1EB, 0x1F1F7 },
	                      flags_shown[] = { 0x1F1EF, 0x1F1F5, 'F', 'x', 0x1F1EB, 0x1F1F7 },
	                      indic[] = { 0x0915, 0x094D, 0x200D, 0x0937 },
	                      rainbow[] = { 0x1F3F3, 0xFE0F, 0x200D, 0x1F308 },
	                      rainbow_parts[] = { 0x1F3F3, 0x1F308 };

	split_is(family, 7, family_parts, 5, "split: a ZWJ family shows its members");
	split_is(thumb, 2, thumb_base, 1, "split: a skin tone goes");
	split_is(heart, 2, heart_text, 1, "split: an emoji presentation selector goes");
	split_is(flags, 6, flags_shown, 6, "split: flags stay, a lone regional indicator is a letter");
	split_is(indic, 4, indic, 4, "split: a joiner in Devanagari stays");
	split_is(rainbow, 4, rainbow_parts, 2, "split: a ZWJ flag shows its parts");
}

int main(void)
{
	uint32_t cp;
	size_t bad = 99;
	buf b = BUF_INIT;

	setenv("LC_ALL", "C.UTF-8", 1);
	u8_setlocale();
	OK(strcmp(setlocale(LC_NUMERIC, NULL), "C") == 0 &&
	           strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0,
	   "setlocale: the character type only, numbers and messages stay C");
	OK(u8_decode("\xc3\xa9", 2, &cp) == 2 && cp == 0xE9, "decode 2-byte");
	OK(u8_decode("\xe4\xb8\xad", 3, &cp) == 3 && cp == 0x4E2D, "decode 3-byte");
	OK(u8_decode("\xf0\x9f\x91\x8d", 4, &cp) == 4 && cp == 0x1F44D, "decode 4-byte");
	OK(u8_decode("\xc0\xaf", 2, &cp) == 1 && cp == 0xFFFD, "overlong is invalid");
	OK(u8_decode("\xed\xa0\x80", 3, &cp) == 1 && cp == 0xFFFD, "surrogate is invalid");
	OK(u8_decode("\xe4\xb8", 2, &cp) == 1 && cp == 0xFFFD, "truncated is invalid");
	OK(u8_valid("h\xc3\xa9llo", 6, NULL), "valid UTF-8");
	OK(!u8_valid("ab\xffz", 4, &bad) && bad == 2, "invalid byte offset");
	OK(!u8_valid("ab\0c", 4, &bad) && bad == 2, "NUL is not valid text");
	u8_encode(&b, 0x1F600);
	STREQ(buf_cstr(&b), "\xf0\x9f\x98\x80", "encode 4-byte");
	buf_free(&b);

	OK(u8_width("abc", 3) == 3, "ASCII width");
	OK(u8_width("\xe4\xb8\xad\xe6\x96\x87", 6) == 4, "CJK is two columns each");
	OK(u8_width("e\xcc\x81", 3) == 1, "combining mark is zero columns");

	split_checks();

	sanitized_is("a\x1b[2Jb", 6, 1, "a\xe2\x90\x9b[2Jb");
	sanitized_is("a\rb\bc", 5, 1, "a\xe2\x90\x8d" "b\xe2\x90\x88" "c");
	sanitized_is("x\ny\tz", 5, 1, "x\ny\tz");
	sanitized_is("x\ny", 3, 0, "x\xe2\x90\x8ay");
	sanitized_is("\x7f", 1, 1, "\xe2\x90\xa1");
	sanitized_is("\xc2\x9b", 2, 1, "<U+009B>");
	sanitized_is("ab\xe2\x80\xae" "cd", 7, 1, "ab<U+202E>cd");
	sanitized_is("bad\xff!", 5, 1, "bad\xef\xbf\xbd!");

	slug_is("Getting Started", "getting-started");
	slug_is("  Differences from CPython!  ", "differences-from-cpython");
	slug_is("Über Straße", "über-straße");
	slug_is("中文 页面", "中文-页面");
	slug_is("a--b__c", "a-b-c");
	slug_is("Talks & Papers (2024)", "talks-papers-2024");
	slug_is("../../etc/passwd", "etc-passwd");
	slug_is("!!!", NULL);
	slug_is("", NULL);
	OK(u8_is_slug("getting-started"), "a slug is a slug");
	OK(!u8_is_slug("Getting Started"), "a title is not a slug");
	return tap_done();
}
