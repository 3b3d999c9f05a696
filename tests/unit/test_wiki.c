/* Unit tests of wiki: saving rules, conflicts, links, import, check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "wiki.h"

static char dir[] = "/tmp/docday-wiki-XXXXXX";

static int save(wiki *w, const char *name, int64_t base, const char *text,
                wiki_save_res *res, err_info *e)
{
	wiki_save_req req = {0};

	req.name = name;
	req.base = base;
	req.text = text;
	req.len = strlen(text);
	req.author = "tester";
	req.summary = "test";
	req.at_ms = 1700000000000;
	wiki_save_res_clear(res);
	return wiki_save(w, &req, res, e);
}

int main(void)
{
	char path[256], *report = NULL;
	err_info e = {0};
	wiki_save_res res = {0};
	store_page p = {0};
	store_link_list l = {0};
	int created = 0;
	wiki *w;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/w.db", dir);
	w = wiki_open(path, WIKI_CREATE, &created, &e);
	OK(w && created, "open creates an empty wiki");

	OK(save(w, "Release Notes", -1, "# Notes of Release\n\n[[Home]] [x](talks.md)\n", &res,
	        &e) == 0,
	   "save a new page");
	OK(res.created && res.num == 1, "created as revision 1");
	STREQ(res.slug, "release-notes", "slug comes from the name");
	OK(wiki_find(w, "release-notes", &p, &e) == 1, "find by slug");
	STREQ(p.title, "Notes of Release", "title from the first heading");
	store_page_clear(&p);
	OK(wiki_find(w, "Notes of Release", &p, &e) == 1, "find by title");
	store_page_clear(&p);
	OK(wiki_find(w, "RELEASE NOTES", &p, &e) == 1, "find by a name that slugs to it");
	store_page_clear(&p);
	OK(wiki_find(w, "nope", &p, &e) == 0 && e.code == ERR_USER, "missing page");

	OK(store_links_from(wiki_store(w), 1, &l, &e) == 0 && l.n == 2, "two links stored");
	if (l.n == 2) {
		STREQ(l.v[0].slug, "home", "wiki link target");
		STREQ(l.v[1].slug, "talks", "relative .md link target");
	}
	store_link_list_free(&l);

	OK(save(w, "release-notes", 1, "# Notes of Release\n\nv2 [[Talks]]\n", &res, &e) == 0 &&
	       res.num == 2,
	   "save on the head");
	OK(save(w, "release-notes", 1, "# stale\n", &res, &e) < 0 && e.code == ERR_CONFLICT,
	   "stale base is a conflict");
	OK(res.head_num == 2, "conflict names the head");
	STREQ(res.head_author, "tester", "conflict names the head's author");
	OK(save(w, "release-notes", 0, "# again\n", &res, &e) < 0 && e.code == ERR_CONFLICT,
	   "base 0 on an existing page");
	OK(save(w, "release-notes", -1, "# Notes of Release\n\nv2 [[Talks]]\n", &res, &e) == 0 &&
	       res.unchanged && res.num == 2,
	   "same text is unchanged");
	OK(store_links_from(wiki_store(w), 1, &l, &e) == 0 && l.n == 1, "links replaced");
	store_link_list_free(&l);

	OK(save(w, "!!!", -1, "x", &res, &e) < 0 && e.code == ERR_USER, "name without a slug");
	OK(save(w, "bad", -1, "a\xff", &res, &e) < 0 && e.code == ERR_USER, "invalid UTF-8");
	OK(wiki_check_title("", &e) < 0, "empty title");
	OK(wiki_check_title("a\x1b" "b", &e) < 0, "title with ESC");
	OK(wiki_check_title("Fine Title", &e) == 0, "good title");

	wiki_save_res_clear(&res);
	OK(wiki_import_text(w, "dir/Talks.md", "No heading.\n", 12, "tester", &res, &e) == 0 &&
	       res.created,
	   "import creates");
	STREQ(res.slug, "talks", "import slug from the file name");
	OK(wiki_find(w, "talks", &p, &e) == 1, "imported page");
	STREQ(p.title, "talks", "import title from the file name without a heading");
	store_page_clear(&p);
	wiki_save_res_clear(&res);
	OK(wiki_import_text(w, "dir/Talks.md", "No heading.\n", 12, "tester", &res, &e) == 0 &&
	       res.unchanged,
	   "re-import unchanged");

	OK(wiki_check(w, &report, &e) == 0 && report == NULL, "check is clean");
	free(report);
	OK(wiki_fill_sample(w, "docday", &e) == 0, "sample fills");
	OK(wiki_find(w, "getting-started", &p, &e) == 1, "sample page exists");
	store_page_clear(&p);
	OK(wiki_check(w, &report, &e) == 0, "check is clean with the sample");
	free(report);

	wiki_save_res_clear(&res);
	wiki_close(w);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	return system(path) == 0 ? tap_done() : 1;
}
