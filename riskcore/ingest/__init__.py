"""Ledger import: read each file, map its headers, validate its rows, load the batch at once.

A batch is checked in full before anything is written (clients -> FEC -> invoices ->
payments -> dunning), then written in one transaction: all rows of all files or none.
More bad rows than `import.max_reject_rate` in any file refuses the whole batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd

from riskcore import config
from riskcore.access.auth import User, require
from riskcore.errors import LedgerError
from riskcore.i18n import fmt_pct
from riskcore.ingest import mapping as mp
from riskcore.ingest.fec import is_fec
from riskcore.ingest.readers import read_table
from riskcore.ingest.report import FileReport, ImportReport, Preview
from riskcore.ingest.validate import Batch, Checked, Issues, Ledger, check_file
from riskcore.ingest.write import write_batch
from riskcore.storage import store
from riskcore.storage.store import Cursor, Store

__all__ = ["FileReport", "ImportReport", "Preview", "import_files", "preview"]

_ORDER = ("clients", "fec", "invoices", "payments", "dunning")
_KIND_KEY = "_kind"  # in a per-file `mappings` entry: the kind the user chose on the Data page


class _Refused(Exception):
    """Raised inside the transaction so that nothing of a refused batch is written."""


def _sha256(path: Path, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise LedgerError("ingest.file_not_found", file=name) from None
    return digest.hexdigest()


def _sheets(path: Path, name: str) -> list[str]:
    """The sheets holding a value, for a workbook (each sheet is imported as its own table)."""
    if Path(name).suffix.lower() not in (".xlsx", ".xls", ".ods"):
        return []
    from python_calamine import CalamineWorkbook

    from riskcore.ingest.excel import check_unpacked_size

    check_unpacked_size(path, name)  # before calamine unpacks it: a zip bomb is refused by name
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [s for s in workbook.sheet_names if workbook.get_sheet_by_name(s).start is not None]
    except Exception:  # not a readable workbook: read_table says why, in the user's terms
        return []


def _fec_file(path: Path, name: str, sha: str) -> Checked:
    match = mp.HeaderMatch("fec", {}, [])
    return Checked(name, "fec", sha, None, pd.DataFrame(), match, Issues(name, None), path=path)


def _prepare(
    path: Path,
    name: str,
    sha: str,
    kind: str,
    custom: mp.MappingFile | None,
    corrections: dict[str, str] | None,
    sheet: str | None = None,
) -> Checked:
    """Read one file (or sheet) and check its rows on their own: nothing stored is needed yet."""
    corrections = dict(corrections or {})
    forced = corrections.pop(_KIND_KEY, None) or (kind if kind != "auto" else None) or (custom.kind if custom else None)
    if forced == "fec":
        return _fec_file(path, name, sha)
    raw = read_table(path, sheet=sheet, file_name=_path_name(name, sheet))
    if sheet is not None:
        raw = dataclasses.replace(raw, file_name=name)
    headers = [str(h) for h in raw.frame.columns]
    if forced is None and is_fec(headers):
        return _fec_file(path, name, sha)
    overrides = {**(custom.columns if custom else {}), **corrections}
    match = mp.resolve(headers, name, kind=forced, overrides=overrides or None)
    return check_file(raw, match, sha)


def _path_name(label: str, sheet: str | None) -> str:
    """The file's own name from a sheet's label `book.xlsx [Sheet]`."""
    return label[: -len(f" [{sheet}]")] if sheet is not None else label


def _units(
    paths: list[Path], file_names: dict[Path, str] | None, expand: bool
) -> list[tuple[Path, str, str, str | None]]:
    """(path, label, sha256, sheet) per table to import: a workbook with several sheets gives one per sheet."""
    units = []
    for path in map(Path, paths):
        name = (file_names or {}).get(path) or path.name
        sha = _sha256(path, name)
        sheets = _sheets(path, name) if expand else []
        if len(sheets) > 1:
            units += [(path, f"{name} [{s}]", hashlib.sha256(f"{sha}:{s}".encode()).hexdigest(), s) for s in sheets]
        else:
            units.append((path, name, sha, None))
    return units


def import_files(
    store: Store,
    paths: list[Path],
    *,
    kind: str = "auto",
    mapping_file: Path | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    terms_days: int | None = None,
    as_of: dt.date | None = None,
    collective_as_client: bool = False,
    user: User,
    file_names: dict[Path, str] | None = None,
) -> ImportReport:
    """Validate and load a batch of ledger files; nothing is written if any file has too many bad rows.

    `mappings` holds the Data page's corrections per file name (canonical column -> header,
    and optionally `_kind`); `file_names` the names the user gave uploaded temporary files.
    A workbook with several sheets is imported sheet by sheet, each named `book.xlsx [Sheet]`.
    A whole-file problem (unreadable, kind unknown, required column absent) raises LedgerError.
    """
    require(user, "import")
    settings = config.get().import_
    custom = mp.load_mapping_file(Path(mapping_file)) if mapping_file else None
    replacing_demo = store.is_demo()
    done = {} if replacing_demo else _imported(store.cursor())
    expand = kind == "auto" and not (custom and custom.kind)
    files, reports = _read_batch(_units(paths, file_names, expand), done, kind, custom, mappings or {})
    files.sort(key=lambda c: _ORDER.index(c.kind))
    refused = _load(
        store,
        files,
        replacing_demo,
        settings,
        user,
        terms_days=terms_days,
        as_of=as_of,
        collective_as_client=collective_as_client,
    )
    by_sha = {c.sha256: c for c in files}
    final = [r if isinstance(r, FileReport) else _file_report(by_sha[r], refused, settings) for r in reports]
    if replacing_demo and files and not refused:
        final[[r.sha256 for r in final].index(files[0].sha256)].notes.insert(0, ("note_demo_replaced", {}))
    return ImportReport(final, ok=not refused, refused=refused)


def _read_batch(
    units: list[tuple[Path, str, str, str | None]],
    done: dict[str, str],
    kind: str,
    custom: mp.MappingFile | None,
    mappings: dict[str, dict[str, str]],
) -> tuple[list[Checked], list[FileReport | str]]:
    """Read and check each file on its own; a sha256 in the reports stands for a file to load."""
    files: list[Checked] = []
    reports: list[FileReport | str] = []
    left_aside: dict[Path, list[LedgerError]] = {}
    for path, name, sha, sheet in units:
        if sha in done:
            reports.append(FileReport(name, done[sha], sha, already_imported=True))
            continue
        try:
            checked = _prepare(path, name, sha, kind, custom, mappings.get(name), sheet)
        except LedgerError as exc:
            if sheet is None or exc.key != "ingest.unknown_kind":
                raise
            # A notes or pivot sheet beside the ledger sheets of a workbook is left aside.
            left_aside.setdefault(path, []).append(exc)
            reports.append(FileReport(name, "skipped", sha, notes=[("note_sheet_skipped", {"file": name})]))
            continue
        done[sha] = checked.kind
        files.append(checked)
        reports.append(sha)
    for path, errors in left_aside.items():
        if len(errors) == sum(1 for unit in units if unit[0] == path):
            raise errors[0]  # no sheet of the workbook is a ledger table
    return files, reports


def _too_many_bad(checked: Checked, max_rate: float) -> bool:
    rows = checked.rows_read
    return rows > 0 and checked.issues.rejected_count() / rows > max_rate


def _load(
    store: Store,
    files: list[Checked],
    replacing_demo: bool,
    settings: config.Import,
    user: User,
    *,
    terms_days: int | None,
    as_of: dt.date | None,
    collective_as_client: bool,
) -> bool:
    """Check the batch against the workspace and write it, in one transaction; True if refused."""
    if not files:
        return False
    days = terms_days if terms_days is not None else settings.default_terms_days
    try:
        with store.transaction() as cur:
            batch = Batch(Ledger(None if replacing_demo else cur), files, terms_days=days, as_of=as_of)
            for checked in files:
                batch.check(checked, collective_as_client=collective_as_client)
            bad = [c for c in files if _too_many_bad(c, settings.max_reject_rate)]
            for checked in bad:
                rate = checked.issues.rejected_count() / checked.rows_read
                checked.notes.append(
                    (
                        "note_refused_rate",
                        {"file": checked.file_name, "rate": fmt_pct(rate), "max": fmt_pct(settings.max_reject_rate)},
                    )
                )
            if bad:
                raise _Refused
            write_batch(cur, batch, files, replacing_demo, user)
    except _Refused:
        return True
    return False


def _imported(cur: Cursor) -> dict[str, str]:
    """sha256 -> kind of every file already imported into the workspace."""
    return dict(store.rows(cur, "ingest_imported"))


def _file_report(checked: Checked, refused: bool, settings: config.Import) -> FileReport:
    rejected = checked.issues.rejected_count()
    notes = list(checked.notes)
    if checked.generated_ids:
        notes.append(("note_generated_ids", {"file": checked.file_name}))
    return FileReport(
        file_name=checked.file_name,
        kind=checked.kind,
        sha256=checked.sha256,
        rows_read=checked.rows_read,
        rows_loaded=0 if refused else checked.rows_read - rejected,
        rows_rejected=rejected,
        problems=checked.issues.first(settings.max_problems_reported),
        problem_counts=checked.issues.counts(),
        mapping=dict(checked.match.mapping),
        unmatched_headers=list(checked.match.unmatched),
        notes=notes,
    )


def preview(
    path: Path, *, kind: str = "auto", mapping_file: Path | None = None, file_name: str | None = None
) -> Preview:
    """The guessed kind and mapping of one file and its first rows, for the Data page to confirm."""
    path = Path(path)
    name = file_name or path.name
    raw = read_table(path, file_name=name)
    headers = [str(h) for h in raw.frame.columns]
    sample = raw.frame.head(20)
    custom = mp.load_mapping_file(Path(mapping_file)) if mapping_file else None
    forced = kind if kind != "auto" else (custom.kind if custom else None)
    if forced == "fec" or (forced is None and is_fec(headers)):
        return Preview(name, "fec", {}, [], headers, sample, [])
    if forced is not None and forced not in mp.KINDS:
        raise LedgerError("ingest.bad_kind", file=name, kind=forced, kinds=", ".join(mp.KINDS))
    match = mp.match_headers(headers, forced) if forced else mp.best_guess(headers)
    if custom and custom.columns:
        match = mp.apply_overrides(match, custom.columns, name)
    return Preview(
        name, match.kind, dict(match.mapping), list(match.unmatched), headers, sample, match.required_missing
    )
