"""Row validation: typed canonical columns of each file, and every bad row with its reason.

Problems are kept as boolean row masks (one per reason and column), so a million rows cost
no Python loop; `Issues.first(n)` turns only the first n into `Problem`s for the report.
`Batch` then checks what needs the other files of the batch or the database: unknown
invoices and clients, payments above their invoice (the excess kept as unapplied cash), assumed
due dates, generated payments.

`issues` holds the masks, `cells` the typed columns, `files` the checks of one file on its own,
`stored` the look-ups into the workspace, `invoice_rules` and `batch` the checks across files.
"""

from riskcore.ingest.validate.batch import Batch, Written
from riskcore.ingest.validate.files import Checked, auto_ids, check_file
from riskcore.ingest.validate.invoice_rules import date_in_name
from riskcore.ingest.validate.issues import Issues, Note, RowOf, as_mask
from riskcore.ingest.validate.stored import Ledger

__all__ = [
    "Batch",
    "Checked",
    "Issues",
    "Ledger",
    "Note",
    "RowOf",
    "Written",
    "as_mask",
    "auto_ids",
    "check_file",
    "date_in_name",
]
