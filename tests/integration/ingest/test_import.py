"""Importing real files into a real workspace: mapping, derived rows, re-imports, the demo."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from riskcore import demo
from riskcore.access.auth import CLI_USER, User
from riskcore.errors import LedgerError, PermissionDenied
from riskcore.ingest import import_files, preview
from riskcore.storage import schema

D = dt.date
CLIENTS = (
    "Code client;Raison sociale;SIREN;Code NAF;Pays;Région;Segment;Groupe;Commercial;Délai de paiement (jours);"
    "Fin de mois;Limite de crédit;Limite assurée;Note externe;Statut"
)
INVOICES = (
    "N° facture;Code client;Date facture;Échéance;Montant TTC;Devise;Litige;Motif du litige;Date de passage en perte"
)
PAYMENTS = "N° règlement;Code client;N° facture;Date de règlement;Montant"
DUNNING = "N° action;Code client;N° facture;Date de relance;Niveau;Canal;Résultat;Date de promesse"


def write_csv(folder: Path, name: str, header: str, rows: list[str], sep: str = ";", encoding: str = "cp1252") -> Path:
    path = folder / name
    text = "\r\n".join([header.replace(";", sep), *(r.replace(";", sep) for r in rows)]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def rows(store, sql: str) -> list[tuple]:
    return store.cursor().execute(sql).fetchall()


def snapshot(store) -> dict[str, list[tuple]]:
    names = [t.name for t in schema.ALL_TABLES] + ["meta"]
    return {name: rows(store, f"SELECT * FROM {name} ORDER BY ALL") for name in names}


@pytest.fixture
def french_files(tmp_path) -> list[Path]:
    """The four French sample kinds, as the demo writes them."""
    return [
        write_csv(tmp_path, "clients.csv", CLIENTS, [
            "C1;Dupont SA;552100554;4120A;FR;Bretagne;PME;G1;Alice;45;oui;10 000,00;5 000,00;7;actif",
            "C2;Martin SARL;;;FR;;;;;30;non;;;;Redressement judiciaire",
        ]),
        write_csv(tmp_path, "factures.csv", INVOICES, [
            "F1;C1;15/01/2025;;1 200,00;EUR;non;;",
            "F2;C2;20/01/2025;19/02/2025;-100,00;EUR;oui;Qualité;",
            "F3;C2;21/01/2025;20/02/2025;50,00;;;;31/12/2025",
        ]),
        write_csv(tmp_path, "reglements.csv", PAYMENTS, [
            "R1;C1;F1;01/03/2025;1 000,00",
            "R2;;F2;02/03/2025;-100,00",
        ]),
        write_csv(tmp_path, "relances.csv", DUNNING, [
            "A1;C1;F1;20/03/2025;Mise en demeure;courrier;promesse;30/03/2025",
            "A2;C2;;21/03/2025;1;email;;",
        ]),
    ]  # fmt: skip


def test_french_sample_files_load_into_canonical_tables(store, french_files):
    report = import_files(store, french_files, user=CLI_USER)
    assert report.ok and report.rows_loaded == 2 + 3 + 2 + 2
    assert [f.kind for f in report.files] == ["clients", "invoices", "payments", "dunning"]
    assert rows(store, "SELECT client_id, name, siren, sector, region, payment_terms_days, terms_end_of_month, "
                       "credit_limit, insured_limit, external_rating, status, placeholder FROM clients ORDER BY 1") == [
        ("C1", "Dupont SA", "552100554", "4120A", "Bretagne", 45, True, Decimal("10000.00"), Decimal("5000.00"), "7",
         "active", False),
        ("C2", "Martin SARL", None, None, None, 30, False, None, None, None, "collective_procedure", False),
    ]  # fmt: skip
    # F1 has no due date: 15/01/2025 + 45 days = 01/03/2025, end of month -> 31/03/2025 (C1's terms).
    # F3's currency is empty: the workspace currency (config app.currency) applies.
    assert rows(store, "SELECT * FROM invoices ORDER BY 1") == [
        ("F1", "C1", D(2025, 1, 15), D(2025, 3, 31), True, Decimal("1200.00"), "EUR", False, None, None, False),
        ("F2", "C2", D(2025, 1, 20), D(2025, 2, 19), False, Decimal("-100.00"), "EUR", True, "Qualité", None, False),
        ("F3", "C2", D(2025, 1, 21), D(2025, 2, 20), False, Decimal("50.00"), "EUR", False, None, D(2025, 12, 31),
         False),
    ]  # fmt: skip
    # R2 names no client: it is C2's, the client of invoice F2.
    assert rows(store, "SELECT * FROM payments ORDER BY 1") == [
        ("R1", "C1", "F1", D(2025, 3, 1), Decimal("1000.00")),
        ("R2", "C2", "F2", D(2025, 3, 2), Decimal("-100.00")),
    ]
    # "Mise en demeure" is a formal notice: level 4.
    assert rows(store, "SELECT action_id, client_id, invoice_id, action_date, level, channel, outcome, promise_date "
                       "FROM dunning_actions ORDER BY 1") == [
        ("A1", "C1", "F1", D(2025, 3, 20), 4, "courrier", "promesse", D(2025, 3, 30)),
        ("A2", "C2", None, D(2025, 3, 21), 1, "email", None, None),
    ]  # fmt: skip
    assert store.meta("dataset") == "user"


def test_each_file_is_recorded_with_its_mapping(store, french_files):
    report = import_files(store, french_files, user=User("marie@acme", "credit_manager"))
    recorded = rows(
        store,
        "SELECT import_id, sha256, file_name, kind, rows, rejected, mapping, imported_by "
        "FROM imports ORDER BY import_id",
    )
    assert [r[2:6] for r in recorded] == [
        ("clients.csv", "clients", 2, 0),
        ("factures.csv", "invoices", 3, 0),
        ("reglements.csv", "payments", 2, 0),
        ("relances.csv", "dunning", 2, 0),
    ]
    assert [r[0] for r in recorded] == [1, 2, 3, 4]  # from import_seq
    assert [r[1] for r in recorded] == [f.sha256 for f in report.files]
    assert json.loads(recorded[2][6]) == {
        "payment_id": "N° règlement",
        "client_id": "Code client",
        "invoice_id": "N° facture",
        "payment_date": "Date de règlement",
        "amount": "Montant",
    }
    assert {r[7] for r in recorded} == {"marie@acme"}


def test_reimporting_the_same_file_changes_nothing_and_says_so(store, french_files):
    import_files(store, french_files, user=CLI_USER)
    before = snapshot(store)
    report = import_files(store, french_files, user=CLI_USER)
    assert report.ok and all(f.already_imported for f in report.files)
    assert "already imported" in report.render("en")
    assert snapshot(store) == before


def test_reimporting_an_invoice_id_updates_it(store, french_files, tmp_path):
    import_files(store, french_files, user=CLI_USER)
    newer = write_csv(tmp_path, "factures_v2.csv", INVOICES, ["F3;C2;21/01/2025;20/02/2025;75,50;EUR;oui;Prix;"])
    assert import_files(store, [newer], user=CLI_USER).ok
    assert rows(
        store, "SELECT amount, disputed, dispute_reason, write_off_date FROM invoices WHERE invoice_id = 'F3'"
    ) == [
        (Decimal("75.50"), True, "Prix", None)  # a snapshot: the write-off column was in the file, empty
    ]
    assert rows(store, "SELECT count(*) FROM invoices") == [(3,)]


def test_a_file_without_some_columns_keeps_their_stored_values(store, french_files, tmp_path):
    import_files(store, french_files, user=CLI_USER)
    renamed = write_csv(tmp_path, "noms.csv", "Code client;Raison sociale", ["C1;Dupont et Fils SA"])
    assert import_files(store, [renamed], kind="clients", user=CLI_USER).ok
    # The name changes; the credit limit, terms and status the file does not carry stay.
    assert rows(store, "SELECT name, credit_limit, payment_terms_days, status FROM clients WHERE client_id = 'C1'") == [
        ("Dupont et Fils SA", Decimal("10000.00"), 45, "active")
    ]


def test_english_export_with_settled_dates_creates_the_payments(store, tmp_path):
    path = write_csv(tmp_path, "ar.csv", "countryCode,customerID,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,"
                                         "Disputed,SettledDate,DaysLate", [
        "391,0379-NSVTD,2705,1/2/2013,2/1/2013,55.94,No,1/15/2013,0",
        "406,8976-AMJEO,7487,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,6",
        "391,0379-NSVTD,9990,12/20/2013,1/19/2014,1200.5,No,,0",
    ], sep=",", encoding="utf-8")  # fmt: skip
    report = import_files(store, [path], user=CLI_USER)
    assert report.ok
    assert report.files[0].unmatched_headers == ["countryCode", "DaysLate"]
    # 1/26/2013 and 12/20/2013 prove month-first for the whole column.
    assert rows(
        store, "SELECT invoice_id, client_id, invoice_date, due_date, amount, disputed FROM invoices ORDER BY 1"
    ) == [
        ("2705", "0379-NSVTD", D(2013, 1, 2), D(2013, 2, 1), Decimal("55.94"), False),
        ("7487", "8976-AMJEO", D(2013, 1, 26), D(2013, 2, 25), Decimal("61.74"), True),
        ("9990", "0379-NSVTD", D(2013, 12, 20), D(2014, 1, 19), Decimal("1200.50"), False),
    ]
    # Settled invoices with no payment file: paid in full on the settlement date; 9990 is open.
    assert rows(store, "SELECT * FROM payments ORDER BY 1") == [
        ("settle:2705", "0379-NSVTD", "2705", D(2013, 1, 15), Decimal("55.94")),
        ("settle:7487", "8976-AMJEO", "7487", D(2013, 3, 3), Decimal("61.74")),
    ]
    # Both customers were unknown: flagged placeholders.
    assert rows(store, "SELECT client_id, placeholder FROM clients ORDER BY 1") == [
        ("0379-NSVTD", True),
        ("8976-AMJEO", True),
    ]


def test_settlement_with_a_paid_amount_column_pays_that_amount(store, tmp_path):
    path = write_csv(
        tmp_path,
        "f.csv",
        "N° facture;Code client;Date facture;Montant TTC;Date de règlement;Montant réglé",
        ["F1;C1;02/01/2025;100,00;10/02/2025;40,00", "F2;C1;03/01/2025;80,00;11/02/2025;"],
    )
    assert import_files(store, [path], user=CLI_USER).ok
    # F1: 40,00 paid on 10/02; F2: no paid amount, so paid in full (80,00) on 11/02.
    assert rows(store, "SELECT payment_id, payment_date, amount FROM payments ORDER BY 1") == [
        ("settle:F1", D(2025, 2, 10), Decimal("40.00")),
        ("settle:F2", D(2025, 2, 11), Decimal("80.00")),
    ]


def test_settlement_date_is_ignored_when_a_payments_file_pays_the_invoice(store, tmp_path):
    invoices = write_csv(
        tmp_path,
        "f.csv",
        "N° facture;Code client;Date facture;Montant TTC;Date de règlement",
        ["F1;C1;02/01/2025;100,00;10/02/2025", "F2;C1;03/01/2025;80,00;11/02/2025"],
    )
    payments = write_csv(tmp_path, "p.csv", PAYMENTS, ["R1;C1;F1;09/02/2025;100,00"])
    assert import_files(store, [payments, invoices], user=CLI_USER).ok
    assert rows(store, "SELECT payment_id, amount FROM payments ORDER BY 1") == [
        ("R1", Decimal("100.00")),
        ("settle:F2", Decimal("80.00")),
    ]


OPEN_ITEMS = "N° facture;Code client;Date facture;Échéance;Montant TTC;Reste dû"


@pytest.mark.parametrize(
    ("name", "extra_header", "extra", "as_of", "date"),
    [
        ("encours.csv", "", "", D(2025, 10, 31), D(2025, 10, 31)),  # --as-of
        ("encours.csv", ";Date d'export", ";30/09/2025", None, D(2025, 9, 30)),  # a column
        ("balance_2025-08-31.csv", "", "", None, D(2025, 8, 31)),  # the file name
        ("encours_20250731.csv", "", "", None, D(2025, 7, 31)),
    ],
)
def test_open_items_export_turns_what_was_paid_into_payments_at_the_export_date(
    store, tmp_path, name, extra_header, extra, as_of, date
):
    path = write_csv(tmp_path, name, OPEN_ITEMS + extra_header, [
        f"F1;C1;02/01/2025;01/02/2025;1 000,00;400,00{extra}",
        f"F2;C1;05/01/2025;04/02/2025;250,00;250,00{extra}",
    ])  # fmt: skip
    report = import_files(store, [path], as_of=as_of, user=CLI_USER)
    assert report.ok
    # F1: 1 000 - 400 left = 600 paid by `date`; F2 untouched, nothing paid.
    assert rows(store, "SELECT * FROM payments") == [("open:F1", "C1", "F1", date, Decimal("600.00"))]
    assert rows(store, "SELECT invoice_id, amount FROM invoices ORDER BY 1") == [
        ("F1", Decimal("1000.00")),
        ("F2", Decimal("250.00")),
    ]


def test_open_items_without_original_amount_take_the_remaining_as_the_amount(store, tmp_path):
    path = write_csv(tmp_path, "encours.csv", "N° facture;Code client;Date facture;Solde", ["F1;C1;02/01/2025;400,00"])
    assert import_files(store, [path], as_of=D(2025, 10, 31), user=CLI_USER).ok
    assert rows(store, "SELECT amount FROM invoices") == [(Decimal("400.00"),)]
    assert rows(store, "SELECT count(*) FROM payments") == [(0,)]


def test_open_items_without_any_date_are_refused_asking_for_as_of(store, tmp_path):
    before = snapshot(store)
    path = write_csv(tmp_path, "encours.csv", OPEN_ITEMS, ["F1;C1;02/01/2025;01/02/2025;1 000,00;400,00"])
    with pytest.raises(LedgerError) as err:
        import_files(store, [path], user=CLI_USER)
    assert err.value.key == "ingest.no_export_date"
    assert "encours.csv" in err.value.message("en") and "--as-of" in err.value.message("en")
    assert snapshot(store) == before


def test_a_later_open_items_snapshot_restates_what_was_paid(store, tmp_path):
    first = write_csv(tmp_path, "encours_2025-09-30.csv", OPEN_ITEMS, ["F1;C1;02/01/2025;01/02/2025;1 000,00;400,00"])
    second = write_csv(tmp_path, "encours_2025-10-31.csv", OPEN_ITEMS, ["F1;C1;02/01/2025;01/02/2025;1 000,00;150,00"])
    assert import_files(store, [first], user=CLI_USER).ok
    assert import_files(store, [second], user=CLI_USER).ok
    # At 31/10 only 150 is left: 850 paid, dated at the newer export.
    assert rows(store, "SELECT payment_id, payment_date, amount FROM payments") == [
        ("open:F1", D(2025, 10, 31), Decimal("850.00"))
    ]


@pytest.mark.parametrize(
    ("terms_days", "expected_due"),
    [
        (None, D(2025, 2, 14)),  # config import.default_terms_days: 15/01 + 30 days
        (60, D(2025, 3, 16)),  # --terms-days 60: 15/01 + 60 days
    ],
)
def test_missing_due_date_without_client_terms_uses_terms_days_else_config(store, tmp_path, terms_days, expected_due):
    path = write_csv(tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;15/01/2025;10,00"])
    report = import_files(store, [path], terms_days=terms_days, user=CLI_USER)
    assert report.ok
    assert rows(store, "SELECT due_date, due_date_assumed FROM invoices") == [(expected_due, True)]
    assert any(key == "note_due_assumed" for key, _ in report.files[0].notes)


def test_missing_due_date_uses_the_stored_clients_end_of_month_terms(store, tmp_path):
    clients = write_csv(tmp_path, "c.csv", "Code client;Délai de paiement (jours);Fin de mois", ["C1;45;oui"])
    assert import_files(store, [clients], user=CLI_USER).ok
    invoices = write_csv(
        tmp_path,
        "f.csv",
        "N° facture;Code client;Date facture;Montant TTC",
        ["F1;C1;20/01/2025;10,00", "F2;C1;31/01/2025;10,00"],
    )
    assert import_files(store, [invoices], terms_days=10, user=CLI_USER).ok
    # 20/01 + 45 = 06/03 -> end of March; 31/01 + 45 = 17/03 -> 31/03. The client's terms beat --terms-days.
    assert rows(store, "SELECT invoice_id, due_date FROM invoices ORDER BY 1") == [
        ("F1", D(2025, 3, 31)),
        ("F2", D(2025, 3, 31)),
    ]


def test_terms_written_as_text_in_a_clients_file_of_the_same_batch_apply(store, tmp_path):
    clients = write_csv(
        tmp_path, "c.csv", "Code client;Conditions de paiement", ["C1;60 jours net", "C2;30 j fin de mois"]
    )
    invoices = write_csv(
        tmp_path,
        "f.csv",
        "N° facture;Code client;Date facture;Montant TTC",
        ["F1;C1;10/01/2025;10,00", "F2;C2;10/01/2025;10,00"],
    )
    assert import_files(store, [invoices, clients], user=CLI_USER).ok
    # C1: 10/01 + 60 = 11/03. C2: 10/01 + 30 = 09/02, end of month -> 28/02.
    assert rows(store, "SELECT invoice_id, due_date FROM invoices ORDER BY 1") == [
        ("F1", D(2025, 3, 11)),
        ("F2", D(2025, 2, 28)),
    ]
    assert rows(store, "SELECT client_id, payment_terms_days, terms_end_of_month FROM clients ORDER BY 1") == [
        ("C1", 60, False),
        ("C2", 30, True),
    ]


def test_credit_notes_keep_their_sign_and_a_type_column_flips_it(store, tmp_path):
    path = write_csv(tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC;Type de pièce", [
        "F1;C1;02/01/2025;100,00;Facture",
        "A1;C1;03/01/2025;30,00;Avoir",
        "A2;C1;04/01/2025;-20,00;Avoir",
        "A3;C1;05/01/2025;-10,00;",
    ])  # fmt: skip
    assert import_files(store, [path], user=CLI_USER).ok
    assert rows(store, "SELECT invoice_id, amount FROM invoices ORDER BY 1") == [
        ("A1", Decimal("-30.00")),
        ("A2", Decimal("-20.00")),
        ("A3", Decimal("-10.00")),
        ("F1", Decimal("100.00")),
    ]


def test_payments_without_an_id_column_get_stable_ids(store, tmp_path):
    header = "Code client;N° facture;Date de règlement;Montant"
    invoices = write_csv(
        tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;02/01/2025;100,00"]
    )
    first = write_csv(tmp_path, "p1.csv", header, ["C1;F1;10/01/2025;30,00", "C1;F1;10/01/2025;30,00"])
    assert import_files(store, [invoices, first], user=CLI_USER).ok
    # The same two payments again, plus a third: only the third is new (ids come from the content).
    second = write_csv(
        tmp_path, "p2.csv", header, ["C1;F1;10/01/2025;30,00", "C1;F1;10/01/2025;30,00", "C1;F1;20/01/2025;40,00"]
    )
    report = import_files(store, [second], user=CLI_USER)
    assert report.ok and ("note_generated_ids", {"file": "p2.csv"}) in report.files[0].notes
    assert rows(store, "SELECT count(*), sum(amount) FROM payments") == [(3, Decimal("100.00"))]


def test_mapping_file_maps_headers_the_synonyms_do_not_know(store, tmp_path):
    path = write_csv(tmp_path, "odd.csv", "Ref;Cust;D1;Total", ["X1;K1;02/01/2025;12,00"])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "kind: invoices\ncolumns:\n  invoice_id: Ref\n  client_id: Cust\n  invoice_date: D1\n  amount: Total\n",
        encoding="utf-8",
    )
    report = import_files(store, [path], mapping_file=mapping, user=CLI_USER)
    assert report.ok
    assert rows(store, "SELECT invoice_id, client_id, invoice_date, amount FROM invoices") == [
        ("X1", "K1", D(2025, 1, 2), Decimal("12.00"))
    ]
    stored = json.loads(rows(store, "SELECT mapping FROM imports")[0][0])
    assert stored == {"invoice_id": "Ref", "client_id": "Cust", "invoice_date": "D1", "amount": "Total"}


def test_data_page_corrections_choose_the_kind_and_columns_of_a_file(store, tmp_path):
    # "Date" alone would be read as the invoice date; the user says it is the due date.
    path = write_csv(
        tmp_path, "f.csv", "N° facture;Code client;Émise le;Date;Montant TTC", ["F1;C1;02/01/2025;28/02/2025;12,00"]
    )
    corrections = {"f.csv": {"_kind": "invoices", "invoice_date": "Émise le", "due_date": "Date"}}
    assert import_files(store, [path], mappings=corrections, user=CLI_USER).ok
    assert rows(store, "SELECT invoice_date, due_date, due_date_assumed FROM invoices") == [
        (D(2025, 1, 2), D(2025, 2, 28), False)
    ]


def test_uploaded_file_is_reported_under_the_name_the_user_gave(store, tmp_path):
    path = write_csv(tmp_path, "tmp8x2k.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;02/01/2025;?"])
    report = import_files(store, [path], file_names={path: "mes factures.csv"}, user=CLI_USER)
    assert report.files[0].problems[0].file == "mes factures.csv"
    assert rows(store, "SELECT count(*) FROM imports") == [(0,)]  # refused: 1 bad row of 1


def test_preview_shows_kind_mapping_unmatched_and_first_rows(tmp_path):
    lines = [f"F{i};C1;02/01/2025;{i},00;x" for i in range(30)]
    path = write_csv(tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC;Commentaire", lines)
    shown = preview(path)
    assert shown.kind == "invoices"
    assert shown.mapping == {
        "invoice_id": "N° facture",
        "client_id": "Code client",
        "invoice_date": "Date facture",
        "amount": "Montant TTC",
    }
    assert shown.unmatched == ["Commentaire"]
    assert shown.candidates == ["N° facture", "Code client", "Date facture", "Montant TTC", "Commentaire"]
    assert len(shown.sample) == 20 and shown.sample.iloc[0, 0] == "F0"
    assert shown.required_missing == []


def test_preview_of_an_unrecognised_file_lists_what_is_missing(tmp_path):
    path = write_csv(tmp_path, "f.csv", "N° facture;Montant TTC", ["F1;10,00"])
    shown = preview(path)
    assert (shown.kind, shown.required_missing) == ("invoices", ["client_id", "invoice_date"])


def test_workbook_sheets_import_each_and_leave_an_unknown_sheet_aside(store, tmp_path):
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Factures")
        sheet.write_row(0, 0, ["N° facture", "Code client", "Date facture", "Montant TTC"])
        sheet.write_row(1, 0, ["F1", "C1", "02/01/2025", 12.5])
        notes = book.add_worksheet("Notes")
        notes.write_row(0, 0, ["Auteur", "Remarque"])
        notes.write_row(1, 0, ["Paul", "export du mois"])
    report = import_files(store, [path], user=CLI_USER)
    assert report.ok
    assert [(f.file_name, f.kind) for f in report.files] == [
        ("export.xlsx [Factures]", "invoices"),
        ("export.xlsx [Notes]", "skipped"),
    ]
    assert rows(store, "SELECT invoice_id, amount FROM invoices") == [("F1", Decimal("12.50"))]


def test_importing_own_files_replaces_the_demo(store, french_files):
    demo.load_demo(store, clients=20, years=1)
    assert store.is_demo()
    report = import_files(store, french_files, user=CLI_USER)
    assert report.ok
    assert store.meta("dataset") == "user"
    assert rows(store, "SELECT client_id FROM clients ORDER BY 1") == [("C1",), ("C2",)]
    assert rows(store, "SELECT count(*) FROM invoices") == [(3,)]
    assert report.files[0].notes[0] == ("note_demo_replaced", {})


def test_a_refused_import_keeps_the_demo(store, tmp_path):
    demo.load_demo(store, clients=20, years=1)
    before = snapshot(store)
    path = write_csv(tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;02/01/2025;?"])
    assert import_files(store, [path], user=CLI_USER).refused
    assert snapshot(store) == before and store.is_demo()


def test_a_viewer_may_not_import(store, french_files):
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        import_files(store, french_files, user=User("cfo@acme", "viewer"))
    assert snapshot(store) == before


def test_render_summarises_each_file_in_french(store, french_files):
    report = import_files(store, french_files, user=CLI_USER)
    text = report.render("fr")
    assert "factures.csv (factures)" in text
    assert "lignes lues 3, chargées 3, rejetées 0" in text
    assert "9 lignes importées depuis 4 fichier(s)." in text


def test_workbook_without_any_ledger_sheet_is_refused_naming_it(store, tmp_path):
    import xlsxwriter

    path = tmp_path / "notes.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        for name in ("Notes", "Brouillon"):
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, ["Auteur", "Remarque"])
            sheet.write_row(1, 0, ["Paul", "rien"])
    with pytest.raises(LedgerError) as err:
        import_files(store, [path], user=CLI_USER)
    assert err.value.key == "ingest.unknown_kind"
    assert "notes.xlsx [Notes]" in err.value.message("en")


def test_a_clients_file_without_terms_keeps_the_stored_terms_for_due_dates(store, tmp_path):
    terms = write_csv(tmp_path, "c1.csv", "Code client;Délai de paiement (jours);Fin de mois", ["C1;60;non"])
    assert import_files(store, [terms], user=CLI_USER).ok
    names = write_csv(tmp_path, "c2.csv", "Code client;Raison sociale", ["C1;Dupont SA"])
    invoices = write_csv(
        tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;10/01/2025;10,00"]
    )
    assert import_files(store, [names, invoices], user=CLI_USER).ok
    # C1's stored 60 days still apply: 10/01/2025 + 60 = 11/03/2025.
    assert rows(store, "SELECT due_date FROM invoices") == [(D(2025, 3, 11),)]


def test_replacing_the_demo_with_clients_without_terms_uses_the_default_terms(store, tmp_path):
    demo.load_demo(store, clients=20, years=1)
    names = write_csv(tmp_path, "c.csv", "Code client;Raison sociale", ["C1;Dupont SA"])
    invoices = write_csv(
        tmp_path, "f.csv", "N° facture;Code client;Date facture;Montant TTC", ["F1;C1;10/01/2025;10,00"]
    )
    assert import_files(store, [names, invoices], user=CLI_USER).ok
    # The demo's clients are gone, their terms with them: config's 30 days, 10/01 + 30 = 09/02.
    assert rows(store, "SELECT due_date FROM invoices") == [(D(2025, 2, 9),)]
