/* view_page: one page, laid out for the window: scrolling, link focus and
 * following, back/forward history, search in the page, headings.  The
 * layout is redone when the width changes, keeping the top line anchored to
 * the same source line. */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "u8.h"

struct place {
	char *name;
	int src_line; /* anchor of the top line */
	int focus;
};

struct match {
	size_t line;
	int from, to; /* display columns */
};

struct page {
	struct ui_page pg;
	int loaded;
	int64_t old_rev;   /* showing an old revision from the history, or 0 */
	unsigned seen_seq; /* ui->change_seq when we last looked for changes */
	md_doc *md;
	layout_doc *lay;
	int rows; /* rows shown last time */
	size_t top;
	int hscroll;
	int focus; /* link index or -1 */
	char *query;
	int backward;
	struct match *m;
	size_t nm;
	size_t cur;
	struct place back[64], fwd[64];
	int nback, nfwd;
};

static int open_at(struct view *v, const char *name, int64_t rev, int at_line, const char *find);

static void place_clear(struct place *p)
{
	free(p->name);
	p->name = NULL;
}

static void relayout(struct ui *ui, struct page *s, int cols)
{
	layout_opts lo = { 0 };
	int anchor = 0;

	if (s->lay && s->lay->width == cols)
		return;
	if (s->lay && s->top < s->lay->nlines)
		anchor = s->lay->lines[s->top].src_line;
	layout_free(s->lay);
	lo.width = cols > 0 ? cols : 1;
	lo.ascii = ui->opts->ascii;
	lo.split_graphemes = ui->opts->split_graphemes;
	lo.page_exists = ui_page_exists;
	lo.ctx = ui;
	s->lay = layout_render(s->md, &lo, NULL);
	s->top = anchor ? layout_find_src_line(s->lay, anchor) : 0;
	free(s->m);
	s->m = NULL;
	s->nm = 0;
}

static size_t max_top(const struct page *s)
{
	size_t rows = s->rows > 0 ? (size_t)s->rows : 1;

	if (!s->lay || s->lay->nlines <= rows)
		return 0;
	return s->lay->nlines - rows;
}

static void scroll_to(struct page *s, long long top)
{
	size_t mt = max_top(s);

	if (top < 0)
		top = 0;
	s->top = (size_t)top > mt ? mt : (size_t)top;
}

/* Scrolls so that layout line `line` is visible. */
static void show_line(struct page *s, size_t line)
{
	size_t rows = s->rows > 0 ? (size_t)s->rows : 1;

	if (line < s->top)
		scroll_to(s, (long long)line);
	else if (line >= s->top + rows)
		scroll_to(s, (long long)(line - rows / 3));
}

/* --- search in the page ------------------------------------------------------ */

/* Case-insensitive match of q at text position i; returns bytes matched. */
static size_t match_at(const char *t, size_t n, size_t i, const char *q)
{
	size_t j = 0, qn = strlen(q), l1, l2;
	uint32_t a, b;

	while (j < qn) {
		if (i >= n)
			return 0;
		l1 = u8_decode(t + i, n - i, &a);
		l2 = u8_decode(q + j, qn - j, &b);
		if (a != b && towlower((wint_t)a) != towlower((wint_t)b))
			return 0;
		i += l1;
		j += l2;
	}
	return j ? i : 0;
}

static void find_all(struct page *s)
{
	size_t cap = 0, li, i, end, len;
	uint32_t cp;

	free(s->m);
	s->m = NULL;
	s->nm = 0;
	if (!s->query || !*s->query || !s->lay)
		return;
	for (li = 0; li < s->lay->nlines; li++) {
		const layout_line *l = &s->lay->lines[li];
		int col = 0;

		for (i = 0; i < l->len; i += len) {
			end = match_at(l->text, l->len, i, s->query);
			if (end) {
				if (s->nm == cap) {
					cap = cap ? cap * 2 : 64;
					s->m = realloc(s->m, cap * sizeof *s->m);
					if (!s->m)
						abort();
				}
				s->m[s->nm].line = li;
				s->m[s->nm].from = col;
				s->m[s->nm].to = col + (int)u8_width(l->text + i, end - i);
				s->nm++;
			}
			len = u8_decode(l->text + i, l->len - i, &cp);
			col += u8_cpwidth(cp);
		}
	}
}

/* Moves to the next (dir 1) or previous (-1) match from the top line. */
static void find_step(struct ui *ui, struct page *s, int dir, int from_top)
{
	size_t i, start = s->top;

	if (!s->query) {
		ui_message(ui, 1, "no search yet: press / to search");
		return;
	}
	if (!s->nm) {
		ui_message(ui, 1, "not found: %s", s->query);
		return;
	}
	if (dir > 0) {
		for (i = 0; i < s->nm; i++)
			if (from_top ? s->m[i].line >= start
			             : (s->m[i].line > s->m[s->cur].line ||
			                (s->m[i].line == s->m[s->cur].line && i > s->cur)))
				break;
		if (i == s->nm) {
			i = 0;
			ui_message(ui, 0, "search wrapped to the top: match 1 of %zu", s->nm);
		}
	} else {
		for (i = s->nm; i-- > 0;)
			if (from_top ? s->m[i].line < start + 1 && s->m[i].line <= start
			             : i < s->cur)
				break;
		if (i == (size_t)-1) {
			i = s->nm - 1;
			ui_message(ui, 0, "search wrapped to the bottom: match %zu of %zu", s->nm,
			           s->nm);
		}
	}
	s->cur = i;
	show_line(s, s->m[i].line);
	if (!ui->msg.len)
		ui_message(ui, 0, "match %zu of %zu", i + 1, s->nm);
}

static void find_prompt(struct ui *ui, struct page *s, int backward)
{
	char *q = ui_prompt(ui, backward ? "?" : "/", NULL, NULL);

	if (!q)
		return;
	if (*q) {
		free(s->query);
		s->query = q;
		s->backward = backward;
		find_all(s);
		s->cur = 0;
		find_step(ui, s, backward ? -1 : 1, 1);
	} else {
		free(q);
		find_step(ui, s, backward ? -1 : 1, 0); /* empty: repeat */
	}
}

/* --- links ---------------------------------------------------------------- */

static void focus_step(struct ui *ui, struct page *s, int dir)
{
	size_t rows = s->rows > 0 ? (size_t)s->rows : 1;
	long long i;
	int n = s->lay ? (int)s->lay->nlinks : 0;

	if (!n) {
		ui_message(ui, 1, "this page has no links");
		return;
	}
	/* A focus scrolled out of sight restarts from what is on screen. */
	if (s->focus >= 0 && ((size_t)s->lay->links[s->focus].last_line < s->top ||
	                      (size_t)s->lay->links[s->focus].first_line >= s->top + rows))
		s->focus = -1;
	if (s->focus < 0) {
		for (i = dir > 0 ? 0 : n - 1; i >= 0 && i < n; i += dir) {
			const layout_link *l = &s->lay->links[i];

			if (dir > 0 ? (size_t)l->first_line >= s->top
			            : (size_t)l->first_line < s->top + rows)
				break;
		}
		if (i < 0 || i >= n)
			i = dir > 0 ? 0 : n - 1;
	} else {
		i = s->focus + dir;
		if (i < 0 || i >= n) {
			i = dir > 0 ? 0 : n - 1;
			ui_message(ui, 0, "links wrapped around");
		}
	}
	s->focus = (int)i;
	show_line(s, (size_t)s->lay->links[i].first_line);
}

static void copy_url(struct ui *ui, const char *url)
{
	static const char b64[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(url), i;
	buf out = BUF_INIT;

	/* OSC 52: the terminal puts base64 text on the clipboard. */
	buf_puts(&out, "\033]52;c;");
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)url[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)url[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)url[i + 2];
		buf_putc(&out, b64[(v >> 18) & 63]);
		buf_putc(&out, b64[(v >> 12) & 63]);
		buf_putc(&out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		buf_putc(&out, i + 2 < n ? b64[v & 63] : '=');
	}
	buf_puts(&out, "\a");
	fwrite(out.ptr, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
	ui_message(ui, 0, "copied %s (if your terminal allows OSC 52)", url);
}

static int goto_anchor(struct page *s, const char *anchor)
{
	size_t i;

	for (i = 0; s->lay && i < s->lay->nheadings; i++)
		if (strcmp(s->lay->headings[i].anchor, anchor) == 0) {
			scroll_to(s, s->lay->headings[i].line);
			return 0;
		}
	return -1;
}

/* The text a link shows (its spans over all its lines), caller frees. */
static char *link_text(const layout_doc *d, int link)
{
	buf b = BUF_INIT;
	const layout_link *l = &d->links[link];

	for (int li = l->first_line; li <= l->last_line && (size_t)li < d->nlines; li++) {
		const layout_line *ln = &d->lines[li];

		if (b.len && li > l->first_line)
			buf_putc(&b, ' ');
		for (size_t k = 0; k < ln->nspans; k++)
			if (ln->spans[k].link == link && !(ln->spans[k].style & LS_MARKER))
				buf_put(&b, ln->text + ln->spans[k].off, ln->spans[k].len);
	}
	return buf_detach(&b);
}

/* A link to a page that does not exist yet: offer to write it. */
static void offer_create(struct view *v, struct page *s, int link)
{
	char *title = link_text(s->lay, link), *answer, *slug = u8_slug(title);
	buf q = BUF_INIT;

	/* The title must lead to the slug the link names. */
	if (!slug || strcmp(slug, s->lay->links[link].slug) != 0) {
		free(title);
		title = strdup(s->lay->links[link].slug);
	}
	free(slug);
	buf_printf(&q, "'%s' does not exist yet. Create it? (y/n) ", title);
	answer = ui_prompt(v->ui, buf_cstr(&q), NULL, NULL);
	if (answer && (answer[0] == 'y' || answer[0] == 'Y'))
		view_edit_create(v->ui, title);
	free(answer);
	free(title);
	buf_free(&q);
}

static void follow(struct view *v, struct page *s)
{
	struct ui *ui = v->ui;
	const layout_link *l;
	char *target, *fragment;

	if (s->focus < 0 || !s->lay || (size_t)s->focus >= s->lay->nlinks) {
		ui_message(ui, 1, "no link is focused: press Tab to move to a link");
		return;
	}
	l = &s->lay->links[s->focus];
	if (l->kind == LK_EXTERNAL) {
		ui_message(ui, 0, "external link: %s (y copies it)", l->url);
		return;
	}
	if (l->kind == LK_FRAGMENT) {
		if (!l->fragment || goto_anchor(s, l->fragment) < 0)
			ui_message(ui, 1, "no section '%s' on this page",
			           l->fragment ? l->fragment : "");
		return;
	}
	if (l->missing && ui->opts->w) {
		if (ui->opts->read_only)
			ui_message(ui, 1, "the page '%s' does not exist yet", l->slug);
		else
			offer_create(v, s, s->focus);
		return;
	}
	target = ui_link_target(ui, s->pg.name, l);
	/* Opening frees this layout, and `l` with it. */
	fragment = l->fragment ? strdup(l->fragment) : NULL;
	if (target && view_page_open(v, target, 0, NULL) == 0 && fragment)
		goto_anchor(v->st, fragment);
	free(fragment);
	free(target);
}

/* --- history ------------------------------------------------------------------ */

static void remember(struct page *s, struct place *stack, int *n)
{
	struct place p;

	if (!s->loaded)
		return;
	p.name = strdup(s->pg.name);
	p.src_line = s->lay && s->top < s->lay->nlines ? s->lay->lines[s->top].src_line : 0;
	p.focus = s->focus;
	if (*n == 64) {
		place_clear(&stack[0]);
		memmove(stack, stack + 1, 63 * sizeof *stack);
		(*n)--;
	}
	stack[(*n)++] = p;
}

/* Loads a page (revision rev, 0 = head) into the view (no history
 * change). */
static int load_rev(struct view *v, const char *name, int64_t rev)
{
	struct page *s = v->st;
	struct ui_page pg;
	err_info e = { 0 };
	md_doc *md;

	if ((rev ? ui_load_rev(v->ui, name, rev, &pg, &e) : ui_load_page(v->ui, name, &pg, &e)) <
	    0) {
		ui_message(v->ui, 1, "%s", e.msg);
		return -1;
	}
	md = md_parse(pg.body, pg.len, MD_FOOTNOTES, &e);
	if (!md) {
		ui_message(v->ui, 1, "%s", e.msg);
		ui_free_page(&pg);
		return -1;
	}
	ui_free_page(&s->pg);
	md_free(s->md);
	layout_free(s->lay);
	s->lay = NULL;
	s->pg = pg;
	s->md = md;
	s->loaded = 1;
	s->top = 0;
	s->hscroll = 0;
	s->focus = -1;
	s->old_rev = rev;
	relayout(v->ui, s, v->ui->cols);
	find_all(s);
	return 0;
}

static int load(struct view *v, const char *name)
{
	return load_rev(v, name, 0);
}

static void restore(struct view *v, struct place *p)
{
	struct page *s = v->st;

	if (load(v, p->name) == 0) {
		s->top = layout_find_src_line(s->lay, p->src_line);
		s->focus = p->focus < (int)s->lay->nlinks ? p->focus : -1;
	}
}

static void go_back(struct view *v, int forward)
{
	struct page *s = v->st;
	struct place *from = forward ? s->fwd : s->back, *to = forward ? s->back : s->fwd;
	int *nfrom = forward ? &s->nfwd : &s->nback, *nto = forward ? &s->nback : &s->nfwd;
	struct place p;

	if (!*nfrom) {
		ui_message(v->ui, 1,
		           forward ? "nothing to go forward to" : "nothing to go back to");
		return;
	}
	remember(s, to, nto);
	p = from[--*nfrom];
	restore(v, &p);
	place_clear(&p);
}

int view_page_open(struct view *v, const char *name, int at_line, const char *find)
{
	return open_at(v, name, 0, at_line, find);
}

int view_page_open_rev(struct view *v, const char *name, int64_t rev)
{
	return open_at(v, name, rev, 0, NULL);
}

static int open_at(struct view *v, const char *name, int64_t rev, int at_line, const char *find)
{
	struct page *s = v->st;
	struct place here = { 0 };
	int had = s->loaded;

	if (had) {
		here.name = strdup(s->pg.name);
		here.src_line =
		        s->lay && s->top < s->lay->nlines ? s->lay->lines[s->top].src_line : 0;
		here.focus = s->focus;
	}
	if (load_rev(v, name, rev) < 0) {
		if (had)
			restore(v, &here); /* keep showing what was there */
		place_clear(&here);
		return -1;
	}
	if (had) {
		if (s->nback == 64) {
			place_clear(&s->back[0]);
			memmove(s->back, s->back + 1, 63 * sizeof *s->back);
			s->nback--;
		}
		s->back[s->nback++] = here;
		while (s->nfwd)
			place_clear(&s->fwd[--s->nfwd]);
	}
	if (at_line > 0)
		s->top = layout_find_src_line(s->lay, at_line);
	if (find && *find) {
		free(s->query);
		s->query = strdup(find);
		find_all(s);
		s->cur = 0;
		find_step(v->ui, s, 1, 1);
	}
	return 0;
}

/* --- headings ------------------------------------------------------------------ */

static void heading_step(struct ui *ui, struct page *s, int dir)
{
	size_t i, n = s->lay ? s->lay->nheadings : 0;

	if (dir > 0) {
		for (i = 0; i < n; i++)
			if ((size_t)s->lay->headings[i].line > s->top) {
				scroll_to(s, s->lay->headings[i].line);
				return;
			}
	} else {
		for (i = n; i-- > 0;)
			if ((size_t)s->lay->headings[i].line < s->top) {
				scroll_to(s, s->lay->headings[i].line);
				return;
			}
	}
	ui_message(ui, 1, dir > 0 ? "no heading below" : "no heading above");
}

void view_page_goto_heading(struct view *v, size_t h)
{
	struct page *s = v->st;

	if (s->lay && h < s->lay->nheadings)
		scroll_to(s, s->lay->headings[h].line);
}

void view_page_reload(struct view *v)
{
	struct page *s = v->st;
	struct place here = { 0 };

	if (!s->loaded)
		return;
	here.name = strdup(s->pg.name);
	here.src_line = view_page_top_src_line(v);
	here.focus = s->focus;
	restore(v, &here);
	place_clear(&here);
}

int view_page_top_src_line(struct view *v)
{
	struct page *s = v->st;

	return s->lay && s->top < s->lay->nlines ? s->lay->lines[s->top].src_line : 0;
}

const layout_doc *view_page_layout(struct view *v)
{
	return ((struct page *)v->st)->lay;
}

const char *view_page_name(struct view *v)
{
	struct page *s = v->st;

	return s->loaded ? s->pg.name : NULL;
}

/* --- ops ---------------------------------------------------------------------- */

static void page_draw(struct view *v, int rows, int cols)
{
	struct page *s = v->st;
	size_t li, mi = 0;
	int marks[64];

	s->rows = rows;
	if (!s->loaded)
		return;
	relayout(v->ui, s, cols);
	scroll_to(s, (long long)s->top);
	/* Skip matches above the screen. */
	while (mi < s->nm && s->m[mi].line < s->top)
		mi++;
	for (int y = 0; y < rows; y++) {
		size_t nmarks = 0;

		li = s->top + (size_t)y;
		if (li >= s->lay->nlines) {
			mvaddstr(y, 0, "~");
			continue;
		}
		for (; mi < s->nm && s->m[mi].line == li; mi++)
			if (nmarks < 32) {
				marks[nmarks * 2] = s->m[mi].from;
				marks[nmarks * 2 + 1] = s->m[mi].to;
				nmarks++;
			}
		ui_draw_line(v->ui, y, &s->lay->lines[li],
		             (s->lay->lines[li].flags & LL_SCROLL) ? s->hscroll : 0, cols, s->focus,
		             marks, nmarks);
	}
}

static int page_handle(struct view *v, enum ui_action a, int count)
{
	struct page *s = v->st;
	struct ui *ui = v->ui;
	int rows = s->rows > 0 ? s->rows : 1;
	int n = count > 0 ? count : 1;

	if (!s->loaded && a != UA_BACK && a != UA_FORWARD)
		return 0;
	switch (a) {
	case UA_DOWN: scroll_to(s, (long long)s->top + n); return 1;
	case UA_UP: scroll_to(s, (long long)s->top - n); return 1;
	case UA_PAGE_DOWN: scroll_to(s, (long long)s->top + (long long)n * rows); return 1;
	case UA_PAGE_UP: scroll_to(s, (long long)s->top - (long long)n * rows); return 1;
	case UA_HALF_DOWN: scroll_to(s, (long long)s->top + (rows + 1) / 2); return 1;
	case UA_HALF_UP: scroll_to(s, (long long)s->top - (rows + 1) / 2); return 1;
	case UA_TOP:
	case UA_BOTTOM:
		if (count > 0)
			scroll_to(s, count - 1);
		else
			scroll_to(s, a == UA_TOP ? 0 : (long long)max_top(s));
		return 1;
	case UA_LEFT: s->hscroll = s->hscroll > 8 * n ? s->hscroll - 8 * n : 0; return 1;
	case UA_RIGHT: s->hscroll += 8 * n; return 1;
	case UA_FIND:
	case UA_FIND_BACK: find_prompt(ui, s, a == UA_FIND_BACK); return 1;
	case UA_FIND_NEXT:
		if (!s->query)
			return 0; /* n with no search: a new page (generic_action) */
		                  /* fall through */
	case UA_FIND_PREV:
		find_step(ui, s, (a == UA_FIND_NEXT) != s->backward ? 1 : -1, 0);
		return 1;
	case UA_NEXT_LINK:
	case UA_PREV_LINK: focus_step(ui, s, a == UA_NEXT_LINK ? 1 : -1); return 1;
	case UA_FOLLOW: follow(v, s); return 1;
	case UA_BACK:
	case UA_FORWARD: go_back(v, a == UA_FORWARD); return 1;
	case UA_NEXT_HEADING:
	case UA_PREV_HEADING: heading_step(ui, s, a == UA_NEXT_HEADING ? 1 : -1); return 1;
	case UA_COPY:
		if (s->focus >= 0 && (size_t)s->focus < s->lay->nlinks)
			copy_url(ui, s->lay->links[s->focus].url);
		else
			ui_message(ui, 1, "no link is focused");
		return 1;
	default: return 0;
	}
}

static void page_status(struct view *v, buf *left, buf *right)
{
	struct page *s = v->st;
	size_t total = s->lay ? s->lay->nlines : 0;
	size_t bottom = s->top + (size_t)(s->rows > 0 ? s->rows : 1);
	const char *sect = NULL;

	if (!s->loaded) {
		buf_puts(left, "docday");
		return;
	}
	buf_printf(left, " %s", s->pg.title);
	if (s->old_rev)
		buf_puts(left, "  [old revision]");
	if (s->pg.rev) {
		buf_printf(left, "  r%lld %s ", (long long)s->pg.rev,
		           s->pg.author ? s->pg.author : "");
		ui_age(left, s->pg.at_ms);
	}
	/* The section the top line is in. */
	for (size_t i = 0; s->lay && i < s->lay->nheadings; i++)
		if ((size_t)s->lay->headings[i].line <= s->top && i > 0)
			sect = s->lay->headings[i].text;
	if (sect)
		buf_printf(left, "  § %s", sect);
	if (v->ui->others.len)
		buf_printf(left, "  [%s]", buf_cstr(&v->ui->others));
	if (bottom > total)
		bottom = total;
	buf_printf(right, "%zu-%zu/%zu %3d%% ", total ? s->top + 1 : 0, bottom, total,
	           total ? (int)(bottom * 100 / total) : 100);
}

/* Someone else committed: if it was this page, show the new head where
 * the reader is. */
static void page_tick(struct view *v, int final)
{
	struct page *s = v->st;
	struct ui *ui = v->ui;
	store_page p = { 0 };

	if (final || s->seen_seq == ui->change_seq || !ui->opts->w)
		return;
	s->seen_seq = ui->change_seq;
	if (!s->loaded || s->old_rev)
		return;
	if (store_page_get(wiki_store(ui->opts->w), s->pg.name, &p, NULL) == 1 && !p.deleted &&
	    p.head_num != s->pg.rev) {
		view_page_reload(v);
		ui_message(ui, 0, "updated: revision %lld by %s", (long long)p.head_num,
		           p.last_author ? p.last_author : "someone");
	}
	store_page_clear(&p);
}

static void page_hint(struct view *v, buf *out)
{
	struct page *s = v->st;
	const layout_link *l;

	if (s->focus < 0 || !s->lay || (size_t)s->focus >= s->lay->nlinks)
		return;
	l = &s->lay->links[s->focus];
	if (l->kind == LK_PAGE)
		buf_printf(out, "-> %s%s%s%s", l->slug ? l->slug : l->url, l->fragment ? "#" : "",
		           l->fragment ? l->fragment : "",
		           l->missing ? "  (does not exist yet)" : "");
	else
		buf_printf(out, "-> %s", l->url);
}

static void page_free(struct view *v)
{
	struct page *s = v->st;

	ui_free_page(&s->pg);
	md_free(s->md);
	layout_free(s->lay);
	free(s->query);
	free(s->m);
	while (s->nback)
		place_clear(&s->back[--s->nback]);
	while (s->nfwd)
		place_clear(&s->fwd[--s->nfwd]);
	free(s);
	free(v);
}

static const struct view_ops page_ops = {
	.name = "page",
	.draw = page_draw,
	.handle = page_handle,
	.status = page_status,
	.hint = page_hint,
	.tick = page_tick,
	.free = page_free,
};

struct view *view_page_new(struct ui *ui)
{
	struct view *v = calloc(1, sizeof *v);
	struct page *s = calloc(1, sizeof *s);

	if (!v || !s)
		abort();
	s->focus = -1;
	v->ops = &page_ops;
	v->st = s;
	v->ui = ui;
	return v;
}
