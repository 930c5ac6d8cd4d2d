"""Reading the French FEC (DOMAIN.md §6, issue 3): every file variant, every ledger rule.

Every FEC here is written by the test itself, line by line, and every expected figure is
worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from riskcore.errors import LedgerError
from riskcore.ingest.fec import FEC_COLUMNS, is_fec, read_fec, write_fec

JOURNALS = {"VT": "Ventes", "BQ": "Banque", "OD": "Opérations diverses", "AN": "A nouveaux", "AC": "Achats"}


def line(journal, num, date, account, aux="", name="", piece="", debit="0,00", credit="0,00", let="", date_let="",
         label=None, piece_date=None, journal_lib=None) -> dict:  # fmt: skip
    """One FEC line as a dict of its 18 columns."""
    return {
        "JournalCode": journal, "JournalLib": journal_lib or JOURNALS.get(journal, journal), "EcritureNum": str(num),
        "EcritureDate": date, "CompteNum": account, "CompteLib": f"Compte {account}", "CompAuxNum": aux,
        "CompAuxLib": name, "PieceRef": piece, "PieceDate": piece_date or date, "EcritureLib": label or f"Pièce {piece}",
        "Debit": debit, "Credit": credit, "EcritureLet": let, "DateLet": date_let, "ValidDate": date,
        "Montantdevise": "", "Idevise": "",
    }  # fmt: skip


def fec_text(lines: list[dict], sep: str = "\t", columns: tuple[str, ...] = FEC_COLUMNS, trailing: bool = False) -> str:
    rows = [list(columns)] + [[ln.get(c, "") for c in columns] for ln in lines]
    return "\n".join(sep.join(r) + (sep if trailing else "") for r in rows) + "\n"


def write(tmp_path, text: str, *, encoding: str = "utf-8", newline: str = "\n", name: str = "123456789FEC20241231.txt"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


# The reference ledger, hand-worked:
#   C001 Dupont SA: F001 1200 paid by the 1200 of 09/02 (letter A); F002 600, 250 paid on 01/03 (letter B, open)
#       balance 1200 + 600 - 1200 - 250 = 350 = open F002 600 - 250
#   C002 Bœuf & Cie: F003 480, 100 received 10/03 without lettering (unapplied cash)
#       balance 480 - 100 = 380 = open F003 480 - unapplied 100
#   total 730, last entry 10/03/2024
REFERENCE = [
    line("VT", 1, "20240110", "411000", "C001", "Dupont SA", "F001", debit="1200,00", let="A", date_let="20240209"),
    line("VT", 1, "20240110", "706000", piece="F001", credit="1000,00"),
    line("VT", 1, "20240110", "445710", piece="F001", credit="200,00"),
    line("VT", 2, "20240120", "411000", "C002", "Bœuf & Cie", "F003", debit="480,00"),
    line("VT", 2, "20240120", "706000", piece="F003", credit="400,00"),
    line("VT", 2, "20240120", "445710", piece="F003", credit="80,00"),
    line("BQ", 1, "20240209", "512000", piece="VIR1", debit="1200,00"),
    line("BQ", 1, "20240209", "411000", "C001", "Dupont SA", "VIR1", credit="1200,00", let="A", date_let="20240209"),
    line("VT", 3, "20240215", "411000", "C001", "Dupont SA", "F002", debit="600,00", let="B"),
    line("VT", 3, "20240215", "706000", piece="F002", credit="500,00"),
    line("VT", 3, "20240215", "445710", piece="F002", credit="100,00"),
    line("BQ", 2, "20240301", "512000", piece="VIR2", debit="250,00"),
    line("BQ", 2, "20240301", "411000", "C001", "Dupont SA", "VIR2", credit="250,00", let="B"),
    line("BQ", 3, "20240310", "512000", piece="CHQ3", debit="100,00"),
    line("BQ", 3, "20240310", "411000", "C002", "Bœuf & Cie", "CHQ3", credit="100,00"),
]
REFERENCE_BALANCES = {"C001": 350.0, "C002": 380.0}


def balances(result, as_of: str | None = None) -> dict[str, float]:
    """Per client: invoices dated <= D, not written off by D, minus the payments dated <= D on them or unapplied."""
    day = pd.Timestamp(as_of or result.last_entry_date)
    inv, pay = result.frames["invoices"], result.frames["payments"]
    live = (inv["invoice_date"] <= day) & ~(inv["write_off_date"] <= day)
    paid = pay[
        (pay["payment_date"] <= day) & (pay["invoice_id"].isna() | pay["invoice_id"].isin(inv.loc[live, "invoice_id"]))
    ]
    out = inv[live].groupby("client_id")["amount"].sum().sub(paid.groupby("client_id")["amount"].sum(), fill_value=0)
    out = out.reindex(result.frames["clients"]["client_id"], fill_value=0.0)  # every client, 0 when nothing is open
    return {k: round(v, 2) for k, v in out.items()}


def reconciles(result) -> bool:
    return bool((result.reconciliation["difference"].abs() < 0.005).all()) and result.notes[-1][0] == "fec.reconciled"


def amounts(frame: pd.DataFrame, key: str = "invoice_id") -> dict[str, float]:
    return dict(zip(frame[key], frame["amount"].round(2), strict=True))


# --- scope 1: file variants ---------------------------------------------------------------------


def _pad(ln: dict) -> dict:
    # fixed-width exports: text padded right, amounts padded left with spaces
    return {k: (f"{v:>14}" if k in ("Debit", "Credit") else f"{v:<10}") for k, v in ln.items()}


def _zeros(ln: dict) -> dict:
    return {k: (v.rjust(13, "0") if k in ("Debit", "Credit") else v) for k, v in ln.items()}


def _montant_sens(ln: dict) -> dict:
    debit = ln["Debit"] != "0,00"
    return {**ln, "Montant": ln["Debit"] if debit else ln["Credit"], "Sens": "D" if debit else "C"}


MONTANT_SENS = (
    *tuple(c for c in FEC_COLUMNS if c not in ("Debit", "Credit"))[:11],
    *("Montant", "Sens", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"),
)
LOWER = tuple(c.lower() for c in FEC_COLUMNS)
CAMEL = tuple("MontantDevise" if c == "Montantdevise" else c for c in FEC_COLUMNS)
EXTRA = (*FEC_COLUMNS, "DateRglt", "ModeRglt", "NatOp", "IdClient", "CodeEtablissement")


@pytest.mark.parametrize(
    ("variant", "sep", "encoding", "newline", "columns", "shape", "trailing"),
    [
        ("tab", "\t", "utf-8", "\n", FEC_COLUMNS, None, False),
        ("pipe", "|", "utf-8", "\n", FEC_COLUMNS, None, False),
        ("semicolon", ";", "utf-8", "\n", FEC_COLUMNS, None, False),
        ("trailing separator", "|", "utf-8", "\n", FEC_COLUMNS, None, True),
        ("utf-8 with BOM", "\t", "utf-8-sig", "\n", FEC_COLUMNS, None, False),
        ("windows-1252", "\t", "cp1252", "\r\n", FEC_COLUMNS, None, False),
        ("iso-8859-15", "|", "iso-8859-15", "\n", FEC_COLUMNS, None, False),
        ("utf-16", "\t", "utf-16", "\r\n", FEC_COLUMNS, None, False),
        ("CRLF", "\t", "utf-8", "\r\n", FEC_COLUMNS, None, False),
        ("CR CR LF", "\t", "utf-8", "\r\r\n", FEC_COLUMNS, None, False),
        ("space padded", "\t", "utf-8", "\n", FEC_COLUMNS, _pad, False),
        ("zero padded amounts", "|", "utf-8", "\n", FEC_COLUMNS, _zeros, False),
        ("lower-case header", "\t", "utf-8", "\n", LOWER, None, False),
        ("MontantDevise header", "\t", "utf-8", "\n", CAMEL, None, False),
        ("more than 18 columns", "\t", "utf-8", "\n", EXTRA, None, False),
        ("Montant and Sens", "\t", "utf-8", "\n", MONTANT_SENS, _montant_sens, False),
    ],
)
def test_every_fec_variant_reads_the_same_ledger(tmp_path, variant, sep, encoding, newline, columns, shape, trailing):
    lines = [shape(ln) if shape else ln for ln in REFERENCE]
    if columns is LOWER:
        lines = [{k.lower(): v for k, v in ln.items()} for ln in lines]
    if columns is CAMEL:
        lines = [{("MontantDevise" if k == "Montantdevise" else k): v for k, v in ln.items()} for ln in lines]
    path = write(tmp_path, fec_text(lines, sep, columns, trailing), encoding=encoding, newline=newline)
    result = read_fec(path)
    assert result.rows_read == 15, variant  # 15 data lines
    assert balances(result) == REFERENCE_BALANCES  # C001 350, C002 380 (see REFERENCE)
    assert amounts(result.frames["invoices"]) == {"F001": 1200.0, "F002": 600.0, "F003": 480.0}
    names = dict(zip(result.frames["clients"]["client_id"], result.frames["clients"]["name"], strict=True))
    assert names == {"C001": "Dupont SA", "C002": "Bœuf & Cie"}  # œ is 0x9C in cp1252, 0xBD in ISO-8859-15
    assert reconciles(result)
    assert result.last_entry_date == dt.date(2024, 3, 10)
    assert result.problems == []


def test_the_encoding_and_separator_are_reported_in_the_first_note(tmp_path):
    path = write(tmp_path, fec_text(REFERENCE, "|"), encoding="cp1252")
    key, params = read_fec(path).notes[0]
    assert key == "fec.read"
    assert (params["encoding"], params["separator"], params["rows"]) == ("cp1252", "|", 15)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (list(FEC_COLUMNS), True),
        ([c.upper() for c in FEC_COLUMNS], True),
        (list(MONTANT_SENS), True),
        (["\ufeffJournalCode", *FEC_COLUMNS[1:], ""], True),  # BOM on the first header, trailing separator
        (["|".join(FEC_COLUMNS)], True),  # a header row that was not split on pipes
        (["invoice_id", "client_id", "invoice_date", "amount"], False),
        ([c for c in FEC_COLUMNS if c != "CompAuxNum"], False),
        ([c for c in FEC_COLUMNS if c not in ("Debit", "Credit")], False),
    ],
)
def test_a_fec_is_recognised_by_its_header(headers, expected):
    assert is_fec(headers) is expected


# --- whole-file refusals ------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(LedgerError) as err:
        read_fec(write(tmp_path, "\n\n"))
    assert err.value.key == "fec.empty"


def test_a_file_without_fec_columns_is_refused_naming_them(tmp_path):
    with pytest.raises(LedgerError) as err:
        read_fec(
            write(tmp_path, "JournalCode\tEcritureDate\tCompteNum\tDebit\tCredit\nVT\t20240101\t411\t1,00\t0,00\n")
        )
    assert err.value.key == "fec.missing_columns"
    assert err.value.params["columns"] == "CompAuxNum, PieceRef"


def test_a_ledger_without_client_accounts_is_refused(tmp_path):
    lines = [line("AC", 1, "20240105", "607000", piece="A1", debit="10,00"),
             line("AC", 1, "20240105", "401000", "F1", "Fournisseur", "A1", credit="10,00")]  # fmt: skip
    with pytest.raises(LedgerError) as err:
        read_fec(write(tmp_path, fec_text(lines)))
    assert err.value.key == "fec.no_client_lines"


# --- scope 2: client accounts ---------------------------------------------------------------------


def test_client_accounts_are_411_413_416_418_419_and_416_marks_the_client_doubtful(tmp_path):
    lines = [
        line("VT", 1, "20240105", "411000", "C1", "Alpha", "F1", debit="100,00"),
        line("VT", 2, "20240106", "413000", "C2", "Beta", "E1", debit="200,00"),  # effets à recevoir
        line("VT", 3, "20240107", "416000", "C3", "Gamma", "F3", debit="300,00"),  # douteux
        line("VT", 4, "20240108", "418100", "C4", "Delta", "FAE1", debit="400,00"),  # factures à établir
        line("BQ", 1, "20240109", "419100", "C5", "Epsilon", "AC1", credit="500,00"),  # acompte reçu
        line("VT", 5, "20240110", "41100000", "C6", "Zeta", "F6", debit="50,00"),  # 8-digit collective account
        line("AC", 1, "20240110", "401000", "F9", "Fournisseur", "A9", credit="999,00"),  # a supplier: not a client
        line("AC", 1, "20240110", "607000", piece="A9", debit="999,00"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    clients = result.frames["clients"].set_index("client_id")
    assert sorted(clients.index) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert clients["doubtful"].to_dict() == {c: c == "C3" for c in clients.index}
    # each debit is an open invoice; the 419 credit is cash received in advance: unapplied, -500
    assert balances(result) == {"C1": 100.0, "C2": 200.0, "C3": 300.0, "C4": 400.0, "C5": -500.0, "C6": 50.0}
    assert result.frames["payments"]["invoice_id"].isna().all()
    assert reconciles(result)


NO_SUB_LEDGER = [
    line("VT", 1, "20240105", "411000", piece="F1", debit="120,00", let="A"),
    line("VT", 1, "20240105", "706000", piece="F1", credit="120,00"),
    line("VT", 2, "20240106", "411100", piece="F2", debit="80,00"),
    line("VT", 2, "20240106", "706000", piece="F2", credit="80,00"),
    line("BQ", 1, "20240110", "411000", piece="R1", credit="120,00", let="A"),
    line("BQ", 1, "20240110", "512000", piece="R1", debit="120,00"),
]


def test_a_ledger_without_client_sub_accounts_is_refused_saying_so(tmp_path):
    with pytest.raises(LedgerError) as err:
        read_fec(write(tmp_path, fec_text(NO_SUB_LEDGER)), file_name="export.txt")
    assert err.value.key == "fec.no_sub_ledger"
    assert "no client sub-ledger: CompAuxNum is empty on every 411 line" in err.value.message("en")
    assert err.value.message("en").startswith("export.txt")


def test_collective_as_client_takes_each_collective_account_as_one_client(tmp_path):
    result = read_fec(write(tmp_path, fec_text(NO_SUB_LEDGER)), collective_as_client=True)
    clients = result.frames["clients"]
    assert dict(zip(clients["client_id"], clients["name"], strict=True)) == {
        "411000": "Compte 411000", "411100": "Compte 411100"
    }  # fmt: skip
    assert balances(result) == {"411000": 0.0, "411100": 80.0}  # 120 - 120; 80 open
    assert ("fec.collective_as_client", {"accounts": 2}) in result.notes
    assert reconciles(result)


def test_collective_lines_among_sub_accounts_become_a_client_with_a_warning(tmp_path):
    lines = [*REFERENCE[:3], line("OD", 1, "20240301", "411000", piece="X1", debit="30,00", label="Régularisation")]
    path = write(tmp_path, fec_text(lines))
    result = read_fec(path)
    assert balances(result) == {"C001": 1200.0, "411000": 30.0}
    [problem] = result.problems
    # line 5 of the file: the header, three reference lines, then the collective line
    assert (problem.row, problem.column, problem.code, problem.severity) == (5, "CompAuxNum", "fec_no_sub_account",
                                                                             "warning")  # fmt: skip
    assert problem.params == {"account": "411000", "lines": 1}


# --- scope 3: invoices, credit notes, payments, opening entries --------------------------------------


def test_one_invoice_per_client_piece_and_piece_date(tmp_path):
    lines = [
        line("VT", 1, "20240110", "411000", "C1", "Alpha", "F100", debit="70,00"),  # two due dates of one invoice
        line("VT", 1, "20240110", "411000", "C1", "Alpha", "F100", debit="50,00"),
        line("VT", 2, "20240111", "411000", "C2", "Beta", "F100", debit="30,00"),  # same number, other client
        line("VT", 3, "20240301", "411000", "C1", "Alpha", "F200", debit="10,00"),
        line("VT", 4, "20240302", "411000", "C1", "Alpha", "F200", debit="20,00"),  # same number, other date
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    assert amounts(result.frames["invoices"]) == {
        "F100-C1-20240110": 120.0, "F100-C2-20240111": 30.0, "F200-C1-20240301": 10.0, "F200-C1-20240302": 20.0,
    }  # fmt: skip
    assert reconciles(result)


CREDIT_NOTES = [
    line("VT", 1, "20240110", "411000", "C1", "Alpha", "F1", debit="1200,00", let="A"),
    line("VT", 1, "20240110", "706000", piece="F1", credit="1200,00"),
    line("VT", 2, "20240120", "411000", "C1", "Alpha", "AV1", credit="200,00", let="A"),  # applied to F1
    line("VT", 2, "20240120", "706000", piece="AV1", debit="166,67"),
    line("VT", 2, "20240120", "445710", piece="AV1", debit="33,33"),
    line("VT", 3, "20240125", "411000", "C1", "Alpha", "AV2", credit="50,00"),  # not applied: stays open
    line("VT", 3, "20240125", "706000", piece="AV2", debit="50,00"),
    line("BQ", 1, "20240215", "411000", "C1", "Alpha", "R1", credit="1000,00", let="A"),
    line("BQ", 1, "20240215", "512000", piece="R1", debit="1000,00"),
]


def test_credits_in_the_sales_journal_are_credit_notes_that_net_against_their_invoice(tmp_path):
    result = read_fec(write(tmp_path, fec_text(CREDIT_NOTES)))
    assert amounts(result.frames["invoices"]) == {"F1": 1200.0, "AV1": -200.0, "AV2": -50.0}
    pay = result.frames["payments"].sort_values("payment_id")
    # the credit note applied to F1: +200 on F1 and -200 on AV1, the day of the credit note
    assert list(zip(pay["payment_id"], pay["invoice_id"], pay["payment_date"].dt.date, pay["amount"], strict=True)) == [
        ("AV1>F1+", "F1", dt.date(2024, 1, 20), 200.0),
        ("AV1>F1-", "AV1", dt.date(2024, 1, 20), -200.0),
        ("BQ-1-1>F1", "F1", dt.date(2024, 2, 15), 1000.0),
    ]
    # 31/01: F1 1200 - 200 = 1000, AV1 -200 + 200 = 0, AV2 -50: 950 = debits 1200 - credits 250
    assert balances(result, "2024-01-31") == {"C1": 950.0}
    # 15/02: F1 1000 - 1000 = 0, AV2 -50
    assert balances(result, "2024-02-15") == {"C1": -50.0}
    assert reconciles(result)


@pytest.mark.parametrize(
    ("journal", "counterpart", "credit_note"),
    [
        ("VE", "512000", True),  # named as a sales journal
        ("FAC", "706000", True),  # mostly revenue entries: a sales journal whatever its code
        ("OD", "512000", False),  # a credit elsewhere is a payment
        ("BQ", "512000", False),
    ],
)
def test_a_credit_is_a_credit_note_only_in_a_sales_journal(tmp_path, journal, counterpart, credit_note):
    lines = [
        line(journal, 1, "20240110", "411000", "C1", "Alpha", "X1", credit="40,00"),
        line(journal, 1, "20240110", counterpart, piece="X1", debit="40,00"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    assert (len(result.frames["invoices"]) == 1) is credit_note
    assert (len(result.frames["payments"]) == 1) is not credit_note
    assert balances(result) == {"C1": -40.0}  # a credit of 40 either way
    assert reconciles(result)


@pytest.mark.parametrize(
    ("journal", "label"),
    [("AN", "Solde"), ("ANO", "Solde"), ("RAN", "Solde"), ("AND", "Solde"), ("OD", "A nouveau"),
     ("OD", "À-nouveaux clients"), ("OD", "Report à nouveau"), ("OD", "REPORT")],
)  # fmt: skip
def test_opening_entries_are_open_items_at_the_opening_date_not_revenue(tmp_path, journal, label):
    lines = [
        line(journal, 1, "20240101", "411000", "C1", "Alpha", "SOLDE", debit="500,00", label=label),
        line(
            journal,
            1,
            "20240101",
            "411000",
            "C2",
            "Beta",
            "FA2023-99",
            debit="300,00",
            let="A",
            label=label,
            piece_date="20231115",
        ),  # detailed opening: the unpaid invoice of last year
        line(journal, 1, "20240101", "411000", "C3", "Gamma", "SOLDE", credit="40,00", label=label),
        line(journal, 1, "20240101", "890000", piece="SOLDE", credit="760,00", label=label),
        line("BQ", 1, "20240120", "411000", "C2", "Beta", "R1", credit="300,00", let="A"),
        line("BQ", 1, "20240120", "512000", piece="R1", debit="300,00"),
        line("OD", 2, "20240315", "411000", "C1", "Alpha", "F9", debit="10,00", label="Report échéance"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    inv = result.frames["invoices"].set_index("invoice_id")
    assert inv["opening"].to_dict() == {"SOLDE-C1-20240101": True, "FA2023-99": True, "SOLDE-C3-20240101": True,
                                        "F9": False}  # "report" after the first day is an ordinary entry  # fmt: skip
    assert (inv.loc[inv["opening"], "invoice_date"] == pd.Timestamp("2024-01-01")).all()
    # the opening item keeps the terms of its own piece date: 15/11/2023 + 30 days
    assert inv.loc["FA2023-99", "due_date"] == pd.Timestamp("2023-12-15")
    assert inv.loc["SOLDE-C1-20240101", "due_date"] == pd.Timestamp("2024-01-31")
    assert balances(result) == {"C1": 510.0, "C2": 0.0, "C3": -40.0}  # 500 + 10; 300 - 300; the credit carried
    assert ("fec.opening_items", {"count": 3, "date": "01/01/2024", "amount": "€760.00"}) in result.notes
    assert reconciles(result)


# --- scope 4: matching -----------------------------------------------------------------------------


def test_payments_settle_the_oldest_invoices_of_their_lettering_group_first(tmp_path):
    lines = [
        line("VT", 1, "20240105", "411000", "C1", "Alpha", "F1", debit="100,00", let="A"),
        line("VT", 2, "20240205", "411000", "C1", "Alpha", "F2", debit="150,00", let="A"),
        line("BQ", 1, "20240301", "411000", "C1", "Alpha", "R1", credit="50,00", let="A"),
        line("BQ", 2, "20240315", "411000", "C1", "Alpha", "R2", credit="180,00", let="A"),
        line("VT", 3, "20240110", "411000", "C2", "Beta", "F3", debit="70,00", let="A"),  # same code, other client
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    pay = result.frames["payments"].sort_values(["payment_date", "invoice_id"])
    # R1 50 -> F1; R2 180 -> the 50 left on F1, then 130 on F2; F2 keeps 150 - 130 = 20 open
    assert list(zip(pay["payment_id"], pay["amount"], strict=True)) == [
        ("BQ-1-1>F1", 50.0), ("BQ-2-1>F1", 50.0), ("BQ-2-1>F2", 130.0)
    ]  # fmt: skip
    assert balances(result) == {"C1": 20.0, "C2": 70.0}  # group A of C1 leaves 250 - 230 = 20 open
    assert ("fec.open_lettering_groups", {"count": 2}) in result.notes  # C1's A (20 open) and C2's A (70)
    assert reconciles(result)


@pytest.mark.parametrize(
    ("date_let", "settled_on"),
    [("20240310", dt.date(2024, 3, 10)), ("", dt.date(2024, 3, 20)), ("20240330", dt.date(2024, 3, 20))],
)
def test_the_lettering_date_is_the_latest_possible_settle_date(tmp_path, date_let, settled_on):
    lines = [
        line("VT", 1, "20240105", "411000", "C1", "Alpha", "F1", debit="100,00", let="A", date_let=date_let),
        line("BQ", 1, "20240320", "411000", "C1", "Alpha", "R1", credit="100,00", let="A", date_let=date_let),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    [payment] = result.frames["payments"].itertuples()
    assert (payment.invoice_id, payment.payment_date.date(), payment.amount) == ("F1", settled_on, 100.0)
    assert reconciles(result)


def test_credits_beyond_their_lettering_group_and_unlettered_credits_are_unapplied_cash(tmp_path):
    lines = [
        line("VT", 1, "20240105", "411000", "C1", "Alpha", "F1", debit="100,00", let="A"),
        line("BQ", 1, "20240201", "411000", "C1", "Alpha", "R1", credit="130,00", let="A"),
        line("BQ", 2, "20240202", "411000", "C1", "Alpha", "R2", credit="15,00"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    pay = result.frames["payments"].sort_values("payment_id")
    assert list(zip(pay["payment_id"], pay["invoice_id"].fillna("-"), pay["amount"], strict=True)) == [
        ("BQ-1-1", "-", 30.0), ("BQ-1-1>F1", "F1", 100.0), ("BQ-2-1", "-", 15.0)
    ]  # fmt: skip
    assert balances(result) == {"C1": -45.0}  # 100 - 130 - 15
    assert ("fec.unlettered_credits", {"count": 1, "amount": "€15.00"}) in result.notes
    assert reconciles(result)


# --- scope 5: due dates -------------------------------------------------------------------------------


def test_due_dates_come_from_client_terms_else_the_default_and_are_marked_assumed(tmp_path):
    lines = [line("VT", n, "20240110", "411000", c, c, f"F{n}", debit="10,00") for n, c in enumerate("ABC", 1)]
    clients = pd.DataFrame({"client_id": ["A", "B", "C"], "payment_terms_days": [45, 60, None],
                            "terms_end_of_month": [True, False, None], "credit_limit": [5000.0, None, None]})  # fmt: skip
    result = read_fec(write(tmp_path, fec_text(lines)), clients=clients, default_terms_days=20)
    inv = result.frames["invoices"].set_index("client_id")
    assert inv["due_date"].dt.date.to_dict() == {
        "A": dt.date(2024, 2, 29),  # 10/01 + 45 days = 24/02, end of month
        "B": dt.date(2024, 3, 10),  # 10/01 + 60 days
        "C": dt.date(2024, 1, 30),  # no terms: the default 20 days
    }
    assert inv["due_date_assumed"].all()
    assert ("fec.assumed_terms", {"invoices": 3, "days": 20, "clients_with_terms": 2}) in result.notes
    # a known client keeps the columns of its clients file
    assert result.frames["clients"].set_index("client_id").loc["A", "credit_limit"] == 5000.0


# --- scope 6: accounts that are not credit clients ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "non_credit"),
    [("CAISSE", True), ("Caisse magasin", True), ("Espèces", True), ("ESPECES", True), ("CB", True),
     ("Paiements carte", True), ("Chèques", True), ("CHEQUE", True), ("Clients divers", True),
     ("Vente comptoir", True), ("Cabinet Bertrand", False), ("Carterie Dupont", False),
     ("Giraud Comptoir SARL", False), ("Dupont SA", False)],
)  # fmt: skip
def test_cash_card_and_cheque_takings_accounts_are_flagged_by_their_label(tmp_path, name, non_credit):
    lines = [line("VT", 1, "20240110", "411000", "C1", name, "F1", debit="10,00")]
    result = read_fec(write(tmp_path, fec_text(lines)))
    assert result.frames["clients"]["non_credit"].tolist() == [non_credit]
    assert balances(result) == {"C1": 10.0}  # kept in the balances either way


def test_an_account_whose_every_debit_is_settled_the_same_day_is_not_a_credit_client(tmp_path):
    lines = [
        # C5: two days, each debit met by a credit that same day -> cash takings
        line("VT", 1, "20240110", "411000", "C5", "Martin", "T1", debit="100,00"),
        line("BQ", 1, "20240110", "411000", "C5", "Martin", "T1", credit="100,00"),
        line("VT", 2, "20240111", "411000", "C5", "Martin", "T2", debit="50,00"),
        line("BQ", 2, "20240111", "411000", "C5", "Martin", "T2", credit="60,00"),
        # C6: one prepaid invoice only -> still a credit client
        line("VT", 3, "20240110", "411000", "C6", "Petit", "T3", debit="80,00"),
        line("BQ", 3, "20240110", "411000", "C6", "Petit", "T3", credit="80,00"),
        # C7: paid the next day -> a credit client
        line("VT", 4, "20240110", "411000", "C7", "Durand", "T4", debit="30,00"),
        line("BQ", 4, "20240111", "411000", "C7", "Durand", "T4", credit="30,00"),
        line("VT", 5, "20240112", "411000", "C7", "Durand", "T5", debit="30,00"),
        line("BQ", 5, "20240112", "411000", "C7", "Durand", "T5", credit="30,00"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    flags = result.frames["clients"].set_index("client_id")["non_credit"].to_dict()
    assert flags == {"C5": True, "C6": False, "C7": False}
    assert balances(result) == {"C5": -10.0, "C6": 0.0, "C7": 0.0}  # 150 - 160; 80 - 80; 60 - 60
    assert ("fec.non_credit", {"count": 1, "clients": "C5"}) in result.notes
    assert reconciles(result)


# --- scope 7: reconciliation ----------------------------------------------------------------------------


def test_the_import_reconciles_each_client_to_the_cent(tmp_path):
    result = read_fec(write(tmp_path, fec_text(REFERENCE)))
    rec = result.reconciliation.set_index("client_id")
    assert rec["ledger_balance"].to_dict() == REFERENCE_BALANCES
    assert rec["open_items_balance"].to_dict() == REFERENCE_BALANCES
    assert rec["difference"].to_dict() == {"C001": 0.0, "C002": 0.0}
    assert result.notes[-1] == ("fec.reconciled", {"clients": 2, "date": "10/03/2024", "balance": "€730.00"})


def test_a_rejected_line_shows_as_a_reconciliation_difference_with_its_row(tmp_path):
    lines = [dict(ln) for ln in REFERENCE]
    lines[3]["EcritureDate"] = "20241345"  # C002's invoice F003, file line 5
    lines[14]["Credit"] = "1O0,00"  # C002's cheque (letter O for zero), file line 16
    result = read_fec(write(tmp_path, fec_text(lines)))
    found = [(p.row, p.column, p.value, p.code) for p in result.problems]
    assert found == [(5, "EcritureDate", "20241345", "fec_bad_date"), (16, "Credit", "1O0,00", "fec_bad_amount")]
    rec = result.reconciliation.set_index("client_id")
    # C002: the ledger still holds the 480 debit (its amount reads); no open item carries it
    assert rec.loc["C002", ["ledger_balance", "open_items_balance", "difference"]].tolist() == [480.0, 0.0, 480.0]
    assert result.notes[-1] == (
        "fec.reconciliation_difference",
        {"clients": 1, "date": "10/03/2024", "difference": "€480.00", "examples": "C002 (€480.00)"},
    )


def test_a_line_of_the_wrong_width_is_reported_with_its_line_number_and_the_rest_is_read(tmp_path):
    text = fec_text(REFERENCE).splitlines()
    text.insert(3, "")  # a blank line 4
    text.insert(5, "VT\tVentes\t9\t20240101\t411000")  # line 6: five fields
    result = read_fec(write(tmp_path, "\n".join(text) + "\n"))
    [problem] = result.problems
    assert (problem.row, problem.code, problem.params) == (6, "fec_bad_field_count", {"expected": 18, "found": 5})
    assert result.rows_read == 16  # the 15 reference lines and the short one
    assert balances(result) == REFERENCE_BALANCES


def test_a_bad_date_after_a_blank_line_is_reported_on_its_own_line(tmp_path):
    lines = [dict(ln) for ln in REFERENCE]
    lines[12]["EcritureDate"] = "2024-03-32"  # C001's VIR2 credit: reference line 13, file line 14, 15 after the blank
    text = fec_text(lines).splitlines()
    text.insert(2, "")
    result = read_fec(write(tmp_path, "\n".join(text) + "\n", newline="\r\r\n"))
    assert [(p.row, p.code) for p in result.problems] == [(15, "fec_bad_date")]


def test_write_offs_close_the_invoice_on_their_date(tmp_path):
    lines = [
        line("VT", 1, "20230110", "416000", "C1", "Alpha", "F1", debit="1200,00", let="A"),
        line("BQ", 1, "20230301", "416000", "C1", "Alpha", "R1", credit="200,00", let="A"),
        line("OD", 1, "20231215", "416000", "C1", "Alpha", "PERTE1", credit="1000,00", let="A"),
        line("OD", 1, "20231215", "654000", piece="PERTE1", debit="833,33"),
        line("OD", 1, "20231215", "445710", piece="PERTE1", debit="166,67"),
        line("VT", 2, "20230110", "411000", "C2", "Beta", "F2", debit="1200,00", let="B"),
        line("OD", 2, "20231215", "411000", "C2", "Beta", "PERTE2", credit="500,00", let="B"),  # partial: a credit
        line("OD", 2, "20231215", "654000", piece="PERTE2", debit="500,00"),
    ]
    result = read_fec(write(tmp_path, fec_text(lines)))
    inv = result.frames["invoices"].set_index("invoice_id")
    assert inv.loc["F1", "write_off_date"] == pd.Timestamp("2023-12-15")
    assert pd.isna(inv.loc["F2", "write_off_date"])  # 500 of 1 200: a partial write-off is a plain credit
    assert amounts(result.frames["payments"], "payment_id") == {"BQ-1-1>F1": 200.0, "OD-2-1>F2": 500.0}
    # 30/11: F1 1200 - 200 = 1000 still open; 15/12: written off, gone. F2: 1200, then 1200 - 500 = 700
    assert balances(result, "2023-11-30") == {"C1": 1000.0, "C2": 1200.0}
    assert balances(result) == {"C1": 0.0, "C2": 700.0}
    assert ("fec.write_offs", {"count": 1, "amount": "€1,000.00"}) in result.notes  # what was left of F1
    assert reconciles(result)


# --- write_fec ----------------------------------------------------------------------------------------


def _ledger() -> dict[str, pd.DataFrame]:
    """A small canonical ledger with every kind of row write_fec has to express."""
    day = pd.to_datetime
    invoices = pd.DataFrame({
        "invoice_id": ["O1", "F1", "F2", "AV1", "F3", "F4"],
        "client_id": ["C1", "C1", "C1", "C1", "C2", "C3"],
        "invoice_date": day(["2023-11-20", "2024-01-10", "2024-02-10", "2024-02-20", "2024-01-15", "2024-01-05"]),
        "amount": [300.0, 120.0, 240.0, -60.0, 600.0, 90.0],
        "opening": [True, False, False, False, False, False],
        "write_off_date": day([None, None, None, None, None, "2024-03-20"]),
    })  # fmt: skip
    payments = pd.DataFrame({
        "payment_id": ["P0", "P1", "X1", "X2", "P2", "P3", "P4"],
        "client_id": ["C1", "C1", "C1", "C1", "C2", "C2", "C3"],
        "invoice_id": ["O1", "F1", "F2", "AV1", "F3", None, "F4"],
        "payment_date": day(["2024-01-05", "2024-02-15", "2024-02-20", "2024-02-20", "2024-03-01", "2024-03-05",
                             "2024-02-01"]),
        "amount": [300.0, 120.0, 60.0, -60.0, 300.0, 10.0, 40.0],
    })  # fmt: skip
    clients = pd.DataFrame({"client_id": ["C1", "C2", "C3"], "name": ["Dupont | Fils", "Bœuf & Cie", "Lost SARL"],
                            "doubtful": [False, False, True]})  # fmt: skip
    return {"clients": clients, "invoices": invoices, "payments": payments}


@pytest.mark.parametrize(("sep", "encoding"), [("\t", "utf-8"), ("|", "cp1252"), (";", "iso-8859-15")])
def test_a_written_fec_reads_back_to_the_same_balances(tmp_path, sep, encoding):
    path = write_fec(_ledger(), tmp_path, siren="552100554", closing=dt.date(2024, 12, 31), sep=sep,
                     encoding=encoding)  # fmt: skip
    assert path.name == "552100554FEC20241231.txt"
    header = path.read_bytes().decode(encoding).splitlines()[0]
    assert header == sep.join(FEC_COLUMNS)
    result = read_fec(path)
    # C1: O1 300 paid 05/01; F1 120 paid; F2 240 - 60 credit note = 180 open; AV1 -60 + 60 = 0 -> 180
    # C2: F3 600 - 300 = 300 open, 10 unapplied -> 290;  C3: F4 90 - 40 = 50, written off on 20/03 -> 0
    assert balances(result) == {"C1": 180.0, "C2": 290.0, "C3": 0.0}
    assert balances(result, "2024-03-19") == {"C1": 180.0, "C2": 290.0, "C3": 50.0}
    inv = result.frames["invoices"].set_index("invoice_id")
    assert inv["amount"].to_dict() == {"AV1": -60.0, "F1": 120.0, "F2": 240.0, "F3": 600.0, "F4": 90.0, "O1": 300.0}
    assert inv.loc["O1", "opening"] and inv.loc["O1", "invoice_date"] == pd.Timestamp("2024-01-01")  # fiscal year start
    assert inv.loc["F4", "write_off_date"] == pd.Timestamp("2024-03-20")
    clients = result.frames["clients"].set_index("client_id")
    assert clients["name"].to_dict() == {"C1": "Dupont   Fils" if sep == "|" else "Dupont | Fils", "C2": "Bœuf & Cie",
                                         "C3": "Lost SARL"}  # fmt: skip
    assert clients["doubtful"].to_dict() == {"C1": False, "C2": False, "C3": True}  # written on 416
    assert reconciles(result)


def test_a_written_fec_uses_fec_dates_amounts_and_lettering(tmp_path):
    path = write_fec(_ledger(), tmp_path / "ledger.txt")
    rows = [r.split("\t") for r in path.read_text(encoding="utf-8").splitlines()]
    assert {len(r) for r in rows} == {18}
    lines = pd.DataFrame(rows[1:], columns=rows[0])
    f1 = lines[(lines["PieceRef"] == "F1") & (lines["CompteNum"] == "411000")].iloc[0]
    assert (f1["JournalCode"], f1["EcritureDate"], f1["Debit"], f1["Credit"]) == ("VT", "20240110", "120,00", "0,00")
    sales = lines[lines["PieceRef"] == "F1"]
    assert sorted(zip(sales["CompteNum"], sales["Credit"], strict=True)) == [
        ("411000", "0,00"), ("445710", "20,00"), ("706000", "100,00")  # 120 TTC = 100 HT + 20 VAT
    ]  # fmt: skip
    # F2 and the credit note AV1 applied to it share one lettering code; F1 and its payment another
    client = lines[lines["CompAuxNum"] != ""]
    letter = dict(zip(client["PieceRef"], client["EcritureLet"], strict=True))
    assert letter["F2"] == letter["AV1"] != "" and letter["F1"] == letter["P1"] != letter["F2"]
    assert letter["P3"] == ""  # unapplied cash is not lettered
    assert "X1" not in letter and "X2" not in letter  # applying a credit note moves no cash
    # F1 is settled: its group carries the date of its last entry; F3 is only partly paid: no DateLet
    date_let = dict(zip(client["PieceRef"], client["DateLet"], strict=True))
    assert (date_let["F1"], date_let["F3"]) == ("20240215", "")


def test_a_large_ledger_is_matched_without_a_loop_and_balances_to_the_cent(tmp_path):
    # 3 000 invoices of 40 clients, one or two payments each, some partial, some never: a generated ledger
    rng = np.random.default_rng(7)
    n = 3000
    invoices = pd.DataFrame({
        "invoice_id": [f"F{i:05d}" for i in range(n)], "client_id": [f"C{c:02d}" for c in rng.integers(0, 40, n)],
        "invoice_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "amount": rng.integers(100, 500_000, n) / 100,
    })  # fmt: skip
    share = rng.choice([0.0, 0.4, 1.0], n, p=[0.1, 0.2, 0.7])
    payments = pd.DataFrame({
        "payment_id": [f"P{i:05d}" for i in range(n)], "client_id": invoices["client_id"],
        "invoice_id": invoices["invoice_id"], "payment_date": invoices["invoice_date"] + pd.Timedelta(days=40),
        "amount": (invoices["amount"] * share).round(2),
    })[share > 0]  # fmt: skip
    frames = {"invoices": invoices, "payments": payments}
    result = read_fec(write_fec(frames, tmp_path))
    expected = (invoices.groupby("client_id")["amount"].sum() - payments.groupby("client_id")["amount"].sum()).round(2)
    assert balances(result) == expected.to_dict()
    # each invoice is lettered with its own payment, so its open amount comes back exactly
    paid = result.frames["payments"].groupby("invoice_id")["amount"].sum()
    assert paid.round(2).to_dict() == payments.set_index("invoice_id")["amount"].to_dict()
    assert reconciles(result)
