/* wiki: the rules of the wiki on top of store and markdown.
 *
 * Owns the open database handle and decides what a save means: resolve a
 * page name (slug or title), validate title and text, refuse a save based
 * on a revision that is no longer head, skip a save that changes nothing,
 * and keep the link table in step with every body (links come from the
 * cmark-gfm parse tree, never from a regex).  Also fills a new database with
 * the bundled sample wiki, imports Markdown files and checks consistency.
 *
 * Errors: -1 (or NULL) with err_info filled; ERR_USER for what the user can
 * fix, ERR_CONFLICT for a stale base, ERR_DB for the database. */
#ifndef DOCDAY_WIKI_H
#define DOCDAY_WIKI_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* The largest page body accepted (bytes). */
#define WIKI_MAX_PAGE (32u * 1024 * 1024)
/* The longest title accepted (bytes). */
#define WIKI_MAX_TITLE 200

typedef struct wiki wiki;

enum wiki_open_flags {
	WIKI_CREATE = 1,   /* create a missing database */
	WIKI_SAMPLE = 2,   /* ... and fill it with the sample wiki */
	WIKI_READONLY = 4, /* never write */
};

/* Opens the database at path.  *created (when not NULL) tells whether the
 * file was created by this call.  Returns NULL with e set on failure. */
wiki *wiki_open(const char *path, int flags, int *created, err_info *e);
void wiki_close(wiki *w);
store *wiki_store(wiki *w);

/* Resolves a page name: a slug, a title, anything that slugifies to an
 * existing slug, or an old slug of a renamed page (an alias).  1 found, 0 not found (e set,
 * ERR_USER, "no page named 'X'"), -1 error. */
int wiki_find(wiki *w, const char *name, store_page *out, err_info *e);

/* Like wiki_find, but a deleted page is found too (out->deleted is 1);
 * wiki_find says "'x' was deleted" and returns 0 for one. */
int wiki_find_any(wiki *w, const char *name, store_page *out, err_info *e);

/* Deletes a page: a new revision (same text, summary "deleted: why") and
 * the page leaves the index, lists, search and backlinks; links to it show
 * as missing; its history stays.  *num gets the revision number. */
int wiki_delete(wiki *w, const char *name, const char *author, const char *why, int64_t *num,
                err_info *e);
/* Brings a deleted page back, as a new revision ("restored"). */
int wiki_restore(wiki *w, const char *name, const char *author, int64_t *num, err_info *e);

typedef struct wiki_rename_res {
	char *old_slug, *new_slug, *old_title;
	int64_t num;  /* the renamed page's new revision */
	char **pages; /* slugs of the pages whose links were rewritten (NULL-
	                 terminated, NULL when none) */
	size_t npages;
	size_t links; /* links rewritten in them */
} wiki_rename_res;

void wiki_rename_res_clear(wiki_rename_res *r);

/* Renames a page, in one write transaction: it gets the new title and the
 * slug of that title (a new revision, summary "renamed from 'Old'"), its
 * old slug stays as an alias that finds it (wiki_find, links), and every
 * live page linking to it gets a revision with those links rewritten
 * (md_rewrite_links: [[...]] and relative Markdown links, labels kept,
 * nothing in code).  Refused (ERR_USER) onto the slug of another page,
 * deleted or not, and for a deleted page.  A new title with the same slug
 * changes the title only. */
int wiki_rename(wiki *w, const char *name, const char *new_title, const char *author,
                wiki_rename_res *res, err_info *e);

/* 1 when a live (not deleted) page has this slug, or an alias of one.  w is a wiki *: the
 * signature fits layout_opts.page_exists with ctx = the wiki. */
int wiki_page_exists(void *w, const char *slug);

/* Checks a title: not empty after trimming, no control characters, at most
 * WIKI_MAX_TITLE bytes, and it must slugify to something.  0 ok, -1 with e
 * set (ERR_USER). */
int wiki_check_title(const char *title, err_info *e);

/* Checks a body: valid UTF-8, no NUL, at most WIKI_MAX_PAGE bytes. */
int wiki_check_text(const char *text, size_t len, err_info *e);

typedef struct wiki_save_req {
	const char *name;  /* page slug or title; a new page when missing */
	const char *title; /* new title, or NULL: keep it / derive it */
	int64_t base;      /* revision the text is based on; -1: current head;
	                      0: the page must not exist yet */
	const char *text;
	size_t len;
	const char *author;
	const char *summary; /* may be NULL */
	int64_t at_ms;       /* 0: now */
} wiki_save_req;

typedef struct wiki_save_res {
	char *slug;        /* caller frees (wiki_save_res_clear) */
	int64_t num;       /* the new head number (the old one when unchanged) */
	int created;       /* the page was created */
	int unchanged;     /* same text and title as the head: nothing saved */
	int merged;        /* the head had moved: saved a clean three-way merge */
	int64_t head_num;  /* merged or ERR_CONFLICT: the head it met */
	char *head_author; /* ... its author */
	int64_t head_at_ms;
	char *conflict_text; /* ERR_CONFLICT after a merge: the text with
	                        conflict markers (NULL for base 0) */
	size_t conflict_len;
} wiki_save_res;

void wiki_save_res_clear(wiki_save_res *r);

/* Saves a revision.  `res` is overwritten: clear a used one first
 * (wiki_save_res_clear).  A new page takes its title from req->title, else
 * the text's first heading, else req->name.
 * When base > 0 and the head has moved since, the text is merged three-way
 * (base, head, text) inside the write transaction: a clean merge is saved
 * as the child of the head (res->merged); a conflict saves nothing and
 * returns ERR_CONFLICT with the marked-up text in res->conflict_text.  A
 * text based on a revision that still has conflict markers (and a head
 * without them) is refused with ERR_USER.  base 0 on an existing page is
 * ERR_CONFLICT. */
int wiki_save(wiki *w, const wiki_save_req *req, wiki_save_res *res, err_info *e);

/* Batching: between wiki_batch_begin and wiki_batch_end all saves share one
 * write transaction (bulk import).  wiki_batch_end(w, 0) rolls back. */
int wiki_batch_begin(wiki *w, err_info *e);
int wiki_batch_end(wiki *w, int commit, err_info *e);

/* Imports one Markdown text under the name of its file (slug from the file
 * name without ".md", title from the first heading else the file name).
 * An unchanged text adds no revision (res->unchanged). */
int wiki_import_text(wiki *w, const char *file_name, const char *text, size_t len,
                     const char *author, wiki_save_res *res, err_info *e);

/* --- templates ------------------------------------------------------------- */

/* Pages titled "Templates/NAME" are templates for new pages.  A page
 * created under such a name keeps it as its title (its heading is usually
 * the "# {{title}}" placeholder). */
#define WIKI_TEMPLATE_PREFIX "Templates/"

/* The text a new page starts from: the template text[0..len) with
 * {{title}}, {{author}} and {{date}} (YYYY-MM-DD, local time of at_ms)
 * replaced, or, when text is NULL, the built-in default: the title as a
 * level-1 heading and an empty line.  Other {{...}} stay as they are.
 * Returns a NUL-terminated copy (caller frees) and its length in *outlen. */
char *wiki_template_fill(const char *text, size_t len, const char *title, const char *author,
                         int64_t at_ms, size_t *outlen);

/* Fills the wiki with the bundled sample pages. */
int wiki_fill_sample(wiki *w, const char *author, err_info *e);

/* store_check plus: the link table matches the links of every head body.
 * Returns the number of problems (report lines in *report, caller frees,
 * NULL when clean) or -1. */
int wiki_check(wiki *w, char **report, err_info *e);

/* --- presence ----------------------------------------------------------- */

/* A heartbeat older than this is stale: its process is gone or stuck. */
#define WIKI_PRESENCE_STALE_MS 15000

/* Records that this process (pid, host name) shows page `slug`, viewing or
 * editing, now.  Old rows of any process are cleaned on the way. */
int wiki_presence_beat(wiki *w, const char *author, const char *slug, int editing, err_info *e);
/* Removes this process's row (it quits). */
void wiki_presence_leave(wiki *w);
/* The others on `slug` (or on every page when NULL): fresh heartbeats, not
 * this process, not processes of this host that are gone. */
int wiki_presence_others(wiki *w, const char *slug, store_presence_list *out, err_info *e);

/* Milliseconds since the epoch. */
int64_t wiki_now_ms(void);

#endif
