"""Pandera schemas, one module per raw extract (spec/extracts.md).

Each module holds one ``DataFrameModel`` and a ``RULES`` table that states, per
check, how severe a failure is and which column a row-level failure is reported
against. ``pipeline.validate`` runs the models; code lists are read from
``schemas/codes/*.csv`` so that the schemas and the SQL share one copy.
"""
