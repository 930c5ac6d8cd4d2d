"""Receivables: what is owed and how it is paid (aging, DSO, CEI, late-payment law), computing only."""
