# mk/lua.mk - Lua 5.4 binding: build/cam.so, its tests and install (owner: lua)
# The module compiles cam.h's implementation itself (CAM_IMPLEMENTATION in
# lua/cam_lua.c) so cam.so is self-contained.
LUA_INSTALL_CMOD := $(shell $(PKG_CONFIG) --variable=INSTALL_CMOD lua5.4 2>/dev/null)
ifeq ($(LUA_INSTALL_CMOD),)
LUA_INSTALL_CMOD = /usr/local/lib/lua/5.4
endif
# A PREFIX other than the default installs under it (packaging, staged installs).
ifneq ($(PREFIX),/usr/local)
LUA_INSTALL_CMOD = $(PREFIX)/lib/lua/5.4
endif

ALL_TARGETS += $(BUILD)/cam.so

$(BUILD)/cam.so: lua/cam_lua.c $(HEADERS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -fPIC $(LUA_CFLAGS) -shared $< -o $@ $(LIBS)

# The tests load the module into the host's lua5.4, so a cross build can't run
# them (CROSS, see mk/checks.mk); HOST_PRELOAD lets lua5.4 load a sanitized
# module; RUN_PREFIX (valgrind) also reaches the programs the tests start.
# CAM_BIN: the command-line tool that tests/lua/test_parity.lua compares with.
LUA_TESTS = $(sort $(wildcard tests/lua/test_*.lua))
LUA_TEST_PROGS = $(foreach t,$(LUA_TESTS),\
    "LD_PRELOAD='$(HOST_PRELOAD)' LUA_CPATH='$(BUILD)/?.so' CAM_BIN=$(BUILD)/cam $(RUN_PREFIX) $(LUA) $(t)")
ifeq ($(CROSS),)
TEST_PROGS += $(LUA_TEST_PROGS)
TEST_DEPS  += $(BUILD)/cam.so $(BUILD)/cam
endif

.PHONY: install-lua lua test-lua
lua: $(BUILD)/cam.so
# Only the Lua tests (make test runs them with all the others).
test-lua: $(BUILD)/cam.so $(BUILD)/cam
	@sh tests/run_tests.sh $(LUA_TEST_PROGS)
install: install-lua
install-lua: $(BUILD)/cam.so
	install -d $(DESTDIR)$(LUA_INSTALL_CMOD) $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/cam.so $(DESTDIR)$(LUA_INSTALL_CMOD)/cam.so
	install -m 644 cam.h cam_simd.h $(DESTDIR)$(PREFIX)/include/
