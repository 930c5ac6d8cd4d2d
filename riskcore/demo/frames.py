"""The generator's draws as the canonical frames of riskcore/storage/schema.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.demo.clients import Profiles
from riskcore.demo.draws import D, Rows, yearly_numbers
from riskcore.demo.words import COLLECTORS
from riskcore.storage import schema


def client_limits(rng: np.random.Generator, p: Profiles, inv: Rows, end: np.datetime64) -> pd.DataFrame:
    """Credit limits of about 2–3 months of sales for most clients; insured limits for ~30 %."""
    n = len(p.mu)
    recent = inv["date"] > end - 365
    sales = np.bincount(inv["ci"][recent], weights=inv["cents"][recent], minlength=n) / 100
    raw = sales / 12 * rng.uniform(2.0, 3.0, n)
    step = np.where(raw >= 100_000, 5_000, 1_000)
    limit = np.maximum(np.ceil(raw / step) * step, 1_000.0)
    segment = p.frame["segment"].to_numpy()
    has = (rng.random(n) < 0.85) | np.isin(segment, ["Grand compte", "ETI"])
    has &= p.frame["status"].to_numpy() != "closed"
    limit = np.where(has, limit, np.nan)
    insured = has & (rng.random(n) < 0.33)
    cover = np.floor(limit * rng.choice([0.5, 0.75, 1.0], n) / 1_000) * 1_000
    return p.frame.assign(credit_limit=limit, insured_limit=np.where(insured, np.maximum(cover, 1_000.0), np.nan))


def invoice_frame(p: Profiles, inv: Rows) -> tuple[pd.DataFrame, np.ndarray]:
    """Invoices then credit notes; returns the frame and the id of every document row (credit note m+i)."""
    m = len(inv)
    ids = p.frame["client_id"].to_numpy()
    date = inv["date"]
    invoice_ids = yearly_numbers("FA", date, np.arange(m))
    cn = np.flatnonzero(inv["has_cn"])
    cn_ids = yearly_numbers("AV", inv["cn_date"][cn], cn)
    doc_ids = np.empty(2 * m, dtype=object)
    doc_ids[:m] = invoice_ids
    doc_ids[m + cn] = cn_ids
    written = inv["written"]
    invoices = pd.DataFrame(
        {
            "invoice_id": invoice_ids,
            "client_id": ids[inv["ci"]],
            "invoice_date": date,
            "due_date": inv["due"],
            "amount": inv["cents"] / 100,
            "disputed": inv["disputed"],
            "dispute_reason": inv["reason"],
            "write_off_date": np.where(written, inv["wo_date"], np.datetime64("NaT")).astype(D),
        }
    )
    notes = pd.DataFrame(
        {
            "invoice_id": cn_ids,
            "client_id": ids[inv["ci"][cn]],
            "invoice_date": inv["cn_date"][cn],
            "due_date": inv["cn_date"][cn],
            "amount": -inv["cn_cents"][cn] / 100,
            "disputed": False,
            "dispute_reason": None,
            "write_off_date": np.datetime64("NaT", "D"),
        }
    )
    frame = pd.concat([invoices, notes], ignore_index=True).sort_values(["invoice_date", "invoice_id"])
    frame = frame.assign(currency="EUR", due_date_assumed=False, opening=False)
    return canonical(frame, schema.INVOICES), doc_ids


def canonical(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Exactly the table's columns, in order, dates as datetime64, money rounded to cents."""
    out = frame.reset_index(drop=True).reindex(columns=table.column_names)
    for col in table.columns:
        if col.sql_type == "DATE":
            out[col.name] = pd.to_datetime(out[col.name]).astype("datetime64[s]")
        elif col.sql_type == "VARCHAR":
            out[col.name] = out[col.name].astype("str")
        elif col.sql_type == schema.MONEY:
            out[col.name] = out[col.name].astype(float).round(2)
    return out


def payment_frame(p: Profiles, pay: pd.DataFrame, doc_ids: np.ndarray) -> pd.DataFrame:
    """The payments table: rows in date order, numbered RG0000001…, with the document each settles."""
    pay = pay.sort_values(["date", "ci", "row", "cents"], kind="stable").reset_index(drop=True)
    row = pay["row"].to_numpy()
    frame = pd.DataFrame(
        {
            "payment_id": [f"RG{i + 1:07d}" for i in range(len(pay))],
            "client_id": p.frame["client_id"].to_numpy()[pay["ci"].to_numpy()],
            "invoice_id": np.where(row >= 0, doc_ids[np.maximum(row, 0)], None),
            "payment_date": pay["date"].to_numpy(),
            "amount": pay["cents"].to_numpy() / 100,
        }
    )
    return canonical(frame, schema.PAYMENTS)


def dunning_frame(p: Profiles, dun: pd.DataFrame, doc_ids: np.ndarray) -> pd.DataFrame:
    """The dunning_actions table: actions in date order, numbered RL000001…, with who recorded them."""
    dun = dun.sort_values(["date", "ci", "level", "row"], kind="stable").reset_index(drop=True)
    row, ci = dun["row"].to_numpy(), dun["ci"].to_numpy()
    automatic = dun["level"].to_numpy() <= 2  # reminders 1 and 2 go out from the dunning software
    frame = pd.DataFrame(
        {
            "action_id": [f"RL{i + 1:06d}" for i in range(len(dun))],
            "client_id": p.frame["client_id"].to_numpy()[ci],
            "invoice_id": np.where(row >= 0, doc_ids[np.maximum(row, 0)], None),
            "action_date": dun["date"].to_numpy(),
            "level": dun["level"].to_numpy(),
            "channel": dun["channel"].to_numpy(),
            "outcome": dun["outcome"].to_numpy(),
            "promise_date": pd.to_datetime(dun["promise"]),
            "recorded_by": np.where(automatic, "auto", np.asarray(COLLECTORS, dtype=object)[ci % len(COLLECTORS)]),
        }
    )
    return canonical(frame, schema.DUNNING_ACTIONS)
