/* gitlib: the libgit2 functions docday calls, loaded on first use.
 *
 * libgit2 is not linked into the program: linking it loads it and its own
 * dependencies (mbedTLS, libssh2, Kerberos, PCRE2, http-parser) at every
 * start, about 3 ms of relocations that reading a page never needs, and
 * its git_libgit2_init parses the system's CA certificates (another 4 ms).
 * diff_lib_init dlopen()s the library by the SONAME configure found
 * (GIT2_SONAME) when a diff or a merge first needs it, and fills `gitlib`
 * with the functions below.  Only diff.c and merge.c include this header:
 * after it, git_patch_free(p) and the rest call through the table, with
 * the prototypes of <git2.h> checked by the compiler (__typeof__).
 *
 * Errors: see diff_lib_init (diff.h). */
#ifndef DOCDAY_GITLIB_H
#define DOCDAY_GITLIB_H

#include <git2.h>

#include "err.h"

/* Loads libgit2 and fills `gitlib` (once).  0, or -1 with e set (ERR_USER:
 * the library is missing or lacks a function). */
int gitlib_open(err_info *e);

#define GITLIB_FUNCS(X)                                                                            \
	X(git_libgit2_init)                                                                        \
	X(git_libgit2_shutdown)                                                                    \
	X(git_error_last)                                                                          \
	X(git_diff_options_init)                                                                   \
	X(git_patch_from_buffers)                                                                  \
	X(git_patch_free)                                                                          \
	X(git_patch_num_hunks)                                                                     \
	X(git_patch_get_hunk)                                                                      \
	X(git_patch_get_line_in_hunk)                                                              \
	X(git_patch_line_stats)                                                                    \
	X(git_merge_file)                                                                          \
	X(git_merge_file_input_init)                                                               \
	X(git_merge_file_options_init)                                                             \
	X(git_merge_file_result_free)

struct gitlib_fns {
#define GITLIB_PTR(f) __typeof__(f) *f;
	GITLIB_FUNCS(GITLIB_PTR)
#undef GITLIB_PTR
};

extern struct gitlib_fns gitlib;

#ifndef GITLIB_LOADER
#define git_libgit2_init            (gitlib.git_libgit2_init)
#define git_libgit2_shutdown        (gitlib.git_libgit2_shutdown)
#define git_error_last              (gitlib.git_error_last)
#define git_diff_options_init       (gitlib.git_diff_options_init)
#define git_patch_from_buffers      (gitlib.git_patch_from_buffers)
#define git_patch_free              (gitlib.git_patch_free)
#define git_patch_num_hunks         (gitlib.git_patch_num_hunks)
#define git_patch_get_hunk          (gitlib.git_patch_get_hunk)
#define git_patch_get_line_in_hunk  (gitlib.git_patch_get_line_in_hunk)
#define git_patch_line_stats        (gitlib.git_patch_line_stats)
#define git_merge_file              (gitlib.git_merge_file)
#define git_merge_file_input_init   (gitlib.git_merge_file_input_init)
#define git_merge_file_options_init (gitlib.git_merge_file_options_init)
#define git_merge_file_result_free  (gitlib.git_merge_file_result_free)
#endif

#endif
