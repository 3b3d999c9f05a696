/* export: the wiki as a static HTML site, and as a folder of Markdown files
 * that imports back into the same pages.
 *
 * HTML (export_html): index.html (every page, A to Z), SLUG.html and
 * SLUG.history.html per page, recent.html, wanted.html, search.html with
 * search.js and its index search-index.js (the JSON index assigned to a
 * global, so search works from file:// too), style.css; with
 * with_revisions also SLUG.rN.html for every revision but the head and
 * SLUG.rN.diff.html for every revision that has a parent.  A page whose
 * slug is index, recent, wanted or search writes _SLUG.html instead; a slug
 * too long for a file name is shortened and given a hash.  Pages are
 * rendered by cmark-gfm's HTML renderer after docday rewrites the parse
 * tree: page links become relative SLUG.html links, links to missing pages
 * become <span class="missing">, headings get the terminal's anchors.
 *
 * Markdown (export_md): SLUG.md per page, _index.md, and the manifest
 * _docday.tsv (file, slug, title, whether export added a heading) that
 * export_md_import reads back so that titles and bodies survive byte for
 * byte.  A slug never starts with '_', so these names never collide.
 *
 * Both write into a temporary folder beside DIR and rename it into place;
 * DIR must be absent, empty, or an earlier docday export (it holds the
 * marker file .docday-export), otherwise ERR_USER and nothing is touched.
 * A failed export removes only its temporary folder and leaves DIR as it
 * was.
 *
 * Safety: raw HTML is dropped unless opts->unsafe; javascript:, vbscript:,
 * data: and file: links and images are neutralised in either mode; every
 * file written has no C0 control other than TAB, LF and CR, no DEL and no
 * C1 control (replaced by a visible Control Pictures glyph or U+FFFD); file
 * names come from slugs only; all text docday writes is HTML-escaped.
 *
 * Errors: -1 with err_info filled: ERR_USER for the folder (refused, not
 * writable, disk full), ERR_DB for the database. */
#ifndef DOCDAY_EXPORT_H
#define DOCDAY_EXPORT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "wiki.h"

/* The file that marks a folder as docday's own export. */
#define EXPORT_MARKER ".docday-export"
/* The Markdown folder's manifest and index. */
#define EXPORT_MANIFEST "_docday.tsv"
#define EXPORT_MD_INDEX "_index.md"

typedef struct export_opts {
	int unsafe;         /* pass raw HTML through (never set by default) */
	int with_revisions; /* HTML: also every revision and its diff */
	/* Called after each page with the pages done and the total; may be
	 * NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *ctx;
} export_opts;

typedef struct export_stats {
	size_t pages;             /* pages exported */
	size_t files;             /* files written ... */
	size_t kept;              /* ... of which this many were the same in the
	                             export replaced, and are linked from it */
	unsigned long long bytes; /* bytes written */
	double seconds;           /* wall time */
} export_stats;

/* Writes the HTML site of every page (not deleted) into dir.  opts and st
 * may be NULL.  Returns 0, or -1 with e set. */
int export_html(wiki *w, const char *dir, const export_opts *opts, export_stats *st, err_info *e);

/* For tests and fuzzing (tests/fuzz/fuzz_export.c): appends to out the
 * <article> of one page as export_html writes it into SLUG.html -- the
 * <h1> (the text's first heading, else "page"), the contents, the body --
 * with the same tree rewriting (anchors, page links, missing and unsafe
 * links), the same raw-HTML rule (unsafe) and the same control-character
 * cleaning as every file of the site.  Without a wiki: pages is a
 * NULL-terminated list of the slugs that exist (NULL: none).  Returns 0,
 * or -1 with e set when the text is too long to parse. */
int export_page_html(const char *md, size_t len, const char *const *pages, int unsafe, buf *out,
                     err_info *e);

/* Writes the Markdown folder into dir (opts->unsafe and with_revisions are
 * ignored).  Returns 0, or -1 with e set. */
int export_md(wiki *w, const char *dir, const export_opts *opts, export_stats *st, err_info *e);

/* --- importing a Markdown folder back -------------------------------------
 *
 * The import command reads a folder as before, but when the folder holds
 * EXPORT_MANIFEST it loads it first and imports each file through
 * export_md_import, and skips the names export_md_own_file() names. */

typedef struct export_manifest export_manifest;

/* Loads dir/_docday.tsv.  Returns 1 with *out set (caller frees with
 * export_manifest_free), 0 when dir has no manifest (*out NULL), -1 when it
 * cannot be read or is not one of ours (e set, ERR_USER). */
int export_manifest_load(const char *dir, export_manifest **out, err_info *e);
void export_manifest_free(export_manifest *m);

/* 1 for the files export_md writes that are not pages (_index.md, the
 * manifest, the marker): an import of the folder skips them. */
int export_md_own_file(const char *file_name);

/* Imports one file of a Markdown folder.  When m lists the file (by its
 * base name) the page gets the slug and title the manifest gives, and the
 * heading export_md added is removed again (only when the text still
 * starts with exactly that heading; when it was edited, the file is
 * imported like any other: title from its first heading).  Files the
 * manifest does not list, and m == NULL, are imported as wiki_import_text
 * does.  Returns 0 with res filled (wiki_save_res_clear), or -1. */
int export_md_import(wiki *w, const export_manifest *m, const char *path, const char *text,
                     size_t len, const char *author, wiki_save_res *res, err_info *e);

#endif
