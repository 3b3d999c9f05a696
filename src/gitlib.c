/* gitlib: dlopen()s libgit2 and fills the function table (gitlib.h).
 * Called through diff_lib_init only. */
#define GITLIB_LOADER
#include "gitlib.h"

#include <dlfcn.h>

#ifndef GIT2_SONAME
#error "configure defines GIT2_SONAME (the file name of libgit2 to load)"
#endif

struct gitlib_fns gitlib;
static void *handle;

int gitlib_open(err_info *e)
{
	const char *missing = NULL;
	void *h;

	if (handle)
		return 0;
	h = dlopen(GIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();

		return err_set(e, ERR_USER,
		               "cannot load libgit2 (%s), which diffs and merges need: %s; "
		               "install the Debian package libgit2-1.5 or the one docday was "
		               "built with",
		               GIT2_SONAME, why ? why : "not found");
	}
#define GITLIB_SYM(f)                                                                              \
	if (!missing && !(*(void **)&gitlib.f = dlsym(h, #f)))                                     \
		missing = #f;
	GITLIB_FUNCS(GITLIB_SYM)
#undef GITLIB_SYM
	if (missing) {
		dlclose(h);
		return err_set(e, ERR_USER,
		               "%s has no function %s: not the libgit2 docday was built with",
		               GIT2_SONAME, missing);
	}
	handle = h;
	return 0;
}
