/* Placeholder until implemented: each command reports that it is missing. */
#include <stdio.h>
#include "cam_cli.h"
int cam_cmd_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam eval: error: not implemented yet\n");
    return 1;
}
