/* ui_int: what the TUI's own files share: the ui state, the view ops table,
 * actions and key bindings, drawing helpers.  Not for use outside ui*.c and
 * view_*.c. */
#ifndef DOCDAY_UI_INT_H
#define DOCDAY_UI_INT_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "buf.h"
#include "layout.h"
#include "markdown.h"
#include "ui.h"

/* Every action: its name and its help line; the help view prints them with
 * the keys bound to each, from the same table that dispatches keys. */
#define UI_ACTIONS(X)                                                                              \
	X(NONE, "none", "")                                                                        \
	X(DOWN, "down", "scroll down one line (N lines with a count)")                             \
	X(UP, "up", "scroll up one line")                                                          \
	X(PAGE_DOWN, "page-down", "scroll down one screen")                                        \
	X(PAGE_UP, "page-up", "scroll up one screen")                                              \
	X(HALF_DOWN, "half-down", "scroll down half a screen")                                     \
	X(HALF_UP, "half-up", "scroll up half a screen")                                           \
	X(TOP, "top", "go to the top, or to line N with a count (12g)")                            \
	X(BOTTOM, "bottom", "go to the end, or to line N with a count")                            \
	X(LEFT, "left", "scroll wide lines left")                                                  \
	X(RIGHT, "right", "scroll wide lines right")                                               \
	X(FIND, "find", "search forward in the page")                                              \
	X(FIND_BACK, "find-back", "search backward in the page")                                   \
	X(FIND_NEXT, "find-next", "next match; with no search: create a new page (as c)")          \
	X(FIND_PREV, "find-prev", "previous match")                                                \
	X(NEXT_LINK, "next-link", "focus the next link")                                           \
	X(PREV_LINK, "prev-link", "focus the previous link")                                       \
	X(FOLLOW, "follow", "follow the focused link / open the selected entry")                   \
	X(BACK, "back", "go back to the previous page")                                            \
	X(FORWARD, "forward", "go forward again")                                                  \
	X(NEXT_HEADING, "next-heading", "jump to the next heading")                                \
	X(PREV_HEADING, "prev-heading", "jump to the previous heading")                            \
	X(OUTLINE, "outline", "the outline (table of contents) of the page")                       \
	X(OPEN, "open", "open a page by name (Tab completes)")                                     \
	X(INDEX, "index", "the index of all pages")                                                \
	X(SEARCH_WIKI, "search", "search the whole wiki")                                          \
	X(BACKLINKS, "backlinks", "the pages linking to this page")                                \
	X(RECENT, "recent", "recent changes")                                                      \
	X(SORT, "sort", "change the sort order of a list")                                         \
	X(COPY, "copy", "copy the focused link's URL to the clipboard (OSC 52)")                   \
	X(EDIT, "edit", "edit this page (Ctrl-S saves, Ctrl-X leaves)")                            \
	X(HISTORY, "history", "revisions of this page (Enter d m u b inside)")                     \
	X(EDIT_EXTERNAL, "edit-external", "edit this page in $VISUAL or $EDITOR")                  \
	X(DASHBOARD, "dashboard", "documentation day: wanted, stubs, today, now")                  \
	X(NEW_PAGE, "new-page", "create a new page by title")                                      \
	X(RENAME, "rename", "rename this page; links to it follow")                                \
	X(HELP, "help", "this help")                                                               \
	X(REDRAW, "redraw", "redraw the screen")                                                   \
	X(CLOSE, "close", "close this view; quit from the page")                                   \
	X(QUIT, "quit", "quit docday")

enum ui_action {
#define UI_ENUM(id, name, help) UA_##id,
	UI_ACTIONS(UI_ENUM)
#undef UI_ENUM
	        UA_COUNT
};

struct ui_action_info {
	const char *name;
	const char *help;
};
extern const struct ui_action_info ui_actions[UA_COUNT];

/* Key codes beyond ncurses' for Alt-arrows (defined with define_key). */
enum { UI_KEY_ALT_LEFT = KEY_MAX + 1, UI_KEY_ALT_RIGHT };

struct ui_binding {
	int key;  /* a curses key code or character */
	int key2; /* second key of a two-key sequence (]] [[), or 0 */
	enum ui_action action;
};
extern const struct ui_binding ui_bindings[];

/* Appends the display name of a key ("j", "Down", "Ctrl-L", "]]"). */
void ui_key_name(buf *b, const struct ui_binding *k);

struct ui;
struct view;

/* A view, tig-style: a static ops table and private state. */
struct view_ops {
	const char *name;
	void (*draw)(struct view *v, int rows, int cols);
	/* 1 when the action was handled. */
	int (*handle)(struct view *v, enum ui_action a, int count);
	/* Status line: left (what) and right (where). */
	void (*status)(struct view *v, buf *left, buf *right);
	/* Optional: the message line when there is no message. */
	void (*hint)(struct view *v, buf *out);
	/* Optional: raw keys before the binding table (the editor types text).
	 * r is get_wch's return (OK or KEY_CODE_YES); 1 when consumed. */
	int (*key)(struct view *v, int r, wint_t ch);
	/* Optional: called about every 250 ms, and with final = 1 when the
	 * program is about to end (quit, SIGHUP, SIGTERM): the editor keeps
	 * its draft here. */
	void (*tick)(struct view *v, int final);
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *st;
	struct ui *ui;
};

/* A page as loaded for display. */
struct ui_page {
	char *name; /* slug, or file path in file mode */
	char *title;
	char *body;
	size_t len;
	int64_t rev; /* 0 in file mode */
	char *author;
	int64_t at_ms;
};

struct ui {
	const ui_opts *opts;
	struct view *stack[16];
	int depth;
	int rows, cols;
	int color;
	int quit;
	buf msg;
	int msg_error;
	/* Live: another process committed when change_seq moves (views compare
	 * it in their tick); who else is on the current page. */
	int64_t data_version;
	unsigned change_seq;
	int64_t last_beat, others_at;
	char *beat_slug; /* what the last heartbeat said */
	int beat_editing;
	buf others; /* "alice editing, bob viewing" for the current page */
};

/* --- ui.c --------------------------------------------------------------- */
void ui_message(struct ui *ui, int error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Prompts on the last line; returns the text (caller frees) or NULL when
 * cancelled.  complete (may be NULL) appends completions of a prefix. */
char *ui_prompt(struct ui *ui, const char *label, const char *initial,
                void (*complete)(struct ui *ui, const char *prefix, buf *out));
int ui_push(struct ui *ui, struct view *v);
void ui_pop(struct ui *ui);
struct view *ui_page_view(struct ui *ui);
void ui_free_page(struct ui_page *p);
int ui_load_page(struct ui *ui, const char *name, struct ui_page *p, err_info *e);
/* Loads revision `rev` (0 = head) of a wiki page. */
int ui_load_rev(struct ui *ui, const char *name, int64_t rev, struct ui_page *p, err_info *e);
/* Attributes for a diff line by its origin ('+', '-', '@', ' '). */
attr_t ui_diff_attr(struct ui *ui, char origin, short *pair);
int ui_page_exists(void *ui, const char *slug);
/* Resolves a link of the page `from` to a page name for ui_load_page. */
char *ui_link_target(struct ui *ui, const char *from, const layout_link *l);
/* Curses attributes for a layout style. */
attr_t ui_style_attr(struct ui *ui, uint32_t style, short *pair);
/* Draws one layout line at row y from display column hscroll, at most cols
 * columns; columns [mark_from, mark_to) get the match highlight and spans
 * of link `focus` the focus highlight. */
void ui_draw_line(struct ui *ui, int y, const layout_line *l, int hscroll, int cols, int focus,
                  const int *marks, size_t nmarks);
/* Human age of a time ("3 min ago"). */
void ui_age(buf *b, int64_t at_ms);
void ui_complete_pages(struct ui *ui, const char *prefix, buf *out);

/* The presence of others on a page, formatted; "" when alone. */
void ui_others_on(struct ui *ui, const char *slug, buf *out);

/* --- view_page.c ---------------------------------------------------------- */
struct view *view_page_new(struct ui *ui);
/* Opens a page in the page view, pushing history; 0 or -1 (message shown). */
int view_page_open(struct view *v, const char *name, int at_line, const char *find);
/* Jumps the page view to a layout line / heading index. */
void view_page_goto_heading(struct view *v, size_t heading);
const layout_doc *view_page_layout(struct view *v);
const char *view_page_name(struct view *v);

/* Shows an old revision of a page (history); 0 or -1. */
int view_page_open_rev(struct view *v, const char *name, int64_t rev);
/* Reloads the page shown (after a save), keeping the place. */
void view_page_reload(struct view *v);
/* The source line of the top line shown (1-based), 0 when none. */
int view_page_top_src_line(struct view *v);

/* --- view_edit.c ----------------------------------------------------------- */
/* Opens the editor on an existing page (name, at a source line) or, with
 * base 0, on a new page named `name` starting from `text`. */
struct view *view_edit_new(struct ui *ui, const char *name, int64_t base, const char *text,
                           size_t len, int at_line);
/* The editor for the page shown, or for a new page after asking. */
void view_edit_page(struct ui *ui);
/* Asks for a new title and renames the page shown (wiki_rename). */
void view_edit_rename(struct ui *ui);
void view_edit_create(struct ui *ui, const char *title);
/* `v`: edits the page shown in $VISUAL/$EDITOR through a temporary file
 * and saves the result like the built-in editor does. */
void view_edit_external(struct ui *ui);
/* The slug of the page an editor view edits. */
const char *view_edit_slug(struct view *v);

/* --- view_list.c -------------------------------------------------------- */
struct view *view_index_new(struct ui *ui);
struct view *view_search_new(struct ui *ui, const char *query);
struct view *view_backlinks_new(struct ui *ui, const char *slug);
struct view *view_recent_new(struct ui *ui);
struct view *view_outline_new(struct ui *ui);
struct view *view_help_new(struct ui *ui);
struct view *view_history_new(struct ui *ui, const char *slug);
struct view *view_dashboard_new(struct ui *ui);
/* The diff of revisions a and b (a 0: empty text) of a page. */
struct view *view_diff_new(struct ui *ui, const char *slug, int64_t a, int64_t b);
struct view *view_blame_new(struct ui *ui, const char *slug, int64_t rev);
/* The diff of two texts under a title (a draft against the head). */
struct view *view_diff_texts_new(struct ui *ui, const char *title, const char *a, size_t alen,
                                 const char *b, size_t blen);

#endif
