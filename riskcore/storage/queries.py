"""Named queries: every SQL text of riskcore lives in riskcore/<context>/sql/<name>.sql and runs here.

riskcore.storage.store re-exports these helpers, so callers write `store.query(con, "name", ...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

Cursor = duckdb.DuckDBPyConnection
PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def _sql_files() -> dict[str, Path]:
    """Every named query, riskcore/<context>/sql/<name>.sql, by name (names are unique across contexts)."""
    files: dict[str, Path] = {}
    for path in sorted(PACKAGE_DIR.glob("*/sql/*.sql")):
        if path.stem in files:
            raise RuntimeError(f"two SQL files named {path.stem}: {files[path.stem]} and {path}")
        files[path.stem] = path
    return files


@cache
def statement(name: str) -> str:
    """The text of the named query riskcore/<context>/sql/<name>.sql."""
    return _sql_files()[name].read_text(encoding="utf-8")


def query(con: Cursor, name: str, /, **params: object) -> pd.DataFrame:
    """Run the named query `name` (riskcore/<context>/sql/<name>.sql) with its $parameters bound, as a frame."""
    return con.execute(statement(name), params).df()


def rows(con: Cursor, name: str, /, **params: object) -> list[tuple]:
    """Run the named query `name` with its $parameters bound; its rows as tuples."""
    return con.execute(statement(name), params).fetchall()


def value(con: Cursor, name: str, /, **params: object) -> object:
    """The single value the named query `name` returns (its first column of its first row)."""
    return rows(con, name, **params)[0][0]


def run(con: Cursor, name: str, /, **params: object) -> None:
    """Run the named statement `name` (a write, or a temp table) with its $parameters bound."""
    con.execute(statement(name), params)


def arrays(con: Cursor, name: str, /, **params: object) -> dict[str, np.ndarray]:
    """Run the named query `name`; its columns as numpy arrays (no frame built, for the hot paths)."""
    return con.execute(statement(name), params).fetchnumpy()


def relation(con: Cursor, name: str, /, **params: object) -> duckdb.DuckDBPyRelation:
    """The named query `name` as a lazy DuckDB relation, to be read in parts (`.fetchnumpy()` per chunk)."""
    return con.sql(statement(name), params=params)


@contextmanager
def registered(con: Cursor, /, **frames: pd.DataFrame) -> Iterator[Cursor]:
    """Inside the block, each frame can be read by name from SQL (`feature_sums=frame`); unregistered after."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield con
    finally:
        for name in frames:
            with suppress(duckdb.Error):  # the transaction was aborted: keep the error that aborted it
                con.unregister(name)
