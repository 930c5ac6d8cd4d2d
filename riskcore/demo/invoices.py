"""The demo invoices and their settlement: dates, amounts, lateness, disputes, credit notes, payments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.demo.clients import Profiles
from riskcore.demo.draws import D, Rows, month_end, random_days, weighted_choice, workday
from riskcore.demo.words import DISPUTE_REASONS, SEASON, VAT


def draw_invoices(rng: np.random.Generator, p: Profiles, start: np.datetime64, end: np.datetime64) -> Rows:
    """Invoice dates (Poisson per client and month, seasonal, growing 4 %/year), amounts and due dates."""
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]") + 1)
    first = months.astype(D)
    length = ((months + 1).astype(D) - first).astype(int)
    season = SEASON[months.astype(int) % 12] * (1 + 0.04 * np.arange(len(months)) / 12)
    counts = rng.poisson(p.lam[:, None] * season[None, :])
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    ci, mi = cell // len(months), cell % len(months)
    when = workday(first[mi] + (rng.random(len(cell)) * length[mi]).astype("timedelta64[D]"))
    keep = (when >= p.active_from[ci]) & (when <= p.active_to[ci]) & (when <= end)
    ci, mi, when = ci[keep], mi[keep], when[keep]

    cents = np.rint(p.mean_cents[ci] * rng.lognormal(-0.245, 0.7, len(ci)))  # mean-one lognormal (σ²/2)
    # Before failing, the client in procedure ordered large volumes it never paid for.
    failing = (ci == p.procedure) & (when >= end - 150)
    cents[failing] *= rng.uniform(2.0, 3.5, failing.sum())
    cents = np.maximum(np.rint(cents / VAT) * VAT, 5000).round().astype(np.int64)

    terms = p.frame["payment_terms_days"].to_numpy()[ci].astype("timedelta64[D]")
    due = when + terms
    eom = p.frame["terms_end_of_month"].to_numpy(dtype=bool)[ci]
    due[eom] = month_end(due[eom])  # 45 days end of month: add the days, then move to the month's end
    return Rows(ci=ci, mi=mi, date=when, due=due.astype(D), cents=cents)


def _days_late(rng: np.random.Generator, p: Profiles, inv: Rows, end: np.datetime64) -> np.ndarray:
    """Days late per invoice: client propensity + slow monthly drift + deterioration + size + noise."""
    ci, mi = inv["ci"], inv["mi"]
    n_months = int(mi.max()) + 1 if len(mi) else 1
    walk = np.cumsum(rng.normal(0.0, 1.0, (len(p.mu), n_months)), axis=1)  # behaviour changes slowly
    due = inv["due"]
    ramp = np.clip((due - (end - 180)).astype(int) / 120.0, 0.0, 1.0)  # deterioration over the last 6 months
    size = 2.0 * np.log(inv["cents"] / p.mean_cents[ci])  # large invoices take a little longer
    m = len(ci)
    tail = (rng.random(m) < 0.03) * rng.exponential(40.0, m)  # the odd invoice that gets stuck
    return p.mu[ci] + walk[ci, mi] + ramp * p.drift[ci] + size + rng.normal(0.0, p.sd[ci]) + tail


def settle(rng: np.random.Generator, p: Profiles, inv: Rows, end: np.datetime64) -> Rows:
    """Add disputes, the planned payment date (FAR = never), credit notes, write-offs."""
    m = len(inv)
    far = end + 36500
    late = _days_late(rng, p, inv, end)
    disputed = rng.random(m) < 0.03
    reason = np.where(disputed, weighted_choice(rng, DISPUTE_REASONS, (0.3, 0.2, 0.2, 0.18, 0.12), m), None)
    late = late + disputed * rng.uniform(30, 150, m)  # a dispute holds the payment back
    date, due = inv["date"], inv["due"]
    pay = workday(np.maximum(due + np.rint(late).astype("timedelta64[D]"), date + 1))
    pay[pay > p.stop_paying[inv["ci"]]] = far

    # Credit notes: a duplicate invoice is cancelled in full; price/quality disputes and commercial
    # gestures give a partial one, dated between the invoice and its payment.
    duplicate = reason == "facture en double"
    gesture = (np.isin(reason, ["prix", "qualité"]) & (rng.random(m) < 0.6)) | (~disputed & (rng.random(m) < 0.015))
    has_cn = duplicate | gesture
    horizon = (np.minimum(pay, date + 90) - date).astype(int)
    cn_date = workday(date + np.maximum(2, np.rint(rng.uniform(0.2, 0.7, m) * horizon)).astype("timedelta64[D]"))
    cents = inv["cents"]
    cn_cents = np.where(duplicate, cents, np.rint(cents * rng.uniform(0.05, 0.4, m))).astype(np.int64)
    has_cn &= cn_date <= end
    applied = has_cn & (duplicate | (rng.random(m) < 0.9))
    pay[duplicate & has_cn] = cn_date[duplicate & has_cn]  # settled by the credit note itself

    # Write-offs: invoices still unpaid long after their due date, outside legal proceedings.
    in_court = np.isin(inv["ci"], [p.procedure, *p.litigation])
    stale = (pay - due > np.timedelta64(210, "D")) & (due + 210 < end) & ~in_court & ~duplicate
    written = stale & (rng.random(m) < 0.85)
    wo_date = np.minimum(workday(due + random_days(rng, 210, 330, m)), end)
    return inv.assign(
        disputed=disputed, reason=reason, pay=pay, has_cn=has_cn, cn_date=cn_date, cn_cents=cn_cents,
        applied=applied, duplicate=duplicate, written=written, wo_date=np.where(written, wo_date, far),
    )  # fmt: skip


def ensure_write_off(inv: Rows, p: Profiles, end: np.datetime64) -> Rows:
    """A small ledger may draw no write-off: then the most overdue old invoice is written off."""
    if inv["written"].any():
        return inv
    due = inv["due"]
    eligible = (due + 240 < end) & ~np.isin(inv["ci"], [p.procedure, *p.litigation])
    eligible &= ~inv["duplicate"]
    if not eligible.any():
        return inv
    row = np.flatnonzero(eligible)[np.argmax((inv["pay"] - due)[eligible])]
    written, wo_date = inv["written"].copy(), inv["wo_date"].copy()
    written[row] = True
    wo_date[row] = workday(np.minimum(due[row] + 240, end))
    return inv.assign(written=written, wo_date=wo_date)


def draw_payments(rng: np.random.Generator, p: Profiles, inv: Rows, end: np.datetime64) -> pd.DataFrame:
    """Payment rows (client index, invoice row or -1, date, cents): cash, credit-note pairs, unapplied cash."""
    m = len(inv)
    rows = np.arange(m)
    ci = inv["ci"]
    date, due, pay = inv["date"], inv["due"], inv["pay"]
    cash = inv["cents"] - np.where(inv["applied"], inv["cn_cents"], 0)
    cutoff = np.minimum(np.minimum(inv["wo_date"], p.stop_paying[ci]), end)

    # Partial payments: a first instalment before the final one (or before the end, if never paid).
    split = (cash > 0) & (rng.random(m) < 0.07)
    target = np.where(pay > end, due + 60, pay)
    first = workday(date + np.rint(rng.uniform(0.4, 0.95, m) * (target - date).astype(int)).astype("timedelta64[D]"))
    first = np.minimum(first, pay)
    part = np.rint(cash * rng.uniform(0.2, 0.7, m)).astype(np.int64)

    cn_rows = np.flatnonzero(inv["applied"])
    cn_cents = inv["cn_cents"][cn_rows]
    cn_date = inv["cn_date"][cn_rows]
    parts = [
        (ci, rows, pay, np.where(split, cash - part, cash), cash > 0),  # full or final payment
        (ci, rows, first, part, split),  # first instalment
        (ci[cn_rows], cn_rows, cn_date, cn_cents, np.ones(len(cn_rows), dtype=bool)),  # credit note applied: +x
        (ci[cn_rows], m + cn_rows, cn_date, -cn_cents, np.ones(len(cn_rows), dtype=bool)),  # ... and -x on the note
    ]
    out = pd.concat(
        [pd.DataFrame({"ci": c, "row": r, "date": d, "cents": a})[k] for c, r, d, a, k in parts], ignore_index=True
    )
    # Cash after the write-off, the stop or the end date never arrives (credit-note rows are always <= end).
    is_cash = out["row"].to_numpy() < m
    late_cash = is_cash & (out["date"].to_numpy() > cutoff[np.minimum(out["row"].to_numpy(), m - 1)])
    out = out[~late_cash]

    # Unapplied cash: a few receipts nobody could match yet, in the last four months.
    k = max(3, len(p.mu) // 40)
    live = np.flatnonzero((p.active_to >= end - 120) & (p.stop_paying > end))
    unapplied = pd.DataFrame(
        {
            "ci": rng.choice(live, size=k),
            "row": -1,
            "date": workday(end - random_days(rng, 5, 120, k)),
            "cents": np.rint(rng.uniform(10_000, 250_000, k)).astype(np.int64),
        }
    )
    unapplied = unapplied[unapplied["date"] <= end]
    return pd.concat([out, unapplied], ignore_index=True)
