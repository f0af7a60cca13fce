/* cam - command-line front end of cam.h. */
#include <stdio.h>
#include <string.h>
#include "cam.h"
#include "cam_cli.h"

typedef struct cam_cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cam_cli_command;

static const cam_cli_command cam_cli_commands[] = {
    {"run", cam_cmd_run, "run a model on .npy inputs, write .npy outputs"},
    {"info", cam_cmd_info, "inputs, outputs, operators, parameters, MACs, memory"},
    {"bench", cam_cmd_bench, "time forward passes (anchors MINE_CMD contract)"},
    {"classify", cam_cmd_classify, "top classes for images"},
    {"map", cam_cmd_map, "class activation maps, boxes and pictures"},
    {"features", cam_cmd_features, "GAP features for images (libsvm, csv, npy)"},
    {"eval", cam_cmd_eval, "classification and localization metrics on a dataset"},
};

static void cam_cli_usage(FILE *f)
{
    size_t i;
    fprintf(f, "usage: cam COMMAND [ARGS...]   (cam COMMAND --help for details)\n\n"
               "cam %d.%d.%d, kernels: %s\n\ncommands:\n",
            CAM_VERSION_MAJOR, CAM_VERSION_MINOR, CAM_VERSION_PATCH, cam_simd_name());
    for (i = 0; i < sizeof cam_cli_commands / sizeof cam_cli_commands[0]; i++)
        fprintf(f, "  %-10s %s\n", cam_cli_commands[i].name, cam_cli_commands[i].summary);
}

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        cam_cli_usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cam_cli_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("cam %d.%d.%d %s\n", CAM_VERSION_MAJOR, CAM_VERSION_MINOR, CAM_VERSION_PATCH,
               cam_simd_name());
        return 0;
    }
    for (i = 0; i < sizeof cam_cli_commands / sizeof cam_cli_commands[0]; i++)
        if (!strcmp(argv[1], cam_cli_commands[i].name))
            return cam_cli_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cam: error: unknown command '%s' (try cam --help)\n", argv[1]);
    return 2;
}
