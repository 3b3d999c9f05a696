/* export: the static HTML site and the Markdown folder (see export.h).
 *
 * Besides markdown.c this is the only file that includes cmark-gfm's
 * headers: a page's HTML is cmark-gfm's own renderer run over the parse
 * tree that md_parse made (md_cmark_root), after docday has changed the
 * tree in place.  One walk collects the headings, links and images and the
 * page's plain text (for search); then
 *   - every heading gets a CUSTOM_INLINE first child that renders as its
 *     anchor, <a class="anchor" id="SLUG" href="#SLUG">, with the
 *     terminal's rule for the id (u8_slug of the plain text, repeats
 *     numbered -1, -2 in document order); a leading level-1 heading that
 *     says the title is taken out and becomes the page's <h1>;
 *   - a link to an existing page gets the URL "FILE.html" (+ "#anchor"),
 *     and cmark escapes it as it escapes every href;
 *   - a link to a missing page, and a link or image whose URL has a
 *     javascript:, vbscript:, data: or file: scheme, is replaced by a
 *     CUSTOM_INLINE <span> that adopts the node's children, so the text
 *     stays and nothing is clickable.
 * CUSTOM_INLINE's on_enter/on_exit are the only raw HTML docday puts into
 * a tree, always built from escaped text.  Raw HTML in pages stays off
 * (cmark's default safe mode) unless opts->unsafe.  Every file passes
 * through put_html(), which replaces C0 controls other than TAB, LF and CR,
 * DEL, C1 controls and noncharacters, whatever produced them.
 *
 * The export reads one snapshot (a read transaction), loads the page list
 * and every link once (backlinks for all pages from one query), and asks
 * the store per page only indexed questions (head body, history), so the
 * work grows with the size of the wiki, not with its square. */
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "buf.h"
#include "diff.h"
#include "markdown.h"
#include "store.h"
#include "u8.h"

/* Slugs longer than this are shortened (with a hash) for file names. */
#define MAX_STEM 200
/* Per page, at most this much plain text is indexed for search... */
#define SEARCH_TEXT_MAX (256u * 1024)
/* ... giving at most this many bytes of distinct words ... */
#define SEARCH_WORDS_MAX (8u * 1024)
/* ... and an excerpt of about this many bytes. */
#define EXCERPT_MAX 220
/* Entries on recent.html. */
#define RECENT_MAX 200

static const char *const extension_names[] = { "table", "strikethrough", "autolink", "tasklist" };

/* Names that pages' files must not take (a page "index" becomes
 * "_index.html"; a slug never starts with '_'). */
static const char *const reserved_stems[] = { "index", "recent", "wanted", "search" };

/* --- small helpers ------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* A fast hash for the in-memory maps (eight bytes at a time); file names
 * use fnv1a, which must never change. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, x;

	while (n >= 8) {
		memcpy(&x, s, 8);
		h = (h ^ x) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	x = 0;
	memcpy(&x, s, n);
	h = (h ^ x) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* Appends s[0..n) HTML-escaped: safe in text and in quoted attributes. */
static void esc_n(buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

static void esc(buf *b, const char *s)
{
	if (s)
		esc_n(b, s, strlen(s));
}

/* Appends a URL docday made itself (file names and anchors from slugs):
 * bytes other than ASCII letters, digits and -._~# are percent-encoded, so
 * the result needs no further escaping. */
static void href(buf *b, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '#')
			buf_putc(b, c);
		else
			buf_printf(b, "%%%c%c", hexd[c >> 4], hexd[c & 15]);
	}
}

/* Appends s as a JSON string.  Besides what JSON requires, '<', '>' and
 * '&' and U+2028/2029 are escaped, so the text is inert wherever the
 * index is loaded. */
static void json_str(buf *b, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			buf_printf(b, "\\u%04x", 0x2000 + ((unsigned char)s[i + 2] - 0x80));
			i += 2;
		} else {
			buf_putc(b, c);
		}
	}
	buf_putc(b, '"');
}

/* <time datetime="UTC">the local time as strftime's fmt</time>, in the TZ
 * of the process. */
static void put_time_as(buf *b, int64_t ms, const char *fmt)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char iso[32] = "", loc[64] = "";

	if (gmtime_r(&t, &tm))
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (localtime_r(&t, &tm))
		strftime(loc, sizeof loc, fmt, &tm);
	buf_printf(b, "<time datetime=\"%s\">", iso);
	esc(b, loc);
	buf_puts(b, "</time>");
}

/* The date and time, with the zone. */
static void put_time(buf *b, int64_t ms)
{
	put_time_as(b, ms, "%Y-%m-%d %H:%M %Z");
}

/* The time of day only (under a date heading). */
static void put_clock(buf *b, int64_t ms)
{
	put_time_as(b, ms, "%H:%M");
}

/* The local date of ms as YYYY-MM-DD (for grouping recent changes). */
static void day_of(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	out[0] = '\0';
	if (localtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
}

/* --- a string-keyed hash map (keys not owned) ------------------------------ */

typedef struct smap_ent {
	const char *key; /* free when NULL or of an older generation */
	size_t len;
	int val;
	unsigned gen;
} smap_ent;

typedef struct smap {
	smap_ent *v;
	size_t cap, n;
	unsigned gen; /* smap_reset starts a new one instead of clearing */
} smap;

static smap_ent *smap_slot(const smap *m, smap_ent *v, size_t cap, const char *key, size_t len)
{
	size_t i = (size_t)hash_bytes(key, len) & (cap - 1);

	while (v[i].key && v[i].gen == m->gen &&
	       !(v[i].len == len && memcmp(v[i].key, key, len) == 0))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

/* The entry for key, created (val 0) when create is set; NULL when absent
 * and not created.  *made (when not NULL) tells whether it was created. */
static smap_ent *smap_find(smap *m, const char *key, size_t len, int create, int *made)
{
	smap_ent *e;
	size_t i;

	if (made)
		*made = 0;
	if (!m->cap) {
		if (!create)
			return NULL;
		m->cap = 64;
		m->v = xcalloc(m->cap, sizeof *m->v);
	}
	e = smap_slot(m, m->v, m->cap, key, len);
	if (e->key && e->gen == m->gen)
		return e;
	if (!create)
		return NULL;
	if ((m->n + 1) * 2 > m->cap) {
		smap_ent *old = m->v;
		size_t oldcap = m->cap;

		m->cap *= 2;
		m->v = xcalloc(m->cap, sizeof *m->v);
		for (i = 0; i < oldcap; i++)
			if (old[i].key && old[i].gen == m->gen)
				*smap_slot(m, m->v, m->cap, old[i].key, old[i].len) = old[i];
		free(old);
		e = smap_slot(m, m->v, m->cap, key, len);
	}
	e->key = key;
	e->len = len;
	e->val = 0;
	e->gen = m->gen;
	m->n++;
	if (made)
		*made = 1;
	return e;
}

static smap_ent *smap_get(smap *m, const char *key, size_t len, int create)
{
	return smap_find(m, key, len, create, NULL);
}

/* Empties the map in O(1): entries of older generations count as free. */
static void smap_reset(smap *m)
{
	m->n = 0;
	if (++m->gen == 0 && m->v) { /* wrapped: clear for real */
		memset(m->v, 0, m->cap * sizeof *m->v);
		m->gen = 1;
	}
}

static void smap_free(smap *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* The distinct words of one page for the search index (see put_words). */
typedef struct word_ent {
	uint32_t off, len, hash, gen; /* free unless gen is the set's */
} word_ent;

typedef struct wordset {
	word_ent *v;
	size_t cap, n;
	uint32_t gen;
	const buf *b; /* the index being built */
	size_t base;  /* where this page's words start in it */
} wordset;

/* --- file names ------------------------------------------------------------ */

/* The stem of a page's file names: its slug; "_" + slug for the names of
 * the site's own pages; a shortened slug plus a hash when it is too long
 * for a file name; "_" + a hash when the stored slug is not a slug at all
 * (a damaged database must not name files outside the folder). */
static char *file_stem(const char *slug, size_t max, int reserve)
{
	buf b = BUF_INIT;
	size_t i, n = strlen(slug), cut;

	if (!n || !u8_is_slug(slug)) {
		buf_printf(&b, "_%016llx", (unsigned long long)fnv1a(slug, n));
		return buf_detach(&b);
	}
	for (i = 0; reserve && i < sizeof reserved_stems / sizeof *reserved_stems; i++)
		if (strcmp(slug, reserved_stems[i]) == 0) {
			buf_printf(&b, "_%s", slug);
			return buf_detach(&b);
		}
	if (n <= max)
		return xstrdup(slug);
	cut = max - 17;
	while (cut > 0 && ((unsigned char)slug[cut] & 0xc0) == 0x80)
		cut--;
	while (cut > 0 && slug[cut - 1] == '-')
		cut--;
	buf_put(&b, slug, cut);
	buf_printf(&b, "-%016llx", (unsigned long long)fnv1a(slug, n));
	return buf_detach(&b);
}

/* 1 when name can be a file directly inside the output folder. */
static int safe_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* --- control characters ---------------------------------------------------- */

/* 1 when s[0..n) is valid UTF-8 without C0 controls other than TAB, LF,
 * CR, without DEL, C1 controls and U+FFFE/FFFF.  One pass, ASCII first:
 * every byte of the site goes through here. */
static int clean_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		/* Eight bytes at a time while none is < 0x20 or >= 0x7f. */
		while (i + 8 <= n) {
			uint64_t x;

			memcpy(&x, p + i, 8);
			if (((x - 0x2020202020202020ull) | (x + 0x0101010101010101ull) | x) &
			    0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			if (p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
				return 0;
			i++;
			continue;
		}
		len = u8_decode(s + i, n - i, &cp);
		if ((cp == 0xfffd && len == 1) || cp <= 0x9f || cp == 0xfffe || cp == 0xffff)
			return 0;
		i += len;
	}
	return 1;
}

/* Appends s[0..n) with what clean_text refuses replaced: C0 controls and
 * DEL by their Control Pictures glyph (ESC shows as U+241B), C1 controls,
 * noncharacters, NUL and invalid bytes by U+FFFD. */
static void clean_into(buf *b, const char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = u8_decode(s + i, n - i, &cp);
		if (cp == 0 || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff ||
		    (cp == 0xfffd && len == 1)) /* a byte that is not UTF-8 */
			u8_encode(b, 0xfffd);
		else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
			u8_encode(b, 0x2400 + cp);
		else if (cp == 0x7f)
			u8_encode(b, 0x2421);
		else
			buf_put(b, s + i, len);
		i += len;
	}
}

/* --- the output folder ----------------------------------------------------- */

enum { DIR_ABSENT, DIR_EMPTY, DIR_EXPORT };

/* Files waiting for the writer thread: at most this many, and at most this
 * many bytes unless the queue is empty (one file may be bigger). */
#define QUEUE_FILES 256
#define QUEUE_BYTES ((size_t)32 << 20)
/* The writer is woken when this many files or bytes wait, not for each
 * file: thousands of wake-ups cost more system time than they save. */
#define WAKE_FILES 32
#define WAKE_BYTES ((size_t)1 << 20)
/* The buffer an earlier export's file is read into, piecewise, to compare
 * it with the new one. */
#define CMP_BYTES ((size_t)64 << 10)

/* A file on its way to the disk; the queue owns name and data. */
typedef struct qfile {
	char *name;
	char *data;
	size_t len;
} qfile;

typedef struct outdir {
	char *dir; /* the target, absolute, symbolic links resolved */
	char *tmp; /* DIR.tmp-XXXXXX beside it */
	int fd;    /* tmp, open */
	int kind;
	/* The earlier export being replaced (kind DIR_EXPORT), open, else -1:
	 * a new file whose bytes equal its file of the same name becomes a
	 * hard link to that file instead of a new one (same_as_old). */
	int old_fd;
	mode_t mode;  /* what a new file's mode is (0666 less the umask) */
	char *cmp;    /* CMP_BYTES for comparing, the writer's own */
	size_t files; /* files put, of which ... */
	size_t kept;  /* ... this many linked from the earlier export */
	unsigned long long bytes;
	/* The writer thread (writer_main), when it could be started.  Making
	 * and filling thousands of files is mostly the kernel's work; on its
	 * own thread it overlaps the rendering of the next pages. */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;  /* files were queued, the queue closed or is full */
	pthread_cond_t room;  /* the queue has room, or the writer failed */
	qfile q[QUEUE_FILES]; /* a ring: qn files from qhead on ... */
	size_t qhead, qn;
	size_t qdone;  /* ... of which the first qdone are written */
	size_t qbytes; /* the bytes of the files not yet written */
	int closed;    /* no more files will come */
	int full;      /* the main thread waits for room */
	int cancel;    /* drop what is queued: the export has failed */
	int failed;    /* the writer could not write a file; werr says why */
	err_info werr;
} outdir;

/* Removes the tree at parent/name, never following symbolic links.  Only
 * used on folders this module made (its temporary folder, or an export it
 * has just replaced). */
static void rm_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	struct stat sb;

	if (fd < 0) {
		unlinkat(parent, name, 0);
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(fd, de->d_name);
		else
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* What dir is: absent, an empty folder, or an earlier export.  Refuses
 * anything else. */
static int dir_kind(const char *dir, int *kind, err_info *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), marker = 0, other = 0;
	DIR *d;
	struct dirent *de;
	struct stat sb;

	if (fd < 0)
		return err_set(e, ERR_USER, "cannot open the folder %s: %s", dir, strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_set(e, ERR_USER, "cannot read the folder %s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, EXPORT_MARKER) == 0 &&
		    fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
			marker = 1;
		else
			other = 1;
	}
	closedir(d);
	if (marker) {
		*kind = DIR_EXPORT;
		return 0;
	}
	if (other)
		return err_set(e, ERR_USER,
		               "%s is not empty and is not a docday export (it has no %s): "
		               "choose a new or empty folder; nothing was changed",
		               dir, EXPORT_MARKER);
	*kind = DIR_EMPTY;
	return 0;
}

/* Resolves dir into o->dir and finds its kind. */
static int resolve_dir(outdir *o, const char *dir, err_info *e)
{
	char *copy, *slash, *parent, *base, *real;
	struct stat sb;
	size_t n = strlen(dir);
	buf b = BUF_INIT;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!n)
		return err_set(e, ERR_USER, "no folder given to export to");
	copy = strndup(dir, n);
	if (!copy)
		abort();
	if (stat(copy, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			err_set(e, ERR_USER, "%s exists and is not a folder; nothing was changed",
			        copy);
			free(copy);
			return -1;
		}
		real = realpath(copy, NULL);
		if (!real || strcmp(real, "/") == 0) {
			err_set(e, ERR_USER, "cannot export to %s", copy);
			free(real);
			free(copy);
			return -1;
		}
		o->dir = real;
		free(copy);
		return dir_kind(o->dir, &o->kind, e);
	}
	if (errno != ENOENT) {
		err_set(e, ERR_USER, "cannot use %s: %s", copy, strerror(errno));
		free(copy);
		return -1;
	}
	slash = strrchr(copy, '/');
	parent = slash ? (slash == copy ? "/" : copy) : ".";
	base = slash ? slash + 1 : copy;
	if (slash && slash != copy)
		*slash = '\0';
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		err_set(e, ERR_USER, "cannot export to %s", dir);
		free(copy);
		return -1;
	}
	real = realpath(parent, NULL);
	if (!real) {
		err_set(e, ERR_USER, "cannot export to %s: the folder %s: %s", dir, parent,
		        strerror(errno));
		free(copy);
		return -1;
	}
	buf_puts(&b, real);
	if (strcmp(real, "/") != 0)
		buf_putc(&b, '/');
	buf_puts(&b, base);
	free(real);
	free(copy);
	o->dir = buf_detach(&b);
	o->kind = DIR_ABSENT;
	return 0;
}

static int put_raw(outdir *o, const char *name, const char *data, size_t len, err_info *e);
static void writer_start(outdir *o);
static int writer_stop(outdir *o, int cancel, err_info *e);

/* Prepares the temporary folder beside dir, writes the marker and starts
 * the writer thread. */
static int outdir_open(outdir *o, const char *dir, const char *what, err_info *e)
{
	struct stat sb;
	mode_t mask;
	buf b = BUF_INIT;

	memset(o, 0, sizeof *o);
	o->fd = o->old_fd = -1;
	if (resolve_dir(o, dir, e) < 0)
		return -1;
	mask = umask(022);
	umask(mask);
	o->mode = 0666 & ~mask;
	if (o->kind == DIR_EXPORT) {
		o->cmp = malloc(CMP_BYTES);
		if (o->cmp)
			o->old_fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	buf_printf(&b, "%s.tmp-XXXXXX", o->dir);
	o->tmp = buf_detach(&b);
	if (!mkdtemp(o->tmp)) {
		err_set(e, ERR_USER, "cannot create a folder beside %s: %s", o->dir,
		        strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkdtemp makes 0700; a site is for a web server to read. */
	if (o->kind != DIR_ABSENT && stat(o->dir, &sb) == 0)
		chmod(o->tmp, sb.st_mode & 07777);
	else
		chmod(o->tmp, 0777 & ~mask);
	o->fd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->fd < 0) {
		err_set(e, ERR_USER, "cannot open %s: %s", o->tmp, strerror(errno));
		return -1;
	}
	buf_printf(&b,
	           "This folder is a docday %s export; docday replaces it whole on the "
	           "next export.\n",
	           what);
	if (put_raw(o, EXPORT_MARKER, b.ptr, b.len, e) < 0) {
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	writer_start(o);
	return 0;
}

/* Closes the earlier export, once no file will be compared with it. */
static void outdir_forget_old(outdir *o)
{
	if (o->old_fd >= 0)
		close(o->old_fd);
	o->old_fd = -1;
	free(o->cmp);
	o->cmp = NULL;
}

/* Removes the temporary folder; the target is untouched. */
static void outdir_abort(outdir *o)
{
	writer_stop(o, 1, NULL);
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	outdir_forget_old(o);
	if (o->tmp)
		rm_tree(AT_FDCWD, o->tmp);
	free(o->tmp);
	free(o->dir);
	o->tmp = o->dir = NULL;
}

/* The new site takes the target's place, once every file is written and
 * on the disk: in one step where the file system can swap two names, else
 * by renaming the old site aside first (and back, should the second rename
 * fail).  The old site is removed after the swap.  One syncfs() of the
 * file system stands for an fsync() of every file: a crash then leaves the
 * old site or the new one, whole (docs/architecture.md, "Publishing"). */
static int outdir_commit(outdir *o, err_info *e)
{
	char *old;
	buf b = BUF_INIT;

	if (writer_stop(o, 0, e) < 0)
		return -1;
	outdir_forget_old(o);
	if (syncfs(o->fd) < 0)
		return err_set(e, ERR_USER, "cannot write the export in %s to the disk: %s", o->tmp,
		               strerror(errno));
	close(o->fd);
	o->fd = -1;
	if (o->kind != DIR_EXPORT) {
		/* rename(2) replaces an empty folder, and fails on a non-empty one:
		 * nothing that appeared meanwhile is lost. */
		if (rename(o->tmp, o->dir) < 0)
			return err_set(e, ERR_USER, "cannot move the export into %s: %s", o->dir,
			               strerror(errno));
		goto done;
	}
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dir, RENAME_EXCHANGE) == 0) {
		rm_tree(AT_FDCWD, o->tmp); /* now the old site */
		goto done;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return err_set(e, ERR_USER, "cannot replace %s: %s", o->dir, strerror(errno));
	buf_printf(&b, "%s.old-XXXXXX", o->dir);
	old = buf_detach(&b);
	if (!mkdtemp(old) || rename(o->dir, old) < 0) {
		err_set(e, ERR_USER, "cannot move the old export %s aside: %s", o->dir,
		        strerror(errno));
		rmdir(old);
		free(old);
		return -1;
	}
	if (rename(o->tmp, o->dir) < 0) {
		err_set(e, ERR_USER, "cannot move the export into %s: %s", o->dir, strerror(errno));
		rename(old, o->dir);
		free(old);
		return -1;
	}
	rm_tree(AT_FDCWD, old);
	free(old);
done:
	free(o->tmp);
	o->tmp = NULL;
	free(o->dir);
	o->dir = NULL;
	return 0;
}

/* Whether the earlier export has a file name that is exactly what a new
 * file name with data[0..len) would be: the same bytes, a plain file with
 * no other name, ours, with the mode a new file gets.  Reads it in pieces
 * into o->cmp; any failure answers no. */
static int same_as_old(const outdir *o, const char *name, const char *data, size_t len)
{
	struct stat sb;
	size_t at = 0, want;
	ssize_t r;
	int fd = openat(o->old_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1 ||
	    sb.st_uid != geteuid() || (sb.st_mode & 07777) != o->mode ||
	    (unsigned long long)sb.st_size != (unsigned long long)len) {
		close(fd);
		return 0;
	}
	while (at < len) {
		want = len - at < CMP_BYTES ? len - at : CMP_BYTES;
		r = read(fd, o->cmp, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || memcmp(o->cmp, data + at, (size_t)r) != 0)
			break;
		at += (size_t)r;
	}
	close(fd);
	return at == len;
}

/* Creates the file name in the temporary folder with data[0..len), or,
 * when the export being replaced has that very file, links it: a
 * repeated export of an unchanged page makes no new file, and removing
 * the old site then frees nothing (docs/architecture.md, "Publishing"). */
static int write_now(outdir *o, const char *name, const char *data, size_t len, err_info *e)
{
	int fd;
	ssize_t w;
	size_t done = 0;

	if (o->old_fd >= 0 && same_as_old(o, name, data, len) &&
	    linkat(o->old_fd, name, o->fd, name, 0) == 0) {
		o->kept++;
		return 0;
	}
	fd = openat(o->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return err_set(e, ERR_USER, "cannot create %s/%s: %s", o->tmp, name,
		               strerror(errno));
	while (done < len) {
		w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(e, ERR_USER, "cannot write %s/%s: %s", o->tmp, name,
			        w < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (close(fd) < 0)
		return err_set(e, ERR_USER, "cannot write %s/%s: %s", o->tmp, name,
		               strerror(errno));
	return 0;
}

/* The writer thread: writes the queued files in order until the queue is
 * closed and every file is written.  After the first failure it only marks
 * them done; put_owned and writer_stop report the failure.  It never
 * allocates or frees memory: the main thread frees what was written (a
 * free() from here would contend with the main thread's malloc() for the
 * allocator's lock). */
static void *writer_main(void *arg)
{
	outdir *o = arg;
	qfile f[WAKE_FILES];
	err_info e;
	size_t n, k, bytes;
	int rc, skip;

	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (!o->closed && !o->full &&
		       (o->qdone == o->qn ||
		        (o->qn - o->qdone < WAKE_FILES && o->qbytes < WAKE_BYTES)))
			pthread_cond_wait(&o->more, &o->mu);
		if (o->qdone == o->qn) {
			if (o->closed)
				break;
			o->full = 0; /* nothing left to write: room enough */
			pthread_cond_signal(&o->room);
			continue;
		}
		/* a batch at a time: the lock is taken once per batch */
		n = o->qn - o->qdone < WAKE_FILES ? o->qn - o->qdone : WAKE_FILES;
		for (k = 0; k < n; k++)
			f[k] = o->q[(o->qhead + o->qdone + k) % QUEUE_FILES];
		skip = o->failed || o->cancel;
		pthread_mutex_unlock(&o->mu);
		rc = 0;
		bytes = 0;
		for (k = 0; k < n; k++) {
			if (!skip && rc == 0) {
				err_clear(&e);
				rc = write_now(o, f[k].name, f[k].data, f[k].len, &e);
			}
			bytes += f[k].len;
		}
		pthread_mutex_lock(&o->mu);
		o->qdone += n;
		o->qbytes -= bytes;
		if (rc < 0 && !o->failed) {
			o->failed = 1;
			o->werr = e;
			pthread_cond_broadcast(&o->room);
		}
		if (o->full && o->qn - o->qdone <= QUEUE_FILES / 2 &&
		    o->qbytes <= QUEUE_BYTES / 2) {
			o->full = 0;
			pthread_cond_signal(&o->room);
		}
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

/* Takes the written files off the queue into done[] (the caller frees
 * them, outside the lock); the lock is held. */
static size_t writer_reclaim(outdir *o, qfile *done)
{
	size_t k, n = o->qdone;

	for (k = 0; k < n; k++)
		done[k] = o->q[(o->qhead + k) % QUEUE_FILES];
	o->qhead = (o->qhead + n) % QUEUE_FILES;
	o->qn -= n;
	o->qdone = 0;
	return n;
}

static void free_files(qfile *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		free(v[k].name);
		free(v[k].data);
	}
}

/* Starts the writer thread, with every signal blocked (signals are the
 * main thread's business).  When it cannot start, files are written at
 * once instead. */
static void writer_start(outdir *o)
{
	sigset_t all, old;

	if (pthread_mutex_init(&o->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&o->more, NULL) != 0) {
		pthread_mutex_destroy(&o->mu);
		return;
	}
	if (pthread_cond_init(&o->room, NULL) != 0) {
		pthread_cond_destroy(&o->more);
		pthread_mutex_destroy(&o->mu);
		return;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	o->threaded = pthread_create(&o->thread, NULL, writer_main, o) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!o->threaded) {
		pthread_cond_destroy(&o->room);
		pthread_cond_destroy(&o->more);
		pthread_mutex_destroy(&o->mu);
	}
}

/* Closes the queue and waits for the writer thread to write what is
 * queued (with cancel: to drop it) and end.  Returns -1 with e set when a
 * file could not be written. */
static int writer_stop(outdir *o, int cancel, err_info *e)
{
	if (!o->threaded)
		return 0;
	pthread_mutex_lock(&o->mu);
	o->closed = 1;
	o->cancel |= cancel;
	pthread_cond_signal(&o->more);
	pthread_mutex_unlock(&o->mu);
	pthread_join(o->thread, NULL);
	o->threaded = 0;
	while (o->qn) {
		qfile *f = &o->q[o->qhead];

		free(f->name);
		free(f->data);
		o->qhead = (o->qhead + 1) % QUEUE_FILES;
		o->qn--;
	}
	pthread_cond_destroy(&o->room);
	pthread_cond_destroy(&o->more);
	pthread_mutex_destroy(&o->mu);
	if (!o->failed)
		return 0;
	if (e)
		*e = o->werr;
	return -1;
}

/* Writes the file name with data[0..len), taking name and data (both
 * malloc'd): queued for the writer thread when there is one, else written
 * at once.  A queued file that cannot be written fails a later call, or
 * outdir_commit. */
static int put_owned(outdir *o, char *name, char *data, size_t len, err_info *e)
{
	qfile done[QUEUE_FILES];
	size_t ndone = 0;
	int rc = 0;

	if (!safe_name(name)) {
		rc = err_set(e, ERR_USER, "internal error: refusing the file name '%s'", name);
	} else if (!o->threaded) {
		rc = write_now(o, name, data, len, e);
	} else {
		pthread_mutex_lock(&o->mu);
		for (;;) {
			ndone += writer_reclaim(o, done + ndone);
			if (o->failed ||
			    !(o->qn == QUEUE_FILES || (o->qn && o->qbytes + len > QUEUE_BYTES)))
				break;
			o->full = 1; /* the writer works on until there is room */
			pthread_cond_signal(&o->more);
			pthread_cond_wait(&o->room, &o->mu);
		}
		if (o->failed) {
			if (e)
				*e = o->werr;
			rc = -1;
		} else {
			qfile *f = &o->q[(o->qhead + o->qn) % QUEUE_FILES];

			f->name = name;
			f->data = data;
			f->len = len;
			o->qn++;
			o->qbytes += len;
			name = data = NULL;
			if (o->qn - o->qdone >= WAKE_FILES || o->qbytes >= WAKE_BYTES)
				pthread_cond_signal(&o->more);
		}
		pthread_mutex_unlock(&o->mu);
		free_files(done, ndone);
	}
	free(name);
	free(data);
	if (rc == 0) {
		o->files++;
		o->bytes += len;
	}
	return rc;
}

/* Writes a file of data[0..len) as it is (the marker, the Markdown
 * folder). */
static int put_raw(outdir *o, const char *name, const char *data, size_t len, err_info *e)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, data, len);
	return put_owned(o, xstrdup(name), copy, len, e);
}

/* Writes a file of the HTML site from b, taking b's memory (b is left
 * empty): the one place every byte of the site passes, so no control
 * character reaches a file whatever made it. */
static int put_html(outdir *o, const char *name, buf *b, err_info *e)
{
	buf clean = BUF_INIT;
	size_t len;

	if (!clean_text(buf_cstr(b), b->len)) {
		clean_into(&clean, buf_cstr(b), b->len);
		buf_free(b);
		*b = clean;
	}
	len = b->len;
	return put_owned(o, xstrdup(name), buf_detach(b), len, e);
}

/* put_html of a copy of data[0..len) (the style sheet, the script). */
static int put_file(outdir *o, const char *name, const char *data, size_t len, err_info *e)
{
	buf b = BUF_INIT;

	buf_put(&b, data, len);
	return put_html(o, name, &b, e);
}

/* --- the site's state ---------------------------------------------------- */

typedef struct wanted {
	char *slug;  /* the missing page */
	size_t from; /* index of the page that links to it */
} wanted;

typedef struct link_ref {
	cmark_node *node;
	int in_image; /* inside an image's description: not a page link */
} link_ref;

typedef struct heading {
	cmark_node *node;
	int level;
	char *text;   /* trimmed plain text */
	char *anchor; /* "" when the heading has no letter or digit */
} heading;

typedef struct site {
	store *st;
	export_opts o;
	outdir out;
	store_page_list pages; /* by title */
	smap by_slug;          /* slug -> index into pages */
	char **stems;          /* per page */
	size_t *bl_off;        /* page i's backlinks: bl_src[bl_off[i] .. bl_off[i+1]) */
	size_t *bl_src;        /* indexes of linking pages, in title order */
	int home;              /* index of the page "home", or -1 */
	cmark_llist *exts;
	wanted *want;
	size_t nwant, capwant;
	buf search; /* search-index.js being built */
	buf nav;    /* the header of every page (make_nav) */
	/* per page, reused */
	cmark_mem *mem; /* the page's tree's allocator (md_cmark_mem) */
	heading *heads;
	size_t nheads, capheads;
	link_ref *links;
	cmark_node **images;
	size_t nlinks, caplinks, nimages, capimages;
	smap anchors, missing;
	wordset words;
	buf plain;
} site;

static const store_page *page_at(const site *s, size_t i)
{
	return &s->pages.v[i];
}

/* The index of the page with this slug, or -1. */
static long find_page(site *s, const char *slug)
{
	smap_ent *e = smap_get(&s->by_slug, slug, strlen(slug), 0);

	return e ? e->val : -1;
}

static void make_nav(site *s);

#define PUSH(v, n, cap)                                                                            \
	(((n) == (cap) ? ((cap) = (cap) ? (cap)*2 : 16, (v) = realloc((v), (cap) * sizeof *(v)),   \
	                  (v) ? 0 : (abort(), 0))                                                  \
	               : 0),                                                                       \
	 &(v)[(n)++])

static int load_pages(site *s, err_info *e)
{
	size_t i;
	long h;

	if (store_page_list_all(s->st, STORE_BY_TITLE, &s->pages, e) < 0)
		return -1;
	if (s->pages.n > INT_MAX)
		return err_set(e, ERR_USER, "too many pages to export");
	s->stems = xcalloc(s->pages.n, sizeof *s->stems);
	for (i = 0; i < s->pages.n; i++) {
		const char *slug = s->pages.v[i].slug;

		smap_get(&s->by_slug, slug, strlen(slug), 1)->val = (int)i;
		s->stems[i] = file_stem(slug, MAX_STEM, 1);
	}
	h = find_page(s, "home");
	s->home = (int)h;
	make_nav(s);
	return 0;
}

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Every page's backlinks, from one query over the link table. */
static int load_backlinks(site *s, err_info *e)
{
	store_link_list l = { 0 };
	size_t n = s->pages.n, k, i, *fill;
	long *src, *dst;

	if (store_links_all(s->st, &l, e) < 0)
		return -1;
	s->bl_off = xcalloc(n + 1, sizeof *s->bl_off);
	src = xcalloc(l.n, sizeof *src);
	dst = xcalloc(l.n, sizeof *dst);
	for (k = 0; k < l.n; k++) {
		src[k] = find_page(s, l.v[k].slug);
		dst[k] = find_page(s, l.v[k].title);
		if (src[k] >= 0 && dst[k] >= 0 && src[k] != dst[k])
			s->bl_off[dst[k] + 1]++;
	}
	for (i = 0; i < n; i++)
		s->bl_off[i + 1] += s->bl_off[i];
	s->bl_src = xcalloc(s->bl_off[n], sizeof *s->bl_src);
	fill = xcalloc(n + 1, sizeof *fill);
	for (k = 0; k < l.n; k++)
		if (src[k] >= 0 && dst[k] >= 0 && src[k] != dst[k])
			s->bl_src[s->bl_off[dst[k]] + fill[dst[k]]++] = (size_t)src[k];
	/* The page list is in title order, so are the indexes. */
	for (i = 0; i < n; i++)
		qsort(s->bl_src + s->bl_off[i], s->bl_off[i + 1] - s->bl_off[i], sizeof *s->bl_src,
		      by_index);
	free(fill);
	free(src);
	free(dst);
	store_link_list_free(&l);
	return 0;
}

static void site_free(site *s)
{
	size_t i;

	for (i = 0; s->stems && i < s->pages.n; i++)
		free(s->stems[i]);
	free(s->stems);
	free(s->bl_off);
	free(s->bl_src);
	smap_free(&s->by_slug);
	store_page_list_free(&s->pages);
	for (i = 0; i < s->nwant; i++)
		free(s->want[i].slug);
	free(s->want);
	buf_free(&s->search);
	buf_free(&s->nav);
	free(s->heads);
	free(s->links);
	free(s->images);
	smap_free(&s->anchors);
	free(s->words.v);
	smap_free(&s->missing);
	buf_free(&s->plain);
	if (s->exts)
		cmark_llist_free(cmark_get_default_mem_allocator(), s->exts);
}

/* --- the page template ----------------------------------------------------- */

/* The site's header, the same on every page: made once (page_open). */
static void make_nav(site *s)
{
	buf *b = &s->nav;

	buf_puts(b, ">\n<header class=\"site\">\n<nav aria-label=\"Site\">\n");
	if (s->home >= 0) {
		buf_puts(b, "<a class=\"brand\" href=\"");
		href(b, s->stems[s->home]);
		buf_puts(b, ".html\">");
		esc(b, page_at(s, (size_t)s->home)->title);
		buf_puts(b, "</a>\n");
	} else {
		buf_puts(b, "<a class=\"brand\" href=\"index.html\">Wiki</a>\n");
	}
	buf_puts(b, "<a href=\"index.html\">All pages</a>\n"
	            "<a href=\"recent.html\">Recent changes</a>\n"
	            "<a href=\"wanted.html\">Wanted</a>\n"
	            "<form class=\"search\" action=\"search.html\" role=\"search\">"
	            "<input type=\"search\" name=\"q\" placeholder=\"Search\" "
	            "aria-label=\"Search the wiki\"></form>\n"
	            "</nav>\n</header>\n<main>\n");
}

static void page_open(const site *s, buf *b, const char *title, const char *body_class)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<meta name=\"generator\" content=\"docday\">\n<title>");
	esc(b, title);
	buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body");
	if (body_class) {
		buf_puts(b, " class=\"");
		buf_puts(b, body_class);
		buf_putc(b, '"');
	}
	buf_put(b, s->nav.ptr, s->nav.len);
}

static void page_close(buf *b)
{
	buf_puts(b, "</main>\n<footer class=\"site\">\n<p><a href=\"index.html\">All pages</a> "
	            "&middot; <a href=\"recent.html\">Recent changes</a> &middot; "
	            "<a href=\"wanted.html\">Wanted pages</a> &middot; a static copy made by "
	            "docday</p>\n</footer>\n</body>\n</html>\n");
}

/* A link to page i. */
static void page_link(const site *s, buf *b, size_t i)
{
	buf_puts(b, "<a href=\"");
	href(b, s->stems[i]);
	buf_puts(b, ".html\">");
	esc(b, page_at(s, i)->title);
	buf_puts(b, "</a>");
}

static void missing_span(buf *b, const char *text)
{
	buf_puts(b, "<span class=\"missing\" title=\"page does not exist yet\">");
	esc(b, text);
	buf_puts(b, "</span>");
}

/* --- rendering one body ------------------------------------------------------ */

/* 1 for a URL a browser would run or read as content rather than visit:
 * javascript:, vbscript:, data:, file:, however written (case, leading
 * blanks and controls, tabs and newlines inside, which browsers drop). */
static int dangerous_url(const char *url)
{
	static const char *const schemes[] = { "javascript:", "vbscript:", "data:", "file:" };
	char head[16];
	size_t n = 0, i;
	unsigned char c;

	for (; *url && n < sizeof head - 1; url++) {
		c = (unsigned char)*url;
		if (c <= 0x20 && (n == 0 || c == '\t' || c == '\n' || c == '\r'))
			continue;
		head[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (c == ':')
			break;
	}
	head[n] = '\0';
	for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (strncmp(head, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* Replaces n by a CUSTOM_INLINE rendering open ... close around n's
 * children, and frees n.  Where the parent refuses a CUSTOM_INLINE (the
 * table extension's cells do), n's children take n's place instead: the
 * text stays, the link goes.  Should the parent refuse one of them too, it
 * stays in n, which is kept with an empty URL.  Either way no node that
 * render_body still holds (an image inside a link) is freed. */
static void replace_by_span(site *s, cmark_node *n, const char *open, const char *close)
{
	cmark_node *span = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, s->mem), *c;

	cmark_node_set_on_enter(span, open);
	cmark_node_set_on_exit(span, close);
	if (cmark_node_replace(n, span)) {
		while ((c = cmark_node_first_child(n))) {
			if (!cmark_node_append_child(span, c)) {
				cmark_node_unlink(c);
				cmark_node_free(c);
			}
		}
		cmark_node_free(n);
		return;
	}
	cmark_node_free(span);
	while ((c = cmark_node_first_child(n)))
		if (!cmark_node_insert_before(n, c))
			break;
	if (c) {
		cmark_node_set_url(n, "");
		return;
	}
	cmark_node_free(n);
}

/* GitHub's anchors, as the terminal makes them (layout.c): the slug, then
 * slug-1, slug-2 ... for repeats, in document order.  The result stays
 * owned by the heading; the map points into it. */
static char *unique_anchor(site *s, const char *plain)
{
	char *base = u8_slug(plain);
	const char *b0 = base ? base : "";
	buf b = BUF_INIT;
	smap_ent *ent;
	char *out;

	buf_puts(&b, b0);
	while (smap_get(&s->anchors, buf_cstr(&b), b.len, 0)) {
		ent = smap_get(&s->anchors, b0, strlen(b0), 0);
		if (!ent) /* cannot happen: the first probe was the base */
			break;
		ent->val++;
		buf_truncate(&b, 0);
		buf_printf(&b, "%s-%d", b0, ent->val);
	}
	out = buf_detach(&b);
	smap_get(&s->anchors, out, strlen(out), 1);
	free(base);
	return out;
}

static char *trim_dup(const char *s)
{
	size_t n = strlen(s);

	while (*s == ' ' || *s == '\t' || *s == '\n') {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	{
		char *d = strndup(s, n);

		if (!d)
			abort();
		return d;
	}
}

static void plain_add(site *s, const char *t)
{
	size_t n = strlen(t);

	if (s->plain.len >= SEARCH_TEXT_MAX)
		return;
	if (n > SEARCH_TEXT_MAX - s->plain.len)
		n = SEARCH_TEXT_MAX - s->plain.len;
	buf_put(&s->plain, t, n);
}

static void plain_space(site *s)
{
	if (s->plain.len && s->plain.ptr[s->plain.len - 1] != ' ' && s->plain.len < SEARCH_TEXT_MAX)
		buf_putc(&s->plain, ' ');
}

#define IS_BLOCK(t) (((t)&CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)

/* One walk over the tree: headings, links and images, and the plain text
 * a reader sees (for search). */
static void collect(site *s, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *n;
	cmark_node_type t;
	heading *h;
	link_ref *l;
	int in_image = 0;

	s->nheads = s->nlinks = s->nimages = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (t == CMARK_NODE_IMAGE)
				in_image--;
			if (IS_BLOCK(t))
				plain_space(s);
			continue;
		}
		switch (t) {
		case CMARK_NODE_HEADING:
			h = PUSH(s->heads, s->nheads, s->capheads);
			memset(h, 0, sizeof *h);
			h->node = n;
			h->level = cmark_node_get_heading_level(n);
			break;
		case CMARK_NODE_LINK:
			l = PUSH(s->links, s->nlinks, s->caplinks);
			l->node = n;
			l->in_image = in_image > 0;
			break;
		case CMARK_NODE_IMAGE:
			in_image++;
			*PUSH(s->images, s->nimages, s->capimages) = n;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			plain_add(s, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");
			if (t == CMARK_NODE_CODE_BLOCK)
				plain_space(s);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK: plain_space(s); break;
		default:
			if (IS_BLOCK(t) && !cmark_node_first_child(n))
				plain_space(s);
			break;
		}
	}
	cmark_iter_free(it);
}

/* Gives every heading its anchor and its text; returns the index of the
 * heading that states the page title (taken out of the tree), or -1. */
static long prepare_headings(site *s, cmark_node *root, const char *title)
{
	size_t i;
	long title_head = -1;
	heading *h;
	char *plain;
	buf a = BUF_INIT;

	smap_reset(&s->anchors);
	for (i = 0; i < s->nheads; i++) {
		h = &s->heads[i];
		plain = md_plain_text((md_node *)h->node);
		h->anchor = unique_anchor(s, plain);
		h->text = trim_dup(plain);
		free(plain);
		if (i == 0 && title && h->level == 1 && h->node == cmark_node_first_child(root) &&
		    strcmp(h->text, title) == 0) {
			title_head = 0;
			continue;
		}
		if (!*h->anchor)
			continue;
		buf_truncate(&a, 0);
		buf_puts(&a, "<a class=\"anchor\" id=\"");
		esc(&a, h->anchor);
		buf_puts(&a, "\" href=\"#");
		href(&a, h->anchor);
		buf_puts(&a, "\" aria-label=\"Link to this section\">#</a>");
		{
			cmark_node *c = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, s->mem);

			cmark_node_set_on_enter(c, buf_cstr(&a));
			if (!cmark_node_prepend_child(h->node, c))
				cmark_node_free(c);
		}
	}
	buf_free(&a);
	return title_head;
}

static void free_headings(site *s)
{
	size_t i;

	for (i = 0; i < s->nheads; i++) {
		free(s->heads[i].text);
		free(s->heads[i].anchor);
	}
	s->nheads = 0;
}

/* Notes that page `from` links to the missing page `slug`, once per page
 * (s->missing holds what this page has named so far). */
static void add_wanted(site *s, const char *slug, size_t from)
{
	wanted *w;

	if (smap_get(&s->missing, slug, strlen(slug), 0))
		return;
	w = PUSH(s->want, s->nwant, s->capwant);
	w->slug = xstrdup(slug);
	w->from = from;
	smap_get(&s->missing, w->slug, strlen(w->slug), 1);
}

/* Rewrites one link (see the file's comment).  from >= 0: the page being
 * exported, whose missing links are wanted. */
static void rewrite_link(site *s, cmark_node *n, long from)
{
	const char *url = cmark_node_get_url(n);
	md_target t;
	long p;
	buf u = BUF_INIT;
	char *frag;

	if (!url)
		url = "";
	if (dangerous_url(url)) {
		replace_by_span(s, n,
		                "<span class=\"blocked\" title=\"link removed: unsafe address\">",
		                "</span>");
		return;
	}
	if (md_classify(url, &t) < 0) {
		replace_by_span(s, n, "<span class=\"missing\" title=\"page does not exist yet\">",
		                "</span>");
		return;
	}
	frag = t.fragment ? u8_slug(t.fragment) : NULL;
	if (t.kind == MD_TARGET_PAGE) {
		p = find_page(s, t.slug);
		if (p < 0) {
			if (from >= 0)
				add_wanted(s, t.slug, (size_t)from);
			replace_by_span(
			        s, n, "<span class=\"missing\" title=\"page does not exist yet\">",
			        "</span>");
		} else {
			buf_printf(&u, "%s.html", s->stems[p]);
			if (frag)
				buf_printf(&u, "#%s", frag);
			cmark_node_set_url(n, buf_cstr(&u));
		}
	} else if (t.kind == MD_TARGET_FRAGMENT && frag) {
		buf_printf(&u, "#%s", frag);
		cmark_node_set_url(n, buf_cstr(&u));
	}
	buf_free(&u);
	free(frag);
	md_target_clear(&t);
}

typedef struct rendered {
	buf html;     /* the body */
	long title_h; /* index in s->heads of the title heading, or -1 */
} rendered;

/* Renders a body into r->html; headings stay in s->heads until
 * free_headings.  from: see rewrite_link.  Returns 0 or -1. */
static int render_body(site *s, const char *body, size_t len, const char *title, long from,
                       rendered *r, err_info *e)
{
	md_doc *doc;
	cmark_node *root, *title_node = NULL;
	size_t i;
	char *html;

	if (!body)
		body = "", len = 0;
	/* (md_parse turns footnotes on only when the text has "[^") */
	doc = md_parse(body, len, MD_ARENA | MD_FOOTNOTES, e);
	if (!doc)
		return -1;
	root = md_cmark_root(doc);
	s->mem = md_cmark_mem(doc);
	buf_truncate(&s->plain, 0);
	smap_reset(&s->missing);
	collect(s, root);
	r->title_h = prepare_headings(s, root, title);
	if (r->title_h >= 0) {
		title_node = s->heads[r->title_h].node;
		cmark_node_unlink(title_node);
	}
	for (i = 0; i < s->nlinks; i++)
		rewrite_link(s, s->links[i].node, s->links[i].in_image ? -1 : from);
	for (i = 0; i < s->nimages; i++) {
		const char *url = cmark_node_get_url(s->images[i]);

		if (dangerous_url(url ? url : ""))
			replace_by_span(
			        s, s->images[i],
			        "<span class=\"blocked\" title=\"image removed: unsafe address\">",
			        "</span>");
	}
	/* Table alignment as style attributes: HTML5 has no align attribute.
	 * The HTML is the caller's, so malloc'd, not the tree's. */
	html = cmark_render_html_with_mem(
	        root,
	        CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES |
	                (s->o.unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT),
	        s->exts, cmark_get_default_mem_allocator());
	i = strlen(html);
	buf_grow(&r->html, i);
	buf_put(&r->html, html, i);
	free(html);
	if (title_node)
		cmark_node_free(title_node);
	md_free(doc);
	return 0;
}

/* --- one page ---------------------------------------------------------------- */

/* A table of contents for 3 or more headings (not counting the title),
 * nested by level. */
static void put_toc(const site *s, buf *b, long title_h)
{
	size_t i, n = 0;
	int min = 7, cur = 0, lvl, li_open = 0;

	for (i = 0; i < s->nheads; i++) {
		if ((long)i == title_h)
			continue;
		n++;
		if (s->heads[i].level < min)
			min = s->heads[i].level;
	}
	if (n < 3)
		return;
	buf_puts(b,
	         "<nav class=\"toc\" aria-labelledby=\"_toc\">\n<h2 id=\"_toc\">Contents</h2>\n");
	for (i = 0; i < s->nheads; i++) {
		const heading *h = &s->heads[i];

		if ((long)i == title_h)
			continue;
		lvl = h->level - min + 1;
		while (cur < lvl) {
			if (cur > 0 && !li_open)
				buf_puts(b, "<li>");
			buf_puts(b, "<ul>\n");
			cur++;
			li_open = 0;
		}
		while (cur > lvl) {
			if (li_open)
				buf_puts(b, "</li>\n");
			buf_puts(b, "</ul>");
			cur--;
			li_open = 1;
		}
		if (li_open)
			buf_puts(b, "</li>\n");
		buf_puts(b, "<li>");
		if (*h->anchor) {
			buf_puts(b, "<a href=\"#");
			href(b, h->anchor);
			buf_puts(b, "\">");
			esc(b, h->text);
			buf_puts(b, "</a>");
		} else {
			esc(b, h->text);
		}
		li_open = 1;
	}
	while (cur > 0) {
		if (li_open)
			buf_puts(b, "</li>\n");
		buf_puts(b, "</ul>");
		cur--;
		li_open = 1;
	}
	buf_puts(b, "\n</nav>\n");
}

static void put_h1(const site *s, buf *b, const char *title, long title_h)
{
	buf_puts(b, "<h1");
	if (title_h >= 0 && *s->heads[title_h].anchor) {
		buf_puts(b, " id=\"");
		esc(b, s->heads[title_h].anchor);
		buf_puts(b, "\"");
	}
	buf_puts(b, ">");
	esc(b, title);
	buf_puts(b, "</h1>\n");
}

static void put_backlinks(const site *s, buf *b, size_t i)
{
	size_t k;

	if (s->bl_off[i] == s->bl_off[i + 1])
		return;
	buf_puts(b, "<section class=\"backlinks\" aria-labelledby=\"_backlinks\">\n"
	            "<h2 id=\"_backlinks\">Pages that link here</h2>\n<ul>\n");
	for (k = s->bl_off[i]; k < s->bl_off[i + 1]; k++) {
		buf_puts(b, "<li>");
		page_link(s, b, s->bl_src[k]);
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul>\n</section>\n");
}

/* ASCII letters and digits: the bytes that make words without u8_slug. */
static const unsigned char ascii_word[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1
};

#define SEARCH_HEAD                                                                                \
	"/* docday search index: one entry per page (s slug, f file, t title,\n"                   \
	" * x excerpt, w distinct words).  A script, not JSON, so that it loads\n"                 \
	" * from file:// too. */\nwindow.DOCDAY_INDEX = [\n"

/* The search entry of page i from the plain text in s->plain. */
/* The opening of a page's plain text after its title, cut at a space near
 * EXCERPT_MAX bytes, as a JSON string. */
static void put_excerpt(buf *b, const char *plain, size_t n, const char *title)
{
	size_t tl = strlen(title), cut;
	buf x = BUF_INIT;

	if (n > tl && strncmp(plain, title, tl) == 0 && plain[tl] == ' ') {
		plain += tl + 1;
		n -= tl + 1;
	}
	cut = n;
	if (n > EXCERPT_MAX) {
		cut = EXCERPT_MAX;
		while (cut > EXCERPT_MAX / 2 && plain[cut] != ' ')
			cut--;
		while (cut > 0 && ((unsigned char)plain[cut] & 0xc0) == 0x80)
			cut--;
	}
	buf_put(&x, plain, cut);
	while (x.len && x.ptr[x.len - 1] == ' ')
		buf_truncate(&x, x.len - 1);
	if (cut < n)
		buf_puts(&x, "\xe2\x80\xa6");
	json_str(b, x.ptr ? x.ptr : "", x.len);
	buf_free(&x);
}

/* --- the distinct words of a page ------------------------------------------
 *
 * A page's words are written straight into the index and taken back when
 * the page had them already: the set holds their places in the index
 * (offsets from where the page's words start), not copies. */

/* Starts a page's words at the end of b; forgets the last page's. */
static void ws_start(wordset *ws, const buf *b)
{
	ws->b = b;
	ws->base = b->len;
	ws->n = 0;
	if (++ws->gen == 0 && ws->v) { /* wrapped: clear for real */
		memset(ws->v, 0, ws->cap * sizeof *ws->v);
		ws->gen = 1;
	}
}

static word_ent *ws_slot(const wordset *ws, word_ent *v, size_t cap, size_t off, size_t len,
                         uint32_t h)
{
	const char *text = ws->b->ptr + ws->base, *w = text + off, *x;
	size_t i = h & (cap - 1), k;

	for (; v[i].gen == ws->gen; i = (i + 1) & (cap - 1)) {
		if (v[i].hash != h || v[i].len != len)
			continue;
		x = text + v[i].off;
		for (k = 0; k < len && x[k] == w[k]; k++)
			;
		if (k == len)
			break;
	}
	return &v[i];
}

/* 1 when the len bytes at off (hashed to h) are a word new to the page
 * (now remembered), 0 when the page had it already. */
static int ws_add(wordset *ws, size_t off, size_t len, uint32_t h)
{
	word_ent *e;
	size_t i;

	if ((ws->n + 1) * 2 > ws->cap) {
		word_ent *old = ws->v;
		size_t oldcap = ws->cap;

		ws->cap = ws->cap ? ws->cap * 2 : 1024;
		ws->v = xcalloc(ws->cap, sizeof *ws->v);
		for (i = 0; i < oldcap; i++)
			if (old[i].gen == ws->gen)
				*ws_slot(ws, ws->v, ws->cap, old[i].off, old[i].len, old[i].hash) =
				        old[i];
		free(old);
	}
	e = ws_slot(ws, ws->v, ws->cap, off, len, h);
	if (e->gen == ws->gen)
		return 0;
	e->off = (uint32_t)off;
	e->len = (uint32_t)len;
	e->hash = h;
	e->gen = ws->gen;
	ws->n++;
	return 1;
}

/* Appends the word w[0..n) (lower-cased when lower) to the page's words in
 * b, unless the page had it already.  Returns -1 when the word is new but
 * would take the page's words over SEARCH_WORDS_MAX bytes (each word
 * counted with a separator): the page's words end there.  Called for every
 * word of every page, so it copies, lower-cases and hashes (FNV-1a) in one
 * pass. */
static int put_word(wordset *ws, buf *b, const char *w, size_t n, int lower)
{
	size_t at = b->len, used = at - ws->base, k;
	uint32_t h = 2166136261u;
	unsigned char c;
	char *d;

	if (b->cap < at + n + 2)
		buf_grow(b, n + 1);
	d = b->ptr + at;
	if (used) {
		*d++ = ' ';
		used++;
	}
	for (k = 0; k < n; k++) {
		c = (unsigned char)w[k];
		if (lower && c >= 'A' && c <= 'Z')
			c += 32;
		d[k] = (char)c;
		h = (h ^ c) * 16777619u;
	}
	b->len = (size_t)(d - b->ptr) + n;
	b->ptr[b->len] = '\0';
	if (!ws_add(ws, (size_t)(d - b->ptr) - ws->base, n, h)) {
		buf_truncate(b, at);
		return 0;
	}
	if (used + n + 1 > SEARCH_WORDS_MAX) {
		buf_truncate(b, at);
		return -1;
	}
	return 0;
}

/* The distinct words of s->plain, lower-case, in order of first use, at
 * most SEARCH_WORDS_MAX bytes, separated by spaces (inside a JSON string:
 * words are letters and digits only).  The words are u8_slug's, without
 * its per-character cost on ASCII: a run of ASCII letters and digits is a
 * word as it stands, and only runs holding non-ASCII characters go
 * through u8_slug. */
static void put_words(site *s, buf *b)
{
	const char *t = buf_cstr(&s->plain), *end = t + s->plain.len, *start, *w, *dash;
	char *chunk, *sl;
	int ascii, rc = 0;

	ws_start(&s->words, b);
	while (t < end && rc == 0) {
		if ((unsigned char)*t < 0x80 && !ascii_word[(unsigned char)*t]) {
			t++;
			continue;
		}
		start = t;
		ascii = 1;
		for (; t < end; t++) {
			unsigned char c = (unsigned char)*t;

			if (c >= 0x80)
				ascii = 0;
			else if (!ascii_word[c])
				break;
		}
		if (ascii) {
			rc = put_word(&s->words, b, start, (size_t)(t - start), 1);
			continue;
		}
		chunk = strndup(start, (size_t)(t - start));
		if (!chunk)
			abort();
		sl = u8_slug(chunk);
		for (w = sl; w && *w && rc == 0; w = *dash ? dash + 1 : dash) {
			dash = strchr(w, '-');
			if (!dash)
				dash = w + strlen(w);
			rc = put_word(&s->words, b, w, (size_t)(dash - w), 0);
		}
		free(sl);
		free(chunk);
	}
}

/* Appends page i's entry to the search index, from the plain text in
 * s->plain. */
static void add_search_entry(site *s, size_t i)
{
	const store_page *p = page_at(s, i);
	buf *b = &s->search, file = BUF_INIT;

	buf_puts(b, b->len ? ",\n" : SEARCH_HEAD);
	buf_puts(b, "{\"s\":");
	json_str(b, p->slug, strlen(p->slug));
	buf_printf(&file, "%s.html", s->stems[i]);
	buf_puts(b, ",\"f\":");
	json_str(b, file.ptr, file.len);
	buf_puts(b, ",\"t\":");
	json_str(b, p->title, strlen(p->title));
	buf_puts(b, ",\"x\":");
	put_excerpt(b, buf_cstr(&s->plain), s->plain.len, p->title);
	buf_puts(b, ",\"w\":\"");
	put_words(s, b);
	buf_puts(b, "\"}");
	buf_free(&file);
}

static void byline(const site *s, buf *b, size_t i)
{
	const store_page *p = page_at(s, i);

	buf_puts(b, "<p class=\"byline\">Last edited by <span class=\"author\">");
	esc(b, p->last_author);
	buf_puts(b, "</span>, ");
	put_time(b, p->last_at_ms);
	buf_printf(b, " &middot; revision %lld &middot; <a href=\"", (long long)p->head_num);
	href(b, s->stems[i]);
	buf_puts(b, ".history.html\">History</a></p>\n");
}

static int export_revisions(site *s, size_t i, const store_rev_list *hist, err_info *e);

/* Writes SLUG.html and SLUG.history.html (and the revisions) of page i. */
static int export_page(site *s, size_t i, err_info *e)
{
	const store_page *p = page_at(s, i);
	store_rev head = { 0 };
	store_rev_list hist = { 0 };
	rendered r = { BUF_INIT, -1 };
	buf b = BUF_INIT, name = BUF_INIT;
	int rc = -1;

	if (store_rev_get(s->st, p->id, 0, &head, e) != 1) {
		if (e && !e->code)
			err_set(e, ERR_DB, "page %s has no head revision (run 'docday check')",
			        p->slug);
		goto out;
	}
	if (render_body(s, head.body, head.body_len, p->title, (long)i, &r, e) < 0)
		goto out;
	buf_grow(&b, r.html.len + 4096);
	page_open(s, &b, p->title, "page");
	buf_puts(&b, "<article>\n");
	put_h1(s, &b, p->title, r.title_h);
	byline(s, &b, i);
	put_toc(s, &b, r.title_h);
	buf_put(&b, r.html.ptr ? r.html.ptr : "", r.html.len);
	buf_puts(&b, "</article>\n");
	put_backlinks(s, &b, i);
	page_close(&b);
	add_search_entry(s, i);
	free_headings(s);
	buf_printf(&name, "%s.html", s->stems[i]);
	if (put_html(&s->out, name.ptr, &b, e) < 0)
		goto out;
	if (store_rev_history(s->st, p->id, &hist, e) < 0)
		goto out;
	if (export_revisions(s, i, &hist, e) < 0)
		goto out;
	rc = 0;
out:
	free_headings(s);
	store_rev_list_free(&hist);
	store_rev_clear(&head);
	buf_free(&r.html);
	buf_free(&b);
	buf_free(&name);
	return rc;
}

/* --- history, revisions and diffs ------------------------------------------ */

static void rev_name(buf *b, const char *stem, int64_t num, const char *suffix)
{
	buf_printf(b, "%s.r%lld%s", stem, (long long)num, suffix);
}

static int write_history(site *s, size_t i, const store_rev_list *h, err_info *e)
{
	const store_page *p = page_at(s, i);
	buf b = BUF_INIT, t = BUF_INIT, name = BUF_INIT;
	size_t k;
	int rc;

	buf_printf(&t, "History of %s", p->title);
	buf_grow(&b, 2048 + 512 * h->n);
	page_open(s, &b, t.ptr, "history");
	buf_puts(&b, "<article>\n<h1>History of ");
	page_link(s, &b, i);
	buf_printf(&b, "</h1>\n<p class=\"byline\">%zu revision%s, newest first.</p>\n", h->n,
	           h->n == 1 ? "" : "s");
	buf_puts(&b,
	         "<div class=\"scroll\"><table class=\"history\">\n<thead><tr><th scope=\"col\">"
	         "Revision</th><th scope=\"col\">Date</th><th scope=\"col\">Author</th>"
	         "<th scope=\"col\">Summary</th><th scope=\"col\" class=\"num\">Size</th>"
	         "</tr></thead>\n<tbody>\n");
	for (k = 0; k < h->n; k++) {
		const store_rev *r = &h->v[k];

		buf_puts(&b, "<tr><td>");
		if (r->num == p->head_num) {
			buf_puts(&b, "<a href=\"");
			href(&b, s->stems[i]);
			buf_printf(&b, ".html\">%lld</a> (current)", (long long)r->num);
		} else if (s->o.with_revisions) {
			buf_truncate(&name, 0);
			rev_name(&name, s->stems[i], r->num, ".html");
			buf_puts(&b, "<a href=\"");
			href(&b, name.ptr);
			buf_printf(&b, "\">%lld</a>", (long long)r->num);
		} else {
			buf_printf(&b, "%lld", (long long)r->num);
		}
		if (s->o.with_revisions && r->num > 1) {
			buf_truncate(&name, 0);
			rev_name(&name, s->stems[i], r->num, ".diff.html");
			buf_puts(&b, " <a class=\"diff-link\" href=\"");
			href(&b, name.ptr);
			buf_puts(&b, "\">diff</a>");
		}
		buf_puts(&b, "</td><td>");
		put_time(&b, r->at_ms);
		buf_puts(&b, "</td><td>");
		esc(&b, r->author);
		buf_puts(&b, "</td><td>");
		esc(&b, r->summary);
		buf_printf(&b, "</td><td class=\"num\">%zu</td></tr>\n", r->size);
	}
	buf_puts(&b, "</tbody>\n</table></div>\n</article>\n");
	page_close(&b);
	buf_truncate(&name, 0);
	buf_printf(&name, "%s.history.html", s->stems[i]);
	rc = put_html(&s->out, name.ptr, &b, e);
	buf_free(&b);
	buf_free(&t);
	buf_free(&name);
	return rc;
}

/* The banner above an old revision or a diff. */
static void rev_banner(const site *s, buf *b, size_t i, const store_rev *r, const char *what)
{
	buf_printf(b, "<p class=\"banner\">%s <strong>revision %lld</strong> of ", what,
	           (long long)r->num);
	page_link(s, b, i);
	buf_puts(b, ", by <span class=\"author\">");
	esc(b, r->author);
	buf_puts(b, "</span>, ");
	put_time(b, r->at_ms);
	if (r->summary && *r->summary) {
		buf_puts(b, ": &ldquo;");
		esc(b, r->summary);
		buf_puts(b, "&rdquo;");
	}
	buf_puts(b, ". <a href=\"");
	href(b, s->stems[i]);
	buf_puts(b, ".history.html\">History</a></p>\n");
}

static int write_revision(site *s, size_t i, const store_rev *r, err_info *e)
{
	rendered out = { BUF_INIT, -1 };
	buf b = BUF_INIT, t = BUF_INIT, name = BUF_INIT;
	const char *title = r->title && *r->title ? r->title : page_at(s, i)->title;
	int rc = -1;

	if (render_body(s, r->body, r->body_len, title, -1, &out, e) < 0)
		goto out;
	buf_printf(&t, "%s (revision %lld)", title, (long long)r->num);
	page_open(s, &b, t.ptr, "revision");
	buf_puts(&b, "<article>\n");
	rev_banner(s, &b, i, r, "You are reading");
	put_h1(s, &b, title, out.title_h);
	put_toc(s, &b, out.title_h);
	buf_put(&b, out.html.ptr ? out.html.ptr : "", out.html.len);
	buf_puts(&b, "</article>\n");
	page_close(&b);
	rev_name(&name, s->stems[i], r->num, ".html");
	rc = put_html(&s->out, name.ptr, &b, e);
out:
	free_headings(s);
	buf_free(&out.html);
	buf_free(&b);
	buf_free(&t);
	buf_free(&name);
	return rc;
}

/* A unified diff of two texts as HTML lines (diff.c: libgit2 on memory
 * buffers, no repository). */
static int diff_html(buf *b, const char *old, size_t oldlen, const char *new, size_t newlen,
                     err_info *e)
{
	diff_result *d = diff_texts(old, oldlen, new, newlen, 3, 0, e);

	if (!d)
		return -1;
	buf_puts(b, "<pre class=\"diff\"><code>");
	if (!d->nhunks)
		buf_puts(b, "<span class=\"d-hunk\">(no change in the text)\n</span>");
	for (size_t h = 0; h < d->nhunks; h++) {
		const diff_hunk *hk = &d->hunks[h];

		buf_puts(b, "<span class=\"d-hunk\">");
		esc_n(b, hk->header, strlen(hk->header));
		buf_puts(b, "\n</span>");
		for (size_t l = hk->first; l < hk->first + hk->count; l++) {
			const diff_line *ln = &d->lines[l];

			buf_printf(b, "<span class=\"%s\">%c",
			           ln->origin == '+'   ? "d-add"
			           : ln->origin == '-' ? "d-del"
			                               : "d-ctx",
			           ln->origin);
			esc_n(b, ln->text, ln->len);
			buf_puts(b, "\n</span>");
		}
	}
	buf_puts(b, "</code></pre>\n");
	diff_free(d);
	return 0;
}

static int write_diff(site *s, size_t i, const store_rev *parent, const store_rev *r, err_info *e)
{
	buf b = BUF_INIT, t = BUF_INIT, name = BUF_INIT;
	int rc = -1;

	buf_printf(&t, "%s: changes in revision %lld", page_at(s, i)->title, (long long)r->num);
	page_open(s, &b, t.ptr, "diff");
	buf_puts(&b, "<article>\n<h1>");
	buf_printf(&b, "Changes in revision %lld</h1>\n", (long long)r->num);
	rev_banner(s, &b, i, r, "Changes made by");
	buf_printf(&b, "<p class=\"byline\">Compared with revision %lld", (long long)parent->num);
	if (r->title && parent->title && strcmp(r->title, parent->title) != 0) {
		buf_puts(&b, "; the title changed from &ldquo;");
		esc(&b, parent->title);
		buf_puts(&b, "&rdquo; to &ldquo;");
		esc(&b, r->title);
		buf_puts(&b, "&rdquo;");
	}
	buf_puts(&b, ".</p>\n");
	if (diff_html(&b, parent->body ? parent->body : "", parent->body_len,
	              r->body ? r->body : "", r->body_len, e) < 0)
		goto out;
	buf_puts(&b, "</article>\n");
	page_close(&b);
	rev_name(&name, s->stems[i], r->num, ".diff.html");
	rc = put_html(&s->out, name.ptr, &b, e);
out:
	buf_free(&b);
	buf_free(&t);
	buf_free(&name);
	return rc;
}

/* The history page and, with with_revisions, every old revision and
 * every revision's diff against its parent.  Revisions are read in order,
 * so each body is loaded once (twice when a parent is not the previous
 * number). */
static int export_revisions(site *s, size_t i, const store_rev_list *hist, err_info *e)
{
	const store_page *p = page_at(s, i);
	store_rev prev = { 0 }, cur = { 0 }, par = { 0 };
	size_t k;
	int rc = -1;

	if (write_history(s, i, hist, e) < 0)
		return -1;
	if (!s->o.with_revisions)
		return 0;
	for (k = hist->n; k-- > 0;) { /* oldest first */
		const store_rev *r = &hist->v[k];
		const store_rev *parent = NULL;

		if (store_rev_get(s->st, p->id, r->num, &cur, e) != 1)
			goto out;
		if (cur.num != p->head_num && write_revision(s, i, &cur, e) < 0)
			goto out;
		if (cur.parent) {
			if (prev.id == cur.parent) {
				parent = &prev;
			} else {
				size_t j;

				for (j = 0; j < hist->n && hist->v[j].id != cur.parent; j++)
					;
				store_rev_clear(&par);
				if (j < hist->n &&
				    store_rev_get(s->st, p->id, hist->v[j].num, &par, e) == 1)
					parent = &par;
			}
		}
		if (parent && write_diff(s, i, parent, &cur, e) < 0)
			goto out;
		store_rev_clear(&prev);
		prev = cur;
		memset(&cur, 0, sizeof cur);
	}
	rc = 0;
out:
	store_rev_clear(&prev);
	store_rev_clear(&cur);
	store_rev_clear(&par);
	return rc;
}

/* --- the site's own pages ---------------------------------------------------- */

/* The letter a title is listed under: A-Z for ASCII letters, "0-9" for
 * digits, "#" for other ASCII, else the first character itself. */
static void group_of(const char *title, char out[8])
{
	unsigned char c = (unsigned char)title[0];
	uint32_t cp;
	size_t n;

	if (c >= 'a' && c <= 'z')
		c -= 32;
	if (c >= 'A' && c <= 'Z') {
		out[0] = (char)c;
		out[1] = '\0';
	} else if (c >= '0' && c <= '9') {
		strcpy(out, "0\xe2\x80\x93"
		            "9");
	} else if (c < 0x80) {
		strcpy(out, "#");
	} else {
		n = u8_decode(title, strlen(title), &cp);
		memcpy(out, title, n);
		out[n] = '\0';
	}
}

static int write_index(site *s, err_info *e)
{
	buf b = BUF_INIT, letters = BUF_INIT, list = BUF_INIT;
	char g[8], last[8] = "";
	size_t i, groups = 0;
	int rc;

	for (i = 0; i < s->pages.n; i++) {
		const store_page *p = page_at(s, i);

		group_of(p->title, g);
		if (!groups || strcmp(g, last) != 0) {
			if (groups)
				buf_puts(&list, "</ul>\n");
			buf_printf(&list, "<h2 id=\"_g%zu\">", groups);
			esc(&list, g);
			buf_puts(&list, "</h2>\n<ul class=\"pages\">\n");
			buf_printf(&letters, "<a href=\"#_g%zu\">", groups);
			esc(&letters, g);
			buf_puts(&letters, "</a>\n");
			strcpy(last, g);
			groups++;
		}
		buf_puts(&list, "<li>");
		page_link(s, &list, i);
		buf_puts(&list, " <span class=\"meta\">");
		esc(&list, p->last_author);
		buf_puts(&list, ", ");
		put_time(&list, p->last_at_ms);
		buf_puts(&list, "</span></li>\n");
	}
	if (groups)
		buf_puts(&list, "</ul>\n");
	page_open(s, &b, "All pages", "index");
	buf_printf(&b,
	           "<h1>All pages</h1>\n<p class=\"byline\">%zu page%s, A to Z, with who "
	           "changed each last and when.</p>\n",
	           s->pages.n, s->pages.n == 1 ? "" : "s");
	if (groups > 1) {
		buf_puts(&b, "<nav class=\"letters\" aria-label=\"Jump to a letter\">\n");
		buf_put(&b, letters.ptr, letters.len);
		buf_puts(&b, "</nav>\n");
	}
	if (!s->pages.n)
		buf_puts(&b, "<p>The wiki has no pages yet.</p>\n");
	buf_put(&b, list.ptr ? list.ptr : "", list.len);
	page_close(&b);
	rc = put_html(&s->out, "index.html", &b, e);
	buf_free(&b);
	buf_free(&letters);
	buf_free(&list);
	return rc;
}

/* One line of recent changes: page, revision (its diff when there is
 * one), author, time of day, summary. */
static void recent_item(const site *s, buf *b, const store_rev *r, size_t p)
{
	buf name = BUF_INIT;

	buf_puts(b, "<li>");
	page_link(s, b, p);
	buf_puts(b, " <span class=\"meta\">");
	if (s->o.with_revisions && r->num > 1) {
		rev_name(&name, s->stems[p], r->num, ".diff.html");
		buf_puts(b, "<a href=\"");
		href(b, name.ptr);
		buf_printf(b, "\">revision %lld</a>", (long long)r->num);
	} else {
		buf_printf(b, "revision %lld", (long long)r->num);
	}
	buf_puts(b, " by <span class=\"author\">");
	esc(b, r->author);
	buf_puts(b, "</span> at ");
	put_clock(b, r->at_ms);
	buf_puts(b, "</span>");
	if (r->summary && *r->summary) {
		buf_puts(b, " <span class=\"summary\">");
		esc(b, r->summary);
		buf_puts(b, "</span>");
	}
	buf_puts(b, "</li>\n");
	buf_free(&name);
}

/* The latest revisions under a heading per day. */
static int write_recent(site *s, err_info *e)
{
	store_rev_list l = { 0 };
	buf b = BUF_INIT;
	char day[16], last[16] = "", zone[32] = "";
	time_t t = time(NULL);
	struct tm tm;
	size_t k;
	long p;
	int rc;

	if (store_rev_recent(s->st, RECENT_MAX, &l, e) < 0)
		return -1;
	if (localtime_r(&t, &tm))
		strftime(zone, sizeof zone, "%Z", &tm);
	page_open(s, &b, "Recent changes", "recent");
	buf_printf(&b,
	           "<h1>Recent changes</h1>\n<p class=\"byline\">The %zu latest revision%s, "
	           "newest first; times in ",
	           l.n, l.n == 1 ? "" : "s");
	esc(&b, zone);
	buf_puts(&b, ".</p>\n");
	for (k = 0; k < l.n; k++) {
		p = find_page(s, l.v[k].title ? l.v[k].title : ""); /* the slug, here */
		if (p < 0)
			continue;
		day_of(l.v[k].at_ms, day);
		if (strcmp(day, last) != 0) {
			if (*last)
				buf_puts(&b, "</ul>\n");
			buf_printf(&b, "<h2>%s</h2>\n<ul class=\"changes\">\n", day);
			strcpy(last, day);
		}
		recent_item(s, &b, &l.v[k], (size_t)p);
	}
	if (*last)
		buf_puts(&b, "</ul>\n");
	if (!l.n)
		buf_puts(&b, "<p>Nothing has changed yet.</p>\n");
	page_close(&b);
	rc = put_html(&s->out, "recent.html", &b, e);
	store_rev_list_free(&l);
	buf_free(&b);
	return rc;
}

static int by_wanted(const void *a, const void *b)
{
	const wanted *x = a, *y = b;
	int c = strcmp(x->slug, y->slug);

	return c ? c : (x->from > y->from) - (x->from < y->from);
}

static int write_wanted(site *s, err_info *e)
{
	buf b = BUF_INIT;
	size_t k, pages = 0;
	int rc;

	if (s->nwant)
		qsort(s->want, s->nwant, sizeof *s->want, by_wanted);
	for (k = 0; k < s->nwant; k++)
		if (!k || strcmp(s->want[k].slug, s->want[k - 1].slug) != 0)
			pages++;
	page_open(s, &b, "Wanted pages", "wanted");
	buf_printf(&b,
	           "<h1>Wanted pages</h1>\n<p class=\"byline\">%zu page%s that other pages "
	           "link to but nobody has written yet.</p>\n",
	           pages, pages == 1 ? "" : "s");
	if (s->nwant)
		buf_puts(&b, "<ul class=\"wanted\">\n");
	for (k = 0; k < s->nwant; k++) {
		if (!k || strcmp(s->want[k].slug, s->want[k - 1].slug) != 0) {
			if (k)
				buf_puts(&b, "</li>\n");
			buf_puts(&b, "<li>");
			missing_span(&b, s->want[k].slug);
			buf_puts(&b, " <span class=\"meta\">wanted by</span> ");
		} else {
			buf_puts(&b, ", ");
		}
		page_link(s, &b, s->want[k].from);
	}
	if (s->nwant)
		buf_puts(&b, "</li>\n</ul>\n");
	page_close(&b);
	rc = put_html(&s->out, "wanted.html", &b, e);
	buf_free(&b);
	return rc;
}

static const char search_js[] =
        "/* docday: search over search-index.js, in the page, offline. */\n"
        "(function () {\n"
        "  \"use strict\";\n"
        "  var pages = window.DOCDAY_INDEX || [];\n"
        "  var form = document.getElementById(\"search-form\");\n"
        "  var box = document.getElementById(\"q\");\n"
        "  var list = document.getElementById(\"results\");\n"
        "  var status = document.getElementById(\"search-status\");\n"
        "  if (!box || !list || !status) return;\n"
        "  function words(s) {\n"
        "    return s.toLowerCase().split(/[^\\p{L}\\p{N}]+/u).filter(Boolean);\n"
        "  }\n"
        "  function search(q) {\n"
        "    var terms = words(q), hits = [];\n"
        "    if (!terms.length) return hits;\n"
        "    pages.forEach(function (p) {\n"
        "      var title = \" \" + words(p.t).join(\" \"), body = \" \" + p.w, score = 0;\n"
        "      for (var i = 0; i < terms.length; i++) {\n"
        "        var t = \" \" + terms[i];\n"
        "        if (title.indexOf(t) >= 0) score += 10;\n"
        "        else if (body.indexOf(t) >= 0) score += 1;\n"
        "        else return;\n"
        "      }\n"
        "      hits.push({ page: p, score: score });\n"
        "    });\n"
        "    hits.sort(function (a, b) {\n"
        "      return b.score - a.score || a.page.t.localeCompare(b.page.t);\n"
        "    });\n"
        "    return hits;\n"
        "  }\n"
        "  function show(q) {\n"
        "    var hits = search(q);\n"
        "    list.textContent = \"\";\n"
        "    hits.slice(0, 100).forEach(function (h) {\n"
        "      var li = document.createElement(\"li\"), a = document.createElement(\"a\");\n"
        "      var p = document.createElement(\"p\");\n"
        "      a.href = h.page.f;\n"
        "      a.textContent = h.page.t;\n"
        "      p.textContent = h.page.x;\n"
        "      li.appendChild(a);\n"
        "      li.appendChild(p);\n"
        "      list.appendChild(li);\n"
        "    });\n"
        "    status.textContent = !words(q).length ? \"Type a word to search all \" +\n"
        "      pages.length + \" pages.\" : hits.length === 0 ? \"No page matches.\" :\n"
        "      hits.length === 1 ? \"1 page matches.\" : hits.length + \" pages match\" +\n"
        "      (hits.length > 100 ? \"; the first 100 are shown.\" : \".\");\n"
        "  }\n"
        "  var q = new URLSearchParams(window.location.search).get(\"q\") || \"\";\n"
        "  box.value = q;\n"
        "  box.addEventListener(\"input\", function () { show(box.value); });\n"
        "  if (form) form.addEventListener(\"submit\", function (ev) {\n"
        "    ev.preventDefault();\n"
        "    show(box.value);\n"
        "  });\n"
        "  show(q);\n"
        "})();\n";

static int write_search(site *s, err_info *e)
{
	buf b = BUF_INIT;
	int rc;

	page_open(s, &b, "Search", "search");
	buf_puts(&b, "<h1>Search</h1>\n"
	             "<form id=\"search-form\" class=\"search-page\" action=\"search.html\" "
	             "role=\"search\">\n<input id=\"q\" type=\"search\" name=\"q\" "
	             "aria-label=\"Search the wiki\" placeholder=\"Words to look for\">\n"
	             "<button type=\"submit\">Search</button>\n</form>\n"
	             "<noscript><p class=\"note\">Searching needs JavaScript. Without it, "
	             "browse <a href=\"index.html\">all pages</a>.</p></noscript>\n"
	             "<p id=\"search-status\" role=\"status\"></p>\n"
	             "<ol id=\"results\" class=\"results\"></ol>\n"
	             "<script src=\"search-index.js\"></script>\n"
	             "<script src=\"search.js\"></script>\n");
	page_close(&b);
	rc = put_html(&s->out, "search.html", &b, e);
	buf_free(&b);
	if (rc == 0)
		rc = put_file(&s->out, "search.js", search_js, sizeof search_js - 1, e);
	if (rc == 0) {
		if (!s->search.len)
			buf_puts(&s->search, SEARCH_HEAD);
		buf_puts(&s->search, "\n];\n");
		rc = put_html(&s->out, "search-index.js", &s->search, e);
	}
	return rc;
}

static const char style_css[] =
        "/* docday: the exported site's style sheet. */\n"
        ":root {\n"
        "  color-scheme: light dark;\n"
        "  --bg: #fbfbfa; --fg: #1f2328; --muted: #5d6670; --line: #dcdfe3;\n"
        "  --accent: #0a58ca; --visited: #6b40b8; --soft: #f2f3f5; --code: #f3f3f1;\n"
        "  --missing: #b42318; --blocked: #8a6d00;\n"
        "  --add: #e3f7e8; --add-fg: #0f5b28; --del: #fde8e7; --del-fg: #8c1d18;\n"
        "  --mono: ui-monospace, \"SF Mono\", SFMono-Regular, Menlo, Consolas,\n"
        "    \"DejaVu Sans Mono\", \"Liberation Mono\", monospace;\n"
        "}\n"
        "@media (prefers-color-scheme: dark) {\n"
        "  :root {\n"
        "    --bg: #15171b; --fg: #e4e6e9; --muted: #9aa3ad; --line: #2f343b;\n"
        "    --accent: #7fb0ff; --visited: #c3a6ff; --soft: #1c1f24; --code: #1f2329;\n"
        "    --missing: #ff8f85; --blocked: #e0c060;\n"
        "    --add: #12301d; --add-fg: #8ee0a8; --del: #3b1719; --del-fg: #ffb1aa;\n"
        "  }\n"
        "}\n"
        "*, *::before, *::after { box-sizing: border-box; }\n"
        "html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }\n"
        "body {\n"
        "  margin: 0; background: var(--bg); color: var(--fg);\n"
        "  font: 17px/1.65 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\",\n"
        "    \"Helvetica Neue\", Arial, sans-serif;\n"
        "  overflow-wrap: break-word;\n"
        "}\n"
        "header.site { background: var(--soft); border-bottom: 1px solid var(--line); }\n"
        "header.site nav {\n"
        "  max-width: 46rem; margin: 0 auto; padding: .55rem 2rem;\n"
        "  display: flex; flex-wrap: wrap; align-items: center; gap: .3rem 1.1rem;\n"
        "  font-size: .94rem;\n"
        "}\n"
        "header.site a { color: var(--fg); text-decoration: none; }\n"
        "header.site a:hover, header.site a:focus { color: var(--accent); }\n"
        "header.site .brand { font-weight: 700; font-size: 1.05rem; }\n"
        "form.search { margin-left: auto; flex: 0 1 13rem; }\n"
        "input[type=search] {\n"
        "  width: 100%; font: inherit; color: inherit; background: var(--bg);\n"
        "  border: 1px solid var(--line); border-radius: 6px; padding: .3rem .6rem;\n"
        "}\n"
        "input[type=search]:focus { outline: 2px solid var(--accent); outline-offset: -1px; }\n"
        "main { max-width: 46rem; margin: 0 auto; padding: .5rem 2rem 2rem; }\n"
        "footer.site {\n"
        "  max-width: 46rem; margin: 0 auto; padding: 1rem 2rem 2.5rem;\n"
        "  color: var(--muted); font-size: .85rem;\n"
        "}\n"
        "footer.site p { border-top: 1px solid var(--line); padding-top: 1rem; margin: 0; }\n"
        "h1, h2, h3, h4, h5, h6 {\n"
        "  position: relative; line-height: 1.25; font-weight: 650;\n"
        "  margin: 2rem 0 .7rem; scroll-margin-top: 1rem;\n"
        "}\n"
        "h1 { font-size: 2.1rem; letter-spacing: -.015em; margin: 1.6rem 0 .4rem; }\n"
        "h2 { font-size: 1.45rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }\n"
        "h3 { font-size: 1.2rem; }\n"
        "h4 { font-size: 1.05rem; }\n"
        "h5, h6 { font-size: 1rem; color: var(--muted); }\n"
        "p, ul, ol, dl, blockquote, pre, table, .scroll { margin: 0 0 1.1rem; }\n"
        "ul, ol { padding-left: 1.6rem; }\n"
        "li + li, li > ul, li > ol { margin-top: .2rem; }\n"
        "li > p { margin-bottom: .4rem; }\n"
        "a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: .18em; "
        "}\n"
        "a:visited { color: var(--visited); }\n"
        "a:hover { text-decoration-thickness: 2px; }\n"
        ".anchor {\n"
        "  position: absolute; left: -1.15em; width: 1em; text-align: center;\n"
        "  color: var(--muted); text-decoration: none; font-weight: 400; opacity: 0;\n"
        "}\n"
        "h2:hover .anchor, h3:hover .anchor, h4:hover .anchor, h5:hover .anchor,\n"
        "h6:hover .anchor, h1:hover .anchor, .anchor:focus { opacity: 1; }\n"
        ".anchor:visited { color: var(--muted); }\n"
        ".missing {\n"
        "  color: var(--missing); text-decoration: underline dotted; text-underline-offset: "
        ".18em;\n"
        "  cursor: help;\n"
        "}\n"
        ".blocked { color: var(--blocked); text-decoration: line-through; }\n"
        ".byline, .meta { color: var(--muted); }\n"
        ".byline { font-size: .9rem; margin-bottom: 1.6rem; }\n"
        ".byline a { color: inherit; }\n"
        ".meta { font-size: .88rem; }\n"
        "code, kbd, samp, pre { font-family: var(--mono); font-size: .875em; }\n"
        ":not(pre) > code {\n"
        "  background: var(--code); border: 1px solid var(--line); border-radius: 4px;\n"
        "  padding: .05em .3em;\n"
        "}\n"
        "pre {\n"
        "  background: var(--code); border: 1px solid var(--line); border-radius: 6px;\n"
        "  padding: .75rem 1rem; overflow-x: auto; line-height: 1.45; tab-size: 4;\n"
        "}\n"
        "table {\n"
        "  display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse;\n"
        "  font-size: .95rem;\n"
        "}\n"
        ".scroll { max-width: 100%; overflow-x: auto; }\n"
        ".scroll > table { display: table; width: 100%; margin: 0; }\n"
        "th, td { border: 1px solid var(--line); padding: .4rem .75rem; text-align: left;\n"
        "  vertical-align: top; }\n"
        "th { background: var(--soft); font-weight: 600; }\n"
        "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
        "blockquote {\n"
        "  margin-left: 0; padding: .1rem 1rem; border-left: 4px solid var(--line);\n"
        "  color: var(--muted);\n"
        "}\n"
        "blockquote > :last-child { margin-bottom: 0; }\n"
        "img { max-width: 100%; height: auto; }\n"
        "hr { border: 0; border-top: 1px solid var(--line); margin: 2rem 0; }\n"
        "li > input[type=checkbox] { margin: 0 .45em 0 -1.3em; vertical-align: middle; }\n"
        "ul:has(> li > input[type=checkbox]) { list-style: none; }\n"
        ".toc {\n"
        "  background: var(--soft); border: 1px solid var(--line); border-radius: 8px;\n"
        "  padding: .7rem 1.1rem .8rem; margin: 0 0 1.8rem; font-size: .93rem;\n"
        "}\n"
        ".toc h2 {\n"
        "  font-size: .75rem; text-transform: uppercase; letter-spacing: .08em;\n"
        "  color: var(--muted); border: 0; margin: 0 0 .35rem; padding: 0;\n"
        "}\n"
        ".toc ul { list-style: none; margin: 0; padding-left: 1.1rem; }\n"
        ".toc > ul { padding-left: 0; }\n"
        ".toc li { margin: .1rem 0; }\n"
        ".toc a { text-decoration: none; color: var(--fg); }\n"
        ".toc a:hover { color: var(--accent); text-decoration: underline; }\n"
        ".backlinks {\n"
        "  margin-top: 2.5rem; padding: .8rem 1.1rem; border: 1px solid var(--line);\n"
        "  border-radius: 8px; font-size: .93rem;\n"
        "}\n"
        ".backlinks h2 {\n"
        "  font-size: .75rem; text-transform: uppercase; letter-spacing: .08em;\n"
        "  color: var(--muted); border: 0; margin: 0 0 .35rem; padding: 0;\n"
        "}\n"
        ".backlinks ul { margin: 0; padding-left: 1.2rem; }\n"
        ".letters { display: flex; flex-wrap: wrap; gap: .25rem; margin: 0 0 1rem; }\n"
        ".letters a {\n"
        "  min-width: 2rem; text-align: center; padding: .1rem .4rem; text-decoration: none;\n"
        "  border: 1px solid var(--line); border-radius: 6px; background: var(--soft);\n"
        "}\n"
        "ul.pages, ul.changes, ul.wanted, ol.results { list-style: none; padding: 0; }\n"
        "ul.pages li, ul.changes li, ul.wanted li {\n"
        "  padding: .3rem 0; border-bottom: 1px solid var(--line); margin: 0;\n"
        "}\n"
        "ul.pages .meta, ul.changes .meta { margin-left: .4rem; }\n"
        ".summary { display: block; color: var(--fg); font-size: .92rem; }\n"
        ".summary::before { content: \"\\201C\"; }\n"
        ".summary::after { content: \"\\201D\"; }\n"
        "ol.results li { margin: 0 0 1rem; }\n"
        "ol.results a { font-weight: 600; }\n"
        "ol.results p { margin: .15rem 0 0; color: var(--muted); font-size: .93rem; }\n"
        "form.search-page { display: flex; gap: .5rem; margin: 0 0 1rem; }\n"
        "form.search-page button {\n"
        "  font: inherit; padding: .3rem 1rem; border-radius: 6px; cursor: pointer;\n"
        "  border: 1px solid var(--line); background: var(--soft); color: inherit;\n"
        "}\n"
        ".banner {\n"
        "  background: var(--soft); border: 1px solid var(--line); border-left: 4px solid\n"
        "  var(--accent); border-radius: 6px; padding: .6rem 1rem; font-size: .93rem;\n"
        "  margin-top: 1.2rem;\n"
        "}\n"
        "pre.diff { padding: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }\n"
        "pre.diff span { display: block; padding: 0 1rem 0 2rem; text-indent: -1rem; }\n"
        ".d-add { background: var(--add); color: var(--add-fg); }\n"
        ".d-del { background: var(--del); color: var(--del-fg); }\n"
        ".d-hunk { color: var(--muted); background: var(--soft); }\n"
        ".d-note { color: var(--muted); font-style: italic; }\n"
        "section.footnotes { font-size: .9rem; border-top: 1px solid var(--line);\n"
        "  margin-top: 2rem; padding-top: .5rem; }\n"
        "@media (max-width: 40rem) {\n"
        "  body { font-size: 16px; }\n"
        "  main, footer.site, header.site nav { padding-left: 1rem; padding-right: 1rem; }\n"
        "  h1 { font-size: 1.7rem; }\n"
        "  h2 { font-size: 1.3rem; }\n"
        "  form.search { flex: 1 1 100%; margin-left: 0; }\n"
        "  .anchor { display: none; }\n"
        "}\n"
        "@media print {\n"
        "  :root { --fg: #000; --muted: #444; --line: #bbb; --soft: #fff; --code: #f6f6f6; }\n"
        "  body { background: #fff; color: #000; font-size: 11pt; }\n"
        "  header.site, form, .anchor, .toc, footer.site { display: none; }\n"
        "  main { max-width: none; padding: 0; }\n"
        "  a { color: inherit; }\n"
        "  a[href^=\"http\"]::after { content: \" (\" attr(href) \")\"; font-size: .85em; }\n"
        "  pre { overflow: visible; white-space: pre-wrap; }\n"
        "  table { display: table; overflow: visible; }\n"
        "  pre, blockquote, tr, img { break-inside: avoid; }\n"
        "  h1, h2, h3, h4 { break-after: avoid; }\n"
        "}\n";

/* --- HTML export ------------------------------------------------------------- */

static void opts_or_default(site *s, const export_opts *o)
{
	if (o)
		s->o = *o;
}

static void finish_stats(export_stats *st, size_t pages, const outdir *o, double t0)
{
	if (!st)
		return;
	st->pages = pages;
	st->files = o->files;
	st->bytes = o->bytes;
	st->seconds = now_seconds() - t0;
}

static int write_site(site *s, err_info *e)
{
	size_t i;

	for (i = 0; i < s->pages.n; i++) {
		if (export_page(s, i, e) < 0)
			return -1;
		if (s->o.progress)
			s->o.progress(s->o.ctx, i + 1, s->pages.n);
	}
	if (write_index(s, e) < 0 || write_recent(s, e) < 0 || write_wanted(s, e) < 0 ||
	    write_search(s, e) < 0)
		return -1;
	return put_file(&s->out, "style.css", style_css, sizeof style_css - 1, e);
}

int export_html(wiki *w, const char *dir, const export_opts *o, export_stats *st, err_info *e)
{
	site s;
	double t0 = now_seconds();
	size_t i;
	int rc = -1, in_tx = 0;

	memset(&s, 0, sizeof s);
	s.st = wiki_store(w);
	s.home = -1;
	opts_or_default(&s, o);
	if (st)
		memset(st, 0, sizeof *st);
	if (outdir_open(&s.out, dir, "HTML", e) < 0)
		goto out;
	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof extension_names / sizeof *extension_names; i++) {
		cmark_syntax_extension *x = cmark_find_syntax_extension(extension_names[i]);

		if (x)
			s.exts = cmark_llist_append(cmark_get_default_mem_allocator(), s.exts, x);
	}
	if (s.o.with_revisions && diff_lib_init(e) < 0)
		goto out;
	/* One snapshot of the wiki, whoever saves meanwhile. */
	if (store_begin_read(s.st, e) < 0)
		goto out;
	in_tx = 1;
	if (load_pages(&s, e) < 0 || load_backlinks(&s, e) < 0 || write_site(&s, e) < 0)
		goto out;
	store_rollback(s.st);
	in_tx = 0;
	finish_stats(st, s.pages.n, &s.out, t0);
	if (outdir_commit(&s.out, e) < 0)
		goto out;
	if (st) { /* the writer thread has ended */
		st->kept = s.out.kept;
		st->seconds = now_seconds() - t0;
	}
	rc = 0;
out:
	if (in_tx)
		store_rollback(s.st);
	if (rc < 0)
		outdir_abort(&s.out);
	site_free(&s);
	return rc;
}

/* One page's <article> without a wiki (see export.h): a site whose page
 * list is only the slugs in `pages`, then what export_page writes between
 * <article> and </article>, cleaned as put_html cleans. */
int export_page_html(const char *md, size_t len, const char *const *pages, int unsafe, buf *out,
                     err_info *e)
{
	site s;
	rendered r = { BUF_INIT, -1 };
	buf b = BUF_INIT;
	md_doc *doc;
	char *title;
	size_t i, n = 0;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.home = -1;
	s.o.unsafe = unsafe;
	if (!md)
		md = "", len = 0;
	doc = md_parse(md, len, MD_FOOTNOTES, e);
	if (!doc)
		return -1;
	title = md_first_heading(doc); /* a new page's title, as wiki_save gives it */
	md_free(doc);
	if (!title)
		title = xstrdup("page");
	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof extension_names / sizeof *extension_names; i++) {
		cmark_syntax_extension *x = cmark_find_syntax_extension(extension_names[i]);

		if (x)
			s.exts = cmark_llist_append(cmark_get_default_mem_allocator(), s.exts, x);
	}
	while (pages && pages[n])
		n++;
	s.stems = xcalloc(n ? n : 1, sizeof *s.stems);
	for (i = 0; i < n; i++) {
		smap_get(&s.by_slug, pages[i], strlen(pages[i]), 1)->val = (int)i;
		s.stems[i] = file_stem(pages[i], MAX_STEM, 1);
	}
	if (render_body(&s, md, len, title, 0, &r, e) == 0) {
		buf_puts(&b, "<article>\n");
		put_h1(&s, &b, title, r.title_h);
		put_toc(&s, &b, r.title_h);
		buf_put(&b, r.html.ptr ? r.html.ptr : "", r.html.len);
		buf_puts(&b, "</article>\n");
		if (clean_text(buf_cstr(&b), b.len))
			buf_put(out, buf_cstr(&b), b.len);
		else
			clean_into(out, buf_cstr(&b), b.len);
		rc = 0;
	}
	free_headings(&s);
	for (i = 0; i < n; i++)
		free(s.stems[i]);
	free(s.stems);
	s.stems = NULL; /* s.pages is empty: site_free must not walk the stems */
	site_free(&s);
	buf_free(&r.html);
	buf_free(&b);
	free(title);
	return rc;
}

/* --- the Markdown folder ----------------------------------------------------- */

/* Appends a title as Markdown inline text: the characters that could be
 * markup are backslash-escaped, so the heading reads as the title. */
static void md_escape(buf *b, const char *t)
{
	for (; *t; t++) {
		if (strchr("\\`*_[]<>#!&|~", *t))
			buf_putc(b, '\\');
		buf_putc(b, *t);
	}
}

/* The heading export_md puts above a body that has none; import removes
 * exactly these bytes again. */
static void heading_prefix(buf *b, const char *title)
{
	buf_puts(b, "# ");
	md_escape(b, title);
	buf_puts(b, "\n\n");
}

/* A manifest field: backslash, TAB, LF and CR escaped. */
static void tsv_field(buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_putc(b, *s); break;
		}
	}
}

#define MANIFEST_HEAD "# docday Markdown export 1"

/* Writes SLUG.md of one page and its manifest and index lines. */
static int md_page(outdir *out, store *st, const store_page *p, buf *manifest, buf *index,
                   err_info *e)
{
	store_rev head = { 0 };
	md_doc *doc;
	char *first, *stem;
	buf text = BUF_INIT, name = BUF_INIT;
	size_t len;
	int added, rc = -1;

	if (store_rev_get(st, p->id, 0, &head, e) != 1) {
		if (e && !e->code)
			err_set(e, ERR_DB, "page %s has no head revision (run 'docday check')",
			        p->slug);
		return -1;
	}
	doc = md_parse(head.body ? head.body : "", head.body_len, MD_FOOTNOTES, e);
	if (!doc)
		goto out;
	first = md_first_heading(doc);
	added = first == NULL;
	free(first);
	md_free(doc);
	/* Reserved names do not matter here: the folder's own files start
	 * with '_', which no slug does. */
	stem = file_stem(p->slug, MAX_STEM + 40, 0);
	buf_printf(&name, "%s.md", stem);
	free(stem);
	if (added)
		heading_prefix(&text, p->title);
	buf_put(&text, head.body ? head.body : "", head.body_len);
	/* Bytes as stored: the Markdown files are not sanitised, or the round
	 * trip would not be exact. */
	len = text.len;
	if (put_owned(out, xstrdup(name.ptr), buf_detach(&text), len, e) < 0)
		goto out;
	tsv_field(manifest, name.ptr);
	buf_putc(manifest, '\t');
	tsv_field(manifest, p->slug);
	buf_putc(manifest, '\t');
	tsv_field(manifest, p->title);
	buf_printf(manifest, "\t%d\n", added);
	buf_puts(index, "- [");
	md_escape(index, p->title);
	buf_printf(index, "](%s)\n", name.ptr);
	rc = 0;
out:
	store_rev_clear(&head);
	buf_free(&text);
	buf_free(&name);
	return rc;
}

int export_md(wiki *w, const char *dir, const export_opts *o, export_stats *st, err_info *e)
{
	store *s = wiki_store(w);
	store_page_list pages = { 0 };
	outdir out;
	buf manifest = BUF_INIT, index = BUF_INIT;
	double t0 = now_seconds();
	size_t i;
	int rc = -1, in_tx = 0;

	if (st)
		memset(st, 0, sizeof *st);
	if (outdir_open(&out, dir, "Markdown", e) < 0)
		goto out;
	if (store_begin_read(s, e) < 0)
		goto out;
	in_tx = 1;
	if (store_page_list_all(s, STORE_BY_SLUG, &pages, e) < 0)
		goto out;
	buf_puts(&manifest, MANIFEST_HEAD ": file, slug, title, heading (1: docday added the "
	                                  "title as the first line)\n");
	buf_puts(&index, "# Index\n\n");
	for (i = 0; i < pages.n; i++) {
		if (md_page(&out, s, &pages.v[i], &manifest, &index, e) < 0)
			goto out;
		if (o && o->progress)
			o->progress(o->ctx, i + 1, pages.n);
	}
	if (put_raw(&out, EXPORT_MD_INDEX, index.ptr, index.len, e) < 0 ||
	    put_raw(&out, EXPORT_MANIFEST, manifest.ptr, manifest.len, e) < 0)
		goto out;
	store_rollback(s);
	in_tx = 0;
	finish_stats(st, pages.n, &out, t0);
	if (outdir_commit(&out, e) < 0)
		goto out;
	if (st) { /* the writer thread has ended */
		st->kept = out.kept;
		st->seconds = now_seconds() - t0;
	}
	rc = 0;
out:
	if (in_tx)
		store_rollback(s);
	if (rc < 0)
		outdir_abort(&out);
	store_page_list_free(&pages);
	buf_free(&manifest);
	buf_free(&index);
	return rc;
}

/* --- reading a Markdown folder back ---------------------------------------- */

typedef struct mf_entry {
	char *file, *slug, *title;
	int heading;
} mf_entry;

struct export_manifest {
	mf_entry *v; /* sorted by file */
	size_t n, cap;
};

void export_manifest_free(export_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->v[i].file);
		free(m->v[i].slug);
		free(m->v[i].title);
	}
	free(m->v);
	free(m);
}

/* Unescapes one field s[0..n) (see tsv_field). */
static char *tsv_unescape(const char *s, size_t n)
{
	buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			buf_putc(&b, s[i] == 't'   ? '\t'
			             : s[i] == 'n' ? '\n'
			             : s[i] == 'r' ? '\r'
			                           : s[i]);
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

static int by_file(const void *a, const void *b)
{
	return strcmp(((const mf_entry *)a)->file, ((const mf_entry *)b)->file);
}

/* Parses one line "file TAB slug TAB title TAB 0|1"; -1 when malformed. */
static int manifest_line(export_manifest *m, const char *line, size_t n)
{
	const char *f[4], *end = line + n, *tab;
	size_t len[4];
	int k;
	mf_entry *ent;

	for (k = 0; k < 4; k++) {
		tab = memchr(line, '\t', (size_t)(end - line));
		f[k] = line;
		len[k] = (size_t)((tab ? tab : end) - line);
		if (k < 3 && !tab)
			return -1;
		line = tab ? tab + 1 : end;
	}
	if (len[3] != 1 || (f[3][0] != '0' && f[3][0] != '1'))
		return -1;
	ent = PUSH(m->v, m->n, m->cap);
	ent->file = tsv_unescape(f[0], len[0]);
	ent->slug = tsv_unescape(f[1], len[1]);
	ent->title = tsv_unescape(f[2], len[2]);
	ent->heading = f[3][0] == '1';
	if (!safe_name(ent->file) || !u8_is_slug(ent->slug) || !*ent->title)
		return -1;
	return 0;
}

int export_manifest_load(const char *dir, export_manifest **out, err_info *e)
{
	buf path = BUF_INIT, text = BUF_INIT;
	char chunk[65536];
	size_t n, lineno = 0;
	const char *p, *nl, *end;
	FILE *f;
	export_manifest *m;

	*out = NULL;
	buf_printf(&path, "%s/%s", dir, EXPORT_MANIFEST);
	f = fopen(path.ptr, "rb");
	if (!f) {
		int err = errno;

		buf_free(&path);
		if (err == ENOENT)
			return 0;
		return err_set(e, ERR_USER, "cannot read %s/%s: %s", dir, EXPORT_MANIFEST,
		               strerror(err));
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < WIKI_MAX_PAGE)
		buf_put(&text, chunk, n);
	fclose(f);
	m = xcalloc(1, sizeof *m);
	p = buf_cstr(&text);
	end = p + text.len;
	if (strncmp(p, MANIFEST_HEAD, strlen(MANIFEST_HEAD)) != 0) {
		err_set(e, ERR_USER, "%s is not a docday manifest (its first line is not '%s')",
		        path.ptr, MANIFEST_HEAD);
		goto fail;
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		lineno++;
		if (nl == p || *p == '#')
			continue;
		if (manifest_line(m, p, (size_t)(nl - p)) < 0) {
			err_set(e, ERR_USER,
			        "%s:%zu: not a manifest line (file, slug, title, 0 or 1)", path.ptr,
			        lineno);
			goto fail;
		}
	}
	if (m->n)
		qsort(m->v, m->n, sizeof *m->v, by_file);
	buf_free(&path);
	buf_free(&text);
	*out = m;
	return 1;
fail:
	export_manifest_free(m);
	buf_free(&path);
	buf_free(&text);
	return -1;
}

int export_md_own_file(const char *file_name)
{
	return strcmp(file_name, EXPORT_MD_INDEX) == 0 || strcmp(file_name, EXPORT_MANIFEST) == 0 ||
	       strcmp(file_name, EXPORT_MARKER) == 0;
}

static const mf_entry *manifest_find(const export_manifest *m, const char *file)
{
	mf_entry key = { 0 };

	if (!m || !m->n)
		return NULL;
	key.file = (char *)file;
	return bsearch(&key, m->v, m->n, sizeof *m->v, by_file);
}

int export_md_import(wiki *w, const export_manifest *m, const char *path, const char *text,
                     size_t len, const char *author, wiki_save_res *res, err_info *e)
{
	const char *base = strrchr(path, '/');
	const mf_entry *ent;
	wiki_save_req req = { 0 };
	buf prefix = BUF_INIT, summary = BUF_INIT;
	int rc;

	base = base ? base + 1 : path;
	ent = manifest_find(m, base);
	if (!ent)
		return wiki_import_text(w, path, text, len, author, res, e);
	req.title = ent->title;
	if (ent->heading) {
		heading_prefix(&prefix, ent->title);
		if (len >= prefix.len && memcmp(text, prefix.ptr, prefix.len) == 0) {
			text += prefix.len;
			len -= prefix.len;
		} else {
			/* The heading standing for the title was edited: the text's
			 * own heading names the page, as for any imported file. */
			req.title = NULL;
		}
	}
	buf_printf(&summary, "imported from %s", base);
	req.name = ent->slug;
	req.base = -1;
	req.text = text;
	req.len = len;
	req.author = author;
	req.summary = summary.ptr;
	rc = wiki_save(w, &req, res, e);
	buf_free(&prefix);
	buf_free(&summary);
	return rc;
}
