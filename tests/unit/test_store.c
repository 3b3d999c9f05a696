/* test_store: the SQLite store on databases in a fresh temporary directory.
 * The test itself talks to the files with plain sqlite3 where it must break
 * or inspect them behind the store's back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "tap.h"

static char tmpdir[64];

/* A path in the temporary directory; a ring of buffers so that a few can
 * be alive at once. */
static const char *P(const char *name)
{
	static char ring[8][256];
	static int i;
	char *p = ring[i++ % 8];

	snprintf(p, sizeof ring[0], "%s/%s", tmpdir, name);
	return p;
}

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Runs SQL on the file through a separate plain connection. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static store *open_new(const char *name)
{
	err_info e = {0};
	store *s = store_open(P(name), STORE_CREATE, NULL, &e);

	if (!s)
		printf("# open %s: %s\n", name, e.msg);
	return s;
}

/* Creates a page with one revision in its own transaction; returns its id
 * (0 on failure). */
static int64_t add_page(store *s, const char *slug, const char *title, const char *body,
                        int64_t at)
{
	err_info e = {0};
	int64_t id = 0;

	if (store_begin_write(s, &e) || store_page_create(s, slug, title, &id, &e) ||
	    store_rev_add(s, id, title, body, strlen(body), "alice", at, "new", NULL,
	                  NULL, &e) ||
	    store_commit(s, &e)) {
		printf("# add_page %s: %s\n", slug, e.msg);
		store_rollback(s);
		return 0;
	}
	return id;
}

static int add_rev(store *s, int64_t page, const char *title, const char *body,
                   const char *author, int64_t at, int64_t *id, int64_t *num)
{
	err_info e = {0};

	if (store_begin_write(s, &e) ||
	    store_rev_add(s, page, title, body, strlen(body), author, at, "edit", id, num,
	                  &e) ||
	    store_commit(s, &e)) {
		printf("# add_rev: %s\n", e.msg);
		store_rollback(s);
		return -1;
	}
	return 0;
}

static int check_count(store *s, char **report)
{
	err_info e = {0};
	int n = store_check(s, report, &e);

	if (n < 0)
		printf("# check: %s\n", e.msg);
	if (n > 0 && *report)
		printf("# report: %s", *report);
	return n;
}

/* --- opening ------------------------------------------------------------ */

static void test_create_reopen(void)
{
	err_info e = {0};
	int created = -1;
	store *s = store_open(P("wiki.db"), STORE_CREATE, &created, &e);

	OK(s != NULL, "create: opens a new file");
	OK(created == 1, "create: created flag set");
	OK(s && store_schema_version(s) == STORE_SCHEMA_VERSION,
	   "create: current schema");
	OK(raw_int(P("wiki.db"), "PRAGMA application_id") == 0x646F6364,
	   "create: application_id is 'docd'");
	OK(raw_int(P("wiki.db"), "PRAGMA user_version") == STORE_SCHEMA_VERSION,
	   "create: user_version");
	OK(raw_int(P("wiki.db"), "SELECT count(*) FROM pragma_journal_mode"
	                         " WHERE journal_mode = 'wal'") == 1,
	   "create: WAL mode");
	store_close(s);

	created = -1;
	s = store_open(P("wiki.db"), 0, &created, &e);
	OK(s != NULL && created == 0, "reopen: opens, created flag clear");
	store_close(s);

	s = store_open(P("empty.db"), 0, &created, &e); /* created nothing */
	OK(s == NULL && e.code == ERR_DB, "missing file without STORE_CREATE refused");
	{
		char want[300];

		snprintf(want, sizeof want, "no wiki database at %s", P("empty.db"));
		STREQ(e.msg, want, "missing file: message");
	}

	write_file(P("zero.db"), "", 0);
	s = store_open(P("zero.db"), 0, &created, &e);
	OK(s != NULL && created == 1, "an empty file gets the schema");
	store_close(s);
}

static void test_missing_dir(void)
{
	err_info e = {0};
	char want[512];
	store *s = store_open(P("nodir/wiki.db"), STORE_CREATE, NULL, &e);

	OK(s == NULL && e.code == ERR_DB, "missing directory refused");
	snprintf(want, sizeof want, "cannot create %s: directory %s does not exist",
	         P("nodir/wiki.db"), P("nodir"));
	STREQ(e.msg, want, "missing directory: message");
	OK(access(P("nodir"), F_OK) != 0, "missing directory: nothing created");
}

static void test_not_ours(void)
{
	err_info e = {0};
	char want[512], junk[4096];
	store *s;
	size_t i;

	write_file(P("junk.db"), "this is not a database at all\n", 30);
	s = store_open(P("junk.db"), STORE_CREATE, NULL, &e);
	OK(s == NULL && e.code == ERR_DB, "junk file refused");
	snprintf(want, sizeof want, "%s is not a docday database (not an SQLite file)",
	         P("junk.db"));
	STREQ(e.msg, want, "junk file: message");

	for (i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(P("junk2.db"), junk, sizeof junk);
	s = store_open(P("junk2.db"), 0, NULL, &e);
	OK(s == NULL && contains(e.msg, "not an SQLite file"), "4 KiB of junk refused");

	raw_exec(P("foreign.db"), "CREATE TABLE t(x)");
	s = store_open(P("foreign.db"), STORE_CREATE, NULL, &e);
	snprintf(want, sizeof want, "%s is an SQLite database but not a docday wiki",
	         P("foreign.db"));
	OK(s == NULL && e.code == ERR_DB, "SQLite file with tables and no id refused");
	STREQ(e.msg, want, "foreign database: message");
	OK(raw_int(P("foreign.db"), "SELECT count(*) FROM pragma_journal_mode"
	                            " WHERE journal_mode = 'wal'") == 0,
	   "foreign database: left in its journal mode");

	raw_exec(P("other.db"), "PRAGMA application_id = 42");
	s = store_open(P("other.db"), STORE_CREATE, NULL, &e);
	OK(s == NULL && contains(e.msg, "not a docday wiki"),
	   "SQLite file with another application_id refused");
}

static void test_newer(void)
{
	err_info e = {0};
	char want[512];
	store *s = open_new("newer.db");

	store_close(s);
	raw_exec(P("newer.db"), "PRAGMA user_version = 99");
	s = store_open(P("newer.db"), 0, NULL, &e);
	OK(s == NULL && e.code == ERR_DB, "newer schema refused");
	snprintf(want, sizeof want,
	         "%s was written by a newer docday (schema 99; this one knows up to %d): "
	         "upgrade docday",
	         P("newer.db"), STORE_SCHEMA_VERSION);
	STREQ(e.msg, want, "newer schema: message");
}

static void test_migration(void)
{
	err_info e = {0};
	int created = -1;
	store_page p = {0};
	store *s = store_open_version(P("v1.db"), STORE_CREATE, 1, &created, &e);

	OK(s && store_schema_version(s) == 1 && created == 1, "v1: made at schema 1");
	OK(raw_int(P("v1.db"), "PRAGMA user_version") == 1, "v1: user_version 1");
	OK(raw_int(P("v1.db"),
	           "SELECT count(*) FROM sqlite_master WHERE name = 'drafts'") == 0,
	   "v1: no drafts table yet");
	OK(s && add_page(s, "home", "Home", "welcome", 1000) > 0, "v1: a page saved");
	store_close(s);

	s = store_open(P("v1.db"), STORE_READONLY, NULL, &e);
	OK(s == NULL && contains(e.msg, "needs an upgrade") &&
	           contains(e.msg, "without read-only"),
	   "v1 read-only: needs an upgrade");

	created = -1;
	s = store_open(P("v1.db"), 0, &created, &e);
	OK(s && store_schema_version(s) == STORE_SCHEMA_VERSION && created == 0,
	   "v1 -> v2: upgraded (to the current schema)");
	OK(raw_int(P("v1.db"), "PRAGMA user_version") == STORE_SCHEMA_VERSION,
	   "v1 -> v2: user_version is the current one");
	OK(raw_int(P("v1.db"), "SELECT count(*) FROM sqlite_master"
	                       " WHERE name IN ('drafts', 'presence')") == 2,
	   "v1 -> v2: drafts and presence exist");
	OK(s && store_page_get(s, "home", &p, &e) == 1 && p.nrevs == 1,
	   "v1 -> v2: the page survived");
	store_page_clear(&p);
	store_close(s);

	/* a migration that fails leaves the file as it was */
	s = store_open_version(P("v1b.db"), STORE_CREATE, 1, NULL, &e);
	store_close(s);
	raw_exec(P("v1b.db"), "CREATE TABLE presence(x)");
	s = store_open(P("v1b.db"), 0, NULL, &e);
	OK(s == NULL && e.code == ERR_DB && contains(e.msg, "schema to version 2"),
	   "failed upgrade refused with a message");
	OK(raw_int(P("v1b.db"), "PRAGMA user_version") == 1,
	   "failed upgrade: still schema 1");
	OK(raw_int(P("v1b.db"),
	           "SELECT count(*) FROM sqlite_master WHERE name = 'drafts'") == 0,
	   "failed upgrade: drafts rolled back");
}

static void test_readonly(void)
{
	err_info e = {0};
	store_page p = {0};
	int64_t id;
	store *s = open_new("ro.db");

	add_page(s, "home", "Home", "text", 1);
	store_close(s);
	s = store_open(P("ro.db"), STORE_READONLY, NULL, &e);
	OK(s != NULL, "read-only: opens");
	OK(s && store_page_get(s, "home", &p, &e) == 1, "read-only: reads");
	store_page_clear(&p);
	if (s && store_begin_write(s, &e) == 0) {
		store_page_create(s, "x", "X", &id, &e);
		store_rollback(s);
	}
	OK(contains(e.msg, "read-only") && e.code == ERR_DB, "read-only: writes refused");
	{
		char *report = NULL;

		OK(s && store_check(s, &report, &e) == 0 && report == NULL,
		   "read-only: check runs (without the search index check)");
		free(report);
	}
	store_close(s);
}

static void test_setgid(void)
{
	struct stat st;
	mode_t old = umask(022);
	char want[300];
	store *s;

	mkdir(P("shared"), 0775);
	chmod(P("shared"), 02775);
	s = open_new("shared/wiki.db");
	OK(s && stat(P("shared/wiki.db"), &st) == 0 && (st.st_mode & 0777) == 0660,
	   "setgid directory: database is 0660");
	snprintf(want, sizeof want, "%s-wal", P("shared/wiki.db"));
	OK(stat(want, &st) == 0 && (st.st_mode & 0777) == 0660,
	   "setgid directory: -wal is 0660");
	store_close(s);
	s = open_new("plain.db");
	OK(s && stat(P("plain.db"), &st) == 0 && (st.st_mode & 0777) == 0644,
	   "plain directory: database follows the umask");
	store_close(s);
	umask(old);
}

/* --- pages and revisions ------------------------------------------------ */

static void test_pages(store *s)
{
	err_info e = {0};
	store_page p = {0};
	int64_t id = 0, id2 = 0;

	OK(store_page_create(s, "nope", "Nope", &id, &e) == -1 && e.code == ERR_DB,
	   "page_create outside a transaction fails");
	OK(store_begin_write(s, &e) == 0, "begin_write");
	OK(store_page_create(s, "getting-started", "Getting started", &id, &e) == 0 &&
	           id > 0,
	   "page_create");
	OK(store_page_create(s, "getting-started", "Getting Started", &id2, &e) == -1 &&
	           e.code == ERR_USER && contains(e.msg, "getting-started"),
	   "duplicate slug: ERR_USER");
	OK(store_commit(s, &e) == 0, "commit");

	OK(store_page_get(s, "getting-started", &p, &e) == 1 && p.id == id &&
	           p.head == 0 && p.nrevs == 0 && p.last_author == NULL,
	   "page_get: new page has no head");
	STREQ(p.title, "Getting started", "page_get: title");
	store_page_clear(&p);
	OK(store_page_get(s, "missing", &p, &e) == 0, "page_get: missing is 0");
	OK(store_page_live(s, "getting-started", &e) == 1, "page_live: a page is live");
	OK(store_page_live(s, "missing", &e) == 0, "page_live: missing is 0");

	OK(store_begin_write(s, &e) == 0 &&
	           store_page_create(s, "rolled", "Rolled", &id2, &e) == 0,
	   "create in a transaction");
	store_rollback(s);
	OK(store_page_get(s, "rolled", &p, &e) == 0, "rollback undoes it");
	store_rollback(s);
	OK(1, "rollback without a transaction is harmless");
	OK(store_begin_write(s, &e) == 0, "a transaction opens after that");
	OK(store_begin_write(s, &e) == -1, "no nested begin");
	store_rollback(s);
}

static void test_revisions(store *s)
{
	err_info e = {0};
	store_page p = {0};
	store_rev r = {0};
	store_rev_list l = {0};
	int64_t page, r1, r2, r3, num;

	store_page_get(s, "getting-started", &p, &e);
	page = p.id;
	store_page_clear(&p);

	OK(store_rev_add(s, page, "T", "b", 1, "bob", 1, "", NULL, NULL, &e) == -1 &&
	           contains(e.msg, "transaction"),
	   "rev_add outside a transaction fails");
	OK(add_rev(s, page, "Getting started", "one\n", "alice", 1000, &r1, &num) == 0 &&
	           num == 1,
	   "first revision is 1");
	OK(add_rev(s, page, "Getting started", "one\ntwo\n", "bob", 2000, &r2, &num) ==
	                   0 &&
	           num == 2,
	   "second revision is 2");
	OK(add_rev(s, page, "Getting Started Guide", "one\ntwo\nthree\n", "carol", 3000,
	           &r3, &num) == 0 &&
	           num == 3,
	   "third revision is 3");

	OK(store_page_get(s, "getting-started", &p, &e) == 1 && p.head == r3 &&
	           p.head_num == 3 && p.nrevs == 3 && p.last_at_ms == 3000,
	   "page head moved to revision 3");
	STREQ(p.title, "Getting Started Guide", "page title follows the head");
	STREQ(p.last_author, "carol", "last author");
	store_page_clear(&p);

	OK(store_rev_get(s, page, 2, &r, &e) == 1 && r.id == r2 && r.parent == r1 &&
	           r.num == 2 && r.at_ms == 2000 && r.size == 8 && r.body_len == 8,
	   "rev_get 2: id, parent, size");
	STREQ(r.body, "one\ntwo\n", "rev_get 2: body");
	STREQ(r.author, "bob", "rev_get 2: author");
	STREQ(r.summary, "edit", "rev_get 2: summary");
	store_rev_clear(&r);
	OK(store_rev_get(s, page, 1, &r, &e) == 1 && r.parent == 0,
	   "revision 1 has no parent");
	store_rev_clear(&r);
	OK(store_rev_get(s, page, 0, &r, &e) == 1 && r.id == r3 && r.num == 3,
	   "rev_get 0 is the head");
	STREQ(r.title, "Getting Started Guide", "head revision title");
	store_rev_clear(&r);
	OK(store_rev_get(s, page, 9, &r, &e) == 0, "rev_get of a missing number is 0");

	OK(add_rev(s, page, NULL, "four\n", "alice", 4000, NULL, &num) == 0 && num == 4,
	   "rev_add with no title");
	OK(store_rev_get(s, page, 0, &r, &e) == 1, "rev_get head again");
	STREQ(r.title, "Getting Started Guide", "no title keeps the page title");
	store_rev_clear(&r);

	OK(store_rev_history(s, page, &l, &e) == 0 && l.n == 4, "history has 4 entries");
	OK(l.n == 4 && l.v[0].num == 4 && l.v[1].num == 3 && l.v[3].num == 1,
	   "history newest first");
	OK(l.n == 4 && l.v[0].body == NULL && l.v[1].size == 14,
	   "history: sizes, no bodies");
	store_rev_list_free(&l);

	OK(store_begin_write(s, &e) == 0 &&
	           store_rev_add(s, 9999, "X", "x", 1, "a", 1, "", NULL, NULL, &e) ==
	                   -1 &&
	           e.code == ERR_USER,
	   "rev_add to a missing page: ERR_USER");
	store_rollback(s);
}

static void test_lists(store *s)
{
	err_info e = {0};
	store_page_list pl = {0};
	store_rev_list rl = {0};
	store_page p = {0};
	int64_t n = 0;

	add_page(s, "zebra", "Zebra crossing", "stripes\non the road", 5000);
	/* more zebras in alpha's body than in the title of "Zebra crossing":
	 * only the title weight puts that page first */
	add_page(s, "alpha", "alpha",
	         "a zebra is a zebra: nothing relevant here about zebra and café", 6000);

	OK(store_page_count(s, &n, &e) == 0 && n == 3, "page_count");
	OK(store_page_list_all(s, STORE_BY_SLUG, &pl, &e) == 0 && pl.n == 3,
	   "list by slug");
	OK(pl.n == 3 && !strcmp(pl.v[0].slug, "alpha") && !strcmp(pl.v[2].slug, "zebra"),
	   "list by slug: order");
	OK(pl.n == 3 && pl.v[1].nrevs == 4 && pl.v[1].head_num == 4 &&
	           pl.v[1].last_at_ms == 4000 && pl.v[1].last_author &&
	           !strcmp(pl.v[1].last_author, "alice"),
	   "list: nrevs, head_num, last author and time");
	store_page_list_free(&pl);
	OK(store_page_list_all(s, STORE_BY_TITLE, &pl, &e) == 0 && pl.n == 3 &&
	           !strcmp(pl.v[0].title, "alpha") &&
	           !strcmp(pl.v[1].slug, "getting-started"),
	   "list by title, case-insensitive");
	store_page_list_free(&pl);
	OK(store_page_list_all(s, STORE_BY_CHANGE, &pl, &e) == 0 && pl.n == 3 &&
	           !strcmp(pl.v[0].slug, "alpha") &&
	           !strcmp(pl.v[2].slug, "getting-started"),
	   "list by change, newest first");
	store_page_list_free(&pl);

	OK(store_page_by_title(s, "Zebra crossing", &p, &e) == 1 &&
	           !strcmp(p.slug, "zebra"),
	   "page_by_title: exact");
	store_page_clear(&p);
	OK(store_page_by_title(s, "ZEBRA CROSSING", &p, &e) == 1 &&
	           !strcmp(p.slug, "zebra"),
	   "page_by_title: case-insensitive");
	store_page_clear(&p);
	OK(store_page_by_title(s, "Zebra", &p, &e) == 0,
	   "page_by_title: no prefix match");

	OK(store_rev_recent(s, 3, &rl, &e) == 0 && rl.n == 3, "recent: limited to 3");
	OK(rl.n == 3 && rl.v[0].at_ms == 6000 && rl.v[1].at_ms == 5000 &&
	           rl.v[2].at_ms == 4000,
	   "recent: newest first across pages");
	STREQ(rl.n ? rl.v[0].title : NULL, "alpha", "recent: title is the slug");
	STREQ(rl.n == 3 ? rl.v[2].title : NULL, "getting-started",
	      "recent: slug of page 1");
	store_rev_list_free(&rl);
	OK(store_rev_recent(s, 0, &rl, &e) == 0 && rl.n == 6, "recent: 0 means all");
	store_rev_list_free(&rl);

	OK(store_heads(s, &rl, &e) == 0 && rl.n == 3 && rl.v[0].body &&
	           !strcmp(rl.v[2].body, "stripes\non the road"),
	   "heads: with bodies, by slug");
	store_rev_list_free(&rl);
}

static void test_links(store *s)
{
	err_info e = {0};
	store_page a = {0};
	store_link_list l = {0};
	char *out[] = {"zebra", "zz-missing", "zebra", "getting-started"};
	char *out2[] = {"getting-started"};

	store_page_get(s, "alpha", &a, &e);
	OK(store_links_set(s, a.id, out, 4, &e) == -1,
	   "links_set outside a transaction fails");
	OK(store_begin_write(s, &e) == 0 && store_links_set(s, a.id, out, 4, &e) == 0 &&
	           store_commit(s, &e) == 0,
	   "links_set");
	OK(store_links_from(s, a.id, &l, &e) == 0 && l.n == 3,
	   "links_from: duplicates once");
	STREQ(l.n == 3 ? l.v[0].slug : NULL, "getting-started", "links_from: sorted");
	STREQ(l.n == 3 ? l.v[0].title : NULL, "Getting Started Guide",
	      "links_from: title");
	STREQ(l.n == 3 ? l.v[1].title : NULL, "Zebra crossing", "links_from: title 2");
	STREQ(l.n == 3 ? l.v[2].slug : NULL, "zz-missing", "links_from: missing target");
	OK(l.n == 3 && l.v[2].title == NULL, "links_from: missing target has no title");
	store_link_list_free(&l);

	OK(store_links_to(s, "zebra", &l, &e) == 0 && l.n == 1, "links_to");
	STREQ(l.n ? l.v[0].slug : NULL, "alpha", "links_to: slug");
	STREQ(l.n ? l.v[0].title : NULL, "alpha", "links_to: title");
	store_link_list_free(&l);
	OK(store_links_to(s, "zz-missing", &l, &e) == 0 && l.n == 1,
	   "links_to a missing page");
	store_link_list_free(&l);

	store_begin_write(s, &e);
	store_links_set(s, a.id, out2, 1, &e);
	store_commit(s, &e);
	OK(store_links_to(s, "zebra", &l, &e) == 0 && l.n == 0, "links_set replaces");
	store_link_list_free(&l);
	store_page_clear(&a);
}

/* --- search ------------------------------------------------------------- */

static void test_search(store *s)
{
	static const char *const hostile[] = {
		"\"", "a OR",    "(",           "NEAR(",   "*",
		"-x", "col:val", "title:zebra", "\"zebra", "zebra\" OR \"x",
		"^",  "AND",     "NOT zebra"};
	err_info e = {0};
	store_hit_list h = {0};
	size_t i;
	int bad = 0;

	OK(store_search(s, "zebra", "[", "]", 10, &h, &e) == 0 && h.n == 2,
	   "search: 2 hits");
	STREQ(h.n == 2 ? h.v[0].slug : NULL, "zebra", "search: title match ranks first");
	STREQ(h.n == 2 ? h.v[1].slug : NULL, "alpha", "search: body match second");
	OK(h.n == 2 && h.v[0].rank <= h.v[1].rank, "search: rank ascending");
	OK(h.n == 2 && contains(h.v[1].snippet, "[zebra]"),
	   "search: snippet has markers");
	STREQ(h.n == 2 ? h.v[0].snippet : NULL, "stripes on the road",
	      "search: title-only match shows the body start, on one line");
	STREQ(h.n == 2 ? h.v[0].title : NULL, "Zebra crossing", "search: title");
	store_hit_list_free(&h);

	OK(store_search(s, "zebra", "[", "]", 1, &h, &e) == 0 && h.n == 1,
	   "search: limit");
	store_hit_list_free(&h);
	OK(store_search(s, "cafe", "<", ">", 10, &h, &e) == 0 && h.n == 1 &&
	           contains(h.v[0].snippet, "<café>"),
	   "search: diacritics removed");
	store_hit_list_free(&h);
	OK(store_search(s, "  ZEBRA   relevant ", "", "", 10, &h, &e) == 0 && h.n == 1,
	   "search: all words must match");
	store_hit_list_free(&h);
	OK(store_search(s, "two", "", "", 10, &h, &e) == 0 && h.n == 0,
	   "search: old revisions are not indexed");
	store_hit_list_free(&h);
	OK(store_search(s, "four", "", "", 10, &h, &e) == 0 && h.n == 1,
	   "search: the head is indexed");
	store_hit_list_free(&h);

	OK(store_search(s, " \t ", "", "", 10, &h, &e) == -1 && e.code == ERR_USER,
	   "search: empty query is ERR_USER");
	STREQ(e.msg, "empty search", "search: empty message");

	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		if (store_search(s, hostile[i], "[", "]", 10, &h, &e) != 0) {
			printf("# query %s: %s\n", hostile[i], e.msg);
			bad++;
		}
		store_hit_list_free(&h);
	}
	OK(bad == 0, "search: hostile queries are no syntax errors");
	OK(store_search(s, "col:val", "", "", 10, &h, &e) == 0 && h.n == 0,
	   "search: col:val is plain words");
	store_hit_list_free(&h);
	OK(store_search(s, "title:zebra", "", "", 10, &h, &e) == 0 && h.n == 0,
	   "search: no column filters");
	store_hit_list_free(&h);
}

/* Deleting is not in the store's interface yet; the test does it by hand,
 * the way a store function would, keeping the index in step. */
static void test_deleted(store *s, const char *path)
{
	err_info e = {0};
	store_hit_list h = {0};
	store_page_list pl = {0};
	int64_t n = 0;
	char *report = NULL;

	raw_exec(path,
	         "INSERT INTO fts(fts, rowid, title, body) SELECT 'delete', id, title, "
	         "body FROM page_text WHERE id = (SELECT id FROM pages WHERE slug = "
	         "'zebra'); UPDATE pages SET deleted = 1 WHERE slug = 'zebra'");
	OK(store_search(s, "zebra", "", "", 10, &h, &e) == 0 && h.n == 1 &&
	           !strcmp(h.v[0].slug, "alpha"),
	   "deleted pages are not found");
	store_hit_list_free(&h);
	OK(store_page_live(s, "zebra", &e) == 0 && store_page_live(s, "alpha", &e) == 1,
	   "page_live: a deleted page is not live");
	OK(store_page_count(s, &n, &e) == 0 && n == 2, "deleted pages are not counted");
	OK(store_page_list_all(s, STORE_BY_SLUG, &pl, &e) == 0 && pl.n == 2,
	   "deleted pages are not listed");
	store_page_list_free(&pl);
	OK(check_count(s, &report) == 0, "check: clean after a proper delete");
	free(report);
	raw_exec(path,
	         "INSERT INTO fts(rowid, title, body) SELECT p.id, r.title, b.data"
	         " FROM pages p JOIN revisions r ON r.id = p.head"
	         " JOIN bodies b ON b.rev = r.id WHERE p.slug = 'zebra';"
	         " UPDATE pages SET deleted = 0 WHERE slug = 'zebra'");
}

/* A new head reaches the index in one statement: FTS5 writes one segment
 * per save (two statements wrote two: the old text's deletion, then the new
 * text), and the index matches the new text only. */
static void test_reindex(void)
{
	const char *segs = "SELECT count(DISTINCT id >> 37) FROM fts_data WHERE id >= 1 << 37";
	store *s = open_new("reindex.db");
	err_info e = {0};
	store_hit_list h = {0};
	char *report = NULL;
	int64_t id, before;

	id = s ? add_page(s, "p", "P", "alpha words here\n", 1) : 0;
	before = raw_int(P("reindex.db"), segs);
	OK(id && add_rev(s, id, "P", "beta words there\n", "bob", 2, NULL, NULL) == 0,
	   "reindex: saved");
	OK(raw_int(P("reindex.db"), segs) == before + 1, "reindex: one FTS5 segment per save");
	OK(store_search(s, "alpha", "", "", 10, &h, &e) == 0 && h.n == 0,
	   "reindex: the old text is out");
	store_hit_list_free(&h);
	OK(store_search(s, "beta", "", "", 10, &h, &e) == 0 && h.n == 1,
	   "reindex: the new text is in");
	store_hit_list_free(&h);
	OK(s && check_count(s, &report) == 0, "reindex: check is clean");
	free(report);
	store_close(s);
}

/* A shim over the default VFS that counts syncs of -wal files: it is the
 * default VFS while test_wal_sync runs. */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs count_vfs;
static sqlite3_io_methods count_io;
static int wal_syncs;

typedef struct counted {
	sqlite3_file base; /* pMethods = &count_io, or NULL */
	int is_wal;
	sqlite3_file *real; /* right after this struct */
} counted;

#define REAL(f) (((counted *)(f))->real)
static int c_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int c_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int c_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int c_sync(sqlite3_file *f, int flags)
{
	wal_syncs += ((counted *)f)->is_wal;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int c_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int c_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int c_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int c_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int c_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int c_shmmap(sqlite3_file *f, int i, int n, int w, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), i, n, w, p);
}
static int c_shmlock(sqlite3_file *f, int o, int n, int fl)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl);
}
static void c_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int c_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int c_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	counted *c = (counted *)f;
	int rc;

	(void)v;
	c->real = (sqlite3_file *)(c + 1);
	c->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out);
	c->base.pMethods = rc == SQLITE_OK ? &count_io : NULL;
	return rc;
}

static void count_vfs_on(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	count_vfs = *real_vfs;
	count_vfs.zName = "count";
	count_vfs.szOsFile = (int)sizeof(counted) + real_vfs->szOsFile;
	count_vfs.xOpen = c_open;
	count_io = (sqlite3_io_methods){ 2,        c_close,  c_read,     c_write,      c_truncate,
		                         c_sync,   c_size,   c_lock,     c_unlock,     c_check,
		                         c_fcntl,  c_sector, c_chars,    c_shmmap,     c_shmlock,
		                         c_shmbarrier, c_shmunmap, NULL, NULL };
	sqlite3_vfs_register(&count_vfs, 1);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A commit is on disk when it returns (the WAL is synced), and a process
 * that closes the file does not checkpoint a short WAL into the database
 * (the next opener reads it back); a writer that leaves a long one does. */
static void test_wal_sync(void)
{
	char wal[300], shm[300], big[20000], *copy;
	struct stat st;
	off_t size;
	store_gc_stats gs;
	store_rev rev = {0};
	store *s, *r;
	int64_t id;
	int i, syncs;

	count_vfs_on();
	s = open_new("sync.db");
	snprintf(wal, sizeof wal, "%s-wal", P("sync.db"));
	snprintf(shm, sizeof shm, "%s-shm", P("sync.db"));
	id = s ? add_page(s, "p", "P", "first\n", 1) : 0;
	syncs = wal_syncs;
	OK(id && add_rev(s, id, "P", "second\n", "bob", 2, NULL, NULL) == 0 &&
	           wal_syncs > syncs,
	   "wal: a commit syncs the WAL");
	store_close(s);
	OK(exists(wal), "wal: a short WAL stays after close");
	r = store_open(P("sync.db"), STORE_READONLY, NULL, NULL);
	OK(r && store_rev_get(r, id, 2, &rev, NULL) == 1 && !strcmp(rev.body, "second\n"),
	   "wal: the next process reads it back");
	store_rev_clear(&rev);
	store_close(r);
	OK(exists(wal), "wal: a reader does not checkpoint it");
	s = store_open(P("sync.db"), 0, NULL, NULL);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	for (i = 0; s && i < 40; i++) {
		big[i] = '\n';
		add_rev(s, id, "P", big, "bob", 3 + i, NULL, NULL);
	}
	store_close(s);
	/* the database file alone, as a copy without its WAL */
	if (stat(P("sync.db"), &st) == 0 && (copy = malloc((size_t)st.st_size))) {
		FILE *f = fopen(P("sync.db"), "rb");

		if (f && fread(copy, 1, (size_t)st.st_size, f) == (size_t)st.st_size)
			write_file(P("alone.db"), copy, (size_t)st.st_size);
		if (f)
			fclose(f);
		free(copy);
	}
	OK(raw_int(P("alone.db"), "SELECT count(*) FROM revisions") == 42,
	   "wal: a writer that leaves a long WAL checkpoints it on close");
	OK(stat(wal, &st) == 0 && st.st_size > 400 * 1024, "wal: and keeps the file");
	size = st.st_size;
	s = store_open(P("sync.db"), 0, NULL, NULL);
	OK(s && add_rev(s, id, "P", "small\n", "bob", 50, NULL, NULL) == 0, "wal: another save");
	store_close(s);
	OK(stat(wal, &st) == 0 && st.st_size == size,
	   "wal: which starts the WAL again at its first frame: the file does not grow");
	OK(raw_int(P("sync.db"), "SELECT count(*) FROM revisions") == 43,
	   "wal: and every save is read");
	s = store_open(P("sync.db"), 0, NULL, NULL);
	for (i = 0; s && i < 150; i++) { /* megabytes, as an import */
		big[40 + i] = '\n';
		add_rev(s, id, "P", big, "bob", 51 + i, NULL, NULL);
	}
	OK(stat(wal, &st) == 0 && st.st_size > 1024 * 1024, "wal: megabytes written");
	store_close(s);
	OK(stat(wal, &st) == 0 && st.st_size <= 1024 * 1024,
	   "wal: leaves a WAL file of at most 1 MiB, not its largest");
	OK(raw_int(P("sync.db"), "SELECT count(*) FROM revisions") == 193, "wal: all of it is read");
	s = store_open(P("sync.db"), 0, NULL, NULL);
	OK(s && store_gc(s, &gs, NULL) == 0, "wal: gc");
	store_close(s);
	OK(!exists(wal) && !exists(shm), "wal: gc leaves no -wal and no -shm");
	s = store_open(P("sync.db"), 0, NULL, NULL);
	OK(s && store_rev_get(s, id, 193, &rev, NULL) == 1, "wal: a reader after gc");
	store_rev_clear(&rev);
	store_close(s);
	OK(!exists(wal) && !exists(shm), "wal: leaves no -wal and no -shm either");
	sqlite3_vfs_unregister(&count_vfs);
	sqlite3_vfs_register(real_vfs, 1);
}

/* --- maintenance -------------------------------------------------------- */

static void test_check(void)
{
	char *report = (char *)"x";
	store *s = open_new("check.db");
	const char *path = P("check.db");

	add_page(s, "one", "One", "first page", 1);
	add_page(s, "two", "Two", "second page", 2);
	add_rev(s, 1, "One", "first page again", "bob", 3, NULL, NULL);
	OK(check_count(s, &report) == 0 && report == NULL, "check: clean database");
	free(report);

	/* the search index out of step with the pages */
	raw_exec(path, "INSERT INTO fts(fts, rowid, title, body)"
	               " VALUES('delete', 2, 'Two', 'second page')");
	OK(check_count(s, &report) > 0 && contains(report, "search index"),
	   "check: finds a damaged search index");
	free(report);
	raw_exec(path, "INSERT INTO fts(fts) VALUES('rebuild')");
	OK(check_count(s, &report) == 0, "check: clean after rebuild");
	free(report);

	/* a revision whose number leaves a gap */
	raw_exec(path,
	         "INSERT INTO revisions(page, num, parent, author, at_ms, title, size)"
	         " VALUES(2, 5, NULL, 'mallory', 9, 'Two', 1);"
	         " INSERT INTO bodies(rev, kind, data) VALUES(last_insert_rowid(), 0, 'x')");
	OK(check_count(s, &report) >= 3 && contains(report, "not 1..2") &&
	           contains(report, "latest is 5") && contains(report, "does not follow"),
	   "check: finds numbering, head and parent damage");
	free(report);

	/* a dangling head */
	raw_exec(path,
	         "PRAGMA foreign_keys = OFF; INSERT INTO fts(fts) VALUES('delete-all');"
	         " UPDATE pages SET head = 777 WHERE slug = 'one';"
	         " INSERT INTO fts(fts) VALUES('rebuild')");
	OK(check_count(s, &report) > 0 && contains(report, "foreign key") &&
	           contains(report, "revision 777 does not exist"),
	   "check: finds a dangling head");
	free(report);
	store_close(s);
}

static void test_backup(store *s, const char *src)
{
	err_info e = {0};
	store_page p = {0};
	int64_t n1 = 0, n2 = 0;
	store *b;
	DIR *d;
	struct dirent *de;
	int stray = 0;

	mkdir(P("bk"), 0755);
	OK(store_backup(s, P("bk/copy.db"), &e) == 0, "backup");
	b = store_open(P("bk/copy.db"), 0, NULL, &e);
	OK(b != NULL, "backup: opens as a wiki");
	store_page_count(s, &n1, &e);
	OK(b && store_page_count(b, &n2, &e) == 0 && n1 == n2 && n2 > 0,
	   "backup: same number of pages");
	OK(b && store_page_get(b, "getting-started", &p, &e) == 1 && p.nrevs == 4,
	   "backup: same pages and history");
	store_page_clear(&p);
	store_close(b);

	OK(store_backup(s, P("bk/copy.db"), &e) == -1 && e.code == ERR_USER &&
	           contains(e.msg, "already exists"),
	   "backup: refuses an existing destination");
	OK(store_backup(s, src, &e) == -1 && e.code == ERR_USER,
	   "backup: refuses to overwrite the wiki itself");
	OK(store_backup(s, P("nodir/copy.db"), &e) == -1,
	   "backup: missing directory fails");
	if ((d = opendir(P("bk")))) {
		while ((de = readdir(d)))
			stray += strstr(de->d_name, ".tmp") != NULL;
		closedir(d);
	}
	OK(stray == 0, "backup: no temporary files left");
}

static void test_busy(const char *path, store *s)
{
	err_info e = {0};
	sqlite3 *other = NULL;
	struct timespec t0, t1;
	double ms;

	sqlite3_open(path, &other);
	OK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
	   "busy: another connection holds the write lock");
	store_set_busy_timeout(s, 200);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	OK(store_begin_write(s, &e) == -1 && e.code == ERR_DB, "busy: begin_write fails");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	STREQ(e.msg,
	      "the database is locked by another process (waited 0.2 s): try again",
	      "busy: message");
	OK(ms >= 150, "busy: it waited for the timeout");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	OK(store_begin_write(s, &e) == 0, "busy: works once the lock is gone");
	store_rollback(s);
	store_set_busy_timeout(s, 5000);
}

/* --- revision storage: deltas and snapshots ----------------------------- */

/* A small deterministic generator, so a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* A random line: words of several scripts, with its ending. */
static void random_line(buf *b)
{
	static const char *const words[] = {
		"the", "wiki", "stores", "every", "revision", "café", "naïve", "日本語",
		"テキスト", "한국어", "🙂", "Ελληνικά", "`code`", "**bold**", "[[link]]",
		"-", "#", "", "\t", "façade", "x"};
	unsigned i, n = rnd(12);

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ' ');
		buf_puts(b, words[rnd(sizeof words / sizeof words[0])]);
	}
	buf_puts(b, rnd(8) == 0 ? "\r\n" : "\n");
}

/* The text as lines, edited in place: inserts, deletes, changes, now and
 * then a rewrite or an empty text. */
typedef struct doc {
	char **line; /* each with its ending */
	size_t n;
} doc;

static void doc_insert(doc *d, size_t at)
{
	buf b = BUF_INIT;

	random_line(&b);
	d->line = realloc(d->line, (d->n + 1) * sizeof *d->line);
	memmove(d->line + at + 1, d->line + at, (d->n - at) * sizeof *d->line);
	d->line[at] = buf_detach(&b);
	d->n++;
}

static void doc_delete(doc *d, size_t at)
{
	free(d->line[at]);
	memmove(d->line + at, d->line + at + 1, (d->n - at - 1) * sizeof *d->line);
	d->n--;
}

static void doc_clear(doc *d)
{
	while (d->n)
		doc_delete(d, d->n - 1);
}

static void doc_edit(doc *d)
{
	unsigned k, edits = 1 + rnd(4);

	for (k = 0; k < edits; k++) {
		unsigned what = rnd(100);

		if (what < 2) {
			doc_clear(d);
			for (unsigned i = rnd(40); i > 0; i--)
				doc_insert(d, d->n);
		} else if (what < 3) {
			doc_clear(d);
		} else if (what < 40 || d->n == 0) {
			for (unsigned i = 1 + rnd(3); i > 0; i--)
				doc_insert(d, d->n ? rnd((unsigned)d->n + 1) : 0);
		} else if (what < 65) {
			size_t at = rnd((unsigned)d->n);

			for (unsigned i = 1 + rnd(3); i > 0 && at < d->n; i--)
				doc_delete(d, at);
		} else {
			size_t at = rnd((unsigned)d->n);

			doc_delete(d, at);
			doc_insert(d, at);
		}
	}
}

/* The document as text; without its final line break now and then. */
static char *doc_text(const doc *d, size_t *len)
{
	buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		buf_puts(&b, d->line[i]);
	if (b.len && rnd(5) == 0)
		buf_truncate(&b, b.len - 1); /* may leave a lone '\r' at the end */
	*len = b.len;
	return buf_detach(&b);
}

/* Revision num of a page read back equals want[0..len). */
static int same_rev(store *s, int64_t page, int64_t num, const char *want, size_t len)
{
	err_info e = {0};
	store_rev r = {0};
	int ok = store_rev_get(s, page, num, &r, &e) == 1 && r.body_len == len &&
	         r.size == len && memcmp(r.body, want, len) == 0 && r.body[len] == '\0';

	if (!ok)
		printf("# revision %lld: %s\n", (long long)num, e.msg);
	store_rev_clear(&r);
	return ok;
}

/* The longest chain of deltas in the file, from any revision to a stored
 * text. */
static int64_t longest_chain(const char *path)
{
	return raw_int(path, "WITH RECURSIVE walk(cur, hops) AS ("
	                     " SELECT rev, 0 FROM bodies UNION ALL"
	                     " SELECT b.base, w.hops + 1 FROM walk w"
	                     " JOIN bodies b ON b.rev = w.cur WHERE b.kind = 1)"
	                     " SELECT max(hops) FROM walk");
}

/* Revisions whose number is a multiple of STORE_SNAPSHOT_EVERY, and those
 * of them that are not snapshots (the head excepted). */
static int64_t snapshots_due(const char *path)
{
	char sql[200];

	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page"
	         " WHERE r.num %% %d = 0 AND r.id != p.head",
	         STORE_SNAPSHOT_EVERY);
	return raw_int(path, sql);
}

static int64_t snapshots_missing(const char *path)
{
	char sql[300];

	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page"
	         " JOIN bodies b ON b.rev = r.id"
	         " WHERE r.num %% %d = 0 AND r.id != p.head AND b.kind != 2",
	         STORE_SNAPSHOT_EVERY);
	return raw_int(path, sql);
}

#define EDITS 300

/* Saves EDITS random versions of a page; texts[i] is revision i + 1. */
static int64_t save_history(store *s, const char *slug, char **texts, size_t *lens)
{
	doc d = {0};
	int64_t page = 0;
	int i, bad = 0;

	for (i = 0; i < 30; i++)
		doc_insert(&d, d.n);
	for (i = 0; i < EDITS; i++) {
		if (i)
			doc_edit(&d);
		texts[i] = doc_text(&d, &lens[i]);
		if (i == 0)
			page = add_page(s, slug, slug, texts[0], 1);
		else if (add_rev(s, page, NULL, texts[i], "bob", i + 1, NULL, NULL))
			bad++;
	}
	doc_clear(&d);
	free(d.line);
	return bad ? 0 : page;
}

static void test_rev_storage(void)
{
	char *texts[EDITS], *report = NULL;
	size_t lens[EDITS];
	int64_t page, raw = 0, stored = 0;
	store *s = open_new("history.db");
	const char *path = P("history.db");
	int i, bad = 0;

	page = s ? save_history(s, "h", texts, lens) : 0;
	OK(page > 0, "history: 300 random edits saved");
	if (!page)
		return;
	OK(raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 0") <= STORE_PLAIN_RUN + 1,
	   "history: saves leave at most STORE_PLAIN_RUN old revisions plain");
	for (i = 0; i < EDITS; i++)
		bad += !same_rev(s, page, i + 1, texts[i], lens[i]);
	OK(bad == 0, "history: every revision reads back before gc");
	{
		store_gc_stats gs;
		err_info e = {0};

		OK(store_gc(s, &gs, &e) == 0 && gs.compacted >= 1 &&
		           gs.compacted <= STORE_PLAIN_RUN && gs.bytes_after > 0,
		   "history: gc compacts the plain ones");
	}
	bad = 0;
	for (i = 0; i < EDITS; i++)
		bad += !same_rev(s, page, i + 1, texts[i], lens[i]);
	OK(bad == 0, "history: every revision reads back byte for byte (oldest first)");
	store_close(s);

	/* a new handle has no rebuilt texts: each read starts from the stored
	 * form, newest first, then in a scattered order */
	s = store_open(path, 0, NULL, NULL);
	for (bad = 0, i = EDITS; i-- > 0;)
		bad += !same_rev(s, page, i + 1, texts[i], lens[i]);
	OK(bad == 0, "history: every revision reads back (newest first)");
	store_close(s);
	s = store_open(path, 0, NULL, NULL);
	for (bad = 0, i = 0; i < EDITS; i++) {
		int k = (i * 7919) % EDITS;

		bad += !same_rev(s, page, k + 1, texts[k], lens[k]);
	}
	OK(bad == 0, "history: every revision reads back (scattered order)");
	OK(same_rev(s, page, 0, texts[EDITS - 1], lens[EDITS - 1]), "history: the head");

	OK(longest_chain(path) <= STORE_SNAPSHOT_EVERY - 1,
	   "history: no chain of deltas longer than STORE_SNAPSHOT_EVERY - 1");
	printf("# longest chain %lld deltas\n", (long long)longest_chain(path));
	OK(raw_int(path, "SELECT count(*) FROM bodies b JOIN pages p ON p.head = b.rev"
	                 " WHERE b.kind = 0 AND typeof(b.data) = 'text'") == 1 &&
	           raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 0") == 1,
	   "history: the head, and only the head, is plain text");
	OK(snapshots_due(path) == EDITS / STORE_SNAPSHOT_EVERY &&
	           snapshots_missing(path) == 0,
	   "history: every STORE_SNAPSHOT_EVERY-th revision is a snapshot");
	OK(raw_int(path, "SELECT count(*) FROM bodies b JOIN revisions r ON r.id = b.rev"
	                 " JOIN revisions q ON q.id = b.base WHERE b.kind = 1"
	                 " AND (q.page != r.page OR q.num != r.num + 1)") == 0,
	   "history: each delta is against its successor");
	for (i = 0; i < EDITS; i++)
		raw += (int64_t)lens[i];
	stored = raw_int(path, "SELECT sum(length(CAST(data AS BLOB))) FROM bodies");
	printf("# %d revisions, %lld bytes of text stored in %lld bytes\n", EDITS,
	       (long long)raw, (long long)stored);
	OK(stored > 0 && stored * 5 < raw, "history: stored in under a fifth of the text");
	OK(check_count(s, &report) == 0 && report == NULL,
	   "history: check is clean (every body rebuilt, search index)");
	free(report);
	store_close(s);
	for (i = 0; i < EDITS; i++)
		free(texts[i]);
}

/* Small edits only: the chains grow to their longest, STORE_SNAPSHOT_EVERY
 * - 1 deltas; a big page gets snapshots more often. */
static void test_rev_chains(void)
{
	enum { N = STORE_SNAPSHOT_EVERY + 40, BIG = 70 };
	char **texts = calloc(N, sizeof *texts);
	char *report = NULL;
	size_t *lens = calloc(N, sizeof *lens);
	const char *path = P("chains.db");
	store *s = open_new("chains.db");
	doc d = {0};
	int64_t page = 0, big = 0, num;
	int i, bad = 0;
	struct timespec t0, t1;

	for (i = 0; i < 40; i++)
		doc_insert(&d, d.n);
	for (i = 0; s && i < N; i++) {
		size_t at = rnd((unsigned)d.n);

		doc_delete(&d, at);
		doc_insert(&d, at);
		texts[i] = doc_text(&d, &lens[i]);
		if (i == 0)
			page = add_page(s, "chain", "Chain", texts[0], 1);
		else
			bad += add_rev(s, page, NULL, texts[i], "bob", i + 1, NULL, NULL) != 0;
	}
	OK(page && bad == 0, "chains: small edits saved");
	OK(longest_chain(path) == STORE_SNAPSHOT_EVERY - 1,
	   "chains: the longest chain is STORE_SNAPSHOT_EVERY - 1 deltas");
	store_close(s);
	s = store_open(path, 0, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	OK(same_rev(s, page, 1, texts[0], lens[0]), "chains: revision 1 reads back");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# revision 1 through %d deltas: %.2f ms\n", STORE_SNAPSHOT_EVERY - 1,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	               (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	for (bad = 0, i = 1; i < N; i++)
		bad += !same_rev(s, page, i + 1, texts[i], lens[i]);
	OK(bad == 0, "chains: the others read back after it (from the cache)");
	for (i = 0; i < N; i++)
		free(texts[i]);

	/* about 600 KB: a snapshot every 64 revisions (64 x 600 KB <= 64 MiB,
	 * twice that is more) */
	while (d.n < 20000)
		doc_insert(&d, d.n);
	for (i = 0; i < BIG; i++) {
		if (i)
			doc_edit(&d);
		while (d.n < 19000)
			doc_insert(&d, d.n);
		texts[i] = doc_text(&d, &lens[i]);
		if (i == 0)
			big = add_page(s, "big", "Big", texts[0], 1);
		else
			bad += add_rev(s, big, NULL, texts[i], "bob", i + 1, NULL, NULL) != 0;
	}
	OK(big && bad == 0 && lens[BIG - 1] > 600000 && lens[0] < 1000000,
	   "big page: 70 edits saved");
	printf("# big page: %zu bytes\n", lens[BIG - 1]);
	OK(raw_int(path, "SELECT b.kind = 2 FROM bodies b JOIN revisions r"
	                 " ON r.id = b.rev WHERE r.page = 2 AND r.num = 64") == 1 &&
	           raw_int(path, "WITH RECURSIVE walk(cur, hops) AS ("
	                         " SELECT b.rev, 0 FROM bodies b JOIN revisions r ON r.id = b.rev"
	                         " WHERE r.page = 2 UNION ALL"
	                         " SELECT b.base, w.hops + 1 FROM walk w"
	                         " JOIN bodies b ON b.rev = w.cur WHERE b.kind = 1)"
	                         " SELECT max(hops) FROM walk") < 64,
	   "big page: a snapshot every 64 revisions at most");
	for (bad = 0, num = BIG; num >= 1; num--)
		bad += !same_rev(s, big, num, texts[num - 1], lens[num - 1]);
	OK(bad == 0, "big page: every revision reads back");
	OK(check_count(s, &report) == 0, "chains: check is clean");
	free(report);
	store_close(s);
	for (i = 0; i < BIG; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	doc_clear(&d);
	free(d.line);
}

/* Pairs of texts that a line delta could get wrong: line endings, the last
 * line, empty texts. */
static void test_rev_edges(void)
{
	static const char *const t[] = {
		"", "a", "a\n", "a\r\n", "a\r", "\n", "\n\n\n", "\r\n\r\n", "a\nb", "a\nb\n",
		"a\r\nb\r\n", "b\na\n", "a\n\nb\n", "x\ny\nz", "x\ny\nz\n", "",
		"日本語\nテキスト\n", "日本語\nテキスト", "🙂\r\n🙂", "a\n", "\ta \n b\n",
		"a\nb\nc\nd\ne\nf\n", "a\nc\ne\n", "a\nb\nc\nd\ne\nf", "f\ne\nd\nc\nb\na\n",
		"no newline at all, and then some more text without one", "", "\r", "\r\r\n",
		"z\n"};
	const size_t n = sizeof t / sizeof t[0];
	char *report = NULL;
	store *s = open_new("edges.db");
	int64_t page, num;
	size_t i;
	int bad = 0;

	page = s ? add_page(s, "edges", "Edges", t[0], 1) : 0;
	for (i = 1; page && i < n; i++)
		bad += add_rev(s, page, NULL, t[i], "eve", (int64_t)i + 1, NULL, NULL) != 0;
	OK(page && bad == 0, "edges: every pair saved");
	store_close(s);
	s = store_open(P("edges.db"), 0, NULL, NULL);
	for (bad = 0, num = (int64_t)n; num >= 1; num--)
		bad += !same_rev(s, page, num, t[num - 1], strlen(t[num - 1]));
	OK(bad == 0, "edges: line endings, last lines and empty texts read back exactly");
	OK(raw_int(P("edges.db"), "SELECT count(*) FROM bodies WHERE kind = 1") > 0,
	   "edges: stored as deltas");
	OK(check_count(s, &report) == 0, "edges: check is clean");
	free(report);
	store_close(s);
}

/* A v2 file (bodies inline) upgraded: the same texts, now compact. */
static void test_migration_v2(void)
{
	char *texts[EDITS], *report = NULL;
	size_t lens[EDITS];
	err_info e = {0};
	store_hit_list h = {0};
	const char *path = P("v2.db");
	store *s = store_open_version(path, STORE_CREATE, 2, NULL, &e);
	int64_t page, other;
	int i, bad = 0;

	OK(s && store_schema_version(s) == 2, "v2: made at schema 2");
	page = s ? save_history(s, "h", texts, lens) : 0;
	other = s ? add_page(s, "other", "Other", "one page, one revision\n", 9) : 0;
	store_close(s);
	OK(page && other, "v2: a page with 300 revisions and one with one");
	if (!page || !other)
		return;
	OK(raw_int(path, "SELECT count(*) FROM pragma_table_info('revisions')"
	                 " WHERE name = 'body'") == 1,
	   "v2: bodies are inline");

	s = store_open(path, 0, NULL, &e);
	OK(s && store_schema_version(s) == STORE_SCHEMA_VERSION, "v2 -> v3: upgraded");
	if (!s) {
		printf("# %s\n", e.msg);
		return;
	}
	OK(raw_int(path, "PRAGMA user_version") == STORE_SCHEMA_VERSION,
	   "v2 -> current: user_version");
	OK(raw_int(path, "SELECT count(*) FROM pragma_table_info('revisions')"
	                 " WHERE name = 'body'") == 0,
	   "v2 -> v3: revisions hold no bodies");
	OK(raw_int(path, "SELECT count(*) FROM bodies") == EDITS + 1,
	   "v2 -> v3: one body per revision");
	OK(raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 0") == 2,
	   "v2 -> v3: the two heads are plain text");
	OK(snapshots_due(path) == EDITS / STORE_SNAPSHOT_EVERY &&
	           snapshots_missing(path) == 0 &&
	           raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 1") > 200 &&
	           longest_chain(path) <= STORE_SNAPSHOT_EVERY - 1,
	   "v2 -> v3: the others are snapshots and deltas, chains as short as new ones");
	for (i = 0; i < EDITS; i++)
		bad += !same_rev(s, page, i + 1, texts[i], lens[i]);
	OK(bad == 0, "v2 -> v3: every revision reads back byte for byte");
	OK(store_search(s, "revision", "", "", 10, &h, &e) == 0 && h.n >= 1,
	   "v2 -> v3: search still finds the heads");
	store_hit_list_free(&h);
	OK(check_count(s, &report) == 0 && report == NULL,
	   "v2 -> v3: check is clean (bodies and search index)");
	free(report);
	OK(add_rev(s, other, NULL, "one page, two revisions\n", "bob", 10, NULL, NULL) == 0 &&
	           same_rev(s, other, 1, "one page, one revision\n", 23) &&
	           same_rev(s, other, 2, "one page, two revisions\n", 24),
	   "v2 -> v3: saving goes on");
	store_close(s);
	for (i = 0; i < EDITS; i++)
		free(texts[i]);
}

/* Reads every revision of a page (title and text) into one buffer. */
static void all_revs(store *s, int64_t page, int64_t n, buf *out)
{
	store_rev r = {0};
	int64_t i;

	for (i = 1; i <= n; i++) {
		if (store_rev_get(s, page, i, &r, NULL) == 1)
			buf_printf(out, "%lld %s %s %zu\n", (long long)i, r.title, r.author,
			           r.body_len);
		buf_put(out, r.body ? r.body : "?", r.body_len);
		store_rev_clear(&r);
	}
}

/* Schema 5: a v4 file (text kinds, every title stored) upgrades and reads
 * the same; new revisions do not repeat an unchanged title; kinds are
 * numbers; a new file has STORE_PAGE_SIZE pages, and gc gives a small file
 * STORE_PAGE_SIZE_SMALL pages and a big one STORE_PAGE_SIZE pages. */
static void test_migration_v4(void)
{
	char *texts[EDITS], *report = NULL;
	size_t lens[EDITS];
	err_info e = {0};
	buf before = BUF_INIT, after = BUF_INIT;
	store_gc_stats gs;
	store_rev_list l = {0};
	const char *path = P("v4.db");
	store *s;
	int64_t page, n = 0;
	int i;

	/* the page size older docdays gave (WAL mode fixes it) */
	raw_exec(path, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL");
	s = store_open_version(path, STORE_CREATE, 4, NULL, &e);

	OK(s && store_schema_version(s) == 4, "v4: made at schema 4");
	page = s ? save_history(s, "h", texts, lens) : 0;
	OK(page && add_rev(s, page, "Renamed", "renamed text\n", "carol", 5000, NULL, NULL) == 0 &&
	           add_rev(s, page, NULL, "after the rename\n", "carol", 5001, NULL, NULL) == 0,
	   "v4: a history with a title change");
	n = EDITS + 2;
	all_revs(s, page, n, &before);
	store_close(s);
	OK(raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 'delta'") > 200 &&
	           raw_int(path, "SELECT count(*) FROM revisions WHERE title = ''") == 0,
	   "v4: kinds are names, every title is stored");

	s = store_open(path, 0, NULL, &e);
	OK(s && store_schema_version(s) == 5, "v4 -> v5: upgraded");
	if (!s) {
		printf("# %s\n", e.msg);
		buf_free(&before);
		return;
	}
	all_revs(s, page, n, &after);
	OK(before.len == after.len && memcmp(before.ptr, after.ptr, before.len) == 0,
	   "v4 -> v5: every revision reads the same, title and text");
	OK(raw_int(path, "SELECT count(*) FROM bodies WHERE typeof(kind) != 'integer'") == 0 &&
	           raw_int(path, "SELECT count(*) FROM bodies WHERE kind = 1") > 200,
	   "v4 -> v5: kinds are numbers");
	OK(raw_int(path, "SELECT count(*) FROM revisions WHERE title != ''") == 2,
	   "v4 -> v5: only the first revision and the renamed one keep their title");
	OK(store_rev_history(s, page, &l, &e) == 0 && l.n == (size_t)n &&
	           !strcmp(l.v[0].title, "Renamed") && !strcmp(l.v[1].title, "Renamed") &&
	           !strcmp(l.v[2].title, l.v[n - 1].title) && strcmp(l.v[2].title, "Renamed"),
	   "v4 -> v5: history shows each revision's title");
	store_rev_list_free(&l);
	OK(add_rev(s, page, NULL, "a new head\n", "dave", 5002, NULL, NULL) == 0 &&
	           raw_int(path, "SELECT title = '' FROM revisions ORDER BY id DESC LIMIT 1") == 1,
	   "v5: an unchanged title is not repeated");
	OK(check_count(s, &report) == 0 && report == NULL, "v4 -> v5: check is clean");
	free(report);
	OK(raw_int(path, "PRAGMA page_size") == 4096, "v4: an old file keeps its page size");
	i = store_gc(s, &gs, &e);
	OK(i == 0 && raw_int(path, "PRAGMA page_size") == STORE_PAGE_SIZE_SMALL &&
	           raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode") == 1,
	   "gc: gives a small file small pages");
	buf_free(&after);
	all_revs(s, page, n, &after);
	OK(before.len == after.len && memcmp(before.ptr, after.ptr, before.len) == 0,
	   "gc: and every revision reads the same");
	store_close(s);
	OK(raw_int(path, "SELECT count(*) FROM revisions") == n + 1 &&
	           raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode") == 1,
	   "gc: the file is back in WAL mode");
	buf_free(&before);
	buf_free(&after);
	for (i = 0; i < EDITS; i++)
		free(texts[i]);
	s = open_new("pagesize.db");
	store_close(s);
	OK(raw_int(P("pagesize.db"), "PRAGMA page_size") == STORE_PAGE_SIZE,
	   "a new file has STORE_PAGE_SIZE pages");
	{ /* a big file made with small pages gets big ones back */
		size_t big = (size_t)STORE_SMALL_BYTES + 4096, k;
		char *text = malloc(big + 1);

		for (k = 0; k < big; k++)
			text[k] = k % 61 == 60 ? '\n' : (char)('a' + (k * 7 + k / 61) % 26);
		text[big] = '\0';
		raw_exec(P("bigpages.db"), "PRAGMA page_size = 1024; PRAGMA journal_mode = WAL");
		s = store_open(P("bigpages.db"), STORE_CREATE, NULL, &e);
		OK(s && add_page(s, "big", "Big", text, 1) > 0 && store_gc(s, &gs, &e) == 0,
		   "gc of a file over STORE_SMALL_BYTES");
		store_close(s);
		OK(raw_int(P("bigpages.db"), "PRAGMA page_size") == STORE_PAGE_SIZE,
		   "gives it STORE_PAGE_SIZE pages");
		free(text);
	}
}

/* A damaged delta is found by check and refused by reads, with a message. */
static void test_damaged_body(void)
{
	err_info e = {0};
	store_rev r = {0};
	char *report = NULL;
	const char *path = P("damage.db");
	store *s = open_new("damage.db");
	int64_t page = s ? add_page(s, "d", "D", "one\ntwo\nthree\n", 1) : 0;

	add_rev(s, page, NULL, "one\n2\nthree\n", "bob", 2, NULL, NULL);
	add_rev(s, page, NULL, "one\n2\n3\n", "bob", 3, NULL, NULL);
	{
		store_gc_stats gs;

		OK(store_gc(s, &gs, &e) == 0 && gs.compacted == 2, "damage: gc compacts both");
	}
	OK(check_count(s, &report) == 0, "damage: clean before");
	free(report);
	store_close(s);
	raw_exec(path, "UPDATE bodies SET data = x'0102' WHERE rev ="
	               " (SELECT id FROM revisions WHERE num = 2)");
	s = store_open(path, 0, NULL, NULL);
	OK(store_rev_get(s, page, 1, &r, &e) == -1 && e.code == ERR_DB &&
	           contains(e.msg, "damaged"),
	   "damage: reading through a damaged delta fails with ERR_DB");
	OK(store_rev_get(s, page, 3, &r, &e) == 1, "damage: the head still reads");
	store_rev_clear(&r);
	OK(check_count(s, &report) == 2 && contains(report, "revision 1 cannot be rebuilt") &&
	           contains(report, "revision 2 cannot be rebuilt"),
	   "damage: check names both revisions that depend on it");
	free(report);
	store_close(s);
	raw_exec(path, "UPDATE bodies SET kind = 2, data = x'00'"
	               " WHERE rev = (SELECT head FROM pages)");
	s = store_open(path, 0, NULL, NULL);
	OK(check_count(s, &report) > 0 && contains(report, "not stored as plain text"),
	   "damage: check finds a head that is not plain text");
	free(report);
	store_close(s);
}

/* Texts rebuilt inside a transaction that is rolled back do not outlive
 * it: the revision id comes back with another text. */
static void test_rev_rollback(void)
{
	err_info e = {0};
	store *s = open_new("rollback.db");
	int64_t page = s ? add_page(s, "r", "R", "a\nb\n", 1) : 0, id1 = 0, id2 = 0;

	add_rev(s, page, NULL, "a\nB\n", "bob", 2, NULL, NULL);
	store_begin_write(s, &e);
	store_rev_add(s, page, NULL, "x\n", 2, "bob", 3, "", &id1, NULL, &e);
	store_rev_add(s, page, NULL, "y\n", 2, "bob", 4, "", NULL, NULL, &e);
	OK(same_rev(s, page, 3, "x\n", 2), "rollback: a revision read inside the transaction");
	store_rollback(s);
	add_rev(s, page, NULL, "z\n", "bob", 5, &id2, NULL);
	add_rev(s, page, NULL, "w\n", "bob", 6, NULL, NULL);
	OK(id1 == id2 && same_rev(s, page, 3, "z\n", 2),
	   "rollback: the same revision id later reads as its new text");
	OK(same_rev(s, page, 1, "a\nb\n", 4), "rollback: older revisions unchanged");
	store_close(s);
}

static void test_many(void)
{
	err_info e = {0};
	store_page_list pl = {0};
	store *s = open_new("many.db");
	char slug[32], body[64];
	struct timespec t0, t1;
	int i, n = getenv("STORE_TEST_PAGES") ? atoi(getenv("STORE_TEST_PAGES")) : 10000;
	int64_t id;

	if (!s)
		return;
	store_begin_write(s, &e);
	for (i = 0; i < n; i++) {
		snprintf(slug, sizeof slug, "page-%05d", i);
		snprintf(body, sizeof body, "body of page %d", i);
		if (store_page_create(s, slug, slug, &id, &e) ||
		    store_rev_add(s, id, slug, body, strlen(body), "bulk", i, "", NULL,
		                  NULL, &e) ||
		    (i % 3 == 0 && store_rev_add(s, id, slug, "again", 5, "bulk2", n + i,
		                                 "", NULL, NULL, &e)))
			break;
	}
	OK(i == n && store_commit(s, &e) == 0, "many pages saved");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	OK(store_page_list_all(s, STORE_BY_CHANGE, &pl, &e) == 0 && pl.n == (size_t)n,
	   "list of many pages");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# listed %d pages in %.1f ms\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	               (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	OK(pl.n == (size_t)n && pl.v[0].nrevs == 2 &&
	           !strcmp(pl.v[0].last_author, "bulk2") && pl.v[n - 1].nrevs == 1,
	   "list of many pages: revision counts and authors");
	store_page_list_free(&pl);
	store_close(s);
}

int main(void)
{
	store *s;
	const char *main_db;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/docday-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_create_reopen();
	test_missing_dir();
	test_not_ours();
	test_newer();
	test_migration();
	test_readonly();
	test_setgid();

	main_db = "main.db";
	s = open_new(main_db);
	if (s) {
		test_pages(s);
		test_revisions(s);
		test_lists(s);
		test_links(s);
		test_search(s);
		test_deleted(s, P(main_db));
		test_backup(s, P(main_db));
		test_busy(P(main_db), s);
		store_close(s);
	}
	test_check();
	test_rev_storage();
	test_rev_edges();
	test_rev_chains();
	test_migration_v2();
	test_migration_v4();
	test_damaged_body();
	test_rev_rollback();
	test_many();
	test_reindex();
	test_wal_sync();

	rm_tree(tmpdir);
	return tap_done();
}
