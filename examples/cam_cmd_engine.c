/* Placeholder until implemented: each command reports that it is missing. */
#include <stdio.h>
#include "cam_cli.h"
int cam_cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam run: error: not implemented yet\n");
    return 1;
}
int cam_cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam info: error: not implemented yet\n");
    return 1;
}
int cam_cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam bench: error: not implemented yet\n");
    return 1;
}
