"""Opening the workspace file: bounded waits for another process, and one-line messages for bad files.

DuckDB lets one process at a time open a database file for writing. Encours holds the file only
for a unit of work (an app rerun, a CLI command, one write) and a process that finds it held waits
with growing pauses up to `storage.busy_timeout_seconds`, then gives up with "the workspace is
busy". Every other failure to open or write (a file that is not a DuckDB database, a truncated one,
no permission, a full disk) becomes a StorageError whose message names the file, never a traceback.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import duckdb

from riskcore.errors import StorageError

# Words of DuckDB's and the OS's messages, first match wins (checked on the lower-cased text).
_KINDS = (
    ("storage.busy", ("conflicting lock", "could not set lock")),
    ("storage.disk_full", ("no space left", "file too large", "disk quota", "enospc", "efbig")),
    ("storage.read_only", ("permission denied", "read-only file system", "read only", "operation not permitted")),
    (
        "storage.corrupt",
        (
            "not a valid duckdb database",
            "corrupt",
            "checksum",
            "serialization",
            "invalid",
            "truncated",
            "failed to read",
            "could not read",
            "database file",
        ),
    ),
)


# The error DuckDB raises on any statement after a failed one in the same transaction. It says
# nothing of the cause: a cleanup in a `finally` (unregistering a frame) that meets the aborted
# transaction raises it in place of the error that aborted it (a full disk), which Python keeps as
# its __context__.
_ABORTED = "current transaction is aborted"


def classify(exc: BaseException, path: Path) -> StorageError | None:
    """The StorageError a DuckDB or OS error on the workspace file means; None for any other error.

    An "aborted transaction" error is judged by the error that aborted the transaction, when Python
    chained it (`__cause__` or `__context__`).
    """
    if not isinstance(exc, (duckdb.Error, OSError)):
        return None
    text = str(exc).lower()
    if _ABORTED in text:
        cause = exc.__cause__ or exc.__context__
        return classify(cause, path) if cause is not None else None
    for key, words in _KINDS:
        if any(w in text for w in words):
            return StorageError(key, path=str(path))
    if isinstance(exc, (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)):
        return StorageError("storage.corrupt", path=str(path))
    return None


def connect(path: Path, timeout: float) -> tuple[duckdb.DuckDBPyConnection, float]:
    """A read-write connection to `path` and the seconds spent waiting for another process to let go.

    Raises StorageError storage.busy after `timeout` seconds of finding the file held, and the
    matching StorageError for a file DuckDB cannot open.
    """
    start = time.monotonic()
    pause = 0.01
    while True:
        try:
            return duckdb.connect(str(path)), time.monotonic() - start
        except (duckdb.Error, OSError) as exc:
            error = classify(exc, path)
            if error is None:
                raise
            if error.key != "storage.busy":
                raise error from None
            waited = time.monotonic() - start
            if waited >= timeout:
                raise StorageError("storage.busy", path=str(path), seconds=round(waited)) from None
            # random pauses growing to 0.25 s: two waiting processes do not knock at the same moment
            time.sleep(min(pause * (0.5 + random.random()), timeout - waited))
            pause = min(pause * 2, 0.25)
