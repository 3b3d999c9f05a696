/* view_list: one list view that serves the index, wiki search results,
 * backlinks, recent changes, the outline and the help.  A list is rows of
 * already-sanitised text with a target (page name, line, search text);
 * Enter opens the target in the page view. */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blame.h"
#include "diff.h"
#include "store.h"
#include "u8.h"

enum list_kind {
	LIST_INDEX,
	LIST_SEARCH,
	LIST_BACKLINKS,
	LIST_RECENT,
	LIST_OUTLINE,
	LIST_HELP,
	LIST_HISTORY,
	LIST_DIFF,
	LIST_BLAME,
	LIST_DASH,
};

struct row {
	char *text;   /* sanitised; U+E000/U+E001 bracket highlighted parts */
	char *target; /* page name, or NULL for a row that opens nothing */
	int line;     /* source line / heading index to show */
};

struct list {
	int kind;
	char *title;
	char *arg; /* search query, backlinks target */
	struct row *rows;
	size_t n, cap;
	size_t sel, top;
	int rows_shown;
	int sort;          /* index: 0 by title, 1 by change */
	int64_t mark;      /* history: the revision marked with m, or 0 */
	unsigned seen_seq; /* live lists: ui->change_seq last filled at */
};

#define HL_OPEN  "\xee\x80\x80"
#define HL_CLOSE "\xee\x80\x81"

static void add_row(struct list *l, const char *text, const char *target, int line)
{
	buf b = BUF_INIT;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->rows = realloc(l->rows, l->cap * sizeof *l->rows);
		if (!l->rows)
			abort();
	}
	u8_sanitize(&b, text, strlen(text), 0);
	l->rows[l->n].text = buf_detach(&b);
	l->rows[l->n].target = target ? strdup(target) : NULL;
	l->rows[l->n].line = line;
	l->n++;
}

static void clear_rows(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->rows[i].text);
		free(l->rows[i].target);
	}
	l->n = 0;
	l->sel = l->top = 0;
}

/* --- fillers --------------------------------------------------------------- */

/* " [alice editing]" after a page someone is editing now. */
static void editing_mark(const store_presence_list *pr, const char *slug, buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < pr->n; i++)
		if (pr->v[i].editing && strcmp(pr->v[i].slug, slug) == 0)
			buf_printf(b, "%s%s", n++ ? ", " : "  [", pr->v[i].author);
	if (n)
		buf_puts(b, " editing]");
}

static void fill_index(struct ui *ui, struct list *l)
{
	store_page_list pl = { 0 };
	store_presence_list pr = { 0 };
	err_info e = { 0 };

	clear_rows(l);
	if (store_page_list_all(wiki_store(ui->opts->w), l->sort ? STORE_BY_CHANGE : STORE_BY_TITLE,
	                        &pl, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	wiki_presence_others(ui->opts->w, NULL, &pr, NULL);
	for (size_t i = 0; i < pl.n; i++) {
		buf b = BUF_INIT;

		buf_printf(&b, "%-40s  ", pl.v[i].title);
		buf_put_time(&b, pl.v[i].last_at_ms);
		buf_printf(&b, "  %s  (%lld)", pl.v[i].last_author ? pl.v[i].last_author : "",
		           (long long)pl.v[i].nrevs);
		editing_mark(&pr, pl.v[i].slug, &b);
		add_row(l, buf_cstr(&b), pl.v[i].slug, 0);
		buf_free(&b);
	}
	store_presence_list_free(&pr);
	store_page_list_free(&pl);
	free(l->title);
	l->title = strdup(l->sort ? "Index of pages, by last change" : "Index of pages, by title");
}

static void fill_search(struct ui *ui, struct list *l)
{
	store_hit_list hl = { 0 };
	err_info e = { 0 };

	if (store_search(wiki_store(ui->opts->w), l->arg, HL_OPEN, HL_CLOSE, 200, &hl, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	for (size_t i = 0; i < hl.n; i++) {
		buf b = BUF_INIT;

		buf_printf(&b, "%s: %s", hl.v[i].title, hl.v[i].snippet ? hl.v[i].snippet : "");
		add_row(l, buf_cstr(&b), hl.v[i].slug, 0);
		buf_free(&b);
	}
	ui_message(ui, 0, "%zu page%s match", hl.n, hl.n == 1 ? "" : "s");
	store_hit_list_free(&hl);
}

/* The source line of `body` holding the first link to `slug`, trimmed. */
static void context_line(const char *body, size_t len, const char *slug, buf *out, int *line)
{
	md_doc *d = md_parse(body, len, MD_FOOTNOTES, NULL);
	md_node *n = d ? md_root(d) : NULL;
	int want = 0, cur = 1;
	const char *p = body, *end = body + len, *nl;

	/* Walk the tree depth-first for a link naming the page. */
	while (n && !want) {
		if (md_node_type(n) == MD_LINK) {
			md_target t = { 0 };

			if (md_classify(md_url(n), &t) == 0 && t.kind == MD_TARGET_PAGE &&
			    strcmp(t.slug, slug) == 0)
				want = md_start_line(n) > 0 ? md_start_line(n)
				                            : md_start_line(md_parent(n));
			md_target_clear(&t);
		}
		if (md_first_child(n)) {
			n = md_first_child(n);
			continue;
		}
		while (n && !md_next(n))
			n = md_parent(n);
		if (n)
			n = md_next(n);
	}
	md_free(d);
	*line = want;
	for (; p < end && cur < want; cur++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	buf_put(out, p, (nl ? (size_t)(nl - p) : (size_t)(end - p)));
}

static void fill_backlinks(struct ui *ui, struct list *l)
{
	store_link_list ll = { 0 };
	err_info e = { 0 };

	if (store_links_to(wiki_store(ui->opts->w), l->arg, &ll, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	for (size_t i = 0; i < ll.n; i++) {
		struct ui_page pg;
		buf b = BUF_INIT;
		int line = 0;

		buf_printf(&b, "%s: ", ll.v[i].title ? ll.v[i].title : ll.v[i].slug);
		if (ui_load_page(ui, ll.v[i].slug, &pg, NULL) == 0) {
			context_line(pg.body, pg.len, l->arg, &b, &line);
			ui_free_page(&pg);
		}
		add_row(l, buf_cstr(&b), ll.v[i].slug, line);
		buf_free(&b);
	}
	if (!ll.n)
		ui_message(ui, 0, "no page links to %s", l->arg);
	store_link_list_free(&ll);
}

static void fill_recent(struct ui *ui, struct list *l)
{
	store_rev_list rl = { 0 };
	store_presence_list pr = { 0 };
	err_info e = { 0 };

	clear_rows(l);
	if (store_rev_recent(wiki_store(ui->opts->w), 500, &rl, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	wiki_presence_others(ui->opts->w, NULL, &pr, NULL);
	for (size_t i = 0; i < rl.n; i++) {
		buf b = BUF_INIT;

		buf_put_time(&b, rl.v[i].at_ms);
		buf_printf(&b, "  %-28s r%-4lld %-12s %s", rl.v[i].title, (long long)rl.v[i].num,
		           rl.v[i].author ? rl.v[i].author : "",
		           rl.v[i].summary ? rl.v[i].summary : "");
		if (i == 0 || strcmp(rl.v[i].title, rl.v[i - 1].title) != 0)
			editing_mark(&pr, rl.v[i].title, &b);
		add_row(l, buf_cstr(&b), rl.v[i].title, 0);
		buf_free(&b);
	}
	store_presence_list_free(&pr);
	store_rev_list_free(&rl);
}

static void fill_outline(struct ui *ui, struct list *l)
{
	const layout_doc *d = view_page_layout(ui_page_view(ui));

	for (size_t i = 0; d && i < d->nheadings; i++) {
		buf b = BUF_INIT;

		for (int k = 1; k < d->headings[i].level; k++)
			buf_puts(&b, "  ");
		buf_puts(&b, d->headings[i].text);
		add_row(l, buf_cstr(&b), NULL, (int)i);
		buf_free(&b);
	}
	if (!l->n)
		ui_message(ui, 0, "this page has no headings");
}

static void fill_help(struct list *l)
{
	buf keys = BUF_INIT;
	char *line, *save = NULL;

	ui_keys_text(&keys);
	for (line = strtok_r(keys.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		add_row(l, line, NULL, 0);
	buf_free(&keys);
	add_row(l, "", NULL, 0);
	add_row(l, "A number before a key repeats it or names a line: 12g goes to line 12.", NULL,
	        0);
	add_row(l, "Links: [[Page Title]], [[slug|label]], [label](page) and [label](page.md).",
	        NULL, 0);
}

static void fill_history(struct ui *ui, struct list *l)
{
	store_page p = { 0 };
	store_rev_list rl = { 0 };
	err_info e = { 0 };

	clear_rows(l);
	if (wiki_find(ui->opts->w, l->arg, &p, &e) != 1 ||
	    store_rev_history(wiki_store(ui->opts->w), p.id, &rl, &e) < 0) {
		ui_message(ui, 1, "%s", e.msg);
		store_page_clear(&p);
		return;
	}
	for (size_t i = 0; i < rl.n; i++) {
		const store_rev *r = &rl.v[i];
		long long delta =
		        (long long)r->size - (i + 1 < rl.n ? (long long)rl.v[i + 1].size : 0);
		buf b = BUF_INIT;

		buf_printf(&b, "%s r%-4lld ", r->num == l->mark ? "*" : " ", (long long)r->num);
		buf_put_time(&b, r->at_ms);
		buf_printf(&b, "  %-12s %+7lld  %s", r->author ? r->author : "", delta,
		           r->summary ? r->summary : "");
		add_row(l, buf_cstr(&b), p.slug, (int)r->num);
		buf_free(&b);
	}
	store_rev_list_free(&rl);
	store_page_clear(&p);
}

/* A diff line as a row: origin, text, changed words between markers. */
static void add_diff_line(struct list *l, const diff_line *dl)
{
	buf b = BUF_INIT;
	size_t at = 0;

	buf_putc(&b, dl->origin);
	for (size_t k = 0; dl->word_diff && k < dl->nwords; k++) {
		buf_put(&b, dl->text + at, dl->words[k].off - at);
		buf_puts(&b, HL_OPEN);
		buf_put(&b, dl->text + dl->words[k].off, dl->words[k].len);
		buf_puts(&b, HL_CLOSE);
		at = dl->words[k].off + dl->words[k].len;
	}
	buf_put(&b, dl->text + at, dl->len - at);
	add_row(l, buf_cstr(&b), NULL, dl->new_no ? dl->new_no : dl->old_no);
	buf_free(&b);
}

static void fill_diff_texts(struct ui *ui, struct list *l, const char *a, size_t alen,
                            const char *b, size_t blen)
{
	err_info e = { 0 };
	diff_result *d = diff_texts(a, alen, b, blen, 3, DIFF_WORDS, &e);

	if (!d) {
		ui_message(ui, 1, "%s", e.msg);
		return;
	}
	for (size_t h = 0; h < d->nhunks; h++) {
		add_row(l, d->hunks[h].header, NULL, 0);
		for (size_t k = 0; k < d->hunks[h].count; k++)
			add_diff_line(l, &d->lines[d->hunks[h].first + k]);
	}
	ui_message(ui, 0, "%d line%s added, %d removed", d->added, d->added == 1 ? "" : "s",
	           d->removed);
	diff_free(d);
}

static void fill_diff(struct ui *ui, struct list *l, int64_t a, int64_t b)
{
	struct ui_page pa = { 0 }, pb = { 0 };
	err_info e = { 0 };

	if ((a && ui_load_rev(ui, l->arg, a, &pa, &e) < 0) ||
	    ui_load_rev(ui, l->arg, b, &pb, &e) < 0)
		ui_message(ui, 1, "%s", e.msg);
	else
		fill_diff_texts(ui, l, pa.body ? pa.body : "", pa.len, pb.body, pb.len);
	ui_free_page(&pa);
	ui_free_page(&pb);
}

static void fill_blame(struct ui *ui, struct list *l, int64_t rev)
{
	struct ui_page *pages = calloc((size_t)rev, sizeof *pages);
	blame_rev *br = calloc((size_t)rev, sizeof *br);
	blame_result res = { 0 };
	err_info e = { 0 };
	int64_t i;

	for (i = 0; i < rev; i++) {
		if (ui_load_rev(ui, l->arg, i + 1, &pages[i], &e) < 0)
			break;
		br[i].num = (int)pages[i].rev;
		br[i].author = pages[i].author;
		br[i].at_ms = pages[i].at_ms;
		br[i].text = pages[i].body;
		br[i].len = pages[i].len;
	}
	if (i < rev || blame_compute(br, (size_t)rev, &res, &e) < 0)
		ui_message(ui, 1, "%s", e.msg);
	for (size_t k = 0; k < res.nlines; k++) {
		const blame_line *bl = &res.lines[k];
		buf b = BUF_INIT;

		buf_printf(&b, "r%-4d %-10.10s ", bl->num, bl->author ? bl->author : "");
		buf_put_time(&b, bl->at_ms);
		buf_puts(&b, " | ");
		buf_put(&b, pages[rev - 1].body + bl->off, bl->len);
		add_row(l, buf_cstr(&b), NULL, (int)k + 1);
		buf_free(&b);
	}
	blame_result_clear(&res);
	for (i = 0; i < rev; i++)
		ui_free_page(&pages[i]);
	free(pages);
	free(br);
}

/* history: d diff, m mark, u revert, b blame, Enter show. */
static void history_revert(struct ui *ui, struct list *l, int64_t num)
{
	struct ui_page old = { 0 }, head = { 0 };
	wiki_save_req req = { 0 };
	wiki_save_res res = { 0 };
	err_info e = { 0 };
	buf q = BUF_INIT, sum = BUF_INIT;
	char *answer;

	buf_printf(&q, "Make revision %lld's text the new head? (y/n) ", (long long)num);
	answer = ui_prompt(ui, buf_cstr(&q), NULL, NULL);
	if (answer && (answer[0] == 'y' || answer[0] == 'Y') &&
	    ui_load_rev(ui, l->arg, num, &old, &e) == 0 &&
	    ui_load_page(ui, l->arg, &head, &e) == 0) {
		buf_printf(&sum, "revert to revision %lld", (long long)num);
		req.name = l->arg;
		req.base = head.rev;
		req.text = old.body;
		req.len = old.len;
		req.author = ui->opts->author ? ui->opts->author : "unknown";
		req.summary = buf_cstr(&sum);
		if (wiki_save(ui->opts->w, &req, &res, &e) == 0) {
			ui_message(ui, 0,
			           res.unchanged ? "the head already has that text"
			                         : "reverted: revision %lld is the new head",
			           (long long)res.num);
			fill_history(ui, l);
			view_page_reload(ui_page_view(ui));
		}
	}
	if (e.code)
		ui_message(ui, 1, "%s", e.msg);
	wiki_save_res_clear(&res);
	ui_free_page(&old);
	ui_free_page(&head);
	buf_free(&q);
	buf_free(&sum);
	free(answer);
}

static int history_key(struct view *v, int r, wint_t ch)
{
	struct list *l = v->st;
	struct ui *ui = v->ui;
	int64_t num;

	if (l->kind != LIST_HISTORY || r == KEY_CODE_YES || !l->n)
		return 0;
	num = l->rows[l->sel].line;
	switch (ch) {
	case 'd':
		/* Against the marked revision, else against its parent. */
		if (l->mark && l->mark != num)
			ui_push(ui, view_diff_new(ui, l->arg, l->mark < num ? l->mark : num,
			                          l->mark < num ? num : l->mark));
		else
			ui_push(ui, view_diff_new(ui, l->arg, num - 1, num));
		return 1;
	case 'm':
		l->mark = l->mark == num ? 0 : num;
		fill_history(ui, l);
		for (l->sel = 0; l->sel + 1 < l->n && l->rows[l->sel].line != num; l->sel++)
			;
		ui_message(ui, 0,
		           l->mark ? "marked r%lld: d on another revision diffs the two"
		                   : "mark cleared",
		           (long long)num);
		return 1;
	case 'u':
		if (ui->opts->read_only)
			ui_message(ui, 1, "this session is read-only");
		else
			history_revert(ui, l, num);
		return 1;
	case 'b': ui_push(ui, view_blame_new(ui, l->arg, num)); return 1;
	default: return 0;
	}
}

/* --- the documentation-day dashboard ------------------------------------- */

/* Pages under this many bytes are stubs worth finishing. */
#define STUB_BYTES 400

static int has_slug(const store_page_list *pl, const char *slug)
{
	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->v[i].slug, slug) == 0)
			return 1;
	return 0;
}

/* Who is writing `slug` right now (editor open on it), or "". */
static void writers_of(const store_presence_list *pr, const char *slug, buf *out)
{
	for (size_t i = 0; i < pr->n; i++)
		if (pr->v[i].editing && strcmp(pr->v[i].slug, slug) == 0)
			buf_printf(out, "%s%s", out->len ? ", " : "", pr->v[i].author);
}

static void dash_wanted(struct list *l, const store_page_list *pl, const store_link_list *ll,
                        const store_presence_list *pr)
{
	size_t shown = 0;

	add_row(l, "Wanted: linked but not written yet (Enter writes one)", NULL, 0);
	for (size_t i = 0; i < ll->n; i++) {
		const char *dst = ll->v[i].title; /* store_links_all: title = target */
		buf b = BUF_INIT, who = BUF_INIT;
		size_t j;

		if (has_slug(pl, dst))
			continue;
		for (j = 0; j < i && strcmp(ll->v[j].title, dst) != 0; j++)
			;
		if (j < i)
			continue; /* listed already */
		buf_printf(&b, "  %-30s linked from ", dst);
		for (j = i; j < ll->n; j++)
			if (strcmp(ll->v[j].title, dst) == 0)
				buf_printf(&b, "%s%s", j > i ? ", " : "", ll->v[j].slug);
		writers_of(pr, dst, &who);
		if (who.len)
			buf_printf(&b, "   [%s writing this]", buf_cstr(&who));
		add_row(l, buf_cstr(&b), dst, 1);
		buf_free(&b);
		buf_free(&who);
		shown++;
	}
	if (!shown)
		add_row(l, "  (none: every link has its page)", NULL, 0);
}

static void dash_stubs(struct ui *ui, struct list *l, const store_page_list *pl)
{
	store_rev_list heads = { 0 };
	size_t shown = 0;

	add_row(l, "", NULL, 0);
	add_row(l, "Stubs: pages under 400 bytes", NULL, 0);
	if (store_heads(wiki_store(ui->opts->w), &heads, NULL) < 0)
		return;
	for (size_t i = 0; i < heads.n; i++) {
		buf b = BUF_INIT;

		if (heads.v[i].size >= STUB_BYTES)
			continue;
		for (size_t k = 0; k < pl->n; k++)
			if (pl->v[k].id == heads.v[i].page) {
				buf_printf(&b, "  %-30s %zu bytes", pl->v[k].title,
				           heads.v[i].size);
				add_row(l, buf_cstr(&b), pl->v[k].slug, 0);
				shown++;
				break;
			}
		buf_free(&b);
	}
	if (!shown)
		add_row(l, "  (none)", NULL, 0);
	store_rev_list_free(&heads);
}

static void dash_today(struct ui *ui, struct list *l)
{
	store_rev_list rl = { 0 };
	time_t now = time(NULL);
	struct tm tm;
	int64_t midnight;
	buf seen = BUF_INIT;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	midnight = (int64_t)mktime(&tm) * 1000;
	add_row(l, "", NULL, 0);
	add_row(l, "Edited today, by person", NULL, 0);
	if (store_rev_recent(wiki_store(ui->opts->w), 5000, &rl, NULL) < 0)
		return;
	for (size_t i = 0; i < rl.n && rl.v[i].at_ms >= midnight; i++) {
		buf b = BUF_INIT, key = BUF_INIT;

		buf_printf(&key, "\n%s\n", rl.v[i].author);
		if (strstr(buf_cstr(&seen), buf_cstr(&key))) {
			buf_free(&key);
			continue;
		}
		buf_puts(&seen, buf_cstr(&key));
		buf_printf(&b, "  %-12s ", rl.v[i].author);
		for (size_t j = i, n = 0; j < rl.n && rl.v[j].at_ms >= midnight; j++) {
			if (strcmp(rl.v[j].author, rl.v[i].author) != 0)
				continue;
			/* Each page once, newest first. */
			buf page = BUF_INIT;

			buf_printf(&page, " %s,", rl.v[j].title);
			if (!strstr(buf_cstr(&b), buf_cstr(&page)))
				buf_puts(&b, buf_cstr(&page)), n++;
			buf_free(&page);
		}
		buf_truncate(&b, b.len - 1); /* the last comma */
		add_row(l, buf_cstr(&b), NULL, 0);
		buf_free(&b);
		buf_free(&key);
	}
	if (!seen.len)
		add_row(l, "  (nothing yet today)", NULL, 0);
	buf_free(&seen);
	store_rev_list_free(&rl);
}

static void dash_now(struct list *l, const store_presence_list *pr)
{
	size_t shown = 0;

	add_row(l, "", NULL, 0);
	add_row(l, "Being edited right now", NULL, 0);
	for (size_t i = 0; i < pr->n; i++) {
		buf b = BUF_INIT;

		if (!pr->v[i].editing)
			continue;
		buf_printf(&b, "  %-30s %s", pr->v[i].slug, pr->v[i].author);
		add_row(l, buf_cstr(&b), pr->v[i].slug, 0);
		buf_free(&b);
		shown++;
	}
	if (!shown)
		add_row(l, "  (nobody)", NULL, 0);
}

static void fill_dash(struct ui *ui, struct list *l)
{
	store_page_list pl = { 0 };
	store_link_list ll = { 0 };
	store_presence_list pr = { 0 };
	size_t sel = l->sel;

	clear_rows(l);
	if (store_page_list_all(wiki_store(ui->opts->w), STORE_BY_SLUG, &pl, NULL) < 0 ||
	    store_links_all(wiki_store(ui->opts->w), &ll, NULL) < 0) {
		ui_message(ui, 1, "cannot read the wiki");
	} else {
		wiki_presence_others(ui->opts->w, NULL, &pr, NULL);
		dash_wanted(l, &pl, &ll, &pr);
		dash_stubs(ui, l, &pl);
		dash_today(ui, l);
		dash_now(l, &pr);
	}
	l->sel = sel < l->n ? sel : 0;
	store_presence_list_free(&pr);
	store_link_list_free(&ll);
	store_page_list_free(&pl);
}

/* Lists that follow the wiki live: recent changes and the dashboard. */
static void list_tick(struct view *v, int final)
{
	struct list *l = v->st;

	if (final || l->seen_seq == v->ui->change_seq)
		return;
	l->seen_seq = v->ui->change_seq;
	if (l->kind == LIST_RECENT) {
		size_t sel = l->sel;

		fill_recent(v->ui, l);
		l->sel = sel < l->n ? sel : 0;
	} else if (l->kind == LIST_DASH) {
		fill_dash(v->ui, l);
	}
}

/* --- ops ----------------------------------------------------------------------- */

static void list_draw(struct view *v, int rows, int cols)
{
	struct list *l = v->st;
	size_t i;

	l->rows_shown = rows;
	if (l->sel >= l->n && l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (rows > 0 && l->sel >= l->top + (size_t)rows)
		l->top = l->sel - (size_t)rows + 1;
	for (int y = 0; y < rows; y++) {
		const char *p;
		int x = 0, hl = 0;
		uint32_t cp;
		size_t len;

		i = l->top + (size_t)y;
		move(y, 0);
		if (i >= l->n)
			continue;
		p = l->rows[i].text;
		for (; *p && x < cols; p += len) {
			int w;

			len = u8_decode(p, strlen(p), &cp);
			if (cp == 0xE000 || cp == 0xE001) {
				hl = cp == 0xE000;
				continue;
			}
			w = u8_cpwidth(cp);
			if (x + w > cols)
				break;
			{
				short pair = 0;
				attr_t a = l->kind == LIST_DIFF
				                   ? ui_diff_attr(v->ui, l->rows[i].text[0], &pair)
				                   : A_NORMAL;

				attr_set(a | (i == l->sel ? A_REVERSE : 0) |
				                 (hl ? A_REVERSE | A_BOLD : 0),
				         pair, NULL);
			}
			addnstr(p, (int)len);
			x += w;
		}
		attrset(i == l->sel ? A_REVERSE : A_NORMAL);
		for (; x < cols && i == l->sel; x++)
			addch(' ');
		attrset(A_NORMAL);
	}
}

static void list_open(struct view *v)
{
	struct list *l = v->st;
	struct ui *ui = v->ui;
	struct view *page = ui_page_view(ui);
	struct row *r;
	char *target, *find;
	int line, kind = l->kind;

	if (!l->n)
		return;
	r = &l->rows[l->sel];
	if (kind == LIST_HISTORY) {
		int64_t num = r->line;
		char *slug = strdup(l->arg);

		while (ui->depth > 1)
			ui_pop(ui);
		view_page_open_rev(page, slug, num);
		free(slug);
		return;
	}
	if (kind == LIST_DIFF || kind == LIST_BLAME)
		return;
	if (kind == LIST_DASH && r->target && r->line == 1) {
		/* A wanted page: write it (the editor marks you as its writer). */
		char *title = strdup(r->target);

		for (char *p = title; *p; p++)
			if (*p == '-')
				*p = ' ';
		if (*title >= 'a' && *title <= 'z')
			*title = (char)(*title - 'a' + 'A'); /* "team-charter" -> "Team charter" */
		if (ui->opts->read_only)
			ui_message(ui, 1, "this session is read-only");
		else
			view_edit_create(ui, title);
		free(title);
		return;
	}
	if (kind == LIST_OUTLINE) {
		line = r->line;
		ui_pop(ui);
		view_page_goto_heading(page, (size_t)line);
		return;
	}
	if (!r->target)
		return;
	target = strdup(r->target);
	find = kind == LIST_SEARCH ? strdup(l->arg) : NULL;
	line = r->line;
	while (ui->depth > 1)
		ui_pop(ui); /* frees l */
	if (find) {
		/* Show the first word of the query found in the page. */
		char *sp = strchr(find, ' ');

		if (sp)
			*sp = '\0';
	}
	view_page_open(page, target, line, find);
	free(target);
	free(find);
}

static int list_handle(struct view *v, enum ui_action a, int count)
{
	struct list *l = v->st;
	size_t rows = l->rows_shown > 0 ? (size_t)l->rows_shown : 1;
	size_t n = count > 0 ? (size_t)count : 1;

	switch (a) {
	case UA_DOWN: l->sel = l->sel + n < l->n ? l->sel + n : (l->n ? l->n - 1 : 0); return 1;
	case UA_UP: l->sel = l->sel > n ? l->sel - n : 0; return 1;
	case UA_PAGE_DOWN:
	case UA_HALF_DOWN:
		n = a == UA_PAGE_DOWN ? rows : (rows + 1) / 2;
		l->sel = l->sel + n < l->n ? l->sel + n : (l->n ? l->n - 1 : 0);
		l->top = l->top + n < l->n ? l->top + n : l->top;
		return 1;
	case UA_PAGE_UP:
	case UA_HALF_UP:
		n = a == UA_PAGE_UP ? rows : (rows + 1) / 2;
		l->sel = l->sel > n ? l->sel - n : 0;
		l->top = l->top > n ? l->top - n : 0;
		return 1;
	case UA_TOP: l->sel = count > 0 ? (size_t)count - 1 : 0; return 1;
	case UA_BOTTOM: l->sel = l->n ? l->n - 1 : 0; return 1;
	case UA_FOLLOW: list_open(v); return 1;
	case UA_SORT:
		if (l->kind != LIST_INDEX)
			return 0;
		l->sort = !l->sort;
		fill_index(v->ui, l);
		return 1;
	case UA_BACK: ui_pop(v->ui); return 1;
	case UA_INDEX: return l->kind == LIST_INDEX;
	case UA_HELP: return l->kind == LIST_HELP;
	case UA_RECENT: return l->kind == LIST_RECENT;
	default: return 0;
	}
}

static void list_status(struct view *v, buf *left, buf *right)
{
	struct list *l = v->st;

	buf_printf(left, " %s", l->title);
	buf_printf(right, "%zu/%zu ", l->n ? l->sel + 1 : 0, l->n);
}

static void list_free(struct view *v)
{
	struct list *l = v->st;

	clear_rows(l);
	free(l->rows);
	free(l->title);
	free(l->arg);
	free(l);
	free(v);
}

static void list_hint(struct view *v, buf *out)
{
	struct list *l = v->st;

	if (l->kind == LIST_HISTORY)
		buf_puts(out,
		         "Enter show  d diff (with parent, or with the m-marked one)  u revert  "
		         "b blame  q close");
}

static const struct view_ops list_ops = {
	.name = "list",
	.draw = list_draw,
	.handle = list_handle,
	.status = list_status,
	.hint = list_hint,
	.key = history_key,
	.tick = list_tick,
	.free = list_free,
};

static struct view *new_list(struct ui *ui, int kind, const char *title, const char *arg)
{
	struct view *v = calloc(1, sizeof *v);
	struct list *l = calloc(1, sizeof *l);

	if (!v || !l)
		abort();
	l->kind = kind;
	l->title = strdup(title);
	l->arg = arg ? strdup(arg) : NULL;
	v->ops = &list_ops;
	v->st = l;
	v->ui = ui;
	return v;
}

struct view *view_index_new(struct ui *ui)
{
	struct view *v = new_list(ui, LIST_INDEX, "Index", NULL);

	fill_index(ui, v->st);
	return v;
}

/* A list about arg (a query, a page), titled what + arg. */
static struct view *new_list_about(struct ui *ui, int kind, const char *what, const char *arg)
{
	buf t = BUF_INIT;
	struct view *v;

	buf_printf(&t, "%s%s", what, arg);
	v = new_list(ui, kind, buf_cstr(&t), arg);
	buf_free(&t);
	return v;
}

struct view *view_search_new(struct ui *ui, const char *query)
{
	struct view *v = new_list_about(ui, LIST_SEARCH, "Search: ", query);

	fill_search(ui, v->st);
	return v;
}

struct view *view_backlinks_new(struct ui *ui, const char *slug)
{
	struct view *v = new_list_about(ui, LIST_BACKLINKS, "Pages linking to ", slug);

	fill_backlinks(ui, v->st);
	return v;
}

struct view *view_recent_new(struct ui *ui)
{
	struct view *v = new_list(ui, LIST_RECENT, "Recent changes", NULL);

	fill_recent(ui, v->st);
	return v;
}

struct view *view_outline_new(struct ui *ui)
{
	struct view *v = new_list(ui, LIST_OUTLINE, "Outline", NULL);

	fill_outline(ui, v->st);
	return v;
}

struct view *view_help_new(struct ui *ui)
{
	struct view *v = new_list(ui, LIST_HELP, "Help: keys (q closes)", NULL);

	fill_help(v->st);
	return v;
}

struct view *view_history_new(struct ui *ui, const char *slug)
{
	struct view *v = new_list_about(ui, LIST_HISTORY, "History of ", slug);

	fill_history(ui, v->st);
	return v;
}

struct view *view_diff_new(struct ui *ui, const char *slug, int64_t a, int64_t b)
{
	buf t = BUF_INIT;
	struct view *v;

	buf_printf(&t, "Diff of %s: r%lld -> r%lld", slug, (long long)a, (long long)b);
	v = new_list(ui, LIST_DIFF, buf_cstr(&t), slug);
	buf_free(&t);
	fill_diff(ui, v->st, a, b);
	return v;
}

struct view *view_blame_new(struct ui *ui, const char *slug, int64_t rev)
{
	buf t = BUF_INIT;
	struct view *v;

	buf_printf(&t, "Blame of %s at r%lld", slug, (long long)rev);
	v = new_list(ui, LIST_BLAME, buf_cstr(&t), slug);
	buf_free(&t);
	fill_blame(ui, v->st, rev);
	return v;
}

struct view *view_diff_texts_new(struct ui *ui, const char *title, const char *a, size_t alen,
                                 const char *b, size_t blen)
{
	struct view *v = new_list(ui, LIST_DIFF, title, NULL);

	fill_diff_texts(ui, v->st, a, alen, b, blen);
	return v;
}

struct view *view_dashboard_new(struct ui *ui)
{
	struct view *v = new_list(ui, LIST_DASH, "Documentation day", NULL);
	struct list *l = v->st;

	fill_dash(ui, l);
	l->seen_seq = ui->change_seq;
	/* Start on the first row that leads somewhere, not on a heading. */
	while (l->sel + 1 < l->n && !l->rows[l->sel].target)
		l->sel++;
	return v;
}
