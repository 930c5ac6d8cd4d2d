"""The layers of DESIGN.md, checked on the source: only the UI imports streamlit, pages hold no SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_ALLOWED = {ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "riskcore" / "ui").glob("*.py")}
PYTHON_SOURCES = sorted(
    p for p in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "riskcore").rglob("*.py")] if p.exists()
)
PAGES = sorted((ROOT / "pages").glob("*.py"))
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP)\b\s+\S+.*\b(FROM|INTO|SET|TABLE|WHERE)\b", re.S)


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import statement of the file (top level or nested)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def string_literals(path: Path) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("path", PYTHON_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_ui_layer_imports_streamlit(path):
    uses_streamlit = any(name == "streamlit" or name.startswith("streamlit.") for name in imported_modules(path))
    assert not uses_streamlit or path in UI_ALLOWED, f"{path.relative_to(ROOT)} imports streamlit"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_database_access(path):
    sql = [s for s in string_literals(path) if SQL_WORDS.search(s.upper())]
    assert sql == [], f"{path.name} holds SQL: {sql[0][:60]!r}"
    forbidden = {m for m in imported_modules(path) if m == "duckdb" or m.startswith("riskcore.storage")}
    assert forbidden == set(), f"{path.name} imports {forbidden}: pages read through riskcore"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('x = "SELECT amount FROM invoices WHERE client_id = $c"', True),
        ('x = "delete from clients where 1"', True),
        ('x = "Select the clients to keep"', False),  # an ordinary sentence is not SQL
        ('x = "Update the limit"', False),
    ],
)
def test_the_sql_detector_tells_queries_from_sentences(tmp_path, source, found):
    page = tmp_path / "page.py"
    page.write_text(source, encoding="utf-8")
    assert any(SQL_WORDS.search(s.upper()) for s in string_literals(page)) is found


def test_a_module_importing_streamlit_outside_the_ui_is_caught(tmp_path):
    rogue = tmp_path / "kpi.py"
    rogue.write_text("import streamlit as st\n", encoding="utf-8")
    assert "streamlit" in imported_modules(rogue)
    assert rogue not in UI_ALLOWED
