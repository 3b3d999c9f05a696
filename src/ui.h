/* ui: the terminal interface (ncursesw).  Only ui*.c and view_*.c include
 * <curses.h>.
 *
 * ui_run takes over the terminal until the user quits and always gives it
 * back restored, on every exit path (quit, Ctrl-C, SIGTERM, SIGHUP, a fatal
 * error).  Pages come either from a wiki database or, with no database, from
 * Markdown files in one folder (`docday view FILE.md`). */
#ifndef DOCDAY_UI_H
#define DOCDAY_UI_H

#include "buf.h"
#include "err.h"
#include "wiki.h"

typedef struct ui_opts {
	wiki *w;                /* the wiki, or NULL to view files */
	const char *start;      /* page name (slug or title), or a file path */
	const char *label;      /* shown in the status line: db path or folder */
	int no_color;           /* NO_COLOR or --color=never */
	const char *author;     /* who saves (login name) */
	int read_only;          /* browse only: no saving, no presence rows */
	int restricted;         /* no way out: no suspend, no $EDITOR, no files */
	int ascii;              /* layout decorations from ASCII only */
	int split_graphemes;    /* emoji sequences drawn split (layout_opts) */
	const char *stdin_text; /* file mode: the text of "-" (read before) */
	size_t stdin_len;
} ui_opts;

/* Appends the key bindings, one action a line: keys, action name, help.
 * The help view and `docday help keys` both print this. */
void ui_keys_text(buf *out);

/* Runs the interface.  Returns 0, or -1 with e set when the terminal could
 * not be set up (stdout not a terminal, no usable terminal type). */
int ui_run(const ui_opts *o, err_info *e);

#endif
