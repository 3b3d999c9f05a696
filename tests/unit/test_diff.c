/* Unit tests for diff: the structured result, word-level ranges, unified
 * text (expected strings are `git diff --no-index` output from the "---"
 * line on) and counts. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "tap.h"
#include "u8.h"

static diff_result *run(const char *a, const char *b, int context, int flags)
{
	err_info e = {0};
	diff_result *d = diff_texts(a, strlen(a), b, strlen(b), context, flags, &e);

	if (!d)
		printf("# diff_texts failed: %s\n", e.msg);
	return d;
}

static char *unified(const char *a, const char *b, int context)
{
	buf out = BUF_INIT;
	err_info e = {0};

	if (diff_unified(a, strlen(a), b, strlen(b), "a", "b", context, &out, &e) < 0)
		printf("# diff_unified failed: %s\n", e.msg);
	return buf_detach(&out);
}

static void check_unified(const char *a, const char *b, const char *want, const char *name)
{
	char *got = unified(a, b, 3);

	STREQ(got, want, name);
	free(got);
}

/* The word ranges of line i as "off+len,off+len". */
static char *words(const diff_result *d, size_t i)
{
	buf b = BUF_INIT;

	if (!d || i >= d->nlines)
		return buf_detach(&b);
	if (!d->lines[i].word_diff)
		buf_puts(&b, "none");
	for (size_t k = 0; k < d->lines[i].nwords; k++)
		buf_printf(&b, "%s%zu+%zu", k ? "," : "", d->lines[i].words[k].off,
		           d->lines[i].words[k].len);
	return buf_detach(&b);
}

/* The changed text of line i, ranges joined with '|'. */
static char *changed(const diff_result *d, size_t i)
{
	buf b = BUF_INIT;

	if (!d || i >= d->nlines)
		return buf_detach(&b);
	for (size_t k = 0; k < d->lines[i].nwords; k++) {
		if (k)
			buf_putc(&b, '|');
		buf_put(&b, d->lines[i].text + d->lines[i].words[k].off, d->lines[i].words[k].len);
	}
	return buf_detach(&b);
}

static void check_words(const diff_result *d, size_t i, const char *want, const char *name)
{
	char *got = words(d, i);

	STREQ(got, want, name);
	free(got);
}

static void check_changed(const diff_result *d, size_t i, const char *want, const char *name)
{
	char *got = changed(d, i);

	STREQ(got, want, name);
	free(got);
}

static void test_identical(void)
{
	diff_result *d = run("a\nb\n", "a\nb\n", 3, DIFF_WORDS);
	int add = -1, del = -1;

	OK(d && d->nhunks == 0 && d->nlines == 0, "identical: no hunks, no lines");
	OK(d && d->added == 0 && d->removed == 0, "identical: nothing added or removed");
	diff_free(d);
	check_unified("a\nb\n", "a\nb\n", "", "identical: empty unified output");
	check_unified("", "", "", "two empty texts: empty unified output");
	OK(diff_stat("x\n", 2, "x\n", 2, &add, &del, NULL) == 0 && add == 0 && del == 0,
	   "identical: stat 0 0");
	d = diff_texts(NULL, 0, NULL, 0, 3, 0, NULL);
	OK(d && d->nhunks == 0, "NULL texts of length 0 are empty texts");
	diff_free(d);
}

static void test_insert_delete(void)
{
	diff_result *d = run("a\nb\n", "a\nx\nb\n", 3, DIFF_WORDS);

	OK(d && d->nhunks == 1, "insert: one hunk");
	if (d && d->nhunks == 1) {
		diff_hunk *h = &d->hunks[0];

		OK(h->old_start == 1 && h->old_lines == 2 && h->new_start == 1 && h->new_lines == 3,
		   "insert: hunk -1,2 +1,3");
		STREQ(h->header, "@@ -1,2 +1,3 @@", "insert: header");
		OK(h->first == 0 && h->count == 3, "insert: hunk holds three lines");
	}
	OK(d && d->nlines == 3, "insert: three lines");
	if (d && d->nlines == 3) {
		OK(d->lines[0].origin == ' ' && d->lines[0].old_no == 1 && d->lines[0].new_no == 1,
		   "insert: context line numbered on both sides");
		OK(d->lines[1].origin == '+' && d->lines[1].old_no == 0 && d->lines[1].new_no == 2,
		   "insert: added line numbered in b only");
		STREQ(d->lines[1].text, "x", "insert: added text without newline");
		OK(d->lines[1].len == 1 && !d->lines[1].no_eol, "insert: length, has newline");
		OK(d->lines[2].old_no == 2 && d->lines[2].new_no == 3, "insert: numbers after it");
		OK(!d->lines[1].word_diff, "insert: a pure addition has no word ranges");
		OK(d->added == 1 && d->removed == 0, "insert: counts");
	}
	diff_free(d);
	check_unified("a\nb\n", "a\nx\nb\n", "--- a/a\n+++ b/b\n@@ -1,2 +1,3 @@\n a\n+x\n b\n",
	              "insert: unified");

	d = run("a\nb\nc\n", "a\nc\n", 3, DIFF_WORDS);
	OK(d && d->nlines == 3 && d->lines[1].origin == '-' && d->lines[1].old_no == 2 &&
	       d->lines[1].new_no == 0,
	   "delete: removed line numbered in a only");
	OK(d && d->removed == 1 && d->added == 0 && !d->lines[1].word_diff, "delete: counts");
	diff_free(d);
	check_unified("a\nb\nc\n", "a\nc\n", "--- a/a\n+++ b/b\n@@ -1,3 +1,2 @@\n a\n-b\n c\n",
	              "delete: unified");
}

static const char twelve[] =
    "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n";
static const char twelve2[] =
    "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\nELEVEN\ntwelve\n";

static void test_middle(void)
{
	diff_result *d = run(twelve, twelve2, 3, DIFF_WORDS);

	OK(d && d->nhunks == 2, "two changes far apart: two hunks");
	if (d && d->nhunks == 2) {
		STREQ(d->hunks[1].header, "@@ -8,5 +8,5 @@ seven",
		      "second hunk header names the line before it, as git does");
		OK(d->hunks[1].first == d->hunks[0].count, "hunks' lines follow each other");
	}
	OK(d && d->added == 2 && d->removed == 2, "two changes: counts");
	diff_free(d);
	check_unified(twelve, twelve2,
	              "--- a/a\n+++ b/b\n@@ -1,6 +1,6 @@\n one\n two\n-three\n+THREE\n four\n"
	              " five\n six\n@@ -8,5 +8,5 @@ seven\n eight\n nine\n ten\n-eleven\n"
	              "+ELEVEN\n twelve\n",
	              "two changes: unified as git diff");

	d = run(twelve, twelve2, 0, 0);
	OK(d && d->nhunks == 2 && d->nlines == 4, "context 0: only the changed lines");
	diff_free(d);
	d = run(twelve, twelve2, -1, 0);
	OK(d && d->nhunks == 1 && d->nlines == 14, "context -1: one hunk with every line");
	diff_free(d);
	d = run(twelve, twelve2, 3, DIFF_HUNKS_ONLY);
	OK(d && d->nhunks == 2 && d->nlines == 0 && d->added == 2 && d->removed == 2,
	   "hunks only: hunks and counts, no lines");
	diff_free(d);

	check_unified("# Title\n\nintro\n\n## Usage\n\nrun it\nthen stop\nand go\n",
	              "# Title\n\nintro\n\n## Usage\n\nrun it\nthen wait\nand go\n",
	              "--- a/a\n+++ b/b\n@@ -5,5 +5,5 @@ intro\n ## Usage\n \n run it\n"
	              "-then stop\n+then wait\n and go\n",
	              "function context as git's default (a line starting with a letter)");
}

static void test_eol(void)
{
	diff_result *d = run("a\nb", "a\nc", 3, 0);

	OK(d && d->nlines == 3 && d->lines[1].no_eol && d->lines[2].no_eol && !d->lines[0].no_eol,
	   "no newline on either side: both last lines flagged");
	diff_free(d);
	check_unified("a\nb", "a\nc",
	              "--- a/a\n+++ b/b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
	              "+c\n\\ No newline at end of file\n",
	              "no newline on either side: unified");
	check_unified("a", "a\n",
	              "--- a/a\n+++ b/b\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n",
	              "newline added at the end");
	check_unified("a\n", "a",
	              "--- a/a\n+++ b/b\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n",
	              "newline removed at the end");
	check_unified("x\na", "y\na",
	              "--- a/a\n+++ b/b\n@@ -1,2 +1,2 @@\n-x\n+y\n a\n\\ No newline at end of file\n",
	              "context line without a newline");
}

static void test_empty(void)
{
	diff_result *d = run("", "a\nb\n", 3, DIFF_WORDS);

	OK(d && d->nhunks == 1 && d->hunks[0].old_start == 0 && d->hunks[0].old_lines == 0 &&
	       d->hunks[0].new_lines == 2,
	   "empty vs text: hunk -0,0 +1,2");
	diff_free(d);
	check_unified("", "a\nb\n", "--- a/a\n+++ b/b\n@@ -0,0 +1,2 @@\n+a\n+b\n",
	              "empty vs text: unified");
	check_unified("a\nb\n", "", "--- a/a\n+++ b/b\n@@ -1,2 +0,0 @@\n-a\n-b\n",
	              "text vs empty: unified");
}

static void test_crlf(void)
{
	diff_result *d = run("a\r\nb\r\n", "a\r\nc\r\n", 3, DIFF_WORDS);

	OK(d && d->nlines == 3, "CRLF: three lines");
	if (d && d->nlines == 3) {
		STREQ(d->lines[1].text, "b\r", "CRLF: the '\\r' stays in the text");
		OK(d->lines[1].len == 2, "CRLF: length counts the '\\r'");
		check_words(d, 1, "0+1", "CRLF: only the word changed");
	}
	diff_free(d);
	check_unified("a\r\nb\r\n", "a\r\nc\r\n",
	              "--- a/a\n+++ b/b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n", "CRLF: unified");
	d = run("a\nb\n", "a\r\nb\n", 3, 0);
	OK(d && d->added == 1 && d->removed == 1, "LF to CRLF is a changed line");
	diff_free(d);
}

static void test_words(void)
{
	diff_result *d = run("the quick brown fox\n", "the slow brown fox\n", 3, DIFF_WORDS);

	check_words(d, 0, "4+5", "words: 'quick' in the old line");
	check_words(d, 1, "4+4", "words: 'slow' in the new line");
	diff_free(d);

	d = run("one two three four\n", "one 2 3 four\n", 3, DIFF_WORDS);
	check_changed(d, 0, "two three", "words: changed words joined across a space (old)");
	check_changed(d, 1, "2 3", "words: changed words joined across a space (new)");
	diff_free(d);

	d = run("Hello, world!\n", "Hello; world!\n", 3, DIFF_WORDS);
	check_words(d, 0, "5+1", "words: punctuation is a token of its own");
	diff_free(d);

	d = run("日本語のテキストです\n", "日本語の文章です\n", 3, DIFF_WORDS);
	check_changed(d, 0, "テキスト", "CJK: one token per character (old)");
	check_changed(d, 1, "文章", "CJK: one token per character (new)");
	check_words(d, 1, "12+6", "CJK: byte offsets");
	diff_free(d);

	d = run("Ünïcödé wörds here\n", "Ünïcödé words here\n", 3, DIFF_WORDS);
	check_changed(d, 0, "wörds", "UTF-8 letters belong to words (old)");
	check_changed(d, 1, "words", "UTF-8 letters belong to words (new)");
	diff_free(d);

	d = run("cafe\xcc\x81 au lait\n", "cafe au lait\n", 3, DIFF_WORDS);
	check_changed(d, 0, "cafe\xcc\x81", "a combining accent stays with its letter");
	diff_free(d);

	d = run("keep\nalpha beta\ngamma delta\nkeep\n", "keep\nalpha BETA\ngamma DELTA\nkeep\n", 3,
	        DIFF_WORDS);
	OK(d && d->nlines == 6, "two replaced lines: six lines");
	check_changed(d, 1, "beta", "run of two: first old line");
	check_changed(d, 2, "delta", "run of two: second old line");
	check_changed(d, 3, "BETA", "run of two: first new line");
	check_changed(d, 4, "DELTA", "run of two: second new line");
	check_words(d, 0, "none", "context lines have no word ranges");
	diff_free(d);

	d = run("a b\n", "a\nb\n", 3, DIFF_WORDS);
	check_changed(d, 0, " ", "a line split in two: the space is what changed");
	check_words(d, 1, "", "split: first new line has no changed word");
	diff_free(d);

	d = run("abc\n", "xyz\n", 3, 0);
	check_words(d, 0, "none", "without DIFF_WORDS there are no ranges");
	diff_free(d);
}

static void test_labels_and_stat(void)
{
	buf out = BUF_INIT;
	int add = 0, del = 0;
	const char *b = "one\nthree\nfour\nnew\nfive\n";

	diff_unified("a\n", 2, "b\n", 2, "my page", "x\ty", 3, &out, NULL);
	STREQ(out.ptr, "--- a/my page\t\n+++ b/x?y\n@@ -1 +1 @@\n-a\n+b\n",
	      "labels: a tab after a name with a space, controls become '?'");
	buf_free(&out);
	OK(diff_stat(twelve, strlen(twelve), b, strlen(b), &add, &del, NULL) == 0,
	   "stat: runs");
	OK(add == 1 && del == 8, "stat: 1 added, 8 removed");
	OK(diff_stat("", 0, "a\nb\nc", 5, &add, NULL, NULL) == 0 && add == 3,
	   "stat: last line without newline counts");
}

int main(void)
{
	u8_setlocale();
	test_identical();
	test_insert_delete();
	test_middle();
	test_eol();
	test_empty();
	test_crlf();
	test_words();
	test_labels_and_stat();
	diff_lib_shutdown();
	return tap_done();
}
