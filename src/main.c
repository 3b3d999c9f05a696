/* main: hands the arguments to the command line. */
#include <signal.h>

#include "cli.h"
#include "u8.h"

int main(int argc, char **argv)
{
	/* Over a file size limit a write should fail with EFBIG and a
	 * message, not kill the process. */
	signal(SIGXFSZ, SIG_IGN);
	u8_setlocale();
	return cli_main(argc, argv);
}
