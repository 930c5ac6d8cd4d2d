"""Point-in-time features (issue 5 §1, acceptance 1): an invoice's features, and a score at a date,
only use what was known then. Real DuckDB workspaces, ledgers written by the tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from riskcore.credit import features, model
from riskcore.credit.scores import client_scores
from riskcore.storage.store import Store, write_ledger

D = dt.date


def _load(store: Store, frames: dict[str, pd.DataFrame]) -> None:
    with store.transaction() as cur:
        write_ledger(cur, frames)


# --- a small ledger worked by hand -----------------------------------------------------------------
# A0 comes first in key order and is busy, so that B1's figures only come out right if the
# running sums of earlier clients are taken off (the features are G(client, R) - G(before client)).
HAND = {
    "clients": pd.DataFrame(
        [
            {"client_id": "A0", "payment_terms_days": 30},
            {"client_id": "B1", "payment_terms_days": 30},
            {"client_id": "Z9", "payment_terms_days": 0, "non_credit": True},  # cash takings: never scored
        ]
    ),
    "invoices": pd.DataFrame(
        [
            {
                "invoice_id": "A-1",
                "client_id": "A0",
                "invoice_date": D(2024, 1, 2),
                "due_date": D(2024, 2, 1),
                "amount": 9000,
            },
            {
                "invoice_id": "A-2",
                "client_id": "A0",
                "invoice_date": D(2024, 3, 1),
                "due_date": D(2024, 3, 31),
                "amount": 7000,
            },
            # B1: 1 000 due 31/01 paid 400 on 10/02 and 600 on 20/03 (49 days late);
            # 500 due 02/03 paid 01/03 (early); 200 due 09/04, disputed, unpaid; 300 issued 01/05.
            {
                "invoice_id": "B-1",
                "client_id": "B1",
                "invoice_date": D(2024, 1, 1),
                "due_date": D(2024, 1, 31),
                "amount": 1000,
            },
            {
                "invoice_id": "B-2",
                "client_id": "B1",
                "invoice_date": D(2024, 2, 1),
                "due_date": D(2024, 3, 2),
                "amount": 500,
            },
            {
                "invoice_id": "B-3",
                "client_id": "B1",
                "invoice_date": D(2024, 3, 10),
                "due_date": D(2024, 4, 9),
                "amount": 200,
                "disputed": True,
            },
            {
                "invoice_id": "B-4",
                "client_id": "B1",
                "invoice_date": D(2024, 5, 1),
                "due_date": D(2024, 5, 31),
                "amount": 300,
            },
            {
                "invoice_id": "B-CN",
                "client_id": "B1",
                "invoice_date": D(2024, 4, 1),
                "due_date": D(2024, 4, 1),
                "amount": -50,
            },
            {
                "invoice_id": "Z-1",
                "client_id": "Z9",
                "invoice_date": D(2024, 2, 1),
                "due_date": D(2024, 2, 1),
                "amount": 80,
            },
        ]
    ),
    "payments": pd.DataFrame(
        [
            {
                "payment_id": "PA1",
                "client_id": "A0",
                "invoice_id": "A-1",
                "payment_date": D(2024, 4, 15),
                "amount": 9000,
            },
            {"payment_id": "P1", "client_id": "B1", "invoice_id": "B-1", "payment_date": D(2024, 2, 10), "amount": 400},
            {"payment_id": "P2", "client_id": "B1", "invoice_id": "B-1", "payment_date": D(2024, 3, 20), "amount": 600},
            {"payment_id": "P3", "client_id": "B1", "invoice_id": "B-2", "payment_date": D(2024, 3, 1), "amount": 500},
        ]
    ),
    "dunning_actions": pd.DataFrame(
        [
            {"action_id": "D1", "client_id": "B1", "invoice_id": "B-1", "action_date": D(2024, 2, 15), "level": 1},
            {"action_id": "D2", "client_id": "B1", "invoice_id": "B-1", "action_date": D(2024, 3, 5), "level": 2},
            {"action_id": "DA", "client_id": "A0", "invoice_id": "A-1", "action_date": D(2024, 3, 5), "level": 1},
        ]
    ),
}


@pytest.fixture
def hand(store):
    _load(store, HAND)
    return store


def test_invoice_features_use_only_the_day_before_the_invoice(hand):
    feats = features.invoice_features(hand.cursor(), late_days=30).set_index("obs_id")
    # credit notes, and the non-credit client's invoices, are not observations
    assert sorted(feats.index) == ["A-1", "A-2", "B-1", "B-2", "B-3", "B-4"]
    b3 = feats.loc["B-3"]  # issued 10/03, sees up to 09/03
    # settled by then: B-2 only (01/03, one day early); B-1 still open with 600
    assert (b3["n_settled"], b3["settled_amount"], b3["share_late"]) == (1, 500, 0)
    assert (b3["n_open"], b3["open_amount"]) == (1, 600)
    # B-1 due 31/01 < 09/03: 600 overdue, 09/03 - 31/01 = 38 days past due
    assert (b3["n_overdue"], b3["overdue_amount"], b3["max_dpd"], b3["avg_dpd"]) == (1, 600, 38, 38)
    # outcome of B-1 known on 31/01 + 30 = 01/03: not settled by then, so late: 1 of 1
    assert (b3["n_known"], b3["late_rate"]) == (1, 1.0)
    assert (b3["n_dunning"], b3["n_disputes"]) == (2, 0)  # D1, D2; B-3's own dispute is not yet due
    assert b3["tenure_days"] == 69  # 01/01 to 09/03 inclusive
    assert b3["rel_amount"] == pytest.approx(200 / 500)  # against the average settled invoice


def test_settled_history_weights_days_late_by_amount(hand):
    b4 = features.invoice_features(hand.cursor(), late_days=30).set_index("obs_id").loc["B-4"]  # sees up to 30/04
    # B-1 1 000 settled 20/03, 49 days late; B-2 500 settled 01/03, 1 day early (counts as 0)
    assert (b4["n_settled"], b4["share_late"]) == (2, 0.5)
    assert b4["avg_dpd"] == 21  # B-3 200 due 09/04, 30/04 - 09/04
    assert b4["avg_days_late"] == pytest.approx(1000 * 49 / 1500)  # 32.67
    assert b4["n_disputes"] == 1  # B-3 disputed, due 09/04 <= 30/04


@pytest.mark.parametrize(
    ("obs_id", "recent", "prior"),
    [
        # issued 10/03, sees 09/03; due in the 90 days up to it: B-1 1 000 due 31/01, still open
        # (paid 20/03, later): 38 days so far; B-2 500 due 02/03 paid early: 0. (38 000 + 0) / 1 500.
        # Nothing due before that: the settled history (B-2, 0 days late) stands in.
        ("B-3", 38_000 / 1_500, 0.0),
        # issued 01/05, sees 30/04: B-2 0 days, B-3 200 due 09/04 unpaid: 21 days; B-1 (due 31/01,
        # 90 days before 30/04) now in the year before, settled 49 days late.
        ("B-4", 200 * 21 / 700, 49.0),
    ],
)
def test_lateness_by_due_date_counts_open_invoices_at_their_lateness_so_far(hand, obs_id, recent, prior):
    row = features.invoice_features(hand.cursor(), late_days=30).set_index("obs_id").loc[obs_id]
    assert row["due_late_3m"] == pytest.approx(recent)
    assert row["due_late_prior"] == pytest.approx(prior)


def test_lateness_by_due_date_of_clients_at_a_date(hand):
    clients = features.client_features(hand.cursor(), D(2024, 5, 20), late_days=30).set_index("client_id")
    # 20/05 - 90 days = 20/02. B1: B-2 500 (0 days) and B-3 200 open since 09/04 (41 days) are recent;
    # B-1 1 000 (49 days late) is older. A0: A-2 7 000 due 31/03 open, 50 days; A-1 due 01/02 paid 74 late.
    assert clients.loc["B1", "due_late_3m"] == pytest.approx(200 * 41 / 700)  # 11.71
    assert clients.loc["B1", "due_late_prior"] == 49
    assert clients.loc["B1", "due_amount_3m"] == 700
    assert (clients.loc["A0", "due_late_3m"], clients.loc["A0", "due_late_prior"]) == (50, 74)
    matrix = features.matrix(clients)
    assert matrix.loc[clients.index == "A0", "due_late_trend"].item() == -24  # 50 - 74: improving


def test_client_features_at_a_date_leave_out_non_credit_accounts(hand):
    clients = features.client_features(hand.cursor(), D(2024, 5, 20), late_days=30).set_index("client_id")
    assert list(clients.index) == ["A0", "B1"]
    b1 = clients.loc["B1"]
    # open on 20/05: B-3 200 (due 09/04, 41 days past due) and B-4 300 (not due)
    assert (b1["n_open"], b1["open_amount"], b1["n_overdue"], b1["overdue_amount"]) == (2, 500, 1, 200)
    assert b1["max_dpd"] == 41
    # outcomes known by 20/05: B-1 late, B-2 on time, B-3 (due 09/04 + 30 = 09/05) unpaid: 2 of 3
    assert b1["late_rate"] == pytest.approx(2 / 3)
    a0 = clients.loc["A0"]
    # A-1 9 000 paid 15/04 (74 days late); A-2 7 000 due 31/03 unpaid: 50 days past due on 20/05
    assert (a0["n_settled"], a0["avg_days_late"], a0["overdue_amount"], a0["max_dpd"]) == (1, 74, 7000, 50)


def test_a_write_off_closes_the_invoice_on_its_date(store):
    frames = {k: v.copy() for k, v in HAND.items()}
    invoices = frames["invoices"]
    invoices.loc[invoices["invoice_id"] == "B-3", "write_off_date"] = pd.Timestamp(2024, 4, 20)
    _load(store, frames)
    b1 = features.client_features(store.cursor(), D(2024, 5, 20), late_days=30).set_index("client_id").loc["B1"]
    # B-3 written off on 20/04: only B-4 (300, not due) is still open
    assert (b1["n_open"], b1["open_amount"], b1["n_overdue"]) == (1, 300, 0)
    assert b1["n_settled"] == 3  # B-1, B-2 and the written-off B-3, which counts in the history as closed
    assert (b1["n_written_off"], b1["n_written_off_12m"]) == (1, 1)  # B-3, written off 20/04/2024


@pytest.mark.parametrize(
    ("as_of", "settled_12m", "settled_3m", "due_3m", "due_prior", "written_off", "written_off_12m"),
    [
        # 20/05/2024: closed in the 12 months and in the 3 months since 20/02: B-1 1 000 (20/03), B-2 500
        # (01/03), B-3 200 (written off 20/04). Due since 20/02: B-2 500 (02/03), B-3 200 (09/04); due in
        # the year before 20/02: B-1 1 000 (31/01).
        (D(2024, 5, 20), 1700, 1700, 700, 1000, 1, 1),
        # 31/12/2024: nothing closed since 02/10, nothing due since then either (B-4 was due 31/05, and
        # is unpaid); in the year before 02/10: B-1, B-2, B-3 and B-4, 2 000.
        (D(2024, 12, 31), 1700, 0, 0, 2000, 1, 1),
        # 01/06/2025: 12 months back is 01/06/2024, after every close: the history is older than that.
        # The year before 03/03/2025 starts after 03/03/2024: B-3 200 (09/04) and B-4 300 (31/05), 500.
        (D(2025, 6, 1), 0, 0, 0, 500, 1, 0),
    ],
)
def test_the_windows_say_what_they_hold(store, as_of, settled_12m, settled_3m, due_3m, due_prior, written_off,
                                        written_off_12m):  # fmt: skip
    # What the reasons read before they word a window's figure (riskcore.credit.reasons): a window with
    # nothing in it carries the wider window's figure as a fallback, which is no fact of that window.
    frames = {k: v.copy() for k, v in HAND.items()}
    frames["invoices"].loc[frames["invoices"]["invoice_id"] == "B-3", "write_off_date"] = pd.Timestamp(2024, 4, 20)
    _load(store, frames)
    b1 = features.client_features(store.cursor(), as_of, late_days=30).set_index("client_id").loc["B1"]
    held = ("settled_amount_12m", "settled_amount_3m", "due_amount_3m", "due_amount_prior")
    assert tuple(b1[list(held)]) == (settled_12m, settled_3m, due_3m, due_prior)
    assert (b1["n_written_off"], b1["n_written_off_12m"]) == (written_off, written_off_12m)


# --- a generated ledger, changed after a date ---------------------------------------------------------


def _ledger(seed: int = 7, clients: int = 40, start: str = "2023-01-02", months: int = 24) -> dict[str, pd.DataFrame]:
    """Clients with a lasting lateness propensity, three invoices a month, partial and missing payments."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"K{i:03d}" for i in range(clients)], dtype=object)
    propensity = np.where(rng.random(clients) < 0.3, rng.uniform(20, 60, clients), rng.uniform(-5, 15, clients))
    n = clients * months * 3
    who = rng.integers(0, clients, n)
    days = (rng.random(n) * months * 30.4).astype(int)
    issued = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    due = issued + pd.Timedelta(days=30)
    amount = np.round(rng.lognormal(7, 0.8, n), 2)
    late = np.rint(propensity[who] + rng.normal(0, 10, n)).astype(int)
    paid_on = due + pd.to_timedelta(late, unit="D")
    paid_on = paid_on.where(paid_on > issued, issued)
    unpaid = rng.random(n) < 0.03
    invoice_ids = np.array([f"F{i:05d}" for i in range(n)], dtype=object)
    invoices = pd.DataFrame(
        {"invoice_id": invoice_ids, "client_id": ids[who], "invoice_date": issued, "due_date": due, "amount": amount,
         "disputed": rng.random(n) < 0.03}
    )  # fmt: skip
    split = (rng.random(n) < 0.15) & ~unpaid  # paid in two instalments, the first 10 days earlier
    first = np.round(amount * 0.4, 2)
    p1 = pd.DataFrame({"invoice_id": invoice_ids, "client_id": ids[who], "payment_date": paid_on,
                       "amount": np.where(split, amount - first, amount)})[~unpaid]  # fmt: skip
    p2 = pd.DataFrame({"invoice_id": invoice_ids, "client_id": ids[who],
                       "payment_date": paid_on - pd.Timedelta(days=10), "amount": first})[split]  # fmt: skip
    payments = pd.concat([p1, p2], ignore_index=True)
    payments.insert(0, "payment_id", [f"P{i:05d}" for i in range(len(payments))])
    chased = late > 10
    dunning = pd.DataFrame(
        {"action_id": [f"A{i:05d}" for i in range(int(chased.sum()))], "client_id": ids[who][chased],
         "invoice_id": invoice_ids[chased], "action_date": due[chased] + pd.Timedelta(days=7), "level": 1}
    )  # fmt: skip
    return {
        "clients": pd.DataFrame({"client_id": ids, "payment_terms_days": 30, "status": "active"}),
        "invoices": invoices,
        "payments": payments,
        "dunning_actions": dunning,
    }


def _rewrite_after(frames: dict[str, pd.DataFrame], cut: pd.Timestamp, seed: int = 99) -> dict[str, pd.DataFrame]:
    """Change every invoice, payment, write-off and dunning action dated on or after `cut`."""
    rng = np.random.default_rng(seed)
    out = {k: v.copy() for k, v in frames.items()}
    inv = out["invoices"]
    later = inv["invoice_date"] >= cut
    inv.loc[later, "amount"] = np.round(inv.loc[later, "amount"] * rng.uniform(0.2, 5, later.sum()), 2)
    inv.loc[later, "due_date"] = inv.loc[later, "due_date"] + pd.Timedelta(days=15)
    inv.loc[later, "disputed"] = ~inv.loc[later, "disputed"].astype(bool)
    earlier = inv.index[~later][-30:]  # old invoices written off after the cut
    inv.loc[earlier, "write_off_date"] = cut + pd.Timedelta(days=40)
    pay = out["payments"]
    moved = pay["payment_date"] >= cut
    pay.loc[moved, "payment_date"] = pay.loc[moved, "payment_date"] + pd.Timedelta(days=45)
    pay.loc[moved, "amount"] = np.round(pay.loc[moved, "amount"] * 0.5, 2)
    out["payments"] = pay[~(moved & (rng.random(len(pay)) < 0.3))]  # and some vanish
    dun = out["dunning_actions"]
    out["dunning_actions"] = dun[dun["action_date"] < cut]  # dunning after the cut dropped
    return out


CUT = pd.Timestamp("2024-07-01")


@pytest.fixture(scope="module")
def two_ledgers(tmp_path_factory):
    """The same ledger twice, the second changed from CUT on."""
    original = _ledger()
    stores = []
    for name, frames in (("original", original), ("rewritten", _rewrite_after(original, CUT))):
        store = Store(tmp_path_factory.mktemp(name) / "workspace.duckdb")
        _load(store, frames)
        stores.append(store)
    yield stores
    for store in stores:
        store.close()


def test_changing_everything_after_a_date_leaves_earlier_invoice_features_identical(two_ledgers):
    original, rewritten = (features.invoice_features(s.cursor()) for s in two_ledgers)
    # settle_date is the outcome, not a feature: labels() reads it only up to due + late_days
    before = [
        f[f["invoice_date"] < CUT].drop(columns="settle_date").reset_index(drop=True) for f in (original, rewritten)
    ]
    assert len(before[0]) > 1000  # a real history, not an empty comparison
    pd.testing.assert_frame_equal(before[0], before[1], check_exact=True)
    # every model input is derived from those columns alone, and is identical too
    matrices = [features.matrix(f) for f in before]
    assert list(matrices[0].columns) == list(features.FEATURES)
    pd.testing.assert_frame_equal(matrices[0], matrices[1], check_exact=True)
    # and the training labels known the day before the cut are the same
    known_before = (CUT - pd.Timedelta(days=1)).date()
    labels = [
        features.labels(f[f["invoice_date"] < CUT].reset_index(drop=True), known_before, 30)
        for f in (original, rewritten)
    ]
    pd.testing.assert_series_equal(labels[0][0], labels[1][0])
    pd.testing.assert_series_equal(labels[0][1][labels[0][0]], labels[1][1][labels[1][0]])
    # the change did reach the later invoices: the comparison above could have failed
    after = [f[f["invoice_date"] >= CUT].set_index("obs_id") for f in (original, rewritten)]
    assert not np.allclose(after[0]["open_amount"], after[1].loc[after[0].index, "open_amount"])
    assert not np.allclose(after[0]["due_late_3m"], after[1].loc[after[0].index, "due_late_3m"])


def test_changing_everything_after_a_date_leaves_earlier_scores_identical(two_ledgers):
    as_of = (CUT - pd.Timedelta(days=1)).date()
    # every client figure at that date, those only the reasons read included (features.REASON_ONLY)
    clients = [features.client_features(s.cursor(), as_of) for s in two_ledgers]
    assert set(features.REASON_ONLY) <= set(clients[0].columns)
    pd.testing.assert_frame_equal(clients[0], clients[1], check_exact=True)
    original, rewritten = (client_scores(s, as_of) for s in two_ledgers)
    assert model.model_card(two_ledgers[0], as_of)["model"] in ("logistic", "gradient_boosting")  # a real model
    pd.testing.assert_frame_equal(original, rewritten, check_exact=True)
    # scored again later, the two ledgers do differ
    late = (CUT + pd.Timedelta(days=120)).date()
    assert not client_scores(two_ledgers[0], late)["p_late"].equals(client_scores(two_ledgers[1], late)["p_late"])


def test_an_opening_balance_is_exposure_but_not_payment_history(store):
    frames = {k: v.copy() for k, v in HAND.items()}
    opening = {"invoice_id": "B-AN", "client_id": "B1", "invoice_date": D(2023, 12, 31), "due_date": D(2024, 1, 15),
               "amount": 700, "opening": True}  # fmt: skip
    frames["invoices"] = pd.concat([frames["invoices"], pd.DataFrame([opening])], ignore_index=True)
    _load(store, frames)
    assert "B-AN" not in set(features.invoice_features(store.cursor(), late_days=30)["obs_id"])
    b1 = features.client_features(store.cursor(), D(2024, 5, 20), late_days=30).set_index("client_id").loc["B1"]
    # open: B-3 200 + B-4 300 + the unpaid opening 700; overdue: B-3 and the opening, 20/05 - 15/01 = 126 days
    assert (b1["n_open"], b1["open_amount"], b1["n_overdue"], b1["overdue_amount"]) == (3, 1200, 2, 900)
    assert b1["max_dpd"] == 126
    # the payment history is unchanged: 2 settled, 2 late outcomes of 3
    assert (b1["n_settled"], b1["late_rate"]) == (2, pytest.approx(2 / 3))


def test_sums_stay_exact_for_amounts_far_beyond_a_float_s_53_bits(store):
    # 98 765 432 109.87 EUR is 9 876 543 210 987 cents; its overdue weight, cents x the due day (days
    # since 2000-01-01: 8 766 on 01/01/2024), is ~8.7e16, beyond the 2^53 (~9.0e15) a float holds
    # exactly. A0 owes it, due 01/01/2024; B1, next in key order, owes 1.00 due 01/02/2024, and B1's
    # figures are differences of running totals over the ledger that include A0's: they must be
    # whole-number sums (in float64 B1 came out 29.04 days past due).
    frames = {
        "clients": pd.DataFrame({"client_id": ["A0", "B1"], "payment_terms_days": [30, 30]}),
        "invoices": pd.DataFrame(
            {
                "invoice_id": ["A-1", "B-1"],
                "client_id": ["A0", "B1"],
                "invoice_date": [D(2023, 12, 2), D(2024, 1, 2)],
                "due_date": [D(2024, 1, 1), D(2024, 2, 1)],
                "amount": [98_765_432_109.87, 1.00],
            }
        ),
    }
    _load(store, frames)
    clients = features.client_features(store.cursor(), D(2024, 3, 1), late_days=30).set_index("client_id")
    # overdue since the due date: 01/03/2024 - 01/01/2024 = 60 days; 01/03 - 01/02 = 29 days (2024 is leap)
    assert clients.loc["A0", "overdue_amount"] == 98_765_432_109.87
    assert (clients.loc["A0", "avg_dpd"], clients.loc["A0", "max_dpd"]) == (60, 60)
    assert (clients.loc["B1", "overdue_amount"], clients.loc["B1", "avg_dpd"]) == (1.0, 29)
