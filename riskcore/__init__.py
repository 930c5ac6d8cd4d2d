"""Encours: receivables KPIs, client credit scoring and limits on a DuckDB workspace."""

__version__ = "0.1.0"
