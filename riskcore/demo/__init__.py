"""A seeded, realistic French SME receivables ledger, and the sample upload files made from it.

`generate` builds the four canonical frames (riskcore/storage/schema.py) with numpy only, so
30 000 invoices take well under a second; the same seed always gives the same ledger. The story
it tells (issue 2 §5): Pareto revenue, seasonality, legal payment terms (and a few above the
cap), punctual and chronic late payers, clients deteriorating over the last six months, one
client entering a collective procedure, two in litigation, disputes, partial payments,
credit notes, unapplied cash, write-offs and a dunning scenario. A client's lateness is
persistent (a propensity plus a slow random walk plus noise), so it can be learned.

Money is drawn in integer cents so that allocations add up exactly; the frames carry floats
rounded to 2 decimals.

Modules, in the order the generator draws: words (word lists and parameters), draws (small
helpers), clients, invoices (and their settlement and payments), dunning, frames (the
canonical tables), ledger (`generate`, `story`); then samples (the upload files) and
workspace (`load_demo`, `ensure_workspace`). No module imports this package: they import
their siblings, so there is no cycle through it.
"""

from riskcore.demo.draws import luhn_digit, siren_is_valid
from riskcore.demo.ledger import generate, story
from riskcore.demo.samples import (
    SAMPLE_COLUMNS,
    SAMPLE_HEADERS,
    last_fiscal_year,
    write_csv_samples,
    write_fec_sample,
    write_samples,
    write_xlsx_sample,
)
from riskcore.demo.words import DEMO_END, DEMO_SIREN, DISPUTE_REASONS, SURNAMES
from riskcore.demo.workspace import ensure_workspace, load_demo, replace_with_demo

__all__ = [
    "DEMO_END",
    "DEMO_SIREN",
    "DISPUTE_REASONS",
    "SAMPLE_COLUMNS",
    "SAMPLE_HEADERS",
    "SURNAMES",
    "ensure_workspace",
    "generate",
    "last_fiscal_year",
    "load_demo",
    "luhn_digit",
    "replace_with_demo",
    "siren_is_valid",
    "story",
    "write_csv_samples",
    "write_fec_sample",
    "write_samples",
    "write_xlsx_sample",
]
