"""Reporting: figures turned into text, charts and the board report."""
