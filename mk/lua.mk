# mk/lua.mk
