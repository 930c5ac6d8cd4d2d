"""Dunning letters as e-mail: `.eml` drafts with the PDF attached, the ZIP of a batch, SMTP sending.

A draft opens in a mail client ready to send (`X-Unsent: 1`); its To is the client's address
(clients.email) when the clients file gives one, else empty, to be filled in the mail client. Sending is off until config
collections.smtp.host is set; the password is read from the environment variable
collections.smtp.password_env and is never written anywhere (not in messages, not in errors).
"""

from __future__ import annotations

import copy
import os
import smtplib
import ssl
import zipfile
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from riskcore import config
from riskcore.config.collections import Smtp
from riskcore.dunning import pdf
from riskcore.dunning.letters import Letter
from riskcore.dunning.prose import email_body, prose
from riskcore.errors import EncoursError

SMTPS_PORT = 465  # implicit TLS; other ports speak plain SMTP, upgraded by STARTTLS when configured
TIMEOUT_SECONDS = 30


def sender() -> str:
    """The From of letters: config collections.smtp.sender, else company.contact."""
    cfg = config.get()
    return cfg.collections.smtp.sender or cfg.company.contact


def draft(letter: Letter, pdf_bytes: bytes, to: str | None = None) -> EmailMessage:
    """The e-mail of `letter`: subject and body from its templates, its PDF attached as `<stem>.pdf`.

    To is `to`, else the letter's `email`, else empty (to be filled in the mail client).
    """
    msg = EmailMessage()
    msg["Subject"] = prose(letter, markup=False)["subject"]
    msg["From"] = sender()
    recipient = to or letter.email
    if recipient:
        msg["To"] = recipient
    msg["Date"] = formatdate(localtime=True)
    domain = sender().rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=letter.stem, domain=domain)
    msg["X-Unsent"] = "1"  # Outlook and Thunderbird open the .eml as a draft to send
    msg.set_content(email_body(letter))
    msg.add_attachment(pdf_bytes, maintype="application", subtype="pdf", filename=f"{letter.stem}.pdf")
    return msg


def batch_zip(letters: Iterable[Letter], path: str | Path) -> list[EmailMessage]:
    """Write one ZIP at `path` holding `<client_id>_<action>.pdf` and `.eml` per letter; returns the drafts."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    drafts: list[EmailMessage] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            document = pdf.render(letter)
            message = draft(letter, document)
            archive.writestr(f"{letter.stem}.pdf", document)
            archive.writestr(f"{letter.stem}.eml", message.as_bytes())
            drafts.append(message)
    return drafts


def _password(smtp_cfg: Smtp) -> str | None:
    if not smtp_cfg.username:
        return None
    password = os.environ.get(smtp_cfg.password_env)
    if password is None:
        raise EncoursError("letters.smtp_no_password", env=smtp_cfg.password_env)
    return password


def _connect(smtp_cfg: Smtp) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp_cfg.port == SMTPS_PORT:
        return smtplib.SMTP_SSL(smtp_cfg.host, smtp_cfg.port, timeout=TIMEOUT_SECONDS, context=context)
    client = smtplib.SMTP(smtp_cfg.host, smtp_cfg.port, timeout=TIMEOUT_SECONDS)
    if smtp_cfg.starttls:
        client.starttls(context=context)
    return client


def send(messages: Sequence[EmailMessage], smtp_cfg: Smtp | None = None) -> int:
    """Send `messages` through the SMTP server of `smtp_cfg` (default config collections.smtp); the count sent.

    Refuses before connecting when sending is not configured (empty host) or a message has no To,
    so that a batch is not half sent for a reason known in advance.
    """
    smtp_cfg = smtp_cfg or config.get().collections.smtp
    if not smtp_cfg.host:
        raise EncoursError("letters.smtp_off")
    for message in messages:
        if not message["To"]:
            name = message.get_filename() or next((p.get_filename() for p in message.iter_attachments()), "")
            raise EncoursError("letters.smtp_no_recipient", name=name)
    password = _password(smtp_cfg)
    try:
        with _connect(smtp_cfg) as client:
            if password is not None:
                client.login(smtp_cfg.username, password)
            for message in messages:
                outgoing = copy.deepcopy(message)
                del outgoing["X-Unsent"]  # a draft's marker, not for the recipient
                client.send_message(outgoing)
    except (smtplib.SMTPException, OSError) as exc:
        raise EncoursError("letters.smtp_failed", host=smtp_cfg.host, port=smtp_cfg.port, error=str(exc)) from None
    return len(messages)


def send_letters(letters: Sequence[Letter], smtp_cfg: Smtp | None = None) -> tuple[list[Letter], list[Letter]]:
    """E-mail each letter with its PDF to its client's address; (the letters sent, those with no address).

    Letters of clients with no e-mail address are left for the post (the ZIP has their PDF); the
    others go in one SMTP session (see `send`).
    """
    addressed = [letter for letter in letters if letter.email]
    unaddressed = [letter for letter in letters if not letter.email]
    if addressed:
        send([draft(letter, pdf.render(letter), to=letter.email) for letter in addressed], smtp_cfg)
    return addressed, unaddressed
