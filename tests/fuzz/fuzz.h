/* What every libFuzzer target shares: CHECK, which reports a broken
 * invariant and aborts (libFuzzer then keeps the input), and the UTF-8
 * locale set-up.  Define FUZZ_NAME (the target's name) before including. */
#ifndef DOCDAY_FUZZ_H
#define DOCDAY_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "u8.h"

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, FUZZ_NAME ": invariant broken: %s: ", #cond);    \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Widths and word characters come from a UTF-8 locale: without one the
 * target would check nothing worth checking. */
static inline void fuzz_need_utf8(void)
{
	if (u8_setlocale() < 0) {
		fprintf(stderr, FUZZ_NAME ": no UTF-8 locale\n");
		abort();
	}
}

#endif
