/* Placeholder until implemented: each command reports that it is missing. */
#include <stdio.h>
#include "cam_cli.h"
int cam_cmd_classify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam classify: error: not implemented yet\n");
    return 1;
}
int cam_cmd_map(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam map: error: not implemented yet\n");
    return 1;
}
int cam_cmd_features(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cam features: error: not implemented yet\n");
    return 1;
}
