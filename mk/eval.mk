# mk/eval.mk
