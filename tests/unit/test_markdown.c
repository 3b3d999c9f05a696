/* test_markdown: the parse tree over cmark-gfm, wiki links, link targets,
 * page links, headings as titles, and hostile input. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "tap.h"

static md_doc *parse(const char *s)
{
	return md_parse(s, strlen(s), 0, NULL);
}

/* The node after n in document order, within root; NULL after the last. */
static md_node *walk_next(md_node *root, md_node *n)
{
	if (md_first_child(n))
		return md_first_child(n);
	while (n && n != root && !md_next(n))
		n = md_parent(n);
	return (n && n != root) ? md_next(n) : NULL;
}

/* The n-th node (0-based) of type t in document order, or NULL. */
static md_node *find(md_node *root, enum md_type t, int nth)
{
	for (md_node *n = root; n; n = walk_next(root, n))
		if (md_node_type(n) == t && nth-- == 0)
			return n;
	return NULL;
}

static int count(md_node *root, enum md_type t)
{
	int i = 0;

	while (find(root, t, i))
		i++;
	return i;
}

/* The paragraph's children as "TYPE:text" words, to compare whole shapes. */
static char *shape(md_node *para)
{
	buf b = BUF_INIT;
	md_node *n;
	char *text;

	for (n = md_first_child(para); n; n = md_next(n)) {
		text = md_plain_text(n);
		switch (md_node_type(n)) {
		case MD_TEXT: buf_printf(&b, "T(%s)", md_literal(n)); break;
		case MD_LINK:
			buf_printf(&b, "%s(%s>%s)", md_is_wiki_link(n) ? "W" : "L", text, md_url(n));
			break;
		case MD_EMPH: buf_printf(&b, "E(%s)", text); break;
		case MD_CODE: buf_printf(&b, "C(%s)", md_literal(n)); break;
		case MD_SOFTBREAK: buf_puts(&b, "S"); break;
		default: buf_printf(&b, "?%d", md_node_type(n)); break;
		}
		free(text);
	}
	return buf_detach(&b);
}

/* The shape of the first paragraph of s. */
static int shape_is(const char *s, const char *want, const char *name)
{
	md_doc *d = parse(s);
	char *got = shape(find(md_root(d), MD_PARAGRAPH, 0));
	int ok = STREQ(got, want, name);

	free(got);
	md_free(d);
	return ok;
}

static const char all_gfm[] =
    "# Title\n"                                         /* 1 */
    "\n"
    "Setext\n"                                          /* 3 */
    "------\n"
    "\n"
    "> quote\n"                                         /* 6 */
    "\n"
    "1. one\n"                                          /* 8 */
    "2. two\n"
    "\n"
    "- [x] done\n"                                      /* 11 */
    "- [ ] todo\n"
    "- plain\n"
    "\n"
    "| Left | Center | Right | None |\n"               /* 15 */
    "|:-----|:------:|------:|------|\n"
    "| a | b | c | d |\n"
    "\n"
    "~~gone~~ *em* **strong** `code` <span>in</span>\n" /* 19 */
    "www.example.com and https://x.y\n"
    "hard  \n"
    "break\\\n"
    "again\n"
    "soft\n"
    "\n"
    "![alt text](pic.png \"Pic\") [ref](https://a.b \"T\")\n" /* 26 */
    "\n"
    "```c  numbers\n"                                   /* 28 */
    "int x;\n"
    "```\n"
    "\n"
    "    indented\n"                                    /* 32 */
    "\n"
    "<div>\n"                                           /* 34 */
    "html block\n"
    "</div>\n"
    "\n"
    "***\n"                                             /* 38 */
    "\n"
    "Note[^n] and again[^n].\n"                         /* 40 */
    "\n"
    "[^n]: The note.\n"                                 /* 42 */
    "\n"
    "3. three\n"                                        /* 44 */
    "\n"
    "4. four\n";

static void test_types(void)
{
	md_doc *d = md_parse(all_gfm, strlen(all_gfm), MD_FOOTNOTES, NULL);
	md_node *root = md_root(d), *n, *t;
	int i, missing = 0;
	char name[64];
	const char *s;

	OK(d != NULL, "all-GFM document parses");
	OK(md_node_type(root) == MD_DOCUMENT, "root is the document");
	for (i = MD_DOCUMENT; i < MD_OTHER; i++) {
		if (!find(root, (enum md_type)i, 0)) {
			snprintf(name, sizeof name, "type %d appears", i);
			OK(0, name);
			missing++;
		}
	}
	OK(missing == 0, "every md_type appears");
	OK(count(root, MD_OTHER) == 0, "nothing unknown (MD_OTHER)");

	/* headings */
	n = find(root, MD_HEADING, 0);
	OK(md_heading_level(n) == 1, "ATX heading level 1");
	OK(md_start_line(n) == 1 && md_end_line(n) == 1, "ATX heading on line 1");
	n = find(root, MD_HEADING, 1);
	OK(md_heading_level(n) == 2, "setext '-' heading is level 2");
	OK(md_start_line(n) == 3 && md_end_line(n) == 4, "setext heading spans lines 3-4");
	OK(md_heading_level(find(root, MD_PARAGRAPH, 0)) == 0, "paragraph has no level");

	/* lists */
	n = find(root, MD_LIST, 0);
	OK(md_list_type(n) == MD_LIST_ORDERED, "ordered list");
	OK(md_list_start(n) == 1, "ordered list starts at 1");
	OK(md_list_tight(n) == 1, "ordered list is tight");
	OK(md_start_line(n) == 8 && md_end_line(n) == 9, "ordered list on lines 8-9");
	n = find(root, MD_LIST, 1);
	OK(md_list_type(n) == MD_LIST_BULLET, "task list is a bullet list");
	OK(md_task_state(find(n, MD_ITEM, 0)) == 2, "[x] is a checked task");
	OK(md_task_state(find(n, MD_ITEM, 1)) == 1, "[ ] is an unchecked task");
	OK(md_task_state(find(n, MD_ITEM, 2)) == 0, "plain item is no task");
	OK(md_task_state(find(root, MD_ITEM, 0)) == 0, "ordered item is no task");
	OK(md_task_state(n) == 0, "a list is no task");
	n = find(root, MD_LIST, 2);
	OK(md_list_start(n) == 3, "second ordered list starts at 3");
	OK(md_list_tight(n) == 0, "list with a blank line between items is loose");
	OK(md_list_type(root) == 0 && md_list_start(root) == 0, "non-list has no list type");

	/* table */
	n = find(root, MD_TABLE, 0);
	OK(md_table_columns(n) == 4, "table has 4 columns");
	OK(md_table_align(n, 0) == MD_ALIGN_LEFT, "column 0 left");
	OK(md_table_align(n, 1) == MD_ALIGN_CENTER, "column 1 center");
	OK(md_table_align(n, 2) == MD_ALIGN_RIGHT, "column 2 right");
	OK(md_table_align(n, 3) == MD_ALIGN_NONE, "column 3 unaligned");
	OK(md_table_align(n, 4) == MD_ALIGN_NONE && md_table_align(n, -1) == MD_ALIGN_NONE,
	   "alignment out of range is none");
	OK(md_start_line(n) == 15 && md_end_line(n) == 17, "table on lines 15-17");
	OK(md_table_row_is_header(find(n, MD_TABLE_ROW, 0)) == 1, "first row is the header");
	OK(md_table_row_is_header(find(n, MD_TABLE_ROW, 1)) == 0, "second row is a body row");
	OK(count(n, MD_TABLE_ROW) == 2 && count(n, MD_TABLE_CELL) == 8, "2 rows of 4 cells");
	t = find(find(n, MD_TABLE_ROW, 1), MD_TEXT, 3);
	STREQ(md_literal(t), "d", "last body cell text");
	OK(md_table_columns(root) == 0 && md_table_row_is_header(root) == 0,
	   "table accessors on a non-table");

	/* inlines */
	n = find(root, MD_STRIKETHROUGH, 0);
	STREQ(md_literal(md_first_child(n)), "gone", "strikethrough text");
	STREQ(md_literal(find(root, MD_CODE, 0)), "code", "code span literal");
	STREQ(md_literal(find(root, MD_HTML_INLINE, 0)), "<span>", "inline html literal");
	STREQ(md_url(find(root, MD_LINK, 0)), "http://www.example.com", "www autolink");
	STREQ(md_url(find(root, MD_LINK, 1)), "https://x.y", "https autolink");
	OK(md_start_line(find(root, MD_LINK, 1)) == 20, "autolink line from its paragraph");
	OK(!md_is_wiki_link(find(root, MD_LINK, 0)), "autolink is no wiki link");
	OK(count(root, MD_LINEBREAK) == 2, "two hard breaks (spaces and backslash)");
	OK(count(root, MD_SOFTBREAK) >= 2, "soft breaks");
	n = find(root, MD_IMAGE, 0);
	STREQ(md_url(n), "pic.png", "image url");
	STREQ(md_title(n), "Pic", "image title");
	STREQ(md_literal(md_first_child(n)), "alt text", "image alt text");
	n = find(root, MD_LINK, 2);
	STREQ(md_url(n), "https://a.b", "link url");
	STREQ(md_title(n), "T", "link title");
	OK(md_start_line(n) == 26, "link on line 26");
	STREQ(md_url(root), "", "url of a non-link");
	STREQ(md_title(find(root, MD_TEXT, 0)), "", "title of a non-link");

	/* code, html, breaks */
	n = find(root, MD_CODE_BLOCK, 0);
	STREQ(md_fence_info(n), "c  numbers", "fence info");
	STREQ(md_literal(n), "int x;\n", "fenced code literal");
	OK(md_start_line(n) == 28 && md_end_line(n) == 30, "fenced code on lines 28-30");
	n = find(root, MD_CODE_BLOCK, 1);
	STREQ(md_fence_info(n), "", "indented code has no info");
	STREQ(md_literal(n), "indented\n", "indented code literal");
	STREQ(md_fence_info(root), "", "fence info of a non-code node");
	n = find(root, MD_HTML_BLOCK, 0);
	STREQ(md_literal(n), "<div>\nhtml block\n</div>\n", "html block literal");
	OK(md_start_line(n) == 34, "html block on line 34");
	OK(md_start_line(find(root, MD_THEMATIC_BREAK, 0)) == 38, "thematic break line");
	STREQ(md_literal(find(root, MD_PARAGRAPH, 0)), "", "literal of a container is empty");

	/* footnotes */
	OK(count(root, MD_FOOTNOTE_REF) == 2, "two footnote references");
	STREQ(md_literal(find(root, MD_FOOTNOTE_REF, 0)), "1", "footnote reference number");
	STREQ(md_literal(find(root, MD_FOOTNOTE_REF, 1)), "1", "same note, same number");
	n = find(root, MD_FOOTNOTE_DEF, 0);
	OK(n && md_parent(n) == root, "footnote definition is a top-level block");
	t = find(n, MD_TEXT, 0);
	STREQ(md_literal(t), "The note.", "footnote text");
	md_free(d);

	/* numbered in order of first reference; unused notes dropped */
	s = "a[^2] b[^1] c[^2]\n\n[^1]: one\n[^2]: two\n[^3]: unused\n";
	d = md_parse(s, strlen(s), MD_FOOTNOTES, NULL);
	root = md_root(d);
	STREQ(md_literal(find(root, MD_FOOTNOTE_REF, 0)), "1", "first referenced note is 1");
	STREQ(md_literal(find(root, MD_FOOTNOTE_REF, 1)), "2", "second is 2");
	STREQ(md_literal(find(root, MD_FOOTNOTE_REF, 2)), "1", "repeat keeps its number");
	OK(count(root, MD_FOOTNOTE_DEF) == 2, "unreferenced note dropped");
	STREQ(md_literal(find(find(root, MD_FOOTNOTE_DEF, 0), MD_TEXT, 0)), "two",
	      "definitions in number order");
	STREQ(md_literal(find(root, MD_FOOTNOTE_DEF, 0)), "", "definition literal is empty");
	md_free(d);

	/* without MD_FOOTNOTES there is no footnote syntax */
	d = parse("Note[^n].\n\n[^n]: The note.\n");
	OK(count(md_root(d), MD_FOOTNOTE_REF) == 0 && count(md_root(d), MD_FOOTNOTE_DEF) == 0,
	   "footnotes off by default");
	md_free(d);
}

static void test_walk(void)
{
	md_doc *d = parse("a\n\nb\n\nc\n");
	md_node *root = md_root(d), *a = md_first_child(root), *c = md_last_child(root);

	OK(md_node_type(a) == MD_PARAGRAPH && md_node_type(c) == MD_PARAGRAPH, "first/last child");
	OK(md_next(a) == md_prev(c), "next and prev meet in the middle");
	OK(md_parent(a) == root && md_parent(root) == NULL, "parents");
	OK(md_prev(a) == NULL && md_next(c) == NULL, "ends of the sibling list");
	OK(md_first_child(md_first_child(a)) == NULL, "text has no children");
	OK(md_node_type(NULL) == MD_NONE && md_first_child(NULL) == NULL && md_next(NULL) == NULL,
	   "accessors are NULL-safe");
	STREQ(md_literal(NULL), "", "literal of NULL");
	OK(md_root(NULL) == NULL, "root of NULL");
	md_free(d);
	md_free(NULL);

	d = parse("");
	OK(d && md_first_child(md_root(d)) == NULL, "empty input is an empty document");
	md_free(d);
}

static void test_lines(void)
{
	md_doc *d = parse("Title\n===\npara\n[[A]] x\nhttps://q.r [[B]]\n\n"
	                  "- one\n- two\n\n> q\n");
	md_node *root = md_root(d), *n;

	n = find(root, MD_HEADING, 0);
	OK(md_start_line(n) == 1 && md_end_line(n) == 2, "setext heading before a paragraph: 1-2");
	n = find(root, MD_PARAGRAPH, 0);
	OK(md_start_line(n) == 3 && md_end_line(n) == 5, "paragraph 3-5");
	n = find(root, MD_LINK, 0);
	OK(md_is_wiki_link(n) && md_start_line(n) == 4 && md_end_line(n) == 4,
	   "wiki link after a soft break: line 4");
	OK(md_start_line(md_first_child(n)) == 4, "wiki link text: line 4");
	OK(md_start_line(md_next(n)) == 4, "text after a wiki link: line 4");
	n = find(root, MD_LINK, 1);
	OK(!md_is_wiki_link(n) && md_start_line(n) == 5, "autolink without position: line 5");
	n = find(root, MD_LINK, 2);
	OK(md_is_wiki_link(n) && md_start_line(n) == 5, "wiki link after an autolink: line 5");
	n = find(root, MD_SOFTBREAK, 0);
	OK(md_start_line(n) == 3, "soft break: line of the text before it");
	n = find(root, MD_LIST, 0);
	OK(md_start_line(n) == 7 && md_end_line(n) == 8, "list before a blank line: 7-8");
	OK(md_end_line(find(n, MD_ITEM, 1)) == 8, "last item ends on its own line");
	OK(md_start_line(root) == 1 && md_end_line(root) == 10, "document 1-10");
	OK(md_start_line(NULL) == 0 && md_end_line(NULL) == 0, "lines of NULL");
	md_free(d);
}

static void test_wiki_links(void)
{
	md_doc *d;
	md_node *n;

	shape_is("see [[Page Title]] now", "T(see )W(Page Title>page-title)T( now)", "[[Page Title]]");
	shape_is("[[slug|label]]", "W(label>slug)", "[[slug|label]]");
	shape_is("[[Page Title#Section]]", "W(Page Title#Section>page-title#section)",
	         "[[Page#Section]]");
	shape_is("[[Page|label with spaces]]", "W(label with spaces>page)", "label with spaces");
	shape_is("[[Page#Two Words|go]]", "W(go>page#two-words)", "fragment and label");
	shape_is("[[ Spaced  Out | lab ]]", "W(lab>spaced-out)", "whitespace trimmed");
	shape_is("[[Page|]]", "W(Page>page)", "empty label: the target is the text");
	shape_is("[[Page#!!!]]", "W(Page#!!!>page)", "fragment that slugifies to nothing");
	shape_is("[[A]] and [[B]]", "W(A>a)T( and )W(B>b)", "two on one line");
	shape_is("[[A]][[B]]", "W(A>a)W(B>b)", "two touching");
	shape_is("*a* [[B]] *c*", "E(a)T( )W(B>b)T( )E(c)", "between emphasis");
	shape_is("*[[B]]*", "E(B)", "inside emphasis");
	shape_is("`[[A]]` [[B]]", "C([[A]])T( )W(B>b)", "code span stays code");
	shape_is("[[]] [[ | x]] [[!!!]]", "T([[]] [[ | x]] [[!!!]])", "empty and unslugifiable stay text");
	shape_is("[[Über Straße]]", "W(Über Straße>über-straße)", "Unicode title");
	shape_is("[[a\nb]]", "T([[a)ST(b]])", "newline inside stays text");
	shape_is("[[[X]]]", "T([)W(X>x)T(])", "extra brackets around");
	shape_is("[[a [[b]] c]]", "T([[a )W(b>b)T( c]])", "innermost wins");
	shape_is("[[a]b]]", "T([[a]b]])", "stray bracket inside stays text");
	shape_is("[[open", "T([[open)", "unclosed");
	shape_is("close]] [[x]", "T(close]] [[x])", "half-closed");
	shape_is("[see [[X]]](url)", "L(see [[X]]>url)", "no wiki link inside a link");
	shape_is("[x](y) [[Y]]", "L(x>y)T( )W(Y>y)", "markdown link is no wiki link");
	shape_is("a \\[\\[X]] b", "T(a )W(X>x)T( b)", "escaped brackets still link (documented)");
	/* md_parse skips the wiki-link pass when the source cannot make "[[":
	 * brackets from entities must still link */
	shape_is("a &#91;[X]] b", "T(a )W(X>x)T( b)", "&#91; and [ link");
	shape_is("[&#x5B;X]]", "W(X>x)", "[ and &#x5B; link");
	shape_is("&lsqb;&lbrack;X]]", "W(X>x)", "&lsqb;&lbrack; link");
	shape_is("a [b] c [d]] & e", "T(a [b] c [d]] & e)", "single brackets stay text");

	/* the pass looks only into blocks on lines that may hold "[[": the
	 * lines must be counted as cmark counts them, and blocks whose
	 * positions are off must still be looked into */
	d = parse("para\n| [[A]] | b |\n|---|---|\n| c | [[B]] |\n");
	OK(count(md_root(d), MD_LINK) == 2, "table split from a paragraph: both links");
	md_free(d);
	d = parse("one\rtwo\r\rthree [[A]]\r\nfour\r\n\r\n- five [[B]]\r");
	OK(count(md_root(d), MD_LINK) == 2, "CR and CR LF line ends");
	md_free(d);
	d = parse("> quote\nlazy [[A]]\n\n- item\n\n  more [[B]]\n\n[r]: /x\n[[C]]\n\n"
	          "Title [[D]]\n===\n");
	OK(count(md_root(d), MD_LINK) == 4, "lazy lines, loose items, after a definition, setext");
	md_free(d);
	{
		buf big = BUF_INIT;
		int i;

		for (i = 0; i < 300; i++)
			buf_printf(&big, "Paragraph %d, [a link](x%d.md).\n\n", i, i);
		buf_puts(&big, "> - deep [[Far]]\n");
		d = parse(buf_cstr(&big));
		n = find(md_root(d), MD_LINK, 300);
		OK(n && md_is_wiki_link(n) && !strcmp(md_url(n), "far"), "a wiki link far down");
		md_free(d);
		buf_free(&big);
	}

	d = parse("```\n[[A]]\n```\n\n    [[B]]\n\n<div>[[C]]</div>\n\n"
	          "<b>[[D]]</b> ![[[E]]](pic.png)\n");
	OK(count(md_root(d), MD_LINK) == 1, "no links in code blocks, html blocks, image text");
	STREQ(md_url(find(md_root(d), MD_LINK, 0)), "d", "text between inline html tags links");
	STREQ(md_literal(find(md_root(d), MD_CODE_BLOCK, 0)), "[[A]]\n", "code block keeps text");
	md_free(d);

	d = parse("# About [[Home]]\n\n| [[Cell]] | x |\n|--|--|\n\n> - [[Deep|d]]\n\n"
	          "~~[[Gone]]~~\n");
	n = find(md_root(d), MD_LINK, 0);
	OK(md_is_wiki_link(n) && md_node_type(md_parent(n)) == MD_HEADING, "in a heading");
	OK(md_start_line(n) == 1, "wiki link takes its block's line");
	n = find(md_root(d), MD_LINK, 1);
	OK(md_is_wiki_link(n) && md_node_type(md_parent(n)) == MD_TABLE_CELL, "in a table cell");
	n = find(md_root(d), MD_LINK, 2);
	STREQ(md_url(n), "deep", "in a list in a quote");
	OK(md_start_line(n) == 6 && md_end_line(n) == 6, "nested wiki link line");
	n = find(md_root(d), MD_LINK, 3);
	OK(md_is_wiki_link(n) && md_node_type(md_parent(n)) == MD_STRIKETHROUGH,
	   "in strikethrough");
	STREQ(md_title(n), "", "wiki link has no title");
	md_free(d);

	d = parse("[a](b)");
	OK(!md_is_wiki_link(find(md_root(d), MD_LINK, 0)), "md_is_wiki_link false for [a](b)");
	OK(!md_is_wiki_link(find(md_root(d), MD_TEXT, 0)), "md_is_wiki_link false for text");
	OK(!md_is_wiki_link(NULL), "md_is_wiki_link of NULL");
	md_free(d);
}

static int classify_is(const char *url, int ret, int kind, const char *slug, const char *frag)
{
	md_target t;
	int r = md_classify(url, &t), ok;
	char name[160];

	snprintf(name, sizeof name, "classify \"%s\"", url);
	ok = r == ret && (r < 0 || t.kind == kind) &&
	     ((!t.slug && !slug) || (t.slug && slug && strcmp(t.slug, slug) == 0)) &&
	     ((!t.fragment && !frag) || (t.fragment && frag && strcmp(t.fragment, frag) == 0));
	if (!OK(ok, name))
		printf("#   got %d kind %d slug %s fragment %s\n", r, t.kind,
		       t.slug ? t.slug : "(null)", t.fragment ? t.fragment : "(null)");
	md_target_clear(&t);
	return ok;
}

static void test_classify(void)
{
	md_target t;

	classify_is("getting-started", 0, MD_TARGET_PAGE, "getting-started", NULL);
	classify_is("getting-started.md", 0, MD_TARGET_PAGE, "getting-started", NULL);
	classify_is("Getting%20Started.md#install", 0, MD_TARGET_PAGE, "getting-started", "install");
	classify_is("./talks", 0, MD_TARGET_PAGE, "talks", NULL);
	classify_is("./Talks.MD", 0, MD_TARGET_PAGE, "talks", NULL);
	classify_is("page#Two%20Words", 0, MD_TARGET_PAGE, "page", "Two Words");
	classify_is("page#", 0, MD_TARGET_PAGE, "page", NULL);
	classify_is("page?x=1", 0, MD_TARGET_PAGE, "page", NULL);
	classify_is("%C3%9Cber", 0, MD_TARGET_PAGE, "über", NULL);
	classify_is("%zz", 0, MD_TARGET_PAGE, "zz", NULL);
	classify_is("a%2", 0, MD_TARGET_PAGE, "a-2", NULL);
	classify_is("x%00y", 0, MD_TARGET_PAGE, "x-00y", NULL);
	classify_is("https://example.com/a", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("HTTPS://X", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("javascript:alert(1)", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("mailto:a@b", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("git+ssh://h/r", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("//host/x", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("/abs", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("../up", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("./../up", 0, MD_TARGET_EXTERNAL, NULL, NULL);
	classify_is("#frag", 0, MD_TARGET_FRAGMENT, NULL, "frag");
	classify_is("#a%20b", 0, MD_TARGET_FRAGMENT, NULL, "a b");
	classify_is("#", -1, 0, NULL, NULL);
	classify_is("", -1, 0, NULL, NULL);
	classify_is("!!!", -1, 0, NULL, NULL);
	classify_is(".md", -1, 0, NULL, NULL);
	classify_is("./", -1, 0, NULL, NULL);
	classify_is("1page:x", 0, MD_TARGET_PAGE, "1page-x", NULL);
	OK(md_classify(NULL, &t) == -1 && t.slug == NULL, "classify NULL");
	md_target_clear(&t);
	md_target_clear(NULL);
}

static void test_page_links(void)
{
	const char *s = "[[B]] [a](a.md) [[A]] [b](b) ![img](c) [ext](https://x) [[b|again]]\n"
	                "[frag](#x) `[[code]]` [d](./D.md#sec) [[Über]] ![[[E]]](e.png)\n\n"
	                "```\n[[F]]\n```\n";
	md_doc *d = parse(s);
	char **v = NULL;
	size_t n = md_page_links(d, &v);

	OK(n == 4, "4 distinct page links");
	STREQ(v[0], "b", "first link first");
	STREQ(v[1], "a", "second");
	STREQ(v[2], "d", "relative .md link with fragment");
	STREQ(n >= 4 ? v[3] : NULL, "über", "unicode wiki link");
	OK(v[n] == NULL, "array is NULL-terminated");
	md_strv_free(v);
	md_free(d);

	d = parse("no links here, only https://x.y and [ext](http://e)\n");
	n = md_page_links(d, &v);
	OK(n == 0 && v && v[0] == NULL, "no page links: empty array");
	md_strv_free(v);
	md_free(d);
	md_strv_free(NULL);
}

static char *first_heading(const char *s)
{
	md_doc *d = parse(s);
	char *h = md_first_heading(d);

	md_free(d);
	return h;
}

static void heading_is(const char *s, const char *want, const char *name)
{
	char *h = first_heading(s);

	STREQ(h, want, name);
	free(h);
}

static void test_headings(void)
{
	md_doc *d;
	char *s;

	heading_is("# Hello\n", "Hello", "ATX");
	heading_is("#   Spaced Out   ##\n", "Spaced Out", "ATX trimmed, closing hashes");
	heading_is("Setext Title\n===\n\ntext\n", "Setext Title", "setext");
	heading_is("## Sub\n\n# Main *emph* `code` [[Link|lab]]\n", "Main emph code lab",
	           "level 1 preferred, inlines flattened");
	heading_is("text\n\n### Third\n\n## Second\n", "Third", "else the first heading");
	heading_is("just text\n", NULL, "no heading");
	heading_is("", NULL, "empty page");
	heading_is("#\n\n## Real\n", "Real", "empty heading skipped");
	heading_is("    # code\n\n```\n# code\n```\n", NULL, "headings in code are not headings");
	heading_is("# a\\\nb\n", "a\\", "hard break cannot continue a heading");

	d = parse("line one  \nline two\nline *three*\n");
	s = md_plain_text(find(md_root(d), MD_PARAGRAPH, 0));
	STREQ(s, "line one line two line three", "plain text: breaks as spaces");
	free(s);
	s = md_plain_text(NULL);
	STREQ(s, "", "plain text of NULL");
	free(s);
	md_free(d);
	OK(md_first_heading(NULL) == NULL, "first heading of NULL");
}

static void test_hostile(void)
{
	md_doc *d;
	err_info e = {0, ""};
	buf b = BUF_INIT;
	char **v;
	size_t i, n;
	const char bad[] = "a\x9b\xff" "b";
	const char nul[] = "a\0b [[X]]";

	d = md_parse(bad, sizeof bad - 1, 0, &e);
	STREQ(md_literal(find(md_root(d), MD_TEXT, 0)), "a\xef\xbf\xbd\xef\xbf\xbd" "b",
	      "invalid UTF-8 becomes U+FFFD");
	md_free(d);

	d = parse("&#27;[31mred");
	STREQ(md_literal(find(md_root(d), MD_TEXT, 0)), "\x1b[31mred", "&#27; decodes to ESC");
	md_free(d);

	d = md_parse(nul, sizeof nul - 1, 0, &e);
	OK(d != NULL, "NUL byte parses");
	STREQ(md_literal(find(md_root(d), MD_TEXT, 0)), "a\xef\xbf\xbd" "b ",
	      "NUL becomes U+FFFD");
	STREQ(md_url(find(md_root(d), MD_LINK, 0)), "x", "text after NUL still parsed");
	md_free(d);

	d = parse("[[A\xff]]");
	STREQ(md_url(find(md_root(d), MD_LINK, 0)), "a", "wiki link with a bad byte");
	md_free(d);

	/* 3 MB: many paragraphs and links */
	for (i = 0; b.len < 3 * 1024 * 1024; i++)
		buf_printf(&b, "Para %zu with [[Page %zu]] and [x](p%zu.md) *em*.\n\n", i, i % 500,
		           i % 700);
	d = md_parse(b.ptr, b.len, 0, &e);
	OK(d != NULL, "3 MB input parses");
	n = md_page_links(d, &v);
	OK(n == 1200, "3 MB input: 1200 distinct page links");
	md_strv_free(v);
	{
		/* the same in the arena; a second arena document while one
		 * lives is parsed with malloc; the arena serves again after */
		md_doc *a = md_parse(b.ptr, b.len, MD_ARENA, &e), *a2, *a3;
		char **va;

		n = md_page_links(a, &va);
		OK(n == 1200 && !strcmp(va[0], "page-0") && !strcmp(va[1], "p0"),
		   "arena: the same links");
		md_strv_free(va);
		a2 = md_parse(b.ptr, b.len, MD_ARENA, &e);
		n = md_page_links(a2, &va);
		OK(n == 1200, "a second arena document: the same links");
		md_strv_free(va);
		md_free(a);
		a3 = md_parse(b.ptr, b.len / 2, MD_ARENA | MD_FOOTNOTES, &e);
		OK(a3 && md_node_type(md_first_child(md_root(a3))) == MD_PARAGRAPH,
		   "the arena after md_free");
		md_free(a2);
		md_free(a3);
		a = md_parse("small [[x]]", 11, MD_ARENA, &e);
		OK(a && count(md_root(a), MD_LINK) == 1, "a small text with MD_ARENA");
		md_free(a);
	}
	md_free(d);
	buf_free(&b);

	/* deep nesting must not exhaust the stack */
	for (i = 0; i < 20000; i++)
		buf_putc(&b, '>');
	buf_puts(&b, " deep [[Down]]\n");
	d = md_parse(b.ptr, b.len, 0, &e);
	n = md_page_links(d, &v);
	OK(n == 1 && strcmp(v[0], "down") == 0, "20000 nested quotes");
	md_strv_free(v);
	md_free(d);
	buf_free(&b);

	for (i = 0; i < 50000; i++)
		buf_puts(&b, "[[");
	buf_puts(&b, "x");
	d = md_parse(b.ptr, b.len, 0, &e);
	OK(d && count(md_root(d), MD_LINK) == 0, "50000 unclosed [[");
	md_free(d);
	buf_free(&b);

	err_clear(&e);
	d = md_parse(bad, md_max_len() + 1, 0, &e);
	OK(d == NULL && e.code == ERR_USER, "over the limit: ERR_USER");
	OK(strstr(e.msg, "page too large") && strstr(e.msg, "64 MiB"), "limit message");
	OK(md_max_len() == (size_t)64 * 1024 * 1024, "limit is 64 MiB");
	OK(md_parse(bad, md_max_len() + 1, 0, NULL) == NULL, "over the limit without err_info");
}

static void rewrite_is(const char *in, const char *want, size_t want_n, const char *name)
{
	char *out = NULL;
	size_t len = 0, n;

	n = md_rewrite_links(in, strlen(in), "old-page", "new-page", "New Page", &out, &len);
	STREQ(out, want, name);
	OK(n == want_n, "rewrite count");
	OK(len == strlen(out), "rewrite length");
	free(out);
}

static void test_rewrite(void)
{
	rewrite_is("See [[Old Page]].\n", "See [[New Page]].\n", 1, "title wiki link");
	rewrite_is("See [[old-page|the old one]].\n", "See [[new-page|the old one]].\n", 1,
	           "slug wiki link keeps its label");
	rewrite_is("[[Old Page#Install Steps]]\n", "[[New Page#Install Steps]]\n", 1,
	           "fragment kept");
	rewrite_is("[x](old-page) [y](old-page.md) [z](./old-page.md#a)\n",
	           "[x](new-page) [y](new-page.md) [z](./new-page.md#a)\n", 3,
	           "relative links keep their shape");
	rewrite_is("[x](<old-page.md>)\n", "[x](<new-page.md>)\n", 1, "angle destination");
	rewrite_is("[x](old-page \"title\")\n", "[x](new-page \"title\")\n", 1, "link title kept");
	rewrite_is("`[[Old Page]]` and ``[x](old-page)``\n",
	           "`[[Old Page]]` and ``[x](old-page)``\n", 0, "code spans untouched");
	rewrite_is("```\n[[Old Page]]\n```\n\n    [x](old-page)\n",
	           "```\n[[Old Page]]\n```\n\n    [x](old-page)\n", 0, "code blocks untouched");
	rewrite_is("[[Other]] [x](https://old-page) [y](other.md)\n",
	           "[[Other]] [x](https://old-page) [y](other.md)\n", 0, "other links untouched");
	rewrite_is("- item [[Old Page]]\n> quote [x](old-page)\n",
	           "- item [[New Page]]\n> quote [x](new-page)\n", 2, "in lists and quotes");
	rewrite_is("[r][a] [s]\n\n[a]: old-page.md \"T\"\n   [s]: <./old-page>\n",
	           "[r][a] [s]\n\n[a]: new-page.md \"T\"\n   [s]: <./new-page>\n", 2,
	           "reference definitions");
	rewrite_is("> [a]: old-page\n\n    [b]: old-page\n", "> [a]: new-page\n\n    [b]: old-page\n",
	           1, "definition in a quote; indented code untouched");
	rewrite_is("no newline at the end [[old page]]", "no newline at the end [[New Page]]", 1,
	           "last line without newline");
	{
		char *out = NULL;
		size_t len;

		md_rewrite_links("[[Old Page]]", 12, "old-page", "new-page", "A | B", &out, &len);
		STREQ(out, "[[new-page]]", "a title with | falls back to the slug");
		free(out);
	}
}

/* Every node's type, lines, literal and URL, and whether it is a wiki
 * link, in document order. */
static void dump(buf *b, md_node *root)
{
	for (md_node *n = root; n; n = walk_next(root, n))
		buf_printf(b, "%d %d-%d %d [%s] <%s>\n", (int)md_node_type(n), md_start_line(n),
		           md_end_line(n), md_is_wiki_link(n), md_literal(n), md_url(n));
}

static char *dump_of(const char *text, size_t len, int flags)
{
	md_doc *d = md_parse(text, len, flags, NULL);
	buf b = BUF_INIT;

	dump(&b, md_root(d));
	md_free(d);
	return buf_detach(&b);
}

/* MD_ARENA changes where the memory comes from, never the tree, for one
 * document or many in a row of any sizes (kept chunks, reused memory). */
static void test_arena(void)
{
	buf big = BUF_INIT;
	char *plain, *arena;
	md_doc *a, *b;
	int i, same = 1;

	buf_puts(&big, "# Title\n\nSee [[Other Page]] and [[other|it]][^1].\n\n[^1]: a note\n\n"
	               "| a | b |\n|---|:-:|\n| *x* | `y` |\n\n```c\nint x;\n```\n\n");
	for (i = 0; i < 300; i++) /* a paragraph longer than the reused small blocks */
		buf_printf(&big, "word%d [[Page %d]] https://example.org/%d ", i, i, i);
	buf_puts(&big, "\n\n");
	for (i = 0; i < 20000; i++) /* more than the chunks the arena keeps */
		buf_printf(&big, "- item **%d** [[Page %d|p]]\n", i, i % 50);
	plain = dump_of(big.ptr, big.len, MD_FOOTNOTES);
	arena = dump_of(big.ptr, big.len, MD_FOOTNOTES | MD_ARENA);
	STREQ(arena, plain, "an arena parse makes the same tree");
	free(arena);
	for (i = 0; i < 50 && same; i++) { /* the arena is emptied and used again */
		arena = dump_of(big.ptr, (size_t)(i * 997) % big.len, MD_FOOTNOTES | MD_ARENA);
		free(plain);
		plain = dump_of(big.ptr, (size_t)(i * 997) % big.len, MD_FOOTNOTES);
		same = strcmp(arena, plain) == 0;
		free(arena);
	}
	OK(same, "and again after md_free, 50 times");
	free(plain);
	/* small and big pages in turn: chunks kept, too small and skipped,
	 * unmapped, mapped again */
	for (i = 0; i < 12 && same; i++) {
		static const int eighths[] = {1, 8, 1, 3, 0, 5, 2, 8, 8, 1, 6, 1};
		size_t n = big.len / 8 * (size_t)eighths[i];

		arena = dump_of(big.ptr, n, MD_FOOTNOTES | MD_ARENA);
		plain = dump_of(big.ptr, n, MD_FOOTNOTES);
		same = strcmp(arena, plain) == 0;
		free(arena);
		free(plain);
	}
	OK(same, "pages of mixed sizes in a row");

	a = md_parse("# A\n\n[[x]]\n", 11, MD_ARENA, NULL);
	b = md_parse("# B\n\n[[y]]\n", 11, MD_ARENA, NULL); /* the arena is taken */
	OK(a && b, "a second arena document while the first is alive");
	STREQ(md_url(find(md_root(a), MD_LINK, 0)), "x", "the first is whole");
	md_free(a); /* in any order */
	STREQ(md_url(find(md_root(b), MD_LINK, 0)), "y", "the second outlives the first");
	md_free(b);
	buf_free(&big);
}

/* Appends every file of dir (TOP_SRCDIR relative) whose name ends in
 * suffix ("" for all) to texts; returns how many. */
static size_t read_dir(const char *dir, const char *suffix, buf *texts, size_t max)
{
	const char *top = getenv("TOP_SRCDIR");
	buf path = BUF_INIT;
	DIR *d;
	struct dirent *de;
	size_t n = 0, sl = strlen(suffix), nl;

	buf_printf(&path, "%s/%s", top ? top : ".", dir);
	d = opendir(buf_cstr(&path));
	while (d && (de = readdir(d)) && n < max) {
		FILE *f;
		char chunk[4096];
		size_t got;

		nl = strlen(de->d_name);
		if (de->d_name[0] == '.' || nl < sl || strcmp(de->d_name + nl - sl, suffix) != 0)
			continue;
		buf_truncate(&path, 0);
		buf_printf(&path, "%s/%s/%s", top ? top : ".", dir, de->d_name);
		f = fopen(buf_cstr(&path), "rb");
		if (!f)
			continue;
		memset(&texts[n], 0, sizeof texts[n]);
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&texts[n], chunk, got);
		fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	buf_free(&path);
	return n;
}

/* The tree of text as cmark's XML with source positions plus docday's
 * own dump (wiki links), parsed in pieces of about piece bytes (0: in
 * one); *pieces is how many it was. */
static char *tree_of(const char *text, size_t len, size_t piece, int flags, int *pieces)
{
	md_doc *d;
	char *xml;
	buf b = BUF_INIT;

	md_parse_tune(piece ? 1 : (size_t)-1, piece);
	d = md_parse(text, len, flags, NULL);
	xml = md_debug_xml(d);
	buf_puts(&b, xml);
	free(xml);
	dump(&b, md_root(d));
	*pieces = md_pieces(d);
	md_free(d);
	md_parse_tune(0, 0);
	return buf_detach(&b);
}

/* A text parsed in pieces (markdown.c, "big texts in pieces") gives the
 * tree of one parse, node for node, line and column for line and column:
 * every Markdown file of the tests and the sample wiki, alone and all
 * together, cut as often as the rule allows and less often, with and
 * without the arena; texts the rule must not cut are parsed whole. */
static void test_pieces(void)
{
	enum { MAX_TEXTS = 400 };
	static buf texts[MAX_TEXTS];
	static const size_t sizes[] = { 1, 40, 300, 4096 };
	size_t n = 0, i, k, cut = 0, bad = 0;
	buf all = BUF_INIT;
	char *one, *many, name[200];
	int p1, pn, most = 0;

	n += read_dir("tests/layout", ".md", texts + n, MAX_TEXTS - n);
	n += read_dir("data/sample", ".md", texts + n, MAX_TEXTS - n);
	n += read_dir("tests/fuzz/corpus/fuzz_layout", "", texts + n, MAX_TEXTS - n);
	n += read_dir("tests/fuzz/corpus/fuzz_export", "", texts + n, MAX_TEXTS - n);
	snprintf(name, sizeof name, "the tests' Markdown texts are there (%zu; TOP_SRCDIR)", n);
	OK(n >= 40, name);
	for (i = 0; i < n; i++) { /* all that can be cut, in one text */
		if (strstr(buf_cstr(&texts[i]), "]:") || strchr(buf_cstr(&texts[i]), '\r'))
			continue;
		buf_printf(&all, "%s\n\n# Cut %zu\n\n", buf_cstr(&texts[i]), i);
		buf_printf(&all, "text %zu\n\n## Again\n\n", i);
	}
	for (i = 0; i <= n; i++) {
		const buf *t = i < n ? &texts[i] : &all;

		for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
			one = tree_of(t->ptr ? t->ptr : "", t->len, 0, MD_FOOTNOTES, &p1);
			many = tree_of(t->ptr ? t->ptr : "", t->len, sizes[k],
			               MD_FOOTNOTES | (k & 1 ? MD_ARENA : 0), &pn);
			if (p1 != 1 || strcmp(one, many) != 0) {
				if (!bad++)
					printf("#   text %zu, pieces of %zu bytes: %d pieces differ\n", i,
					       sizes[k], pn);
			}
			if (pn > 1)
				cut++;
			if (pn > most)
				most = pn;
			free(one);
			free(many);
		}
	}
	snprintf(name, sizeof name,
	         "pieces make the tree of one parse (%zu of %zu parses were cut, up to %d pieces)",
	         cut, (n + 1) * (sizeof sizes / sizeof *sizes), most);
	OK(bad == 0, name);
	snprintf(name, sizeof name, "and they were cut (%zu parses; up to %d pieces)", cut, most);
	OK(cut >= 40 && most > 100, name);
	for (i = 0; i < n; i++)
		buf_free(&texts[i]);

	/* what must be one piece, and a cut the parse takes back */
	{
		static const struct {
			const char *text;
			int pieces;
			const char *why;
		} cases[] = {
			{ "# a\n\n# b\n\n# c\n", 3, "headings after blank lines are cuts" },
			{ "# a\n# b\n\n# c\n", 2, "not without a blank line before" },
			{ "[x]\n\n# b\n\n[x]: /u\n", 1, "a reference definition: one piece" },
			{ "a[^1]\n\n# b\n\n[^1]: note\n", 1, "a footnote: one piece" },
			{ "a\r\n\r\n# b\r\n", 1, "CR line ends: one piece" },
			{ "```\n\n# not\n```\n\n# c\n", 2, "not inside a fence" },
			{ "~~~~\n~~~\n\n# not\n~~~~\n", 1, "a shorter fence does not close it" },
			{ "<!--\n\n# not\n-->\n\n# c\n", 2, "not inside an HTML comment" },
			{ "<script>\n\n# not\n</script>\n", 1, "not inside <script>" },
			{ " # a\n\n #b\n\n#c\n", 1, "only ATX headings in column 0" },
			{ "- ```\n  x\n\n# c\n", 1, "a fence open in a list: the parse takes the cut back" },
			{ "> ```\n> x\n\n# c\n", 1, "a fence open in a quote: taken back" },
			{ "x\n\n# h\n\np1\n<b>q</b>\n| a |\n| - |\n", 2,
			  "a paragraph ending in a table header: its inlines keep cmark's lines" },
		};
		for (i = 0; i < sizeof cases / sizeof *cases; i++) {
			one = tree_of(cases[i].text, strlen(cases[i].text), 0, 0, &p1);
			many = tree_of(cases[i].text, strlen(cases[i].text), 1, 0, &pn);
			snprintf(name, sizeof name, "%s (%d pieces)", cases[i].why, pn);
			OK(pn == cases[i].pieces && strcmp(one, many) == 0, name);
			free(one);
			free(many);
		}
	}
	buf_free(&all);
}

int main(void)
{
	test_types();
	test_walk();
	test_lines();
	test_wiki_links();
	test_classify();
	test_page_links();
	test_headings();
	test_hostile();
	test_rewrite();
	test_arena();
	test_pieces();
	return tap_done();
}
