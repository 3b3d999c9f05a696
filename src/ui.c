/* ui: the terminal, the main loop, the view stack, the key table, the
 * status and message lines, the prompt, and painting layout lines (see
 * ui.h and ui_int.h). */
#include "ui_int.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "store.h"
#include "u8.h"

const struct ui_action_info ui_actions[UA_COUNT] = {
#define UI_INFO(id, name, help) { name, help },
	UI_ACTIONS(UI_INFO)
#undef UI_INFO
};

#undef CTRL /* termios.h has one */
#define CTRL(c) ((c)&0x1f)

/* The default key bindings: less, vi and w3m habits. */
const struct ui_binding ui_bindings[] = {
	{ 'j', 0, UA_DOWN },
	{ KEY_DOWN, 0, UA_DOWN },
	{ CTRL('n'), 0, UA_DOWN },
	{ CTRL('e'), 0, UA_DOWN },
	{ 'k', 0, UA_UP },
	{ KEY_UP, 0, UA_UP },
	{ CTRL('p'), 0, UA_UP },
	{ CTRL('y'), 0, UA_UP },
	{ ' ', 0, UA_PAGE_DOWN },
	{ 'f', 0, UA_PAGE_DOWN },
	{ KEY_NPAGE, 0, UA_PAGE_DOWN },
	{ CTRL('f'), 0, UA_PAGE_DOWN },
	{ 'b', 0, UA_PAGE_UP },
	{ KEY_PPAGE, 0, UA_PAGE_UP },
	{ CTRL('b'), 0, UA_PAGE_UP },
	{ 'd', 0, UA_HALF_DOWN },
	{ CTRL('d'), 0, UA_HALF_DOWN },
	{ 'u', 0, UA_HALF_UP },
	{ CTRL('u'), 0, UA_HALF_UP },
	{ 'g', 0, UA_TOP },
	{ KEY_HOME, 0, UA_TOP },
	{ '<', 0, UA_TOP },
	{ 'G', 0, UA_BOTTOM },
	{ KEY_END, 0, UA_BOTTOM },
	{ '>', 0, UA_BOTTOM },
	{ KEY_LEFT, 0, UA_LEFT },
	{ KEY_RIGHT, 0, UA_RIGHT },
	{ '/', 0, UA_FIND },
	{ '?', 0, UA_FIND_BACK },
	{ 'n', 0, UA_FIND_NEXT },
	{ 'N', 0, UA_FIND_PREV },
	{ '\t', 0, UA_NEXT_LINK },
	{ KEY_BTAB, 0, UA_PREV_LINK },
	{ '\n', 0, UA_FOLLOW },
	{ '\r', 0, UA_FOLLOW },
	{ KEY_ENTER, 0, UA_FOLLOW },
	{ KEY_BACKSPACE, 0, UA_BACK },
	{ 127, 0, UA_BACK },
	{ CTRL('h'), 0, UA_BACK },
	{ 'B', 0, UA_BACK },
	{ UI_KEY_ALT_LEFT, 0, UA_BACK },
	{ UI_KEY_ALT_RIGHT, 0, UA_FORWARD },
	{ ']', ']', UA_NEXT_HEADING },
	{ '[', '[', UA_PREV_HEADING },
	{ 't', 0, UA_OUTLINE },
	{ 'o', 0, UA_OPEN },
	{ 'i', 0, UA_INDEX },
	{ 's', 0, UA_SEARCH_WIKI },
	{ 'L', 0, UA_BACKLINKS },
	{ 'R', 0, UA_RECENT },
	{ 'S', 0, UA_SORT },
	{ 'h', 0, UA_HELP },
	{ KEY_F(1), 0, UA_HELP },
	{ 'r', 0, UA_REDRAW },
	{ CTRL('l'), 0, UA_REDRAW },
	{ 'q', 0, UA_CLOSE },
	{ 'Q', 0, UA_QUIT },
	{ 'y', 0, UA_COPY },
	{ 'e', 0, UA_EDIT },
	{ 'H', 0, UA_HISTORY },
	{ 'v', 0, UA_EDIT_EXTERNAL },
	{ 'D', 0, UA_DASHBOARD },
	{ 'c', 0, UA_NEW_PAGE },
	{ 'm', 0, UA_RENAME },
	{ 0, 0, UA_NONE },
};

void ui_key_name(buf *b, const struct ui_binding *k)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ KEY_DOWN, "Down" },
		{ KEY_UP, "Up" },
		{ KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" },
		{ KEY_NPAGE, "PgDn" },
		{ KEY_PPAGE, "PgUp" },
		{ KEY_HOME, "Home" },
		{ KEY_END, "End" },
		{ KEY_BTAB, "Shift-Tab" },
		{ KEY_ENTER, "KP-Enter" },
		{ KEY_BACKSPACE, "Backspace" },
		{ KEY_F(1), "F1" },
		{ UI_KEY_ALT_LEFT, "Alt-Left" },
		{ UI_KEY_ALT_RIGHT, "Alt-Right" },
		{ ' ', "Space" },
		{ '\t', "Tab" },
		{ '\n', "Ctrl-J" },
		{ '\r', "Enter" },
		{ 127, "DEL" },
	};
	size_t i;
	int key;

	for (int part = 0; part < 2; part++) {
		key = part ? k->key2 : k->key;
		if (!key)
			break;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (names[i].key == key)
				break;
		if (i < sizeof names / sizeof names[0])
			buf_puts(b, names[i].name);
		else if (key < 32)
			buf_printf(b, "Ctrl-%c", key + 'A' - 1);
		else
			buf_putc(b, key);
	}
}

void ui_keys_text(buf *out)
{
	for (int a = 1; a < UA_COUNT; a++) {
		buf keys = BUF_INIT;

		for (const struct ui_binding *k = ui_bindings; k->key; k++) {
			if (k->action != (enum ui_action)a)
				continue;
			if (keys.len)
				buf_puts(&keys, ", ");
			ui_key_name(&keys, k);
		}
		buf_printf(out, "%-36s %-13s %s\n", buf_cstr(&keys), ui_actions[a].name,
		           ui_actions[a].help);
		buf_free(&keys);
	}
}

/* --- signals --------------------------------------------------------------- */

static volatile sig_atomic_t got_signal, got_interrupt;

static void on_signal(int sig)
{
	if (sig == SIGINT)
		got_interrupt = 1;
	else
		got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* --- messages and prompt ---------------------------------------------------- */

void ui_message(struct ui *ui, int error, const char *fmt, ...)
{
	va_list ap;
	buf raw = BUF_INIT;

	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	buf_truncate(&ui->msg, 0);
	u8_sanitize(&ui->msg, buf_cstr(&raw), raw.len, 0);
	ui->msg_error = error;
	buf_free(&raw);
}

/* Writes s on row y from column x, at most maxw columns. */
static int put_clipped(int y, int x, const char *s, int maxw)
{
	size_t i = 0, n = strlen(s), len;
	int used = 0, w;
	uint32_t cp;

	move(y, x);
	while (i < n) {
		len = u8_decode(s + i, n - i, &cp);
		w = u8_cpwidth(cp);
		if (used + w > maxw)
			break;
		addnstr(s + i, (int)len);
		used += w;
		i += len;
	}
	return used;
}

static void draw_prompt_line(struct ui *ui, const char *label, const buf *text)
{
	int y = ui->rows - 1, used;
	const char *t = buf_cstr(text);
	size_t tw = u8_width(t, text->len);
	int room;

	if (y < 0)
		return;
	move(y, 0);
	clrtoeol();
	attrset(A_BOLD);
	used = put_clipped(y, 0, label, ui->cols);
	attrset(A_NORMAL);
	room = ui->cols - used - 1;
	/* Keep the end of a long entry visible. */
	while (room > 0 && tw > (size_t)room) {
		uint32_t cp;
		size_t len = u8_decode(t, strlen(t), &cp);

		tw -= (size_t)u8_cpwidth(cp);
		t += len;
	}
	if (room > 0)
		used += put_clipped(y, used, t, room);
	move(y, used < ui->cols ? used : ui->cols - 1);
}

char *ui_prompt(struct ui *ui, const char *label, const char *initial,
                void (*complete)(struct ui *ui, const char *prefix, buf *out))
{
	buf text = BUF_INIT;
	wint_t ch;
	int r;
	char *result = NULL;

	if (initial)
		buf_puts(&text, initial);
	curs_set(1);
	timeout(-1);
	for (;;) {
		draw_prompt_line(ui, label, &text);
		refresh();
		r = get_wch(&ch);
		if (got_signal || got_interrupt) {
			got_interrupt = 0;
			break;
		}
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			if (ch == KEY_BACKSPACE)
				goto backspace;
			if (ch == KEY_ENTER)
				goto done;
			if (ch == KEY_RESIZE) {
				getmaxyx(stdscr, ui->rows, ui->cols);
				continue;
			}
			continue;
		}
		if (ch == 27 || ch == CTRL('c') || ch == CTRL('g'))
			break;
		if (ch == '\n' || ch == '\r') {
		done:
			result = buf_detach(&text);
			break;
		}
		if (ch == 127 || ch == CTRL('h')) {
		backspace:
			while (text.len && (text.ptr[text.len - 1] & 0xC0) == 0x80)
				text.len--;
			if (text.len)
				text.len--;
			buf_truncate(&text, text.len);
			if (!text.ptr)
				buf_puts(&text, "");
			text.ptr[text.len] = '\0';
			continue;
		}
		if (ch == CTRL('u')) {
			buf_truncate(&text, 0);
			continue;
		}
		if (ch == '\t' && complete) {
			buf more = BUF_INIT;

			complete(ui, buf_cstr(&text), &more);
			buf_puts(&text, buf_cstr(&more));
			buf_free(&more);
			continue;
		}
		if (ch < 32 || ch == 127 || (ch >= 0x80 && ch < 0xA0) || u8_is_unsafe(ch))
			continue;
		u8_encode(&text, (uint32_t)ch);
	}
	buf_free(&text);
	curs_set(0);
	timeout(50);
	return result;
}

/* --- the view stack ------------------------------------------------------------ */

int ui_push(struct ui *ui, struct view *v)
{
	if (!v)
		return -1;
	if (ui->depth == (int)(sizeof ui->stack / sizeof ui->stack[0])) {
		/* Keep the page view at the bottom; drop the oldest overlay. */
		struct view *old = ui->stack[1];

		old->ops->free(old);
		memmove(ui->stack + 1, ui->stack + 2,
		        (size_t)(ui->depth - 2) * sizeof ui->stack[0]);
		ui->depth--;
	}
	ui->stack[ui->depth++] = v;
	return 0;
}

void ui_pop(struct ui *ui)
{
	struct view *v;

	if (ui->depth <= 1)
		return;
	v = ui->stack[--ui->depth];
	v->ops->free(v);
}

struct view *ui_page_view(struct ui *ui)
{
	return ui->stack[0];
}

/* --- pages ---------------------------------------------------------------------- */

void ui_free_page(struct ui_page *p)
{
	free(p->name);
	free(p->title);
	free(p->body);
	free(p->author);
	memset(p, 0, sizeof *p);
}

static int load_file(struct ui *ui, const char *name, struct ui_page *p, err_info *e)
{
	FILE *f;
	buf b = BUF_INIT, path = BUF_INIT;
	char chunk[65536];
	size_t n;
	const char *base;

	if (strcmp(name, "-") == 0) {
		p->name = strdup(name);
		p->title = strdup("(standard input)");
		p->body = strndup(ui->opts->stdin_text ? ui->opts->stdin_text : "",
		                  ui->opts->stdin_len);
		p->len = ui->opts->stdin_len;
		return 0;
	} else {
		buf_puts(&path, name);
		f = fopen(buf_cstr(&path), "rb");
		if (!f) {
			err_set(e, ERR_USER, "cannot open %s: %s", buf_cstr(&path),
			        strerror(errno));
			buf_free(&path);
			return -1;
		}
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= WIKI_MAX_PAGE)
		buf_put(&b, chunk, n);
	fclose(f);
	buf_free(&path);
	if (b.len > WIKI_MAX_PAGE) {
		buf_free(&b);
		return err_set(e, ERR_USER, "%s is larger than %u MiB", name,
		               WIKI_MAX_PAGE / (1024 * 1024));
	}
	p->name = strdup(name);
	base = strrchr(name, '/');
	p->title = strdup(base ? base + 1 : name);
	p->len = b.len;
	p->body = buf_detach(&b);
	return 0;
}

int ui_load_page(struct ui *ui, const char *name, struct ui_page *p, err_info *e)
{
	memset(p, 0, sizeof *p);
	if (!ui->opts->w)
		return load_file(ui, name, p, e);
	return ui_load_rev(ui, name, 0, p, e);
}

int ui_load_rev(struct ui *ui, const char *name, int64_t rev, struct ui_page *p, err_info *e)
{
	store_page sp = { 0 };
	store_rev r = { 0 };
	int found;

	memset(p, 0, sizeof *p);
	if (wiki_find(ui->opts->w, name, &sp, e) != 1)
		return -1;
	found = store_rev_get(wiki_store(ui->opts->w), sp.id, rev, &r, e);
	if (found != 1) {
		if (found == 0)
			err_set(e, ERR_USER, "%s has no revision %lld", sp.slug, (long long)rev);
		store_page_clear(&sp);
		return -1;
	}
	p->name = strdup(sp.slug);
	p->title = strdup(sp.title);
	p->body = r.body;
	p->len = r.body_len;
	r.body = NULL;
	p->rev = r.num;
	p->author = r.author ? strdup(r.author) : NULL;
	p->at_ms = r.at_ms;
	store_rev_clear(&r);
	store_page_clear(&sp);
	return 0;
}

int ui_page_exists(void *ctx, const char *slug)
{
	struct ui *ui = ctx;

	/* Viewing files: every link is taken as existing. */
	return ui->opts->w ? wiki_page_exists(ui->opts->w, slug) : 1;
}

char *ui_link_target(struct ui *ui, const char *from, const layout_link *l)
{
	buf b = BUF_INIT;
	const char *hash, *slash;
	struct stat st;

	if (ui->opts->w)
		return l->slug ? strdup(l->slug) : NULL;
	/* File mode: the URL as a path beside the current file. */
	hash = strchr(l->url, '#');
	slash = strrchr(from, '/');
	if (slash && l->url[0] != '/')
		buf_put(&b, from, (size_t)(slash - from + 1));
	buf_put(&b, l->url, hash ? (size_t)(hash - l->url) : strlen(l->url));
	if (stat(buf_cstr(&b), &st) != 0 || !S_ISREG(st.st_mode)) {
		size_t n = b.len;

		buf_puts(&b, ".md");
		if (stat(buf_cstr(&b), &st) != 0)
			buf_truncate(&b, n);
	}
	return buf_detach(&b);
}

void ui_age(buf *b, int64_t at_ms)
{
	struct timeval tv;
	int64_t s;

	gettimeofday(&tv, NULL);
	s = (int64_t)tv.tv_sec - at_ms / 1000;
	if (s < 60)
		buf_puts(b, "just now");
	else if (s < 3600)
		buf_printf(b, "%lld min ago", (long long)(s / 60));
	else if (s < 86400)
		buf_printf(b, "%lld h ago", (long long)(s / 3600));
	else
		buf_printf(b, "%lld days ago", (long long)(s / 86400));
}

void ui_complete_pages(struct ui *ui, const char *prefix, buf *out)
{
	store_page_list l = { 0 };
	const char *first = NULL;
	size_t i, plen = strlen(prefix), common = 0;
	int matches = 0;

	if (!ui->opts->w ||
	    store_page_list_all(wiki_store(ui->opts->w), STORE_BY_SLUG, &l, NULL) < 0)
		return;
	/* Complete to the longest common extension of matching slugs/titles. */
	for (i = 0; i < l.n; i++) {
		const char *cands[2] = { l.v[i].slug, l.v[i].title };

		for (int k = 0; k < 2; k++) {
			const char *c = cands[k];
			size_t j;

			if (strncasecmp(c, prefix, plen) != 0)
				continue;
			if (!matches++) {
				first = c;
				common = strlen(c);
				continue;
			}
			for (j = plen; j < common && c[j] && c[j] == first[j]; j++)
				;
			common = j;
		}
	}
	if (matches) {
		/* Do not cut a UTF-8 sequence. */
		while (common > plen && (first[common] & 0xC0) == 0x80)
			common--;
		buf_put(out, first + plen, common - plen);
		if (matches > 1)
			ui_message(ui, 0, "%d matches", matches);
		else
			buf_puts(out, "");
	} else {
		ui_message(ui, 1, "no page starts with that");
	}
	store_page_list_free(&l);
}

/* --- painting ------------------------------------------------------------------ */

enum {
	PAIR_HEADING = 1,
	PAIR_LINK,
	PAIR_MISSING,
	PAIR_EXTERNAL,
	PAIR_CODE,
	PAIR_CONTROL,
	PAIR_MARKER,
	PAIR_DIM,
};

static void init_colors(struct ui *ui)
{
	if (!ui->color || !has_colors()) {
		ui->color = 0;
		return;
	}
	start_color();
	use_default_colors();
	/* The 8 ANSI colours on the terminal's own background. */
	init_pair(PAIR_HEADING, COLOR_MAGENTA, -1);
	init_pair(PAIR_LINK, COLOR_CYAN, -1);
	init_pair(PAIR_MISSING, COLOR_RED, -1);
	init_pair(PAIR_EXTERNAL, COLOR_BLUE, -1);
	init_pair(PAIR_CODE, COLOR_GREEN, -1);
	init_pair(PAIR_CONTROL, COLOR_RED, -1);
	init_pair(PAIR_MARKER, COLOR_YELLOW, -1);
	init_pair(PAIR_DIM, -1, -1);
}

attr_t ui_diff_attr(struct ui *ui, char origin, short *pair)
{
	*pair = 0;
	switch (origin) {
	case '+': *pair = ui->color ? PAIR_CODE : 0; return A_BOLD;
	case '-': *pair = ui->color ? PAIR_MISSING : 0; return ui->color ? A_NORMAL : A_DIM;
	case '@': *pair = ui->color ? PAIR_LINK : 0; return A_BOLD;
	default: return A_NORMAL;
	}
}

attr_t ui_style_attr(struct ui *ui, uint32_t s, short *pair)
{
	attr_t a = A_NORMAL;
	short p = 0;

	if (s & LS_BOLD)
		a |= A_BOLD;
	if (s & LS_ITALIC)
		a |= A_ITALIC;
	if (s & (LS_UNDERLINE | LS_LINK | LS_LINK_MISSING | LS_LINK_EXTERNAL))
		a |= A_UNDERLINE;
	if (s & LS_DIM)
		a |= A_DIM;
	if (s & LS_CONTROL)
		a |= A_REVERSE, p = PAIR_CONTROL;
	if (LS_HEADING_LEVEL(s))
		a |= A_BOLD, p = PAIR_HEADING;
	if (s & LS_CODE)
		p = PAIR_CODE;
	if (s & (LS_MARKER | LS_RULE))
		p = p ? p : PAIR_MARKER;
	if (s & LS_LINK)
		p = PAIR_LINK;
	if (s & LS_LINK_EXTERNAL)
		p = PAIR_EXTERNAL;
	if (s & LS_LINK_MISSING)
		p = PAIR_MISSING;
	if (s & LS_FOCUS)
		a |= A_REVERSE;
	if (s & LS_MATCH)
		a |= A_STANDOUT | A_BOLD;
	*pair = ui->color ? p : 0;
	return a;
}

void ui_draw_line(struct ui *ui, int y, const layout_line *l, int hscroll, int cols, int focus,
                  const int *marks, size_t nmarks)
{
	int col = 0, x = 0, w;
	size_t si, i, len, m;
	uint32_t cp;

	move(y, 0);
	for (si = 0; si < l->nspans && x < cols; si++) {
		const layout_span *sp = &l->spans[si];
		uint32_t style = sp->style;

		if (focus >= 0 && sp->link == focus)
			style |= LS_FOCUS;
		for (i = sp->off; i < sp->off + sp->len && x < cols; i += len) {
			uint32_t st = style;
			short pair;
			attr_t a;

			len = u8_decode(l->text + i, sp->off + sp->len - i, &cp);
			w = u8_cpwidth(cp);
			if (col < hscroll) { /* scrolled off to the left */
				col += w;
				continue;
			}
			if (x + w > cols)
				break;
			for (m = 0; m + 1 < nmarks * 2; m += 2)
				if (col >= marks[m] && col < marks[m + 1])
					st |= LS_MATCH;
			a = ui_style_attr(ui, st, &pair);
			attr_set(a, pair, NULL);
			addnstr(l->text + i, (int)len);
			col += w;
			x += w;
		}
	}
	attr_set(A_NORMAL, 0, NULL);
	if (x < cols)
		clrtoeol();
	/* A wide line that goes on past the edge says so. */
	if (l->width - hscroll > cols && cols > 0) {
		attr_set(A_REVERSE, 0, NULL);
		mvaddstr(y, cols - 1, ">");
		attr_set(A_NORMAL, 0, NULL);
	}
}

/* --- live: changes and presence ------------------------------------------ */

void ui_others_on(struct ui *ui, const char *slug, buf *out)
{
	store_presence_list l = { 0 };

	if (!ui->opts->w || wiki_presence_others(ui->opts->w, slug, &l, NULL) < 0)
		return;
	for (size_t i = 0; i < l.n; i++)
		buf_printf(out, "%s%s %s", i ? ", " : "", l.v[i].author,
		           l.v[i].editing ? "editing" : "viewing");
	store_presence_list_free(&l);
}

/* The page the user is on, and whether they edit it. */
static const char *current_slug(struct ui *ui, int *editing)
{
	struct view *top = ui->stack[ui->depth - 1];

	*editing = strcmp(top->ops->name, "edit") == 0;
	return *editing ? view_edit_slug(top) : view_page_name(ui_page_view(ui));
}

/* Every loop: has anyone committed (data_version)?  Every 5 s: our
 * heartbeat.  Every 2 s or after a change: who else is here. */
static void poll_live(struct ui *ui)
{
	int64_t now = wiki_now_ms(), v;
	const char *slug;
	int editing;

	if (!ui->opts->w)
		return;
	if (store_data_version(wiki_store(ui->opts->w), &v, NULL) == 0 && v != ui->data_version) {
		if (ui->data_version)
			ui->change_seq++;
		ui->data_version = v;
		ui->others_at = 0;
	}
	slug = current_slug(ui, &editing);
	if (!slug)
		return;
	/* At once when the page or the mode changes, else every 5 s. */
	if (!ui->opts->read_only && (now - ui->last_beat >= 5000 || editing != ui->beat_editing ||
	                             !ui->beat_slug || strcmp(slug, ui->beat_slug) != 0)) {
		free(ui->beat_slug);
		ui->beat_slug = strdup(slug);
		ui->beat_editing = editing;
		wiki_presence_beat(ui->opts->w, ui->opts->author ? ui->opts->author : "unknown",
		                   slug, editing, NULL);
		ui->last_beat = now;
	}
	if (now - ui->others_at >= 2000) {
		buf_truncate(&ui->others, 0);
		ui_others_on(ui, slug, &ui->others);
		ui->others_at = now;
	}
}

/* --- the main loop ------------------------------------------------------------ */

static void draw_status(struct ui *ui)
{
	struct view *v = ui->stack[ui->depth - 1];
	buf left = BUF_INIT, right = BUF_INIT;
	int y = ui->rows - 2, lw, rw;

	if (y < 0)
		return;
	v->ops->status(v, &left, &right);
	rw = (int)u8_width(buf_cstr(&right), right.len);
	attrset(A_REVERSE);
	move(y, 0);
	for (int i = 0; i < ui->cols; i++)
		addch(' ');
	lw = put_clipped(y, 0, buf_cstr(&left),
	                 ui->cols - rw - 1 > 0 ? ui->cols - rw - 1 : ui->cols);
	if (rw + lw + 1 <= ui->cols)
		put_clipped(y, ui->cols - rw, buf_cstr(&right), rw);
	attrset(A_NORMAL);
	buf_free(&left);
	buf_free(&right);
}

static void draw_message(struct ui *ui)
{
	struct view *v = ui->stack[ui->depth - 1];
	int y = ui->rows - 1;

	if (y < 0 || (ui->rows < 2 && ui->msg.len == 0))
		return;
	move(y, 0);
	clrtoeol();
	if (ui->msg_error)
		attrset(A_BOLD);
	if (ui->msg.len) {
		put_clipped(y, 0, buf_cstr(&ui->msg), ui->cols);
	} else if (v->ops->hint) {
		buf h = BUF_INIT;

		v->ops->hint(v, &h);
		put_clipped(y, 0, buf_cstr(&h), ui->cols);
		buf_free(&h);
	}
	attrset(A_NORMAL);
}

static void draw(struct ui *ui)
{
	struct view *v = ui->stack[ui->depth - 1];
	int rows = ui->rows - 2;

	if (rows < 0)
		rows = ui->rows > 0 ? 1 : 0;
	erase();
	if (rows > 0 && ui->cols > 0)
		v->ops->draw(v, rows, ui->cols);
	if (ui->rows >= 2)
		draw_status(ui);
	if (ui->rows >= 3 || ui->msg.len)
		draw_message(ui);
	refresh();
}

/* Actions every view shares; the current view had its chance first. */
static void generic_action(struct ui *ui, enum ui_action a)
{
	struct view *page = ui_page_view(ui);

	switch (a) {
	case UA_QUIT: ui->quit = 1; break;
	case UA_CLOSE:
		if (ui->depth > 1)
			ui_pop(ui);
		else
			ui->quit = 1;
		break;
	case UA_HELP: ui_push(ui, view_help_new(ui)); break;
	case UA_REDRAW: clearok(curscr, TRUE); break;
	case UA_INDEX:
		if (!ui->opts->w)
			ui_message(ui, 1, "no index when viewing files");
		else
			ui_push(ui, view_index_new(ui));
		break;
	case UA_RECENT:
		if (!ui->opts->w)
			ui_message(ui, 1, "no history when viewing files");
		else
			ui_push(ui, view_recent_new(ui));
		break;
	case UA_SEARCH_WIKI: {
		char *q;

		if (!ui->opts->w) {
			ui_message(ui, 1,
			           "no wiki search when viewing files: use / to search the page");
			break;
		}
		q = ui_prompt(ui, "Search the wiki: ", NULL, NULL);
		if (q && *q)
			ui_push(ui, view_search_new(ui, q));
		free(q);
		break;
	}
	case UA_OPEN: {
		char *name = ui_prompt(ui, "Open page: ", NULL, ui_complete_pages);

		if (name && *name) {
			while (ui->depth > 1)
				ui_pop(ui);
			view_page_open(page, name, 0, NULL);
		}
		free(name);
		break;
	}
	case UA_BACKLINKS:
		if (!ui->opts->w)
			ui_message(ui, 1, "no backlinks when viewing files");
		else if (view_page_name(page))
			ui_push(ui, view_backlinks_new(ui, view_page_name(page)));
		break;
	case UA_OUTLINE: ui_push(ui, view_outline_new(ui)); break;
	case UA_EDIT:
		if (ui->opts->read_only)
			ui_message(ui, 1, "this session is read-only");
		else
			view_edit_page(ui);
		break;
	case UA_DASHBOARD:
		if (!ui->opts->w)
			ui_message(ui, 1, "no dashboard when viewing files");
		else
			ui_push(ui, view_dashboard_new(ui));
		break;
	case UA_EDIT_EXTERNAL:
		if (ui->opts->restricted)
			ui_message(ui, 1, "no outside editor in restricted mode: e edits here");
		else if (ui->opts->read_only)
			ui_message(ui, 1, "this session is read-only");
		else
			view_edit_external(ui);
		break;
	case UA_HISTORY:
		if (!ui->opts->w)
			ui_message(ui, 1, "no history when viewing files");
		else if (view_page_name(page))
			ui_push(ui, view_history_new(ui, view_page_name(page)));
		break;
	case UA_RENAME:
		if (ui->stack[ui->depth - 1] != page)
			ui_message(ui, 1, "m renames the page shown: go back to it first (q)");
		else if (!ui->opts->w)
			ui_message(ui, 1, "viewing a file: rename it in your shell");
		else if (ui->opts->read_only)
			ui_message(ui, 1, "this session is read-only");
		else
			view_edit_rename(ui);
		break;
	case UA_FIND_NEXT: /* n where nothing was searched for: n as in new */
	case UA_NEW_PAGE: {
		char *title;

		if (!ui->opts->w || ui->opts->read_only) {
			ui_message(ui, 1,
			           ui->opts->w ? "this session is read-only"
			                       : "no new pages when viewing files");
			break;
		}
		title = ui_prompt(ui, "New page title: ", NULL, NULL);
		if (title && *title)
			view_edit_create(ui, title);
		free(title);
		break;
	}
	default: break;
	}
}

static const struct ui_binding *lookup(int key, int key2, int *is_prefix)
{
	const struct ui_binding *k;

	*is_prefix = 0;
	for (k = ui_bindings; k->key; k++) {
		if (k->key != key)
			continue;
		if (!k->key2)
			return k;
		if (!key2)
			*is_prefix = 1;
		else if (k->key2 == key2)
			return k;
	}
	return NULL;
}

static void define_keys(void)
{
	/* xterm-style Alt-arrows, which terminfo names only as extensions. */
	define_key("\033[1;3D", UI_KEY_ALT_LEFT);
	define_key("\033[1;3C", UI_KEY_ALT_RIGHT);
	define_key("\033\033[D", UI_KEY_ALT_LEFT);
	define_key("\033\033[C", UI_KEY_ALT_RIGHT);
}

static void handle_key(struct ui *ui, int key, int *count)
{
	const struct ui_binding *b;
	struct view *v = ui->stack[ui->depth - 1];
	int prefix, n;

	if (key >= '0' && key <= '9' && (*count || key != '0')) {
		if (*count < 100000000)
			*count = *count * 10 + (key - '0');
		ui_message(ui, 0, "%d", *count);
		return;
	}
	b = lookup(key, 0, &prefix);
	if (!b && prefix) {
		int k2;

		timeout(1000);
		k2 = getch();
		timeout(50);
		b = lookup(key, k2, &prefix);
	}
	n = *count;
	*count = 0;
	if (!b) {
		ui_message(ui, 1, "no action for that key: press h for help");
		return;
	}
	buf_truncate(&ui->msg, 0);
	if (!v->ops->handle(v, b->action, n))
		generic_action(ui, b->action);
}

static int start_terminal(struct ui *ui, err_info *e)
{
	const char *term = getenv("TERM");
	SCREEN *scr;

	FILE *in = stdin;

	if (!isatty(STDOUT_FILENO))
		return err_set(e, ERR_USAGE, "the terminal interface needs a terminal");
	/* `docday view -` read its text from stdin: keys come from the tty. */
	if (!isatty(STDIN_FILENO) && !(in = fopen("/dev/tty", "r")))
		return err_set(e, ERR_USAGE,
		               "the terminal interface needs a terminal to read keys");
	scr = newterm(NULL, stdout, in);
	if (!scr) {
		/* Unknown TERM: a common type is better than no program. */
		static const char *const fallbacks[] = { "xterm-256color", "xterm", "vt100" };

		for (size_t i = 0; !scr && i < 3; i++) {
			scr = newterm(fallbacks[i], stdout, in);
			if (scr)
				ui_message(ui, 1, "unknown terminal type '%s': using %s",
				           term ? term : "", fallbacks[i]);
		}
		if (!scr)
			return err_set(e, ERR_USAGE, "cannot use the terminal (TERM=%s)",
			               term ? term : "");
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	{
		/* Ctrl-S and Ctrl-Q are keys here (save), not XOFF/XON.  ncurses
		 * keeps this as the program mode and restores the shell's on exit. */
		struct termios t;

		if (tcgetattr(fileno(in), &t) == 0) {
			t.c_iflag &= ~(tcflag_t)IXON;
			tcsetattr(fileno(in), TCSANOW, &t);
			def_prog_mode();
		}
	}
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	timeout(50); /* the live poll's period: a save shows within ~0.1 s */
	define_keys();
	init_colors(ui);
	getmaxyx(stdscr, ui->rows, ui->cols);
	return 0;
}

int ui_run(const ui_opts *o, err_info *e)
{
	struct ui ui;
	int count = 0, key;
	struct view *page, *top;

	memset(&ui, 0, sizeof ui);
	ui.opts = o;
	ui.color = !o->no_color;
	catch_signals();
	/* Restricted: no suspend to a shell.  An ignored SIGTSTP is one ncurses
	 * leaves alone, so Ctrl-Z does nothing. */
	if (o->restricted)
		signal(SIGTSTP, SIG_IGN);
	if (start_terminal(&ui, e) < 0) {
		buf_free(&ui.msg);
		return -1;
	}
	page = view_page_new(&ui);
	ui_push(&ui, page);
	view_page_open(page, o->start ? o->start : "home", 0, NULL);
	while (!ui.quit && !got_signal) {
		wint_t ch;
		int r;

		if (got_interrupt) {
			/* Ctrl-C quits, but never throws away an open editor. */
			got_interrupt = 0;
			if (strcmp(ui.stack[ui.depth - 1]->ops->name, "edit") == 0)
				ui_message(&ui, 1, "Ctrl-C does not leave the editor: Ctrl-X does");
			else
				break;
		}
		poll_live(&ui);
		draw(&ui);
		r = get_wch(&ch);
		top = ui.stack[ui.depth - 1];
		if (top->ops->tick)
			top->ops->tick(top, 0);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			getmaxyx(stdscr, ui.rows, ui.cols);
			continue;
		}
		top = ui.stack[ui.depth - 1];
		if (top->ops->key && top->ops->key(top, r, ch))
			continue;
		/* Bindings name ASCII keys and curses key codes only. */
		key = r == KEY_CODE_YES || ch < 128 ? (int)ch : 0;
		handle_key(&ui, key, &count);
	}
	/* Whatever is unsaved becomes a draft before we go (ssh dropped). */
	for (int i = ui.depth - 1; i >= 0; i--)
		if (ui.stack[i]->ops->tick)
			ui.stack[i]->ops->tick(ui.stack[i], 1);
	if (o->w)
		wiki_presence_leave(o->w);
	endwin();
	while (ui.depth > 0) {
		struct view *v = ui.stack[--ui.depth];

		v->ops->free(v);
	}
	buf_free(&ui.msg);
	buf_free(&ui.others);
	free(ui.beat_slug);
	return 0;
}
