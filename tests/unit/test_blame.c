/* Unit tests for blame: known histories, edge cases, and random histories
 * of unique lines, where each line's text names the revision that wrote
 * it, so the right answer is known. */
#include <stdlib.h>
#include <string.h>

#include "blame.h"
#include "buf.h"
#include "diff.h"
#include "tap.h"
#include "u8.h"

#define REV(n, who, t, text) {(n), (who), (t), (text), sizeof(text) - 1}

/* The revision numbers of every line, "3 1 2". */
static char *nums(const blame_result *r)
{
	buf b = BUF_INIT;

	for (size_t i = 0; i < r->nlines; i++)
		buf_printf(&b, "%s%d", i ? " " : "", r->lines[i].num);
	return buf_detach(&b);
}

static void check_nums(const blame_rev *revs, size_t n, const char *want, const char *name)
{
	blame_result r;
	err_info e = {0};
	char *got;

	if (blame_compute(revs, n, &r, &e) < 0)
		printf("# blame_compute failed: %s\n", e.msg);
	got = nums(&r);
	STREQ(got, want, name);
	free(got);
	blame_result_clear(&r);
}

static void test_three(void)
{
	static const blame_rev revs[] = {
	    REV(1, "alice", 1000, "title\nintro\nbody\n"),
	    REV(2, "bob", 2000, "title\nintro, changed\nbody\nadded by bob\n"),
	    REV(3, "carol", 3000, "new first line\ntitle\nintro, changed\nbody\nadded by bob\n"),
	};
	blame_result r;
	int rc = blame_compute(revs, 3, &r, NULL);

	OK(rc == 0 && r.nlines == 5, "three revisions: five lines");
	if (rc == 0 && r.nlines == 5) {
		char *got = nums(&r);

		STREQ(got, "3 1 2 1 2", "added, changed and kept lines name the right revision");
		free(got);
		STREQ(r.lines[0].author, "carol", "line 1 by carol");
		STREQ(r.lines[1].author, "alice", "line 2 by alice");
		STREQ(r.lines[2].author, "bob", "line 3 by bob");
		OK(r.lines[1].at_ms == 1000 && r.lines[2].at_ms == 2000 && r.lines[0].at_ms == 3000,
		   "times follow the revisions");
		OK(r.lines[2].rev == 1 && r.lines[0].rev == 2 && r.lines[3].rev == 0,
		   "rev indexes into the input array");
		OK(r.lines[2].off == 21 && r.lines[2].len == 14 &&
		       memcmp(revs[2].text + r.lines[2].off, "intro, changed", 14) == 0,
		   "off/len locate the line in the last text");
		OK(r.lines[4].off + r.lines[4].len + 1 == revs[2].len, "last line ends at the end");
	}
	blame_result_clear(&r);
}

static void test_edges(void)
{
	static const blame_rev one[] = {REV(7, "dana", 5, "a\nb")};
	static const blame_rev readd[] = {
	    REV(1, "a", 1, "x\ny\nz\n"),
	    REV(2, "b", 2, "x\nz\n"),
	    REV(3, "c", 3, "x\ny\nz\n"),
	};
	static const blame_rev same[] = {
	    REV(1, "a", 1, "x\ny\n"),
	    REV(2, "b", 2, "x\nY\n"),
	    REV(3, "c", 3, "x\nY\n"),
	};
	static const blame_rev eol[] = {
	    REV(1, "a", 1, "x\ny"),
	    REV(2, "b", 2, "x\ny\n"),
	};
	static const blame_rev emptied[] = {
	    REV(1, "a", 1, "x\ny\n"),
	    REV(2, "b", 2, ""),
	    REV(3, "c", 3, "x\n"),
	};
	static const blame_rev crlf[] = {
	    REV(1, "a", 1, "x\ny\n"),
	    REV(2, "b", 2, "x\r\ny\n"),
	};
	static const blame_rev revert[] = {
	    REV(1, "a", 1, "one\ntwo\n"),
	    REV(2, "b", 2, "one\nTWO\n"),
	    REV(3, "c", 3, "one\ntwo\n"),
	};
	blame_result r;

	check_nums(one, 1, "7 7", "one revision owns every line, also one without newline");
	OK(blame_compute(one, 0, &r, NULL) == 0 && r.nlines == 0, "no revisions: no lines");
	blame_result_clear(&r);
	check_nums(readd, 3, "1 3 1", "a line deleted and written again is new");
	check_nums(same, 3, "1 2", "a revision that changes nothing takes no lines");
	check_nums(eol, 2, "1 2", "a newline added to the last line changes it");
	check_nums(emptied, 3, "3", "an emptied page starts over");
	check_nums(emptied, 2, "", "an empty last text has no lines");
	check_nums(crlf, 2, "2 1", "a line that gains a CR is changed");
	check_nums(revert, 3, "1 3", "a revert owns the lines it brings back");
	blame_result_clear(NULL);
}

/* Random histories of unique lines "r<k> <id>": the revision that wrote a
 * line is in its text, so the diff cannot misplace it. */
static int random_history(unsigned seed)
{
	enum { NREV = 12, MAXL = 60 };
	int lines[MAXL], nl = 0, id = 0, bad = 0;
	int owner[MAXL];
	blame_rev revs[NREV];
	char *texts[NREV];
	blame_result r;

	srand(seed);
	for (int k = 0; k < NREV; k++) {
		buf b = BUF_INIT;
		int ops = k == 0 ? 8 : 1 + rand() % 4;

		for (int o = 0; o < ops; o++) {
			int what = rand() % 3, at = nl ? rand() % nl : 0;

			if ((what == 0 || nl == 0) && nl < MAXL) { /* insert */
				memmove(&lines[at + 1], &lines[at], (size_t)(nl - at) * sizeof *lines);
				memmove(&owner[at + 1], &owner[at], (size_t)(nl - at) * sizeof *owner);
				lines[at] = id++;
				owner[at] = k;
				nl++;
			} else if (what == 1 && nl > 0) { /* change */
				lines[at] = id++;
				owner[at] = k;
			} else if (nl > 0) { /* delete */
				memmove(&lines[at], &lines[at + 1], (size_t)(nl - at - 1) * sizeof *lines);
				memmove(&owner[at], &owner[at + 1], (size_t)(nl - at - 1) * sizeof *owner);
				nl--;
			}
		}
		for (int i = 0; i < nl; i++)
			buf_printf(&b, "r%d line %d\n", owner[i], lines[i]);
		revs[k].num = k + 1;
		revs[k].author = "someone";
		revs[k].at_ms = k;
		revs[k].len = b.len;
		texts[k] = buf_detach(&b);
		revs[k].text = texts[k];
	}
	if (blame_compute(revs, NREV, &r, NULL) < 0 || r.nlines != (size_t)nl)
		bad = 1;
	for (size_t i = 0; !bad && i < r.nlines; i++)
		bad = (int)r.lines[i].rev != owner[i] ||
		      strncmp(revs[NREV - 1].text + r.lines[i].off, "r", 1) != 0;
	blame_result_clear(&r);
	for (int k = 0; k < NREV; k++)
		free(texts[k]);
	return !bad;
}

static void test_random(void)
{
	int good = 0;

	for (unsigned s = 1; s <= 300; s++)
		good += random_history(s);
	printf("# random histories: %d of 300 right\n", good);
	OK(good == 300, "300 random histories of unique lines: every line's revision is right");
}

int main(void)
{
	u8_setlocale();
	test_three();
	test_edges();
	test_random();
	diff_lib_shutdown();
	return tap_done();
}
