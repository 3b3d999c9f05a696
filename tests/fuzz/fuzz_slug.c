/* libFuzzer target: u8_slug, md_classify and u8_sanitize on the input as a
 * C string (it ends at the first NUL, as a title or URL would).
 *
 * Invariants (abort on violation):
 *   - u8_slug gives NULL or a non-empty slug: u8_is_slug holds, slugging it
 *     again gives it back, valid UTF-8, no '/', no '.', no control byte
 *     (C0, DEL, C1), no '-' at either end and no "--";
 *   - md_classify returns 0 or -1 and never crashes; a page target's slug
 *     is a slug; -1 leaves the target empty;
 *   - u8_sanitize writes valid UTF-8 with no code point u8_is_unsafe calls
 *     unsafe (TAB and LF only with keep_newlines). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "u8.h"

#define FUZZ_NAME "fuzz_slug"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_need_utf8();
	return 0;
}

static void check_slug(const char *slug, const char *what)
{
	size_t n = strlen(slug), i;
	char *again;

	CHECK(n > 0, "%s: empty slug", what);
	CHECK(u8_valid(slug, n, NULL), "%s: slug '%s' is not UTF-8", what, slug);
	CHECK(!strchr(slug, '/') && !strchr(slug, '.'), "%s: slug '%s'", what, slug);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)slug[i];

		CHECK(c >= 0x20 && c != 0x7f, "%s: slug byte %zu is 0x%02x", what, i, c);
		CHECK(!(c == 0xc2 && i + 1 < n && (unsigned char)slug[i + 1] <= 0x9f),
		      "%s: slug byte %zu: C1 control", what, i);
	}
	CHECK(slug[0] != '-' && slug[n - 1] != '-' && !strstr(slug, "--"), "%s: slug '%s'", what,
	      slug);
	again = u8_slug(slug);
	CHECK(again && strcmp(again, slug) == 0, "%s: slug '%s' slugs to '%s'", what, slug,
	      again ? again : "(null)");
	free(again);
	CHECK(u8_is_slug(slug), "%s: u8_is_slug('%s') is 0", what, slug);
}

static void check_sanitize(const char *s, size_t n, int keep)
{
	buf b = BUF_INIT;
	size_t i, len, bad = 0;
	uint32_t cp;

	u8_sanitize(&b, s, n, keep);
	CHECK(u8_valid(buf_cstr(&b), b.len, &bad), "u8_sanitize: invalid UTF-8 at %zu", bad);
	for (i = 0; i < b.len; i += len) {
		len = u8_decode(b.ptr + i, b.len - i, &cp);
		CHECK(!u8_is_unsafe(cp) && (keep || (cp != '\t' && cp != '\n')),
		      "u8_sanitize(keep %d): U+%04X at %zu", keep, (unsigned)cp, i);
	}
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *slug;
	md_target t;
	int rc;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	slug = u8_slug(s);
	if (slug)
		check_slug(slug, "u8_slug");
	CHECK(u8_is_slug(s) == (slug && strcmp(slug, s) == 0), "u8_is_slug disagrees with u8_slug");
	free(slug);

	rc = md_classify(s, &t);
	CHECK(rc == 0 || rc == -1, "md_classify returned %d", rc);
	if (rc == 0) {
		CHECK(t.kind == MD_TARGET_PAGE || t.kind == MD_TARGET_FRAGMENT ||
		          t.kind == MD_TARGET_EXTERNAL,
		      "md_classify kind %d", t.kind);
		if (t.kind == MD_TARGET_PAGE) {
			CHECK(t.slug != NULL, "a page target without slug");
			check_slug(t.slug, "md_classify");
		}
		if (t.kind == MD_TARGET_FRAGMENT)
			CHECK(t.fragment != NULL, "a fragment target without fragment");
	} else {
		CHECK(t.slug == NULL && t.fragment == NULL && t.kind == 0,
		      "md_classify -1 left a target");
	}
	md_target_clear(&t);

	check_sanitize((const char *)data, size, 0);
	check_sanitize((const char *)data, size, 1);
	free(s);
	return 0;
}
