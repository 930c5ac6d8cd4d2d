"""Every row check of issue 2 §4: the problem names the file, row and column, and a refused
batch leaves the whole workspace exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskcore.access.auth import CLI_USER
from riskcore.ingest import import_files
from riskcore.storage import schema

CLIENTS = "Code client;Raison sociale;Délai de paiement (jours);Fin de mois"
INVOICES = "N° facture;Code client;Date facture;Échéance;Montant TTC"
PAYMENTS = "N° règlement;Code client;N° facture;Date de règlement;Montant"


def write_csv(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    """A French-style export: `;`, decimal comma, Windows-1252."""
    path = folder / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def snapshot(store) -> dict[str, list[tuple]]:
    """Every row of every table, meta included (data version, dataset)."""
    cur = store.cursor()
    names = [t.name for t in schema.ALL_TABLES] + ["meta"]
    return {name: cur.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name in names}


@pytest.fixture
def ledger(store, tmp_path):
    """A workspace holding two clients, two invoices and one payment, imported from files."""
    base = tmp_path / "base"
    base.mkdir()
    paths = [
        write_csv(base, "clients.csv", CLIENTS, ["C1;Dupont SA;45;oui", "C2;Martin SARL;30;non"]),
        write_csv(
            base,
            "factures.csv",
            INVOICES,
            ["F1;C1;15/01/2025;28/02/2025;1 200,00", "F2;C2;20/01/2025;19/02/2025;500,00"],
        ),
        write_csv(base, "reglements.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 000,00"]),
    ]
    report = import_files(store, paths, user=CLI_USER)
    assert report.ok and report.rows_loaded == 5
    return store


# (case, file name, header, rows, code, row number in the file, source column, value shown)
# Row 1 is the header, so the second data line is row 3.
CASES = [
    ("missing invoice id", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", ";C1;02/02/2025;04/03/2025;50,00"],
     "missing_value", 3, "N° facture", None),
    ("missing client", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", "F11;;02/02/2025;04/03/2025;50,00"],
     "missing_value", 3, "Code client", None),
    ("date that does not exist", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", "F11;C1;31/02/2025;04/03/2025;50,00"],
     "bad_date", 3, "Date facture", "31/02/2025"),
    ("amount in words", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", "F11;C1;02/02/2025;04/03/2025;douze"],
     "bad_amount", 3, "Montant TTC", "douze"),
    ("due date before invoice date", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", "F11;C1;02/02/2025;01/01/2025;50,00"],
     "due_before_invoice", 3, "Échéance", "01/01/2025"),
    ("invoice id twice in the file", "factures_2.csv", INVOICES,
     ["F10;C1;01/02/2025;03/03/2025;100,00", "F10;C1;02/02/2025;04/03/2025;50,00"],
     "duplicate_id", 3, "N° facture", "F10"),
    ("payment for an unknown invoice", "reglements_2.csv", PAYMENTS,
     ["R10;C2;F2;05/03/2025;100,00", "R11;C1;F99;05/03/2025;10,00"],
     "unknown_invoice", 3, "N° facture", "F99"),
    ("payment without a date", "reglements_2.csv", PAYMENTS,
     ["R10;C2;F2;05/03/2025;100,00", "R11;C1;F1;;10,00"],
     "missing_value", 3, "Date de règlement", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "name", "header", "rows", "code", "row", "column", "value"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_row_is_reported_with_file_row_column_and_refused_batch_changes_nothing(
    ledger, tmp_path, case, name, header, rows, code, row, column, value
):
    before = snapshot(ledger)
    path = write_csv(tmp_path, name, header, rows)
    report = import_files(ledger, [path], user=CLI_USER)
    # 1 bad row of 2 is 50 %, above the 5 % of config.yaml: the batch is refused.
    assert report.refused and not report.ok
    (file_report,) = report.files
    assert file_report.rows_read == 2 and file_report.rows_rejected == 1 and file_report.rows_loaded == 0
    (problem,) = file_report.problems
    assert (problem.code, problem.file, problem.row, problem.column, problem.value) == (code, name, row, column, value)
    message = problem.message("en")
    assert message.startswith(f"{name}, row {row}, column {column}: ")
    assert file_report.problem_counts == {code: 1}
    assert f"{name}, row {row}, column {column}" in report.render("en")
    assert snapshot(ledger) == before


def test_french_message_names_file_row_and_column(ledger, tmp_path):
    path = write_csv(
        tmp_path,
        "factures_2.csv",
        INVOICES,
        ["F10;C1;01/02/2025;03/03/2025;100,00", "F11;C1;02/02/2025;04/03/2025;douze"],
    )
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.files[0].problems[0].message("fr") == (
        "factures_2.csv, ligne 3, colonne Montant TTC: montant illisible (valeur : 'douze')"
    )


def test_a_payment_above_its_invoice_with_stored_payments_is_loaded_and_its_excess_kept_as_unapplied_cash(
    ledger, tmp_path
):
    # F1 is 1 200,00 with 1 000,00 already paid (R1): of 300,00 more, 200,00 settle it and the
    # other 100,00 are unapplied cash of C1 (DOMAIN.md §2), not a rejected row.
    path = write_csv(
        tmp_path, "reglements_2.csv", PAYMENTS, ["R10;C2;F2;05/03/2025;100,00", "R11;C1;F1;05/03/2025;300,00"]
    )
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.ok
    (file_report,) = report.files
    assert (file_report.rows_read, file_report.rows_loaded, file_report.rows_rejected) == (2, 2, 0)
    assert file_report.problems == []
    assert "payment R11 exceeds the remaining amount of invoice F1 by €100.00: kept as unapplied cash" in (
        report.render("en")
    )
    rows = ledger.cursor().execute("SELECT * FROM payments WHERE payment_id LIKE '%R11' ORDER BY 1").fetchall()
    assert [(r[0], r[1], r[2], float(r[4])) for r in rows] == [
        ("R11", "C1", "F1", 200.0),
        ("excess:R11", "C1", None, 100.0),
    ]


def test_payments_of_one_batch_above_an_invoice_of_the_same_batch_keep_the_excess(ledger, tmp_path):
    invoices = write_csv(tmp_path, "factures_2.csv", INVOICES, ["F20;C1;01/02/2025;03/03/2025;100,00"])
    # 60 + 60 = 120 > 100: the second payment (row 3) goes over: 40 of it settle F20, 20 are unapplied.
    payments = write_csv(
        tmp_path, "reglements_2.csv", PAYMENTS, ["R20;C1;F20;05/03/2025;60,00", "R21;C1;F20;06/03/2025;60,00"]
    )
    report = import_files(ledger, [invoices, payments], user=CLI_USER)
    assert report.ok and [f.rows_rejected for f in report.files] == [0, 0]
    notes = dict(report.files[1].notes[-2:])
    assert notes["note_overpayment"]["payment"] == "R21" and notes["note_overpayment"]["invoice"] == "F20"
    rows = ledger.cursor().execute("SELECT payment_id, invoice_id, amount FROM payments WHERE payment_id LIKE '%R2_'")
    assert sorted((p, i, float(a)) for p, i, a in rows.fetchall()) == [
        ("R20", "F20", 60.0),
        ("R21", "F20", 40.0),
        ("excess:R21", None, 20.0),
    ]


def test_a_refused_file_refuses_the_good_files_of_its_batch(ledger, tmp_path):
    before = snapshot(ledger)
    clients = write_csv(tmp_path, "clients_2.csv", CLIENTS, ["C3;Petit SAS;60;non"])
    invoices = write_csv(
        tmp_path,
        "factures_2.csv",
        INVOICES,
        ["F10;C3;01/02/2025;03/03/2025;100,00", "F11;C3;02/02/2025;04/03/2025;douze"],
    )
    report = import_files(ledger, [clients, invoices], user=CLI_USER)
    assert report.refused
    assert [f.rows_loaded for f in report.files] == [0, 0]  # nothing of the batch, good file included
    assert snapshot(ledger) == before


def test_bad_rows_under_the_reject_rate_are_skipped_and_the_rest_loaded(ledger, tmp_path):
    good = [f"F{100 + i};C2;01/02/2025;03/03/2025;{10 + i},00" for i in range(25)]
    path = write_csv(tmp_path, "factures_2.csv", INVOICES, [*good, "F999;C2;01/02/2025;03/03/2025;n/a"])
    report = import_files(ledger, [path], user=CLI_USER)
    # 1 bad row of 26 is 3.8 %, under 5 %: loaded without it.
    assert report.ok and not report.refused
    (file_report,) = report.files
    assert (file_report.rows_read, file_report.rows_loaded, file_report.rows_rejected) == (26, 25, 1)
    (problem,) = file_report.problems
    assert (problem.code, problem.row, problem.column, problem.value) == ("bad_amount", 27, "Montant TTC", "n/a")
    ids = {r[0] for r in ledger.cursor().execute("SELECT invoice_id FROM invoices").fetchall()}
    assert "F999" not in ids and {"F100", "F124", "F1", "F2"} <= ids
    assert len(ids) == 27  # 2 stored + 25 new


def test_reject_rate_exactly_at_the_limit_is_accepted(ledger, tmp_path):
    # 1 bad of 20 rows is exactly 5 %: "more than" the rate refuses, equal does not.
    good = [f"F{100 + i};C2;01/02/2025;03/03/2025;10,00" for i in range(19)]
    path = write_csv(tmp_path, "factures_2.csv", INVOICES, [*good, "F999;C2;01/02/2025;03/03/2025;n/a"])
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.ok and report.files[0].rows_loaded == 19


def test_invoice_for_an_unknown_client_creates_a_flagged_placeholder_with_a_warning(ledger, tmp_path):
    path = write_csv(
        tmp_path,
        "factures_2.csv",
        INVOICES,
        [
            "F10;C1;01/02/2025;03/03/2025;100,00",
            "F11;C9;02/02/2025;04/03/2025;50,00",
            "F12;C9;03/02/2025;05/03/2025;70,00",
        ],
    )
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.ok  # a warning, not a rejection
    (file_report,) = report.files
    assert file_report.rows_loaded == 3 and file_report.rows_rejected == 0
    (problem,) = file_report.problems  # one warning per unknown client, on its first row
    assert (problem.code, problem.severity, problem.file, problem.row, problem.column, problem.value) == (
        "unknown_client",
        "warning",
        "factures_2.csv",
        3,
        "Code client",
        "C9",
    )
    assert problem.message("en").startswith("factures_2.csv, row 3, column Code client: ")
    rows = ledger.cursor().execute("SELECT client_id, placeholder FROM clients ORDER BY client_id").fetchall()
    assert rows == [("C1", False), ("C2", False), ("C9", True)]


def test_more_problems_than_reported_are_counted(ledger, tmp_path):
    # 60 unreadable amounts: all counted, the first 50 (config import.max_problems_reported) listed.
    rows = [f"F{100 + i};C2;01/02/2025;03/03/2025;?" for i in range(60)]
    report = import_files(ledger, [write_csv(tmp_path, "factures_2.csv", INVOICES, rows)], user=CLI_USER)
    (file_report,) = report.files
    assert file_report.problem_counts == {"bad_amount": 60}
    assert len(file_report.problems) == 50
    assert [p.row for p in file_report.problems[:2]] == [2, 3]
    assert "10 more problems" in report.render("en")


def test_row_numbers_count_blank_lines_as_the_user_sees_them(ledger, tmp_path):
    # Line 1 header, line 2 a row, line 3 blank, line 4 a row, line 5 the bad row.
    path = tmp_path / "factures_2.csv"
    path.write_bytes(
        (
            f"{INVOICES}\r\nF10;C1;01/02/2025;03/03/2025;100,00\r\n\r\nF11;C1;02/02/2025;04/03/2025;50,00\r\n"
            "F12;C1;03/02/2025;01/01/2025;50,00\r\n"
        ).encode("cp1252")
    )
    report = import_files(ledger, [path], user=CLI_USER)
    (problem,) = report.files[0].problems
    assert (problem.code, problem.row, problem.column, problem.value) == (
        "due_before_invoice",
        5,
        "Échéance",
        "01/01/2025",
    )
    assert problem.params["invoice_date"] == "03/02/2025"


def test_spreadsheet_problems_carry_the_spreadsheet_row_below_a_title(ledger, tmp_path):
    import xlsxwriter

    path = tmp_path / "factures.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Factures")
        sheet.merge_range(0, 0, 0, 4, "Export des factures au 31/03/2025")  # row 1: a merged title
        sheet.write_row(1, 0, INVOICES.split(";"))  # row 2: the header
        sheet.write_row(2, 0, ["F10", "C1", "01/02/2025", "03/03/2025", 100])
        sheet.write_row(3, 0, ["F11", "C1", "02/02/2025", "04/03/2025", "douze"])  # row 4
    before = snapshot(ledger)
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.refused
    (problem,) = report.files[0].problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("factures.xlsx", 4, "Montant TTC", "douze")
    assert snapshot(ledger) == before
