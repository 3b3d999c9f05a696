/* main: hands the arguments to the command line. */
#include "cli.h"
#include "u8.h"

int main(int argc, char **argv)
{
	u8_setlocale();
	return cli_main(argc, argv);
}
