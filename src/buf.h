/* buf: a growable byte buffer that is always a valid NUL-terminated C string.
 *
 * A zeroed `buf` (BUF_INIT) is empty and valid.  The buffer owns `ptr` until
 * buf_detach() hands it to the caller.  Allocation failure aborts (small,
 * program-controlled sizes; sizes that come from users are checked by the
 * caller before they get here). */
#ifndef DOCDAY_BUF_H
#define DOCDAY_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *ptr; /* NUL-terminated once anything was added; NULL when empty */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT                                                                                   \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Makes room for `extra` more bytes plus the terminator. */
void buf_grow(buf *b, size_t extra);
void buf_put(buf *b, const void *data, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, int c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends a time (Unix milliseconds) as local "YYYY-MM-DD HH:MM". */
void buf_put_time(buf *b, long long ms);
/* Truncates to `len` bytes (len <= b->len). */
void buf_truncate(buf *b, size_t len);
/* The contents as a C string; "" for an empty buffer, never NULL.  Valid
 * until the next change. */
const char *buf_cstr(const buf *b);
/* Hands the memory to the caller (caller frees; never NULL) and empties b. */
char *buf_detach(buf *b);
/* Frees the memory; b is empty and reusable afterwards.  NULL-safe. */
void buf_free(buf *b);

#endif
