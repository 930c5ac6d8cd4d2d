"""A dunning letter as a PDF, with reportlab's platypus (no system package, no font file).

The letter head, the statement of account, the reminders, the claim and the legal mentions are
laid out here; the prose comes from the letter's template (riskcore.dunning.prose.prose). The
standard Helvetica font carries the WinAnsi (cp1252) characters only: the narrow no-break space
babel puts in French amounts becomes a no-break space, other characters their unaccented base
letter (or "?") rather than a black box. Every text taken from the data is escaped, so a name such
as `Dupont & Fils <b>` prints as it is.
"""

from __future__ import annotations

import io
import unicodedata
from functools import partial
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from riskcore.dunning.letters import Letter
from riskcore.dunning.prose import prose
from riskcore.i18n import fmt_amount, fmt_date, has, t

MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5, spaceAfter=6)
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Helvetica-Bold")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, spaceAfter=0)
CELL = ParagraphStyle("cell", parent=SMALL, spaceAfter=0)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
HEAD_RIGHT = ParagraphStyle("head_right", parent=HEAD, alignment=TA_RIGHT)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=TA_RIGHT)
TITLE = ParagraphStyle("title", parent=BOLD, fontSize=10.5, spaceBefore=8)
ITEM_WIDTHS = (46 * mm, 22 * mm, 22 * mm, 28 * mm, 28 * mm, 24 * mm)
SUM_WIDTHS = (WIDTH - 34 * mm, 34 * mm)
LINES = [
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b0b0")),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
]
GRID = [*LINES, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]  # a header row


def winansi(text: str) -> str:
    """`text` in the characters Helvetica's WinAnsi encoding draws (U+202F -> U+00A0, ł -> l, else ?)."""
    text = text.replace("\u202f", "\u00a0")
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(_winansi_char(c) for c in text)


def _winansi_char(char: str) -> str:
    try:
        char.encode("cp1252")
        return char
    except UnicodeEncodeError:
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            return base.encode("cp1252").decode("cp1252") or "?"
        except UnicodeEncodeError:
            return "?"


def _money(value: object, lang: str) -> str:
    return winansi(fmt_amount(value, lang))


def _para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of data text (escaped; line breaks kept)."""
    return Paragraph(winansi(escape(text)).replace("\n", "<br/>"), style)


def _markup(text: str, style: ParagraphStyle = BODY) -> list[Paragraph]:
    """Template prose (already escaped values): one Paragraph per blank-line-separated block."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(winansi(b).replace("\n", "<br/>"), style) for b in blocks if b]


def _header(lang: str, keys: tuple[str, ...]) -> list[Paragraph]:
    """A table's header row: labels that wrap, the first one left, the figures' right-aligned."""
    return [_para(t(f"letters.{k}", lang), HEAD if n == 0 else HEAD_RIGHT) for n, k in enumerate(keys)]


def _head(letter: Letter) -> list:
    lang, c, d = letter.lang, letter.creditor, letter.debtor
    creditor = [f"<b>{escape(c.name)}</b>", escape(c.address).replace("\n", "<br/>")]
    creditor += [escape(t("letters.siren", lang, siren=c.siren))] if c.siren else []
    creditor += [escape(c.contact)] if c.contact else []
    debtor = [f"<b>{escape(d.name)}</b>", escape(t("letters.client_ref", lang, client=d.client_id))]
    debtor += [escape(t("letters.siren", lang, siren=d.siren))] if d.siren else []
    head = Table(
        [[Paragraph(winansi("<br/>".join(creditor)), BODY), Paragraph(winansi("<br/>".join(debtor)), BODY)]],
        colWidths=(WIDTH * 0.55, WIDTH * 0.45),
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
    out: list = [head, Spacer(1, 6 * mm), _para(t("letters.date_line", lang, date=fmt_date(letter.date, lang)), RIGHT)]
    if letter.registered:
        out.append(_para(t("letters.registered", lang), BOLD))
    return out


def _statement(letter: Letter) -> list:
    lang = letter.lang
    money = partial(_money, lang=lang)
    day = partial(fmt_date, lang=lang)
    rows: list[list] = [_header(lang, ("col_number", "col_date", "col_due", "col_amount", "col_remaining", "col_days"))]
    for i in letter.items:
        number = i.number + (f" ({t('letters.disputed', lang)})" if i.disputed else "")
        late = str(i.days_past_due) if i.days_past_due > 0 else t("letters.not_due", lang)
        rows.append([_para(number, CELL), day(i.invoice_date), day(i.due_date), money(i.amount), money(i.remaining),
                     winansi(late)])  # fmt: skip
    for c in letter.credits:
        rows.append([_para(t("letters.credit_note", lang, number=c.number), CELL), day(c.invoice_date), "",
                     money(c.amount), money(c.remaining), ""])  # fmt: skip
    for p in letter.cash:
        rows.append([_para(t("letters.unapplied_cash", lang, number=p.number), CELL), day(p.date), "", "",
                     money(-p.amount), ""])  # fmt: skip
    total = len(rows)
    rows.append([winansi(t("letters.total_due", lang)), "", "", "", money(letter.total_due), ""])
    rows.append([winansi(t("letters.overdue", lang)), "", "", "", money(letter.overdue), ""])
    style = [*GRID, ("FONT", (0, total), (-1, total), "Helvetica-Bold", 8)]
    table = Table(rows, colWidths=ITEM_WIDTHS, repeatRows=1, style=TableStyle(style))
    title = _para(t("letters.statement_title", lang, date=fmt_date(letter.date, lang)), TITLE)
    return [title, table]


def _reminders(letter: Letter) -> list:
    lang = letter.lang
    out: list = [_para(t("letters.reminders_title", lang), TITLE)]
    if not letter.reminders:
        return [*out, _para(t("letters.no_reminders", lang), SMALL)]
    for r in letter.reminders:
        channel = t(f"letters.channel.{r.channel}", lang) if has(f"letters.channel.{r.channel}", lang) else r.channel
        label = t(f"letters.action.{r.action}", lang) + (f" ({channel})" if channel else "")
        out.append(_para(t("letters.reminder_line", lang, date=fmt_date(r.date, lang), action=label), SMALL))
    return out


def _claim(letter: Letter) -> list:
    lang = letter.lang
    money = partial(_money, lang=lang)
    rows: list[list] = [
        _header(lang, ("col_number", "col_due", "col_base", "col_days", "col_penalty", "col_indemnity"))
    ]
    for c in letter.claims:
        rows.append([_para(c.number, CELL), fmt_date(c.due_date, lang), money(c.base), str(c.days_late),
                     money(c.penalty), money(c.indemnity)])  # fmt: skip
    claims = Table(rows, colWidths=ITEM_WIDTHS, repeatRows=1, style=TableStyle(GRID))
    indemnity = fmt_amount(letter.indemnity_per_invoice, lang)
    sums = [
        [_para(t("letters.principal", lang), CELL), money(letter.principal)],
        [_para(t("letters.penalties_total", lang), CELL), money(letter.penalty_total)],
        [_para(t("letters.indemnities_total", lang, amount=indemnity), CELL), money(letter.indemnity_total)],
        [_para(t("letters.total_claimed", lang), BOLD), money(letter.total_claimed)],
    ]
    style = [*LINES, ("FONT", (1, -1), (1, -1), "Helvetica-Bold", 9)]
    total = Table(sums, colWidths=SUM_WIDTHS, style=TableStyle(style))
    deadline = _para(t("letters.deadline", lang, date=fmt_date(letter.deadline, lang)), BOLD)
    title = _para(t("letters.claim_title", lang, date=fmt_date(letter.date, lang)), TITLE)
    return [title, claims, Spacer(1, 2 * mm), KeepTogether([total, Spacer(1, 3 * mm), deadline])]


def _footer(letter: Letter):
    c = letter.creditor
    line = winansi(" · ".join(p for p in (c.name, f"SIREN {c.siren}" if c.siren else "", c.address) if p))
    line = " ".join(line.split())
    while len(line) > 1 and stringWidth(line, "Helvetica", 7) > WIDTH - 20 * mm:  # leave room for the page number
        line = line[:-2] + "…"

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#606060"))
        canvas.drawString(MARGIN, 10 * mm, line)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, winansi(t("letters.page", letter.lang, page=doc.page)))
        canvas.restoreState()

    return draw


def render(letter: Letter) -> bytes:
    """The letter as PDF bytes: head, subject, the template's prose, statement, reminders, claim, mentions."""
    lang, creditor = letter.lang, letter.creditor
    text = prose(letter, markup=True)
    subject = t("letters.subject", lang, subject=f"<b>{text['subject']}</b>")  # the value is escaped already
    story: list = [*_head(letter), Paragraph(winansi(subject), BODY), Spacer(1, 2 * mm)]
    story += _markup(text["intro"])
    story += _statement(letter)
    story += _reminders(letter)
    if letter.total_claimed is not None:
        story += _claim(letter)
    if letter.mentions:
        story += [Spacer(1, 3 * mm), *(_para(m, SMALL) for m in letter.mentions)]
    if creditor.iban:
        payment = t("letters.payment_by", lang, iban=creditor.iban, client=letter.debtor.client_id)
        story += [Spacer(1, 2 * mm), _para(payment, SMALL)]
    story += [Spacer(1, 4 * mm), *_markup(text["closing"])]
    buffer = io.BytesIO()
    title = prose(letter, markup=False)["subject"]
    margins = {"leftMargin": MARGIN, "rightMargin": MARGIN, "topMargin": MARGIN, "bottomMargin": MARGIN + 4 * mm}
    # invariant: no creation time nor random id, so the same letter gives the same bytes
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author=creditor.name, subject=title, invariant=True, **margins
    )
    footer = _footer(letter)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
