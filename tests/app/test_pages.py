"""Every registered page renders on the demo ledger, in both languages, with no message key left raw."""

from __future__ import annotations

import pytest
from apptest_support import RAW_KEY, ROOT, app, run, texts

from riskcore.ui import nav

PAGE_IDS = [p.url_path for p in nav.PAGES]


def test_every_page_file_is_registered_in_the_navigation():
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    assert files == {p.file for p in nav.PAGES}


def open_page(spec: nav.PageSpec, lang: str, query: dict[str, str] | None = None):
    at = app()
    at.query_params.update(query or {})
    run(at)
    if at.radio(key="lang").value != lang:
        at.radio(key="lang").set_value(lang)
        run(at)
    at.switch_page(spec.file)
    return run(at)


@pytest.mark.parametrize("spec", nav.PAGES, ids=PAGE_IDS)
def test_page_renders_on_the_demo_ledger_without_error(demo_pages, spec):
    client = {"client": "C0001"} if spec.url_path == "client" else {}
    at = open_page(spec, "en", client)
    assert at.title[0].value == nav.title(spec, "en")
    raw = [text for text in texts(at) if RAW_KEY.search(text)]
    assert raw == []


@pytest.mark.parametrize("spec", nav.PAGES, ids=PAGE_IDS)
def test_page_renders_in_french_with_every_label_translated(demo_pages, spec):
    at = open_page(spec, "fr")
    assert at.title[0].value == nav.title(spec, "fr")
    raw = [text for text in texts(at) if RAW_KEY.search(text)]
    assert raw == []
