# mk/models.mk
