# mk/checks.mk
