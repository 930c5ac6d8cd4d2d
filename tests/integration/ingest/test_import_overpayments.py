"""Issue 14 §8: nothing refused that a ledger legitimately holds. A payment above what is left of its
invoice settles it and keeps the excess as unapplied cash of the client (DOMAIN.md §2); credit notes
no payment applies are counted in the import report as unapplied credits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from riskcore.access.auth import CLI_USER
from riskcore.ingest import import_files
from riskcore.receivables import kpi

CLIENTS = "Code client;Raison sociale;Délai de paiement (jours);Fin de mois"
INVOICES = "N° facture;Code client;Date facture;Échéance;Montant TTC"
PAYMENTS = "N° règlement;Code client;N° facture;Date de règlement;Montant"


def write_csv(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    """A French-style export: `;`, decimal comma, Windows-1252."""
    path = folder / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def payments(store, like: str = "%") -> list[tuple]:
    """(payment_id, client_id, invoice_id, payment_date, amount) of the stored payments, by id."""
    found = store.cursor().execute("SELECT * FROM payments WHERE payment_id LIKE ? ORDER BY 1", [like]).fetchall()
    return [(p, c, i, d.isoformat(), float(a)) for p, c, i, d, a in found]


@pytest.fixture
def ledger(store, tmp_path):
    """C1 Dupont: F1 1 000,00 and F2 500,00; C2 Martin: F3 400,00 (all due in February 2025)."""
    base = tmp_path / "base"
    base.mkdir()
    paths = [
        write_csv(base, "clients.csv", CLIENTS, ["C1;Dupont SA;30;non", "C2;Martin SARL;30;non"]),
        write_csv(
            base,
            "factures.csv",
            INVOICES,
            [
                "F1;C1;15/01/2025;14/02/2025;1 000,00",
                "F2;C1;20/01/2025;19/02/2025;500,00",
                "F3;C2;20/01/2025;19/02/2025;400,00",
            ],
        ),
    ]
    assert import_files(store, paths, user=CLI_USER).ok
    return store


def test_a_payment_of_1200_on_a_1000_invoice_settles_it_and_keeps_200_as_unapplied_cash(ledger, tmp_path):
    # The file of the issue: 1 of its 2 payments is above its invoice. It used to be refused whole
    # ("50 % of rows in error") and R3 lost with it; now both load.
    path = write_csv(
        tmp_path, "reglements.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 200,00", "R3;C2;F3;03/03/2025;400,00"]
    )
    report = import_files(ledger, [path], user=CLI_USER)
    assert report.ok and not report.refused
    (file_report,) = report.files
    assert (file_report.rows_read, file_report.rows_loaded, file_report.rows_rejected) == (2, 2, 0)
    assert file_report.problems == [] and file_report.problem_counts == {}
    # R1: 1 000,00 settle F1, the other 200,00 are unapplied cash of C1 dated like R1
    assert payments(ledger) == [
        ("R1", "C1", "F1", "2025-03-01", 1000.0),
        ("R3", "C2", "F3", "2025-03-03", 400.0),
        ("excess:R1", "C1", None, "2025-03-01", 200.0),
    ]
    # a note, not a problem, in both languages, with the count and total of the file
    assert "  * payment R1 exceeds the remaining amount of invoice F1 by €200.00: kept as unapplied cash" in (
        report.render("en").splitlines()
    )
    fr = report.render("fr")
    assert (
        "le règlement R1 dépasse le reste dû de la facture F1 de 200,00\u00a0€ : gardé en encaissement non lettré" in fr
    )
    assert "Règlements supérieurs au reste dû de leur facture : 1, l'excédent (200,00\u00a0€)" in fr
    assert "Payments above the remaining amount of their invoice: 1, the excess (€200.00)" in report.render("en")

    # At 2025-03-31: F1 and F3 paid, F2 500 open (40 days past due: 31-60); C1's 200 of unapplied cash
    # deducted: outstanding 500 - 200 = 300; C1 300, C2 0.
    con = ledger.cursor()
    snap = kpi.snapshot(con, dt.date(2025, 3, 31))
    assert (snap["total_outstanding"], snap["unapplied_cash"], snap["aging"]["d31_60"]) == (300.0, 200.0, 500.0)
    balances = kpi.by_client(con, dt.date(2025, 3, 31)).set_index("client_id")["balance"].to_dict()
    assert balances == {"C1": 300.0, "C2": 0.0}
    # F1 counts as settled on 2025-03-01 by 1 000: 45 days after its date, 15 days late
    history = kpi.payment_history(con, "C1", dt.date(2025, 3, 31)).set_index("invoice_id")
    assert history.loc["F1", "days_to_pay"] == 45 and history.loc["F1", "days_late"] == 15


def test_later_payments_of_that_client_import_normally(ledger, tmp_path):
    first = write_csv(tmp_path, "reglements_mars.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 200,00"])
    assert import_files(ledger, [first], user=CLI_USER).ok
    # April: R4 settles F2 (500 left of 500); R5 names F1, already settled: all 50 of it are unapplied
    later = write_csv(
        tmp_path, "reglements_avril.csv", PAYMENTS, ["R4;C1;F2;05/04/2025;500,00", "R5;C1;F1;06/04/2025;50,00"]
    )
    report = import_files(ledger, [later], user=CLI_USER)
    assert report.ok and report.files[0].rows_loaded == 2 and report.files[0].rows_rejected == 0
    assert payments(ledger, "%R_") == [
        ("R1", "C1", "F1", "2025-03-01", 1000.0),
        ("R4", "C1", "F2", "2025-04-05", 500.0),
        ("R5", "C1", None, "2025-04-06", 50.0),
        ("excess:R1", "C1", None, "2025-03-01", 200.0),
    ]
    assert "payment R5 exceeds the remaining amount of invoice F1 by €50.00" in report.render("en")
    # at 2025-04-30 C1 has nothing open and 200 + 50 of unapplied cash: balance -250; C2's F3 400 is
    # still open, so the total is 400 - 250 = 150
    con = ledger.cursor()
    snap = kpi.snapshot(con, dt.date(2025, 4, 30))
    assert (snap["total_outstanding"], snap["unapplied_cash"]) == (150.0, 250.0)
    assert kpi.by_client(con, dt.date(2025, 4, 30)).set_index("client_id").loc["C1", "balance"] == -250.0


def test_a_corrected_export_of_the_same_payment_works_its_excess_out_again(ledger, tmp_path):
    first = write_csv(tmp_path, "reglements_1.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 200,00"])
    assert import_files(ledger, [first], user=CLI_USER).ok
    # the same export again with one more row: R1 is split once, not twice
    again = write_csv(
        tmp_path, "reglements_2.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 200,00", "R3;C2;F3;03/03/2025;400,00"]
    )
    assert import_files(ledger, [again], user=CLI_USER).ok
    assert payments(ledger, "%R1") == [
        ("R1", "C1", "F1", "2025-03-01", 1000.0),
        ("excess:R1", "C1", None, "2025-03-01", 200.0),
    ]
    # then R1 corrected to 1 000,00: no excess is left behind
    corrected = write_csv(tmp_path, "reglements_3.csv", PAYMENTS, ["R1;C1;F1;01/03/2025;1 000,00"])
    report = import_files(ledger, [corrected], user=CLI_USER)
    assert report.ok and not [key for key, _ in report.files[0].notes if "overpayment" in key]
    assert payments(ledger, "%R1") == [("R1", "C1", "F1", "2025-03-01", 1000.0)]


def test_payments_of_an_invoice_are_applied_in_date_order(ledger, tmp_path):
    # F2 is 500,00. The file lists R7 (10/03, 400,00) before R6 (05/03, 300,00): R6 is applied first
    # (300 of 500), then R7 finds 200 left: 200 applied, 200 unapplied, dated 10/03.
    path = write_csv(tmp_path, "reglements.csv", PAYMENTS, ["R7;C1;F2;10/03/2025;400,00", "R6;C1;F2;05/03/2025;300,00"])
    assert import_files(ledger, [path], user=CLI_USER).ok
    assert payments(ledger) == [
        ("R6", "C1", "F2", "2025-03-05", 300.0),
        ("R7", "C1", "F2", "2025-03-10", 200.0),
        ("excess:R7", "C1", None, "2025-03-10", 200.0),
    ]


def test_the_report_counts_the_credit_notes_no_payment_applies(ledger, tmp_path):
    # AV1 -300 of C2 is applied to nothing; AV2 -100 of C1 is applied to F2 (+100 on F2, -100 on AV2);
    # AV3 -80 of C1 half applied (-40 left). Unapplied: AV1 and AV3, 300 + 40 = 340.
    invoices = write_csv(
        tmp_path,
        "avoirs.csv",
        INVOICES,
        [
            "AV1;C2;10/03/2025;10/03/2025;-300,00",
            "AV2;C1;11/03/2025;11/03/2025;-100,00",
            "AV3;C1;12/03/2025;12/03/2025;-80,00",
        ],
    )
    applied = write_csv(
        tmp_path,
        "imputations.csv",
        PAYMENTS,
        [
            "I1;C1;F2;11/03/2025;100,00",
            "I2;C1;AV2;11/03/2025;-100,00",
            "I3;C1;F2;12/03/2025;40,00",
            "I4;C1;AV3;12/03/2025;-40,00",
        ],
    )
    report = import_files(ledger, [invoices, applied], user=CLI_USER)
    assert report.ok
    notes = dict(report.files[0].notes)
    assert notes["note_unapplied_credit_notes"]["count"] == 2
    assert "Credit notes not applied to an invoice: 2 (€340.00)" in report.render("en")
    assert "Avoirs non imputés sur une facture : 2 (340,00\u00a0€)" in report.render("fr")
    # the payments file applying them has no overpayment to report
    assert not [key for key, _ in report.files[1].notes if "overpayment" in key]
