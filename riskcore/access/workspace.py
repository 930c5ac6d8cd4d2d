"""Destructive actions on a workspace: admin only, confirmed by its name, backed up first, audited.

Loading the demo over data, clearing and restoring each start with `prepare`: the user must hold
`manage_workspace`, must have typed the workspace's name (config app.workspace_name), and a backup
of the workspace as it is is written to storage.backups_dir first, so the decision, import and
collections history it replaces is never lost. Accounts and the audit log are never erased.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from riskcore import config
from riskcore.access import audit
from riskcore.access.auth import User, require
from riskcore.errors import DecisionError
from riskcore.storage import backup as backup_mod
from riskcore.storage import schema
from riskcore.storage.store import Store, clear_ledger, row_count


def workspace_name() -> str:
    return config.get().app.workspace_name


def backup_path(store: Store, action: str, now: dt.datetime | None = None) -> Path:
    """Where the automatic backup before `action` goes: <backups_dir>/<workspace file>-<UTC time>-<action>.duckdb."""
    now = now or audit.utc_now()
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", store.path.stem)
    return config.get().backups_path(store.path) / f"{stem}-{now:%Y%m%d-%H%M%S-%f}-before-{action}.duckdb"


def prepare(store: Store, user: User, action: str, confirm: str | None) -> Path | None:
    """Check the right and the typed name, then back the workspace up; the backup (None: it was empty)."""
    require(user, "manage_workspace")
    if (confirm or "").strip() != workspace_name():
        raise DecisionError("access.confirm_mismatch", name=workspace_name())
    if store.is_empty() and not row_count(store.cursor(), schema.LIMIT_DECISIONS):
        return None
    return backup_mod.backup(store, backup_path(store, action))


def backup(store: Store, user: User, out: Path) -> Path:
    """A consistent copy of the workspace at `out` while other processes use it (manage_workspace)."""
    require(user, "manage_workspace")
    path = backup_mod.backup(store, Path(out))
    with store.transaction(ledger=False) as cur:
        audit.write(cur, user, "backup", entity="workspace", entity_id=store.path.name, after={"file": str(path)})
    return path


def clear(store: Store, user: User, confirm: str | None) -> Path | None:
    """Empty the workspace (ledger, decisions, imports, collections records); the backup taken first."""
    saved = prepare(store, user, "clear", confirm)
    with store.transaction() as cur:
        clear_ledger(cur)
        audit.write(
            cur, user, "workspace_clear", entity="workspace", entity_id=store.path.name,
            after={"backup": str(saved) if saved else None},
        )  # fmt: skip
    return saved


def restore(store: Store, user: User, source: Path, confirm: str | None) -> tuple[Path | None, dict[str, int]]:
    """Bring back the tables of the backup `source`; the workspace as it was is backed up first."""
    require(user, "manage_workspace")
    backup_mod.check(Path(source))  # a file that is not a backup is refused before anything is written
    saved = prepare(store, user, "restore", confirm)

    def _audit(cur) -> None:
        audit.write(
            cur, user, "workspace_restore", entity="workspace", entity_id=store.path.name,
            after={"from": str(source), "backup": str(saved) if saved else None},
        )  # fmt: skip

    counts = backup_mod.restore_into(store, Path(source), write_extra=_audit)
    return saved, counts
