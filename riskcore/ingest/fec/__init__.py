"""The French FEC (Fichier des Écritures Comptables, LPF A47 A-1): its client sub-ledger as
canonical clients, invoices and payments, and a canonical ledger written as a FEC.

DOMAIN.md §6 lists the variants seen in real files; every one is read here. Amounts stay in
integer cents from parsing to reconciliation so that balances agree to the cent, and every
step is a vectorised pandas/numpy operation: a 2-million-line file is never looped over.

Reading goes `source` (the file as lines) -> `lines` (client-account lines and their kind) ->
`lettering` (documents and what settled them) -> `frames` (canonical clients and invoices) ->
`reconciliation` (balances and notes), chained by `read`; `write` goes the other way.
"""

from riskcore.ingest.fec.read import FecResult, read_fec
from riskcore.ingest.fec.source import FEC_COLUMNS, is_fec
from riskcore.ingest.fec.write import write_fec

__all__ = ["FEC_COLUMNS", "FecResult", "is_fec", "read_fec", "write_fec"]
