/* store: the wiki's one SQLite file — opening and identifying it, the schema
 * and its forward migrations, pages, revisions, links, full-text search and
 * maintenance (check, backup).  This is the only file that includes
 * <sqlite3.h>; every value reaches SQLite through a bound parameter.
 *
 * The search index is an external-content FTS5 table whose content is the
 * view page_text (each live page's head revision), so head bodies are not
 * stored twice.  FTS5 cannot see changes to that view by itself: every
 * change of a page's head goes through set_head(), which removes the page
 * from the index with the values it was indexed with (revisions are
 * immutable, so the old head still holds them) and adds it back afterwards.
 * Triggers could do this too, but SQLite refuses triggers that write to a
 * virtual table once trusted_schema is off, and we turn it off for safety.
 *
 * Revision bodies live in their own table, `bodies`, one row per revision
 * (schema 3).  The head of every page is plain text ('full'), which is what
 * page_text and so the search index read.  When a new head arrives, the
 * previous one is re-encoded in the same transaction: as a reverse delta
 * against its successor ('delta'), or, every SNAPSHOT_EVERY revisions of a
 * page (more often for big pages: snapshot_every), as its whole text
 * deflated ('snapshot').  Reading a revision starts at the nearest snapshot
 * or head above it and applies at most SNAPSHOT_EVERY - 1 deltas.  A delta
 * lists, for each region that libgit2 finds changed (diff_texts without
 * context), how many lines of the successor to copy, how many to skip and
 * how many bytes of the older text come instead; those bytes follow as one
 * raw deflate stream whose preset dictionary is the end of the successor
 * and then the lines it skips, so a reworded line costs little more than
 * the words that changed.  The revisions rows never change. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "buf.h"
#include "diff.h"

#define APP_ID 0x646F6364 /* 'docd' in PRAGMA application_id */

/* The WAL's size after a handle's last commit from which store_close
 * checkpoints it (bytes of pages), and its frames from which a commit does
 * (SQLite's default autocheckpoint, for long-lived handles). */
#define WAL_CLOSE_CHECKPOINT (400 * 1024)
#define WAL_AUTOCHECKPOINT   1000
/* The WAL file is cut back to this size when wal_restart starts it again
 * (it is kept between processes, SQLITE_FCNTL_PERSIST_WAL): a big import
 * would otherwise leave its largest WAL beside the database for good. */
#define WAL_KEEP_BYTES (1024 * 1024)

/* Migration i (from 1) takes the schema from version i-1 to i.  Append new
 * ones; never edit a released one. */
static const char *const migrations[] = {
	/* 1: pages, revisions, links, search */
	"CREATE TABLE pages ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  head INTEGER REFERENCES revisions(id),"
	"  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));"
	"CREATE INDEX pages_title ON pages(title COLLATE NOCASE);"
	"CREATE TABLE revisions ("
	"  id INTEGER PRIMARY KEY,"
	"  page INTEGER NOT NULL REFERENCES pages(id),"
	"  num INTEGER NOT NULL CHECK (num >= 1),"
	"  parent INTEGER REFERENCES revisions(id),"
	"  author TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL,"
	"  summary TEXT NOT NULL DEFAULT '',"
	"  title TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  UNIQUE (page, num));"
	"CREATE INDEX revisions_at ON revisions(at_ms);"
	"CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions"
	"  BEGIN SELECT RAISE(ABORT, 'revisions are never changed'); END;"
	"CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions"
	"  BEGIN SELECT RAISE(ABORT, 'revisions are never deleted'); END;"
	"CREATE TABLE links ("
	"  src INTEGER NOT NULL REFERENCES pages(id),"
	"  dst_slug TEXT NOT NULL,"
	"  PRIMARY KEY (src, dst_slug)) WITHOUT ROWID;"
	"CREATE INDEX links_dst ON links(dst_slug);"
	"CREATE VIEW page_text(id, title, body) AS"
	"  SELECT p.id, r.title, r.body FROM pages p"
	"  JOIN revisions r ON r.id = p.head WHERE p.deleted = 0;"
	"CREATE VIRTUAL TABLE fts USING fts5(title, body, content='page_text',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2');",

	/* 2: autosaved drafts and who is viewing or editing what */
	"CREATE TABLE drafts ("
	"  author TEXT NOT NULL,"
	"  slug TEXT NOT NULL,"
	"  base INTEGER REFERENCES revisions(id),"
	"  body TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (author, slug));"
	"CREATE TABLE presence ("
	"  author TEXT NOT NULL,"
	"  slug TEXT NOT NULL,"
	"  mode TEXT NOT NULL CHECK (mode IN ('view', 'edit')),"
	"  pid INTEGER NOT NULL,"
	"  host TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (author, pid, host)) WITHOUT ROWID;"
	"CREATE INDEX presence_slug ON presence(slug);",

	/* 3: bodies out of revisions, so that old ones can be re-encoded as
	 * deltas or snapshots (reencode_history does that after this script)
	 * while revisions rows stay as they were written.  A full body is TEXT,
	 * the others BLOB. */
	"CREATE TABLE bodies ("
	"  rev INTEGER PRIMARY KEY REFERENCES revisions(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('full', 'snapshot', 'delta')),"
	"  base INTEGER REFERENCES revisions(id),"
	"  data NOT NULL,"
	"  CHECK ((kind = 'delta') = (base IS NOT NULL)));"
	"INSERT INTO bodies(rev, kind, data) SELECT id, 'full', body FROM revisions;"
	"DROP VIEW page_text;"
	"ALTER TABLE revisions DROP COLUMN body;"
	"CREATE VIEW page_text(id, title, body) AS"
	"  SELECT p.id, r.title, b.data FROM pages p"
	"  JOIN revisions r ON r.id = p.head JOIN bodies b ON b.rev = p.head"
	"  WHERE p.deleted = 0;",

	/* 4: the slugs a page had before a rename, which still lead to it.  A
	 * slug is a page's or an alias, never both (a page that takes the slug
	 * drops the alias). */
	"CREATE TABLE aliases ("
	"  slug TEXT PRIMARY KEY,"
	"  page INTEGER NOT NULL REFERENCES pages(id),"
	"  at_ms INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX aliases_page ON aliases(page);",

	/* 5: smaller rows (see "Database" in docs/architecture.md).  A body's
	 * kind is a number (0 full, 1 delta, 2 snapshot: SQLite stores 0 and 1
	 * in no bytes at all), and a revision whose title is its predecessor's
	 * stores '' (no title is empty): its title is that of the latest
	 * revision before it with one, found through revisions_titled.  The
	 * search index reads the head's title from pages, which always holds
	 * it.  Existing revisions are rewritten the same way (under their
	 * no-update trigger, dropped for the while); the space they free stays
	 * in the file until a VACUUM (docday gc). */
	"CREATE TABLE bodies5 ("
	"  rev INTEGER PRIMARY KEY REFERENCES revisions(id),"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),"
	"  base INTEGER REFERENCES revisions(id),"
	"  data NOT NULL,"
	"  CHECK ((kind = 1) = (base IS NOT NULL)));"
	"INSERT INTO bodies5(rev, kind, base, data) SELECT rev,"
	"  CASE kind WHEN 'full' THEN 0 WHEN 'delta' THEN 1 ELSE 2 END, base, data FROM bodies;"
	"DROP VIEW page_text;"
	"DROP TABLE bodies;"
	"ALTER TABLE bodies5 RENAME TO bodies;"
	"CREATE VIEW page_text(id, title, body) AS"
	"  SELECT p.id, p.title, b.data FROM pages p JOIN bodies b ON b.rev = p.head"
	"  WHERE p.deleted = 0;"
	"DROP TRIGGER revisions_no_update;"
	"UPDATE revisions SET title = '' WHERE id IN (SELECT r.id FROM revisions r"
	"  JOIN revisions q ON q.page = r.page AND q.num = r.num - 1 WHERE q.title = r.title);"
	"CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions"
	"  BEGIN SELECT RAISE(ABORT, 'revisions are never changed'); END;"
	"CREATE INDEX revisions_titled ON revisions(page, num) WHERE title != '';",
};
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* A page row: id, slug, title, head, head_num, deleted, nrevs, author, at. */
#define PAGE_COLS                                                                                  \
	"SELECT p.id, p.slug, p.title, p.head, r.num, p.deleted,"                                  \
	" (SELECT count(*) FROM revisions c WHERE c.page = p.id),"                                 \
	" r.author, r.at_ms FROM pages p LEFT JOIN revisions r ON r.id = p.head "

/* A revision row: id, page, num, parent, author, at, summary, title, size
 * (and, when loaded, the body's kind and data: BODY_COLS). */
#define REV_COLS                                                                                   \
	"SELECT r.id, r.page, r.num, r.parent, r.author, r.at_ms, r.summary,"                      \
	" " REV_TITLE ", r.size"

/* A revision's title: its own, or ('' from schema 5) that of the latest
 * revision before it that has one. */
#define REV_TITLE                                                                                  \
	"CASE WHEN r.title != '' THEN r.title ELSE (SELECT t.title FROM revisions t"               \
	" WHERE t.page = r.page AND t.num < r.num AND t.title != ''"                               \
	" ORDER BY t.num DESC LIMIT 1) END"
#define BODY_COLS ", b.kind, b.data"

/* A body's kind is a name up to schema 4 and a number from 5 on; the same
 * SQL reads both (a number never equals a name, in either column). */
#define KIND_FULL  "(0, 'full')"
#define KIND_DELTA "(1, 'delta')"
#define BODY_JOIN  " JOIN bodies b ON b.rev = r.id"

/* The cached statements. */
enum q {
	Q_PAGE_BY_SLUG,
	Q_PAGE_LIVE,
	Q_PAGE_BY_TITLE,
	Q_PAGE_CREATE,
	Q_LIST_SLUG,
	Q_LIST_TITLE,
	Q_LIST_CHANGE,
	Q_PAGE_COUNT,
	Q_HEAD_OF,
	Q_REV_INSERT,
	Q_REV_INSERT_V2,
	Q_BODY_ADD,
	Q_BODY_GET,
	Q_BODY_SET,
	Q_SET_HEAD,
	Q_UNINDEX,
	Q_INDEX,
	Q_REINDEX,
	Q_REV_BY_NUM,
	Q_REV_HEAD,
	Q_HISTORY,
	Q_RECENT,
	Q_HEADS,
	Q_LINKS_CLEAR,
	Q_LINK_ADD,
	Q_LINKS_FROM,
	Q_LINKS_TO,
	Q_LINKS_ALL,
	Q_SEARCH,
	Q_SET_DELETED,
	Q_PRESENCE_PUT,
	Q_PRESENCE_DEL,
	Q_PRESENCE_LIST,
	Q_PRESENCE_GC,
	Q_DATA_VERSION,
	Q_DRAFT_PUT,
	Q_DRAFT_GET,
	Q_DRAFT_DELETE,
	Q_PAGE_BY_ALIAS,
	Q_ALIAS_DROP,
	Q_ALIAS_ADD,
	Q_SET_SLUG,
	Q_DRAFTS_MOVE,
	Q_ALIASES_OF,
	Q_PAGE_BY_ID,
	Q_TEMPLATES,
	Q_BODY_KIND_AT,
	Q_COUNT
};

static const char *const q_sql[Q_COUNT] = {
	/* A draft names its base by page slug and revision number; the row keeps
	 * the revision's id (NULL for a page that does not exist yet). */
	[Q_PRESENCE_PUT] = "INSERT OR REPLACE INTO presence(author, slug, mode, pid, host, at_ms)"
	                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_PRESENCE_DEL] = "DELETE FROM presence WHERE pid = ?1 AND host = ?2",
	[Q_PRESENCE_LIST] = "SELECT author, slug, mode, pid, host, at_ms FROM presence"
	                    " WHERE at_ms >= ?1 AND (?2 IS NULL OR slug = ?2)"
	                    " ORDER BY slug, mode DESC, author",
	[Q_PRESENCE_GC] = "DELETE FROM presence WHERE at_ms < ?1",
	[Q_DATA_VERSION] = "PRAGMA data_version",
	[Q_SET_DELETED] = "UPDATE pages SET deleted = ?2 WHERE id = ?1",
	[Q_DRAFT_PUT] =
	        "INSERT OR REPLACE INTO drafts(author, slug, base, body, at_ms)"
	        " VALUES(?1, ?2, (SELECT r.id FROM revisions r JOIN pages p ON p.id = r.page"
	        " WHERE p.slug = ?2 AND r.num = ?3), ?4, ?5)",
	[Q_DRAFT_GET] =
	        "SELECT d.body, d.at_ms, coalesce(r.num, 0) FROM drafts d"
	        " LEFT JOIN revisions r ON r.id = d.base WHERE d.author = ?1 AND d.slug = ?2",
	[Q_DRAFT_DELETE] = "DELETE FROM drafts WHERE author = ?1 AND slug = ?2",
	[Q_PAGE_BY_SLUG] = PAGE_COLS "WHERE p.slug = ?1",
	[Q_PAGE_LIVE] = "SELECT 1 FROM pages WHERE slug = ?1 AND deleted = 0",
	/* live before deleted, exact before case-insensitive */
	[Q_PAGE_BY_TITLE] = PAGE_COLS "WHERE p.title = ?1 COLLATE NOCASE"
	                              " ORDER BY p.deleted, p.title = ?1 DESC, p.id LIMIT 1",
	[Q_PAGE_CREATE] = "INSERT INTO pages(slug, title) VALUES(?1, ?2)",
	[Q_PAGE_BY_ALIAS] = PAGE_COLS "JOIN aliases a ON a.page = p.id WHERE a.slug = ?1",
	[Q_ALIAS_DROP] = "DELETE FROM aliases WHERE slug = ?1",
	[Q_ALIAS_ADD] = "INSERT OR REPLACE INTO aliases(slug, page, at_ms) VALUES(?1, ?2, ?3)",
	[Q_PAGE_BY_ID] = PAGE_COLS "WHERE p.id = ?1",
	[Q_BODY_KIND_AT] =
	        "SELECT b.kind IN " KIND_FULL " FROM revisions r JOIN bodies b ON b.rev = r.id"
	        " WHERE r.page = ?1 AND r.num = ?2",
	/* LIKE ignores ASCII case: "templates/..." counts too */
	[Q_TEMPLATES] = PAGE_COLS "WHERE p.deleted = 0 AND p.title LIKE 'Templates/%'"
	                          " ORDER BY p.title COLLATE NOCASE, p.slug",
	[Q_SET_SLUG] = "UPDATE pages SET slug = ?2 WHERE id = ?1",
	/* A draft already kept under the new slug stays; the other keeps its
	 * old slug (nothing is lost, the alias still finds the page). */
	[Q_DRAFTS_MOVE] = "UPDATE OR IGNORE drafts SET slug = ?2 WHERE slug = ?1",
	[Q_ALIASES_OF] = "SELECT slug FROM aliases WHERE page = ?1 ORDER BY at_ms DESC, slug",
	[Q_LIST_SLUG] = PAGE_COLS "WHERE p.deleted = 0 ORDER BY p.slug",
	[Q_LIST_TITLE] = PAGE_COLS "WHERE p.deleted = 0"
	                           " ORDER BY p.title COLLATE NOCASE, p.title, p.slug",
	[Q_LIST_CHANGE] = PAGE_COLS "WHERE p.deleted = 0"
	                            " ORDER BY r.at_ms DESC, r.id DESC, p.slug",
	[Q_PAGE_COUNT] = "SELECT count(*) FROM pages WHERE deleted = 0",
	[Q_HEAD_OF] = "SELECT p.head, coalesce(r.num, 0), p.title FROM pages p"
	              " LEFT JOIN revisions r ON r.id = p.head WHERE p.id = ?1",
	[Q_REV_INSERT] = "INSERT INTO revisions(page, num, parent, author, at_ms,"
	                 " summary, title, size)"
	                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* schemas 1 and 2 (store_open_version makes old files for tests) */
	[Q_REV_INSERT_V2] = "INSERT INTO revisions(page, num, parent, author, at_ms,"
	                    " summary, title, size, body)"
	                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[Q_BODY_ADD] = "INSERT INTO bodies(rev, kind, data) VALUES(?1, ?3, ?2)",
	[Q_BODY_GET] = "SELECT b.kind, b.base, b.data, r.size FROM bodies b"
	               " JOIN revisions r ON r.id = b.rev WHERE b.rev = ?1",
	[Q_BODY_SET] = "UPDATE bodies SET kind = ?2, base = ?3, data = ?4 WHERE rev = ?1",
	[Q_SET_HEAD] = "UPDATE pages SET head = ?2, title = ?3 WHERE id = ?1",
	[Q_UNINDEX] = "INSERT INTO fts(fts, rowid, title, body)"
	              " SELECT 'delete', id, title, body FROM page_text WHERE id = ?1",
	[Q_INDEX] = "INSERT INTO fts(rowid, title, body)"
	            " SELECT id, title, body FROM page_text WHERE id = ?1",
	/* A new head in one statement: out with the values the page was
	 * indexed with (the head still in pages), in with the new ones, unless
	 * the page is deleted.  FTS5 then tokenises both into one pending list
	 * and writes one segment, where two statements write two. */
	[Q_REINDEX] = "INSERT INTO fts(fts, rowid, title, body)"
	              " SELECT 'delete', id, title, body FROM page_text WHERE id = ?1"
	              " UNION ALL SELECT NULL, ?1, ?2, ?3"
	              " WHERE (SELECT deleted FROM pages WHERE id = ?1) = 0",
	[Q_REV_BY_NUM] = REV_COLS BODY_COLS " FROM revisions r" BODY_JOIN
	                                    " WHERE r.page = ?1 AND r.num = ?2",
	[Q_REV_HEAD] = REV_COLS BODY_COLS
	" FROM pages p JOIN revisions r ON r.id = p.head" BODY_JOIN " WHERE p.id = ?1",
	[Q_HISTORY] = REV_COLS " FROM revisions r WHERE r.page = ?1 ORDER BY r.num DESC",
	[Q_RECENT] = "SELECT r.id, r.page, r.num, r.parent, r.author, r.at_ms, r.summary,"
	             " p.slug, r.size FROM revisions r JOIN pages p ON p.id = r.page"
	             " WHERE p.deleted = 0 ORDER BY r.at_ms DESC, r.id DESC LIMIT ?1",
	[Q_HEADS] = REV_COLS BODY_COLS " FROM pages p JOIN revisions r ON r.id = p.head" BODY_JOIN
	                               " WHERE p.deleted = 0 ORDER BY p.slug",
	[Q_LINKS_CLEAR] = "DELETE FROM links WHERE src = ?1",
	[Q_LINK_ADD] = "INSERT OR IGNORE INTO links(src, dst_slug) VALUES(?1, ?2)",
	[Q_LINKS_FROM] = "SELECT l.dst_slug, p.title FROM links l"
	                 " LEFT JOIN pages p ON p.slug = l.dst_slug AND p.deleted = 0"
	                 " WHERE l.src = ?1 ORDER BY l.dst_slug",
	[Q_LINKS_TO] = "SELECT p.slug, p.title FROM links l JOIN pages p ON p.id = l.src"
	               " WHERE l.dst_slug = ?1 AND p.deleted = 0 ORDER BY p.slug",
	[Q_LINKS_ALL] = "SELECT p.slug, l.dst_slug FROM links l JOIN pages p ON p.id = l.src"
	                " WHERE p.deleted = 0",
	[Q_SEARCH] =
	        /* FTS5's snippet() grows worse than linearly with the number of
	         * matches (22 s for a 1 MB page matching 3 words 60,000 times), so
	         * pages larger than ?5 bytes show their opening instead. */
	"SELECT p.slug, p.title, CASE WHEN r.size <= ?5"
	" THEN snippet(fts, 1, ?1, ?2, '\xe2\x80\xa6', 12)"
	" ELSE substr(b.data, 1, 100) || '\xe2\x80\xa6' END,"
	" bm25(fts, 10.0, 1.0) AS score"
	" FROM fts JOIN pages p ON p.id = fts.rowid JOIN revisions r ON r.id = p.head" BODY_JOIN
	" WHERE fts MATCH ?3 AND p.deleted = 0"
	" ORDER BY score, p.slug LIMIT ?4",
};

enum tx { TX_NONE, TX_READ, TX_WRITE };

/* One line of a text, its '\n' included (only the last line may lack it). */
typedef struct span {
	const char *p;
	size_t n;
} span;

/* A text as its lines, pointing into buffers owned elsewhere. */
typedef struct lines {
	span *v;
	size_t n, cap;
	size_t bytes; /* the text's length */
} lines;

/* &l->v[i] without arithmetic on NULL (an empty text has no array). */
static const span *line_at(const lines *l, size_t i)
{
	return l->v ? l->v + i : NULL;
}

/* Revision texts rebuilt by earlier reads, so that reading a page's
 * revisions one after another costs one delta each: each entry is one
 * revision's text as lines pointing into bufs.  Revision texts never
 * change, so the entries stay true until a rollback may have taken a
 * revision id away. */
typedef struct text_cache {
	char **bufs;
	size_t nbufs, capbufs;
	struct cached_text {
		int64_t id; /* revisions.id */
		lines text;
	} * v;
	size_t n, cap;
	size_t mem; /* bytes held, roughly */
} text_cache;

/* Bodies up to this size get an FTS5 snippet around the matches. */
#define SNIPPET_MAX_BODY (64 * 1024)

struct store {
	sqlite3 *db;
	char *path;
	int version;
	int readonly;
	int busy_ms;
	int tx;
	sqlite3_stmt *q[Q_COUNT];
	text_cache cache;
	int wal_frames;       /* the WAL's frames after this handle's last commit */
	int close_checkpoint; /* checkpoint on close, however short the WAL */
};

/* --- small helpers ------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("docday: out of memory\n", stderr);
		abort();
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* Makes room for element n of an array of `size`-byte elements. */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(v, *cap * size);
}

/* A copy of a text column (caller frees), NULL for SQL NULL. */
static char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int primary(int rc)
{
	return rc & 0xff;
}

/* Fills e from an SQLite result code, with a message about `path`; `what`
 * says what failed for the errors that have no dedicated message. */
static int sql_error(sqlite3 *db, const char *path, int busy_ms, int rc, const char *what,
                     err_info *e)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	switch (primary(rc)) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		if (busy_ms % 1000 == 0)
			return err_set(e, ERR_DB,
			               "the database is locked by another process "
			               "(waited %d s): try again",
			               busy_ms / 1000);
		return err_set(e, ERR_DB,
		               "the database is locked by another process "
		               "(waited %.1f s): try again",
		               busy_ms / 1000.0);
	case SQLITE_READONLY:
		return err_set(e, ERR_DB,
		               "cannot write %s: the database or its directory is read-only", path);
	case SQLITE_FULL:
		return err_set(e, ERR_DB, "disk full while writing %s: nothing was saved", path);
	case SQLITE_CORRUPT: return err_set(e, ERR_DB, "%s is damaged: run 'docday check'", path);
	case SQLITE_NOTADB:
		return err_set(e, ERR_DB, "%s is not a docday database (not an SQLite file)", path);
	case SQLITE_TOOBIG:
		return err_set(e, ERR_USER, "the text is too large to store in %s", path);
	case SQLITE_CANTOPEN: return err_set(e, ERR_DB, "cannot open %s: %s", path, msg);
	case SQLITE_IOERR: return err_set(e, ERR_DB, "cannot read or write %s: %s", path, msg);
	default: return err_set(e, ERR_DB, "%s: %s failed: %s", path, what, msg);
	}
}

static int fail(store *s, int rc, const char *what, err_info *e)
{
	return sql_error(s->db, s->path, s->busy_ms, rc, what, e);
}

/* Runs SQL that carries no values. */
static int exec(store *s, const char *sql, const char *what, err_info *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : fail(s, rc, what, e);
}

/* The cached statement `id`, reset and unbound by release(). */
static sqlite3_stmt *prep(store *s, enum q id, err_info *e)
{
	int rc;

	if (s->q[id])
		return s->q[id];
	rc = sqlite3_prepare_v3(s->db, q_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->q[id], NULL);
	if (rc != SQLITE_OK) {
		fail(s, rc, "preparing a query", e);
		return NULL;
	}
	return s->q[id];
}

static void release(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int bind_str(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Steps a statement that returns no rows, then releases it. */
static int run(store *s, sqlite3_stmt *st, const char *what, err_info *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(s, rc, what, e);
		release(st);
		return -1;
	}
	release(st);
	return 0;
}

/* Reads one integer from constant SQL (pragmas, counts). */
static int get_int(store *s, const char *sql, int64_t *v, int *rcp)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	*rcp = rc;
	return rc == SQLITE_OK ? 0 : -1;
}

static int require_write(store *s, err_info *e)
{
	if (s->tx != TX_WRITE || sqlite3_get_autocommit(s->db))
		return err_set(e, ERR_DB, "internal error: %s changed outside a write transaction",
		               s->path);
	return 0;
}

/* --- bodies: lines, deltas, deflate ------------------------------------- */

/* Every SNAPSHOT_EVERY-th revision of a page (by number) is stored whole,
 * deflated, once it is no longer the head; the others are deltas against
 * their successor.  A delta's cost to read grows with the text's lines, so
 * big texts get a snapshot more often (snapshot_every): the number of
 * deltas times the text's size stays under CHAIN_BYTES.
 * docs/architecture.md has the measurements behind both values. */
#define SNAPSHOT_EVERY STORE_SNAPSHOT_EVERY
#define CHAIN_BYTES    (64u << 20)

/* The most of a delta's preset dictionary: half of zlib's window.  Every
 * delta read copies it twice; 32 KiB made reading the oldest revision of
 * the bench history 40 % slower for 3 % smaller deltas. */
#define DICT_MAX 16384

/* The most bytes the cache of rebuilt texts keeps between reads. */
#define CACHE_MAX (32u << 20)

/* A stored text larger than this is damage (texts are at most 32 MiB). */
#define BODY_MAX (1024u * 1024 * 1024)

/* A chain of more deltas than this is damage (a loop, say). */
#define CHAIN_MAX 1000000

/* One changed region of a delta: copy `copy` lines of the successor, skip
 * `skip` of them, then put `lit` bytes of the older text. */
typedef struct delta_op {
	size_t copy, skip, lit;
} delta_op;

static void lines_grow(lines *l, size_t more)
{
	if (l->n + more <= l->cap)
		return;
	while (l->n + more > l->cap)
		l->cap = l->cap ? l->cap * 2 : 64;
	l->v = xrealloc(l->v, l->cap * sizeof *l->v);
}

/* Appends the lines of t[0..n) to l. */
static void lines_split(lines *l, const char *t, size_t n)
{
	const char *end = t + n;

	while (t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		size_t k = nl ? (size_t)(nl - t) + 1 : (size_t)(end - t);

		lines_grow(l, 1);
		l->v[l->n].p = t;
		l->v[l->n].n = k;
		l->n++;
		l->bytes += k;
		t += k;
	}
}

/* Appends n lines of another text to l. */
static void lines_put(lines *l, const span *v, size_t n)
{
	size_t i;

	if (!n)
		return;
	lines_grow(l, n);
	memcpy(l->v + l->n, v, n * sizeof *v);
	l->n += n;
	for (i = 0; i < n; i++)
		l->bytes += v[i].n;
}

static void lines_free(lines *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The text as one new NUL-terminated buffer (caller frees). */
static char *lines_join(const lines *l)
{
	char *t = xrealloc(NULL, l->bytes + 1), *q = t;
	size_t i;

	for (i = 0; i < l->n; i++) {
		memcpy(q, l->v[i].p, l->v[i].n);
		q += l->v[i].n;
	}
	*q = '\0';
	return t;
}

static void put_varint(buf *b, size_t v)
{
	unsigned char c[10];
	size_t n = 0;

	do {
		c[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			c[n] |= 0x80;
		n++;
	} while (v);
	buf_put(b, c, n);
}

/* Reads an unsigned LEB128 number of at most 9 bytes.  0, or -1 when it is
 * malformed or runs past end. */
static int get_varint(const unsigned char **p, const unsigned char *end, size_t *v)
{
	uint64_t x = 0;
	unsigned shift;

	for (shift = 0; shift <= 56 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;

		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (x > SIZE_MAX)
				return -1;
			*v = (size_t)x;
			return 0;
		}
	}
	return -1;
}

/* Appends p[0..n) to out as a raw deflate stream (no zlib header or
 * checksum: the recorded size checks the result), with a preset
 * dictionary when dlen > 0.  0, or -1 with e set. */
static int deflate_to(buf *out, const char *p, size_t n, const char *dict, size_t dlen, int level,
                      err_info *e)
{
	z_stream z;
	uLong bound;
	int rc;

	memset(&z, 0, sizeof z);
	if (n > BODY_MAX || deflateInit2(&z, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return err_set(e, ERR_DB, "cannot compress a revision (zlib)");
	if (dlen && deflateSetDictionary(&z, (const Bytef *)dict, (uInt)dlen) != Z_OK) {
		deflateEnd(&z);
		return err_set(e, ERR_DB, "cannot compress a revision (zlib)");
	}
	bound = deflateBound(&z, (uLong)n);
	buf_grow(out, bound);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->ptr + out->len;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		return err_set(e, ERR_DB, "cannot compress a revision (zlib)");
	out->len += bound - z.avail_out;
	out->ptr[out->len] = '\0';
	return 0;
}

/* Inflate state and dictionary space kept from one delta to the next while
 * a chain is read (a new window and dictionary per delta cost more than
 * the delta). */
typedef struct inflater {
	z_stream z;
	int ready;
	buf dict;
} inflater;

static void inflater_end(inflater *f)
{
	if (f->ready)
		inflateEnd(&f->z);
	buf_free(&f->dict);
	f->ready = 0;
}

/* Inflates p[0..n) into exactly `size` bytes at out (which has room for
 * size + 1).  0, or -1 when the stream is damaged or of another size. */
static int inflate_exact(inflater *f, const unsigned char *p, size_t n, const char *dict,
                         size_t dlen, char *out, size_t size)
{
	z_stream *z = &f->z;
	int rc;

	if (n > BODY_MAX || size > BODY_MAX)
		return -1;
	if (!f->ready) {
		memset(z, 0, sizeof *z);
		if (inflateInit2(z, -15) != Z_OK)
			return -1;
		f->ready = 1;
	} else if (inflateReset(z) != Z_OK) {
		return -1;
	}
	if (dlen && inflateSetDictionary(z, (const Bytef *)dict, (uInt)dlen) != Z_OK)
		return -1;
	z->next_in = (Bytef *)(uintptr_t)p;
	z->avail_in = (uInt)n;
	z->next_out = (Bytef *)out;
	z->avail_out = (uInt)size + 1;
	rc = inflate(z, Z_FINISH);
	return rc == Z_STREAM_END && z->avail_in == 0 && z->avail_out == 1 ? 0 : -1;
}

/* Appends the text of lines v[0..n) to d, one copy per run of lines that
 * are adjacent in memory. */
static void put_spans(buf *d, const span *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *start = v[i].p;
		size_t len = v[i].n;

		for (i++; i < n && v[i].p == start + len; i++)
			len += v[i].n;
		buf_put(d, start, len);
	}
}

/* The preset dictionary of a delta's literal bytes: the end of the
 * successor, then the successor's lines that the delta skips (what the older
 * lines most likely resemble, so nearest), DICT_MAX bytes in all.  The ops
 * must fit succ. */
static void dict_build(const lines *succ, const delta_op *ops, size_t nops, buf *d)
{
	size_t skipped = 0, at = 0, room, drop, i, k;

	for (i = 0; i < nops; i++) {
		at += ops[i].copy;
		for (k = 0; k < ops[i].skip; k++)
			skipped += succ->v[at + k].n;
		at += ops[i].skip;
	}
	buf_truncate(d, 0);
	buf_grow(d, DICT_MAX);
	room = skipped < DICT_MAX ? DICT_MAX - skipped : 0;
	if (room > succ->bytes)
		room = succ->bytes;
	if (room) {
		size_t got = 0, j = succ->n;

		while (got < room)
			got += succ->v[--j].n;
		buf_put(d, succ->v[j].p + (got - room), succ->v[j].n - (got - room));
		put_spans(d, line_at(succ, j + 1), succ->n - j - 1);
	}
	drop = skipped > DICT_MAX ? skipped - DICT_MAX : 0;
	for (at = 0, i = 0; i < nops; i++) {
		at += ops[i].copy;
		for (k = 0; k < ops[i].skip && drop; k++) {
			const span *sp = &succ->v[at + k];

			if (drop >= sp->n) {
				drop -= sp->n;
				continue;
			}
			buf_put(d, sp->p + drop, sp->n - drop);
			drop = 0;
		}
		put_spans(d, line_at(succ, at + k), ops[i].skip - k);
		at += ops[i].skip;
	}
}

/* 1 when the last line of l has no '\n': nothing may follow it. */
static int open_end(const lines *l)
{
	return l->n && l->v[l->n - 1].p[l->v[l->n - 1].n - 1] != '\n';
}

/* Applies delta d[0..n) to the lines of its successor: the older text's
 * lines go to out, pointing into succ's buffers and into *lit, a new buffer
 * of *litlen bytes (caller frees, also on failure).  0, or -1 when the delta
 * is damaged. */
static int delta_apply(inflater *f, const lines *succ, const unsigned char *d, size_t n, lines *out,
                       char **lit, size_t *litlen)
{
	const unsigned char *p = d, *end = d + n;
	delta_op *ops = NULL;
	size_t nops, total = 0, at = 0, skipped = 0, i;
	const char *q;
	int r = -1;

	*lit = NULL;
	*litlen = 0;
	if (get_varint(&p, end, &nops) || nops > (size_t)(end - p) / 3)
		return -1;
	ops = xrealloc(NULL, (nops ? nops : 1) * sizeof *ops);
	for (i = 0; i < nops; i++) {
		delta_op *o = &ops[i];

		if (get_varint(&p, end, &o->copy) || get_varint(&p, end, &o->skip) ||
		    get_varint(&p, end, &o->lit) || o->copy > succ->n - at ||
		    o->skip > succ->n - at - o->copy || o->lit > BODY_MAX - total)
			goto out;
		at += o->copy + o->skip;
		skipped += o->skip;
		total += o->lit;
	}
	*lit = xrealloc(NULL, total + 1);
	*litlen = total;
	if (total) {
		dict_build(succ, ops, nops, &f->dict);
		if (inflate_exact(f, p, (size_t)(end - p), f->dict.ptr, f->dict.len, *lit, total))
			goto out;
	} else if (p != end) {
		goto out;
	}
	/* room for all the lines at once: big texts have many */
	for (i = 0, q = *lit; (q = memchr(q, '\n', total - (size_t)(q - *lit))); q++)
		i++;
	lines_grow(out, succ->n - skipped + i + 1);
	/* only the last line may lack its '\n', or the next delta would count
	 * lines that the text does not have: nothing may follow such a line
	 * (inside a run copied from succ or cut from a literal, only the run's
	 * last line can lack it) */
	for (at = 0, q = *lit, i = 0; i < nops; i++) {
		if (ops[i].copy && open_end(out))
			goto out;
		lines_put(out, line_at(succ, at), ops[i].copy);
		at += ops[i].copy + ops[i].skip;
		if (ops[i].lit && open_end(out))
			goto out;
		lines_split(out, q, ops[i].lit);
		q += ops[i].lit;
	}
	if (at < succ->n && open_end(out))
		goto out;
	lines_put(out, line_at(succ, at), succ->n - at);
	r = 0;
out:
	free(ops);
	return r;
}

/* Writes old[0..olen) as a delta against its successor succ[0..slen) to out:
 * the number of regions, then copy, skip and literal length for each
 * (LEB128), then the literal bytes as one raw deflate stream with the
 * dict_build dictionary (nothing when there are none).  The regions are
 * libgit2's hunks without context.  0, or -1 with e set. */
static int delta_encode(const char *old, size_t olen, const char *succ, size_t slen, buf *out,
                        err_info *e)
{
	diff_result *d = diff_texts(old, olen, succ, slen, 0, DIFF_HUNKS_ONLY, e);
	lines a = { 0 }, b = { 0 };
	buf lit = BUF_INIT, dict = BUF_INIT;
	delta_op *ops;
	size_t ca = 0, cb = 0, i, k;
	int r = -1;

	if (!d)
		return -1;
	lines_split(&a, old, olen);
	lines_split(&b, succ, slen);
	ops = xrealloc(NULL, (d->nhunks ? d->nhunks : 1) * sizeof *ops);
	for (i = 0; i < d->nhunks; i++) {
		const diff_hunk *h = &d->hunks[i];
		size_t as, bs, ol, nl;

		if (h->old_lines < 0 || h->new_lines < 0 || h->old_start < !!h->old_lines ||
		    h->new_start < !!h->new_lines)
			goto bad;
		ol = (size_t)h->old_lines;
		nl = (size_t)h->new_lines;
		/* "-5,0" means after line 5; "-5,2" starts at line 5 */
		as = (size_t)h->old_start - (ol ? 1 : 0);
		bs = (size_t)h->new_start - (nl ? 1 : 0);
		if (as < ca || bs < cb || as - ca != bs - cb || ol > a.n - as || nl > b.n - bs)
			goto bad;
		ops[i].copy = bs - cb;
		ops[i].skip = nl;
		ops[i].lit = 0;
		for (k = as; k < as + ol; k++) {
			buf_put(&lit, a.v[k].p, a.v[k].n);
			ops[i].lit += a.v[k].n;
		}
		ca = as + ol;
		cb = bs + nl;
	}
	if (a.n - ca != b.n - cb)
		goto bad;
	put_varint(out, d->nhunks);
	for (i = 0; i < d->nhunks; i++) {
		put_varint(out, ops[i].copy);
		put_varint(out, ops[i].skip);
		put_varint(out, ops[i].lit);
	}
	if (lit.len) {
		dict_build(&b, ops, d->nhunks, &dict);
		if (deflate_to(out, lit.ptr, lit.len, dict.ptr, dict.len, 9, e))
			goto done;
	}
	r = 0;
	goto done;
bad:
	err_set(e, ERR_DB, "internal error: libgit2's line diff does not fit the texts");
done:
	diff_free(d);
	lines_free(&a);
	lines_free(&b);
	buf_free(&lit);
	buf_free(&dict);
	free(ops);
	return r;
}

/* 1 when delta d rebuilds old[0..olen) from succ[0..slen) byte for byte. */
static int delta_check(const unsigned char *d, size_t n, const char *old, size_t olen,
                       const char *succ, size_t slen)
{
	lines b = { 0 }, a = { 0 };
	inflater f = { 0 };
	char *lit = NULL;
	size_t i, at = 0, litlen;
	int ok = 0;

	lines_split(&b, succ, slen);
	if (delta_apply(&f, &b, d, n, &a, &lit, &litlen) == 0 && a.bytes == olen) {
		for (ok = 1, i = 0; ok && i < a.n; at += a.v[i].n, i++)
			ok = memcmp(a.v[i].p, old + at, a.v[i].n) == 0;
	}
	inflater_end(&f);
	free(lit);
	lines_free(&a);
	lines_free(&b);
	return ok;
}

/* --- the cache of rebuilt texts ----------------------------------------- */

static void cache_clear(text_cache *c)
{
	size_t i;

	for (i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	for (i = 0; i < c->n; i++)
		lines_free(&c->v[i].text);
	free(c->bufs);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* The cache owns b (n bytes) from now on. */
static void cache_keep(text_cache *c, char *b, size_t n)
{
	c->bufs = grow(c->bufs, c->nbufs, &c->capbufs, sizeof *c->bufs);
	c->bufs[c->nbufs++] = b;
	c->mem += n;
}

/* Adds revision id's text (taking l over); returns its index. */
static size_t cache_add(text_cache *c, int64_t id, lines *l)
{
	c->v = grow(c->v, c->n, &c->cap, sizeof *c->v);
	c->v[c->n].id = id;
	c->v[c->n].text = *l;
	c->mem += l->n * sizeof *l->v + sizeof *c->v;
	memset(l, 0, sizeof *l);
	return c->n++;
}

/* Forgets entry i's lines (its buffers stay: later entries may point
 * into them). */
static void cache_drop(text_cache *c, size_t i)
{
	c->mem -= c->v[i].text.n * sizeof *c->v[i].text.v + sizeof *c->v;
	lines_free(&c->v[i].text);
	c->v[i].id = 0; /* no revision has id 0 */
}

/* The index of revision id's text, or -1. */
static long cache_find(const text_cache *c, int64_t id)
{
	size_t i;

	for (i = c->n; i-- > 0;)
		if (c->v[i].id == id)
			return (long)i;
	return -1;
}

/* --- opening ------------------------------------------------------------ */

/* The directory part of path (caller frees). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xrealloc(NULL, (size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

/* Creates the missing file ourselves in a setgid directory, so that it is
 * group-writable whatever the umask (SQLite gives -wal/-shm its mode). */
static int create_shared(const char *path, err_info *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return err_set(e, ERR_DB, "cannot create %s: %s", path, strerror(errno));
	}
	if (fchmod(fd, 0660) != 0) {
		err_set(e, ERR_DB, "cannot create %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Checks the file system before SQLite sees the path, for clear messages. */
static int check_path(const char *path, int flags, err_info *e)
{
	struct stat st;
	char *dir;
	int r = 0;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return err_set(e, ERR_DB, "%s is a directory, not a wiki database", path);
		return 0;
	}
	if (errno != ENOENT && errno != ENOTDIR)
		return err_set(e, ERR_DB, "cannot open %s: %s", path, strerror(errno));
	if (!(flags & STORE_CREATE) || (flags & STORE_READONLY))
		return err_set(e, ERR_DB, "no wiki database at %s", path);
	dir = dir_of(path);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		r = err_set(e, ERR_DB, "cannot create %s: directory %s does not exist", path, dir);
	else if (access(dir, W_OK | X_OK) != 0)
		r = err_set(e, ERR_DB, "cannot create %s: directory %s is not writable", path, dir);
	else if (st.st_mode & S_ISGID)
		r = create_shared(path, e);
	free(dir);
	return r;
}

static int open_db(store *s, int flags, err_info *e)
{
	int oflags, rc;

	if (flags & STORE_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(s->path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, "opening", e);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_ms);
	/* A wiki file can come from anyone in the group: no schema-borne
	 * surprises, no writes to FTS5's shadow tables by hand. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	return exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", e);
}

/* Reads the file's identity: *version is 0 for an empty file that may get
 * our schema.  Refuses files that are not ours or too new. */
static int identify(store *s, int *version, err_info *e)
{
	int64_t app = 0, ver = 0, nobj = 0;
	int rc;

	/* the first read: SQLite looks at the file header only now */
	if (get_int(s, "PRAGMA application_id", &app, &rc) ||
	    get_int(s, "PRAGMA user_version", &ver, &rc) ||
	    get_int(s, "SELECT count(*) FROM sqlite_master", &nobj, &rc))
		return fail(s, rc, "reading the schema", e);
	if (app == 0 && ver == 0 && nobj == 0) {
		*version = 0;
		return 0;
	}
	if (app != APP_ID || ver < 1)
		return err_set(e, ERR_DB, "%s is an SQLite database but not a docday wiki",
		               s->path);
	if (ver > STORE_SCHEMA_VERSION)
		return err_set(e, ERR_DB,
		               "%s was written by a newer docday (schema %lld; this one "
		               "knows up to %d): upgrade docday",
		               s->path, (long long)ver, STORE_SCHEMA_VERSION);
	*version = (int)ver;
	return 0;
}

/* Pragmas take no parameters; these values are our own integers. */
static int set_pragma(store *s, const char *name, long value, err_info *e)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA %s = %ld", name, value);
	return exec(s, sql, "writing the schema version", e);
}

static int reencode_history(store *s, err_info *e);

static int apply_migrations(store *s, int from, int to, err_info *e)
{
	char what[64];
	int v;

	for (v = from + 1; v <= to; v++) {
		snprintf(what, sizeof what, "upgrading the schema to version %d", v);
		if (exec(s, migrations[v - 1], what, e) || (v == 3 && reencode_history(s, e)))
			return -1;
	}
	if (set_pragma(s, "user_version", to, e) || set_pragma(s, "application_id", APP_ID, e))
		return -1;
	return 0;
}

/* Brings the schema to `target` in one transaction, so that a failure
 * leaves the file as it was. */
static int migrate(store *s, int target, int *created, err_info *e)
{
	int ver;

	if (s->version >= target)
		return 0;
	if (s->readonly) {
		if (s->version == 0)
			return err_set(e, ERR_DB,
			               "%s holds no wiki yet: open it once without read-only",
			               s->path);
		return err_set(e, ERR_DB,
		               "%s needs an upgrade (schema %d to %d): open it once "
		               "without read-only",
		               s->path, s->version, target);
	}
	if (s->version < 3 && target >= 3)
		if (diff_lib_init(e) < 0) /* before the lock, as in store_begin_write */
			return -1;
	if (exec(s, "BEGIN IMMEDIATE", "starting the upgrade", e))
		return -1;
	/* another process may have upgraded it while we waited */
	if (identify(s, &ver, e) || (ver < target && apply_migrations(s, ver, target, e)) ||
	    exec(s, "COMMIT", "committing the upgrade", e)) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (created && ver == 0)
		*created = 1;
	s->version = ver < target ? target : ver;
	return 0;
}

/* After each commit: SQLite's own autocheckpoint (this hook replaces it),
 * and the WAL's size for store_close. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	((store *)arg)->wal_frames = frames;
	if (frames >= WAL_AUTOCHECKPOINT)
		sqlite3_wal_checkpoint(db, name);
	return SQLITE_OK;
}

/* WAL for concurrent readers and one writer; only for files known to be
 * ours (never convert someone else's database).  synchronous = FULL: a
 * commit is on disk when it returns (the WAL is synced), since the file is
 * no longer checkpointed, and so synced, each time a process closes it. */
static int setup(store *s, err_info *e)
{
	int rc;

	if (!s->readonly) {
		/* before WAL mode, which fixes it: only a new file takes it */
		if (s->version == 0 && set_pragma(s, "page_size", STORE_PAGE_SIZE, e))
			return -1;
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc != SQLITE_OK && primary(rc) != SQLITE_READONLY)
			return fail(s, rc, "switching to WAL mode", e);
		sqlite3_wal_hook(s->db, wal_hook, s);
	}
	return exec(s, "PRAGMA synchronous = FULL", "setting synchronous", e);
}

store *store_open_version(const char *path, int flags, int version, int *created, err_info *e)
{
	store *s;

	if (created)
		*created = 0;
	if (!path || !*path) {
		err_set(e, ERR_USAGE, "no database file given");
		return NULL;
	}
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		err_set(e, ERR_DB, "internal error: unknown schema version %d", version);
		return NULL;
	}
	if (check_path(path, flags, e))
		return NULL;
	s = xrealloc(NULL, sizeof *s);
	memset(s, 0, sizeof *s);
	s->path = xstrdup(path);
	s->busy_ms = 5000;
	s->readonly = (flags & STORE_READONLY) != 0;
	if (open_db(s, flags, e) || identify(s, &s->version, e) || setup(s, e) ||
	    migrate(s, version, created, e)) {
		store_close(s);
		return NULL;
	}
	return s;
}

store *store_open(const char *path, int flags, int *created, err_info *e)
{
	return store_open_version(path, flags, STORE_SCHEMA_VERSION, created, e);
}

static int64_t file_bytes(const char *path, const char *suffix);

/* Whether this handle's last commit left WAL_CLOSE_CHECKPOINT bytes or
 * more in the WAL. */
static int wal_long(store *s)
{
	int64_t page = 0;
	int rc;

	if (s->wal_frames <= 0)
		return 0;
	if (get_int(s, "PRAGMA page_size", &page, &rc))
		return 1;
	return (int64_t)s->wal_frames * page >= WAL_CLOSE_CHECKPOINT;
}

/* Checkpoints the whole WAL and starts it again from its first frame, in
 * the same file: the WAL keeps its size, so the next commits overwrite
 * blocks it already has, and syncing them needs no journal commit of the
 * file system (which would also write out whatever other programs have
 * written meanwhile).  The new start is made by a commit (the user_version
 * written again) after a RESTART checkpoint; without it the next process
 * would find the old frames still valid and append after them. */
static void wal_restart(store *s)
{
	int64_t v = 0;
	int log = -1, done = -2, rc, persist = 1;

	sqlite3_busy_timeout(s->db, 0); /* readers: leave it to a later writer */
	/* only here, not at every open: a statement less for each process */
	set_pragma(s, "journal_size_limit", WAL_KEEP_BYTES, NULL);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
	if (rc == SQLITE_OK && log == done && get_int(s, "PRAGMA user_version", &v, &rc) == 0 &&
	    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		if (set_pragma(s, "user_version", (long)v, NULL) == 0)
			sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		else
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_file_control(s->db, NULL, SQLITE_FCNTL_PERSIST_WAL, &persist);
}

void store_close(store *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->q[i]);
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* SQLite's last connection to close checkpoints the WAL into the
	 * database and deletes it: two syncs, a copy of every page and a new
	 * WAL file for the next process, per save.  Here only a writer that
	 * leaves a long WAL checkpoints it, and starts it again in the same
	 * file; the next process reads a short one back instead. */
	if (s->db && !s->close_checkpoint) {
		if (wal_long(s))
			wal_restart(s);
		/* an empty WAL (a reader after gc) goes, with its -shm, as before */
		if (s->wal_frames > 0 || file_bytes(s->path, "-wal") > 0)
			sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	}
	sqlite3_close(s->db);
	cache_clear(&s->cache);
	free(s->path);
	free(s);
}

int store_schema_version(store *s)
{
	return s->version;
}

void store_set_busy_timeout(store *s, int ms)
{
	s->busy_ms = ms < 0 ? 0 : ms;
	sqlite3_busy_timeout(s->db, s->busy_ms);
}

/* --- transactions ------------------------------------------------------- */

static int begin(store *s, const char *sql, int tx, err_info *e)
{
	if (!sqlite3_get_autocommit(s->db))
		return err_set(e, ERR_DB, "internal error: a transaction on %s is already open",
		               s->path);
	if (exec(s, sql, "starting a transaction", e))
		return -1;
	s->tx = tx;
	return 0;
}

int store_begin_write(store *s, err_info *e)
{
	return begin(s, "BEGIN IMMEDIATE", TX_WRITE, e);
}

int store_begin_read(store *s, err_info *e)
{
	return begin(s, "BEGIN", TX_READ, e);
}

int store_commit(store *s, err_info *e)
{
	if (sqlite3_get_autocommit(s->db)) {
		s->tx = TX_NONE;
		return err_set(e, ERR_DB, "internal error: no transaction on %s to commit",
		               s->path);
	}
	if (exec(s, "COMMIT", "saving", e)) {
		if (sqlite3_get_autocommit(s->db)) {
			if (s->tx == TX_WRITE)
				cache_clear(&s->cache);
			s->tx = TX_NONE;
		}
		return -1;
	}
	s->tx = TX_NONE;
	return 0;
}

void store_rollback(store *s)
{
	if (!s)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* revision ids read in the transaction may be gone and come back with
	 * other texts */
	if (s->tx == TX_WRITE)
		cache_clear(&s->cache);
	s->tx = TX_NONE;
}

/* --- pages -------------------------------------------------------------- */

void store_page_clear(store_page *p)
{
	if (!p)
		return;
	free(p->slug);
	free(p->title);
	free(p->last_author);
	memset(p, 0, sizeof *p);
}

void store_page_list_free(store_page_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		store_page_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void read_page(sqlite3_stmt *st, store_page *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->slug = col_str(st, 1);
	p->title = col_str(st, 2);
	p->head = sqlite3_column_int64(st, 3);
	p->head_num = sqlite3_column_int64(st, 4);
	p->deleted = sqlite3_column_int(st, 5);
	p->nrevs = sqlite3_column_int64(st, 6);
	p->last_author = col_str(st, 7);
	p->last_at_ms = sqlite3_column_int64(st, 8);
}

/* Steps a statement expected to give at most one page row. */
static int one_page(store *s, sqlite3_stmt *st, store_page *out, err_info *e)
{
	int rc = sqlite3_step(st);
	int r = 0;

	memset(out, 0, sizeof *out);
	if (rc == SQLITE_ROW) {
		read_page(st, out);
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = fail(s, rc, "reading a page", e);
	}
	release(st);
	return r;
}

int store_page_get(store *s, const char *slug, store_page *out, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PAGE_BY_SLUG, e);

	if (!st)
		return -1;
	bind_str(st, 1, slug);
	return one_page(s, st, out, e);
}

int store_page_live(store *s, const char *slug, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PAGE_LIVE, e);
	int rc, r;

	if (!st)
		return -1;
	bind_str(st, 1, slug);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : fail(s, rc, "looking a page up", e);
	release(st);
	return r;
}

int store_page_by_title(store *s, const char *title, store_page *out, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PAGE_BY_TITLE, e);

	if (!st)
		return -1;
	bind_str(st, 1, title);
	return one_page(s, st, out, e);
}

static int drop_alias(store *s, const char *slug, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_ALIAS_DROP, e);

	if (!st)
		return -1;
	bind_str(st, 1, slug);
	return run(s, st, "updating aliases", e);
}

int store_page_create(store *s, const char *slug, const char *title, int64_t *id, err_info *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!slug || !*slug || !title || !*title)
		return err_set(e, ERR_USER, "a page needs a name and a title");
	if (require_write(s, e) || !(st = prep(s, Q_PAGE_CREATE, e)))
		return -1;
	bind_str(st, 1, slug);
	bind_str(st, 2, title);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			err_set(e, ERR_USER, "a page named '%s' already exists", slug);
		else
			fail(s, rc, "creating a page", e);
		release(st);
		return -1;
	}
	release(st);
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	/* The new page takes the slug from an alias that had it. */
	return s->version >= 4 ? drop_alias(s, slug, e) : 0;
}

int store_page_by_alias(store *s, const char *slug, store_page *out, err_info *e)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (s->version < 4)
		return 0;
	if (!(st = prep(s, Q_PAGE_BY_ALIAS, e)))
		return -1;
	bind_str(st, 1, slug);
	return one_page(s, st, out, e);
}

int store_page_set_slug(store *s, int64_t page_id, const char *new_slug, int64_t at_ms, err_info *e)
{
	store_page p = { 0 };
	sqlite3_stmt *st;
	int r;

	if (require_write(s, e))
		return -1;
	if (s->version < 4)
		return err_set(e, ERR_DB, "%s: renaming needs schema 4", s->path);
	if (!(st = prep(s, Q_PAGE_BY_ID, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	if ((r = one_page(s, st, &p, e)) <= 0) {
		if (r == 0)
			err_set(e, ERR_USER, "no page with id %lld", (long long)page_id);
		return -1;
	}
	r = -1;
	if (strcmp(p.slug, new_slug) == 0) {
		r = 0;
		goto out;
	}
	if (drop_alias(s, new_slug, e) || !(st = prep(s, Q_SET_SLUG, e)))
		goto out;
	sqlite3_bind_int64(st, 1, page_id);
	bind_str(st, 2, new_slug);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			err_set(e, ERR_USER, "a page named '%s' already exists", new_slug);
		else
			fail(s, sqlite3_errcode(s->db), "renaming the page", e);
		release(st);
		goto out;
	}
	release(st);
	if (!(st = prep(s, Q_ALIAS_ADD, e)))
		goto out;
	bind_str(st, 1, p.slug);
	sqlite3_bind_int64(st, 2, page_id);
	sqlite3_bind_int64(st, 3, at_ms);
	if (run(s, st, "keeping the old name as an alias", e) || !(st = prep(s, Q_DRAFTS_MOVE, e)))
		goto out;
	bind_str(st, 1, p.slug);
	bind_str(st, 2, new_slug);
	r = run(s, st, "moving drafts to the new name", e);
out:
	store_page_clear(&p);
	return r;
}

int store_aliases_of(store *s, int64_t page_id, char ***slugs, size_t *n, err_info *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*slugs = NULL;
	*n = 0;
	if (s->version < 4)
		return 0;
	if (!(st = prep(s, Q_ALIASES_OF, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*slugs = grow(*slugs, *n + 1, &cap, sizeof **slugs);
		(*slugs)[(*n)++] = col_str(st, 0);
		(*slugs)[*n] = NULL;
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "listing aliases", e);
		release(st);
		for (size_t i = 0; i < *n; i++)
			free((*slugs)[i]);
		free(*slugs);
		*slugs = NULL;
		*n = 0;
		return -1;
	}
	release(st);
	return 0;
}

static int page_rows(store *s, sqlite3_stmt *st, store_page_list *out, err_info *e)
{
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = grow(out->v, out->n, &cap, sizeof *out->v);
		read_page(st, &out->v[out->n++]);
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "listing pages", e);
		release(st);
		store_page_list_free(out);
		return -1;
	}
	release(st);
	return 0;
}

int store_page_list_all(store *s, int order, store_page_list *out, err_info *e)
{
	sqlite3_stmt *st;
	enum q id;

	out->v = NULL;
	out->n = 0;
	switch (order) {
	case STORE_BY_SLUG: id = Q_LIST_SLUG; break;
	case STORE_BY_TITLE: id = Q_LIST_TITLE; break;
	case STORE_BY_CHANGE: id = Q_LIST_CHANGE; break;
	default: return err_set(e, ERR_USAGE, "internal error: unknown page order %d", order);
	}
	if (!(st = prep(s, id, e)))
		return -1;
	return page_rows(s, st, out, e);
}

int store_page_templates(store *s, store_page_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_TEMPLATES, e)))
		return -1;
	return page_rows(s, st, out, e);
}

int store_page_count(store *s, int64_t *n, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PAGE_COUNT, e);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		fail(s, rc, "counting pages", e);
		release(st);
		return -1;
	}
	*n = sqlite3_column_int64(st, 0);
	release(st);
	return 0;
}

/* --- revisions ---------------------------------------------------------- */

void store_rev_clear(store_rev *r)
{
	if (!r)
		return;
	free(r->author);
	free(r->summary);
	free(r->title);
	free(r->body);
	memset(r, 0, sizeof *r);
}

void store_rev_list_free(store_rev_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		store_rev_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Reads REV_COLS; the body is read_body's. */
static void read_rev(sqlite3_stmt *st, store_rev *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->page = sqlite3_column_int64(st, 1);
	r->num = sqlite3_column_int64(st, 2);
	r->parent = sqlite3_column_int64(st, 3);
	r->author = col_str(st, 4);
	r->at_ms = sqlite3_column_int64(st, 5);
	r->summary = col_str(st, 6);
	r->title = col_str(st, 7);
	r->size = (size_t)sqlite3_column_int64(st, 8);
	r->body = NULL;
	r->body_len = 0;
}

/* bodies.kind: the number stored from schema 5 on, the name before */
enum body_kind { BODY_FULL, BODY_DELTA, BODY_SNAPSHOT, BODY_BAD };

static const char *const body_kinds[] = { "full", "delta", "snapshot" };

static int body_kind(sqlite3_stmt *st, int col)
{
	const unsigned char *name;
	int k;

	if (sqlite3_column_type(st, col) == SQLITE_INTEGER) {
		sqlite3_int64 v = sqlite3_column_int64(st, col);

		return v >= 0 && v < BODY_BAD ? (int)v : BODY_BAD;
	}
	name = sqlite3_column_text(st, col);
	for (k = 0; name && k < BODY_BAD; k++)
		if (strcmp((const char *)name, body_kinds[k]) == 0)
			return k;
	return BODY_BAD;
}

/* Binds a body's kind as the file's schema stores it. */
static void bind_kind(store *s, sqlite3_stmt *st, int i, int kind)
{
	if (s->version >= 5)
		sqlite3_bind_int(st, i, kind);
	else
		bind_str(st, i, body_kinds[kind]);
}

/* One row of bodies, with a copy of its data and its revision's size. */
typedef struct body_row {
	int64_t rev;
	int kind;
	int64_t base; /* 0 for none */
	unsigned char *data;
	size_t len;
	size_t size; /* revisions.size */
} body_row;

/* Reads the stored body of revision rev (b->data: caller frees).  1 found,
 * 0 none, -1 error. */
static int body_get(store *s, int64_t rev, body_row *b, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_BODY_GET, e);
	int rc, r = 0;

	memset(b, 0, sizeof *b);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rev);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *d = sqlite3_column_blob(st, 2);
		sqlite3_int64 size = sqlite3_column_int64(st, 3);

		b->rev = rev;
		b->kind = body_kind(st, 0);
		b->base = sqlite3_column_int64(st, 1);
		b->len = (size_t)sqlite3_column_bytes(st, 2);
		b->data = xrealloc(NULL, b->len + 1);
		if (b->len)
			memcpy(b->data, d, b->len);
		b->data[b->len] = '\0';
		b->size = size < 0 ? (size_t)BODY_MAX + 1 : (size_t)size;
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = fail(s, rc, "reading a revision", e);
	}
	release(st);
	return r;
}

/* Starts a decode at a stored text (full or snapshot): the cache restarts
 * with it.  Takes b->data over.  Its cache index, or -1 when damaged. */
static long start_text(text_cache *c, inflater *f, body_row *b)
{
	lines l = { 0 };
	char *t = NULL;
	int ok = 0;

	if (b->size <= BODY_MAX) {
		t = xrealloc(NULL, b->size + 1);
		if (b->kind == BODY_FULL && b->len == b->size) {
			memcpy(t, b->data, b->len + 1);
			ok = 1;
		} else if (b->kind == BODY_SNAPSHOT) {
			ok = inflate_exact(f, b->data, b->len, NULL, 0, t, b->size) == 0;
		}
	}
	free(b->data);
	b->data = NULL;
	if (!ok) {
		free(t);
		return -1;
	}
	t[b->size] = '\0';
	cache_clear(c);
	cache_keep(c, t, b->size);
	lines_split(&l, t, b->size);
	return (long)cache_add(c, b->rev, &l);
}

/* The deltas from a revision up to a text the cache holds: chain[0] is
 * the revision's own.  When no cached text is on the way, the stored text
 * where the chain ends starts the cache afresh.  Returns the cache index of
 * the text to start from; -1 with *r set (-1 error, -2 damaged). */
static long chain_walk(store *s, int64_t rev, inflater *f, body_row **chain, size_t *n,
                       int *started, int *r, err_info *e)
{
	text_cache *c = &s->cache;
	size_t cap = 0;
	int64_t id = rev;
	long at;
	body_row b;

	*started = 0;
	while ((at = cache_find(c, id)) < 0) {
		int got = *n > CHAIN_MAX || id <= 0 ? 0 : body_get(s, id, &b, e);

		*r = got < 0 ? -1 : -2;
		if (got <= 0)
			return -1;
		if (b.kind != BODY_DELTA) {
			*started = 1;
			return start_text(c, f, &b);
		}
		*chain = grow(*chain, *n, &cap, sizeof **chain);
		(*chain)[(*n)++] = b;
		id = b.base;
	}
	return at;
}

/* Rebuilds revision rev's text (*out: caller frees; *len): from the nearest
 * stored text at or above it, or a text the cache holds, one delta at a
 * time, checking every size on the way.  A first read keeps only the text
 * it was asked for (and the stored one); a read that starts from a cached
 * text is one of a page's revisions read in turn, so it keeps every text on
 * the way for the next ones (as long as CACHE_MAX allows).  0; -1 with e
 * set on a database error; -2 with e set when the stored bodies are
 * damaged. */
static int body_decode(store *s, int64_t rev, char **out, size_t *len, err_info *e)
{
	text_cache *c = &s->cache;
	body_row *chain = NULL;
	lines local[2] = { { 0 } };
	inflater f = { 0 };
	size_t n = 0, litlen, i;
	int r = -2, li = 0, started;
	long at;

	*out = NULL;
	*len = 0;
	if (c->mem > CACHE_MAX)
		cache_clear(c);
	if ((at = chain_walk(s, rev, &f, &chain, &n, &started, &r, e)) < 0)
		goto done;
	r = -2;
	for (; n > 0; n--) {
		body_row *k = &chain[n - 1];
		lines *to = &local[!li];
		char *lit;

		to->n = to->bytes = 0;
		if (delta_apply(&f, at >= 0 ? &c->v[at].text : &local[li], k->data, k->len, to,
		                &lit, &litlen) ||
		    to->bytes != k->size) {
			free(lit);
			goto done;
		}
		cache_keep(c, lit, litlen);
		free(k->data);
		li = !li;
		if (started && n > 1) {
			at = -1; /* local[li] */
			continue;
		}
		if (at >= 0 && c->mem > CACHE_MAX)
			cache_drop(c, (size_t)at);
		at = (long)cache_add(c, k->rev, to);
	}
	*out = lines_join(&c->v[at].text);
	*len = c->v[at].text.bytes;
	r = 0;
done:
	for (i = 0; i < n; i++)
		free(chain[i].data);
	free(chain);
	lines_free(&local[0]);
	lines_free(&local[1]);
	inflater_end(&f);
	if (r == -2) {
		cache_clear(c);
		err_set(e, ERR_DB,
		        "%s is damaged: a stored revision text cannot be read: run 'docday check'",
		        s->path);
	}
	return r;
}

/* Loads the body of a row read with BODY_COLS (kind, data at 9 and 10). */
static int read_body(store *s, sqlite3_stmt *st, store_rev *r, err_info *e)
{
	if (body_kind(st, 9) == BODY_FULL) {
		const void *b = sqlite3_column_text(st, 10);
		size_t n = (size_t)sqlite3_column_bytes(st, 10);

		r->body = xrealloc(NULL, n + 1);
		if (n)
			memcpy(r->body, b, n);
		r->body[n] = '\0';
		r->body_len = n;
		return 0;
	}
	return body_decode(s, r->id, &r->body, &r->body_len, e) < 0 ? -1 : 0;
}

/* How often a revision of `size` bytes is a snapshot: SNAPSHOT_EVERY,
 * halved until the chain's bytes fit CHAIN_BYTES.  A power of two, so that
 * every SNAPSHOT_EVERY-th revision is a snapshot whatever the sizes. */
static int64_t snapshot_every(size_t size)
{
	int64_t k = SNAPSHOT_EVERY;

	while (k > 1 && (uint64_t)k * size > CHAIN_BYTES)
		k /= 2;
	return k;
}

/* Stores revision rev (number num, text old[0..olen)) compactly now that
 * succ_id (text succ[0..slen)) follows it: a snapshot every
 * snapshot_every(olen) revisions, the others as a delta, checked to rebuild
 * the text before it replaces it (a snapshot when no delta can be made or it
 * is larger). */
static int body_compact(store *s, int64_t rev, int64_t num, const char *old, size_t olen,
                        int64_t succ_id, const char *succ, size_t slen, err_info *e)
{
	buf d = BUF_INIT, z = BUF_INIT;
	err_info ignored = { 0 };
	sqlite3_stmt *st;
	int kind = BODY_SNAPSHOT, r = -1;

	if (num % snapshot_every(olen) != 0 &&
	    delta_encode(old, olen, succ, slen, &d, &ignored) == 0 &&
	    delta_check((const unsigned char *)d.ptr, d.len, old, olen, succ, slen))
		kind = BODY_DELTA;
	if (kind != BODY_DELTA || d.len > olen / 4) {
		/* level 6: a big page's snapshot at 9 costs twice the time for
		 * a percent or two */
		if (deflate_to(&z, old, olen, NULL, 0, Z_DEFAULT_COMPRESSION, e))
			goto out;
		if (kind != BODY_DELTA || z.len < d.len) {
			kind = BODY_SNAPSHOT;
			buf_free(&d);
			d = z;
			z = (buf)BUF_INIT;
		}
	}
	if (!(st = prep(s, Q_BODY_SET, e)))
		goto out;
	sqlite3_bind_int64(st, 1, rev);
	bind_kind(s, st, 2, kind);
	if (kind == BODY_DELTA)
		sqlite3_bind_int64(st, 3, succ_id);
	sqlite3_bind_blob64(st, 4, d.ptr ? d.ptr : "", d.len, SQLITE_STATIC);
	r = run(s, st, "saving a revision", e);
out:
	buf_free(&d);
	buf_free(&z);
	return r;
}

/* Compacts the revisions stored as plain text that are not their page's
 * head, of one page (page_id) or of all (0): newest first, each against
 * its successor, as long as the successor's text is at hand (a run of
 * plain revisions below the head; migration 3 found every revision plain). */
static int compact_runs(store *s, int64_t page_id, const char *what, err_info *e)
{
	sqlite3_stmt *st = NULL;
	body_row b;
	char *succ = NULL;
	size_t slen = 0;
	int64_t page = 0, succ_id = 0, succ_num = 0;
	int rc, r = 0;

	rc = sqlite3_prepare_v2(s->db,
	                        "SELECT r.page, r.id, r.num, r.id IS p.head FROM revisions r"
	                        " JOIN pages p ON p.id = r.page JOIN bodies b ON b.rev = r.id"
	                        " WHERE b.kind IN " KIND_FULL " AND (?1 = 0 OR r.page = ?1)"
	                        " ORDER BY r.page, r.num DESC",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, what, e);
	sqlite3_bind_int64(st, 1, page_id);
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pg = sqlite3_column_int64(st, 0), id = sqlite3_column_int64(st, 1);
		int64_t num = sqlite3_column_int64(st, 2);
		int got = body_get(s, id, &b, e);

		if (got < 0) {
			r = -1;
			break;
		}
		if (got && b.kind == BODY_FULL && succ && pg == page && succ_num == num + 1 &&
		    !sqlite3_column_int(st, 3))
			r = body_compact(s, id, num, (const char *)b.data, b.len, succ_id, succ,
			                 slen, e);
		free(succ);
		succ = got && b.kind == BODY_FULL ? (char *)b.data : NULL;
		if (!succ)
			free(b.data);
		slen = b.len;
		succ_id = id;
		succ_num = num;
		page = pg;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = fail(s, rc, what, e);
	sqlite3_finalize(st);
	free(succ);
	return r;
}

static int reencode_history(store *s, err_info *e)
{
	return compact_runs(s, 0, "upgrading the schema to version 3", e);
}

/* After a new head (number num) of a page: when STORE_PLAIN_RUN revisions
 * below it are still plain text, compact them all (loading libgit2 if this
 * process has not yet). */
static int compact_if_due(store *s, int64_t page_id, int64_t num, err_info *e)
{
	sqlite3_stmt *st;
	int rc, due = 0;

	if (num <= STORE_PLAIN_RUN)
		return 0;
	if (!(st = prep(s, Q_BODY_KIND_AT, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	sqlite3_bind_int64(st, 2, num - STORE_PLAIN_RUN);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		due = sqlite3_column_int(st, 0);
	release(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, rc, "reading a revision", e);
	if (!due)
		return 0;
	/* Without libgit2 (it failed to load) deltas cannot be made and each
	 * revision becomes a snapshot: the save goes through all the same. */
	diff_lib_init(NULL);
	return compact_runs(s, page_id, "compacting old revisions", e);
}

/* The current head of a page: *head (0 when none), *num, *title (caller
 * frees).  1 found, 0 no such page, -1 error. */
static int head_of(store *s, int64_t page_id, int64_t *head, int64_t *num, char **title,
                   err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_HEAD_OF, e);
	int rc, r = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*head = sqlite3_column_int64(st, 0);
		*num = sqlite3_column_int64(st, 1);
		*title = col_str(st, 2);
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = fail(s, rc, "reading a page", e);
	}
	release(st);
	return r;
}

static int page_stmt(store *s, enum q id, int64_t page_id, err_info *e)
{
	sqlite3_stmt *st = prep(s, id, e);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	return run(s, st, "updating the search index", e);
}

/* Moves a page's head to rev (its title and text given), keeping the
 * search index in step: the page leaves the index with its old text and
 * comes back with the new, in one statement. */
static int set_head(store *s, int64_t page_id, int64_t rev, const char *title, const char *body,
                    size_t body_len, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_REINDEX, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	bind_str(st, 2, title);
	rc = sqlite3_bind_text64(st, 3, body ? body : "", body ? body_len : 0, SQLITE_STATIC,
	                         SQLITE_UTF8);
	if (rc != SQLITE_OK) {
		release(st);
		return fail(s, rc, "updating the search index", e);
	}
	if (run(s, st, "updating the search index", e) || !(st = prep(s, Q_SET_HEAD, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	sqlite3_bind_int64(st, 2, rev);
	bind_str(st, 3, title);
	return run(s, st, "moving the page head", e);
}

/* Inserts the revision row, and its body: inline before schema 3, as a
 * 'full' row of bodies from then on. */
static int insert_rev(store *s, int64_t page_id, int64_t num, int64_t parent, const char *title,
                      const char *body, size_t body_len, const char *author, int64_t at_ms,
                      const char *summary, err_info *e)
{
	int inline_body = s->version < 3;
	sqlite3_stmt *st = prep(s, inline_body ? Q_REV_INSERT_V2 : Q_REV_INSERT, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	sqlite3_bind_int64(st, 2, num);
	if (parent)
		sqlite3_bind_int64(st, 3, parent);
	bind_str(st, 4, author);
	sqlite3_bind_int64(st, 5, at_ms);
	bind_str(st, 6, summary);
	bind_str(st, 7, title);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)body_len);
	if (inline_body) {
		rc = sqlite3_bind_text64(st, 9, body ? body : "", body ? body_len : 0,
		                         SQLITE_STATIC, SQLITE_UTF8);
		if (rc != SQLITE_OK) {
			release(st);
			return fail(s, rc, "saving a revision", e);
		}
	}
	if (run(s, st, "saving a revision", e))
		return -1;
	if (inline_body)
		return 0;
	if (!(st = prep(s, Q_BODY_ADD, e)))
		return -1;
	sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(s->db));
	bind_kind(s, st, 3, BODY_FULL);
	rc = sqlite3_bind_text64(st, 2, body ? body : "", body ? body_len : 0, SQLITE_STATIC,
	                         SQLITE_UTF8);
	if (rc != SQLITE_OK) {
		release(st);
		return fail(s, rc, "saving a revision", e);
	}
	return run(s, st, "saving a revision", e);
}

int store_rev_add(store *s, int64_t page_id, const char *title, const char *body, size_t body_len,
                  const char *author, int64_t at_ms, const char *summary, int64_t *id, int64_t *num,
                  err_info *e)
{
	int64_t head = 0, head_num = 0, rev;
	char *old_title = NULL;
	int r;

	if (!author || !*author)
		return err_set(e, ERR_USER, "a revision needs an author");
	if (!body)
		body_len = 0;
	if (require_write(s, e))
		return -1;
	r = head_of(s, page_id, &head, &head_num, &old_title, e);
	if (r <= 0) {
		free(old_title);
		return r < 0 ? -1
		             : err_set(e, ERR_USER, "no page with id %lld", (long long)page_id);
	}
	if (!title || !*title)
		title = old_title;
	/* from schema 5, a title that does not change is not repeated */
	r = insert_rev(s, page_id, head_num + 1, head,
	               s->version >= 5 && head && strcmp(title, old_title) == 0 ? "" : title, body,
	               body_len, author, at_ms, summary, e);
	rev = sqlite3_last_insert_rowid(s->db); /* its bodies row has the same rowid */
	/* the index drops the old head's text before that text is compacted */
	if (r == 0)
		r = set_head(s, page_id, rev, title, body, body_len, e);
	if (r == 0 && head && s->version >= 3)
		r = compact_if_due(s, page_id, head_num + 1, e);
	free(old_title);
	if (r)
		return -1;
	if (id)
		*id = rev;
	if (num)
		*num = head_num + 1;
	return 0;
}

int store_rev_get(store *s, int64_t page_id, int64_t num, store_rev *out, err_info *e)
{
	sqlite3_stmt *st = prep(s, num == 0 ? Q_REV_HEAD : Q_REV_BY_NUM, e);
	int rc, r = 0;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	if (num != 0)
		sqlite3_bind_int64(st, 2, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_rev(st, out);
		r = read_body(s, st, out, e) == 0 ? 1 : -1;
		if (r < 0)
			store_rev_clear(out);
	} else if (rc != SQLITE_DONE) {
		r = fail(s, rc, "reading a revision", e);
	}
	release(st);
	return r;
}

static int rev_rows(store *s, sqlite3_stmt *st, int with_body, store_rev_list *out, err_info *e)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = grow(out->v, out->n, &cap, sizeof *out->v);
		read_rev(st, &out->v[out->n++]);
		if (with_body && read_body(s, st, &out->v[out->n - 1], e)) {
			release(st);
			store_rev_list_free(out);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "listing revisions", e);
		release(st);
		store_rev_list_free(out);
		return -1;
	}
	release(st);
	return 0;
}

int store_rev_history(store *s, int64_t page_id, store_rev_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_HISTORY, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	return rev_rows(s, st, 0, out, e);
}

int store_rev_recent(store *s, int limit, store_rev_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_RECENT, e)))
		return -1;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	return rev_rows(s, st, 0, out, e);
}

int store_heads(store *s, store_rev_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_HEADS, e)))
		return -1;
	return rev_rows(s, st, 1, out, e);
}

/* --- links -------------------------------------------------------------- */

void store_link_list_free(store_link_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].slug);
		free(l->v[i].title);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int store_links_set(store *s, int64_t page_id, char *const *slugs, size_t n, err_info *e)
{
	sqlite3_stmt *st;
	size_t i;

	if (require_write(s, e) || page_stmt(s, Q_LINKS_CLEAR, page_id, e))
		return -1;
	for (i = 0; i < n; i++) {
		if (!slugs[i] || !*slugs[i])
			continue;
		if (!(st = prep(s, Q_LINK_ADD, e)))
			return -1;
		sqlite3_bind_int64(st, 1, page_id);
		bind_str(st, 2, slugs[i]);
		if (run(s, st, "saving links", e))
			return -1;
	}
	return 0;
}

static int link_rows(store *s, sqlite3_stmt *st, store_link_list *out, err_info *e)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = grow(out->v, out->n, &cap, sizeof *out->v);
		out->v[out->n].slug = col_str(st, 0);
		out->v[out->n].title = col_str(st, 1);
		out->n++;
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "listing links", e);
		release(st);
		store_link_list_free(out);
		return -1;
	}
	release(st);
	return 0;
}

int store_links_from(store *s, int64_t page_id, store_link_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_LINKS_FROM, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	return link_rows(s, st, out, e);
}

int store_links_all(store *s, store_link_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_LINKS_ALL, e)))
		return -1;
	return link_rows(s, st, out, e);
}

int store_links_to(store *s, const char *slug, store_link_list *out, err_info *e)
{
	sqlite3_stmt *st;

	out->v = NULL;
	out->n = 0;
	if (!(st = prep(s, Q_LINKS_TO, e)))
		return -1;
	bind_str(st, 1, slug);
	return link_rows(s, st, out, e);
}

/* --- search ------------------------------------------------------------- */

void store_hit_list_free(store_hit_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].slug);
		free(l->v[i].title);
		free(l->v[i].snippet);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Each word of the user's query as a quoted FTS5 string, so that nothing
 * the user types is FTS5 syntax; adjacent strings mean AND.  Returns the
 * number of words. */
static size_t fts_query(const char *q, buf *out)
{
	size_t words = 0;

	while (*q) {
		while (is_space(*q))
			q++;
		if (!*q)
			break;
		if (words++)
			buf_putc(out, ' ');
		buf_putc(out, '"');
		for (; *q && !is_space(*q); q++) {
			if (*q == '"')
				buf_putc(out, '"');
			buf_putc(out, *q);
		}
		buf_putc(out, '"');
	}
	return words;
}

/* The snippet on one line: each whitespace run holding a line break or tab
 * becomes one space; leading and trailing whitespace goes.  Caller frees. */
static char *one_line(const unsigned char *t)
{
	buf b = BUF_INIT;
	const char *p = (const char *)(t ? t : (const unsigned char *)"");

	while (is_space(*p))
		p++;
	while (*p) {
		const char *run = p;
		int breaks = 0;

		if (!is_space(*p)) {
			buf_putc(&b, *p++);
			continue;
		}
		for (; is_space(*p); p++)
			breaks |= *p != ' ';
		if (!*p)
			break;
		if (breaks)
			buf_putc(&b, ' ');
		else
			buf_put(&b, run, (size_t)(p - run));
	}
	return buf_detach(&b);
}

int store_search(store *s, const char *query, const char *open, const char *close, int limit,
                 store_hit_list *out, err_info *e)
{
	buf q = BUF_INIT;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (!query || fts_query(query, &q) == 0) {
		buf_free(&q);
		return err_set(e, ERR_USER, "empty search");
	}
	if (!(st = prep(s, Q_SEARCH, e))) {
		buf_free(&q);
		return -1;
	}
	bind_str(st, 1, open);
	bind_str(st, 2, close);
	bind_str(st, 3, buf_cstr(&q));
	sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
	sqlite3_bind_int(st, 5, SNIPPET_MAX_BODY);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_hit *h;

		out->v = grow(out->v, out->n, &cap, sizeof *out->v);
		h = &out->v[out->n++];
		h->slug = col_str(st, 0);
		h->title = col_str(st, 1);
		h->snippet = one_line(sqlite3_column_text(st, 2));
		h->rank = sqlite3_column_double(st, 3);
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "searching", e);
		store_hit_list_free(out);
	}
	release(st);
	buf_free(&q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* --- maintenance -------------------------------------------------------- */

/* Structural checks: each query yields one line per problem. */
static const char *const checks[] = {
	"SELECT printf('foreign key: row %d of %s refers to a missing row of %s',"
	" rowid, \"table\", parent) FROM pragma_foreign_key_check",
	"SELECT printf('page %s has no revision', slug) FROM pages WHERE head IS NULL",
	"SELECT printf('page %s: its head revision %d does not exist', p.slug, p.head)"
	" FROM pages p LEFT JOIN revisions r ON r.id = p.head"
	" WHERE p.head IS NOT NULL AND r.id IS NULL",
	"SELECT printf('page %s: its head revision %d belongs to another page', p.slug,"
	" p.head) FROM pages p JOIN revisions r ON r.id = p.head WHERE r.page != p.id",
	"SELECT printf('page %s: revision numbers are not 1..%d', p.slug, count(*))"
	" FROM revisions r JOIN pages p ON p.id = r.page GROUP BY r.page"
	" HAVING min(r.num) != 1 OR max(r.num) != count(*)",
	"SELECT printf('page %s: head is revision %d but the latest is %d', p.slug,"
	" h.num, m.num) FROM pages p JOIN revisions h ON h.id = p.head"
	" JOIN (SELECT page, max(num) AS num FROM revisions GROUP BY page) m"
	" ON m.page = p.id WHERE h.page = p.id AND h.num != m.num",
	"SELECT printf('page %s: revision %d does not follow revision %d', p.slug,"
	" r.num, r.num - 1) FROM revisions r JOIN pages p ON p.id = r.page"
	" LEFT JOIN revisions q ON q.id = r.parent"
	" WHERE CASE WHEN r.num = 1 THEN r.parent IS NOT NULL"
	" ELSE q.id IS NULL OR q.page != r.page OR q.num != r.num - 1 END",
	"SELECT printf('page %s: revision %d has no stored text', p.slug, r.num)"
	" FROM revisions r JOIN pages p ON p.id = r.page"
	" LEFT JOIN bodies b ON b.rev = r.id WHERE b.rev IS NULL",
	"SELECT printf('page %s: revision %d records %d bytes but holds %d', p.slug,"
	" r.num, r.size, length(CAST(b.data AS BLOB))) FROM revisions r"
	" JOIN pages p ON p.id = r.page JOIN bodies b ON b.rev = r.id"
	" WHERE b.kind IN " KIND_FULL " AND r.size != length(CAST(b.data AS BLOB))",
	/* the search index reads the head's text as it is stored */
	"SELECT printf('page %s: its head revision %d is not stored as plain text',"
	" p.slug, h.num) FROM pages p JOIN revisions h ON h.id = p.head"
	" JOIN bodies b ON b.rev = h.id WHERE b.kind NOT IN " KIND_FULL
	" OR typeof(b.data) != 'text'",
	/* a later revision of the same page: so a chain always ends */
	"SELECT printf('page %s: revision %d is a delta against revision id %d, which is"
	" not a later revision of the page', p.slug, r.num, b.base) FROM bodies b"
	" JOIN revisions r ON r.id = b.rev JOIN pages p ON p.id = r.page"
	" LEFT JOIN revisions q ON q.id = b.base WHERE b.kind IN " KIND_DELTA
	" AND (q.id IS NULL OR q.page != r.page OR q.num <= r.num)",
	"SELECT printf('page %s: its title differs from its head revision''s', p.slug)"
	" FROM pages p JOIN revisions r ON r.id = p.head WHERE p.title IS NOT " REV_TITLE,
	"SELECT printf('page %s: its first revision has no title', p.slug)"
	" FROM revisions r JOIN pages p ON p.id = r.page WHERE r.num = 1 AND r.title = ''",
};

/* A damaged file is a finding, not a failure to check. */
static int damaged(int rc)
{
	return primary(rc) == SQLITE_CORRUPT || primary(rc) == SQLITE_NOTADB;
}

/* Runs one checking query, appending its lines (skipping a lone "ok"). */
static int check_lines(store *s, const char *sql, const char *prefix, buf *report, err_info *e)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);

			if (!t || strcmp(t, "ok") == 0)
				continue;
			buf_printf(report, "%s%s\n", prefix, t);
			n++;
		}
	}
	if (rc != SQLITE_DONE) {
		if (damaged(rc)) {
			buf_printf(report, "%sthe file is damaged: %s\n", prefix,
			           sqlite3_errmsg(s->db));
			n++;
		} else {
			n = fail(s, rc, "checking", e);
		}
	}
	sqlite3_finalize(st);
	return n;
}

/* Rebuilds every revision that is stored as a snapshot or a delta and
 * checks it against its recorded size (body_decode checks each size on
 * the way).  Slow on a big wiki, which is fine for a check; each page is
 * read newest first, so each revision costs one delta from the cache. */
static int check_bodies(store *s, buf *report, err_info *e)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	rc = sqlite3_prepare_v2(s->db,
	                        "SELECT p.slug, r.id, r.num, r.size FROM revisions r"
	                        " JOIN pages p ON p.id = r.page JOIN bodies b ON b.rev = r.id"
	                        " WHERE b.kind NOT IN " KIND_FULL " ORDER BY r.page, r.num DESC",
	                        -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err_info why = { 0 };
		char *t = NULL;
		size_t len;
		int r = body_decode(s, sqlite3_column_int64(st, 1), &t, &len, &why);

		free(t);
		if (r == -1) {
			err_set(e, why.code, "%s", why.msg);
			sqlite3_finalize(st);
			return -1;
		}
		if (r == -2) {
			buf_printf(report,
			           "page %s: revision %lld cannot be rebuilt from its stored"
			           " delta or snapshot as its %lld recorded bytes\n",
			           (const char *)sqlite3_column_text(st, 0),
			           (long long)sqlite3_column_int64(st, 2),
			           (long long)sqlite3_column_int64(st, 3));
			n++;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		if (damaged(rc)) {
			buf_printf(report, "the file is damaged: %s\n", sqlite3_errmsg(s->db));
			n++;
		} else {
			n = fail(s, rc, "checking", e);
		}
	}
	sqlite3_finalize(st);
	return n;
}

/* FTS5 compares its index with the page_text view only when asked with a
 * rank of 1.  The command is an INSERT, so it needs a writable handle. */
static int check_fts(store *s, buf *report, err_info *e)
{
	int rc;

	if (s->readonly)
		return 0;
	rc = sqlite3_exec(s->db, "INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)", NULL,
	                  NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	if (!damaged(rc))
		return fail(s, rc, "checking the search index", e);
	buf_puts(report, "search index: it does not match the pages\n");
	return 1;
}

int store_check(store *s, char **report, err_info *e)
{
	buf b = BUF_INIT;
	int total = 0, n;
	size_t i;

	*report = NULL;
	n = check_lines(s, "PRAGMA integrity_check", "integrity check: ", &b, e);
	for (i = 0; n >= 0 && i < sizeof checks / sizeof checks[0]; i++) {
		total += n;
		n = check_lines(s, checks[i], "", &b, e);
	}
	if (n >= 0 && s->version >= 4) {
		total += n;
		n = check_lines(s,
		                "SELECT printf('alias %s is also the name of a page', a.slug)"
		                " FROM aliases a JOIN pages p ON p.slug = a.slug",
		                "", &b, e);
	}
	if (n >= 0) {
		total += n;
		n = check_bodies(s, &b, e);
	}
	if (n >= 0) {
		total += n;
		n = check_fts(s, &b, e);
	}
	if (n < 0) {
		buf_free(&b);
		return -1;
	}
	total += n;
	if (total > 0)
		*report = buf_detach(&b);
	buf_free(&b);
	return total;
}

/* Creates the temporary file for a backup beside `path` (VACUUM INTO
 * accepts an existing empty file). */
static char *backup_tmp(const char *path, err_info *e)
{
	buf b = BUF_INIT;
	int fd;

	buf_printf(&b, "%s.tmpXXXXXX", path);
	fd = mkstemp(b.ptr);
	if (fd < 0) {
		err_set(e, ERR_USER, "cannot write %s: %s", path, strerror(errno));
		buf_free(&b);
		return NULL;
	}
	close(fd);
	return buf_detach(&b);
}

/* Moves tmp to path unless path has appeared meanwhile. */
static int place(const char *tmp, const char *path, err_info *e)
{
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return err_set(e, ERR_USER, "%s already exists", path);
	/* file systems without hard links */
	if (access(path, F_OK) == 0)
		return err_set(e, ERR_USER, "%s already exists", path);
	if (rename(tmp, path) != 0)
		return err_set(e, ERR_USER, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

static int64_t file_bytes(const char *path, const char *suffix)
{
	char name[4096];
	struct stat sb;

	snprintf(name, sizeof name, "%s%s", path, suffix);
	return stat(name, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* Switches the journal mode; 1 when the file is in `mode` afterwards. */
static int journal_mode(store *s, const char *mode)
{
	char sql[64];
	sqlite3_stmt *st = NULL;
	int r = 0;

	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		r = strcmp((const char *)sqlite3_column_text(st, 0), mode) == 0;
		if (sqlite3_step(st) != SQLITE_DONE)
			r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/* VACUUM, which also gives the file the page size its size calls for
 * (store.h) when it has another and no other process has it open: WAL mode
 * fixes the page size, so that rebuild runs with a rollback journal (and
 * leaving WAL mode needs the only connection; with others, the page size
 * stays).  1 when it rebuilt the file that way (the WAL is new and empty),
 * 0 for a plain VACUUM, -1 on failure. */
static int vacuum(store *s, err_info *e)
{
	int64_t page = 0, pages = 0, unused = 0, want;
	int rc;

	if (get_int(s, "PRAGMA page_size", &page, &rc) ||
	    get_int(s, "PRAGMA page_count", &pages, &rc) ||
	    get_int(s, "PRAGMA freelist_count", &unused, &rc))
		return fail(s, rc, "reading the page size", e);
	want = (pages - unused) * page < STORE_SMALL_BYTES ? STORE_PAGE_SIZE_SMALL
	                                                   : STORE_PAGE_SIZE;
	if (page == want || !journal_mode(s, "delete"))
		return exec(s, "VACUUM", "compacting the file (VACUUM)", e);
	rc = set_pragma(s, "page_size", want, e) ||
	     exec(s, "VACUUM", "compacting the file (VACUUM)", e);
	if (!journal_mode(s, "wal"))
		return err_set(e, ERR_DB, "%s: cannot switch back to WAL mode", s->path);
	return rc ? -1 : 1;
}

int store_gc(store *s, store_gc_stats *out, err_info *e)
{
	int64_t n = 0;
	int rc, r;

	memset(out, 0, sizeof *out);
	if (s->readonly)
		return err_set(e, ERR_USER, "%s is open read-only: gc writes", s->path);
	out->bytes_before = file_bytes(s->path, "") + file_bytes(s->path, "-wal");
	/* libgit2's start-up is slow: before the lock */
	if (diff_lib_init(e) < 0 || store_begin_write(s, e) < 0)
		return -1;
	if (get_int(s,
	            "SELECT count(*) FROM bodies b JOIN revisions r ON r.id = b.rev"
	            " JOIN pages p ON p.id = r.page WHERE b.kind IN " KIND_FULL
	            " AND p.head != r.id",
	            &n, &rc)) {
		fail(s, rc, "counting revisions", e);
		store_rollback(s);
		return -1;
	}
	if (compact_runs(s, 0, "compacting old revisions", e) ||
	    exec(s, "INSERT INTO fts(fts) VALUES('optimize')", "optimising the search index", e) ||
	    store_commit(s, e)) {
		store_rollback(s);
		return -1;
	}
	out->compacted = n;
	s->close_checkpoint = 1; /* leave no -wal and -shm behind */
	r = vacuum(s, e);
	/* a rebuild with a new page size leaves an empty WAL */
	if (r < 0 || (r == 0 && exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing", e)))
		return -1;
	out->bytes_after = file_bytes(s->path, "") + file_bytes(s->path, "-wal");
	return 0;
}

int store_backup(store *s, const char *path, err_info *e)
{
	struct stat st;
	sqlite3_stmt *vac = NULL;
	char *tmp;
	int rc;

	if (!path || !*path)
		return err_set(e, ERR_USAGE, "no backup file given");
	if (lstat(path, &st) == 0)
		return err_set(e, ERR_USER, "%s already exists", path);
	if (!(tmp = backup_tmp(path, e)))
		return -1;
	rc = sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &vac, NULL);
	if (rc == SQLITE_OK) {
		bind_str(vac, 1, tmp);
		rc = sqlite3_step(vac);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		sql_error(s->db, path, s->busy_ms, rc, "copying the database", e);
	sqlite3_finalize(vac);
	/* the copy gets the wiki's own permissions, once it is written */
	if ((rc == SQLITE_DONE || rc == SQLITE_OK) && stat(s->path, &st) == 0)
		chmod(tmp, st.st_mode & 0777);
	if ((rc == SQLITE_DONE || rc == SQLITE_OK) && place(tmp, path, e) == 0) {
		free(tmp);
		return 0;
	}
	unlink(tmp);
	free(tmp);
	return -1;
}

/* --- drafts ------------------------------------------------------------- */

void store_draft_clear(store_draft *d)
{
	if (!d)
		return;
	free(d->body);
	memset(d, 0, sizeof *d);
}

int store_draft_put(store *s, const char *author, const char *slug, int64_t base, const char *body,
                    size_t len, int64_t at_ms, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_DRAFT_PUT, e);

	if (!st)
		return -1;
	bind_str(st, 1, author);
	bind_str(st, 2, slug);
	sqlite3_bind_int64(st, 3, base);
	sqlite3_bind_text(st, 4, body, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, at_ms);
	return run(s, st, "saving a draft", e);
}

int store_draft_get(store *s, const char *author, const char *slug, store_draft *out, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_DRAFT_GET, e);
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	bind_str(st, 1, author);
	bind_str(st, 2, slug);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->len = (size_t)sqlite3_column_bytes(st, 0);
		out->body = col_str(st, 0);
		out->at_ms = sqlite3_column_int64(st, 1);
		out->base = sqlite3_column_int64(st, 2);
		release(st);
		return 1;
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "reading a draft", e);
		release(st);
		return -1;
	}
	release(st);
	return 0;
}

int store_draft_delete(store *s, const char *author, const char *slug, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_DRAFT_DELETE, e);

	if (!st)
		return -1;
	bind_str(st, 1, author);
	bind_str(st, 2, slug);
	return run(s, st, "removing a draft", e);
}

/* --- deleting ----------------------------------------------------------- */

int store_page_set_deleted(store *s, int64_t page_id, int deleted, err_info *e)
{
	sqlite3_stmt *st;

	/* The index holds live pages only: out before, in after (page_text
	 * shows a page only while it is not deleted). */
	if (require_write(s, e) || page_stmt(s, Q_UNINDEX, page_id, e) ||
	    !(st = prep(s, Q_SET_DELETED, e)))
		return -1;
	sqlite3_bind_int64(st, 1, page_id);
	sqlite3_bind_int(st, 2, deleted ? 1 : 0);
	if (run(s, st, "marking the page deleted", e))
		return -1;
	return page_stmt(s, Q_INDEX, page_id, e);
}

/* --- presence and change detection ------------------------------------- */

int store_presence_put(store *s, const store_presence *p, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PRESENCE_PUT, e);

	if (!st)
		return -1;
	bind_str(st, 1, p->author);
	bind_str(st, 2, p->slug);
	bind_str(st, 3, p->editing ? "edit" : "view");
	sqlite3_bind_int64(st, 4, p->pid);
	bind_str(st, 5, p->host);
	sqlite3_bind_int64(st, 6, p->at_ms);
	return run(s, st, "recording presence", e);
}

int store_presence_del(store *s, int64_t pid, const char *host, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PRESENCE_DEL, e);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	bind_str(st, 2, host);
	return run(s, st, "clearing presence", e);
}

int store_presence_gc(store *s, int64_t before_ms, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PRESENCE_GC, e);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_ms);
	return run(s, st, "clearing old presence", e);
}

void store_presence_list_free(store_presence_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].author);
		free(l->v[i].slug);
		free(l->v[i].host);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int store_presence_get(store *s, const char *slug, int64_t since_ms, store_presence_list *out,
                       err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_PRESENCE_LIST, e);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since_ms);
	if (slug)
		bind_str(st, 2, slug);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_presence *p;

		out->v = grow(out->v, out->n, &cap, sizeof *out->v);
		p = &out->v[out->n++];
		p->author = col_str(st, 0);
		p->slug = col_str(st, 1);
		p->editing = strcmp((const char *)sqlite3_column_text(st, 2), "edit") == 0;
		p->pid = sqlite3_column_int64(st, 3);
		p->host = col_str(st, 4);
		p->at_ms = sqlite3_column_int64(st, 5);
	}
	if (rc != SQLITE_DONE) {
		fail(s, rc, "reading presence", e);
		store_presence_list_free(out);
	}
	release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_data_version(store *s, int64_t *v, err_info *e)
{
	sqlite3_stmt *st = prep(s, Q_DATA_VERSION, e);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else
		fail(s, rc, "checking for changes", e);
	release(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
