"""Acceptance 4: the same valid invoices written in any supported CSV dialect import to the
same canonical rows (delimiter, encoding, number style, date style, headers, flags)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.access.auth import CLI_USER
from riskcore.ingest import import_files
from riskcore.storage.store import Store

HEADERS = {
    "fr": ["N° facture", "Code client", "Date facture", "Échéance", "Montant TTC", "Litige", "Motif du litige"],
    "en": ["Invoice No", "Customer ID", "Invoice date", "Due date", "Amount", "Disputed", "Dispute reason"],
}
# Accented letters whose bytes are the same in Windows-1252 and ISO-8859-15, so that the
# expected text does not depend on which of the two a detector picks for a short file.
LETTERS = "abcdefghijklmnopqrstuvwxyzéèàçôùâêîûëïÉ"
DATE_STYLES = {
    "iso": "%Y-%m-%d",
    "dmy_slash": "%d/%m/%Y",
    "dmy_dot": "%d.%m.%Y",
    "compact": "%Y%m%d",
    "dmy_short": "%d-%m-%y",  # two-digit years 00-69 are 20xx
    "day_month_name": "%d-%b-%y",  # 05-Mar-25 (C locale month abbreviations)
}
FLAGS = {"fr": ("oui", "non"), "en": ("Yes", "No"), "digit": ("1", "0"), "word": ("true", "false")}

invoice = st.fixed_dictionaries({
    "client": st.from_regex(r"C?[0-9]{1,5}", fullmatch=True),  # leading zeros must survive
    "date": st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    "terms": st.integers(0, 120),
    "cents": st.integers(-99_999_999, 999_999_999).filter(lambda c: c != 0),
    "disputed": st.booleans(),
    "reason": st.text(LETTERS + " ", min_size=1, max_size=12).map(str.strip).filter(bool),
})  # fmt: skip

dialect = st.fixed_dictionaries({
    "delimiter": st.sampled_from([",", ";", "\t", "|"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "iso-8859-15"]),
    "numbers": st.sampled_from(
        ["dot", "comma", "space_comma", "nbsp_comma", "narrow_nbsp_comma", "dot_thousands", "comma_thousands"]
    ),
    "negative": st.sampled_from(["minus", "parens", "trailing"]),
    "dates": st.sampled_from(list(DATE_STYLES)),
    "headers": st.sampled_from(list(HEADERS)),
    "flags": st.sampled_from(list(FLAGS)),
})  # fmt: skip


def amount_text(cents: int, numbers: str, negative: str) -> str:
    """`cents` written as a finance export of that style would write it."""
    units, decimals = divmod(abs(cents), 100)
    grouped = f"{units:,}"  # 1,234,567
    body = {
        "dot": f"{units}.{decimals:02d}",
        "comma": f"{units},{decimals:02d}",
        "space_comma": grouped.replace(",", " ") + f",{decimals:02d}",
        "nbsp_comma": grouped.replace(",", "\u00a0") + f",{decimals:02d}",
        "narrow_nbsp_comma": grouped.replace(",", "\u202f") + f",{decimals:02d}",
        "dot_thousands": grouped.replace(",", ".") + f",{decimals:02d}",
        "comma_thousands": grouped + f".{decimals:02d}",
    }[numbers]
    if cents < 0:
        body = {"minus": f"-{body}", "parens": f"({body})", "trailing": f"{body}-"}[negative]
    return body


def write_dialect(path: Path, rows: list[dict], d: dict) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=d["delimiter"], lineterminator="\r\n")
    writer.writerow(HEADERS[d["headers"]])
    yes, no = FLAGS[d["flags"]]
    fmt = DATE_STYLES[d["dates"]]
    for i, r in enumerate(rows):
        due = r["date"] + dt.timedelta(days=r["terms"])
        writer.writerow([
            f"F{i:05d}", r["client"], r["date"].strftime(fmt), due.strftime(fmt),
            amount_text(r["cents"], d["numbers"], d["negative"]), yes if r["disputed"] else no, r["reason"],
        ])  # fmt: skip
    text = out.getvalue()
    if d["encoding"] in ("cp1252", "iso-8859-15"):
        text = text.replace("\u202f", "\u00a0")  # single-byte code pages have no narrow no-break space
    path.write_bytes(text.encode(d["encoding"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(invoice, min_size=1, max_size=8), d=dialect)
def test_valid_rows_in_any_dialect_import_to_the_same_canonical_rows(rows, d):
    folder = Path(tempfile.mkdtemp(prefix="dialect-"))
    store = Store(folder / "workspace.duckdb")
    try:
        path = folder / "invoices.csv"
        write_dialect(path, rows, d)
        report = import_files(store, [path], user=CLI_USER)
        assert report.ok, report.render("en")
        assert report.files[0].rows_loaded == len(rows)
        got = (
            store.cursor()
            .execute(
                "SELECT invoice_id, client_id, invoice_date, due_date, amount, disputed, dispute_reason, due_date_assumed "
                "FROM invoices ORDER BY invoice_id"
            )
            .fetchall()
        )
        # Expected straight from the generated values: the canonical row does not depend on the dialect.
        expected = [
            (f"F{i:05d}", r["client"], r["date"], r["date"] + dt.timedelta(days=r["terms"]),
             Decimal(r["cents"]) / 100, r["disputed"], r["reason"], False)
            for i, r in enumerate(rows)
        ]  # fmt: skip
        assert got == expected
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
