"""SQL the ledger import builds from table and column names (riskcore.ingest passes them in).

The import's literal SQL lives in riskcore/ingest/sql and runs through `store.query`/`store.run`;
only what depends on which columns a file lacks is built here, from schema names alone.
"""

from __future__ import annotations

import pandas as pd

from riskcore.storage import schema, store


def stored_columns(cur: store.Cursor, table: schema.Table, keys: pd.Series, columns: list[str]) -> pd.DataFrame:
    """The stored `columns` of the rows of `table` whose key is among `keys`, indexed by that key.

    A file that lacks a column keeps the stored row's value for it; `columns` must be columns of
    `table` (they are written into the SQL).
    """
    unknown = [c for c in columns if c not in table.column_names]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    key = table.key[0]
    cols = ", ".join(f"t.{c}" for c in columns)
    sql = f"SELECT t.{key}, {cols} FROM {table.name} t JOIN _ingest_keys k ON t.{key} = k.id"
    with store.registered(cur, _ingest_keys=pd.DataFrame({"id": keys.astype("str")})):
        return cur.execute(sql).df().set_index(key)
