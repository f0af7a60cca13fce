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

LUA_TESTS = $(sort $(wildcard tests/lua/test_*.lua))
TEST_PROGS += $(foreach t,$(LUA_TESTS),"LUA_CPATH='$(BUILD)/?.so' $(LUA) $(t)")
TEST_DEPS  += $(BUILD)/cam.so $(BUILD)/cam

.PHONY: install-lua lua
lua: $(BUILD)/cam.so
install: install-lua
install-lua: $(BUILD)/cam.so
	install -d $(DESTDIR)$(LUA_INSTALL_CMOD) $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/cam.so $(DESTDIR)$(LUA_INSTALL_CMOD)/cam.so
	install -m 644 cam.h cam_simd.h $(DESTDIR)$(PREFIX)/include/
