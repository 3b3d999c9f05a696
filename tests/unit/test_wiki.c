/* Unit tests of wiki: saving rules, conflicts, links, import, check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "markdown.h"
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

static char *head_of(wiki *w, const char *name)
{
	store_page p = {0};
	store_rev r = {0};
	char *t = NULL;

	if (wiki_find(w, name, &p, NULL) == 1 && store_rev_get(wiki_store(w), p.id, 0, &r, NULL) == 1)
		t = strdup(r.body);
	store_rev_clear(&r);
	store_page_clear(&p);
	return t ? t : strdup("(none)");
}

/* Rename: one transaction, links rewritten (not in code), alias kept. */
static void test_rename(wiki *w)
{
	wiki_save_res res = {0};
	wiki_rename_res rn = {0};
	store_page p = {0};
	store_link_list l = {0};
	err_info e = {0};
	char *t, *report = NULL;

	save(w, "Old Guide", -1, "# Old Guide\n\nSee [[Old Guide#Setup|setup]] below.\n", &res, &e);
	save(w, "Linker", -1,
	     "# Linker\n\n[[Old Guide]], [[old-guide|the guide]], [g](old-guide.md#setup),\n"
	     "`[[Old Guide]]` and [r][ref].\n\n```\n[[Old Guide]]\n```\n\n[ref]: ./old-guide.md\n",
	     &res, &e);
	save(w, "Bystander", -1, "# Bystander\n\nNo links to it.\n", &res, &e);
	save(w, "Taken", -1, "# Taken\n", &res, &e);

	OK(wiki_rename(w, "old-guide", "Taken", "renamer", &rn, &e) < 0 && e.code == ERR_USER,
	   "rename onto an existing page is refused");
	t = head_of(w, "linker");
	OK(strstr(t, "[[Old Guide]],") != NULL, "a refused rename changes nothing");
	free(t);
	OK(wiki_rename(w, "old-guide", "Old Guide", "renamer", &rn, &e) < 0 && e.code == ERR_USER,
	   "rename to the same title is refused");

	OK(wiki_rename(w, "Old Guide", "New Guide", "renamer", &rn, &e) == 0, "rename");
	STREQ(rn.old_slug, "old-guide", "old slug reported");
	STREQ(rn.new_slug, "new-guide", "new slug reported");
	OK(rn.num == 2 && rn.npages == 1 && rn.links == 4, "one linking page, four links rewritten");
	STREQ(rn.pages ? rn.pages[0] : "", "linker", "the linking page is named");
	wiki_rename_res_clear(&rn);

	t = head_of(w, "linker");
	STREQ(t,
	      "# Linker\n\n[[New Guide]], [[new-guide|the guide]], [g](new-guide.md#setup),\n"
	      "`[[Old Guide]]` and [r][ref].\n\n```\n[[Old Guide]]\n```\n\n[ref]: ./new-guide.md\n",
	      "links rewritten, labels kept, code untouched");
	free(t);
	t = head_of(w, "new-guide");
	STREQ(t, "# New Guide\n\nSee [[New Guide#Setup|setup]] below.\n",
	      "the page's own heading and self-link follow");
	free(t);
	OK(wiki_find(w, "old-guide", &p, &e) == 1 && strcmp(p.slug, "new-guide") == 0,
	   "the old slug is an alias of the new page");
	store_page_clear(&p);
	OK(wiki_find(w, "Old Guide", &p, &e) == 1 && strcmp(p.title, "New Guide") == 0,
	   "the old title finds it too");
	store_page_clear(&p);
	OK(wiki_page_exists(w, "old-guide"), "a link to the alias is not missing");
	OK(store_links_to(wiki_store(w), "new-guide", &l, &e) == 0 && l.n == 2,
	   "backlinks follow (the page itself and linker)");
	store_link_list_free(&l);
	OK(store_links_to(wiki_store(w), "old-guide", &l, &e) == 0 && l.n == 0,
	   "nothing links to the old slug any more");
	store_link_list_free(&l);
	t = head_of(w, "bystander");
	OK(wiki_find(w, "bystander", &p, &e) == 1 && p.head_num == 1, "other pages untouched");
	store_page_clear(&p);
	free(t);

	/* A page saved later with a link to the alias is rewritten next time. */
	save(w, "Late", -1, "# Late\n\n[[old-guide]]\n", &res, &e);
	OK(wiki_rename(w, "new-guide", "Final Guide", "renamer", &rn, &e) == 0 && rn.npages == 2,
	   "second rename rewrites links to the older name too");
	wiki_rename_res_clear(&rn);
	t = head_of(w, "late");
	STREQ(t, "# Late\n\n[[final-guide]]\n", "link to an alias rewritten");
	free(t);
	OK(wiki_find(w, "old-guide", &p, &e) == 1 && strcmp(p.slug, "final-guide") == 0,
	   "aliases chain to the newest name");
	store_page_clear(&p);

	/* Saving under an old name edits the renamed page; another page may
	 * take the old name by a rename, and then wins over the alias. */
	OK(save(w, "old-guide", -1, "# Final Guide\n\nmore\n", &res, &e) == 0 && !res.created &&
	       strcmp(res.slug, "final-guide") == 0,
	   "a save under an alias edits the renamed page");
	OK(wiki_rename(w, "taken", "Old Guide", "renamer", &rn, &e) == 0,
	   "another page can take an alias's name");
	wiki_rename_res_clear(&rn);
	OK(wiki_find(w, "old-guide", &p, &e) == 1 && strcmp(p.title, "Old Guide") == 0,
	   "the page wins over the alias");
	store_page_clear(&p);
	OK(wiki_rename(w, "final-guide", "New Guide", "renamer", &rn, &e) == 0,
	   "rename back onto its own alias");
	wiki_rename_res_clear(&rn);
	OK(wiki_delete(w, "new-guide", "renamer", NULL, NULL, &e) == 0 &&
	       wiki_rename(w, "new-guide", "X Guide", "renamer", &rn, &e) < 0,
	   "a deleted page cannot be renamed");
	OK(wiki_rename(w, "bystander", "New Guide", "renamer", &rn, &e) < 0 && e.code == ERR_USER,
	   "rename onto a deleted page is refused");
	OK(wiki_check(w, &report, &e) == 0, "check is clean after renames");
	if (report)
		fprintf(stderr, "%s", report);
	free(report);
	wiki_save_res_clear(&res);
}

static void test_templates(wiki *w)
{
	wiki_save_res res = {0};
	store_page_list tl = {0};
	err_info e = {0};
	size_t len;
	char *t;
	/* 2023-11-14 22:13:20 UTC: the same date in UTC and in Europe */
	int64_t at = 1700000000000;

	t = wiki_template_fill(NULL, 0, "Weekly Notes", "ann", at, &len);
	STREQ(t, "# Weekly Notes\n\n", "the built-in default is the title as heading");
	OK(len == strlen(t), "default length");
	free(t);
	setenv("TZ", "UTC", 1);
	t = wiki_template_fill("# {{title}}\n\nBy {{author}} on {{date}}. {{other}} {{title\n", 58,
	                       "Weekly Notes", "ann", at, &len);
	STREQ(t, "# Weekly Notes\n\nBy ann on 2023-11-14. {{other}} {{title\n",
	      "placeholders filled, others kept");
	OK(len == strlen(t), "filled length");
	free(t);

	OK(store_page_templates(wiki_store(w), &tl, &e) == 0 && tl.n == 0, "no templates yet");
	store_page_list_free(&tl);
	save(w, "Templates/Meeting", -1, "# {{title}}\n\n## Agenda\n", &res, &e);
	save(w, "templates/Design doc", -1, "# {{title}}\n\n## Why\n", &res, &e);
	save(w, "Templates are nice", -1, "not a template\n", &res, &e);
	OK(store_page_templates(wiki_store(w), &tl, &e) == 0 && tl.n == 2,
	   "pages titled Templates/... are templates (any case)");
	if (tl.n == 2) {
		STREQ(tl.v[0].title, "templates/Design doc", "sorted by title, case-insensitively");
		STREQ(tl.v[1].title, "Templates/Meeting", "second template");
	}
	store_page_list_free(&tl);
	OK(wiki_delete(w, "templates-meeting", "ann", NULL, NULL, &e) == 0 &&
	       store_page_templates(wiki_store(w), &tl, &e) == 0 && tl.n == 1,
	   "a deleted template is gone");
	store_page_list_free(&tl);
	wiki_save_res_clear(&res);
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
	/* A save parses in the process's one arena (MD_ARENA), or with malloc
	 * while another document holds it (the TUI's page): links either way. */
	{
		md_doc *held = md_parse("# held\n\n[[Elsewhere]]\n", 21, MD_ARENA, &e);

		OK(held && save(w, "arena", -1, "# Arena\n\n[[One]] [[Two]]\n", &res, &e) == 0 &&
		           wiki_find(w, "arena", &p, &e) == 1 &&
		           store_links_from(wiki_store(w), p.id, &l, &e) == 0 && l.n == 2,
		   "a save while another document holds the arena");
		store_link_list_free(&l);
		md_free(held);
		OK(save(w, "arena", 1, "# Arena\n\n[[Three]]\n", &res, &e) == 0 &&
		           store_links_from(wiki_store(w), p.id, &l, &e) == 0 && l.n == 1 &&
		           !strcmp(l.v[0].slug, "three"),
		   "a save with the arena free");
		store_page_clear(&p);
	}
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

	test_rename(w);
	test_templates(w);
	wiki_save_res_clear(&res);
	wiki_close(w);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	return system(path) == 0 ? tap_done() : 1;
}
