"""AppTest helpers shared by the app tests: build, run and read the app."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 90  # seconds per script run: the first run of a workspace trains the scoring model
RAW_KEY = re.compile(r"\b(ui|charts)\.[a-z0-9_]+\.[a-z0-9_.]+")  # a message key shown instead of its text


def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def run(at: AppTest) -> AppTest:
    """Run the script and fail with the app's own traceback if any element is an exception."""
    at.run(timeout=TIMEOUT)
    errors = [e.value for e in at.exception]
    assert errors == [], "\n\n".join(str(e) for e in errors)
    return at


def texts(at: AppTest) -> list[str]:
    """Every text the reader sees: titles, markdown, captions, messages, metric and widget labels."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    for kind in (
        "button",
        "selectbox",
        "multiselect",
        "radio",
        "date_input",
        "number_input",
        "text_input",
        "text_area",
        "checkbox",
        "toggle",
        "segmented_control",
        "file_uploader",
    ):
        out += [str(getattr(w, "label", "")) for w in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    out += [str(e.label) for e in at.tabs]
    return out


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    """Import `files` (name, CSV bytes) at once from the Data page, as a reader would."""
    at.switch_page("pages/data.py")
    run(at)
    at.file_uploader(key="data.upload").set_value([(name, content, "text/csv") for name, content in files])
    run(at)
    at.button(key="data.import").click()
    return run(at)
