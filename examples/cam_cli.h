/* Subcommands of the `cam` command-line tool. Each takes the arguments after
   the subcommand name (argv[0] is the subcommand) and returns the exit status. */
#ifndef CAM_CLI_H
#define CAM_CLI_H

int cam_cmd_run(int argc, char **argv);      /* examples/cam_cmd_engine.c */
int cam_cmd_info(int argc, char **argv);
int cam_cmd_bench(int argc, char **argv);
int cam_cmd_classify(int argc, char **argv); /* examples/cam_cmd_vis.c */
int cam_cmd_map(int argc, char **argv);
int cam_cmd_features(int argc, char **argv);
int cam_cmd_eval(int argc, char **argv);     /* examples/cam_cmd_eval.c */

#endif
