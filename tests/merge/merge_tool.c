/* merge_tool: a test driver for tests/merge/random.sh.
 *
 *   merge_tool OURS BASE THEIRS   merge_three with labels "ours" and
 *                                 "theirs", the result on stdout; exit 0
 *                                 clean, 1 conflicts, 2 error (the argument
 *                                 order is git merge-file's)
 *   merge_tool --diff A B         diff_unified(A, B, labels "a" and "b",
 *                                 3 lines of context) on stdout; exit 0
 *   merge_tool --batch            reads lines "merge OURS BASE THEIRS OUT" or
 *                                 "diff A B OUT" (paths without spaces) from
 *                                 stdin, writes each result to OUT and prints
 *                                 each exit status on a line: one process for
 *                                 a thousand cases */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diff.h"
#include "err.h"
#include "merge.h"

static int slurp(const char *path, buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(b, chunk, n);
	fclose(f);
	return 0;
}

static FILE *out_file;

static void emit(const char *s, size_t n)
{
	fwrite(s ? s : "", 1, n, out_file ? out_file : stdout);
}

static int do_diff(const char *pa, const char *pb)
{
	buf a = BUF_INIT, b = BUF_INIT, out = BUF_INIT;
	err_info e = {0};
	int rc = 2;

	if (slurp(pa, &a) == 0 && slurp(pb, &b) == 0) {
		if (diff_unified(a.ptr, a.len, b.ptr, b.len, "a", "b", 3, &out, &e) == 0) {
			emit(out.ptr, out.len);
			rc = 0;
		} else {
			fprintf(stderr, "merge_tool: %s\n", e.msg);
		}
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&out);
	return rc;
}

static int do_merge(const char *po, const char *pbase, const char *pt)
{
	buf o = BUF_INIT, base = BUF_INIT, t = BUF_INIT;
	merge_result r = {0};
	err_info e = {0};
	int rc = 2;

	if (slurp(po, &o) == 0 && slurp(pbase, &base) == 0 && slurp(pt, &t) == 0) {
		if (merge_three(base.ptr, base.len, o.ptr, o.len, t.ptr, t.len, "ours", "theirs",
		                &r, &e) == 0) {
			emit(r.text, r.len);
			rc = r.clean ? 0 : 1;
		} else {
			fprintf(stderr, "merge_tool: %s\n", e.msg);
		}
	}
	merge_result_clear(&r);
	buf_free(&o);
	buf_free(&base);
	buf_free(&t);
	return rc;
}

static int batch_line(char *line)
{
	char *w[6];
	int n = 0, rc;

	for (char *t = strtok(line, " \n"); t && n < 6; t = strtok(NULL, " \n"))
		w[n++] = t;
	if (n == 5 && strcmp(w[0], "merge") == 0)
		out_file = fopen(w[4], "wb");
	else if (n == 4 && strcmp(w[0], "diff") == 0)
		out_file = fopen(w[3], "wb");
	else
		return 2;
	if (!out_file)
		return 2;
	rc = n == 5 ? do_merge(w[1], w[2], w[3]) : do_diff(w[1], w[2]);
	if (fclose(out_file) != 0)
		rc = 2;
	out_file = NULL;
	return rc;
}

static int do_batch(void)
{
	char line[4096];

	while (fgets(line, sizeof line, stdin)) {
		printf("%d\n", batch_line(line));
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc == 2 && strcmp(argv[1], "--batch") == 0)
		rc = do_batch();
	else if (argc == 4 && strcmp(argv[1], "--diff") == 0)
		rc = do_diff(argv[2], argv[3]);
	else if (argc == 4)
		rc = do_merge(argv[1], argv[2], argv[3]);
	else {
		fputs("usage: merge_tool OURS BASE THEIRS | merge_tool --diff A B\n", stderr);
		return 2;
	}
	diff_lib_shutdown();
	return rc;
}
