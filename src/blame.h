/* blame: per-line authorship of a page from its revision history.
 *
 * The history comes in as plain data (no store dependency): the revisions
 * of one page, oldest first.  The rule is git blame's without move or copy
 * detection: every line of the first revision belongs to it; then, walking
 * forward, revision k is diffed against revision k-1 with diff.c (libgit2's
 * line diff, zero context) - a line the diff leaves unchanged keeps the
 * revision it had, a line it adds or changes belongs to revision k.  A
 * line that is deleted and later written again counts as new; a last line
 * that only gains or loses its final newline counts as changed (the diff
 * sees a different line).  Reverting to an older text therefore makes the
 * reverting revision the author of every line it brings back.
 *
 * Cost: one line diff per consecutive pair (xdiff's Myers, about
 * O((N + M) * D) for N, M lines and D changed lines; identical neighbours
 * are skipped), plus O(lines) memory for two origin arrays.
 *
 * Ownership: the result's array belongs to the result (blame_result_clear
 * frees it); blame_line.author points into the caller's blame_rev array and
 * is valid as long as that is.  Errors: -1 with err_info set by diff (a text
 * over 1 GiB, a libgit2 failure); allocation failure aborts. */
#ifndef DOCDAY_BLAME_H
#define DOCDAY_BLAME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct blame_rev {
	int num; /* the revision number users see */
	const char *author;
	int64_t at_ms;    /* time of the save, ms since the epoch */
	const char *text; /* the page text of this revision */
	size_t len;
} blame_rev;

typedef struct blame_line {
	size_t rev;         /* index into the input array of the revision that
	                       last changed the line */
	int num;            /* revs[rev].num */
	const char *author; /* revs[rev].author (borrowed) */
	int64_t at_ms;      /* revs[rev].at_ms */
	size_t off, len;    /* the line in the last revision's text, no '\n' */
} blame_line;

typedef struct blame_result {
	blame_line *lines; /* one per line of the last revision */
	size_t nlines;
} blame_result;

/* Computes who last changed each line of revs[nrevs-1], with revs oldest
 * first.  Fills *out (caller frees with blame_result_clear) and returns 0;
 * no revisions or an empty last text give no lines.  Returns -1 with e set
 * and *out empty on failure. */
int blame_compute(const blame_rev *revs, size_t nrevs, blame_result *out, err_info *e);

/* Frees the lines and zeroes the result; NULL-safe. */
void blame_result_clear(blame_result *r);

#endif
