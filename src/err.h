/* err: the error record that library code fills and main/cli/ui report.
 *
 * Every fallible function in docday takes an optional `err_info *` as its
 * last argument.  On failure it returns -1 (or NULL) and, when the pointer is
 * not NULL, writes one line a user can act on and a category code.  Library
 * code never prints or exits; only cli/main map the code to an exit status
 * and only the TUI shows the message. */
#ifndef DOCDAY_ERR_H
#define DOCDAY_ERR_H

/* Categories double as the command line's exit codes. */
enum err_code {
	ERR_NONE = 0,
	ERR_USER = 1,     /* a missing page, a bad title, bad input text */
	ERR_USAGE = 2,    /* bad options or arguments */
	ERR_DB = 3,       /* the database: missing, locked, corrupt, too new */
	ERR_CONFLICT = 4, /* a save based on a revision that is no longer head */
};

typedef struct err_info {
	int code;
	char msg[512];
} err_info;

/* Sets code and a printf-formatted message; NULL-safe on `e`.  Always
 * returns -1 so callers can write `return err_set(e, ...)`. */
int err_set(err_info *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Clears `e` (NULL-safe). */
void err_clear(err_info *e);

#endif
