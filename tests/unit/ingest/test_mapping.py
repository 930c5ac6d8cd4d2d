"""Header matching, kind detection and value vocabularies of riskcore.ingest.mapping."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from riskcore.errors import LedgerError
from riskcore.ingest import mapping as mp
from riskcore.ingest.validate import date_in_name
from riskcore.storage import schema

# The headers the demo's sample files carry (riskcore/demo.py), exactly.
FRENCH_HEADERS = {
    "clients": (
        "Code client;Raison sociale;SIREN;Code NAF;Pays;Région;Segment;Groupe;Commercial;"
        "Délai de paiement (jours);Fin de mois;Limite de crédit;Limite assurée;Note externe;Statut",
        ["client_id", "name", "siren", "sector", "country", "region", "segment", "group_id", "sales_rep",
         "payment_terms_days", "terms_end_of_month", "credit_limit", "insured_limit", "external_rating", "status"],
    ),
    "invoices": (
        "N° facture;Code client;Date facture;Échéance;Montant TTC;Devise;Litige;Motif du litige;"
        "Date de passage en perte",
        ["invoice_id", "client_id", "invoice_date", "due_date", "amount", "currency", "disputed", "dispute_reason",
         "write_off_date"],
    ),
    "payments": (
        "N° règlement;Code client;N° facture;Date de règlement;Montant",
        ["payment_id", "client_id", "invoice_id", "payment_date", "amount"],
    ),
    "dunning": (
        "N° action;Code client;N° facture;Date de relance;Niveau;Canal;Résultat;Date de promesse",
        ["action_id", "client_id", "invoice_id", "action_date", "level", "channel", "outcome", "promise_date"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N° facture", "nfacture"),
        ("Échéance", "echeance"),
        ("  DATE D'ÉCHÉANCE ", "datedecheance"),
        ("Délai de paiement (jours)", "delaidepaiementjours"),
        ("customer_ID", "customerid"),
        ("Nº Facture", "nofacture"),  # the numero sign decomposes to "No"
    ],
)
def test_normalise_drops_accents_case_spaces_and_punctuation(text, expected):
    assert mp.normalise(text) == expected


@pytest.mark.parametrize("kind", list(FRENCH_HEADERS))
def test_demo_sample_headers_map_every_column_and_leave_none_unmatched(kind):
    line, expected_columns = FRENCH_HEADERS[kind]
    headers = line.split(";")
    match = mp.match_headers(headers, kind)
    # Each header maps to the canonical column at the same position, as the demo writes them.
    assert match.mapping == dict(zip(expected_columns, headers, strict=True))
    assert match.unmatched == []


@pytest.mark.parametrize("kind", list(FRENCH_HEADERS))
def test_demo_sample_headers_are_detected_as_their_kind(kind):
    headers = FRENCH_HEADERS[kind][0].split(";")
    assert mp.resolve(headers, "sample.csv").kind == kind


def test_english_receivables_export_maps_to_invoices_with_settlement_date():
    # The columns of a common English AR export (IBM "Accounts Receivable" sample data set).
    headers = [
        "countryCode",
        "customerID",
        "PaperlessDate",
        "invoiceNumber",
        "InvoiceDate",
        "DueDate",
        "InvoiceAmount",
        "Disputed",
        "SettledDate",
        "PaperlessBill",
        "DaysToSettle",
        "DaysLate",
    ]
    match = mp.resolve(headers, "ar.csv")
    assert match.kind == "invoices"
    assert match.mapping == {
        "client_id": "customerID", "invoice_id": "invoiceNumber", "invoice_date": "InvoiceDate",
        "due_date": "DueDate", "amount": "InvoiceAmount", "disputed": "Disputed", "settled_date": "SettledDate",
    }  # fmt: skip
    # Nothing in DOMAIN.md §1 holds these: they are listed for the user, not guessed.
    assert match.unmatched == ["countryCode", "PaperlessDate", "PaperlessBill", "DaysToSettle", "DaysLate"]


# Issue 2 §4 lists these synonyms explicitly; each must land on its canonical column.
ISSUE_SYNONYMS = [
    *[("invoices", h, "client_id") for h in ("Code client", "N° client", "Compte client", "Client", "customerID",
                                             "Customer ID", "Account")],
    *[("invoices", h, "invoice_id") for h in ("N° facture", "Numéro de facture", "N° pièce", "Référence",
                                              "invoiceNumber", "Invoice No")],
    *[("invoices", h, "invoice_date") for h in ("Date facture", "Date de pièce", "Date d'émission", "InvoiceDate",
                                                "Invoice date")],
    *[("invoices", h, "due_date") for h in ("Échéance", "Date d'échéance", "DueDate", "Due date")],
    *[("invoices", h, "amount") for h in ("Montant TTC", "Montant", "Montant facture", "Total TTC", "InvoiceAmount",
                                          "Amount")],
    *[("invoices", h, "settled_date") for h in ("Date de règlement", "Date de paiement", "Date d'encaissement",
                                                "SettledDate", "Paid date", "Payment date")],
    *[("invoices", h, "remaining_amount") for h in ("Reste dû", "Solde", "Montant restant", "Open amount", "Balance")],
    *[("invoices", h, "disputed") for h in ("Litige", "Disputed")],
    *[("clients", h, "name") for h in ("Raison sociale", "Nom", "Customer name")],
]  # fmt: skip


@pytest.mark.parametrize(("kind", "header", "column"), ISSUE_SYNONYMS)
def test_issue_synonyms_map_to_their_canonical_column(kind, header, column):
    assert mp.match_headers([header], kind).mapping == {column: header}


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("N° FACTURE", "invoice_id"),
        ("n°facture", "invoice_id"),
        ("NUMERO DE FACTURE", "invoice_id"),
        ("date_d_echeance", "due_date"),
        ("Montant (EUR)", "amount"),  # a unit in brackets does not change the column
        ("due-date", "due_date"),
    ],
)
def test_matching_ignores_case_accents_spaces_punctuation_and_units(header, column):
    assert mp.match_headers([header], "invoices").mapping == {column: header}


@pytest.mark.parametrize("kind", mp.KINDS)
def test_every_canonical_column_has_french_and_english_synonyms(kind):
    table = schema.KINDS[kind]
    names = mp.synonyms(kind)
    for column in table.column_names:
        if column in ("placeholder", "due_date_assumed"):
            continue  # set by the import itself, never read from a file
        # Beyond the canonical name itself, at least one French and one English header.
        assert len(names[column]) >= 3, column


def test_the_more_specific_synonym_wins_a_header_shared_by_two_columns():
    # "Client" alone could be a code or a name; beside "Code client" it is the name.
    match = mp.match_headers(["Code client", "Client"], "clients")
    assert match.mapping == {"client_id": "Code client", "name": "Client"}


def test_unknown_headers_raise_naming_the_file():
    with pytest.raises(LedgerError) as err:
        mp.resolve(["Foo", "Bar"], "mystery.csv")
    assert err.value.key == "ingest.unknown_kind"
    assert "mystery.csv" in err.value.message("en")


def test_forced_kind_with_a_missing_required_column_names_the_column():
    with pytest.raises(LedgerError) as err:
        mp.resolve(["N° facture", "Code client", "Montant"], "f.csv", kind="invoices")
    assert err.value.key == "ingest.missing_columns"
    assert err.value.params["columns"] == "invoice_date"


def test_overrides_move_a_header_to_the_column_the_user_chose():
    headers = ["Ref", "Cust", "D1", "Total"]
    match = mp.resolve(
        headers,
        "odd.csv",
        overrides={"invoice_id": "Ref", "client_id": "Cust", "invoice_date": "D1", "amount": "Total"},
    )
    assert match.kind == "invoices"
    assert match.mapping == {"invoice_id": "Ref", "client_id": "Cust", "amount": "Total", "invoice_date": "D1"}
    assert match.unmatched == []


def test_override_naming_a_header_absent_from_the_file_is_refused():
    with pytest.raises(LedgerError) as err:
        mp.resolve(["N° facture"], "f.csv", kind="invoices", overrides={"invoice_id": "Ref"})
    assert err.value.key == "ingest.mapping_missing_header"
    assert "Ref" in err.value.message("en")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Actif", "active"),
        ("ACTIVE", "active"),
        ("Contentieux", "litigation"),
        ("en litige", "litigation"),
        ("Procédure collective", "collective_procedure"),
        ("Redressement judiciaire", "collective_procedure"),
        ("Liquidation", "collective_procedure"),
        ("sauvegarde", "collective_procedure"),
        ("Client en redressement depuis mars", "collective_procedure"),
        ("Clos", "closed"),
        ("Fermé", "closed"),
        ("closed", "closed"),
    ],
)
def test_status_words_in_french_and_english_are_normalised(text, status):
    values, unknown = mp.normalise_status(pd.Series([text]))
    assert values.tolist() == [status]
    assert unknown.tolist() == [False]


def test_unknown_status_is_flagged_and_left_empty():
    values, unknown = mp.normalise_status(pd.Series(["VIP", None]))
    assert values.isna().tolist() == [True, True]
    assert unknown.tolist() == [True, False]  # an empty cell is not an unknown word


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("Avoir", True),
        ("AV", True),
        ("credit note", True),
        ("C", True),
        ("Facture", False),
        ("D", False),
        (None, False),
    ],
)
def test_document_type_marks_credit_notes(text, credit):
    assert mp.credit_note_mask(pd.Series([text])).tolist() == [credit]


@pytest.mark.parametrize(
    ("text", "days", "eom"),
    [("45 jours fin de mois", 45, True), ("30 j net", 30, False), ("60 days EOM", 60, True), ("45 FDM", 45, True)],
)
def test_terms_written_as_text_give_days_and_end_of_month(text, days, eom):
    got_days, got_eom = mp.terms_text(pd.Series([text]))
    assert (got_days.tolist(), got_eom.tolist()) == ([days], [eom])


@pytest.mark.parametrize(
    ("text", "level"),
    [("Relance", 1), ("2e relance", 2), ("Appel", 3), ("Mise en demeure", 4), ("Injonction de payer", 5)],
)
def test_dunning_steps_written_as_words_give_their_level(text, level):
    assert mp.level_words(pd.Series([text])).tolist() == [level]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("balance_2025-10-31.csv", dt.date(2025, 10, 31)),
        ("encours_20251031.xlsx", dt.date(2025, 10, 31)),
        ("AR 31-10-2025.csv", dt.date(2025, 10, 31)),
        ("invoices.csv", None),
        ("export_20251399.csv", None),  # month 13 is no date
    ],
)
def test_a_date_in_the_file_name_is_found(name, expected):
    assert date_in_name(name) == expected
