"""Dunning letters on a real workspace: the statement, the formal notice's claim, the PDF read back, drafts."""

from __future__ import annotations

import datetime as dt
import email
import io
import zipfile
from decimal import Decimal
from email import policy

import jinja2
import pandas as pd
import pytest
from builders import inv, pay, write_rows
from pypdf import PdfReader

from riskcore.access.auth import User
from riskcore.config.collections import ACTIONS
from riskcore.dunning import letters, mail, pdf, prose, records
from riskcore.errors import EncoursError
from riskcore.receivables import kpi
from riskcore.storage.store import write_ledger

D = dt.date
LETTER_DATE = D(2026, 10, 30)
MANAGER = User("cm@demo", "credit_manager")


@pytest.fixture
def workspace(store):
    """C1 (French): F1 10 000 due 30/09; F2 2 500 due 15/10, 500 paid on 20/10; F3 1 000 not due;
    D4 800 due 01/09, disputed; AV1 a credit note of 500 and P2 300 of cash, neither allocated.
    An imported level-1 reminder on 05/10 and a call recorded on 20/10.
    C2 (English) owes F9 1 000 due 30/09; C3 has no language (config app.default_language: fr)."""
    invoices = [
        inv("F1", D(2026, 8, 31), D(2026, 9, 30), 10000, client_id="C1"),
        inv("F2", D(2026, 9, 15), D(2026, 10, 15), 2500, client_id="C1"),
        inv("F3", D(2026, 10, 16), D(2026, 11, 15), 1000, client_id="C1"),
        inv("D4", D(2026, 8, 1), D(2026, 9, 1), 800, client_id="C1"),
        inv("AV1", D(2026, 10, 1), D(2026, 10, 1), -500, client_id="C1"),
        inv("F9", D(2026, 8, 31), D(2026, 9, 30), 1000, client_id="C2"),
        inv("F7", D(2026, 8, 31), D(2026, 9, 30), 700, client_id="C3"),
    ]
    payments = [pay("P1", "F2", D(2026, 10, 20), 500, client_id="C1"), pay("P2", None, D(2026, 10, 22), 300, "C1")]
    clients = [
        {"client_id": "C1", "name": "Dupont & Fils <SA>", "siren": "552100554", "language": "fr"},
        {"client_id": "C2", "name": "Smith Ltd", "language": "en"},
        {"client_id": "C3", "name": "Martin SARL"},
    ]
    write_rows(store, invoices, payments, clients)
    imported = {"action_id": "imp-1", "client_id": "C1", "action_date": D(2026, 10, 5), "level": 1, "channel": "email"}
    with store.transaction() as cur:
        write_ledger(cur, {"dunning_actions": pd.DataFrame([imported])}, replace=False)
    records.record_action(store, MANAGER, "C1", D(2026, 10, 20), "call", channel="phone", outcome="reached")
    records.record_dispute(store, MANAGER, "C1", ["D4"], D(2026, 10, 2), reason="price")
    return store


def pdf_text(document: bytes) -> str:
    """The PDF's text with every run of white space (no-break spaces of amounts too) as one space."""
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_formal_notice_adds_up_to_the_balance_and_claims_penalties_on_undisputed_overdue(workspace):
    con = workspace.cursor()
    letter = letters.letter_for(con, "C1", "formal_notice", LETTER_DATE)
    assert letter.lang == "fr"
    assert [i.number for i in letter.items] == ["D4", "F1", "F2", "F3"]  # most days past due first
    assert [(c.number, c.remaining) for c in letter.credits] == [("AV1", Decimal("-500.00"))]
    assert [(c.number, c.amount) for c in letter.cash] == [("P2", Decimal("300.00"))]
    # 10 000 + 2 000 + 1 000 + 800 - 500 - 300 = 13 000, the client's balance
    assert letter.total_due == Decimal("13000.00")
    assert float(letter.total_due) == kpi.by_client(con, LETTER_DATE).set_index("client_id").loc["C1", "balance"]
    assert letter.overdue == Decimal("12800.00")  # D4 800 + F1 10 000 + F2 2 000
    # F1: 30 days (01/10 to 30/10) at ECB 2,15 % + 10 points = 12,15 %: 10 000 x 30 x 0.1215 / 365 = 99.863 -> 99,86
    # F2: 15 days on the 2 000 still open: 2 000 x 15 x 0.1215 / 365 = 9.986 -> 9,99; D4 is disputed: not claimed
    assert [(c.number, c.days_late, c.penalty, c.indemnity) for c in letter.claims] == [
        ("F1", 30, Decimal("99.86"), Decimal("40.00")),
        ("F2", 15, Decimal("9.99"), Decimal("40.00")),
    ]
    # principal: 10 000 + 2 000 - 500 - 300 = 11 200; penalties 99,86 + 9,99 = 109,85; indemnities 2 x 40 = 80
    assert (letter.principal, letter.penalty_total, letter.indemnity_total) == (
        Decimal("11200.00"), Decimal("109.85"), Decimal("80.00"))  # fmt: skip
    assert letter.total_claimed == Decimal("11389.85")  # 11 200 + 109,85 + 80
    assert letter.deadline == D(2026, 11, 7)  # 30/10 + 8 days (collections.formal_notice_deadline_days)
    # the letter's own action of the day is not an earlier reminder; the imported level 1 is an e-mail
    assert [(r.action, r.date) for r in letter.reminders] == [
        ("reminder_email", D(2026, 10, 5)),
        ("call", D(2026, 10, 20)),
    ]


def test_the_formal_notice_pdf_reads_back_in_french(workspace):
    letter = letters.letter_for(workspace.cursor(), "C1", "formal_notice", LETTER_DATE)
    text = pdf_text(pdf.render(letter))
    for number in ("F1", "F2", "F3", "D4 (en litige)", "Avoir AV1", "Règlement reçu P2"):
        assert number in text
    assert "Dupont & Fils <SA>" in text  # shown literally, not read as markup
    assert "SIREN : 552100554" in text and "SIREN : 000000000" in text  # debtor and creditor
    # the statement: number, date, due date, amount, remaining, days late
    assert "F1 31/08/2026 30/09/2026 10 000,00 € 10 000,00 € 30" in text
    assert "F2 15/09/2026 15/10/2026 2 500,00 € 2 000,00 € 15" in text
    assert "F3 16/10/2026 15/11/2026 1 000,00 € 1 000,00 € non échu" in text
    assert "-500,00 €" in text and "-300,00 €" in text
    assert "Solde dû 13 000,00 €" in text and "dont échu 12 800,00 €" in text
    # the claim: number, due date, overdue amount, days, penalty, indemnity (worked out in the test above)
    assert "F1 30/09/2026 10 000,00 € 30 99,86 € 40,00 €" in text
    assert "F2 15/10/2026 2 000,00 € 15 9,99 € 40,00 €" in text
    assert "109,85 €" in text and "80,00 €" in text
    assert "Total réclamé 11 389,85 €" in text
    assert "À régler au plus tard le 07/11/2026." in text
    assert "05/10/2026 : Relance de paiement (e-mail)" in text
    assert "20/10/2026 : Appel téléphonique (téléphone)" in text
    # the legal mentions of DOMAIN §9
    assert "mise en demeure" in text
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION (LRAR)" in text
    assert "procédure judiciaire" in text
    assert "12,15 %" in text  # the L441-10 rate at the letter's date


def test_the_english_formal_notice_gives_the_same_figures_in_english(workspace):
    letter = letters.letter_for(workspace.cursor(), "C1", "formal_notice", LETTER_DATE, lang="en")
    text = pdf_text(pdf.render(letter))
    assert "F1 31/08/2026 30/09/2026 €10,000.00 €10,000.00 30" in text
    assert "F1 30/09/2026 €10,000.00 30 €99.86 €40.00" in text
    assert "F2 15/10/2026 €2,000.00 15 €9.99 €40.00" in text
    assert "-€500.00" in text and "Balance due €13,000.00" in text
    assert "Total claimed €11,389.85" in text
    assert "formal notice" in text and "REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT" in text
    assert "legal proceedings" in text and "12.15%" in text


def test_the_language_is_the_clients_else_the_configured_one(workspace):
    con = workspace.cursor()
    assert letters.letter_for(con, "C2", "reminder_email", LETTER_DATE).lang == "en"
    # no language on C3: config.yaml app.default_language (fr), whatever ENCOURS_LANG says of the UI
    assert letters.letter_for(con, "C3", "reminder_email", LETTER_DATE).lang == "fr"
    text = pdf_text(pdf.render(letters.letter_for(con, "C2", "reminder_email", LETTER_DATE)))
    assert "Reminder: your account C2" in text and "€1,000.00" in text


def test_a_reminder_states_the_account_and_claims_nothing(workspace):
    letter = letters.letter_for(workspace.cursor(), "C1", "reminder_email", LETTER_DATE)
    assert (letter.claims, letter.total_claimed, letter.deadline, letter.mentions) == ((), None, None, ())
    text = pdf_text(pdf.render(letter))
    assert "Solde dû 13 000,00 €" in text
    assert "mise en demeure" not in text and "Total réclamé" not in text and "LRAR" not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_letter_and_an_email_in_both_languages(workspace, action, lang):
    letter = letters.letter_for(workspace.cursor(), "C1", action, LETTER_DATE, lang=lang)
    document = pdf.render(letter)
    subject = prose.prose(letter, markup=False)["subject"]
    assert subject and subject in pdf_text(document)
    message = mail.draft(letter, document)
    assert message["Subject"] == subject
    assert message["From"] == "recouvrement@example.fr"  # smtp.sender empty: company.contact
    assert message["To"] is None  # the workspace holds no client e-mail address
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"C1_{action}.pdf" and attachment.get_content() == document
    assert "C1" in message.get_body(("plain",)).get_content()


def test_the_batch_zip_holds_a_pdf_and_an_eml_per_letter(workspace, tmp_path):
    con = workspace.cursor()
    batch = [
        letters.letter_for(con, "C1", "formal_notice", LETTER_DATE),
        letters.letter_for(con, "C2", "call", LETTER_DATE),
    ]
    drafts = mail.batch_zip(batch, tmp_path / "out" / "letters.zip")
    assert len(drafts) == 2
    with zipfile.ZipFile(tmp_path / "out" / "letters.zip") as archive:
        assert sorted(archive.namelist()) == [
            "C1_formal_notice.eml",
            "C1_formal_notice.pdf",
            "C2_call.eml",
            "C2_call.pdf",
        ]
        eml = email.message_from_bytes(archive.read("C2_call.eml"), policy=policy.default)
        assert eml["X-Unsent"] == "1"  # opens as a draft in the mail client
        assert eml["Subject"] == "Following our telephone conversation of 30/10/2026"
        (attachment,) = eml.iter_attachments()
        assert attachment.get_content() == archive.read("C2_call.pdf")
        assert "Smith Ltd" in pdf_text(archive.read("C2_call.pdf"))


def test_the_templates_dir_overrides_the_shipped_templates(workspace, tmp_path, configured):
    folder = tmp_path / "templates" / "fr"
    folder.mkdir(parents=True)
    (folder / "reminder_email.txt").write_text(
        "{% block subject %}Petit rappel{% endblock %}{% block intro %}Bonjour {{ debtor.name }},{% endblock %}",
        encoding="utf-8",
    )
    configured(collections={"templates_dir": str(tmp_path / "templates")})
    con = workspace.cursor()
    text = pdf_text(pdf.render(letters.letter_for(con, "C1", "reminder_email", LETTER_DATE)))
    assert "Objet : Petit rappel" in text and "Bonjour Dupont & Fils <SA>," in text
    # a file the folder lacks comes from the package
    assert "Mise en demeure de payer" in pdf_text(
        pdf.render(letters.letter_for(con, "C1", "formal_notice", LETTER_DATE))
    )
    (folder / "call.txt").write_text("{% block intro %}{{ no_such_value }}{% endblock %}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):  # StrictUndefined: a typo fails instead of printing nothing
        pdf.render(letters.letter_for(con, "C1", "call", LETTER_DATE))


def test_characters_helvetica_cannot_draw_fall_back_to_their_base_letter():
    # U+202F (French thousands) -> U+00A0; ł has no decomposition in NFKD -> ?; ź -> z; 東 -> ?
    assert pdf.winansi("10\u202f000,00\u00a0€") == "10\u00a0000,00\u00a0€"
    assert pdf.winansi("Łódź 東") == "?ódz ?"


def test_an_unknown_action_or_client_is_refused(workspace):
    con = workspace.cursor()
    with pytest.raises(EncoursError) as bad_action:
        letters.letter_for(con, "C1", "postcard", LETTER_DATE)
    assert bad_action.value.key == "letters.bad_action"
    with pytest.raises(EncoursError) as unknown:
        letters.letter_for(con, "NOPE", "reminder_email", LETTER_DATE)
    assert unknown.value.key == "letters.unknown_client"


def test_a_ledger_read_for_the_batch_gives_each_letter_as_it_is_alone(workspace):
    # the batch's facts (open items, penalties, names, cash, actions) read once for C1, C2 and C3
    con = workspace.cursor()
    ledger = letters.Ledger.read(con, LETTER_DATE, client_ids=["C1", "C2", "C3", "C1"])
    everyone = letters.Ledger.read(con, LETTER_DATE)
    for client in ("C1", "C2", "C3"):
        for action in ("reminder_email", "formal_notice"):
            alone = letters.letter_for(con, client, action, LETTER_DATE)
            assert letters.letter_for(con, client, action, LETTER_DATE, ledger=ledger) == alone
            assert letters.letter_for(con, client, action, LETTER_DATE, ledger=everyone) == alone
    notice = letters.letter_for(con, "C1", "formal_notice", LETTER_DATE, ledger=ledger)
    # the figures of the formal notice test above: 13 000 owed, 11 389,85 claimed, P2's 300 of cash,
    # the imported e-mail of 05/10 and the call of 20/10 recalled
    assert (notice.total_due, notice.total_claimed) == (Decimal("13000.00"), Decimal("11389.85"))
    assert [(c.number, c.amount) for c in notice.cash] == [("P2", Decimal("300.00"))]
    assert [(r.action, r.date) for r in notice.reminders] == [
        ("reminder_email", D(2026, 10, 5)),
        ("call", D(2026, 10, 20)),
    ]
    # a client the batch was not read for: its letter reads its own facts
    only_c1 = letters.Ledger.read(con, LETTER_DATE, client_ids=["C1"])
    assert letters.letter_for(con, "C2", "formal_notice", LETTER_DATE, ledger=only_c1) == letters.letter_for(
        con, "C2", "formal_notice", LETTER_DATE
    )
    with pytest.raises(EncoursError) as unknown:
        letters.letter_for(con, "NOPE", "reminder_email", LETTER_DATE, ledger=ledger)
    assert unknown.value.key == "letters.unknown_client"
