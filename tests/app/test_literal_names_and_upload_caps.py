"""Names and reasons written in Markdown or HTML show as written on the pages (AppTest), and an
upload that unpacks to more than import.max_uncompressed_mb is refused with a message naming it."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from apptest_support import app, run, upload

from riskcore.credit import limits
from riskcore.errors import LedgerError
from riskcore.ingest.readers import read_table
from riskcore.ui.fmt import literal

CLIENTS = b"Code client;Raison sociale\nC1;**x**\nC2;[a](javascript:alert(1))\nC3;<script>alert(1)</script>\n"
OPEN_ITEMS = (
    "Code client;N° facture;Date facture;Échéance;Montant TTC\n"
    "C1;F001;01/09/2026;01/10/2026;1 200,00\n"
    "C2;F002;15/09/2026;15/10/2026;300,00\n"
    "C3;F003;20/09/2026;20/11/2026;2 500,00\n"
).encode()


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # every ASCII punctuation mark but quotes is backslash-escaped (CommonMark): nothing is syntax
        ("**x**", r"\*\*x\*\*"),
        ("[a](javascript:alert(1))", r"\[a\]\(javascript\:alert\(1\)\)"),
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\<\/script\>"),
        (":red[x] $y$ ~z~", r"\:red\[x\] \$y\$ \~z\~"),
        ("Dupont & Fils\nSA", r"Dupont \& Fils SA"),  # one line
        # Streamlit links bare addresses and makes arrows of `->` after parsing, escapes or not:
        # a word joiner (U+2060, invisible) keeps the characters apart
        ("www.x.fr http://x a@x.fr", "www\u2060\\.x\\.fr http\u2060\\:\\/\\/x a\u2060\\@x\\.fr"),
        ("<- -> >=", "\\<\u2060\\- \\-\u2060\\> \\>\u2060\\="),
        ("l'Oréal", "l'Oréal"),
        (None, ""),
    ],
)
def test_literal_escapes_what_markdown_would_read_as_syntax(text, source):
    assert literal(text) == source


def test_the_client_file_header_shows_markdown_and_html_names_as_text(empty_workspace):
    at = run(app())
    upload(at, ("clients.csv", CLIENTS), ("open_items.csv", OPEN_ITEMS))
    assert [s.value for s in at.success] == ["Import done."]
    for client_id, source in (
        ("C1", r"\*\*x\*\*"),
        ("C2", r"\[a\]\(javascript\:alert\(1\)\)"),
        ("C3", r"\<script\>alert\(1\)\<\/script\>"),
    ):
        at.query_params["client"] = client_id
        at.switch_page("pages/client.py")
        run(at)
        assert [h.value for h in at.header] == [source]


def test_the_approval_queue_shows_the_name_and_reason_as_written(empty_workspace):
    at = run(app())
    upload(at, ("clients.csv", CLIENTS), ("open_items.csv", OPEN_ITEMS))
    at.selectbox(key="sidebar.view_as").set_value("credit_manager")
    run(at)
    at.switch_page("pages/limits.py")
    run(at)
    at.selectbox(key="limits.edit.client").set_value("C2")
    run(at)
    # 120 000 is above limits.approval_threshold_amount (50 000): the proposal waits in the queue
    at.number_input(key="limits.edit.new_limit.C2").set_value(120000.0)
    at.text_area(key="limits.edit.reason").input("[link](http://evil) **now**")
    run(at)
    at.button(key="limits.edit.submit").click()
    run(at)
    assert list(limits.pending(empty_workspace.cursor())["client_id"]) == ["C2"]

    at.selectbox(key="sidebar.view_as").set_value("admin")
    run(at)
    lines = [m.value for m in at.markdown if "(C2)" in m.value]
    assert len(lines) == 1 and lines[0].startswith(r"**\[a\]\(javascript\:alert\(1\)\)** (C2): ")
    # `http://` gets a word joiner (U+2060) before its colon: Streamlit does not make a link of it
    reason = "Reason: " + r"\[link\]\(http" + "\u2060" + r"\:\/\/evil\) \*\*now\*\*"
    assert reason in [c.value for c in at.caption]


def _workbook(rows: int) -> bytes:
    """An invoices workbook of `rows` rows; each row's XML takes about 200 bytes unpacked."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("Factures")
        sheet.write_row(0, 0, ["Code client", "N° facture", "Date facture", "Échéance", "Montant TTC"])
        for r in range(1, rows + 1):
            sheet.write_row(r, 0, [f"C{r % 50}", f"F{r:06d}", "01/09/2026", "01/10/2026", 100.0 + r])
    return buffer.getvalue()


def test_a_workbook_unpacking_beyond_the_cap_is_refused_by_the_reader(configured, tmp_path):
    path = tmp_path / "factures.xlsx"
    path.write_bytes(_workbook(20_000))  # about 4 MB of sheet XML, compressed to well under 1 MB
    assert len(read_table(path).frame) == 20_000  # under the shipped cap of 500 MB it reads
    configured(**{"import": {"max_uncompressed_mb": 1}})
    with pytest.raises(LedgerError) as refused:
        read_table(path, file_name="bombe.xlsx")
    message = refused.value.message("en")
    assert message.startswith("bombe.xlsx: this workbook unpacks to ")
    assert "MB, more than the 1 MB allowed (config.yaml import.max_uncompressed_mb)" in message
    assert refused.value.message("fr").startswith("bombe.xlsx : ce classeur décompressé fait ")


def test_the_data_page_says_which_upload_is_over_the_cap(empty_workspace, configured):
    configured(**{"import": {"max_uncompressed_mb": 1}})
    at = run(app())
    at.switch_page("pages/data.py")
    run(at)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="data.upload").set_value([("bombe.xlsx", _workbook(20_000), xlsx)])
    run(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("bombe.xlsx: this workbook unpacks to ") for e in errors), errors
