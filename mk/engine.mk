# mk/engine.mk - the command-line tool and engine tests (owner: engine)
CLI_SRCS = examples/cam.c examples/cam_cmd_engine.c examples/cam_cmd_vis.c examples/cam_cmd_eval.c

$(BUILD)/cam: $(CLI_SRCS) examples/cam_cli.h $(BUILD)/cam_impl.o
	$(CC) $(ALL_CFLAGS) -Iexamples $(CLI_SRCS) $(BUILD)/cam_impl.o -o $@ $(LIBS)
