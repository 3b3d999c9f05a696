/* Unit tests of export: link rewriting and escaping, every safety rule with
 * hostile pages, the rules for the output folder, revisions and diffs, the
 * search index, and the Markdown round trip (byte-equal bodies, same
 * titles). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "export.h"
#include "tap.h"
#include "u8.h"
#include "wiki.h"

static char top[] = "/tmp/docday-export-XXXXXX";

/* --- helpers ---------------------------------------------------------------- */

static char *path_of(const char *a, const char *b)
{
	buf p = BUF_INIT;

	buf_printf(&p, "%s/%s", a, b);
	return buf_detach(&p);
}

static int save_as(wiki *w, const char *name, const char *title, const char *text,
                   const char *author, const char *summary)
{
	wiki_save_req req = {0};
	wiki_save_res res = {0};
	err_info e = {0};
	int rc;

	req.name = name;
	req.title = title;
	req.base = -1;
	req.text = text;
	req.len = strlen(text);
	req.author = author ? author : "tester";
	req.summary = summary ? summary : "test";
	req.at_ms = 1700000000000;
	rc = wiki_save(w, &req, &res, &e);
	if (rc < 0)
		printf("# save %s: %s\n", name, e.msg);
	wiki_save_res_clear(&res);
	return rc;
}

static int save(wiki *w, const char *name, const char *text)
{
	return save_as(w, name, NULL, text, NULL, NULL);
}

static wiki *new_wiki(const char *name)
{
	char *p = path_of(top, name);
	err_info e = {0};
	wiki *w = wiki_open(p, WIKI_CREATE, NULL, &e);

	if (!w)
		printf("# open %s: %s\n", p, e.msg);
	free(p);
	return w;
}

/* The contents of dir/name (NUL-terminated; *len without it), or NULL. */
static char *slurp2(const char *dir, const char *name, size_t *len)
{
	char *p = path_of(dir, name), chunk[65536];
	FILE *f = fopen(p, "rb");
	buf b = BUF_INIT;
	size_t n;

	free(p);
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	if (!b.ptr)
		buf_puts(&b, "");
	return buf_detach(&b);
}

static char *slurp(const char *dir, const char *name)
{
	return slurp2(dir, name, NULL);
}

/* 1 when dir/name contains needle. */
static int file_has(const char *dir, const char *name, const char *needle)
{
	char *s = slurp(dir, name);
	int r = s && strstr(s, needle) != NULL;

	if (!s)
		printf("# no file %s/%s\n", dir, name);
	free(s);
	return r;
}

static int exists(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	struct stat sb;
	int r = lstat(p, &sb) == 0;

	free(p);
	return r;
}

/* Entries of dir whose name starts with prefix ("" for all). */
static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* 1 when a byte a web page must not have occurs in s[0..n): C0 other than
 * TAB, LF, CR; DEL; C1 (UTF-8 C2 80..9F). */
static int has_bad_bytes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') || p[i] == 0x7f)
			return 1;
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* Applies check to every file of dir; returns the number of files for
 * which it returned 1 (names printed). */
static int files_where(const char *dir, int (*check)(const char *s, size_t n))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int bad = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t n = 0;
		char *s;

		if (de->d_name[0] == '.')
			continue;
		s = slurp2(dir, de->d_name, &n);
		if (s && check(s, n)) {
			printf("#   %s\n", de->d_name);
			bad++;
		}
		free(s);
	}
	closedir(d);
	return bad;
}

/* 1 when an href or src attribute starts with a scheme a browser runs or
 * reads as content. */
static int has_bad_url(const char *s, size_t n)
{
	static const char *const attrs[] = {"href=\"", "src=\""};
	static const char *const bad[] = {"javascript:", "vbscript:", "data:", "file:"};
	size_t a, b;
	const char *p;

	(void)n;
	for (a = 0; a < 2; a++)
		for (p = s; (p = strstr(p, attrs[a])); p++) {
			const char *v = p + strlen(attrs[a]);

			while (*v == ' ' || *v == '\t')
				v++;
			for (b = 0; b < 4; b++)
				if (strncasecmp(v, bad[b], strlen(bad[b])) == 0)
					return 1;
		}
	return 0;
}

static int not_utf8(const char *s, size_t n)
{
	return !u8_valid(s, n, NULL);
}

static int has_raw_script(const char *s, size_t n)
{
	(void)n;
	return strstr(s, "<script>alert") != NULL || strstr(s, "onerror=") != NULL;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int occurrences(const char *s, const char *needle)
{
	int n = 0;

	for (; s && (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

static size_t progress_calls, progress_done, progress_total;

static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	progress_calls++;
	progress_done = done;
	progress_total = total;
}

/* --- links and escaping ---------------------------------------------------- */

static void test_links(void)
{
	wiki *w = new_wiki("links.db");
	char *out = path_of(top, "links");
	export_opts o = {0};
	export_stats st;
	err_info e = {0};
	char *s;

	save(w, "alpha",
	     "# Alpha\n\nSee [[Beta]], [[beta#Part Two|two]], [b](beta.md#Part%20Two), "
	     "[self](#Part-One), [[Gamma Missing]], [g2](gamma-missing.md), "
	     "[ext](https://example.com/x?a=1&b=2), [rel](./beta), [top](<#>).\n\n"
	     "## Part One\n\nText.\n");
	save(w, "beta", "# Beta\n\n## Part Two\n\nBack to [[Alpha]].\n");
	save(w, "index", "# Index\n\nA page whose name the site's index would take.\n");
	o.progress = progress;
	OK(export_html(w, out, &o, &st, &e) == 0, "export html of three pages");
	if (e.code)
		printf("# %s\n", e.msg);
	OK(file_has(out, "alpha.html", "<a href=\"beta.html\">Beta</a>"), "wiki link -> beta.html");
	OK(occurrences(s = slurp(out, "alpha.html"), "href=\"beta.html#part-two\"") == 2,
	   "wiki link and .md link with a fragment -> beta.html#part-two");
	free(s);
	OK(file_has(out, "alpha.html", "<a href=\"#part-one\">self</a>"),
	   "a fragment takes the heading's anchor form");
	OK(file_has(out, "alpha.html", "<a href=\"beta.html\">rel</a>"), "./beta -> beta.html");
	OK(file_has(out, "alpha.html",
	            "<span class=\"missing\" title=\"page does not exist yet\">Gamma Missing</span>"),
	   "a missing page is a span, not a link");
	OK(!file_has(out, "alpha.html", "gamma-missing.html"), "no link to a missing file");
	OK(file_has(out, "alpha.html", "href=\"https://example.com/x?a=1&amp;b=2\""),
	   "external links are kept, escaped");
	OK(file_has(out, "beta.html", "<h2 id=\"_backlinks\">Pages that link here</h2>") &&
	       file_has(out, "beta.html", "<li><a href=\"alpha.html\">Alpha</a></li>"),
	   "backlinks on the target page");
	OK(file_has(out, "beta.html", "<a class=\"anchor\" id=\"part-two\" href=\"#part-two\""),
	   "headings have anchors");
	OK(file_has(out, "wanted.html", ">gamma-missing</span> <span class=\"meta\">wanted by</span> "
	                                "<a href=\"alpha.html\">Alpha</a></li>"),
	   "wanted.html names the missing page once, with the page that wants it");
	OK(file_has(out, "_index.html", "<title>Index</title>") &&
	       file_has(out, "index.html", "<h1>All pages</h1>"),
	   "a page named index does not take index.html");
	OK(file_has(out, "index.html", "href=\"_index.html\""), "the index links to it");
	OK(file_has(out, "alpha.html", "Last edited by <span class=\"author\">tester</span>, "
	                               "<time datetime=\"2023-11-14T22:13:20Z\">"),
	   "last editor and time");
	OK(file_has(out, "alpha.html", "href=\"alpha.history.html\""), "link to the history");
	OK(file_has(out, "alpha.html", "href=\"recent.html\"") &&
	       file_has(out, "alpha.html", "href=\"index.html\""),
	   "navigation to the index and recent changes");
	OK(occurrences(s = slurp(out, "alpha.html"), "<h1") == 1, "the title heading is the one <h1>");
	free(s);
	OK(file_has(out, "alpha.html", "<h1 id=\"alpha\">Alpha</h1>"), "the <h1> keeps its anchor");
	OK(progress_calls == 3 && progress_done == 3 && progress_total == 3,
	   "progress is called once per page");
	OK(st.pages == 3 && (int)st.files == count_entries(out, "") && st.bytes > 1000,
	   "stats count pages, files and bytes");
	OK(file_has(out, "search-index.js", "window.DOCDAY_INDEX = [") &&
	       file_has(out, "search-index.js", "{\"s\":\"alpha\",\"f\":\"alpha.html\",\"t\":\"Alpha\""),
	   "search index entries");
	OK(file_has(out, "search-index.js", " part ") || file_has(out, "search-index.js", "part"),
	   "the search index has the words");
	OK(file_has(out, "search.html", "<script src=\"search-index.js\"></script>") &&
	       file_has(out, "search.html", "<noscript>"),
	   "search.html loads the index and says what to do without JavaScript");
	OK(exists(out, "style.css") && exists(out, "search.js") && exists(out, "recent.html"),
	   "the site's own files");
	OK(file_has(out, "style.css", "prefers-color-scheme: dark") &&
	       file_has(out, "style.css", "@media print") && file_has(out, "style.css", "overflow-x: auto"),
	   "dark mode, print styles, scrolling code and tables");
	OK(file_has(out, "alpha.html", "<meta name=\"viewport\""), "viewport meta");
	free(out);
	wiki_close(w);
}

static void test_headings(void)
{
	wiki *w = new_wiki("heads.db");
	char *out = path_of(top, "heads");
	err_info e = {0};
	char *s;

	save(w, "t", "# T\n\n## A\n\n## A\n\n### B *em*\n\n## !!!\n\n## A\n");
	save(w, "few", "# Few\n\n## One\n\n## Two\n");
	save(w, "u", "# U\n\n## Caf\xc3\xa9 \xc3\x9c" "ber\n\n[[u#Caf\xc3\xa9 \xc3\x9c" "ber|here]], "
	             "[[T#B em]]\n");
	save_as(w, "other", "Other Title", "# Not the title\n\nText.\n", NULL, NULL);
	OK(export_html(w, out, NULL, NULL, &e) == 0, "export html of heading pages");
	s = slurp(out, "t.html");
	OK(s && strstr(s, "id=\"a\"") && strstr(s, "id=\"a-1\"") && strstr(s, "id=\"a-2\"") &&
	       strstr(s, "id=\"b-em\""),
	   "repeated headings get -1, -2 in document order");
	OK(s && strstr(s, "<h2>!!!</h2>"), "a heading without letters has no anchor");
	OK(s && strstr(s, "<nav class=\"toc\"") && strstr(s, "<a href=\"#b-em\">B em</a>"),
	   "a contents list for 3+ headings");
	OK(s && strstr(s, "<ul>\n<li><a href=\"#b-em\">"), "the contents nest by level");
	free(s);
	OK(!file_has(out, "few.html", "class=\"toc\""), "no contents list for 2 headings");
	OK(file_has(out, "u.html", "id=\"caf\xc3\xa9-\xc3\xbc" "ber\""),
	   "a Unicode anchor is the slug itself");
	OK(file_has(out, "u.html", "<a href=\"u.html#caf%C3%A9-%C3%BC" "ber\">here</a>"),
	   "links to it are percent-encoded");
	OK(file_has(out, "u.html", "<a href=\"t.html#b-em\">"), "a wiki link to another page's section");
	s = slurp(out, "other.html");
	OK(s && strstr(s, "<h1>Other Title</h1>") &&
	       strstr(s, "<h1><a class=\"anchor\" id=\"not-the-title\""),
	   "a first heading that is not the title stays in the body");
	free(s);
	free(out);
	wiki_close(w);
}

static void test_escaping(void)
{
	wiki *w = new_wiki("esc.db");
	char *out = path_of(top, "esc");
	export_opts o = {0};
	err_info e = {0};

	save_as(w, "bx", "<b>x</b> & \"q\" 'z'", "Body.\n", "<i>eve</i>", "<script>s</script>");
	save_as(w, "bx", NULL, "Body two.\n", "mal&lory", "it's <ok>");
	o.with_revisions = 1;
	OK(export_html(w, out, &o, NULL, &e) == 0, "export html of a page with markup in its title");
	OK(file_has(out, "bx.html", "<title>&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &#39;z&#39;</title>"),
	   "title escaped in <title>");
	OK(file_has(out, "bx.html", "<h1>&lt;b&gt;x&lt;/b&gt; &amp;"), "title escaped in <h1>");
	OK(file_has(out, "index.html", ">&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;"),
	   "title escaped in the index");
	OK(file_has(out, "bx.history.html", "&lt;i&gt;eve&lt;/i&gt;") &&
	       file_has(out, "bx.history.html", "&lt;script&gt;s&lt;/script&gt;") &&
	       file_has(out, "bx.history.html", "it&#39;s &lt;ok&gt;"),
	   "authors and summaries escaped in the history");
	OK(file_has(out, "recent.html", "mal&amp;lory") && file_has(out, "recent.html", "&lt;ok&gt;"),
	   "escaped in recent changes");
	OK(file_has(out, "search-index.js", "\"t\":\"\\u003cb\\u003ex\\u003c/b\\u003e \\u0026 \\\"q\\\""),
	   "escaped in the search index");
	OK(files_where(out, has_raw_script) == 0 && !file_has(out, "bx.r1.html", "<b>x</b>"),
	   "no markup from a title, author or summary anywhere");
	free(out);
	wiki_close(w);
}

/* --- hostile pages ---------------------------------------------------------- */

static const char hostile[] =
    "# Hostile\n\n"
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(2)>\n\n"
    "Inline <span onclick=\"alert(3)\">html</span>.\n\n"
    "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:msgbox(1))\n"
    "[d](data:text/html,<script>alert(1)</script>) [e](java&#09;script:alert(1))\n"
    "[f]( file:///etc/passwd) [g](&#x20;javascript:alert(1)) <javascript:alert(3)>\n"
    "![i](data:image/png;base64,AAAA) ![j](javascript:alert(4)) ![k](DATA:image/svg+xml,x)\n"
    "[![nested](javascript:x)](javascript:y)\n\n"
    "Controls: esc &#27;[31m red, bel &#7; raw \x01\x02\x1b[2J\x7f, c1 \xc2\x9b, "
    "nul-ref &#0;, ff \x0c, vt \x0b.\n\n"
    "`code &#27; \x1b[1m` and [link](http://x/\x1b \"t&#27;itle\")\n\n"
    "```\x1b[31m\n\x1b[2Jcode\x07\n```\n\n"
    "| h\x1b | &#27; |\n|---|---|\n| \x1b | x |\n";

static void test_hostile(void)
{
	wiki *w = new_wiki("hostile.db");
	char *out = path_of(top, "hostile"), *out2 = path_of(top, "hostile-unsafe");
	char *s;
	export_opts o = {0};
	err_info e = {0};
	int64_t id = 0;
	int before;

	save(w, "hostile", hostile);
	save_as(w, "../../x", "../../x", "A title that looks like a path.\n", NULL, NULL);
	save_as(w, "evil/../../y", NULL, "# ../y\n", NULL, NULL);
	/* A damaged database: a slug that is not one. */
	if (store_begin_write(wiki_store(w), &e) == 0 &&
	    store_page_create(wiki_store(w), "../escape", "Escape", &id, &e) == 0 &&
	    store_rev_add(wiki_store(w), id, "Escape", "x\n", 2, "t", 1, "", NULL, NULL, &e) == 0)
		store_commit(wiki_store(w), &e);
	else
		store_rollback(wiki_store(w));
	OK(id > 0, "a page with a broken slug exists");
	/* ... and a title and body that are not UTF-8. */
	id = 0;
	if (store_begin_write(wiki_store(w), &e) == 0 &&
	    store_page_create(wiki_store(w), "bad-bytes", "Bad \xff\xfe bytes\x1b", &id, &e) == 0 &&
	    store_rev_add(wiki_store(w), id, "Bad", "\xc3\x28 \xff\n", 5, "t\xff", 1, "\x9b", NULL,
	                  NULL, &e) == 0)
		store_commit(wiki_store(w), &e);
	else
		store_rollback(wiki_store(w));
	OK(id > 0, "a page with bytes that are not UTF-8 exists");
	o.with_revisions = 1;
	before = count_entries(top, "");
	OK(export_html(w, out, &o, NULL, &e) == 0, "export html of hostile pages");
	if (e.code)
		printf("# %s\n", e.msg);
	OK(count_entries(top, "") == before + 1, "nothing written beside the folder but itself");
	OK(exists(out, "x.html") && exists(out, "evil-y.html"), "path-like names become plain slugs");
	OK(!exists(top, "escape.html") && !exists("/tmp", "escape.html") &&
	       count_entries(out, "_") == 2,
	   "a broken slug gets a hashed name inside the folder (page and history)");
	OK(files_where(out, has_raw_script) == 0, "raw HTML is left out (no <script>, no onerror)");
	OK(file_has(out, "hostile.html", "<!-- raw HTML omitted -->"), "cmark's safe mode marks it");
	OK(files_where(out, has_bad_url) == 0, "no javascript:, vbscript:, data: or file: URL in any file");
	s = slurp(out, "hostile.html");
	OK(occurrences(s, "class=\"blocked\"") >= 12,
	   "each dangerous link and image is a visible blocked span");
	free(s);
	OK(files_where(out, has_bad_bytes) == 0, "no control characters in any file");
	OK(files_where(out, not_utf8) == 0, "every file is valid UTF-8");
	OK(file_has(out, "hostile.html", "\xe2\x90\x9b[31m red"),
	   "ESC from &#27; shows as a visible placeholder");
	OK(file_has(out, "search-index.js", "\\u001b") || file_has(out, "search-index.js", "\xe2\x90\x9b"),
	   "the search index escapes controls");
	o.unsafe = 1;
	OK(export_html(w, out2, &o, NULL, &e) == 0, "export html --unsafe");
	OK(file_has(out2, "hostile.html", "<script>alert(1)</script>"),
	   "unsafe passes raw HTML through");
	OK(files_where(out2, has_bad_url) == 0, "unsafe still neutralises dangerous link URLs");
	OK(files_where(out2, has_bad_bytes) == 0, "unsafe output has no control characters either");
	free(out);
	free(out2);
	wiki_close(w);
}

/* --- the output folder ------------------------------------------------------- */

static void test_folder(void)
{
	wiki *w = new_wiki("folder.db");
	char *foreign = path_of(top, "foreign"), *site = path_of(top, "site");
	char *file = path_of(top, "plain-file"), *empty = path_of(top, "empty");
	char *link = path_of(top, "link-to-empty"), *p, *old_index, *now_index;
	char big[300000];
	err_info e = {0};
	struct rlimit rl, saved;
	FILE *f;

	save(w, "one", "# One\n\n[[Two]]\n");
	save(w, "two", "# Two\n");

	mkdir(foreign, 0755);
	p = path_of(foreign, "keep.txt");
	f = fopen(p, "w");
	fputs("mine\n", f);
	fclose(f);
	free(p);
	OK(export_html(w, foreign, NULL, NULL, &e) < 0 && e.code == ERR_USER,
	   "refuses a non-empty folder that is not an export");
	OK(strstr(e.msg, "not empty") != NULL, "and says why");
	OK(count_entries(foreign, "") == 1 && file_has(foreign, "keep.txt", "mine"),
	   "the folder is untouched");
	OK(count_entries(top, "foreign.") == 0, "no temporary folder left beside it");
	err_clear(&e);
	OK(export_md(w, foreign, NULL, NULL, &e) < 0 && e.code == ERR_USER,
	   "export md refuses it too");

	f = fopen(file, "w");
	fclose(f);
	err_clear(&e);
	OK(export_html(w, file, NULL, NULL, &e) < 0 && e.code == ERR_USER, "refuses a file");
	p = path_of(top, "no/such/parent");
	err_clear(&e);
	OK(export_html(w, p, NULL, NULL, &e) < 0 && e.code == ERR_USER,
	   "refuses a folder whose parent is missing");
	free(p);

	mkdir(empty, 0755);
	err_clear(&e);
	OK(export_html(w, empty, NULL, NULL, &e) == 0 && exists(empty, "one.html"),
	   "fills an empty folder");
	OK(exists(empty, EXPORT_MARKER), "and marks it as an export");
	rm_rf(empty);
	mkdir(empty, 0755);
	OK(symlink(empty, link) == 0, "a symbolic link to an empty folder");
	OK(export_html(w, link, NULL, NULL, &e) == 0 && exists(empty, "one.html"),
	   "export through the link fills its target");
	{
		struct stat sb;

		OK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the link stays a link");
	}

	OK(export_html(w, site, NULL, NULL, &e) == 0, "export into a new folder");
	p = path_of(site, "stale.html");
	f = fopen(p, "w");
	fputs("from an older export\n", f);
	fclose(f);
	free(p);
	save(w, "three", "# Three\n");
	OK(export_html(w, site, NULL, NULL, &e) == 0, "export again over the previous export");
	OK(!exists(site, "stale.html") && exists(site, "three.html"), "the old site is replaced whole");
	OK(count_entries(top, "site.") == 0, "no temporary or old folder left beside it");
	OK(count_entries(top, "site") == 1, "one site");

	/* A failure halfway (the file-size limit stands in for a full disk). */
	old_index = slurp(site, "index.html");
	memset(big, 'a', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	big[sizeof big - 1] = '\0';
	save(w, "big", big);
	getrlimit(RLIMIT_FSIZE, &saved);
	rl = saved;
	rl.rlim_cur = 100000;
	signal(SIGXFSZ, SIG_IGN);
	fflush(stdout);
	setrlimit(RLIMIT_FSIZE, &rl);
	err_clear(&e);
	OK(export_html(w, site, NULL, NULL, &e) < 0, "an export that cannot write fails");
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, SIG_DFL);
	OK(e.code == ERR_USER && strstr(e.msg, "big.html"), "naming the file it could not write");
	now_index = slurp(site, "index.html");
	OK(old_index && now_index && strcmp(old_index, now_index) == 0 && !exists(site, "big.html") &&
	       exists(site, "three.html"),
	   "the previous site is whole");
	OK(count_entries(top, "site.") == 0, "the temporary folder is gone");
	free(old_index);
	free(now_index);

	err_clear(&e);
	OK(export_html(w, "", NULL, NULL, &e) < 0 && e.code == ERR_USER, "refuses an empty name");
	free(foreign);
	free(site);
	free(file);
	free(empty);
	free(link);
	wiki_close(w);
}

/* --- revisions --------------------------------------------------------------- */

static void test_revisions(void)
{
	wiki *w = new_wiki("revs.db");
	char *out = path_of(top, "revs"), *plain = path_of(top, "revs-plain");
	export_opts o = {0};
	err_info e = {0};

	save(w, "page", "# Page\n\nold line\nsame\n");
	save_as(w, "page", "Page Renamed", "# Page\n\nnew <line>\nsame\n", "bob", "second");
	save(w, "page", "# Page\n\nnew <line>\nsame\nthird\n");
	o.with_revisions = 1;
	OK(export_html(w, out, &o, NULL, &e) == 0, "export html --with-revisions");
	OK(exists(out, "page.r1.html") && exists(out, "page.r2.html") && !exists(out, "page.r3.html"),
	   "every old revision has a page (the head is page.html)");
	OK(exists(out, "page.r2.diff.html") && exists(out, "page.r3.diff.html") &&
	       !exists(out, "page.r1.diff.html"),
	   "every revision with a parent has a diff");
	OK(file_has(out, "page.r2.diff.html", "<span class=\"d-del\">-old line\n</span>") &&
	       file_has(out, "page.r2.diff.html", "<span class=\"d-add\">+new &lt;line&gt;\n</span>"),
	   "the diff shows removed and added lines, escaped");
	OK(file_has(out, "page.r2.diff.html", "the title changed from &ldquo;Page&rdquo; to"),
	   "the diff notes a title change");
	OK(file_has(out, "page.r1.html", "You are reading <strong>revision 1</strong>") &&
	       file_has(out, "page.r1.html", "old line"),
	   "an old revision shows its own text");
	OK(file_has(out, "page.history.html", "href=\"page.r1.html\"") &&
	       file_has(out, "page.history.html", "href=\"page.r3.diff.html\"") &&
	       file_has(out, "page.history.html", "<td>bob</td><td>second</td>"),
	   "the history links revisions and diffs, with author and summary");
	OK(file_has(out, "recent.html", "href=\"page.r3.diff.html\""), "recent changes link diffs");
	OK(export_html(w, plain, NULL, NULL, &e) == 0 && !exists(plain, "page.r1.html") &&
	       file_has(plain, "page.history.html", "<td>bob</td>"),
	   "without it, the history lists revisions only");
	free(out);
	free(plain);
	wiki_close(w);
}

/* --- the Markdown round trip ------------------------------------------------ */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Imports dir as 'docday import DIR' does. */
static int import_dir(wiki *w, const char *dir, int *files)
{
	export_manifest *m = NULL;
	struct dirent **v;
	err_info e = {0};
	int n, i, bad = 0;

	*files = 0;
	if (export_manifest_load(dir, &m, &e) < 0) {
		printf("# manifest: %s\n", e.msg);
		return -1;
	}
	n = scandir(dir, &v, NULL, by_name);
	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]->d_name), tlen = 0;
		wiki_save_res res = {0};
		char *text, *p;

		if (v[i]->d_name[0] == '.' || len < 4 || strcmp(v[i]->d_name + len - 3, ".md") ||
		    (m && export_md_own_file(v[i]->d_name))) {
			free(v[i]);
			continue;
		}
		text = slurp2(dir, v[i]->d_name, &tlen);
		p = path_of(dir, v[i]->d_name);
		if (export_md_import(w, m, p, text, tlen, "importer", &res, &e) < 0) {
			printf("# import %s: %s\n", p, e.msg);
			bad++;
		}
		(*files)++;
		wiki_save_res_clear(&res);
		free(text);
		free(p);
		free(v[i]);
	}
	free(v);
	export_manifest_free(m);
	return bad ? -1 : 0;
}

static void test_md_round_trip(void)
{
	wiki *a = new_wiki("md-a.db"), *b = new_wiki("md-b.db");
	char *out = path_of(top, "md");
	store_page_list pa = {0}, pb = {0};
	err_info e = {0};
	size_t i;
	int files = 0, same_titles = 1, same_bodies = 1;
	char *p;
	FILE *f;

	wiki_fill_sample(a, "docday", &e);
	save_as(a, "plain", "Plain *Title* [x] #1 `c` <b> & \\ |", "plain text only\n", NULL, NULL);
	save_as(a, "real-title", "Real Title", "# Something else\n\ntext\n", NULL, NULL);
	save_as(a, "empty", "Empty", "", NULL, NULL);
	save_as(a, "crlf", "CRLF", "line1\r\nline2\r\n", NULL, NULL);
	save_as(a, "no-newline", "Trailing  ", "ends without a newline   ", NULL, NULL);
	save_as(a, "cafe", "Caf\xc3\xa9 \xc3\x9cn\xc3\xaf" "code", "caf\xc3\xa9\n", NULL, NULL);
	save_as(a, "esc", "Escapes", "raw \x1b[31m and &#27; kept as bytes\n", NULL, NULL);
	save_as(a, "h2-only", "H2 Only", "## Second level\n\ntext\n", NULL, NULL);
	save_as(a, "setext", "Setext", "Title\n=====\n\nbody\n", NULL, NULL);
	save_as(a, "starts-like-prefix", "Starts", "#  Starts\n\nnot added by export\n", NULL, NULL);
	save_as(a, "index", "Index", "A page called index.\n", NULL, NULL);
	save_as(a, "edited", "Edited Title", "no heading here\n", NULL, NULL);
	OK(export_md(a, out, NULL, NULL, &e) == 0, "export md");
	if (e.code)
		printf("# %s\n", e.msg);
	OK(exists(out, "plain.md") && exists(out, EXPORT_MD_INDEX) && exists(out, EXPORT_MANIFEST),
	   "SLUG.md per page, the index and the manifest");
	OK(file_has(out, "plain.md", "# Plain \\*Title\\* \\[x\\] \\#1 \\`c\\` \\<b\\> \\& \\\\ \\|\n\n"
	                             "plain text only\n"),
	   "a body without a heading gets the title as its first heading, escaped");
	OK(file_has(out, "real-title.md", "# Something else\n") &&
	       !file_has(out, "real-title.md", "Real Title"),
	   "a body with a heading is written as it is");
	OK(file_has(out, EXPORT_MD_INDEX, "- [Plain \\*Title\\*"), "the index lists the pages");
	OK(file_has(out, "index.md", "A page called index."), "a page named index is index.md");
	{
		char *mf = slurp(out, EXPORT_MANIFEST), *line = mf ? strstr(mf, "\nplain.md\t") : NULL;

		if (line)
			*strchr(line + 1, '\n') = '\0';
		STREQ(line ? line + 1 : NULL, "plain.md\tplain\tPlain *Title* [x] #1 `c` <b> & \\\\ |\t1",
		      "the manifest line: file, slug, title (backslash escaped), heading added");
		free(mf);
	}
	/* A reader renames the page by editing the added heading. */
	p = path_of(out, "edited.md");
	f = fopen(p, "w");
	fputs("# Renamed By Hand\n\nno heading here\n", f);
	fclose(f);
	free(p);

	OK(import_dir(b, out, &files) == 0, "import the folder into an empty wiki");
	OK(store_page_list_all(wiki_store(a), STORE_BY_SLUG, &pa, &e) == 0 &&
	       store_page_list_all(wiki_store(b), STORE_BY_SLUG, &pb, &e) == 0,
	   "list both wikis");
	OK(pa.n == pb.n && (size_t)files == pa.n, "the same number of pages (the index is skipped)");
	for (i = 0; i < pa.n && i < pb.n; i++) {
		store_rev ra = {0}, rb = {0};

		if (strcmp(pa.v[i].slug, pb.v[i].slug) != 0) {
			printf("#   slug %s vs %s\n", pa.v[i].slug, pb.v[i].slug);
			same_titles = same_bodies = 0;
			continue;
		}
		if (strcmp(pa.v[i].slug, "edited") == 0)
			continue;
		if (strcmp(pa.v[i].title, pb.v[i].title) != 0) {
			printf("#   title of %s: '%s' vs '%s'\n", pa.v[i].slug, pa.v[i].title, pb.v[i].title);
			same_titles = 0;
		}
		store_rev_get(wiki_store(a), pa.v[i].id, 0, &ra, &e);
		store_rev_get(wiki_store(b), pb.v[i].id, 0, &rb, &e);
		if (ra.body_len != rb.body_len || memcmp(ra.body, rb.body, ra.body_len) != 0) {
			printf("#   body of %s differs (%zu vs %zu bytes)\n", pa.v[i].slug, ra.body_len,
			       rb.body_len);
			same_bodies = 0;
		}
		store_rev_clear(&ra);
		store_rev_clear(&rb);
	}
	OK(same_titles, "every title comes back");
	OK(same_bodies, "every body comes back byte for byte");
	{
		store_page pg = {0};
		store_rev r = {0};

		OK(wiki_find(b, "edited", &pg, &e) == 1 && strcmp(pg.title, "Renamed By Hand") == 0 &&
		       store_rev_get(wiki_store(b), pg.id, 0, &r, &e) == 1 &&
		       strcmp(r.body, "# Renamed By Hand\n\nno heading here\n") == 0,
		   "an edited heading is kept and names the page");
		store_rev_clear(&r);
		store_page_clear(&pg);
	}
	OK(import_dir(b, out, &files) == 0, "a second import of the same folder");
	{
		store_page pg = {0};

		OK(wiki_find(b, "plain", &pg, &e) == 1 && pg.nrevs == 1,
		   "adds no revision to unchanged pages");
		store_page_clear(&pg);
	}
	OK(export_md(a, out, NULL, NULL, &e) == 0, "export md again over the folder");
	store_page_list_free(&pa);
	store_page_list_free(&pb);
	free(out);
	wiki_close(a);
	wiki_close(b);
}

static void test_manifest_errors(void)
{
	char *dir = path_of(top, "badmf"), *p = path_of(dir, EXPORT_MANIFEST);
	export_manifest *m = (export_manifest *)1;
	err_info e = {0};
	FILE *f;

	mkdir(dir, 0755);
	OK(export_manifest_load(dir, &m, &e) == 0 && m == NULL, "a folder without a manifest");
	f = fopen(p, "w");
	fputs("not ours\n", f);
	fclose(f);
	OK(export_manifest_load(dir, &m, &e) < 0 && e.code == ERR_USER, "a foreign manifest is refused");
	f = fopen(p, "w");
	fputs("# docday Markdown export 1\n../x.md\tx\tX\t0\n", f);
	fclose(f);
	OK(export_manifest_load(dir, &m, &e) < 0 && strstr(e.msg, ":2:"),
	   "a manifest naming a path is refused, with its line");
	f = fopen(p, "w");
	fputs("# docday Markdown export 1\nx.md\tNot A Slug\tX\t0\n", f);
	fclose(f);
	OK(export_manifest_load(dir, &m, &e) < 0, "a manifest with a bad slug is refused");
	OK(export_md_own_file("_index.md") && export_md_own_file("_docday.tsv") &&
	       !export_md_own_file("index.md"),
	   "the folder's own files");
	free(p);
	free(dir);
}

/* --- a long name ---------------------------------------------------------------- */

static void test_long_slug(void)
{
	wiki *w = new_wiki("long.db");
	char *out = path_of(top, "long"), name[401], *s, *h;
	err_info e = {0};
	DIR *d;
	struct dirent *de;
	int longest = 0;

	memset(name, 'x', 400);
	name[400] = '\0';
	save(w, name, "# Long\n\nLong name.\n");
	s = malloc(520);
	snprintf(s, 520, "# Short\n\n[[%s]]\n", name);
	save(w, "short", s);
	free(s);
	OK(export_html(w, out, NULL, NULL, &e) == 0, "export a page with a 400-byte slug");
	d = opendir(out);
	while (d && (de = readdir(d)))
		if ((int)strlen(de->d_name) > longest)
			longest = (int)strlen(de->d_name);
	if (d)
		closedir(d);
	OK(longest < 255, "file names stay short enough");
	s = slurp(out, "short.html");
	h = s ? strstr(s, "<a href=\"xxxx") : NULL;
	OK(h != NULL, "the link to it exists");
	if (h) {
		char *end = strchr(h + 9, '"');

		*end = '\0';
		OK(exists(out, h + 9), "and names the file");
	} else {
		OK(0, "and names the file");
	}
	free(s);
	free(out);
	wiki_close(w);
}

int main(void)
{
	if (!mkdtemp(top))
		return 1;
	setenv("TZ", "UTC", 1);
	u8_setlocale();
	test_links();
	test_headings();
	test_escaping();
	test_hostile();
	test_folder();
	test_revisions();
	test_md_round_trip();
	test_manifest_errors();
	test_long_slug();
	if (!tap_failed)
		rm_rf(top);
	else
		printf("# left %s for a look\n", top);
	return tap_done();
}
