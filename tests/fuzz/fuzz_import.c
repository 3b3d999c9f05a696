/* libFuzzer target: the input as a Markdown file (or a series of
 * versions of one), imported with wiki_import_text into a wiki in a
 * temporary folder.
 *
 * The folder is made once (under /dev/shm when there is one, else TMPDIR
 * or /tmp) and removed at exit; the database in it is replaced by a fresh
 * one every RESET_EVERY runs, so its size stays bounded.  A fresh database
 * per run would cost ~15 ms, so runs share one; to keep a finding
 * reproducible from its input alone, each run imports under a file name of
 * its own ("rRUN.md") unless the input names the file.
 *
 * Input: byte 0, bit 0 set: the file name is the first line of the rest
 * (up to LF or NUL, at most 120 bytes) and the text is what follows it;
 * bit 1 set: the text is cut at each 0xFF byte into up to MAX_VERSIONS
 * versions, imported one after the other under the same name (each a new
 * revision of the page, so old revisions are stored the way the store
 * keeps history); clear: one text, 0xFF bytes and all.
 *
 * Invariants (abort on violation): no crash; a refused file gives
 * ERR_USER; with a generated name a file is accepted exactly when its text
 * is valid UTF-8 without NUL; an accepted file reads back byte-equal with
 * store_rev_get as the head, at the number the import reported, and after
 * the last version every accepted version still reads back byte-equal
 * under its number; every CHECK_EVERY runs wiki_check finds no problem. */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "u8.h"
#include "wiki.h"

#define FUZZ_NAME "fuzz_import"
#include "fuzz.h"

#define RESET_EVERY 500
#define CHECK_EVERY 97
#define MAX_NAME 120
#define MAX_VERSIONS 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char db[300];
static wiki *w;
static unsigned long runs, generation;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	wiki_close(w);
	w = NULL;
	if (dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh database (the old one and its -wal/-shm removed). */
static void fresh_wiki(void)
{
	err_info e = {0};
	char old[320];

	if (w) {
		wiki_close(w);
		w = NULL;
		snprintf(old, sizeof old, "%s", db);
		unlink(old);
		snprintf(old, sizeof old, "%s-wal", db);
		unlink(old);
		snprintf(old, sizeof old, "%s-shm", db);
		unlink(old);
	}
	snprintf(db, sizeof db, "%s/wiki-%lu.db", dir, generation++);
	w = wiki_open(db, WIKI_CREATE, NULL, &e);
	if (!w) {
		fprintf(stderr, "fuzz_import: cannot create %s: %s\n", db, e.msg);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (!base || !*base)
		base = "/tmp";
	fuzz_need_utf8();
	snprintf(dir, sizeof dir, "%s/docday-fuzz-import-XXXXXX", base);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "fuzz_import: mkdtemp %s: %s\n", dir, strerror(errno));
		abort();
	}
	atexit(cleanup);
	fresh_wiki();
	return 0;
}

/* One accepted version: where it went and what it was. */
typedef struct version {
	char *slug;
	int64_t num;
	const char *text;
	size_t len;
} version;

static void read_back(const char *slug, int64_t num, const char *text, size_t len,
                      int head)
{
	err_info e = {0};
	store_page p = {0};
	store_rev r = {0};

	CHECK(store_page_get(wiki_store(w), slug, &p, &e) == 1, "page '%s' not found: %s", slug,
	      e.msg);
	CHECK(!head || p.head_num == num, "page '%s': head %lld, import said %lld", slug,
	      (long long)p.head_num, (long long)num);
	CHECK(store_rev_get(wiki_store(w), p.id, head ? 0 : num, &r, &e) == 1,
	      "page '%s': no revision %lld: %s", slug, (long long)num, e.msg);
	CHECK(r.num == num, "page '%s': asked for %lld, got %lld", slug, (long long)num,
	      (long long)r.num);
	CHECK(r.body != NULL && r.body_len == len && (len == 0 || memcmp(r.body, text, len) == 0),
	      "page '%s' revision %lld: %zu bytes read back, %zu imported, or other bytes", slug,
	      (long long)num, r.body_len, len);
	store_rev_clear(&r);
	store_page_clear(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[MAX_NAME + 32];
	const char *text, *end, *cut;
	size_t len, n = 0, i, nv = 0, nparts = 0;
	wiki_save_res res;
	err_info e = {0};
	version v[MAX_VERSIONS];
	int rc, given_name, series;

	if (size < 1)
		return 0;
	if (++runs % RESET_EVERY == 0)
		fresh_wiki();
	given_name = data[0] & 1;
	series = (data[0] & 2) != 0;
	text = (const char *)data + 1;
	len = size - 1;
	if (!given_name) {
		snprintf(name, sizeof name, "r%lu.md", runs);
	} else {
		while (n < len && n < MAX_NAME && text[n] != '\n' && text[n] != '\0')
			n++;
		memcpy(name, text, n);
		name[n] = '\0';
		if (n < len)
			n++; /* the newline or NUL ends the name */
		text += n;
		len -= n;
	}

	for (end = text + len; nparts < MAX_VERSIONS; text = cut + 1) {
		cut = series && nparts + 1 < MAX_VERSIONS ? memchr(text, 0xff, (size_t)(end - text))
		                                          : NULL;
		if (!cut)
			cut = end;
		len = (size_t)(cut - text);
		nparts++;
		rc = wiki_import_text(w, name, text, len, "fuzz", &res, &e);
		if (rc < 0) {
			CHECK(e.code == ERR_USER, "import of '%s' refused with code %d: %s", name,
			      e.code, e.msg);
			CHECK(given_name || !u8_valid(text, len, NULL) || len > WIKI_MAX_PAGE,
			      "a valid text was refused: %s", e.msg);
			wiki_save_res_clear(&res);
		} else {
			CHECK(given_name || u8_valid(text, len, NULL),
			      "a text that is not UTF-8 was accepted");
			CHECK(res.slug && u8_is_slug(res.slug), "accepted without a slug");
			read_back(res.slug, res.num, text, len, 1);
			v[nv].slug = res.slug;
			v[nv].num = res.num;
			v[nv].text = text;
			v[nv].len = len;
			nv++;
			res.slug = NULL;
			wiki_save_res_clear(&res);
		}
		if (cut == end)
			break;
	}
	/* Every version is still there, whatever the later ones did. */
	for (i = 0; i < nv; i++) {
		read_back(v[i].slug, v[i].num, v[i].text, v[i].len, 0);
		free(v[i].slug);
	}

	if (runs % CHECK_EVERY == 0) {
		char *report = NULL;
		int problems = wiki_check(w, &report, &e);

		CHECK(problems == 0, "wiki_check: %d problems: %s%s", problems,
		      report ? report : "", problems < 0 ? e.msg : "");
		free(report);
	}
	return 0;
}
