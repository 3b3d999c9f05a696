/* tap: a tiny TAP producer for the C unit tests.  Each check prints one
 * "ok N - name" or "not ok N - name" line; tap_done() prints the plan and
 * returns the exit status. */
#ifndef DOCDAY_TAP_H
#define DOCDAY_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_check(int ok, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tap_n, name);
	if (!ok) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return ok;
}

static int tap_streq(const char *got, const char *want, const char *file, int line,
                     const char *name)
{
	int ok = (got == want) || (got && want && strcmp(got, want) == 0);

	if (!tap_check(ok, file, line, name)) {
		printf("#   got:  \"%s\"\n", got ? got : "(null)");
		printf("#   want: \"%s\"\n", want ? want : "(null)");
	}
	return ok;
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#define OK(cond, name) tap_check(!!(cond), __FILE__, __LINE__, (name))
#define STREQ(got, want, name) tap_streq((got), (want), __FILE__, __LINE__, (name))

#endif
