# mk/kernels.mk
