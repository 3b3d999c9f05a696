/* Unit tests for merge: known three-way cases (expected texts are what
 * `git merge-file -p` prints for the same inputs), conflict counting, input
 * checks and the marker check. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "merge.h"
#include "tap.h"
#include "u8.h"

static merge_result m3(const char *base, const char *ours, const char *theirs)
{
	merge_result r;
	err_info e = {0};

	if (merge_three(base, strlen(base), ours, strlen(ours), theirs, strlen(theirs),
	                "writer1 (revision 5)", "writer2 (revision 6)", &r, &e) < 0)
		printf("# merge_three failed: %s\n", e.msg);
	return r;
}

static void check(const char *base, const char *ours, const char *theirs, const char *want,
                  int clean, int conflicts, const char *name)
{
	merge_result r = m3(base, ours, theirs);
	char label[200];

	snprintf(label, sizeof label, "%s: text", name);
	STREQ(r.text, want, label);
	snprintf(label, sizeof label, "%s: %s, %d conflict(s)", name, clean ? "clean" : "not clean",
	         conflicts);
	OK(r.clean == clean && r.conflicts == conflicts && r.text && r.len == strlen(r.text),
	   label);
	if (r.clean != clean || r.conflicts != conflicts)
		printf("#   got clean %d, conflicts %d\n", r.clean, r.conflicts);
	merge_result_clear(&r);
}

static void test_clean(void)
{
	check("one\ntwo\nthree\nfour\nfive\n", "ONE\ntwo\nthree\nfour\nfive\n",
	      "one\ntwo\nthree\nfour\nFIVE\n", "ONE\ntwo\nthree\nfour\nFIVE\n", 1, 0,
	      "different lines changed");
	check("a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n", "a\nB\nc\n", 1, 0, "same change on both sides");
	check("a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n", "a\nB\nc\n", 1, 0, "only ours changed");
	check("a\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "a\nb\nC\n", 1, 0, "only theirs changed");
	check("m\nn\no\np\n", "start\nm\nn\no\np\n", "m\nn\no\np\nend\n",
	      "start\nm\nn\no\np\nend\n", 1, 0, "additions at the start and the end");
	check("", "x\n", "", "x\n", 1, 0, "empty base, one side adds");
	check("", "same\n", "same\n", "same\n", 1, 0, "empty base, both add the same");
	check("", "", "", "", 1, 0, "all empty");
	check("a\nb\nc\nd\ne\n", "a\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "a\nc\nd\nE\n", 1, 0,
	      "one side deletes, the other edits elsewhere");
	check("\xe6\x97\xa5\xe6\x9c\xac\n-\nend\n", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n-\nend\n",
	      "\xe6\x97\xa5\xe6\x9c\xac\n-\nEND\n", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n-\nEND\n",
	      1, 0, "UTF-8 lines");
}

static void test_conflicts(void)
{
	check("a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n",
	      "a\n<<<<<<< writer1 (revision 5)\nB\n=======\nX\n>>>>>>> writer2 (revision 6)\nc\n",
	      0, 1, "same line changed differently");
	check("a\nb\nc\n", "a\nc\n", "a\nB\nc\n",
	      "a\n<<<<<<< writer1 (revision 5)\n=======\nB\n>>>>>>> writer2 (revision 6)\nc\n", 0,
	      1, "ours deletes the line theirs edits");
	check("a\nb\nc\n", "a\nB\nc\n", "a\nc\n",
	      "a\n<<<<<<< writer1 (revision 5)\nB\n=======\n>>>>>>> writer2 (revision 6)\nc\n", 0,
	      1, "theirs deletes the line ours edits");
	check("", "x\n", "y\n",
	      "<<<<<<< writer1 (revision 5)\nx\n=======\ny\n>>>>>>> writer2 (revision 6)\n", 0, 1,
	      "empty base, both add differently");
	check("a\n", "a\nours\n", "a\ntheirs\n",
	      "a\n<<<<<<< writer1 (revision 5)\nours\n=======\ntheirs\n>>>>>>> writer2 (revision "
	      "6)\n",
	      0, 1, "both add at the end");
	check("a\nb\nc\nd\ne\nf\ng\nh\n", "A1\nb\nc\nd\ne\nf\ng\nH1\n", "A2\nb\nc\nd\ne\nf\ng\nH2\n",
	      "<<<<<<< writer1 (revision 5)\nA1\n=======\nA2\n>>>>>>> writer2 (revision 6)\n"
	      "b\nc\nd\ne\nf\ng\n"
	      "<<<<<<< writer1 (revision 5)\nH1\n=======\nH2\n>>>>>>> writer2 (revision 6)\n",
	      0, 2, "two conflicts far apart are counted as two");
	/* git merge-file's level: conflicts with only blank lines between
	 * them become one region (XDL_MERGE_ZEALOUS_ALNUM). */
	check("a\n\n\n\n\nb\n", "A\n\n\n\n\nB\n", "X\n\n\n\n\nY\n",
	      "<<<<<<< writer1 (revision 5)\nA\n\n\n\n\nB\n=======\nX\n\n\n\n\nY\n"
	      ">>>>>>> writer2 (revision 6)\n",
	      0, 1, "conflicts separated by blank lines only are one region");
	check("a\nb\n", "a\nB", "a\nX\n",
	      "a\n<<<<<<< writer1 (revision 5)\nB\n=======\nX\n>>>>>>> writer2 (revision 6)\n", 0, 1,
	      "ours without final newline gets one before the separator");
	check("a\r\nb\r\n", "a\r\nB\r\n", "a\r\nX\r\n",
	      "a\r\n<<<<<<< writer1 (revision 5)\r\nB\r\n=======\r\nX\r\n"
	      ">>>>>>> writer2 (revision 6)\r\n",
	      0, 1, "CRLF text gets CRLF markers");
	check("a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n<<<<<<< writer1 (revision 5)\n",
	      "a\nB\nc\n<<<<<<< writer1 (revision 5)\n", 1, 0,
	      "a marker-like line in a clean merge is not a conflict");
}

static void test_inputs(void)
{
	merge_result r;
	err_info e = {0};
	int rc;

	rc = merge_three("a\0b\n", 4, "a\n", 2, "b\n", 2, NULL, NULL, &r, &e);
	OK(rc == -1 && e.code == ERR_USER && strstr(e.msg, "NUL"), "a NUL byte is refused");
	OK(r.text == NULL && r.len == 0, "a refused merge leaves the result empty");

	rc = merge_three("a\n", 2, "b\n", 2, "c\n", 2, NULL, "x\ny", &r, NULL);
	OK(rc == 0, "NULL labels and NULL err_info are fine");
	STREQ(r.text, "<<<<<<< ours\nb\n=======\nc\n>>>>>>> x y\n",
	      "default label 'ours'; a newline in a label becomes a space");
	merge_result_clear(&r);
	merge_result_clear(&r);
	merge_result_clear(NULL);
	OK(r.text == NULL, "merge_result_clear twice and on NULL");

	rc = merge_three(NULL, 0, NULL, 0, "t\n", 2, "o", "t", &r, NULL);
	OK(rc == 0 && r.clean && strcmp(r.text, "t\n") == 0, "NULL texts of length 0 are empty");
	merge_result_clear(&r);
}

static void test_markers(void)
{
	merge_result r = m3("a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n");
	int line = -1;

	OK(merge_has_markers(r.text, r.len, &line) == 1 && line == 2,
	   "markers: a conflicted merge has them, first at line 2");
	merge_result_clear(&r);
	line = -1;
	OK(merge_has_markers("a\nb\n", 4, &line) == 0 && line == -1, "markers: none in plain text");
	OK(merge_has_markers("Title\n=======\n\ntext\n", 20, &line) == 0,
	   "markers: a setext heading underline is not one");
	OK(merge_has_markers("x\ny\n>>>>>>> theirs\n", 19, &line) == 1 && line == 3,
	   "markers: a leftover closing marker");
	OK(merge_has_markers("<<<<<<<\n", 8, &line) == 1 && line == 1,
	   "markers: a bare seven-character marker");
	OK(merge_has_markers("a\r\n<<<<<<< x\r\n", 14, &line) == 1 && line == 2,
	   "markers: CRLF lines");
	OK(merge_has_markers("<<<<<<<< eight\n<<<<<<x\n", 23, NULL) == 0,
	   "markers: eight or six angle brackets are not markers");
	OK(merge_has_markers("text << not <<<<<<< a marker\n", 29, NULL) == 0,
	   "markers: only at the start of a line");
	OK(merge_has_markers("a\n<<<<<<< end", 13, &line) == 1 && line == 2,
	   "markers: a last line without newline");
	OK(merge_has_markers(NULL, 0, NULL) == 0, "markers: NULL text");
}

int main(void)
{
	u8_setlocale();
	test_clean();
	test_conflicts();
	test_inputs();
	test_markers();
	diff_lib_shutdown();
	return tap_done();
}
