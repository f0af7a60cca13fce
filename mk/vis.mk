# mk/vis.mk
