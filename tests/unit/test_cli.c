/* Unit tests for the command line's decisions that need no terminal: when
 * emoji sequences are drawn split (--graphemes, RENDERING 15). */
#include "../../src/cli.h"
#include "tap.h"

int main(void)
{
	/* An explicit choice wins over any terminal. */
	OK(cli_split_graphemes("split", "xterm-256color", NULL, NULL) == 1, "split is split");
	OK(cli_split_graphemes("join", "xterm-kitty", NULL, "1") == 0, "join is join, even in kitty");
	OK(cli_split_graphemes("sometimes", NULL, NULL, NULL) == -1, "another word is an error");
	OK(cli_split_graphemes("", NULL, NULL, NULL) == -1, "so is an empty one");

	/* auto (or nothing said): what the terminal is known to do. */
	OK(cli_split_graphemes(NULL, "xterm-kitty", NULL, NULL) == 1, "TERM=xterm-kitty splits");
	OK(cli_split_graphemes("auto", "xterm-kitty-direct", NULL, NULL) == 1,
	   "a kitty TERM variant splits");
	OK(cli_split_graphemes(NULL, "tmux-256color", NULL, "3") == 1,
	   "KITTY_WINDOW_ID splits (tmux inside kitty)");
	OK(cli_split_graphemes(NULL, "tmux-256color", NULL, "") == 0, "an empty KITTY_WINDOW_ID does not");
	OK(cli_split_graphemes(NULL, "xterm-256color", "WezTerm", NULL) == 1, "WezTerm splits");
	OK(cli_split_graphemes(NULL, "xterm-ghostty", NULL, NULL) == 1, "Ghostty splits");
	OK(cli_split_graphemes(NULL, "xterm-256color", "ghostty", NULL) == 1,
	   "Ghostty by TERM_PROGRAM splits");
	OK(cli_split_graphemes(NULL, "xterm-256color", NULL, NULL) == 0,
	   "VTE, xterm and the rest join (VTE 0.70 counts as wcwidth does)");
	OK(cli_split_graphemes(NULL, "xterm-256color", "vscode", NULL) == 0, "another TERM_PROGRAM joins");
	OK(cli_split_graphemes(NULL, NULL, NULL, NULL) == 0, "no TERM joins");
	OK(cli_split_graphemes(NULL, "xterm-kitt", NULL, NULL) == 0, "a near miss joins");
	return tap_done();
}
