"""Sending letters by SMTP to a real local server (aiosmtpd on the loopback), and what is refused first."""

from __future__ import annotations

import datetime as dt
import email
import io
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from builders import inv, write_rows
from pypdf import PdfReader

from riskcore.config.collections import Smtp
from riskcore.dunning import letters, mail, pdf
from riskcore.errors import EncoursError

D = dt.date
LETTER_DATE = D(2026, 10, 30)
PASSWORD = "s3cret-not-for-logs"


class Inbox:
    """An aiosmtpd handler keeping every envelope it is given, and the logins it accepted."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == PASSWORD.encode())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    """A real SMTP server on 127.0.0.1 (plain SMTP, AUTH allowed without TLS as on a test relay)."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def batch(store):
    """Two letters: a French formal notice to C1 (F1 10 000 due 30/09) and an English reminder to C2."""
    invoices = [
        inv("F1", D(2026, 8, 31), D(2026, 9, 30), 10000, client_id="C1"),
        inv("F9", D(2026, 9, 15), D(2026, 10, 15), 1200, client_id="C2"),
    ]
    clients = [
        {"client_id": "C1", "name": "Dupont SA", "language": "fr"},
        {"client_id": "C2", "name": "Smith Ltd", "language": "en"},
    ]
    write_rows(store, invoices, clients=clients)
    con = store.cursor()
    return [
        letters.letter_for(con, "C1", "formal_notice", LETTER_DATE),
        letters.letter_for(con, "C2", "reminder_email", LETTER_DATE),
    ]


def addressed(batch) -> list:
    to = {"C1": "compta@dupont.example", "C2": "ap@smith.example"}
    return [mail.draft(letter, pdf.render(letter), to=to[letter.debtor.client_id]) for letter in batch]


def settings(port: int, **changes) -> Smtp:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "username": "relances",
        "password_env": "TEST_SMTP_PW",
    }
    return Smtp(**{**values, **changes})


def pdf_text(document: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages).split())


def test_a_batch_of_two_letters_reaches_the_server_with_its_pdfs(server, batch, monkeypatch):
    inbox, port = server
    monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
    assert mail.send(addressed(batch), settings(port)) == 2
    assert inbox.logins == [(b"relances", PASSWORD.encode())]  # the password came from the environment
    assert [e.rcpt_tos for e in inbox.envelopes] == [["compta@dupont.example"], ["ap@smith.example"]]
    assert [e.mail_from for e in inbox.envelopes] == ["recouvrement@example.fr"] * 2  # company.contact
    received = [email.message_from_bytes(e.original_content, policy=policy.default) for e in inbox.envelopes]
    assert [m["Subject"] for m in received] == ["Mise en demeure de payer", "Reminder: your account C2"]
    assert all(m["X-Unsent"] is None for m in received)  # the draft marker stays in the .eml files
    attachments = [next(m.iter_attachments()) for m in received]
    assert [a.get_filename() for a in attachments] == ["C1_formal_notice.pdf", "C2_reminder_email.pdf"]
    first, second = (pdf_text(a.get_content()) for a in attachments)
    # 10 000 x 30 x 12,15 % / 365 = 99,86 (30 days at ECB 2,15 % + 10 points), + 40,00 of indemnity
    assert "Dupont SA" in first and "mise en demeure" in first and "99,86 €" in first and "40,00 €" in first
    assert "10 139,86 €" in first  # 10 000 + 99,86 + 40
    # C2: F9 1 200 due 15/10, 15 days late on 30/10
    assert "Smith Ltd" in second and "F9 15/09/2026 15/10/2026 €1,200.00 €1,200.00 15" in second
    assert all(PASSWORD.encode() not in e.original_content for e in inbox.envelopes)


def test_sending_is_off_until_a_host_is_configured(batch):
    with pytest.raises(EncoursError) as off:
        mail.send(addressed(batch))  # config.yaml ships collections.smtp.host empty
    assert off.value.key == "letters.smtp_off"


def test_a_letter_without_recipient_stops_the_batch_before_anything_is_sent(server, batch, monkeypatch):
    inbox, port = server
    monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
    messages = [*addressed(batch[:1]), mail.draft(batch[1], pdf.render(batch[1]))]  # the second has no To
    with pytest.raises(EncoursError) as refused:
        mail.send(messages, settings(port))
    assert refused.value.key == "letters.smtp_no_recipient"
    assert refused.value.params == {"name": "C2_reminder_email.pdf"}
    assert inbox.envelopes == []


def test_a_missing_password_variable_is_named_and_nothing_is_sent(server, batch, monkeypatch):
    inbox, port = server
    monkeypatch.delenv("TEST_SMTP_PW", raising=False)
    with pytest.raises(EncoursError) as refused:
        mail.send(addressed(batch), settings(port))
    assert (refused.value.key, refused.value.params) == ("letters.smtp_no_password", {"env": "TEST_SMTP_PW"})
    assert inbox.envelopes == []


def test_an_unreachable_server_is_a_message_not_a_traceback(batch):
    port = free_port()  # nothing listens there
    with pytest.raises(EncoursError) as failed:
        mail.send(addressed(batch), settings(port, username=""))
    assert failed.value.key == "letters.smtp_failed" and failed.value.params["port"] == port


def test_letters_go_to_the_clients_addresses_and_a_sent_reminder_is_its_step_done(server, store, monkeypatch):
    from riskcore.access.auth import demo_user
    from riskcore.dunning import daily

    inbox, port = server
    monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
    invoices = [
        inv("F1", D(2026, 8, 31), D(2026, 9, 30), 10000, client_id="C1"),
        inv("F9", D(2026, 9, 15), D(2026, 10, 15), 1200, client_id="C2"),
        inv("F7", D(2026, 9, 1), D(2026, 10, 1), 500, client_id="C3"),
    ]
    clients = [
        {"client_id": "C1", "name": "Dupont SA", "email": "compta@dupont.example"},
        {"client_id": "C2", "name": "Smith Ltd", "language": "en", "email": " ap@smith.example "},
        {"client_id": "C3", "name": "Sans Mail SARL", "email": ""},  # no address: left for the post
    ]
    write_rows(store, invoices, clients=clients)
    con = store.cursor()
    batch = [
        letters.letter_for(con, "C1", "formal_notice", LETTER_DATE),
        letters.letter_for(con, "C2", "reminder_email", LETTER_DATE),
        letters.letter_for(con, "C3", "reminder_email", LETTER_DATE),
    ]
    collector = demo_user("collector", "Claire Dubois")
    sent, unaddressed = daily.send_letters(store, collector, batch, on=LETTER_DATE, smtp_cfg=settings(port))
    assert (sent, unaddressed) == (["C1", "C2"], ["C3"])
    # The address is the clients file's, trimmed; one message each.
    assert [e.rcpt_tos for e in inbox.envelopes] == [["compta@dupont.example"], ["ap@smith.example"]]
    rows = (
        store.cursor()
        .execute("SELECT client_id, action_date, action, level, channel, recorded_by FROM dunning_actions")
        .fetchall()
    )
    # C2's reminder e-mail is that step done (level 1); C1's formal notice still goes by registered post.
    assert rows == [("C2", LETTER_DATE, "reminder_email", 1, "email", "Claire Dubois")]


def test_a_viewer_cannot_send_letters(store):
    from riskcore.access.auth import demo_user
    from riskcore.dunning import daily
    from riskcore.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        daily.send_letters(store, demo_user("viewer"), [])
