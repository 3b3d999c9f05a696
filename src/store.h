/* store: the SQLite database, the only module that includes <sqlite3.h> or
 * writes SQL.
 *
 * One file holds the whole wiki: pages, every revision, the link table, an
 * FTS5 index over head revisions, drafts and presence.  The store knows
 * nothing of Markdown or merge rules: the wiki module composes these calls
 * inside a write transaction (store_begin_write .. store_commit).
 *
 * Revisions are numbered per page from 1 (`num`); users see "revision 3 of
 * getting-started".  Revisions are never updated or deleted.
 *
 * Ownership: strings in the structs below are owned by the struct and
 * released by the matching *_clear / *_list_free.  Errors: functions return
 * 0 on success and -1 on failure with `e` filled (code ERR_DB for database
 * trouble, ERR_USER for a user's mistake such as a missing page); lookups
 * return 1 found / 0 not found / -1 error. */
#ifndef DOCDAY_STORE_H
#define DOCDAY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct store store;

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 5

/* Old revisions are stored as reverse deltas, except every
 * STORE_SNAPSHOT_EVERY-th revision of a page (by number), which is stored
 * whole (deflated), and more often for big pages: reading any revision
 * applies at most STORE_SNAPSHOT_EVERY - 1 deltas.  The head is always
 * plain text. */
#define STORE_SNAPSHOT_EVERY 256

/* Compacting needs libgit2's diff, whose loading and start-up cost a
 * process more than the rest of a save.  So a save leaves the previous head
 * as plain text, and the save that finds STORE_PLAIN_RUN plain revisions
 * below its new head compacts them all (store_gc does the rest).  At most
 * STORE_PLAIN_RUN old revisions of a page are plain at any time. */
#define STORE_PLAIN_RUN 8

/* Page sizes.  A new file has STORE_PAGE_SIZE pages (SQLite's default).
 * store_gc rebuilds a file whose pages in use hold less than
 * STORE_SMALL_BYTES with STORE_PAGE_SIZE_SMALL pages, and a bigger one with
 * STORE_PAGE_SIZE pages: most tables of a wiki are small or empty and each
 * takes a page at least, which small pages make cheap, while in a big wiki
 * they cost searches and lists more page reads and big texts longer
 * overflow chains (see "Database" in docs/architecture.md). */
#define STORE_PAGE_SIZE       4096
#define STORE_PAGE_SIZE_SMALL 1024
#define STORE_SMALL_BYTES     ((int64_t)8 << 20)

enum store_open_flags {
	STORE_CREATE = 1,   /* create the file when missing */
	STORE_READONLY = 2, /* open read-only (no migration, no writes) */
};

/* Opens (and with STORE_CREATE creates) the database at path: WAL mode,
 * synchronous = FULL (a commit is on disk when it returns), a new file with
 * STORE_PAGE_SIZE pages, busy_timeout, foreign keys on, schema created or
 * migrated forward in one BEGIN IMMEDIATE transaction.  Refuses, with a
 * one-line message naming the file:
 *   - a missing file without STORE_CREATE, or a missing directory;
 *   - a file that is not an SQLite database, or an SQLite database that is
 *     not docday's (application_id);
 *   - a schema newer than STORE_SCHEMA_VERSION.
 * A new file in a setgid directory is created with mode 0660 (group-shared
 * wiki); -wal/-shm follow the database's mode.
 * *created (when not NULL) is set to 1 when this call created the schema.
 * Returns NULL on failure. */
store *store_open(const char *path, int flags, int *created, err_info *e);

/* Like store_open but migrates only up to `version` (tests use it to make
 * old databases).  Below version 3, store_rev_add writes the body inline as
 * those versions did; reading bodies needs the current schema. */
store *store_open_version(const char *path, int flags, int version, int *created, err_info *e);

/* Closes the handle; NULL-safe.  Rolls back an open transaction.  The WAL
 * is checkpointed into the file only when this handle's last commit left
 * it long, and then started again in the same file (store_gc deletes it);
 * a short WAL stays for the next process to read back. */
void store_close(store *s);

/* The schema version found in the file. */
int store_schema_version(store *s);

/* Milliseconds for the busy timeout (default 5000). */
void store_set_busy_timeout(store *s, int ms);

/* Transactions.  store_begin_write is BEGIN IMMEDIATE: it waits up to the
 * busy timeout for other writers, then fails with ERR_DB "the database is
 * locked by another process".  It loads libgit2 first (store_rev_add
 * needs it, and its start-up is too slow to run under the lock). */
int store_begin_write(store *s, err_info *e);
int store_begin_read(store *s, err_info *e);
int store_commit(store *s, err_info *e);
void store_rollback(store *s);

/* --- pages ------------------------------------------------------------ */

typedef struct store_page {
	int64_t id;
	char *slug;
	char *title;
	int64_t head;     /* revisions.id of the head revision */
	int64_t head_num; /* its per-page number */
	int deleted;
	int64_t nrevs;     /* number of revisions */
	char *last_author; /* author of the head revision */
	int64_t last_at_ms;
} store_page;

void store_page_clear(store_page *p);

/* Looks a page up by slug.  1 found, 0 not found, -1 error. */
int store_page_get(store *s, const char *slug, store_page *out, err_info *e);

/* 1 when a page with this slug exists and is not deleted, 0 when not, -1
 * on error.  One lookup in the slug index, without the head revision and
 * the count that store_page_get reads: layout asks it for every page a
 * page links to. */
int store_page_live(store *s, const char *slug, err_info *e);

/* Looks a page up by title (exact, then case-insensitive). */
int store_page_by_title(store *s, const char *title, store_page *out, err_info *e);

/* Creates a page row with no revision yet (head 0); inside a write
 * transaction.  Fails with ERR_USER when the slug is taken; an alias with
 * that slug is dropped (a page wins over an old name). */
int store_page_create(store *s, const char *slug, const char *title, int64_t *id, err_info *e);

/* Looks a page up by one of its old slugs (schema 4: aliases left by
 * store_page_set_slug).  1 found, 0 not found, -1 error. */
int store_page_by_alias(store *s, const char *slug, store_page *out, err_info *e);

/* Renames a page's slug (inside a write transaction): the old slug becomes
 * an alias of the page, an alias that had the new slug is dropped (the
 * page takes it), and drafts kept under the old slug move to the new one.
 * The title changes with the next revision (store_rev_add).  Fails with
 * ERR_USER when another page has the slug.  Same slug: nothing to do. */
int store_page_set_slug(store *s, int64_t page_id, const char *new_slug, int64_t at_ms,
                        err_info *e);

/* The aliases (old slugs) of a page, newest first: a NULL-terminated array
 * (free each string and the array; NULL when there are none). */
int store_aliases_of(store *s, int64_t page_id, char ***slugs, size_t *n, err_info *e);

typedef struct store_page_list {
	store_page *v;
	size_t n;
} store_page_list;

void store_page_list_free(store_page_list *l);

enum store_order { STORE_BY_SLUG, STORE_BY_TITLE, STORE_BY_CHANGE /* newest first */ };

/* All pages that are not deleted, in the given order. */
int store_page_list_all(store *s, int order, store_page_list *out, err_info *e);

/* Live pages whose title starts with "Templates/" (any case), by title. */
int store_page_templates(store *s, store_page_list *out, err_info *e);

/* Number of pages that are not deleted. */
int store_page_count(store *s, int64_t *n, err_info *e);

/* --- revisions ---------------------------------------------------------- */

typedef struct store_rev {
	int64_t id;
	int64_t page;
	int64_t num;    /* per page, from 1 */
	int64_t parent; /* revisions.id, 0 for the first */
	char *author;
	int64_t at_ms;
	char *summary;
	char *title; /* the page title this revision set */
	char *body;  /* NUL-terminated; NULL when not loaded */
	size_t body_len;
	size_t size; /* body length in bytes, always set */
} store_rev;

void store_rev_clear(store_rev *r);

/* Inserts a revision of page `page_id` (inside a write transaction) as the
 * child of the current head, makes it the head, sets the page title, and
 * refreshes the search index.  The previous head's text is re-encoded, in
 * the same transaction, as a delta against this one or as a snapshot.  Its
 * number is head_num + 1.  Stores *id and *num when not NULL. */
int store_rev_add(store *s, int64_t page_id, const char *title, const char *body, size_t body_len,
                  const char *author, int64_t at_ms, const char *summary, int64_t *id, int64_t *num,
                  err_info *e);

/* Loads revision `num` of a page (num 0 = head), with its body, rebuilt
 * from its delta chain when it is not the head (the handle keeps recently
 * rebuilt texts, so reading a page's revisions in turn costs one delta
 * each).  1 found, 0 not found, -1 error (ERR_DB, also when the stored
 * body is damaged). */
int store_rev_get(store *s, int64_t page_id, int64_t num, store_rev *out, err_info *e);

typedef struct store_rev_list {
	store_rev *v; /* bodies not loaded */
	size_t n;
} store_rev_list;

void store_rev_list_free(store_rev_list *l);

/* The revisions of one page, newest first. */
int store_rev_history(store *s, int64_t page_id, store_rev_list *out, err_info *e);

/* Recent revisions across all pages, newest first, at most `limit`.
 * Each entry's `title` is the page's slug (for listing). */
int store_rev_recent(store *s, int limit, store_rev_list *out, err_info *e);

/* --- links -------------------------------------------------------------- */

typedef struct store_link {
	char *slug;  /* the other end */
	char *title; /* its title, NULL when the page does not exist */
} store_link;

typedef struct store_link_list {
	store_link *v;
	size_t n;
} store_link_list;

void store_link_list_free(store_link_list *l);

/* Replaces the outgoing links of a page (inside a write transaction).
 * Duplicates in `slugs` are stored once. */
int store_links_set(store *s, int64_t page_id, char *const *slugs, size_t n, err_info *e);

/* Outgoing links of a page, sorted by slug, with the target's title when
 * the target exists. */
int store_links_from(store *s, int64_t page_id, store_link_list *out, err_info *e);

/* Pages (not deleted) linking to `slug`, sorted by slug. */
int store_links_to(store *s, const char *slug, store_link_list *out, err_info *e);

/* Every link of every page (not deleted) in one query, in no particular
 * order: each entry's `slug` is the linking page's slug and its `title`
 * the slug it links to (a page that may not exist).  The HTML export
 * builds all backlinks from it at once. */
int store_links_all(store *s, store_link_list *out, err_info *e);

/* --- search --------------------------------------------------------------- */

typedef struct store_hit {
	char *slug;
	char *title;
	char *snippet; /* body excerpt; matches between `open` and `close`
	                  (pages over 64 KiB: their opening, unmarked),
	                  markers given to store_search, newlines as spaces */
	double rank;   /* lower is better (bm25) */
} store_hit;

typedef struct store_hit_list {
	store_hit *v;
	size_t n;
} store_hit_list;

void store_hit_list_free(store_hit_list *l);

/* Full-text search of head revisions: each whitespace-separated word of
 * `query` must match (as a quoted FTS5 term, so no user input is FTS5
 * syntax); titles weigh ten times bodies; best first; at most `limit`. */
int store_search(store *s, const char *query, const char *open, const char *close, int limit,
                 store_hit_list *out, err_info *e);

/* Marks a page deleted (1) or live (0), inside a write transaction.  A
 * deleted page leaves the search index, the lists and the backlinks; its
 * revisions stay.  store_page_get still finds it, with deleted = 1. */
int store_page_set_deleted(store *s, int64_t page_id, int deleted, err_info *e);

/* --- drafts ---------------------------------------------------------------- */

/* An editor's unsaved text, one per author and page. */
typedef struct store_draft {
	char *body; /* NUL-terminated */
	size_t len;
	int64_t base; /* revision number it was based on, 0 for a new page */
	int64_t at_ms;
} store_draft;

void store_draft_clear(store_draft *d);

/* Stores (replaces) the draft of `author` for page `slug`.  One statement,
 * so it needs no transaction; it waits up to the busy timeout. */
int store_draft_put(store *s, const char *author, const char *slug, int64_t base, const char *body,
                    size_t len, int64_t at_ms, err_info *e);
/* 1 found, 0 none, -1 error. */
int store_draft_get(store *s, const char *author, const char *slug, store_draft *out, err_info *e);
int store_draft_delete(store *s, const char *author, const char *slug, err_info *e);

/* --- presence and change detection --------------------------------------- */

/* Who has which page open, kept fresh by heartbeats. */
typedef struct store_presence {
	char *author;
	char *slug;
	int editing; /* 1 editing, 0 viewing */
	int64_t pid;
	char *host;
	int64_t at_ms; /* last heartbeat */
} store_presence;

typedef struct store_presence_list {
	store_presence *v;
	size_t n;
} store_presence_list;

void store_presence_list_free(store_presence_list *l);

/* Records (replaces) the row of one process (pid, host).  One statement. */
int store_presence_put(store *s, const store_presence *p, err_info *e);
/* Removes the row of one process (it quits). */
int store_presence_del(store *s, int64_t pid, const char *host, err_info *e);
/* Removes rows whose last heartbeat is older than before_ms. */
int store_presence_gc(store *s, int64_t before_ms, err_info *e);
/* Rows with a heartbeat at or after since_ms, of one page (slug) or of all
 * (NULL), by page, editors first. */
int store_presence_get(store *s, const char *slug, int64_t since_ms, store_presence_list *out,
                       err_info *e);

/* SQLite's PRAGMA data_version: changes when another connection commits.
 * Cheap enough to poll several times a second. */
int store_data_version(store *s, int64_t *v, err_info *e);

/* --- maintenance ------------------------------------------------------ */

/* Runs PRAGMA integrity_check, foreign_key_check, the FTS5 integrity check
 * and the structural checks (every page's head exists and belongs to it,
 * every page has a revision, revision numbers are 1..n, every head is
 * stored as plain text, every delta is against a later revision of its
 * page, and every revision's body is rebuilt and has its recorded size:
 * slow on a big wiki).  Each problem is
 * one line appended to *report (caller frees, NULL when clean).  Returns
 * the number of problems, or -1 when the checks could not run. */
int store_check(store *s, char **report, err_info *e);

/* Heads of all pages (not deleted) with bodies, for consistency checks
 * that need Markdown (the wiki module recomputes links from them). */
int store_heads(store *s, store_rev_list *out, err_info *e);

typedef struct store_gc_stats {
	int64_t compacted;    /* old revisions that were still plain text */
	int64_t bytes_before; /* the file and its WAL */
	int64_t bytes_after;
} store_gc_stats;

/* Compacts the whole file, like `git gc`: every old revision still stored
 * as plain text gets its compact form, the search index is merged into one
 * segment (FTS5 'optimize'), then VACUUM and a WAL checkpoint give the
 * space back; the VACUUM also gives the file the page size its size calls
 * for (STORE_PAGE_SIZE_SMALL under STORE_SMALL_BYTES, else STORE_PAGE_SIZE)
 * when no other process has it open.  Leaves no -wal or
 * -shm.  Other processes may read meanwhile; writers wait.  0, or -1 with
 * e set. */
int store_gc(store *s, store_gc_stats *out, err_info *e);

/* A consistent online copy to `path` (VACUUM INTO a temporary name beside
 * it, then rename).  Refuses an existing path. */
int store_backup(store *s, const char *path, err_info *e);

#endif
