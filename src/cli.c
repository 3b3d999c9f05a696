/* cli: subcommands, options, the database path and exit codes (see cli.h).
 *
 * Output for scripts goes to stdout, one record per line, tab-separated;
 * messages go to stderr as one line starting with "docday: ".  Page text
 * and titles never reach a terminal raw: when stdout is a terminal every
 * field goes through u8_sanitize. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blame.h"
#include "buf.h"
#include "diff.h"
#include "err.h"
#include "export.h"
#include <sys/ioctl.h>

#include "layout.h"
#include "markdown.h"
#include "u8.h"
#include "ui.h"
#include "wiki.h"

/* What a command may do (cli_command.flags). */
enum {
	CMD_WRITES = 1,     /* changes the wiki: refused with --read-only */
	CMD_RESTRICTED = 2, /* allowed in restricted mode */
};

/* How a command opens the database. */
enum {
	OPEN_NONE = 0,   /* no database */
	OPEN_SAMPLE = 1, /* create on first use, with the sample wiki */
	OPEN_EMPTY = 2,  /* create on first use, empty (import) */
	OPEN_INIT = 3,   /* the init command decides */
};

struct cli_ctx {
	const char *cmd;
	char *db_path;
	int db_explicit; /* --db or $DOCDAY_DB */
	wiki *w;
	char *author;
	int out_tty; /* stdout is a terminal: sanitise, highlight */
	int err_tty;
	int color;
	int restricted; /* --restricted or $DOCDAY_RESTRICTED: no way out */
	int read_only;  /* --read-only: browse, never write */
	int ascii;      /* --ascii / $DOCDAY_ASCII / a CJK locale: ASCII decorations */
	int split;      /* --graphemes / $DOCDAY_GRAPHEMES: emoji sequences split */
	err_info err;
};

/* --- messages -------------------------------------------------------- */

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("docday: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(struct cli_ctx *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static int usage_error(struct cli_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "docday%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c->cmd)
		fprintf(stderr, " (see 'docday help %s')\n", c->cmd);
	else
		fputs(" (see 'docday --help')\n", stderr);
	return ERR_USAGE;
}

/* Reports c->err and returns its exit code. */
static int fail(struct cli_ctx *c)
{
	int code = c->err.code ? c->err.code : ERR_DB;

	msg("%s", c->err.msg[0] ? c->err.msg : "unknown error");
	return code;
}

/* --- output ---------------------------------------------------------- */

/* One field of a tab-separated record: always one line, never raw
 * controls. */
static void out_field(const char *s)
{
	buf b = BUF_INIT;

	u8_sanitize(&b, s ? s : "", s ? strlen(s) : 0, 0);
	fputs(buf_cstr(&b), stdout);
	buf_free(&b);
}

/* Page text: exact bytes into a pipe, sanitised into a terminal. */
static void out_text(struct cli_ctx *c, const char *s, size_t n)
{
	buf b = BUF_INIT;

	if (!c->out_tty) {
		fwrite(s, 1, n, stdout);
		return;
	}
	u8_sanitize(&b, s, n, 1);
	fwrite(buf_cstr(&b), 1, b.len, stdout);
	buf_free(&b);
}

static void out_time(int64_t ms)
{
	buf b = BUF_INIT;

	buf_put_time(&b, ms);
	fputs(buf_cstr(&b), stdout);
	buf_free(&b);
}

/* --- options --------------------------------------------------------- */

struct opt {
	const char *name; /* long name without "--" */
	int shortc;       /* 0 when none */
	int has_arg;
	const char **val; /* set to the argument, or to "" for a flag */
};

/* Parses options anywhere before "--"; leaves positional arguments in
 * argv[0..*npos).  Returns 0, or an exit code after a usage message. */
static int parse_opts(struct cli_ctx *c, int argc, char **argv, struct opt *opts, int *npos)
{
	int i, n = 0, dashdash = 0;

	for (i = 0; i < argc; i++) {
		char *a = argv[i], *eq = NULL;
		struct opt *o = NULL;

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			argv[n++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (a[1] == '-') {
			size_t len;

			eq = strchr(a, '=');
			len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (o = opts; o->name; o++)
				if (strlen(o->name) == len && strncmp(o->name, a + 2, len) == 0)
					break;
		} else {
			for (o = opts; o->name; o++)
				if (o->shortc == a[1])
					break;
			if (o->name && a[2])
				eq = a + 1; /* -mMSG */
		}
		if (!o || !o->name)
			return usage_error(c, "unknown option '%s'", a);
		if (!o->has_arg) {
			if (eq && a[1] == '-')
				return usage_error(c, "option '--%s' takes no value", o->name);
			if (eq) /* combined short flags are not supported */
				return usage_error(c, "unknown option '%s'", a);
			*o->val = "";
		} else if (eq) {
			*o->val = eq + 1;
		} else if (i + 1 < argc) {
			*o->val = argv[++i];
		} else {
			return usage_error(c, "option '%s' needs a value", a);
		}
	}
	*npos = n;
	return 0;
}

/* Parses a positive revision number. */
static int parse_num(struct cli_ctx *c, const char *s, const char *what, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min)
		return usage_error(c, "%s must be a number of at least %lld, not '%s'", what,
		                   (long long)min, s);
	*out = v;
	return 0;
}

/* --- environment ------------------------------------------------------ */

static char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u;
	char tmp[32];

	if (pw && pw->pw_name && pw->pw_name[0])
		return strdup(pw->pw_name);
	u = getenv("USER");
	if (u && *u)
		return strdup(u);
	snprintf(tmp, sizeof tmp, "uid%ld", (long)getuid());
	return strdup(tmp);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char *p = strdup(path), *s;
	int rc = 0;

	for (s = p + 1; rc == 0 && *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* --db, else $DOCDAY_DB, else $XDG_DATA_HOME/docday/wiki.db, else
 * ~/.local/share/docday/wiki.db. */
static int pick_db(struct cli_ctx *c, const char *opt_db)
{
	const char *env = getenv("DOCDAY_DB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	buf b = BUF_INIT;

	if (opt_db || (env && *env)) {
		c->db_path = strdup(opt_db ? opt_db : env);
		c->db_explicit = 1;
		return 0;
	}
	if (xdg && xdg[0] == '/') {
		buf_printf(&b, "%s/docday/wiki.db", xdg);
	} else if (home && *home) {
		buf_printf(&b, "%s/.local/share/docday/wiki.db", home);
	} else {
		msg("cannot find a place for the wiki: set HOME, XDG_DATA_HOME, DOCDAY_DB or "
		    "use --db FILE");
		return ERR_USAGE;
	}
	c->db_path = buf_detach(&b);
	return 0;
}

/* The default place: make its folder (private, as XDG asks). */
static int make_default_dir(struct cli_ctx *c)
{
	char *dir = strdup(c->db_path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0700) < 0) {
			msg("cannot create %s: %s", dir, strerror(errno));
			rc = -1;
		}
	}
	free(dir);
	return rc;
}

static int open_wiki(struct cli_ctx *c, int how)
{
	int flags = 0, created = 0;
	struct stat st;

	if (how == OPEN_SAMPLE)
		flags = WIKI_CREATE | WIKI_SAMPLE;
	else if (how == OPEN_EMPTY)
		flags = WIKI_CREATE;
	if (!c->db_explicit && make_default_dir(c) < 0)
		return ERR_DB;
	if (stat(c->db_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		msg("%s is a directory, not a wiki database", c->db_path);
		return ERR_DB;
	}
	c->w = wiki_open(c->db_path, flags, &created, &c->err);
	if (!c->w)
		return fail(c);
	if (created)
		msg("created a new wiki at %s%s", c->db_path,
		    (flags & WIKI_SAMPLE) ? " with the sample pages" : "");
	return 0;
}

/* --- commands ------------------------------------------------------------ */

static int need_args(struct cli_ctx *c, int n, int min, int max)
{
	if (n < min)
		return usage_error(c, "missing argument");
	if (max >= 0 && n > max)
		return usage_error(c, "too many arguments");
	return 0;
}

static int find_page(struct cli_ctx *c, const char *name, store_page *p)
{
	int r = wiki_find(c->w, name, p, &c->err);

	return r == 1 ? 0 : fail(c);
}

static int cmd_init(struct cli_ctx *c, int argc, char **argv)
{
	const char *empty = NULL;
	struct opt opts[] = { { "empty", 0, 0, &empty }, { 0 } };
	int n, rc, created = 0, flags = WIKI_CREATE;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 0)))
		return rc;
	if (!c->db_explicit && make_default_dir(c) < 0)
		return ERR_DB;
	if (!empty)
		flags |= WIKI_SAMPLE;
	c->w = wiki_open(c->db_path, flags, &created, &c->err);
	if (!c->w)
		return fail(c);
	if (!created) {
		msg("a wiki already exists at %s: nothing changed", c->db_path);
		return ERR_USER;
	}
	printf("created %s%s\n", c->db_path, empty ? "" : " with the sample wiki");
	return 0;
}

static int cmd_list(struct cli_ctx *c, int argc, char **argv)
{
	store_page_list l = { 0 };
	const char *by = NULL;
	struct opt opts[] = { { "sort", 's', 1, &by }, { 0 } };
	int n, rc, order = STORE_BY_SLUG;
	size_t i;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 0)))
		return rc;
	if (by && strcmp(by, "title") == 0)
		order = STORE_BY_TITLE;
	else if (by && strcmp(by, "change") == 0)
		order = STORE_BY_CHANGE;
	else if (by && strcmp(by, "slug") != 0)
		return usage_error(c, "--sort takes slug, title or change, not '%s'", by);
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if (store_page_list_all(wiki_store(c->w), order, &l, &c->err) < 0)
		return fail(c);
	for (i = 0; i < l.n; i++) {
		out_field(l.v[i].slug);
		putchar('\t');
		out_field(l.v[i].title);
		printf("\t%lld\t", (long long)l.v[i].nrevs);
		out_field(l.v[i].last_author);
		putchar('\t');
		out_time(l.v[i].last_at_ms);
		putchar('\n');
	}
	store_page_list_free(&l);
	return 0;
}

static int cmd_cat(struct cli_ctx *c, int argc, char **argv)
{
	const char *rev = NULL;
	struct opt opts[] = { { "rev", 'r', 1, &rev }, { 0 } };
	store_page p = { 0 };
	store_rev r = { 0 };
	int64_t num = 0;
	int n, rc, found;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if (rev && (rc = parse_num(c, rev, "--rev", 1, &num)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)) || (rc = find_page(c, argv[0], &p)))
		return rc;
	found = store_rev_get(wiki_store(c->w), p.id, num, &r, &c->err);
	if (found < 0) {
		rc = fail(c);
	} else if (found == 0) {
		msg("%s has no revision %lld (its head is revision %lld)", p.slug, (long long)num,
		    (long long)p.head_num);
		rc = ERR_USER;
	} else {
		out_text(c, r.body, r.body_len);
	}
	store_rev_clear(&r);
	store_page_clear(&p);
	return rc;
}

/* Reads all of stdin, refusing more than WIKI_MAX_PAGE bytes. */
static int read_stdin(buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (b->len + n > WIKI_MAX_PAGE) {
			msg("the text is too large (more than %u MiB): nothing was saved",
			    WIKI_MAX_PAGE / (1024 * 1024));
			return ERR_USER;
		}
		buf_put(b, chunk, n);
	}
	if (ferror(stdin)) {
		msg("cannot read the text from standard input: %s", strerror(errno));
		return ERR_USER;
	}
	return 0;
}

/* A summary is one line: tabs and newlines become spaces. */
static char *one_line(const char *s)
{
	char *t = strdup(s ? s : ""), *p;

	for (p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return t;
}

/* Writes data to path through a temporary file and a rename, so the file
 * is whole or untouched. */
static int write_file_atomic(const char *path, const char *data, size_t n, err_info *e)
{
	buf tmp = BUF_INIT;
	FILE *f;
	int ok;

	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(buf_cstr(&tmp), "wb");
	if (!f) {
		err_set(e, ERR_USER, "cannot write %s: %s", path, strerror(errno));
		buf_free(&tmp);
		return -1;
	}
	ok = fwrite(data, 1, n, f) == n;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(buf_cstr(&tmp), path) < 0) {
		err_set(e, ERR_USER, "cannot write %s: %s", path, strerror(errno));
		unlink(buf_cstr(&tmp));
		buf_free(&tmp);
		return -1;
	}
	buf_free(&tmp);
	return 0;
}

/* After a conflicting merge: the text with markers to --conflict-out or
 * stdout, and what to do next. */
static int report_conflict(struct cli_ctx *c, const wiki_save_res *res, const char *out)
{
	err_info e = { 0 };

	msg("%s", c->err.msg);
	if (!res->conflict_text) {
		msg("nothing was saved and your input is unchanged");
		return ERR_CONFLICT;
	}
	if (out) {
		if (write_file_atomic(out, res->conflict_text, res->conflict_len, &e) < 0) {
			msg("%s", e.msg);
			return ERR_CONFLICT;
		}
		msg("the merged text with conflict markers is in %s: resolve them, then save it "
		    "with --base %lld",
		    out, (long long)res->head_num);
	} else {
		fwrite(res->conflict_text, 1, res->conflict_len, stdout);
		msg("the merged text with conflict markers was written to standard output: resolve "
		    "them, then save with --base %lld",
		    (long long)res->head_num);
	}
	return ERR_CONFLICT;
}

static int cmd_save(struct cli_ctx *c, int argc, char **argv)
{
	const char *base = NULL, *m = NULL, *title = NULL, *cout = NULL;
	struct opt opts[] = { { "base", 'b', 1, &base },
		              { "message", 'm', 1, &m },
		              { "title", 't', 1, &title },
		              { "conflict-out", 0, 1, &cout },
		              { 0 } };
	wiki_save_req req = { 0 };
	wiki_save_res res = { 0 };
	buf text = BUF_INIT;
	char *summary = NULL;
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	/* Restricted sessions write no files: a conflict goes to stdout. */
	if (cout && c->restricted)
		return usage_error(c,
		                   "--conflict-out writes a file, which restricted mode does not");
	req.base = -1;
	if (base && (rc = parse_num(c, base, "--base", 0, &req.base)))
		return rc;
	if (title && wiki_check_title(title, &c->err) < 0)
		return fail(c);
	if ((rc = read_stdin(&text)))
		goto out;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		goto out;
	summary = one_line(m);
	req.name = argv[0];
	req.title = title;
	req.text = buf_cstr(&text);
	req.len = text.len;
	req.author = c->author;
	req.summary = summary;
	if (wiki_save(c->w, &req, &res, &c->err) < 0) {
		rc = c->err.code == ERR_CONFLICT ? report_conflict(c, &res, cout) : fail(c);
		goto out;
	}
	if (res.merged) {
		buf when = BUF_INIT;

		buf_put_time(&when, res.head_at_ms);
		msg("merged with %s's change of %s (revision %lld)", res.head_author,
		    buf_cstr(&when), (long long)res.head_num);
		buf_free(&when);
	}
	out_field(res.slug);
	printf("\t%lld\t%s\n", (long long)res.num,
	       res.created     ? "created"
	       : res.unchanged ? "unchanged"
	       : res.merged    ? "merged"
	                       : "saved");
out:
	wiki_save_res_clear(&res);
	free(summary);
	buf_free(&text);
	return rc;
}

static int cmd_history(struct cli_ctx *c, int argc, char **argv)
{
	store_page p = { 0 };
	store_rev_list l = { 0 };
	int n, rc;
	size_t i;
	struct opt opts[] = { { 0 } };

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	/* A deleted page keeps its history. */
	if (wiki_find_any(c->w, argv[0], &p, &c->err) != 1)
		return fail(c);
	if (store_rev_history(wiki_store(c->w), p.id, &l, &c->err) < 0) {
		store_page_clear(&p);
		return fail(c);
	}
	for (i = 0; i < l.n; i++) {
		printf("%lld\t", (long long)l.v[i].num);
		out_time(l.v[i].at_ms);
		putchar('\t');
		out_field(l.v[i].author);
		printf("\t%zu\t", l.v[i].size);
		out_field(l.v[i].summary);
		putchar('\n');
	}
	store_rev_list_free(&l);
	store_page_clear(&p);
	return 0;
}

static int cmd_recent(struct cli_ctx *c, int argc, char **argv)
{
	const char *count = NULL;
	struct opt opts[] = { { "count", 'n', 1, &count }, { 0 } };
	store_rev_list l = { 0 };
	int64_t limit = 30;
	int n, rc;
	size_t i;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 0)))
		return rc;
	if (count && (rc = parse_num(c, count, "-n", 1, &limit)))
		return rc;
	if (limit > 1000000)
		limit = 1000000;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if (store_rev_recent(wiki_store(c->w), (int)limit, &l, &c->err) < 0)
		return fail(c);
	for (i = 0; i < l.n; i++) {
		out_time(l.v[i].at_ms);
		putchar('\t');
		out_field(l.v[i].title); /* the slug, see store_rev_recent */
		printf("\t%lld\t", (long long)l.v[i].num);
		out_field(l.v[i].author);
		putchar('\t');
		out_field(l.v[i].summary);
		putchar('\n');
	}
	store_rev_list_free(&l);
	return 0;
}

/* Private-use code points mark matches inside a snippet until they are
 * turned into highlighting after sanitising. */
#define MARK_OPEN  "\xee\x80\x80" /* U+E000 */
#define MARK_CLOSE "\xee\x80\x81" /* U+E001 */

static void out_snippet(struct cli_ctx *c, const char *s)
{
	const char *open = c->color ? "\033[1;7m" : "\xc2\xab"; /* « */
	const char *close = c->color ? "\033[0m" : "\xc2\xbb";  /* » */
	buf b = BUF_INIT;
	const char *p;

	u8_sanitize(&b, s, strlen(s), 0);
	for (p = buf_cstr(&b); *p;) {
		if (strncmp(p, MARK_OPEN, 3) == 0) {
			fputs(open, stdout);
			p += 3;
		} else if (strncmp(p, MARK_CLOSE, 3) == 0) {
			fputs(close, stdout);
			p += 3;
		} else {
			putchar(*p++);
		}
	}
	buf_free(&b);
}

static int cmd_delete(struct cli_ctx *c, int argc, char **argv)
{
	const char *why = NULL;
	struct opt opts[] = { { "message", 'm', 1, &why }, { 0 } };
	int deleting = strcmp(c->cmd, "delete") == 0;
	int64_t num = 0;
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if (!deleting && why)
		return usage_error(c, "restore takes no message");
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if ((deleting ? wiki_delete(c->w, argv[0], c->author, why, &num, &c->err)
	              : wiki_restore(c->w, argv[0], c->author, &num, &c->err)) < 0)
		return fail(c);
	printf("%s\t%lld\t%s\n", argv[0], (long long)num, deleting ? "deleted" : "restored");
	return 0;
}

static int cmd_rename(struct cli_ctx *c, int argc, char **argv)
{
	wiki_rename_res res = { 0 };
	struct opt opts[] = { { 0 } };
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 2, 2)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if (wiki_rename(c->w, argv[0], argv[1], c->author, &res, &c->err) < 0)
		return fail(c);
	printf("%s\t%lld\trenamed from %s\n", res.new_slug, (long long)res.num, res.old_slug);
	for (size_t i = 0; i < res.npages; i++)
		printf("%s\t\tlinks rewritten\n", res.pages[i]);
	wiki_rename_res_clear(&res);
	return 0;
}

static int cmd_gc(struct cli_ctx *c, int argc, char **argv)
{
	store_gc_stats st;
	struct opt opts[] = { { 0 } };
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 0)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if (store_gc(wiki_store(c->w), &st, &c->err) < 0)
		return fail(c);
	printf("%lld old revisions compacted; %.1f KB -> %.1f KB\n", (long long)st.compacted,
	       st.bytes_before / 1e3, st.bytes_after / 1e3);
	return 0;
}

/* Every word, case-insensitively (ASCII), somewhere in the text. */
static int has_all_words(const char *text, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcasestr(text, argv[i]))
			return 0;
	return 1;
}

/* search --all-revisions: every revision of every page, oldest first. */
static int search_history(struct cli_ctx *c, int argc, char **argv)
{
	store_page_list pl = { 0 };
	int found = 0;

	if (store_page_list_all(wiki_store(c->w), STORE_BY_SLUG, &pl, &c->err) < 0)
		return fail(c);
	for (size_t i = 0; i < pl.n; i++) {
		buf nums = BUF_INIT;

		for (int64_t k = 1; k <= pl.v[i].head_num; k++) {
			store_rev r = { 0 };

			if (store_rev_get(wiki_store(c->w), pl.v[i].id, k, &r, &c->err) < 0) {
				buf_free(&nums);
				store_page_list_free(&pl);
				return fail(c);
			}
			if (r.body && has_all_words(r.body, argc, argv))
				buf_printf(&nums, "%s%lld", nums.len ? "," : "", (long long)k);
			store_rev_clear(&r);
		}
		if (nums.len) {
			out_field(pl.v[i].slug);
			putchar('\t');
			out_field(pl.v[i].title);
			printf("\t%s\n", buf_cstr(&nums));
			found++;
		}
		buf_free(&nums);
	}
	store_page_list_free(&pl);
	if (!found) {
		msg("no revision of any page has all of those words");
		return ERR_USER;
	}
	return 0;
}

static int cmd_search(struct cli_ctx *c, int argc, char **argv)
{
	const char *count = NULL, *all = NULL;
	struct opt opts[] = { { "count", 'n', 1, &count },
		              { "all-revisions", 'a', 0, &all },
		              { 0 } };
	store_hit_list l = { 0 };
	int64_t limit = 50;
	buf q = BUF_INIT;
	int n, rc, i;
	size_t k;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, -1)))
		return rc;
	if (count && (rc = parse_num(c, count, "-n", 1, &limit)))
		return rc;
	if (all) {
		if ((rc = open_wiki(c, OPEN_SAMPLE)))
			return rc;
		return search_history(c, n, argv);
	}
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(&q, ' ');
		buf_puts(&q, argv[i]);
	}
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		goto out;
	if (store_search(wiki_store(c->w), buf_cstr(&q), MARK_OPEN, MARK_CLOSE,
	                 limit > 100000 ? 100000 : (int)limit, &l, &c->err) < 0) {
		rc = fail(c);
		goto out;
	}
	for (k = 0; k < l.n; k++) {
		out_field(l.v[k].slug);
		putchar('\t');
		out_field(l.v[k].title);
		putchar('\t');
		out_snippet(c, l.v[k].snippet ? l.v[k].snippet : "");
		putchar('\n');
	}
	if (l.n == 0) {
		msg("no page matches '%s'", buf_cstr(&q));
		rc = ERR_USER;
	}
out:
	store_hit_list_free(&l);
	buf_free(&q);
	return rc;
}

static int print_links(store_link_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		out_field(l->v[i].slug);
		putchar('\t');
		if (l->v[i].title)
			out_field(l->v[i].title);
		else
			fputs("(missing)", stdout);
		putchar('\n');
	}
	store_link_list_free(l);
	return 0;
}

static int cmd_links(struct cli_ctx *c, int argc, char **argv)
{
	store_page p = { 0 };
	store_link_list l = { 0 };
	struct opt opts[] = { { 0 } };
	int n, rc, back = strcmp(c->cmd, "backlinks") == 0;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)) || (rc = find_page(c, argv[0], &p)))
		return rc;
	rc = back ? store_links_to(wiki_store(c->w), p.slug, &l, &c->err)
	          : store_links_from(wiki_store(c->w), p.id, &l, &c->err);
	store_page_clear(&p);
	return rc < 0 ? fail(c) : print_links(&l);
}

static int cmd_check(struct cli_ctx *c, int argc, char **argv)
{
	struct opt opts[] = { { 0 } };
	char *report = NULL;
	int64_t pages = 0;
	int n, rc, problems;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 0)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	problems = wiki_check(c->w, &report, &c->err);
	if (problems < 0)
		return fail(c);
	if (report)
		out_text(c, report, strlen(report));
	free(report);
	if (problems) {
		msg("%s: %d problem%s found", c->db_path, problems, problems == 1 ? "" : "s");
		return ERR_DB;
	}
	store_page_count(wiki_store(c->w), &pages, NULL);
	printf("ok: %s, %lld pages, no problems\n", c->db_path, (long long)pages);
	return 0;
}

static int cmd_backup(struct cli_ctx *c, int argc, char **argv)
{
	struct opt opts[] = { { 0 } };
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	if (store_backup(wiki_store(c->w), argv[0], &c->err) < 0)
		return fail(c);
	printf("backed up %s to %s\n", c->db_path, argv[0]);
	return 0;
}

/* --- history: diff, revert, blame ------------------------------------------ */

/* Loads revision num (0 = head) of page p with its body, or reports. */
static int load_rev(struct cli_ctx *c, const store_page *p, int64_t num, store_rev *r)
{
	int found = store_rev_get(wiki_store(c->w), p->id, num, r, &c->err);

	if (found == 1)
		return 0;
	if (found < 0)
		return fail(c);
	msg("%s has no revision %lld (its head is revision %lld)", p->slug, (long long)num,
	    (long long)p->head_num);
	return ERR_USER;
}

/* Colours a unified diff for a terminal, line by line. */
static void out_diff(struct cli_ctx *c, const buf *d)
{
	const char *p = buf_cstr(d), *nl;

	if (!c->color) {
		out_text(c, p, d->len);
		return;
	}
	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		const char *col = NULL;
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "+++", 3) || !strncmp(p, "---", 3))
			col = "\033[1m";
		else if (*p == '+')
			col = "\033[32m";
		else if (*p == '-')
			col = "\033[31m";
		else if (*p == '@')
			col = "\033[36m";
		if (col)
			fputs(col, stdout);
		out_text(c, p, n);
		if (col)
			fputs("\033[0m", stdout);
		putchar('\n');
		if (!nl)
			break;
	}
}

static int cmd_diff(struct cli_ctx *c, int argc, char **argv)
{
	struct opt opts[] = { { 0 } };
	store_page p = { 0 };
	store_rev ra = { 0 }, rb = { 0 };
	int64_t a = 0, b = 0;
	buf la = BUF_INIT, lb = BUF_INIT, out = BUF_INIT;
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 3)))
		return rc;
	if (n > 1 && (rc = parse_num(c, argv[1], "revision A", 1, &a)))
		return rc;
	if (n > 2 && (rc = parse_num(c, argv[2], "revision B", 1, &b)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)) || (rc = find_page(c, argv[0], &p)))
		return rc;
	if (n == 1) { /* the head against its parent */
		b = p.head_num;
		a = b > 1 ? b - 1 : 0;
	} else if (n == 2) {
		b = p.head_num;
	}
	if ((a && (rc = load_rev(c, &p, a, &ra))) || (rc = load_rev(c, &p, b, &rb)))
		goto out;
	buf_printf(&la, "%s@%lld", p.slug, (long long)a);
	buf_printf(&lb, "%s@%lld", p.slug, (long long)b);
	if (diff_unified(ra.body ? ra.body : "", ra.body_len, rb.body, rb.body_len, buf_cstr(&la),
	                 buf_cstr(&lb), 3, &out, &c->err) < 0)
		rc = fail(c);
	else
		out_diff(c, &out);
out:
	buf_free(&la);
	buf_free(&lb);
	buf_free(&out);
	store_rev_clear(&ra);
	store_rev_clear(&rb);
	store_page_clear(&p);
	return rc;
}

static int cmd_revert(struct cli_ctx *c, int argc, char **argv)
{
	struct opt opts[] = { { 0 } };
	store_page p = { 0 };
	store_rev r = { 0 };
	wiki_save_req req = { 0 };
	wiki_save_res res = { 0 };
	buf summary = BUF_INIT;
	int64_t num;
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 2, 2)))
		return rc;
	if ((rc = parse_num(c, argv[1], "the revision", 1, &num)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)) || (rc = find_page(c, argv[0], &p)))
		return rc;
	if ((rc = load_rev(c, &p, num, &r)))
		goto out;
	/* A revert is a new revision whose text is the old one. */
	buf_printf(&summary, "revert to revision %lld", (long long)num);
	req.name = p.slug;
	req.base = p.head_num;
	req.text = r.body;
	req.len = r.body_len;
	req.author = c->author;
	req.summary = buf_cstr(&summary);
	if (wiki_save(c->w, &req, &res, &c->err) < 0) {
		rc = fail(c);
		goto out;
	}
	out_field(res.slug);
	printf("\t%lld\t%s\n", (long long)res.num, res.unchanged ? "unchanged" : "reverted");
out:
	wiki_save_res_clear(&res);
	buf_free(&summary);
	store_rev_clear(&r);
	store_page_clear(&p);
	return rc;
}

static int cmd_blame(struct cli_ctx *c, int argc, char **argv)
{
	const char *rev = NULL;
	struct opt opts[] = { { "rev", 'r', 1, &rev }, { 0 } };
	store_page p = { 0 };
	store_rev *rs = NULL;
	blame_rev *br = NULL;
	blame_result res = { 0 };
	int64_t num = 0, i;
	int n, rc;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if (rev && (rc = parse_num(c, rev, "--rev", 1, &num)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)) || (rc = find_page(c, argv[0], &p)))
		return rc;
	if (!num)
		num = p.head_num;
	if (num > p.head_num) {
		msg("%s has no revision %lld (its head is revision %lld)", p.slug, (long long)num,
		    (long long)p.head_num);
		store_page_clear(&p);
		return ERR_USER;
	}
	rs = calloc((size_t)num, sizeof *rs);
	br = calloc((size_t)num, sizeof *br);
	for (i = 0; i < num && rc == 0; i++) {
		rc = load_rev(c, &p, i + 1, &rs[i]);
		br[i].num = (int)rs[i].num;
		br[i].author = rs[i].author;
		br[i].at_ms = rs[i].at_ms;
		br[i].text = rs[i].body;
		br[i].len = rs[i].body_len;
	}
	if (rc == 0 && blame_compute(br, (size_t)num, &res, &c->err) < 0)
		rc = fail(c);
	for (size_t k = 0; rc == 0 && k < res.nlines; k++) {
		const blame_line *l = &res.lines[k];
		buf when = BUF_INIT;

		buf_put_time(&when, l->at_ms);
		printf("%d\t", l->num);
		out_field(l->author);
		printf("\t%s\t", buf_cstr(&when));
		{
			buf t = BUF_INIT;

			u8_sanitize(&t, rs[num - 1].body + l->off, l->len, 0);
			fputs(buf_cstr(&t), stdout);
			buf_free(&t);
		}
		putchar('\n');
		buf_free(&when);
	}
	blame_result_clear(&res);
	for (i = 0; i < num; i++)
		store_rev_clear(&rs[i]);
	free(rs);
	free(br);
	store_page_clear(&p);
	return rc;
}

/* --- import ------------------------------------------------------------- */

struct import_stats {
	long created, changed, unchanged, skipped, done, total;
};

static int read_file(const char *path, buf *b, err_info *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return err_set(e, ERR_USER, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > WIKI_MAX_PAGE) {
			fclose(f);
			return err_set(e, ERR_USER, "%s is larger than %u MiB", path,
			               WIKI_MAX_PAGE / (1024 * 1024));
		}
		buf_put(b, chunk, n);
	}
	n = ferror(f);
	fclose(f);
	if (n)
		return err_set(e, ERR_USER, "cannot read %s", path);
	return 0;
}

/* Imports one file; a file that is not text is skipped with a warning.
 * Returns 0, or -1 on a database error (c->err set). */
static int import_file(struct cli_ctx *c, const char *path, const export_manifest *mf,
                       struct import_stats *st)
{
	wiki_save_res res = { 0 };
	err_info e = { 0 };
	buf text = BUF_INIT;

	st->done++;
	if (c->err_tty)
		fprintf(stderr, "\rimporting %ld/%ld", st->done, st->total);
	if (read_file(path, &text, &e) < 0 ||
	    export_md_import(c->w, mf, path, buf_cstr(&text), text.len, c->author, &res, &e) < 0) {
		buf_free(&text);
		if (e.code == ERR_DB) {
			c->err = e;
			return -1;
		}
		if (c->err_tty)
			fputc('\n', stderr);
		msg("skipping %s: %s", path, e.msg);
		st->skipped++;
		return 0;
	}
	if (res.created)
		st->created++;
	else if (res.unchanged)
		st->unchanged++;
	else
		st->changed++;
	wiki_save_res_clear(&res);
	buf_free(&text);
	return 0;
}

static int is_md(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 && strcasecmp(d->d_name + n - 3, ".md") == 0;
}

static int cmd_import(struct cli_ctx *c, int argc, char **argv)
{
	struct opt opts[] = { { 0 } };
	struct import_stats st = { 0 };
	struct dirent ***lists;
	export_manifest **mfs;
	int *counts, n, rc = 0, i, j, in_batch = 0;
	struct stat sb;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, -1)))
		return rc;
	lists = calloc((size_t)n + 1, sizeof *lists);
	counts = calloc((size_t)n + 1, sizeof *counts);
	mfs = calloc((size_t)n + 1, sizeof *mfs);
	for (i = 0; i < n; i++) {
		if (stat(argv[i], &sb) < 0) {
			msg("cannot import %s: %s", argv[i], strerror(errno));
			rc = ERR_USER;
			goto out;
		}
		if (!S_ISDIR(sb.st_mode)) {
			counts[i] = -1; /* a single file */
			st.total++;
			continue;
		}
		counts[i] = scandir(argv[i], &lists[i], is_md, alphasort);
		if (counts[i] < 0) {
			msg("cannot read the folder %s: %s", argv[i], strerror(errno));
			rc = ERR_USER;
			goto out;
		}
		/* A folder made by 'export md' gives its titles back exactly. */
		if (export_manifest_load(argv[i], &mfs[i], &c->err) < 0) {
			rc = fail(c);
			goto out;
		}
		if (mfs[i]) {
			int k, kept = 0;

			for (k = 0; k < counts[i]; k++) {
				if (export_md_own_file(lists[i][k]->d_name))
					free(lists[i][k]);
				else
					lists[i][kept++] = lists[i][k];
			}
			counts[i] = kept;
		}
		st.total += counts[i];
	}
	if ((rc = open_wiki(c, OPEN_EMPTY)))
		goto out;
	for (i = 0; i < n && rc == 0; i++) {
		int m = counts[i] < 0 ? 1 : counts[i];

		for (j = 0; j < m && rc == 0; j++) {
			buf path = BUF_INIT;

			/* Batches keep a bulk import fast without holding the write lock
			 * for the whole run. */
			if (!in_batch) {
				if (wiki_batch_begin(c->w, &c->err) < 0) {
					rc = fail(c);
					break;
				}
				in_batch = 1;
			}
			if (counts[i] < 0)
				buf_puts(&path, argv[i]);
			else
				buf_printf(&path, "%s/%s", argv[i], lists[i][j]->d_name);
			if (import_file(c, buf_cstr(&path), counts[i] < 0 ? NULL : mfs[i], &st) <
			    0) {
				wiki_batch_end(c->w, 0, NULL);
				in_batch = 0;
				rc = fail(c);
			} else if (st.done % 500 == 0) {
				in_batch = 0;
				if (wiki_batch_end(c->w, 1, &c->err) < 0)
					rc = fail(c);
			}
			buf_free(&path);
		}
	}
	if (in_batch && wiki_batch_end(c->w, 1, &c->err) < 0)
		rc = fail(c);
	if (c->err_tty && st.total)
		fputc('\n', stderr);
	if (rc == 0)
		msg("imported %ld file%s: %ld new, %ld changed, %ld unchanged, %ld skipped",
		    st.done - st.skipped, st.done - st.skipped == 1 ? "" : "s", st.created,
		    st.changed, st.unchanged, st.skipped);
out:
	for (i = 0; i < n; i++) {
		for (j = 0; j < counts[i]; j++)
			free(lists[i][j]);
		free(lists[i]);
		export_manifest_free(mfs[i]);
	}
	free(lists);
	free(mfs);
	free(counts);
	return rc;
}

/* --- export ------------------------------------------------------------- */

static void export_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rexporting %zu/%zu", done, total);
}

/* Restricted mode: is DIR (existing or not) inside $DOCDAY_EXPORT_DIR?
 * Compared on real paths, so "..", symlinks and "//" cannot lead out. */
static int inside_export_root(const char *dir)
{
	const char *root_env = getenv("DOCDAY_EXPORT_DIR"), *base;
	char root[PATH_MAX], parent[PATH_MAX], *d, *slash;
	size_t n;
	int ok;

	if (!root_env || !*root_env || !realpath(root_env, root))
		return 0;
	d = strdup(dir);
	while ((n = strlen(d)) > 1 && d[n - 1] == '/')
		d[n - 1] = '\0';
	slash = strrchr(d, '/');
	base = slash ? slash + 1 : d;
	if (slash == d)
		ok = realpath("/", parent) != NULL;
	else if (slash) {
		*slash = '\0';
		ok = realpath(d, parent) != NULL;
	} else {
		ok = realpath(".", parent) != NULL;
	}
	n = strlen(root);
	ok = ok && strcmp(base, "..") != 0 && strcmp(base, ".") != 0 && *base &&
	     (strcmp(parent, root) == 0 ||
	      (strncmp(parent, root, n) == 0 && (parent[n] == '/' || n == 1)));
	free(d);
	return ok;
}

static int cmd_export(struct cli_ctx *c, int argc, char **argv)
{
	const char *unsafe = NULL, *revs = NULL, *quiet = NULL;
	struct opt opts[] = { { "unsafe", 0, 0, &unsafe },
		              { "with-revisions", 0, 0, &revs },
		              { "quiet", 'q', 0, &quiet },
		              { 0 } };
	export_opts o = { 0 };
	export_stats st = { 0 };
	int n, rc, html;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 2, 2)))
		return rc;
	html = strcmp(argv[0], "html") == 0;
	if (!html && strcmp(argv[0], "md") != 0)
		return usage_error(c, "export 'html' or 'md', not '%s'", argv[0]);
	if (!html && (unsafe || revs))
		return usage_error(c, "--unsafe and --with-revisions are for 'export html'");
	if (c->restricted && !inside_export_root(argv[1])) {
		msg("in restricted mode docday writes only inside $DOCDAY_EXPORT_DIR%s",
		    getenv("DOCDAY_EXPORT_DIR") ? "" : " (not set here)");
		return ERR_USAGE;
	}
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	o.unsafe = unsafe != NULL;
	o.with_revisions = revs != NULL;
	if (c->err_tty && !quiet)
		o.progress = export_progress;
	rc = (html ? export_html : export_md)(c->w, argv[1], &o, &st, &c->err);
	if (o.progress && st.pages)
		fputc('\n', stderr);
	if (rc < 0)
		return fail(c);
	if (!quiet)
		msg("exported %zu page%s to %s: %zu files (%zu unchanged), %.1f MB, %.2f s",
		    st.pages, st.pages == 1 ? "" : "s", argv[1], st.files, st.kept,
		    (double)st.bytes / 1e6, st.seconds);
	return 0;
}

/* --- show and view ------------------------------------------------------- */

static int term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && atoi(cols) > 0)
		return atoi(cols);
	return 80;
}

/* Prints a layout: ANSI styles when ansi is set.  A slice of lines at a
 * time, so that a big page's output is never all in memory beside its
 * layout (2 MB of text for the bench's 2 MB page). */
static void print_layout(struct cli_ctx *c, const layout_doc *lay, int ansi)
{
	layout_doc part = *lay;
	buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < lay->nlines; i += part.nlines) {
		part.lines = lay->lines + i;
		part.nlines = lay->nlines - i < 2048 ? lay->nlines - i : 2048;
		out.len = 0;
		if (ansi)
			layout_to_ansi(&part, &out, c->color);
		else
			layout_to_text(&part, &out);
		fwrite(out.ptr, 1, out.len, stdout);
	}
	buf_free(&out);
}

/* What render() hands each piece of a text to. */
struct render_ctx {
	struct cli_ctx *c;
	layout_stream *ls;
	int ansi;
};

static int render_piece(void *ctx, const md_doc *piece)
{
	struct render_ctx *r = ctx;
	layout_doc *lay = layout_stream_add(r->ls, piece);

	print_layout(r->c, lay, r->ansi);
	layout_free(lay);
	return 0;
}

/* Lays text[0..len) out and prints it: ANSI styles when colour says so.
 * A big text is parsed, laid out and printed a piece at a time
 * (md_parse_each, layout_stream), so its tree and its lines never take
 * more memory than a piece's.  Takes text (malloc'd) and frees it. */
static int render(struct cli_ctx *c, char *text, size_t len, int width, int ansi)
{
	layout_opts lo = { 0 };
	struct render_ctx r = { c, NULL, ansi };
	int rc;

	lo.width = width;
	lo.ascii = c->ascii;
	lo.split_graphemes = c->split;
	if (c->w) {
		lo.page_exists = wiki_page_exists;
		lo.ctx = c->w;
	}
	r.ls = layout_stream_new(&lo, &c->err);
	if (!r.ls) {
		free(text);
		return fail(c);
	}
	rc = md_parse_each(text, len, MD_FOOTNOTES | MD_ARENA, render_piece, &r, &c->err);
	layout_stream_free(r.ls);
	free(text);
	return rc < 0 ? fail(c) : 0;
}

/* --width and --color shared by show and view; sets *width and *ansi. */
static int render_opts(struct cli_ctx *c, const char *w, const char *color, int *width, int *ansi)
{
	int64_t n = 0;
	int rc;

	*width = term_width();
	if (w) {
		if ((rc = parse_num(c, w, "--width", 1, &n)))
			return rc;
		*width = n > 10000 ? 10000 : (int)n;
	}
	*ansi = c->out_tty && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (color && strcmp(color, "always") == 0)
		*ansi = 1, c->color = !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	else if (color && strcmp(color, "never") == 0)
		*ansi = 0, c->color = 0;
	else if (color && strcmp(color, "auto") != 0)
		return usage_error(c, "--color takes always, never or auto, not '%s'", color);
	return 0;
}

static int cmd_show(struct cli_ctx *c, int argc, char **argv)
{
	const char *w = NULL, *rev = NULL, *color = NULL;
	struct opt opts[] = {
		{ "width", 'w', 1, &w }, { "rev", 'r', 1, &rev }, { "color", 0, 1, &color }, { 0 }
	};
	store_page p = { 0 };
	store_rev r = { 0 };
	int64_t num = 0;
	int n, rc, width, ansi, found;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 0, 1)))
		return rc;
	if ((rc = render_opts(c, w, color, &width, &ansi)))
		return rc;
	if (rev && (rc = parse_num(c, rev, "--rev", 1, &num)))
		return rc;
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	/* One snapshot for the page and for every link's existence check, and
	 * one read lock instead of one per query. */
	if (store_begin_read(wiki_store(c->w), &c->err) < 0)
		return fail(c);
	if ((rc = find_page(c, n ? argv[0] : "home", &p)))
		goto out;
	found = store_rev_get(wiki_store(c->w), p.id, num, &r, &c->err);
	if (found == 1) {
		rc = render(c, r.body, r.body_len, width, ansi);
		r.body = NULL;
	} else if (found == 0) {
		msg("%s has no revision %lld (its head is revision %lld)", p.slug, (long long)num,
		    (long long)p.head_num);
		rc = ERR_USER;
	} else
		rc = fail(c);
out:
	store_rollback(wiki_store(c->w));
	store_rev_clear(&r);
	store_page_clear(&p);
	return rc;
}

static int cmd_view(struct cli_ctx *c, int argc, char **argv)
{
	const char *w = NULL, *color = NULL;
	struct opt opts[] = { { "width", 'w', 1, &w }, { "color", 0, 1, &color }, { 0 } };
	ui_opts uo = { 0 };
	buf text = BUF_INIT;
	int n, rc, width, ansi;

	if ((rc = parse_opts(c, argc, argv, opts, &n)) || (rc = need_args(c, n, 1, 1)))
		return rc;
	if ((rc = render_opts(c, w, color, &width, &ansi)))
		return rc;
	if (strcmp(argv[0], "-") == 0) {
		if ((rc = read_stdin(&text)))
			return rc;
	} else if (read_file(argv[0], &text, &c->err) < 0) {
		return fail(c);
	}
	if (!c->out_tty || w) {
		size_t len = text.len;

		return render(c, buf_detach(&text), len, width, ansi);
	}
	uo.start = argv[0];
	uo.ascii = c->ascii;
	uo.split_graphemes = c->split;
	uo.stdin_text = buf_cstr(&text);
	uo.stdin_len = text.len;
	uo.no_color = !c->color;
	if (ui_run(&uo, &c->err) < 0)
		rc = fail(c);
	buf_free(&text);
	return rc;
}

/* --- help ------------------------------------------------------------------ */

static int cmd_help(struct cli_ctx *c, int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "init", "[--empty]", "create a new wiki database",
	  "Creates the wiki database (see FILES in --help) and fills it with the sample\n"
	  "wiki, or leaves it empty with --empty.  Refuses when the database exists.\n",
	  cmd_init, OPEN_INIT, CMD_WRITES },
	{ "import", "DIR|FILE.md...", "add or update pages from Markdown files",
	  "Every *.md file in each DIR (not recursive), or each FILE.md given, becomes a\n"
	  "page: the slug comes from the file name, the title from the first heading or\n"
	  "else the file name.  A file whose text equals the page's head adds no\n"
	  "revision.  A file that is not UTF-8 text is skipped with a warning.  A new\n"
	  "database created by import is empty (no sample pages).\n",
	  cmd_import, OPEN_EMPTY, CMD_WRITES },
	{ "list", "[--sort slug|title|change]", "list the pages",
	  "One line per page: slug, title, number of revisions, last author, last change.\n",
	  cmd_list, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "cat", "PAGE [--rev N]", "print a page's Markdown text",
	  "Prints the head revision of PAGE (a slug or a title), or revision N.  Into a\n"
	  "pipe the bytes are exact; on a terminal control characters are shown as\n"
	  "visible placeholders.\n",
	  cmd_cat, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "save", "PAGE [--base N] [-m MSG] [--title T] [--conflict-out F] < FILE",
	  "save a new revision",
	  "Reads the text from standard input and saves it as a new revision of PAGE,\n"
	  "creating the page when it does not exist (its title is --title, else the\n"
	  "text's first heading, else PAGE).  --base N says the text was based on\n"
	  "revision N.  When someone saved after N, docday merges three-way (revision\n"
	  "N, their head, your text): a clean merge is saved and reported as merged;\n"
	  "a conflict saves nothing, exits with code 4, and writes the merged text with\n"
	  "conflict markers to standard output or to --conflict-out F.  Resolve the\n"
	  "markers and save again with the --base the message names.  FILE is never\n"
	  "touched.  Without --base the text is saved on top of the current head.\n"
	  "Text identical to the head saves nothing.  Text must be UTF-8 without NUL\n"
	  "bytes, at most 32 MiB.  Prints: slug, revision, and\n"
	  "created|saved|merged|unchanged.\n",
	  cmd_save, OPEN_SAMPLE, CMD_WRITES | CMD_RESTRICTED },
	{ "history", "PAGE", "list the revisions of a page",
	  "One line per revision, newest first: number, time, author, size in bytes,\n"
	  "summary.\n",
	  cmd_history, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "search", "QUERY... [-n N] [--all-revisions]", "full-text search of all pages",
	  "Finds pages whose title or text contains every word of QUERY (words, not\n"
	  "search syntax), best first, titles weighing more than text.  One line per\n"
	  "page: slug, title, and a snippet with the matches marked.  Exit code 1 when\n"
	  "nothing matches.  With --all-revisions (-a), searches the text of every\n"
	  "revision instead (substrings, case-insensitive) and lists, per page, the\n"
	  "revisions that contain every word: text that was deleted is found too.\n",
	  cmd_search, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "diff", "PAGE [A [B]]", "show what changed between two revisions",
	  "A unified diff, like git diff: with no revision, the head against its\n"
	  "parent; with A, revision A against the head; with A and B, A against B.\n"
	  "Coloured on a terminal (+ and - gutters always).\n",
	  cmd_diff, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "revert", "PAGE N", "make revision N's text the page's new head",
	  "Saves a new revision whose text is revision N's, with the summary\n"
	  "\"revert to revision N\".  History is never rewritten.\n",
	  cmd_revert, OPEN_SAMPLE, CMD_WRITES | CMD_RESTRICTED },
	{ "blame", "PAGE [--rev N]", "show who last changed each line",
	  "One line per line of the head (or revision N): the revision that last\n"
	  "changed it, its author and time, and the line.\n",
	  cmd_blame, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "delete", "PAGE [-m WHY]", "delete a page (its history stays)",
	  "Saves a revision that marks the page deleted: it leaves the list, the\n"
	  "search and the backlinks, and links to it show as missing.  Its history\n"
	  "stays (docday history), and restore brings it back.\n",
	  cmd_delete, OPEN_SAMPLE, CMD_WRITES | CMD_RESTRICTED },
	{ "gc", "", "compact the database file",
	  "Like git gc: old revisions that saves left as plain text get their\n"
	  "compact form (a save compacts them only every few revisions), the\n"
	  "search index is merged, and VACUUM gives the free space back to the\n"
	  "file system.  Others may keep reading; writers wait until it is done.\n",
	  cmd_gc, OPEN_SAMPLE, CMD_WRITES },
	{ "rename", "PAGE NEW-TITLE", "rename a page and rewrite the links to it",
	  "Gives the page a new title and the name (slug) of that title, as a new\n"
	  "revision, and in the same transaction rewrites every link to it in the\n"
	  "other pages ([[Title]], [[slug|label]] and relative .md links; labels are\n"
	  "kept, code blocks and code spans are left alone), one revision per page.\n"
	  "The old name stays as an alias: links and commands that use it still\n"
	  "find the page.  Refused when another page (even a deleted one) already\n"
	  "has the new name.  Prints the new name and revision, then each page whose\n"
	  "links were rewritten.\n",
	  cmd_rename, OPEN_SAMPLE, CMD_WRITES | CMD_RESTRICTED },
	{ "restore", "PAGE", "bring a deleted page back",
	  "Saves a revision that marks the page live again, with the text it had.\n", cmd_delete,
	  OPEN_SAMPLE, CMD_WRITES | CMD_RESTRICTED },
	{ "links", "PAGE", "list the pages PAGE links to",
	  "One line per link target: slug and title, or (missing) for a page that does\n"
	  "not exist yet.  Links come from the Markdown parse: [[Title]], [[slug|label]]\n"
	  "and relative links like [x](getting-started) or [x](getting-started.md).\n",
	  cmd_links, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "backlinks", "PAGE", "list the pages that link to PAGE",
	  "One line per linking page: slug and title.\n", cmd_links, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "recent", "[-n N]", "list recent changes",
	  "The newest N revisions across all pages (default 30): time, slug, revision,\n"
	  "author, summary.\n",
	  cmd_recent, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "export", "html|md DIR [--unsafe] [--with-revisions] [--quiet]",
	  "write the wiki as a static site or as Markdown files",
	  "'export html DIR' writes a static web site: index.html, one PAGE.html per\n"
	  "page with its history, recent changes, wanted pages and an offline search.\n"
	  "Raw HTML in pages is left out unless --unsafe; --with-revisions also writes\n"
	  "every old revision and its diff.  'export md DIR' writes one PAGE.md per page\n"
	  "plus _index.md and _docday.tsv, which 'docday import DIR' reads back into the\n"
	  "same pages.  DIR must be new, empty or an earlier export, which is replaced\n"
	  "whole; an export that fails leaves it as it was.  In restricted mode DIR must\n"
	  "be inside $DOCDAY_EXPORT_DIR.\n",
	  cmd_export, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "check", "", "check the database for damage",
	  "Runs SQLite's integrity check and docday's own: every page has a head\n"
	  "revision, revision numbers have no gaps, the search index and the link table\n"
	  "match the pages.  Exit code 3 when a problem is found.\n",
	  cmd_check, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "backup", "FILE", "write a consistent copy of the wiki",
	  "Copies the whole database to FILE while others may be using it.  FILE must\n"
	  "not exist; it is written under a temporary name and renamed when complete.\n",
	  cmd_backup, OPEN_SAMPLE, 0 },
	{ "show", "[PAGE] [--width N] [--rev N] [--color WHEN]",
	  "print a page as the TUI lays it out",
	  "Renders PAGE (default home) as the terminal interface does, wrapped to --width\n"
	  "(default: the terminal's width, else 80).  Styled with ANSI when standard\n"
	  "output is a terminal or with --color=always, plain text into a pipe, with\n"
	  "--color=never or under NO_COLOR (which keeps bold and underline only).\n",
	  cmd_show, OPEN_SAMPLE, CMD_RESTRICTED },
	{ "view", "FILE.md|- [--width N]", "read a Markdown file in the pager, no database",
	  "Opens FILE (or standard input for -) in the same pager as the wiki, without a\n"
	  "database: relative links to other .md files in its folder are followed.\n"
	  "When standard output is not a terminal (or with --width) it prints like show.\n",
	  cmd_view, OPEN_NONE, 0 },
	{ "help", "[COMMAND]", "show help for docday or one command",
	  "Without COMMAND, the same as --help.  'docday help keys' lists the keys of\n"
	  "the terminal interface.\n",
	  cmd_help, OPEN_NONE, CMD_RESTRICTED },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

static const struct cli_command *find_command(const char *name)
{
	const struct cli_command *k;

	for (k = cli_commands; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static void print_usage(FILE *f)
{
	const struct cli_command *k;

	fputs("usage: docday [OPTIONS] [PAGE]\n"
	      "       docday [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "docday is a terminal wiki: Markdown pages, cross-linked, every revision kept\n"
	      "in one SQLite database.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (k = cli_commands; k->name; k++) {
		char left[64];

		snprintf(left, sizeof left, "%s %s", k->name, k->usage);
		if (strlen(left) > 26)
			fprintf(f, "  %s\n  %-26s  %s\n", left, "", k->summary);
		else
			fprintf(f, "  %-26s  %s\n", left, k->summary);
	}
	fputs("\n"
	      "Options:\n"
	      "  --db FILE       the wiki database (default: $DOCDAY_DB, else\n"
	      "                  $XDG_DATA_HOME/docday/wiki.db, else\n"
	      "                  ~/.local/share/docday/wiki.db; created with the sample\n"
	      "                  wiki on first use)\n"
	      "  --user NAME     author name (only for the wiki's owner: ssh forced commands)\n"
	      "  --restricted    no way out: no files, no shell, no other database\n"
	      "  --read-only     browse only\n"
	      "  --ascii         draw rules, bullets, boxes and arrows with ASCII only\n"
	      "                  (the default in ja/zh/ko locales; $DOCDAY_ASCII=0/1)\n"
	      "  --graphemes WHEN\n"
	      "                  emoji sequences as they are (join) or in parts that\n"
	      "                  every terminal draws alike (split); auto, the default\n"
	      "                  (split under --ascii): split in kitty, WezTerm and\n"
	      "                  Ghostty ($DOCDAY_GRAPHEMES)\n"
	      "  -h, --help      show this help\n"
	      "  -V, --version   show the version\n"
	      "\n"
	      "PAGE is a page's slug (getting-started) or its title (\"Getting Started\").\n"
	      "Exit codes: 0 ok, 1 user error, 2 usage, 3 database problem, 4 conflict.\n"
	      "Environment: DOCDAY_DB, DOCDAY_RESTRICTED, DOCDAY_ASCII, DOCDAY_GRAPHEMES,\n"
	      "XDG_DATA_HOME, HOME, NO_COLOR; TERM, TERM_PROGRAM and KITTY_WINDOW_ID\n"
	      "(for --graphemes auto).\n"
	      "See 'docday help COMMAND', 'docday help keys' and docday(1).\n",
	      f);
}

static int cmd_help(struct cli_ctx *c, int argc, char **argv)
{
	const struct cli_command *k;

	if (argc == 0) {
		print_usage(stdout);
		return 0;
	}
	if (argc > 1)
		return usage_error(c, "too many arguments");
	if (strcmp(argv[0], "keys") == 0) {
		buf b = BUF_INIT;

		ui_keys_text(&b);
		fputs("Keys of the terminal interface (also: h or F1 inside docday):\n\n", stdout);
		fputs(buf_cstr(&b), stdout);
		buf_free(&b);
		return 0;
	}
	k = find_command(argv[0]);
	if (!k) {
		msg("no command '%s' (see 'docday --help')", argv[0]);
		return ERR_USAGE;
	}
	printf("usage: docday %s %s\n\n%s\n\n%s", k->name, k->usage, k->summary, k->help);
	return 0;
}

/* --- main ------------------------------------------------------------------ */

/* `docday [PAGE]`: the TUI on a terminal, else the page like show. */
static int run_tui(struct cli_ctx *c, int argc, char **argv)
{
	ui_opts uo = { 0 };
	int rc;

	if (!c->out_tty || !isatty(STDIN_FILENO)) {
		char *args[1] = { argc ? argv[0] : "home" };

		return cmd_show(c, 1, args);
	}
	if ((rc = open_wiki(c, OPEN_SAMPLE)))
		return rc;
	uo.w = c->w;
	uo.author = c->author;
	uo.restricted = c->restricted;
	uo.read_only = c->read_only;
	uo.ascii = c->ascii;
	uo.split_graphemes = c->split;
	uo.start = argc ? argv[0] : "home";
	uo.label = c->db_path;
	uo.no_color = !c->color;
	if (ui_run(&uo, &c->err) < 0)
		return fail(c);
	return 0;
}

/* --user NAME is honoured only for the wiki's owner: the shared account of
 * a forced command in authorized_keys (which owns the database), or root.
 * Anyone else is who the system says they are. */
static int take_user(struct cli_ctx *c, const char *name)
{
	struct stat st;
	size_t n = strlen(name);

	if (!n || n > 64 || !u8_valid(name, n, NULL) || strpbrk(name, " \t\r\n/")) {
		msg("--user needs a short name without spaces or slashes");
		return ERR_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
			msg("--user needs a name without control characters");
			return ERR_USAGE;
		}
	if (geteuid() != 0 && !(stat(c->db_path, &st) == 0 && st.st_uid == geteuid()) &&
	    !(stat(c->db_path, &st) < 0 && errno == ENOENT)) {
		msg("--user is only honoured for the wiki's owner (a forced command in "
		    "authorized_keys, see docs/sharing.md); you are %s",
		    c->author);
		return ERR_USAGE;
	}
	free(c->author);
	c->author = strdup(name);
	return 0;
}

/* Restricted mode over ssh: the client's command (SSH_ORIGINAL_COMMAND)
 * becomes the arguments after the operator's global options: argv[0..i)
 * stay, the client's words follow (a leading "docday" dropped).  Returns
 * the new argv (caller frees it and *mem). */
static char **ssh_argv(char **argv, int i, const char *cmd, int *argc, char **mem)
{
	char *out, **v;
	const char *p = cmd;
	int n = i;

	/* Words as a shell would split them for simple use: whitespace
	 * separates, '...' and "..." group (no expansions, no escapes but \"
	 * inside double quotes). */
	*mem = out = calloc(strlen(cmd) + 1, 2);
	v = calloc((size_t)i + strlen(cmd) / 2 + 2, sizeof *v);
	if (!out || !v)
		abort();
	memcpy(v, argv, (size_t)i * sizeof *v);
	for (;;) {
		char *word = out;
		int any = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t') {
			char q = *p;

			if (q == '\'' || q == '"') {
				for (p++; *p && *p != q; p++) {
					if (q == '"' && *p == '\\' && p[1] == '"')
						p++;
					*out++ = *p;
				}
				if (*p)
					p++;
			} else {
				*out++ = *p++;
			}
			any = 1;
		}
		*out++ = '\0';
		if (any && (n > i || strcmp(word, "docday") != 0))
			v[n++] = word;
	}
	*argc = n;
	return v;
}

/* ASCII decorations by default where East Asian Ambiguous characters (box
 * drawing, bullets, check boxes, arrows) are usually two columns wide: in a
 * Chinese, Japanese or Korean locale.  $DOCDAY_ASCII=1 or 0 decides. */
static int want_ascii(void)
{
	const char *v = getenv("DOCDAY_ASCII"), *loc;

	if (v && *v)
		return strcmp(v, "0") != 0;
	loc = getenv("LC_ALL");
	if (!loc || !*loc)
		loc = getenv("LC_CTYPE");
	if (!loc || !*loc)
		loc = getenv("LANG");
	return loc && (strncmp(loc, "ja", 2) == 0 || strncmp(loc, "zh", 2) == 0 ||
	               strncmp(loc, "ko", 2) == 0);
}

int cli_split_graphemes(const char *when, const char *term, const char *term_program,
                        const char *kitty_window_id)
{
	if (when && strcmp(when, "split") == 0)
		return 1;
	if (when && strcmp(when, "join") == 0)
		return 0;
	if (when && strcmp(when, "auto") != 0)
		return -1;
	/* kitty (measured, docs/architecture.md) draws a skin-tone modifier in
	 * no column and widens a symbol followed by U+FE0F; WezTerm and
	 * Ghostty say they cluster graphemes. */
	if ((term &&
	     (strncmp(term, "xterm-kitty", 11) == 0 || strcmp(term, "xterm-ghostty") == 0)) ||
	    (kitty_window_id && *kitty_window_id))
		return 1;
	return term_program &&
	       (strcmp(term_program, "WezTerm") == 0 || strcmp(term_program, "ghostty") == 0);
}

/* --graphemes, else $DOCDAY_GRAPHEMES, else split under --ascii, else what
 * the terminal is known to do.  -1 after a usage error. */
static int want_split(struct cli_ctx *c, const char *opt)
{
	const char *when = opt ? opt : getenv("DOCDAY_GRAPHEMES");
	int split;

	if (when && !*when)
		when = NULL;
	if (!when && c->ascii)
		return 1;
	split = cli_split_graphemes(when, getenv("TERM"), getenv("TERM_PROGRAM"),
	                            getenv("KITTY_WINDOW_ID"));
	if (split < 0)
		usage_error(c, "%s must be auto, split or join, not '%s'",
		            opt ? "--graphemes" : "DOCDAY_GRAPHEMES", when);
	return split;
}

int cli_main(int argc, char **argv)
{
	struct cli_ctx c;
	const char *db = NULL, *help = NULL, *version = NULL, *user = NULL, *restricted = NULL,
	           *ro = NULL, *ascii = NULL, *graphemes = NULL,
	           *env_r = getenv("DOCDAY_RESTRICTED"), *ssh_cmd = getenv("SSH_ORIGINAL_COMMAND");
	struct opt gopts[] = { { "db", 0, 1, &db },
		               { "user", 0, 1, &user },
		               { "restricted", 0, 0, &restricted },
		               { "read-only", 0, 0, &ro },
		               { "ascii", 0, 0, &ascii },
		               { "graphemes", 0, 1, &graphemes },
		               { "help", 'h', 0, &help },
		               { "version", 'V', 0, &version },
		               { 0 } };
	const struct cli_command *k = NULL;
	char **ssh_args = NULL, *ssh_mem = NULL;
	int i, rc, n;
	const char *nc = getenv("NO_COLOR");

	memset(&c, 0, sizeof c);
	c.out_tty = isatty(STDOUT_FILENO);
	c.err_tty = isatty(STDERR_FILENO);
	c.color = c.out_tty && !(nc && *nc);
	/* Global options come before the command; the command's own after it. */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			break;
		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--user") == 0 ||
		    strcmp(argv[i], "--graphemes") == 0)
			i++;
	}
	if (i > argc)
		i = argc;
	rc = parse_opts(&c, i - 1, argv + 1, gopts, &n);
	if (rc)
		return rc;
	if (n > 0)
		return usage_error(&c, "unexpected argument '%s'", argv[1]);
	if (help) {
		print_usage(stdout);
		return 0;
	}
	if (version) {
		printf("docday %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (db && !*db)
		return usage_error(&c, "--db needs a file name");
	c.restricted = restricted || (env_r && *env_r && strcmp(env_r, "0") != 0);
	c.read_only = ro != NULL;
	c.ascii = ascii != NULL || want_ascii();
	if ((c.split = want_split(&c, graphemes)) < 0)
		return ERR_USAGE;
	if (c.restricted && ssh_cmd && *ssh_cmd) {
		/* The operator's forced command runs; the client only picks a
		 * subcommand from the allow-list, never a global option. */
		argv = ssh_args = ssh_argv(argv, i, ssh_cmd, &argc, &ssh_mem);
		if (i < argc && argv[i][0] == '-') {
			msg("'%s' is not allowed here: ask for a docday command such as 'list'",
			    argv[i]);
			rc = ERR_USAGE;
			goto out_words;
		}
	}
	if (i < argc)
		k = find_command(argv[i]);
	if (k)
		c.cmd = k->name;
	/* A single word that is no command names a page for the TUI. */
	if (c.restricted && i < argc && (k ? !(k->flags & CMD_RESTRICTED) : argc - i > 1)) {
		msg("'%s' is not allowed in restricted mode", argv[i]);
		rc = ERR_USAGE;
		goto out_words;
	}
	if (c.read_only && k && (k->flags & CMD_WRITES)) {
		msg("'%s' changes the wiki, and this session is read-only", k->name);
		rc = ERR_USAGE;
		goto out_words;
	}
	if ((rc = pick_db(&c, db)))
		goto out_words;
	c.author = login_name();
	if (user && (rc = take_user(&c, user)))
		goto out;
	if (!k && i < argc && argc - i > 1) {
		rc = usage_error(&c, "no command '%s'", argv[i]);
	} else if (k) {
		rc = k->run(&c, argc - i - 1, argv + i + 1);
	} else {
		rc = run_tui(&c, argc - i, argv + i);
	}
out:
	wiki_close(c.w);
	free(c.db_path);
	free(c.author);
	/* ferror too: a big fwrite goes past stdio's buffer, and its failure
	 * leaves nothing for fflush to fail on */
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
		msg("cannot write the output: %s", strerror(errno));
		rc = ERR_USER;
	}
out_words:
	free(ssh_args);
	free(ssh_mem);
	return rc;
}
