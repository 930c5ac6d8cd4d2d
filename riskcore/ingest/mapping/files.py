"""A user's YAML mapping file: the kind of a file and the header of each column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from riskcore.errors import LedgerError
from riskcore.ingest.mapping.kinds import KINDS


@dataclass(frozen=True)
class MappingFile:
    """A user's YAML mapping: `{kind: invoices, columns: {invoice_id: "Ref", ...}}`."""

    kind: str | None
    columns: dict[str, str]


def load_mapping_file(path: Path) -> MappingFile:
    """Read and check a mapping file; a bad one raises LedgerError naming it."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LedgerError("ingest.mapping_unreadable", file=str(path), error=str(exc).splitlines()[0]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
        raise LedgerError("ingest.mapping_bad_shape", file=str(path))
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise LedgerError("ingest.bad_kind", file=str(path), kind=kind, kinds=", ".join(KINDS))
    cols = {str(k): ("" if v is None else str(v)) for k, v in (raw.get("columns") or {}).items()}
    return MappingFile(kind, cols)
