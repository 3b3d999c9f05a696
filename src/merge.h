/* merge: three-way merge of in-memory texts, thin over libgit2.
 *
 * merge_three runs git_merge_file (no repository) with git's standard
 * markers, seven characters wide and labelled, in the "merge" style (no base
 * section):
 *
 *     <<<<<<< writer1 (revision 5)
 *     our lines
 *     =======
 *     their lines
 *     >>>>>>> writer2 (revision 6)
 *
 * It uses the same xdiff merge level as `git merge-file`
 * (XDL_MERGE_ZEALOUS_ALNUM: conflicts are shrunk to the lines that really
 * differ, and two conflicts at most three lines apart, or separated only by
 * lines without a letter or digit - blank lines, "---" - become one region),
 * so its output is byte for byte what
 * `git merge-file -p -L OURS -L base -L THEIRS` prints (tests/merge/random.sh
 * checks this on random cases).  As in git, a side whose conflicting last
 * line has no newline gets one before the "=======" line, and CRLF text
 * gets CRLF marker lines.
 *
 * Ownership: merge_result.text belongs to the result; merge_result_clear
 * frees it.  Errors: -1 with err_info set to ERR_USER for a text with a NUL
 * byte (libgit2 would treat it as binary and silently return nothing), a
 * text over 1 GiB, or a libgit2 failure; allocation failure aborts. */
#ifndef DOCDAY_MERGE_H
#define DOCDAY_MERGE_H

#include <stddef.h>

#include "err.h"

typedef struct merge_result {
	char *text;    /* the merged text, NUL-terminated; with markers when !clean */
	size_t len;    /* bytes, without the terminator */
	int clean;     /* 1 when there were no conflicts */
	int conflicts; /* number of conflict regions (0 when clean) */
} merge_result;

/* Merges the changes from base to ours and from base to theirs (each a
 * pointer and a length; NULL with 0 is an empty text).  our_label and
 * their_label follow "<<<<<<< " and ">>>>>>> " (NULL: "ours", "theirs";
 * control characters become spaces).  Fills *out (caller frees with
 * merge_result_clear) and returns 0, also when there are conflicts; returns
 * -1 with e set, and *out empty, on failure. */
int merge_three(const char *base, size_t base_len, const char *ours, size_t ours_len,
                const char *theirs, size_t theirs_len, const char *our_label,
                const char *their_label, merge_result *out, err_info *e);

/* Frees the text and zeroes the result; NULL-safe. */
void merge_result_clear(merge_result *r);

/* Returns 1 when text still holds a conflict marker line - one that starts
 * with "<<<<<<< " or ">>>>>>> " (or is exactly "<<<<<<<" / ">>>>>>>"), a
 * trailing '\r' allowed - and stores its 1-based line number in
 * *first_line (when not NULL); returns 0 otherwise.  A lone "=======" line
 * is not counted: in Markdown it underlines a heading, and every conflict
 * merge_three writes has the two angle-bracket lines around it anyway. */
int merge_has_markers(const char *text, size_t len, int *first_line);

#endif
