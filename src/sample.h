/* sample: the bundled sample wiki, compiled in from the Markdown files in data/sample by
 * build-aux/embed.sh.  The array ends with a {NULL, NULL} entry. */
#ifndef DOCDAY_SAMPLE_H
#define DOCDAY_SAMPLE_H

struct sample_page {
	const char *name; /* file name, e.g. "getting-started.md" */
	const char *text; /* the file's contents */
};

extern const struct sample_page sample_pages[];

#endif
