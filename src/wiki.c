/* wiki: the rules of the wiki over store and markdown (see wiki.h). */
#include "wiki.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diff.h"
#include "markdown.h"
#include "merge.h"
#include "sample.h"
#include "u8.h"

struct wiki {
	store *st;
	int batch; /* inside wiki_batch_begin */
};

int64_t wiki_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

wiki *wiki_open(const char *path, int flags, int *created, err_info *e)
{
	int sflags = 0, made = 0;
	wiki *w;
	store *st;

	if (flags & WIKI_CREATE)
		sflags |= STORE_CREATE;
	if (flags & WIKI_READONLY)
		sflags |= STORE_READONLY;
	st = store_open(path, sflags, &made, e);
	if (!st)
		return NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->st = st;
	if (made && (flags & WIKI_SAMPLE) && wiki_fill_sample(w, "docday", e) < 0) {
		wiki_close(w);
		return NULL;
	}
	if (created)
		*created = made;
	return w;
}

void wiki_close(wiki *w)
{
	if (!w)
		return;
	store_close(w->st);
	free(w);
}

store *wiki_store(wiki *w)
{
	return w->st;
}

int wiki_find_any(wiki *w, const char *name, store_page *out, err_info *e)
{
	char *slug;
	int r;

	r = store_page_get(w->st, name, out, e);
	if (r != 0)
		return r;
	r = store_page_by_title(w->st, name, out, e);
	if (r != 0)
		return r;
	slug = u8_slug(name);
	r = slug ? store_page_get(w->st, slug, out, e) : 0;
	/* An old name of a renamed page. */
	if (r == 0 && slug)
		r = store_page_by_alias(w->st, slug, out, e);
	free(slug);
	if (r == 0) {
		buf b = BUF_INIT;

		u8_sanitize(&b, name, strlen(name), 0);
		err_set(e, ERR_USER, "no page named '%s' (see 'docday list')", buf_cstr(&b));
		buf_free(&b);
	}
	return r;
}

int wiki_find(wiki *w, const char *name, store_page *out, err_info *e)
{
	int r = wiki_find_any(w, name, out, e);

	if (r == 1 && out->deleted) {
		err_set(e, ERR_USER, "'%s' was deleted; 'docday restore %s' brings it back",
		        out->slug, out->slug);
		store_page_clear(out);
		return 0;
	}
	return r;
}

int wiki_page_exists(void *w, const char *slug)
{
	store *st = ((wiki *)w)->st;
	store_page p = { 0 };
	int r = store_page_live(st, slug, NULL);

	if (r != 0)
		return r == 1;
	/* not a live page: maybe an old name of one (rare, so the full row) */
	r = store_page_by_alias(st, slug, &p, NULL) == 1 && !p.deleted;
	store_page_clear(&p);
	return r;
}

int wiki_check_title(const char *title, err_info *e)
{
	size_t n = strlen(title), i = 0, len;
	char *slug;
	uint32_t cp;

	while (i < n && (title[i] == ' ' || title[i] == '\t'))
		i++;
	if (i == n)
		return err_set(e, ERR_USER, "the title is empty");
	if (n > WIKI_MAX_TITLE)
		return err_set(e, ERR_USER, "the title is too long (%zu bytes; at most %u)", n,
		               WIKI_MAX_TITLE);
	if (!u8_valid(title, n, NULL))
		return err_set(e, ERR_USER, "the title is not valid UTF-8");
	for (i = 0; i < n; i += len) {
		len = u8_decode(title + i, n - i, &cp);
		if (u8_is_unsafe(cp) || cp == '\t' || cp == '\n')
			return err_set(e, ERR_USER, "the title contains a control character");
	}
	slug = u8_slug(title);
	if (!slug)
		return err_set(e, ERR_USER,
		               "the title '%s' has no letter or digit to make a page name from",
		               title);
	free(slug);
	return 0;
}

int wiki_check_text(const char *text, size_t len, err_info *e)
{
	size_t bad = 0;

	if (len > WIKI_MAX_PAGE)
		return err_set(e, ERR_USER, "the text is too large (%zu bytes; at most %u MiB)",
		               len, WIKI_MAX_PAGE / (1024 * 1024));
	if (!u8_valid(text, len, &bad)) {
		if (text[bad] == '\0')
			return err_set(e, ERR_USER,
			               "the text contains a NUL byte at offset %zu: docday stores "
			               "text only",
			               bad);
		return err_set(e, ERR_USER,
		               "the text is not valid UTF-8 (byte offset %zu): convert it first, "
		               "e.g. with iconv",
		               bad);
	}
	return 0;
}

void wiki_save_res_clear(wiki_save_res *r)
{
	if (!r)
		return;
	free(r->slug);
	free(r->head_author);
	free(r->conflict_text);
	memset(r, 0, sizeof *r);
}

/* The title a new page gets: explicit, else its first heading, else the
 * name it was saved under. */
static char *new_title(const wiki_save_req *req, md_doc *doc)
{
	char *h;

	if (req->title)
		return strdup(req->title);
	/* A template's heading is its placeholder ("# {{title}}"), not its name. */
	if (strncasecmp(req->name, WIKI_TEMPLATE_PREFIX, strlen(WIKI_TEMPLATE_PREFIX)) == 0)
		return strdup(req->name);
	h = md_first_heading(doc);
	if (h && wiki_check_title(h, NULL) == 0)
		return h;
	free(h);
	return strdup(req->name);
}

static int begin(wiki *w, err_info *e)
{
	return w->batch ? 0 : store_begin_write(w->st, e);
}

static int finish(wiki *w, int rc, err_info *e)
{
	if (w->batch)
		return rc;
	if (rc == 0)
		return store_commit(w->st, e);
	store_rollback(w->st);
	return rc;
}

/* The head moved since req->base: three-way merge (base, the head, this
 * text).  Clean: *m holds the text to save.  Conflicting: the text with
 * markers goes to res and ERR_CONFLICT is returned; nothing is saved. */
static int merge_stale(wiki *w, const store_page *p, const store_rev *head,
                       const wiki_save_req *req, merge_result *m, wiki_save_res *res, err_info *e)
{
	store_rev base = { 0 };
	char ours[160], theirs[160];
	int r;

	res->head_num = p->head_num;
	res->head_author = strdup(head->author ? head->author : "someone");
	res->head_at_ms = head->at_ms;
	r = store_rev_get(w->st, p->id, req->base, &base, e);
	if (r == 0)
		err_set(e, ERR_USER, "'%s' has no revision %lld (its head is revision %lld)",
		        p->slug, (long long)req->base, (long long)p->head_num);
	if (r <= 0)
		return -1;
	snprintf(ours, sizeof ours, "%s (your text, based on revision %lld)", req->author,
	         (long long)req->base);
	snprintf(theirs, sizeof theirs, "%s (revision %lld)", res->head_author,
	         (long long)head->num);
	r = merge_three(base.body, base.body_len, req->text, req->len, head->body, head->body_len,
	                ours, theirs, m, e);
	store_rev_clear(&base);
	if (r < 0)
		return -1;
	if (m->clean)
		return 0;
	res->conflict_text = m->text;
	res->conflict_len = m->len;
	m->text = NULL;
	return err_set(e, ERR_CONFLICT,
	               "'%s' was changed by %s (revision %lld) after revision %lld, and %d "
	               "place%s conflict with your text: nothing was saved",
	               p->slug, res->head_author, (long long)head->num, (long long)req->base,
	               m->conflicts, m->conflicts == 1 ? "" : "s");
}

/* Inside the write transaction: find or create the page, check the base,
 * and add the revision with its links. */
static int save_locked(wiki *w, const wiki_save_req *req, md_doc *doc, wiki_save_res *res,
                       err_info *e)
{
	store_page p = { 0 };
	store_rev head = { 0 };
	merge_result merged = { 0 };
	md_doc *own = NULL;
	const char *text = req->text;
	size_t len = req->len;
	char *title = NULL, *slug = NULL, **links = NULL;
	size_t nlinks;
	int64_t id;
	int r, rc = -1, line = 0;

	r = wiki_find_any(w, req->name, &p, e);
	if (r < 0)
		return -1;
	if (r == 1 && p.deleted) {
		err_set(e, ERR_USER, "'%s' was deleted: restore it first ('docday restore %s')",
		        p.slug, p.slug);
		goto out;
	}
	if (r == 0) {
		err_clear(e);
		if (req->base > 0) {
			err_set(e, ERR_USER, "no page named '%s' to save revision %lld on",
			        req->name, (long long)req->base);
			goto out;
		}
		title = new_title(req, doc);
		if (wiki_check_title(title, e) < 0)
			goto out;
		/* The page is called what the user called it; the title may differ. */
		slug = u8_slug(req->name);
		if (!slug) {
			wiki_check_title(req->name, e);
			goto out;
		}
		if (store_page_create(w->st, slug, title, &id, e) < 0)
			goto out;
		res->created = 1;
	} else {
		if (req->base == 0) {
			err_set(e, ERR_CONFLICT, "a page named '%s' already exists (revision %lld)",
			        p.slug, (long long)p.head_num);
			res->head_num = p.head_num;
			goto out;
		}
		title = strdup(req->title ? req->title : p.title);
		if (wiki_check_title(title, e) < 0)
			goto out;
		slug = strdup(p.slug);
		id = p.id;
		if (store_rev_get(w->st, p.id, 0, &head, e) < 0)
			goto out;
		if (req->base > 0 && req->base != p.head_num) {
			if (merge_stale(w, &p, &head, req, &merged, res, e) < 0)
				goto out;
			/* The merged text has links of its own. */
			doc = own = md_parse(merged.text, merged.len, MD_FOOTNOTES, e);
			if (!doc)
				goto out;
			text = merged.text;
			len = merged.len;
			res->merged = 1;
		}
		if (req->base > 0 && merge_has_markers(text, len, &line) &&
		    !merge_has_markers(head.body, head.body_len, NULL)) {
			err_set(e, ERR_USER,
			        "the text still has conflict markers (line %d): resolve them, then "
			        "save",
			        line);
			goto out;
		}
		if (head.body_len == len && memcmp(head.body, text, len) == 0 &&
		    strcmp(title, p.title) == 0) {
			res->unchanged = 1;
			res->merged = 0; /* nothing of the text was new */
			res->num = p.head_num;
			rc = 0;
			goto out;
		}
	}
	if (store_rev_add(w->st, id, title, text, len, req->author,
	                  req->at_ms ? req->at_ms : wiki_now_ms(), req->summary ? req->summary : "",
	                  NULL, &res->num, e) < 0)
		goto out;
	nlinks = md_page_links(doc, &links);
	if (store_links_set(w->st, id, links, nlinks, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc == 0 && slug) {
		res->slug = slug;
		slug = NULL;
	}
	md_strv_free(links);
	md_free(own);
	merge_result_clear(&merged);
	store_rev_clear(&head);
	store_page_clear(&p);
	free(title);
	free(slug);
	return rc;
}

int wiki_save(wiki *w, const wiki_save_req *req, wiki_save_res *res, err_info *e)
{
	md_doc *doc;
	int rc;

	memset(res, 0, sizeof *res);
	if (req->title && wiki_check_title(req->title, e) < 0)
		return -1;
	if (wiki_check_text(req->text, req->len, e) < 0)
		return -1;
	/* Parse before taking the write lock: it is the slow part. */
	doc = md_parse(req->text, req->len, MD_FOOTNOTES | MD_ARENA, e);
	if (!doc)
		return -1;
	/* A stale base means a merge: libgit2's start-up is slow, so load it
	 * before taking the lock.  (A head that moves meanwhile loads it under
	 * the lock; that is only slower.) */
	if (req->base > 0) {
		store_page p = { 0 };

		if (wiki_find_any(w, req->name, &p, NULL) == 1 && p.head_num != req->base &&
		    diff_lib_init(e) < 0) {
			store_page_clear(&p);
			md_free(doc);
			return -1;
		}
		store_page_clear(&p);
	}
	rc = begin(w, e);
	if (rc == 0)
		rc = finish(w, save_locked(w, req, doc, res, e), e);
	md_free(doc);
	return rc;
}

/* Delete and restore: a new revision with the same text, and the flag. */
static int set_deleted(wiki *w, const char *name, int deleted, const char *author, const char *why,
                       int64_t *num, err_info *e)
{
	store_page p = { 0 };
	store_rev head = { 0 };
	buf sum = BUF_INIT;
	int rc = -1;

	if (begin(w, e) < 0)
		return -1;
	if (wiki_find_any(w, name, &p, e) != 1)
		goto out;
	if (p.deleted == deleted) {
		err_set(e, ERR_USER, deleted ? "'%s' is already deleted" : "'%s' is not deleted",
		        p.slug);
		goto out;
	}
	if (store_rev_get(w->st, p.id, 0, &head, e) != 1)
		goto out;
	buf_puts(&sum, deleted ? "deleted" : "restored");
	if (why && *why)
		buf_printf(&sum, ": %s", why);
	if (store_rev_add(w->st, p.id, p.title, head.body, head.body_len, author, wiki_now_ms(),
	                  buf_cstr(&sum), NULL, num, e) < 0 ||
	    store_page_set_deleted(w->st, p.id, deleted, e) < 0)
		goto out;
	rc = 0;
out:
	rc = finish(w, rc, e);
	buf_free(&sum);
	store_rev_clear(&head);
	store_page_clear(&p);
	return rc;
}

int wiki_delete(wiki *w, const char *name, const char *author, const char *why, int64_t *num,
                err_info *e)
{
	return set_deleted(w, name, 1, author, why, num, e);
}

int wiki_restore(wiki *w, const char *name, const char *author, int64_t *num, err_info *e)
{
	return set_deleted(w, name, 0, author, NULL, num, e);
}

void wiki_rename_res_clear(wiki_rename_res *r)
{
	free(r->old_slug);
	free(r->new_slug);
	free(r->old_title);
	md_strv_free(r->pages);
	memset(r, 0, sizeof *r);
}

/* Saves text as a new head of page p (its links recomputed), inside the
 * write transaction. */
static int add_head(wiki *w, const store_page *p, const char *title, const char *text, size_t len,
                    const char *author, int64_t at_ms, const char *summary, int64_t *num,
                    err_info *e)
{
	md_doc *doc = md_parse(text, len, MD_FOOTNOTES, e);
	char **links = NULL;
	size_t n;
	int rc = -1;

	if (!doc)
		return -1;
	if (store_rev_add(w->st, p->id, title, text, len, author, at_ms, summary, NULL, num, e) ==
	    0) {
		n = md_page_links(doc, &links);
		rc = store_links_set(w->st, p->id, links, n, e);
	}
	md_strv_free(links);
	md_free(doc);
	return rc;
}

/* md_rewrite_links for each of the names in olds (NULL-terminated). */
static size_t rewrite_names(const char *text, size_t len, char *const *olds, const char *new_slug,
                            const char *new_title, char **out, size_t *outlen)
{
	char *t = strndup(text, len), *next;
	size_t n = 0;

	if (!t)
		abort();
	for (; *olds; olds++) {
		if (strcmp(*olds, new_slug) == 0)
			continue;
		n += md_rewrite_links(t, len, *olds, new_slug, new_title, &next, &len);
		free(t);
		t = next;
	}
	*out = t;
	*outlen = len;
	return n;
}

/* A page that starts with the old title as its heading gets the new one. */
static void retitle_heading(char **text, size_t *len, const char *old_title, const char *new_title)
{
	size_t ol = strlen(old_title);
	buf b = BUF_INIT;

	if (*len < ol + 2 || strncmp(*text, "# ", 2) != 0 ||
	    strncmp(*text + 2, old_title, ol) != 0 || (*len > ol + 2 && (*text)[ol + 2] != '\n'))
		return;
	buf_printf(&b, "# %s", new_title);
	buf_put(&b, *text + ol + 2, *len - ol - 2);
	free(*text);
	*len = b.len;
	*text = buf_detach(&b);
}

/* One page that links to the renamed one: its links rewritten, as a new
 * revision when any changed.  1 rewritten, 0 nothing to do, -1 error. */
static int rewrite_linker(wiki *w, const char *slug, char *const *olds, const wiki_rename_res *res,
                          const char *new_title, const char *author, int64_t at_ms, size_t *nlinks,
                          err_info *e)
{
	store_page p = { 0 };
	store_rev head = { 0 };
	buf sum = BUF_INIT;
	char *text = NULL;
	size_t len, n;
	int r;

	if ((r = store_page_get(w->st, slug, &p, e)) != 1 ||
	    (r = store_rev_get(w->st, p.id, 0, &head, e)) != 1)
		goto out;
	n = rewrite_names(head.body, head.body_len, olds, res->new_slug, new_title, &text, &len);
	r = 0;
	if (n == 0)
		goto out;
	buf_printf(&sum, "links follow the rename of '%s' to '%s'", res->old_title, new_title);
	r = add_head(w, &p, p.title, text, len, author, at_ms, buf_cstr(&sum), NULL, e) < 0 ? -1
	                                                                                    : 1;
	*nlinks += n;
out:
	buf_free(&sum);
	free(text);
	store_rev_clear(&head);
	store_page_clear(&p);
	return r;
}

/* Appends to `to` the pages of `from` it does not have; empties from. */
static int merge_linkers(store_link_list *to, store_link_list *from)
{
	for (size_t i = 0; i < from->n; i++) {
		size_t j;

		for (j = 0; j < to->n; j++)
			if (strcmp(to->v[j].slug, from->v[i].slug) == 0)
				break;
		if (j < to->n)
			continue;
		to->v = realloc(to->v, (to->n + 1) * sizeof *to->v);
		if (!to->v)
			abort();
		to->v[to->n++] = from->v[i];
		memset(&from->v[i], 0, sizeof from->v[i]);
	}
	store_link_list_free(from);
	return 0;
}

int wiki_rename(wiki *w, const char *name, const char *new_title, const char *author,
                wiki_rename_res *res, err_info *e)
{
	store_page p = { 0 }, other = { 0 };
	store_rev head = { 0 };
	store_link_list linkers[2] = { { 0 } };
	buf sum = BUF_INIT;
	char *text = NULL, **olds = NULL;
	size_t len, cap = 0, nolds = 0;
	int64_t now = wiki_now_ms();
	int r, rc = -1;

	memset(res, 0, sizeof *res);
	if (wiki_check_title(new_title, e) < 0 || begin(w, e) < 0)
		return -1;
	if (wiki_find(w, name, &p, e) != 1)
		goto out;
	res->old_slug = strdup(p.slug);
	res->old_title = strdup(p.title);
	res->new_slug = u8_slug(new_title);
	if (!res->new_slug) {
		wiki_check_title(new_title, e);
		goto out;
	}
	if (strcmp(res->new_slug, p.slug) == 0 && strcmp(new_title, p.title) == 0) {
		err_set(e, ERR_USER, "'%s' is already called '%s'", p.slug, p.title);
		goto out;
	}
	r = store_page_get(w->st, res->new_slug, &other, e);
	if (r < 0)
		goto out;
	if (r == 1 && other.id != p.id) {
		err_set(e, ERR_USER,
		        other.deleted ? "a deleted page is named '%s': choose another title"
		                      : "a page named '%s' already exists: choose another title",
		        res->new_slug);
		goto out;
	}
	/* Its names (slug and older aliases) and who links to them, before
	 * anything moves. */
	if (store_aliases_of(w->st, p.id, &olds, &nolds, e) < 0)
		goto out;
	olds = realloc(olds, (nolds + 2) * sizeof *olds);
	if (!olds)
		abort();
	memmove(olds + 1, olds, nolds * sizeof *olds);
	olds[0] = strdup(p.slug);
	olds[++nolds] = NULL;
	for (size_t i = 0; i < nolds; i++)
		if (store_links_to(w->st, olds[i], &linkers[i ? 1 : 0], e) < 0 ||
		    (i && merge_linkers(&linkers[0], &linkers[1])))
			goto out;
	if (store_rev_get(w->st, p.id, 0, &head, e) != 1 ||
	    store_page_set_slug(w->st, p.id, res->new_slug, now, e) < 0)
		goto out;
	/* The page itself: new title, its heading when it was the title, and
	 * its links to itself. */
	rewrite_names(head.body, head.body_len, olds, res->new_slug, new_title, &text, &len);
	retitle_heading(&text, &len, p.title, new_title);
	buf_printf(&sum, "renamed from '%s'", p.title);
	if (add_head(w, &p, new_title, text, len, author, now, buf_cstr(&sum), &res->num, e) < 0)
		goto out;
	for (size_t i = 0; i < linkers[0].n; i++) {
		const char *ls = linkers[0].v[i].slug;

		if (strcmp(ls, p.slug) == 0)
			continue; /* the page itself, done */
		r = rewrite_linker(w, ls, olds, res, new_title, author, now, &res->links, e);
		if (r < 0)
			goto out;
		if (r == 1) {
			if (res->npages + 1 >= cap) {
				cap = cap ? cap * 2 : 8;
				res->pages = realloc(res->pages, cap * sizeof *res->pages);
				if (!res->pages)
					abort();
			}
			res->pages[res->npages++] = strdup(ls);
			res->pages[res->npages] = NULL;
		}
	}
	rc = 0;
out:
	rc = finish(w, rc, e);
	if (rc < 0)
		wiki_rename_res_clear(res);
	buf_free(&sum);
	free(text);
	store_link_list_free(&linkers[0]);
	store_link_list_free(&linkers[1]);
	md_strv_free(olds);
	store_rev_clear(&head);
	store_page_clear(&other);
	store_page_clear(&p);
	return rc;
}

char *wiki_template_fill(const char *text, size_t len, const char *title, const char *author,
                         int64_t at_ms, size_t *outlen)
{
	buf b = BUF_INIT;
	char date[16] = "";
	time_t t = (time_t)(at_ms / 1000);
	struct tm tm;

	if (!text) {
		buf_printf(&b, "# %s\n\n", title);
		*outlen = b.len;
		return buf_detach(&b);
	}
	if (localtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	for (size_t i = 0; i < len;) {
		static const char *const names[] = { "{{title}}", "{{author}}", "{{date}}" };
		const char *vals[] = { title, author ? author : "", date };
		size_t k;

		for (k = 0; k < 3; k++)
			if (len - i >= strlen(names[k]) &&
			    memcmp(text + i, names[k], strlen(names[k])) == 0)
				break;
		if (k < 3) {
			buf_puts(&b, vals[k]);
			i += strlen(names[k]);
		} else {
			buf_putc(&b, text[i++]);
		}
	}
	*outlen = b.len;
	return buf_detach(&b);
}

int wiki_batch_begin(wiki *w, err_info *e)
{
	if (store_begin_write(w->st, e) < 0)
		return -1;
	w->batch = 1;
	return 0;
}

int wiki_batch_end(wiki *w, int commit, err_info *e)
{
	w->batch = 0;
	if (commit)
		return store_commit(w->st, e);
	store_rollback(w->st);
	return 0;
}

int wiki_import_text(wiki *w, const char *file_name, const char *text, size_t len,
                     const char *author, wiki_save_res *res, err_info *e)
{
	const char *base = strrchr(file_name, '/');
	char *stem, *slug, *summary;
	size_t n;
	wiki_save_req req = { 0 };
	buf sb = BUF_INIT;
	int rc;

	base = base ? base + 1 : file_name;
	n = strlen(base);
	if (n > 3 && strcasecmp(base + n - 3, ".md") == 0)
		n -= 3;
	stem = strndup(base, n);
	slug = u8_slug(stem);
	if (!slug) {
		free(stem);
		memset(res, 0, sizeof *res);
		return err_set(e, ERR_USER,
		               "%s: the file name has no letter or digit to make a "
		               "page name from",
		               file_name);
	}
	buf_printf(&sb, "imported from %s", base);
	summary = buf_detach(&sb);
	req.name = slug;
	req.base = -1;
	req.text = text;
	req.len = len;
	req.author = author;
	req.summary = summary;
	rc = wiki_save(w, &req, res, e);
	free(summary);
	free(slug);
	free(stem);
	return rc;
}

int wiki_fill_sample(wiki *w, const char *author, err_info *e)
{
	const struct sample_page *sp;
	wiki_save_res res;

	if (wiki_batch_begin(w, e) < 0)
		return -1;
	for (sp = sample_pages; sp->name; sp++) {
		if (wiki_import_text(w, sp->name, sp->text, strlen(sp->text), author, &res, e) <
		    0) {
			wiki_batch_end(w, 0, NULL);
			return -1;
		}
		wiki_save_res_clear(&res);
	}
	return wiki_batch_end(w, 1, e);
}

/* Appends a report line when the stored links of one head differ from the
 * links its body has. */
static int check_links(wiki *w, const store_rev *r, buf *rep, err_info *e)
{
	store_link_list have = { 0 };
	md_doc *doc;
	char **want = NULL;
	size_t n, i;
	int bad = 0;

	doc = md_parse(r->body ? r->body : "", r->body_len, MD_FOOTNOTES, e);
	if (!doc)
		return -1;
	n = md_page_links(doc, &want);
	if (store_links_from(w->st, r->page, &have, e) < 0) {
		md_strv_free(want);
		md_free(doc);
		return -1;
	}
	if (have.n != n)
		bad = 1;
	for (i = 0; !bad && i < n; i++) {
		size_t j;

		for (j = 0; j < have.n && strcmp(have.v[j].slug, want[i]) != 0; j++)
			;
		bad = j == have.n;
	}
	if (bad)
		buf_printf(rep,
		           "page %lld: the link table does not match its head revision %lld "
		           "(%zu stored, %zu in the text)\n",
		           (long long)r->page, (long long)r->num, have.n, n);
	store_link_list_free(&have);
	md_strv_free(want);
	md_free(doc);
	return bad;
}

int wiki_check(wiki *w, char **report, err_info *e)
{
	store_rev_list heads = { 0 };
	char *srep = NULL;
	buf rep = BUF_INIT;
	int n, r;
	size_t i;

	*report = NULL;
	n = store_check(w->st, &srep, e);
	if (n < 0)
		return -1;
	if (srep)
		buf_puts(&rep, srep);
	free(srep);
	if (store_heads(w->st, &heads, e) < 0) {
		buf_free(&rep);
		return -1;
	}
	for (i = 0; i < heads.n; i++) {
		r = check_links(w, &heads.v[i], &rep, e);
		if (r < 0) {
			store_rev_list_free(&heads);
			buf_free(&rep);
			return -1;
		}
		n += r;
	}
	store_rev_list_free(&heads);
	if (rep.len)
		*report = buf_detach(&rep);
	return n;
}

/* --- presence ----------------------------------------------------------- */

static const char *host_name(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof host - 1) < 0)
		strcpy(host, "localhost");
	return host;
}

int wiki_presence_beat(wiki *w, const char *author, const char *slug, int editing, err_info *e)
{
	store_presence p = { 0 };
	int64_t now = wiki_now_ms();

	p.author = (char *)author;
	p.slug = (char *)slug;
	p.editing = editing;
	p.pid = getpid();
	p.host = (char *)host_name();
	p.at_ms = now;
	store_presence_gc(w->st, now - 4 * WIKI_PRESENCE_STALE_MS, NULL);
	return store_presence_put(w->st, &p, e);
}

void wiki_presence_leave(wiki *w)
{
	store_presence_del(w->st, getpid(), host_name(), NULL);
}

int wiki_presence_others(wiki *w, const char *slug, store_presence_list *out, err_info *e)
{
	size_t i, k = 0;

	if (store_presence_get(w->st, slug, wiki_now_ms() - WIKI_PRESENCE_STALE_MS, out, e) < 0)
		return -1;
	for (i = 0; i < out->n; i++) {
		store_presence *p = &out->v[i];
		int here = strcmp(p->host, host_name()) == 0;
		int gone = here && p->pid > 0 && kill((pid_t)p->pid, 0) < 0 && errno == ESRCH;

		if ((here && p->pid == getpid()) || gone) {
			free(p->author);
			free(p->slug);
			free(p->host);
			continue;
		}
		out->v[k++] = *p;
	}
	out->n = k;
	return 0;
}
