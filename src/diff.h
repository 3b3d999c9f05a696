/* diff: line diff of two in-memory texts, thin over libgit2.
 *
 * libgit2's xdiff (git_patch_from_buffers, no repository; Myers with the
 * indent heuristic, which `git diff` also uses by default; no whitespace
 * options) finds the changed lines; this module turns its patch into plain
 * data the TUI can paint (hunks, lines with numbers, word-level change
 * ranges), into `git diff`-style unified text for `docday diff`, and into
 * added/removed counts for history.  Hunk headers carry git's default
 * function context (the nearest line above that starts with a letter, '_'
 * or '$'), so the unified text is byte for byte `git diff --no-index`'s
 * from its "---" line on (tests/merge/random.sh checks this).
 * Texts are compared as bytes: CRLF and LF lines differ, invalid UTF-8 is
 * compared as it is, NUL bytes are allowed (libgit2's binary detection is
 * switched off).
 *
 * Word-level ranges (with DIFF_WORDS): inside each replaced run (a block of
 * '-' lines followed directly by a block of '+' lines) both blocks are cut
 * into tokens - a run of word characters (letters and digits of any script
 * by a private C.UTF-8 locale, '_'), a run of white space, or any other
 * single character; each CJK ideograph, kana or Thai/Lao/Khmer/Myanmar
 * character is a token of its own because those scripts do not separate
 * words with spaces; combining marks, variation selectors and whatever
 * follows a zero-width joiner stay in the token before them - plus one empty
 * token per line break.  The two token lists, one token per line joined with
 * '\n', are diffed with libgit2 again (zero context, plain Myers), which
 * keeps libgit2's algorithm rather than a second hand-written one; the
 * changed tokens become byte ranges on their lines, and two ranges separated
 * only by unchanged white space are joined so that a changed phrase lights
 * up as one piece.  Runs longer than DIFF_WORD_LIMIT tokens on either side
 * get no word ranges (word_diff stays 0 and the TUI paints whole lines).
 *
 * Ownership: diff_texts returns a diff_result the caller frees with
 * diff_free; every string and array inside belongs to it.  Errors: -1 (or
 * NULL) with err_info set to ERR_USER when a text is too large for libgit2
 * or libgit2 fails; allocation failure aborts. */
#ifndef DOCDAY_DIFF_H
#define DOCDAY_DIFF_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* The most tokens per side of a replaced run for which word ranges are
 * computed. */
#define DIFF_WORD_LIMIT 20000

/* The largest text accepted (libgit2's xdiff limit is 1 GiB). */
#define DIFF_MAX_TEXT (1024u * 1024 * 1024 - 1)

/* A changed byte range inside one line's text. */
typedef struct diff_range {
	size_t off;
	size_t len;
} diff_range;

typedef struct diff_line {
	char origin;             /* ' ' context, '-' only in a, '+' only in b */
	int old_no;              /* 1-based line number in a; 0 for '+' lines */
	int new_no;              /* 1-based line number in b; 0 for '-' lines */
	const char *text;        /* the line without its '\n' ('\r' stays), NUL-terminated */
	size_t len;              /* bytes of text */
	int no_eol;              /* the last line of its text, with no '\n' after it */
	int word_diff;           /* 1: part of a replaced run and `words` computed */
	const diff_range *words; /* changed ranges in text, in order (word_diff) */
	size_t nwords;
} diff_line;

typedef struct diff_hunk {
	int old_start, old_lines; /* as in "@@ -old_start,old_lines ..." */
	int new_start, new_lines;
	const char *header; /* "@@ -1,3 +1,4 @@ context", no newline */
	size_t first;       /* index of its first line in diff_result.lines */
	size_t count;       /* number of its lines */
} diff_hunk;

typedef struct diff_result {
	diff_hunk *hunks; /* in order; none when the texts are equal */
	size_t nhunks;
	diff_line *lines; /* the lines of all hunks, hunk after hunk */
	size_t nlines;
	int added;   /* '+' lines */
	int removed; /* '-' lines */
	/* private */
	char *text_pool;
	diff_range *range_pool;
} diff_result;

enum diff_flags {
	DIFF_WORDS = 1,      /* compute word-level ranges in replaced runs */
	DIFF_HUNKS_ONLY = 2, /* fill hunks and counts only: no lines (blame) */
};

/* Loads libgit2 (gitlib.h: it is not linked, so that commands that never
 * diff do not pay for it) and initialises it, once per process; every diff_
 * and merge_ function calls it, so callers need not, except to do it
 * before taking a lock.  0, or -1 with e set (ERR_USER) when the library
 * cannot be loaded. */
int diff_lib_init(err_info *e);

/* Releases libgit2's global state if diff_lib_init ran, and the private
 * locale used for word ranges (for tests and leak checkers); a later diff_
 * or merge_ call sets them up again. */
void diff_lib_shutdown(void);

/* Compares a[0..alen) with b[0..blen) (NULL with length 0 is an empty text).
 * context: unchanged lines shown around each change, as `git diff -U`;
 * negative means the whole text (one hunk holding every line when anything
 * changed).  flags: enum diff_flags.  Returns a new result (caller frees
 * with diff_free), or NULL with e set. */
diff_result *diff_texts(const char *a, size_t alen, const char *b, size_t blen, int context,
                        int flags, err_info *e);

/* Frees a result; NULL-safe. */
void diff_free(diff_result *d);

/* Appends a `git diff`-style unified diff to out: "--- a/LABEL_A",
 * "+++ b/LABEL_B" (a tab after a label that holds a space, as git does),
 * then the hunks with `context` lines of context (negative: 3), and
 * "\ No newline at end of file" after a last line without one.  Equal texts
 * append nothing.  Control characters in labels become '?'.  Returns 0, or
 * -1 with e set (out unchanged). */
int diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
                 const char *label_b, int context, buf *out, err_info *e);

/* Counts the lines only in a (*removed) and only in b (*added), as
 * `git diff --numstat` does.  Either pointer may be NULL.  Returns 0, or -1
 * with e set. */
int diff_stat(const char *a, size_t alen, const char *b, size_t blen, int *added, int *removed,
              err_info *e);

#endif
