"""Uploaded files on their way into riskcore.ingest: staged on disk, previewed, mapping corrected.

The Data page shows for each file the detected kind and column mapping as selectboxes;
this module turns those widgets back into the `kind` and `mappings` arguments of
`ingest.import_files`, so the page holds no logic of its own.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from riskcore.i18n import t
from riskcore.ingest import mapping as ingest_mapping
from riskcore.ui import fmt

if TYPE_CHECKING:
    from riskcore.ui.context import Context

TYPES = ["csv", "txt", "tsv", "xlsx", "xls", "ods", "parquet"]
KINDS = ("auto", "invoices", "payments", "clients", "dunning", "fec")
UNMAPPED = ""


@dataclass(frozen=True)
class Staged:
    """One uploaded file written to disk under its original name."""

    path: Path
    name: str

    @property
    def slug(self) -> str:
        """A widget-key-safe form of the file name (keys stay stable for end-to-end tests)."""
        return re.sub(r"[^A-Za-z0-9_.-]", "_", self.name)


def stage(files: Sequence[Any]) -> list[Staged]:
    """Write each st.file_uploader file to this session's temporary folder, once."""
    folder = Path(st.session_state.setdefault("_encours_uploads", tempfile.mkdtemp(prefix="encours-upload-")))
    staged = []
    for upload in files:
        target = folder / upload.file_id / Path(upload.name).name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(upload.getvalue())
        staged.append(Staged(target, upload.name))
    return staged


@st.cache_data(show_spinner=False, max_entries=64)
def _preview(path: str, kind: str, name: str) -> Any:
    from riskcore import ingest

    return ingest.preview(Path(path), kind=kind, file_name=name)


def file_panel(ctx: Context, file: Staged) -> tuple[Any, dict[str, str]]:
    """Detected kind (correctable), column mapping (correctable) and first rows of one file."""
    detected = _preview(str(file.path), "auto", file.name)
    kind = kind_picker(ctx, file, detected.kind)
    prev = detected if kind == "auto" else _preview(str(file.path), kind, file.name)
    if prev.required_missing:
        names = ", ".join(ctx.t(f"col.{c}") for c in prev.required_missing)
        st.warning(ctx.t("data.required_missing", columns=names), icon=":material/warning:")
    chosen = mapping_editor(ctx, file, prev)
    if prev.unmatched:
        st.caption(ctx.t("data.unmatched", headers=fmt.literal(", ".join(map(str, prev.unmatched)))))
    st.dataframe(prev.sample, key=f"data.sample.{file.slug}", hide_index=True)
    return prev, chosen


def mappable(kind: str) -> list[str]:
    """The columns a file of `kind` may map (none for a FEC, whose columns are fixed)."""
    return list(ingest_mapping.columns(kind)) if kind in ingest_mapping.EXTRAS else []


def kind_picker(ctx: Context, file: Staged, detected: str) -> str:
    """The kind selectbox: `auto` shows what was detected."""
    return st.selectbox(
        ctx.t("data.kind"),
        KINDS,
        format_func=lambda k: (
            ctx.t("data.kind_detected", kind=t(f"ingest.kinds.{detected}", ctx.lang))
            if k == "auto"
            else t(f"ingest.kinds.{k}", ctx.lang)
        ),
        key=f"data.kind.{file.slug}",
    )


def mapping_editor(ctx: Context, file: Staged, prev: Any) -> dict[str, str | None]:
    """One selectbox per column of the kind, preset to the detected header; {canonical: header or None}."""
    columns = mappable(prev.kind)
    options = [UNMAPPED, *prev.candidates]
    chosen: dict[str, str | None] = {}
    grid = st.columns(4)
    for i, column in enumerate(columns):
        default = prev.mapping.get(column, UNMAPPED)
        header = grid[i % 4].selectbox(
            ctx.t(f"col.{column}") + (" *" if column in _required(prev.kind) else ""),
            options,
            index=options.index(default) if default in options else 0,
            format_func=lambda h: ctx.t("data.not_mapped") if h == UNMAPPED else h,
            key=f"data.map.{file.slug}.{prev.kind}.{column}",
        )
        chosen[column] = header or None  # None drops a column the detection had mapped
    return chosen


def _required(kind: str) -> list[str]:
    return list(ingest_mapping.REQUIRED.get(kind, ()))


def corrections(previews: Sequence[Any], chosen: Sequence[dict[str, str | None]]) -> dict[str, dict]:
    """The `mappings` argument of ingest.import_files: per file its kind and every column's header."""
    return {p.file_name: {"_kind": p.kind, **c} for p, c in zip(previews, chosen, strict=True)}
