/* view_edit: the built-in editor, a view over a textbuf.  Keys follow
 * nano: arrows, Home/End, PgUp/PgDn, Ctrl-Left/Right by word, Ctrl-K cut a
 * line, Ctrl-U paste, Alt-U undo, Alt-E redo, Alt-\ and Alt-/ start and
 * end of the text, Ctrl-W find, Ctrl-S save,
 * Ctrl-X (or Ctrl-Q) leave.  The text is soft-wrapped at the window width
 * and the cursor moves by display lines.  A save goes through wiki_save
 * with the revision the text was based on, so a concurrent change merges or
 * comes back as a conflict with markers in the buffer; nothing is lost. */
#include "ui_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "merge.h"
#include "store.h"
#include "textbuf.h"
#include "u8.h"

/* Milliseconds between draft saves while typing. */
#define DRAFT_EVERY_MS 3000

#define CTRL(c) ((c)&0x1f)

enum { KEY_CTRL_LEFT = KEY_MAX + 10, KEY_CTRL_RIGHT };

struct edit {
	textbuf *tb;
	char *name;        /* slug, or the title of a new page */
	char *slug;        /* the page's slug: drafts are kept under it */
	int dirty;         /* keys since the last draft */
	unsigned seen_seq; /* ui->change_seq last looked at */
	int64_t told;      /* the newer head we already told the user about */
	int64_t last_draft;
	int64_t base; /* revision the text is based on; 0 for a new page */
	int rows, cols;
	size_t top_line, top_row; /* first display row shown */
	char *query;
	int esc; /* the last key was ESC: the next is Alt-something */
};

/* --- scrolling ----------------------------------------------------------- */

/* Display rows from (top_line, top_row) down to the cursor; -1 when the
 * cursor is above the top. */
static long long rows_to_cursor(struct edit *s, size_t crow)
{
	tb_pos c = tb_cursor(s->tb);
	long long n = 0;
	size_t l;

	if (c.line < s->top_line || (c.line == s->top_line && crow < s->top_row))
		return -1;
	if (c.line == s->top_line)
		return (long long)(crow - s->top_row);
	n = (long long)(tb_line_rows(s->tb, s->top_line, s->cols) - s->top_row);
	for (l = s->top_line + 1; l < c.line && n < s->rows; l++)
		n += (long long)tb_line_rows(s->tb, l, s->cols);
	return n + (long long)crow;
}

static void keep_cursor_visible(struct edit *s)
{
	size_t crow, ccol;
	tb_pos c = tb_cursor(s->tb);
	long long d;

	tb_pos_to_display(s->tb, c, s->cols, &crow, &ccol);
	d = rows_to_cursor(s, crow);
	if (d < 0) {
		s->top_line = c.line;
		s->top_row = crow;
		return;
	}
	/* Scroll down one display row at a time until the cursor fits. */
	while (d >= s->rows) {
		if (s->top_row + 1 < tb_line_rows(s->tb, s->top_line, s->cols)) {
			s->top_row++;
		} else {
			s->top_line++;
			s->top_row = 0;
		}
		d--;
	}
}

/* --- painting ------------------------------------------------------------- */

static void paint_row(const char *text, size_t len, const tb_row *r, int cols)
{
	size_t off = r->start, col = r->col0;
	tb_char ch;
	int x = 0;

	while (off < r->end && x < cols) {
		size_t next = tb_char_next(text, len, off, col, &ch);
		int w = (int)ch.width;

		if (x + w > cols)
			w = cols - x;
		if (ch.kind == TB_CH_TAB) {
			for (int i = 0; i < w; i++)
				addch(' ');
		} else if (ch.kind == TB_CH_SPECIAL) {
			buf g = BUF_INIT;

			u8_encode(&g, ch.glyph);
			attron(A_REVERSE);
			addstr(buf_cstr(&g));
			attroff(A_REVERSE);
			buf_free(&g);
		} else {
			addnstr(text + off, (int)ch.len);
		}
		x += (int)ch.width;
		col += ch.width;
		off = next;
	}
}

static void edit_draw(struct view *v, int rows, int cols)
{
	struct edit *s = v->st;
	tb_rows wr = TB_ROWS_INIT;
	size_t line = s->top_line, row = s->top_row, crow, ccol;
	tb_pos c;
	int y = 0, cy = -1, cx = 0;

	s->rows = rows;
	s->cols = cols;
	keep_cursor_visible(s);
	line = s->top_line;
	row = s->top_row;
	c = tb_cursor(s->tb);
	tb_pos_to_display(s->tb, c, cols, &crow, &ccol);
	for (; y < rows && line < tb_nlines(s->tb); line++, row = 0) {
		size_t len;
		const char *text = tb_line(s->tb, line, &len);

		tb_wrap(s->tb, line, cols, &wr);
		for (; row < wr.n && y < rows; row++, y++) {
			move(y, 0);
			paint_row(text, len, &wr.v[row], cols);
			if (line == c.line && row == crow)
				cy = y, cx = (int)ccol;
		}
	}
	for (; y < rows; y++)
		mvaddstr(y, 0, "~");
	tb_rows_free(&wr);
	if (cy >= 0) {
		curs_set(1);
		move(cy, cx < cols ? cx : cols - 1);
	}
}

static void edit_status(struct view *v, buf *left, buf *right)
{
	struct edit *s = v->st;
	size_t l, col;

	tb_cursor_linecol(s->tb, &l, &col);
	buf_printf(left, " Editing %s%s%s", s->name, s->base ? "" : " (new page)",
	           tb_modified(s->tb) ? "  [modified]" : "");
	if (v->ui->others.len)
		buf_printf(left, "  [%s]", buf_cstr(&v->ui->others));
	buf_printf(right, "line %zu, col %zu ", l, col);
}

static void edit_hint(struct view *v, buf *out)
{
	(void)v;
	buf_puts(out, "^S save  ^X leave  ^K cut  ^U paste  M-U undo  M-E redo  ^W find");
}

/* --- saving and leaving ----------------------------------------------------- */

static const char *author_of(struct ui *ui)
{
	return ui->opts->author ? ui->opts->author : "unknown";
}

static void leave(struct view *v)
{
	curs_set(0);
	ui_pop(v->ui);
}

/* Saves the buffer; on success leaves the editor and shows the page. */
static void save(struct view *v)
{
	struct edit *s = v->st;
	struct ui *ui = v->ui;
	wiki_save_req req = { 0 };
	wiki_save_res res = { 0 };
	err_info e = { 0 };
	char *summary, *text;
	size_t len;

	summary = ui_prompt(ui, "Summary of the change (Enter saves, Esc goes back): ", NULL, NULL);
	if (!summary)
		return;
	text = tb_text(s->tb, &len);
	req.name = s->name;
	req.base = s->base;
	req.text = text;
	req.len = len;
	req.author = author_of(ui);
	req.summary = summary;
	if (wiki_save(ui->opts->w, &req, &res, &e) == 0) {
		char *slug = strdup(res.slug);

		if (res.merged)
			ui_message(ui, 0,
			           "saved revision %lld, merged with %s's change (revision %lld)",
			           (long long)res.num, res.head_author, (long long)res.head_num);
		else if (res.unchanged)
			ui_message(ui, 0, "no change to save");
		else
			ui_message(ui, 0, "saved revision %lld", (long long)res.num);
		tb_mark_saved(s->tb);
		store_draft_delete(wiki_store(ui->opts->w), req.author, s->slug, NULL);
		leave(v); /* frees s */
		if (strcmp(view_page_name(ui_page_view(ui)) ? view_page_name(ui_page_view(ui)) : "",
		           slug) == 0)
			view_page_reload(ui_page_view(ui));
		else
			view_page_open(ui_page_view(ui), slug, 0, NULL);
		free(slug);
	} else if (e.code == ERR_CONFLICT && res.conflict_text) {
		/* Someone saved the same lines: keep this text as a draft (based
		 * on the revision it started from) and show both, marked. */
		textbuf *nt = tb_new_from(res.conflict_text, res.conflict_len);

		store_draft_put(wiki_store(ui->opts->w), req.author, s->slug, s->base, text, len,
		                wiki_now_ms(), NULL);

		tb_free(s->tb);
		s->tb = nt;
		s->base = res.head_num;
		s->top_line = s->top_row = 0;
		ui_message(ui, 1,
		           "%s changed this page too: resolve the <<<<<<< marked places, then "
		           "save again",
		           res.head_author);
	} else {
		ui_message(ui, 1, "%s", e.msg);
	}
	wiki_save_res_clear(&res);
	free(text);
	free(summary);
}

static void quit_editor(struct view *v)
{
	struct edit *s = v->st;
	char *answer;

	if (tb_modified(s->tb)) {
		answer = ui_prompt(v->ui, "Leave without saving your changes? (y/n) ", NULL, NULL);
		if (!answer || (answer[0] != 'y' && answer[0] != 'Y')) {
			free(answer);
			return;
		}
		free(answer);
		/* Leaving without saving discards the draft too. */
		store_draft_delete(wiki_store(v->ui->opts->w), author_of(v->ui), s->slug, NULL);
	}
	leave(v);
}

static void find(struct view *v)
{
	struct edit *s = v->st;
	tb_match m;
	char *q = ui_prompt(v->ui, "Find: ", s->query, NULL);

	if (!q)
		return;
	if (*q) {
		free(s->query);
		s->query = q;
	} else {
		free(q);
	}
	if (!s->query)
		return;
	if (!tb_find(s->tb, s->query, 1, 1, &m))
		ui_message(v->ui, 1, "not found: %s", s->query);
	else if (m.wrapped)
		ui_message(v->ui, 0, "search wrapped to the top");
}

/* --- keys ------------------------------------------------------------------- */

static void merge_now(struct view *v);

static int alt_key(struct view *v, wint_t ch)
{
	struct edit *s = v->st;

	switch (ch) {
	case 'u':
	case 'U':
		if (!tb_undo(s->tb))
			ui_message(v->ui, 0, "nothing to undo");
		return 1;
	case 'e':
	case 'E':
		if (!tb_redo(s->tb))
			ui_message(v->ui, 0, "nothing to redo");
		return 1;
	case '\\': tb_move_doc_start(s->tb); return 1;
	case '/': tb_move_doc_end(s->tb); return 1;
	case 'm':
	case 'M': merge_now(v); return 1;
	default: return 1;
	}
}

static int function_key(struct view *v, wint_t ch)
{
	struct edit *s = v->st;
	int page = s->rows > 2 ? s->rows - 2 : 1;

	switch (ch) {
	case KEY_LEFT: tb_move_char(s->tb, -1); break;
	case KEY_RIGHT: tb_move_char(s->tb, 1); break;
	case KEY_UP: tb_move_visual(s->tb, -1, s->cols); break;
	case KEY_DOWN: tb_move_visual(s->tb, 1, s->cols); break;
	case KEY_HOME: tb_move_home(s->tb); break;
	case KEY_END: tb_move_end(s->tb); break;
	case KEY_PPAGE: tb_move_page(s->tb, -1, (size_t)page, s->cols); break;
	case KEY_NPAGE: tb_move_page(s->tb, 1, (size_t)page, s->cols); break;
	case KEY_CTRL_LEFT: tb_move_word(s->tb, -1); break;
	case KEY_CTRL_RIGHT: tb_move_word(s->tb, 1); break;
	case KEY_BACKSPACE: tb_backspace(s->tb); break;
	case KEY_DC: tb_delete(s->tb); break;
	case KEY_ENTER: tb_newline(s->tb); break;
	default: return 1; /* F-keys and others do nothing here */
	}
	return 1;
}

static int edit_key(struct view *v, int r, wint_t ch)
{
	struct edit *s = v->st;

	buf_truncate(&v->ui->msg, 0);
	s->dirty = 1;
	if (r == KEY_CODE_YES) {
		s->esc = 0;
		return function_key(v, ch);
	}
	if (s->esc) {
		s->esc = 0;
		return alt_key(v, ch);
	}
	switch (ch) {
	case 27: s->esc = 1; return 1;
	case CTRL('s'): save(v); return 1;
	case CTRL('x'):
	case CTRL('q'): quit_editor(v); return 1;
	case CTRL('k'): tb_cut_line(s->tb); return 1;
	case CTRL('u'): tb_paste(s->tb); return 1;
	case CTRL('w'): find(v); return 1;
	case CTRL('a'): tb_move_home(s->tb); return 1;
	case CTRL('e'): tb_move_end(s->tb); return 1;
	case CTRL('l'): clearok(curscr, TRUE); return 1;
	case CTRL('g'):
		ui_message(v->ui, 0,
		           "^S save ^X leave ^K cut line ^U paste M-U undo M-E redo ^W find "
		           "^A/^E line start/end");
		return 1;
	case '\r':
	case '\n': tb_newline(s->tb); return 1;
	case 127:
	case CTRL('h'): tb_backspace(s->tb); return 1;
	case '\t': tb_insert(s->tb, "\t", 1); return 1;
	default: break;
	}
	if (ch < 32 || (ch >= 0x7F && ch < 0xA0))
		return 1; /* other controls insert nothing */
	{
		buf b = BUF_INIT;

		u8_encode(&b, (uint32_t)ch);
		tb_insert(s->tb, b.ptr, b.len);
		buf_free(&b);
	}
	return 1;
}

/* Someone else saved this page while it is open here: say so at once. */
static void notice_newer(struct view *v)
{
	struct edit *s = v->st;
	store_page p = { 0 };

	if (s->seen_seq == v->ui->change_seq)
		return;
	s->seen_seq = v->ui->change_seq;
	if (store_page_get(wiki_store(v->ui->opts->w), s->slug, &p, NULL) == 1 &&
	    p.head_num > s->base && p.head_num != s->told) {
		s->told = p.head_num;
		ui_message(v->ui, 1,
		           "%s saved revision %lld of this page: Alt-M merges it in now (Ctrl-S "
		           "would merge too)",
		           p.last_author ? p.last_author : "someone", (long long)p.head_num);
	}
	store_page_clear(&p);
}

/* Alt-M: three-way merge of the head into the buffer, now. */
static void merge_now(struct view *v)
{
	struct edit *s = v->st;
	struct ui_page base = { 0 }, head = { 0 };
	merge_result m = { 0 };
	err_info e = { 0 };
	char *text, ours[160], theirs[160];
	size_t len;

	if (!s->base || ui_load_page(v->ui, s->slug, &head, &e) < 0) {
		ui_message(v->ui, 1, "%s", e.code ? e.msg : "a new page has nothing to merge");
		return;
	}
	if (head.rev == s->base) {
		ui_message(v->ui, 0, "you have the newest revision: nothing to merge");
		ui_free_page(&head);
		return;
	}
	text = tb_text(s->tb, &len);
	snprintf(ours, sizeof ours, "%s (your text)", author_of(v->ui));
	snprintf(theirs, sizeof theirs, "%s (revision %lld)", head.author ? head.author : "them",
	         (long long)head.rev);
	if (ui_load_rev(v->ui, s->slug, s->base, &base, &e) == 0 &&
	    merge_three(base.body, base.len, text, len, head.body, head.len, ours, theirs, &m,
	                &e) == 0) {
		tb_free(s->tb);
		s->tb = tb_new_from(m.text, m.len);
		s->base = head.rev;
		s->dirty = 1;
		ui_message(v->ui, !m.clean,
		           m.clean ? "merged revision %lld into your text: Ctrl-S saves"
		                   : "merged revision %lld: resolve the <<<<<<< marked places, "
		                     "then save",
		           (long long)head.rev);
	} else {
		ui_message(v->ui, 1, "%s", e.msg);
	}
	merge_result_clear(&m);
	free(text);
	ui_free_page(&base);
	ui_free_page(&head);
}

/* Keeps the unsaved text as a draft: every few seconds while typing, and
 * at once when the program ends (a dropped ssh connection sends SIGHUP). */
static void edit_tick(struct view *v, int final)
{
	struct edit *s = v->st;
	int64_t now = wiki_now_ms();
	char *text;
	size_t len;

	if (!final)
		notice_newer(v);
	if (!s->dirty || (!final && now - s->last_draft < DRAFT_EVERY_MS))
		return;
	s->dirty = 0;
	s->last_draft = now;
	if (!tb_modified(s->tb))
		return;
	text = tb_text(s->tb, &len);
	if (store_draft_put(wiki_store(v->ui->opts->w), author_of(v->ui), s->slug, s->base, text,
	                    len, now, NULL) < 0 &&
	    !final)
		ui_message(v->ui, 1, "could not keep a draft (the database is busy?)");
	free(text);
}

static int edit_handle(struct view *v, enum ui_action a, int count)
{
	(void)v;
	(void)a;
	(void)count;
	return 1; /* every key went through edit_key */
}

static void edit_free(struct view *v)
{
	struct edit *s = v->st;

	tb_free(s->tb);
	free(s->name);
	free(s->slug);
	free(s->query);
	free(s);
	free(v);
}

static const struct view_ops edit_ops = {
	.name = "edit",
	.draw = edit_draw,
	.handle = edit_handle,
	.status = edit_status,
	.hint = edit_hint,
	.key = edit_key,
	.tick = edit_tick,
	.free = edit_free,
};

struct view *view_edit_new(struct ui *ui, const char *name, int64_t base, const char *text,
                           size_t len, int at_line)
{
	struct view *v = calloc(1, sizeof *v);
	struct edit *s = calloc(1, sizeof *s);

	if (!v || !s)
		abort();
	s->tb = tb_new_from(text, len);
	s->name = strdup(name);
	s->slug = u8_slug(name);
	if (!s->slug)
		s->slug = strdup(name);
	s->last_draft = wiki_now_ms();
	s->seen_seq = ui->change_seq;
	s->base = base;
	s->cols = ui->cols > 0 ? ui->cols : 80;
	s->rows = ui->rows > 2 ? ui->rows - 2 : 1;
	if (at_line > 1)
		tb_set_cursor(s->tb, (size_t)at_line - 1, 0);
	/* xterm's Ctrl-arrows, for word moves. */
	define_key("\033[1;5D", KEY_CTRL_LEFT);
	define_key("\033[1;5C", KEY_CTRL_RIGHT);
	v->ops = &edit_ops;
	v->st = s;
	v->ui = ui;
	return v;
}

/* A draft left by an earlier session: restore it (1), or not (0); -1 when
 * the user only looked at it (a diff view was pushed). */
static int offer_draft(struct ui *ui, const char *slug, const char *head, size_t head_len,
                       store_draft *d)
{
	buf q = BUF_INIT;
	char *answer;
	int r;

	if (store_draft_get(wiki_store(ui->opts->w), author_of(ui), slug, d, NULL) != 1)
		return 0;
	buf_puts(&q, "You have an unsaved draft of this page from ");
	buf_put_time(&q, d->at_ms);
	buf_puts(&q, ": r restore, d diff, x discard, Enter ignore: ");
	answer = ui_prompt(ui, buf_cstr(&q), NULL, NULL);
	buf_free(&q);
	r = 0;
	if (answer && answer[0] == 'r') {
		r = 1;
	} else if (answer && answer[0] == 'd') {
		ui_push(ui, view_diff_texts_new(ui, "Your draft against the page (e to edit again)",
		                                head, head_len, d->body, d->len));
		r = -1;
	} else if (answer && answer[0] == 'x') {
		store_draft_delete(wiki_store(ui->opts->w), author_of(ui), slug, NULL);
		ui_message(ui, 0, "draft discarded");
	}
	free(answer);
	if (r != 1)
		store_draft_clear(d);
	return r;
}

static void open_editor(struct ui *ui, const char *name, const char *slug, int64_t base,
                        const char *text, size_t len, int at_line)
{
	store_draft d = { 0 };
	int r = offer_draft(ui, slug, text, len, &d);
	struct view *v;

	if (r < 0)
		return;
	while (ui->depth > 1)
		ui_pop(ui);
	if (r == 1) {
		/* Based on the revision the draft started from: saving merges. */
		v = view_edit_new(ui, name, d.base, d.body, d.len, at_line);
		((struct edit *)v->st)->dirty = 1;
		ui_message(ui, 0, "draft restored: Ctrl-S saves it (merged with any newer change)");
	} else {
		v = view_edit_new(ui, name, base, text, len, at_line);
	}
	ui_push(ui, v);
	store_draft_clear(&d);
}

const char *view_edit_slug(struct view *v)
{
	return ((struct edit *)v->st)->slug;
}

void view_edit_page(struct ui *ui)
{
	struct view *page = ui_page_view(ui);
	const char *name = view_page_name(page);
	struct ui_page pg;
	err_info e = { 0 };

	if (!ui->opts->w) {
		ui_message(ui, 1, "viewing a file: edit it with your editor");
		return;
	}
	if (!name) {
		ui_message(ui, 1, "no page to edit: press c to create one");
		return;
	}
	/* Edit the head as it is now, not as it was when the view loaded. */
	if (ui_load_page(ui, name, &pg, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	open_editor(ui, pg.name, pg.name, pg.rev, pg.body, pg.len, view_page_top_src_line(page));
	ui_free_page(&pg);
}

void view_edit_rename(struct ui *ui)
{
	struct view *page = ui_page_view(ui);
	const char *name = view_page_name(page);
	wiki_rename_res res = { 0 };
	store_page p = { 0 };
	err_info e = { 0 };
	char *title;

	if (!name || wiki_find(ui->opts->w, name, &p, &e) != 1) {
		ui_message(ui, 1, "%s", name ? e.msg : "no page to rename");
		return;
	}
	title = ui_prompt(ui, "Rename to (links to it follow): ", p.title, NULL);
	if (title && *title && strcmp(title, p.title) != 0) {
		if (wiki_rename(ui->opts->w, p.slug, title, author_of(ui), &res, &e) < 0) {
			ui_message(ui, 1, "%s", e.msg);
		} else {
			int line = view_page_top_src_line(page);

			view_page_open(page, res.new_slug, line, NULL);
			ui_message(ui, 0, "renamed to '%s' (%s); links rewritten in %zu page%s",
			           title, res.new_slug, res.npages, res.npages == 1 ? "" : "s");
		}
	}
	wiki_rename_res_clear(&res);
	store_page_clear(&p);
	free(title);
}

/* The text a new page starts from: a template the user picks among the
 * wiki's Templates/ pages, or the built-in default (the title as heading)
 * when there are none or Enter is pressed.  -1 when cancelled (Esc). */
static int pick_template(struct ui *ui, const char *title, buf *out)
{
	store *st = wiki_store(ui->opts->w);
	store_page_list tl = { 0 };
	store_rev r = { 0 };
	buf q = BUF_INIT;
	char *answer = NULL, *text;
	const char *src = NULL;
	size_t len = 0, n, pick = 0;
	int rc = 0;

	store_page_templates(st, &tl, NULL);
	n = tl.n < 9 ? tl.n : 9;
	if (n) {
		buf_puts(&q, "Start from: Enter plain");
		for (size_t i = 0; i < n; i++)
			buf_printf(&q, ", %zu %s", i + 1,
			           tl.v[i].title + strlen(WIKI_TEMPLATE_PREFIX));
		buf_puts(&q, ": ");
		answer = ui_prompt(ui, buf_cstr(&q), NULL, NULL);
		if (!answer) {
			rc = -1;
			goto out;
		}
		if (answer[0] >= '1' && answer[0] <= '9' && !answer[1])
			pick = (size_t)(answer[0] - '0');
		if (pick > n) {
			ui_message(ui, 1, "no template %s", answer);
			rc = -1;
			goto out;
		}
	}
	if (pick && store_rev_get(st, tl.v[pick - 1].id, 0, &r, NULL) == 1) {
		src = r.body;
		len = r.body_len;
	}
	text = wiki_template_fill(src, len, title, author_of(ui), wiki_now_ms(), &len);
	buf_put(out, text, len);
	free(text);
out:
	free(answer);
	buf_free(&q);
	store_rev_clear(&r);
	store_page_list_free(&tl);
	return rc;
}

void view_edit_create(struct ui *ui, const char *title)
{
	struct ui_page pg;
	buf t = BUF_INIT;
	char *slug;

	if (ui_load_page(ui, title, &pg, NULL) == 0) {
		ui_message(ui, 1, "'%s' exists already: opened it", pg.title);
		view_page_open(ui_page_view(ui), pg.name, 0, NULL);
		ui_free_page(&pg);
		return;
	}
	if (wiki_check_title(title, NULL) < 0) {
		err_info e = { 0 };

		wiki_check_title(title, &e);
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	if (pick_template(ui, title, &t) < 0)
		return;
	slug = u8_slug(title);
	open_editor(ui, title, slug, 0, t.ptr, t.len, 3);
	free(slug);
	buf_free(&t);
}

/* Runs the user's editor on path with the terminal handed over; 0 when it
 * exited 0. */
static int run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int status = -1;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	def_prog_mode();
	endwin();
	pid = fork();
	if (pid == 0) {
		/* Through the shell, so EDITOR may carry options ("code -w"). */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	reset_prog_mode();
	refresh();
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void view_edit_external(struct ui *ui)
{
	struct view *page = ui_page_view(ui);
	const char *name = view_page_name(page), *tmpdir = getenv("TMPDIR");
	struct ui_page pg = { 0 };
	err_info e = { 0 };
	char path[4096];
	buf text = BUF_INIT;
	FILE *f;
	int fd;

	if (!ui->opts->w || !name || ui_load_page(ui, name, &pg, &e) < 0) {
		ui_message(ui, 1, "%s", e.code ? e.msg : "no page to edit");
		return;
	}
	snprintf(path, sizeof path, "%s/docday-%s-XXXXXX.md", tmpdir && *tmpdir ? tmpdir : "/tmp",
	         pg.name);
	fd = mkstemps(path, 3);
	if (fd < 0 || write_all(fd, pg.body, pg.len) < 0) {
		ui_message(ui, 1, "cannot write a temporary file: %s", strerror(errno));
		if (fd >= 0)
			close(fd), unlink(path);
		ui_free_page(&pg);
		return;
	}
	close(fd);
	if (run_editor(path) < 0) {
		ui_message(ui, 1, "the editor failed; nothing was saved (your text is in %s)",
		           path);
		ui_free_page(&pg);
		return;
	}
	f = fopen(path, "rb");
	if (f) {
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&text, chunk, n);
		fclose(f);
	}
	if (text.len == pg.len && memcmp(buf_cstr(&text), pg.body, pg.len) == 0) {
		ui_message(ui, 0, "no change");
		unlink(path);
	} else {
		/* The built-in editor saves it (summary, merge, conflicts, draft). */
		struct view *v;
		struct edit *s;

		while (ui->depth > 1)
			ui_pop(ui);
		/* Typed in, not loaded: the text counts as unsaved (leaving asks,
		 * drafts keep it) until the save succeeds. */
		v = view_edit_new(ui, pg.name, pg.rev, "", 0, 1);
		s = v->st;
		tb_insert(s->tb, buf_cstr(&text), text.len);
		tb_move_doc_start(s->tb);
		s->dirty = 1;
		ui_push(ui, v);
		unlink(path);
		save(v);
	}
	buf_free(&text);
	ui_free_page(&pg);
}
