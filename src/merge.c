/* merge: git_merge_file on in-memory text, conflict counting and the
 * marker check that keeps unresolved conflicts out of saved pages. */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "gitlib.h"

#define MARKER_SIZE 7

/* A copy of a label safe to write on a marker line. */
static char *clean_label(const char *label, const char *fallback)
{
	const char *s = label && *label ? label : fallback;
	char *c = strdup(s);

	if (!c)
		abort();
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

static int check_input(const char *s, size_t n, const char *which, err_info *e)
{
	if (n > DIFF_MAX_TEXT)
		return err_set(e, ERR_USER, "cannot merge: %s text is over 1 GiB", which);
	if (n > 0 && memchr(s, '\0', n))
		return err_set(e, ERR_USER, "cannot merge: %s text contains a NUL byte", which);
	return 0;
}

static int line_is(const char *s, size_t n, const char *want, size_t wlen)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n == wlen && memcmp(s, want, wlen) == 0;
}

/* Counts the lines that are exactly "<<<<<<< LABEL": one per conflict. */
static int count_conflicts(const char *text, size_t len, const char *label)
{
	size_t wlen = MARKER_SIZE + 1 + strlen(label);
	char *want = malloc(wlen + 1);
	const char *p = text, *end = text + len;
	int n = 0;

	if (!want)
		abort();
	snprintf(want, wlen + 1, "<<<<<<< %s", label);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		n += line_is(p, l, want, wlen);
		if (!nl)
			break;
		p = nl + 1;
	}
	free(want);
	return n;
}

static void input(git_merge_file_input *in, const char *s, size_t n)
{
	git_merge_file_input_init(in, GIT_MERGE_FILE_INPUT_VERSION);
	in->ptr = s ? s : "";
	in->size = n;
}

int merge_three(const char *base, size_t base_len, const char *ours, size_t ours_len,
                const char *theirs, size_t theirs_len, const char *our_label,
                const char *their_label, merge_result *out, err_info *e)
{
	git_merge_file_input in_base, in_ours, in_theirs;
	git_merge_file_options o;
	git_merge_file_result r;
	char *ol, *tl;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (check_input(base, base_len, "the base", e) < 0 ||
	    check_input(ours, ours_len, "our", e) < 0 ||
	    check_input(theirs, theirs_len, "their", e) < 0)
		return -1;
	if (diff_lib_init(e) < 0)
		return -1;
	input(&in_base, base, base_len);
	input(&in_ours, ours, ours_len);
	input(&in_theirs, theirs, theirs_len);
	ol = clean_label(our_label, "ours");
	tl = clean_label(their_label, "theirs");
	git_merge_file_options_init(&o, GIT_MERGE_FILE_OPTIONS_VERSION);
	o.ancestor_label = "base";
	o.our_label = ol;
	o.their_label = tl;
	o.flags = GIT_MERGE_FILE_STYLE_MERGE | GIT_MERGE_FILE_SIMPLIFY_ALNUM;
	o.marker_size = MARKER_SIZE;
	if (git_merge_file(&r, &in_base, &in_ours, &in_theirs, &o) < 0) {
		const git_error *ge = git_error_last();

		rc = err_set(e, ERR_USER, "cannot merge the texts: %s",
		             ge && ge->message ? ge->message : "libgit2 failed");
		goto done;
	}
	out->text = malloc(r.len + 1);
	if (!out->text)
		abort();
	if (r.len)
		memcpy(out->text, r.ptr, r.len);
	out->text[r.len] = '\0';
	out->len = r.len;
	out->clean = r.automergeable ? 1 : 0;
	if (!out->clean) {
		out->conflicts = count_conflicts(out->text, out->len, ol);
		if (out->conflicts == 0)
			out->conflicts = 1;
	}
	git_merge_file_result_free(&r);
done:
	free(ol);
	free(tl);
	return rc;
}

void merge_result_clear(merge_result *r)
{
	if (!r)
		return;
	free(r->text);
	memset(r, 0, sizeof *r);
}

static int is_marker(const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n < MARKER_SIZE)
		return 0;
	if (memcmp(s, "<<<<<<<", MARKER_SIZE) != 0 && memcmp(s, ">>>>>>>", MARKER_SIZE) != 0)
		return 0;
	return n == MARKER_SIZE || s[MARKER_SIZE] == ' ';
}

int merge_has_markers(const char *text, size_t len, int *first_line)
{
	const char *p = text, *end;
	int line = 1;

	if (!text)
		return 0;
	end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_marker(p, l)) {
			if (first_line)
				*first_line = line;
			return 1;
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	return 0;
}
