/* cli: the command line.  Parses options, picks the database, runs one
 * subcommand and maps errors to exit codes (0 ok, 1 user error, 2 usage,
 * 3 database, 4 conflict).  The only place besides the TUI that prints.
 *
 * The table of subcommands (name, usage, summary, help) is the one source
 * of `docday --help`, `docday help CMD` and the man page check. */
#ifndef DOCDAY_CLI_H
#define DOCDAY_CLI_H

struct cli_ctx; /* private to cli.c */

struct cli_command {
	const char *name;
	const char *usage;   /* arguments after the name */
	const char *summary; /* one line */
	const char *help;    /* paragraphs for `docday help NAME` */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	int open;  /* how it opens the database (cli.c) */
	int flags; /* what it may do (cli.c) */
};

/* The subcommands, ending with a {NULL} entry. */
extern const struct cli_command cli_commands[];

/* Whether emoji sequences are drawn split (RENDERING 15): when is "split"
 * (1), "join" (0), or "auto" or NULL: 1 in a terminal known to draw them
 * narrower than wcwidth's sum -- TERM xterm-kitty* or KITTY_WINDOW_ID set
 * (kitty), TERM_PROGRAM WezTerm, TERM xterm-ghostty or TERM_PROGRAM ghostty
 * -- else 0.  term, term_program and kitty_window_id are those variables'
 * values (NULL: unset).  -1 for any other when. */
int cli_split_graphemes(const char *when, const char *term, const char *term_program,
                        const char *kitty_window_id);

/* Runs docday with the program's arguments; returns the exit code. */
int cli_main(int argc, char **argv);

#endif
