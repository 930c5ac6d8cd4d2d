"""Importing a FEC into a real workspace (issue 3): detection, flags, terms, and the demo FEC.

Every file is written by the test; every balance is worked out by hand beside its assertion,
and checked with a query of the workspace written here, independent of the importer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from riskcore import demo
from riskcore.access.auth import CLI_USER
from riskcore.errors import LedgerError
from riskcore.ingest import import_files
from riskcore.ingest.fec import FEC_COLUMNS
from riskcore.storage.store import Store

# Per client at $d: open amounts of invoices dated <= $d and not written off, minus the payments dated
# <= $d on them or unapplied (DOMAIN.md §2 and §4).
BALANCES = """
SELECT c.client_id,
       coalesce((SELECT sum(i.amount) FROM invoices i
                 WHERE i.client_id = c.client_id AND i.invoice_date <= $d
                   AND (i.write_off_date IS NULL OR i.write_off_date > $d)), 0)
     - coalesce((SELECT sum(p.amount) FROM payments p LEFT JOIN invoices i ON i.invoice_id = p.invoice_id
                 WHERE p.client_id = c.client_id AND p.payment_date <= $d
                   AND (p.invoice_id IS NULL
                        OR (i.invoice_date <= $d AND (i.write_off_date IS NULL OR i.write_off_date > $d)))), 0)
FROM clients c ORDER BY c.client_id
"""


def balances(store: Store, day: dt.date) -> dict[str, float]:
    return {c: float(b) for c, b in store.cursor().execute(BALANCES, {"d": day}).fetchall()}


def fec_line(journal, num, date, account, aux="", name="", piece="", debit="0,00", credit="0,00", let="") -> list:
    values = [journal, journal, str(num), date, account, f"Compte {account}", aux, name, piece, date, f"Pièce {piece}",
              debit, credit, let, "", date, "", ""]  # fmt: skip
    return values


def write_fec_file(folder: Path, lines: list[list[str]], sep: str = "|", encoding: str = "cp1252",
                   newline: str = "\r\n", trailing: str = "") -> Path:  # fmt: skip
    path = folder / "552100554FEC20241231.txt"
    text = newline.join(sep.join(row) + trailing for row in [list(FEC_COLUMNS), *lines]) + newline
    path.write_bytes(text.encode(encoding))
    return path


# Hand-worked ledger:
#   C1 Dupont SA: opening item 500 (AN), F1 1200 lettered A with a 1200 payment; F2 600, 250 paid (letter B)
#       -> 500 + 600 - 250 = 850
#   C2 Caisse boutique: cash takings, 90 sold and 90 received each day -> 0, flagged non_credit
#   C3 Gamma: 300 on 416 (doubtful), 40 received without lettering -> 260
#   total 850 + 0 + 260 = 1110 at 15/03/2024
LEDGER = [
    fec_line("AN", 1, "20240101", "411000", "C1", "Dupont SA", "SOLDE", debit="500,00"),
    fec_line("AN", 1, "20240101", "890000", piece="SOLDE", credit="500,00"),
    fec_line("VT", 1, "20240110", "411000", "C1", "Dupont SA", "F1", debit="1200,00", let="A"),
    fec_line("VT", 1, "20240110", "706000", piece="F1", credit="1200,00"),
    fec_line("VT", 2, "20240112", "411000", "C2", "Caisse boutique", "T1", debit="90,00"),
    fec_line("VT", 2, "20240112", "706000", piece="T1", credit="90,00"),
    fec_line("BQ", 1, "20240112", "411000", "C2", "Caisse boutique", "T1", credit="90,00"),
    fec_line("BQ", 1, "20240112", "530000", piece="T1", debit="90,00"),
    fec_line("VT", 3, "20240113", "411000", "C2", "Caisse boutique", "T2", debit="90,00"),
    fec_line("VT", 3, "20240113", "706000", piece="T2", credit="90,00"),
    fec_line("BQ", 2, "20240113", "411000", "C2", "Caisse boutique", "T2", credit="90,00"),
    fec_line("BQ", 2, "20240113", "530000", piece="T2", debit="90,00"),
    fec_line("VT", 4, "20240120", "416000", "C3", "Gamma", "F3", debit="300,00"),
    fec_line("VT", 4, "20240120", "706000", piece="F3", credit="300,00"),
    fec_line("BQ", 3, "20240209", "411000", "C1", "Dupont SA", "R1", credit="1200,00", let="A"),
    fec_line("BQ", 3, "20240209", "512000", piece="R1", debit="1200,00"),
    fec_line("VT", 5, "20240215", "411000", "C1", "Dupont SA", "F2", debit="600,00", let="B"),
    fec_line("VT", 5, "20240215", "706000", piece="F2", credit="600,00"),
    fec_line("BQ", 4, "20240301", "411000", "C1", "Dupont SA", "R2", credit="250,00", let="B"),
    fec_line("BQ", 4, "20240301", "512000", piece="R2", debit="250,00"),
    fec_line("BQ", 5, "20240315", "411000", "C3", "Gamma", "R3", credit="40,00"),
    fec_line("BQ", 5, "20240315", "512000", piece="R3", debit="40,00"),
]


def test_a_fec_is_recognised_and_loaded_with_its_balances(store, tmp_path):
    report = import_files(store, [write_fec_file(tmp_path, LEDGER)], kind="auto", user=CLI_USER)
    assert report.ok
    [file] = report.files
    assert (file.kind, file.rows_read, file.rows_rejected) == ("fec", 22, 0)
    assert balances(store, dt.date(2024, 3, 15)) == {"C1": 850.0, "C2": 0.0, "C3": 260.0}
    # before R2: C1 500 + 600 = 1100; C3 300 before its 40
    assert balances(store, dt.date(2024, 2, 20)) == {"C1": 1100.0, "C2": 0.0, "C3": 300.0}
    flags = store.cursor().execute("SELECT client_id, doubtful, non_credit FROM clients ORDER BY 1").fetchall()
    assert flags == [("C1", False, False), ("C2", False, True), ("C3", True, False)]
    opening = store.cursor().execute("SELECT invoice_id, opening, due_date_assumed FROM invoices "
                                     "WHERE client_id = 'C1' ORDER BY 1").fetchall()  # fmt: skip
    assert opening == [("F1", False, True), ("F2", False, True), ("SOLDE", True, True)]
    text = report.render("en")
    assert "open items minus unapplied cash equal the client accounts' balance on 15/03/2024 for every client" in text
    assert "A FEC holds no due dates" in text


@pytest.mark.parametrize(
    ("sep", "encoding", "newline", "trailing"),
    [("\t", "utf-8-sig", "\r\r\n", ""), (";", "iso-8859-15", "\n", ";"), ("|", "utf-16", "\r\n", "|")],
)
def test_a_fec_of_any_dialect_is_recognised_without_being_told(store, tmp_path, sep, encoding, newline, trailing):
    path = write_fec_file(tmp_path, LEDGER, sep=sep, encoding=encoding, newline=newline, trailing=trailing)
    report = import_files(store, [path], kind="auto", user=CLI_USER)
    assert report.ok and report.files[0].kind == "fec"
    assert balances(store, dt.date(2024, 3, 15)) == {"C1": 850.0, "C2": 0.0, "C3": 260.0}  # as above


def test_importing_the_same_fec_again_changes_nothing(store, tmp_path):
    path = write_fec_file(tmp_path, LEDGER)
    import_files(store, [path], user=CLI_USER)
    again = import_files(store, [path], user=CLI_USER)
    assert again.files[0].already_imported
    assert balances(store, dt.date(2024, 3, 15)) == {"C1": 850.0, "C2": 0.0, "C3": 260.0}


def test_a_clients_file_in_the_same_batch_gives_the_fec_its_terms_and_keeps_its_limits(store, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_bytes(
        "Code client;Raison sociale;Délai de paiement (jours);Fin de mois;Limite de crédit\r\n"
        "C1;Dupont SA;45;oui;10 000,00\r\n".encode("cp1252")
    )
    report = import_files(store, [write_fec_file(tmp_path, LEDGER), clients], user=CLI_USER)
    assert report.ok
    due = dict(store.cursor().execute("SELECT invoice_id, due_date FROM invoices WHERE client_id = 'C1'").fetchall())
    # F1 10/01 + 45 days = 24/02, end of month 29/02; F2 15/02 + 45 = 31/03 (already a month end)
    assert (due["F1"], due["F2"]) == (dt.date(2024, 2, 29), dt.date(2024, 3, 31))
    limit = store.cursor().execute("SELECT credit_limit FROM clients WHERE client_id = 'C1'").fetchall()
    assert float(limit[0][0]) == 10000.0


NO_SUB_LEDGER = [
    fec_line("VT", 1, "20240105", "411000", piece="F1", debit="120,00"),
    fec_line("VT", 1, "20240105", "706000", piece="F1", credit="120,00"),
    fec_line("BQ", 1, "20240110", "411000", piece="R1", credit="20,00"),
    fec_line("BQ", 1, "20240110", "512000", piece="R1", debit="20,00"),
]


def test_a_fec_without_sub_ledger_is_refused_unless_collective_accounts_are_taken_as_clients(store, tmp_path):
    path = write_fec_file(tmp_path, NO_SUB_LEDGER)
    with pytest.raises(LedgerError) as err:
        import_files(store, [path], kind="fec", user=CLI_USER)
    assert "CompAuxNum is empty on every 411 line" in err.value.message("en")
    assert store.is_empty()
    import_files(store, [path], kind="fec", collective_as_client=True, user=CLI_USER)
    assert balances(store, dt.date(2024, 1, 10)) == {"411000": 100.0}  # 120 invoiced - 20 unapplied


def test_the_demo_fec_gives_the_same_balances_as_the_csv_samples(tmp_path):
    # issue 3 §8: the same demo ledger, once as French CSV files and once as its last fiscal year's FEC
    paths = demo.write_samples(tmp_path / "samples", clients=40, years=2)
    [fec] = [p for p in paths if "FEC" in p.name]
    csv = [p for p in paths if p.suffix == ".csv"]
    from_csv, from_fec = Store(tmp_path / "csv.duckdb"), Store(tmp_path / "fec.duckdb")
    try:
        assert import_files(from_csv, csv, user=CLI_USER).ok
        report = import_files(from_fec, [fec], user=CLI_USER)
        assert report.ok and report.files[0].kind == "fec"
        # the import's own check, to the cent: the reader's last note (the unapplied credit notes follow it)
        assert [key for key, _ in report.files[0].notes if key.startswith("fec.")][-1] == "fec.reconciled"
        day = demo.DEMO_END
        expected = balances(from_csv, day)
        assert len(expected) == 40 and sum(expected.values()) > 0
        found = balances(from_fec, day)  # a client with no entry in the last year and nothing open is not in it
        assert {c: round(found.get(c, 0.0), 2) for c in expected} == {c: round(b, 2) for c, b in expected.items()}
        assert set(found) <= set(expected)
    finally:
        from_csv.close()
        from_fec.close()


def test_reimporting_an_updated_fec_of_the_same_period_restates_its_payments(tmp_path):
    # First export: C3 Gamma's 40 received on 05/03 is not lettered yet -> unapplied cash.
    # Second export of the same year: the same 40 is now lettered G with F3, so its payment id
    # changes (unapplied -> allocated). Kept side by side the 40 would count twice (balance 220);
    # the second FEC restates the period: C3 = 300 - 40 = 260, as in the ledger.
    first = [
        fec_line("VT", 4, "20240120", "416000", "C3", "Gamma", "F3", debit="300,00"),
        fec_line("VT", 4, "20240120", "706000", piece="F3", credit="300,00"),
        fec_line("BQ", 5, "20240305", "411000", "C3", "Gamma", "R3", credit="40,00"),
        fec_line("BQ", 5, "20240305", "512000", piece="R3", debit="40,00"),
    ]
    second = [row[:13] + (["G"] if row[6] == "C3" else [""]) + row[14:] for row in first]
    store = Store(tmp_path / "w.duckdb")
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert import_files(store, [write_fec_file(one, first)], user=CLI_USER).ok
    assert balances(store, dt.date(2024, 3, 31)) == {"C3": 260.0}
    assert import_files(store, [write_fec_file(two, second)], user=CLI_USER).ok
    assert balances(store, dt.date(2024, 3, 31)) == {"C3": 260.0}
    rows = store.cursor().execute("SELECT count(*), sum(amount) FROM payments").fetchall()
    assert rows == [(1, 40)]  # one payment of 40, allocated to F3
    store.close()
