/* wiki: the rules of the wiki over store and markdown (see wiki.h). */
#include "wiki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
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
		err_set(e, ERR_USER, "'%s' was deleted; 'docday restore %s' brings it back", out->slug,
		        out->slug);
		store_page_clear(out);
		return 0;
	}
	return r;
}

int wiki_page_exists(void *w, const char *slug)
{
	return store_page_live(((wiki *)w)->st, slug, NULL) == 1;
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
                       const wiki_save_req *req, merge_result *m, wiki_save_res *res,
                       err_info *e)
{
	store_rev base = {0};
	char ours[160], theirs[160];
	int r;

	res->head_num = p->head_num;
	res->head_author = strdup(head->author ? head->author : "someone");
	res->head_at_ms = head->at_ms;
	r = store_rev_get(w->st, p->id, req->base, &base, e);
	if (r == 0)
		err_set(e, ERR_USER, "'%s' has no revision %lld (its head is revision %lld)", p->slug,
		        (long long)req->base, (long long)p->head_num);
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
	store_page p = {0};
	store_rev head = {0};
	merge_result merged = {0};
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
			        "the text still has conflict markers (line %d): resolve them, then save",
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
	doc = md_parse(req->text, req->len, MD_FOOTNOTES, e);
	if (!doc)
		return -1;
	/* store_begin_write loads libgit2 before taking the lock. */
	rc = begin(w, e);
	if (rc == 0)
		rc = finish(w, save_locked(w, req, doc, res, e), e);
	md_free(doc);
	return rc;
}

/* Delete and restore: a new revision with the same text, and the flag. */
static int set_deleted(wiki *w, const char *name, int deleted, const char *author,
                       const char *why, int64_t *num, err_info *e)
{
	store_page p = {0};
	store_rev head = {0};
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
	wiki_save_req req = {0};
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
		return err_set(e, ERR_USER, "%s: the file name has no letter or digit to make a "
		               "page name from", file_name);
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
		if (wiki_import_text(w, sp->name, sp->text, strlen(sp->text), author, &res, e) < 0) {
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
	store_link_list have = {0};
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
		buf_printf(rep, "page %lld: the link table does not match its head revision %lld "
		           "(%zu stored, %zu in the text)\n",
		           (long long)r->page, (long long)r->num, have.n, n);
	store_link_list_free(&have);
	md_strv_free(want);
	md_free(doc);
	return bad;
}

int wiki_check(wiki *w, char **report, err_info *e)
{
	store_rev_list heads = {0};
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

int wiki_presence_beat(wiki *w, const char *author, const char *slug, int editing,
                       err_info *e)
{
	store_presence p = {0};
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
