"""The demo ledger: reproducible, canonical, and telling the story issue 2 §5 asks for."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from riskcore import demo
from riskcore.storage import schema

END = pd.Timestamp(demo.DEMO_END)
BUCKETS = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "91+": (91, 10**6)}


@pytest.fixture(scope="module")
def ledger() -> dict[str, pd.DataFrame]:
    """The full default demo (400 clients, 3 years): generated once for the module."""
    return demo.generate()


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return demo.generate(seed=7, clients=60, years=2)


def cents(values: pd.Series) -> pd.Series:
    return (values * 100).round().astype("int64")


def open_items(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    """DOMAIN.md §2 read plainly: amount − payments allocated up to D, invoices dated ≤ D and not written off."""
    invoices, payments = frames["invoices"], frames["payments"]
    paid = payments[payments["payment_date"] <= as_of].dropna(subset=["invoice_id"])
    allocated = cents(paid["amount"]).groupby(paid["invoice_id"]).sum()
    live = invoices[(invoices["invoice_date"] <= as_of) & ~(invoices["write_off_date"] <= as_of)]
    live = live.assign(open_cents=cents(live["amount"]) - live["invoice_id"].map(allocated).fillna(0).astype("int64"))
    return live[live["open_cents"] != 0].assign(days_past_due=(as_of - live["due_date"]).dt.days)


def luhn_ok(number: str) -> bool:
    """An independent Luhn check: double every second digit from the right, sum digits, multiple of 10."""
    digits = [int(c) for c in reversed(number)]
    total = sum(d if i % 2 == 0 else sum(divmod(2 * d, 10)) for i, d in enumerate(digits))
    return total % 10 == 0


def test_same_seed_gives_identical_frames_and_another_seed_does_not(small):
    again = demo.generate(seed=7, clients=60, years=2)
    for name, frame in small.items():
        pd.testing.assert_frame_equal(frame, again[name])
    other = demo.generate(seed=8, clients=60, years=2)
    assert not other["invoices"]["amount"].equals(small["invoices"]["amount"])


@pytest.mark.parametrize("table", schema.LEDGER_TABLES, ids=lambda t: t.name)
def test_frames_have_exactly_the_canonical_columns_in_order(small, table):
    assert list(small[table.name].columns) == table.column_names


@pytest.mark.parametrize(
    ("table", "column"),
    [("invoices", "invoice_date"), ("invoices", "due_date"), ("invoices", "write_off_date"),
     ("payments", "payment_date"), ("dunning_actions", "action_date"), ("dunning_actions", "promise_date")],
)  # fmt: skip
def test_dates_are_datetime64(small, table, column):
    assert pd.api.types.is_datetime64_any_dtype(small[table][column])


@pytest.mark.parametrize(
    ("table", "column"),
    [("invoices", "amount"), ("payments", "amount"), ("clients", "credit_limit"), ("clients", "insured_limit")],
)
def test_money_is_float_rounded_to_cents(ledger, table, column):
    values = ledger[table][column].dropna()
    assert values.dtype == np.float64
    assert (values.round(2) == values).all()


@pytest.mark.parametrize(
    ("siren", "valid"),
    [
        ("123456782", True),  # from the right: 2 +(8·2→7) +7 +(6·2→3) +5 +(4·2=8) +3 +(2·2=4) +1 = 40
        ("123456789", False),  # same digits with 9 last: 9+7+7+3+5+8+3+4+1 = 47
        ("732829320", True),  # 0+(2·2=4)+3+(9·2→9)+2+(8·2→7)+2+(3·2=6)+7 = 40
        ("12345678", False),  # 8 digits
        ("12345678A", False),
    ],
)
def test_siren_is_valid_applies_the_luhn_rule(siren, valid):
    assert demo.siren_is_valid(siren) is valid


def test_every_client_has_a_distinct_nine_digit_siren_passing_luhn(ledger):
    sirens = ledger["clients"]["siren"]
    assert sirens.str.fullmatch(r"\d{9}").all()
    assert all(luhn_ok(s) for s in sirens)
    assert sirens.is_unique


@pytest.mark.parametrize(
    ("table", "column", "pattern"),
    [
        ("clients", "client_id", r"C\d{4}"),
        ("invoices", "invoice_id", r"(FA|AV)20\d\d-\d{6}"),
        ("payments", "payment_id", r"RG\d{7}"),
        ("dunning_actions", "action_id", r"RL\d{6}"),
    ],
)
def test_ids_are_unique_and_shaped(ledger, table, column, pattern):
    ids = ledger[table][column]
    assert ids.is_unique
    assert ids.str.fullmatch(pattern).all()


def test_every_name_ends_with_a_french_legal_form_and_is_unique(ledger):
    names = ledger["clients"]["name"]
    assert names.is_unique
    assert names.str.fullmatch(r".+ (SARL|SAS|SA|EURL|SASU)").all()


def test_full_demo_has_about_thirty_thousand_invoices_and_is_fast():
    started = time.perf_counter()
    frames = demo.generate()
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0
    # 400 clients × 3 years × ~25 invoices a year = ~30 000, a few per cent of them credit notes
    assert 25_000 <= len(frames["invoices"]) <= 36_000


def test_no_payment_after_the_end_date_nor_before_its_invoice(ledger):
    payments = ledger["payments"]
    assert payments["payment_date"].max() <= END
    dated = payments.merge(ledger["invoices"][["invoice_id", "invoice_date"]], on="invoice_id")
    assert (dated["payment_date"] >= dated["invoice_date"]).all()


def test_payments_never_exceed_a_positive_invoice_amount(ledger):
    payments = ledger["payments"].dropna(subset=["invoice_id"])
    allocated = cents(payments["amount"]).groupby(payments["invoice_id"]).sum()
    invoices = ledger["invoices"].set_index("invoice_id")
    positive = invoices[invoices["amount"] > 0]
    over = allocated.reindex(positive.index).fillna(0) > cents(positive["amount"])
    assert not over.any()


def test_due_date_is_never_before_invoice_date(ledger):
    invoices = ledger["invoices"]
    assert (invoices["due_date"] >= invoices["invoice_date"]).all()


def test_due_date_follows_the_client_terms_with_the_end_of_month_rule(ledger):
    # 45 days end of month: 20/01/2026 + 45 days = 06/03/2026, then the month's end = 31/03/2026
    invoices = ledger["invoices"][ledger["invoices"]["amount"] > 0]
    terms = invoices.merge(ledger["clients"], on="client_id")
    plain = terms["invoice_date"] + pd.to_timedelta(terms["payment_terms_days"], unit="D")
    expected = plain.where(~terms["terms_end_of_month"], plain + pd.offsets.MonthEnd(0))
    assert (terms["due_date"] == expected).all()


def test_terms_are_30_45_eom_60_and_a_handful_of_90(ledger):
    clients = ledger["clients"]
    assert set(clients["payment_terms_days"]) == {30, 45, 60, 90}
    assert (clients["terms_end_of_month"] == (clients["payment_terms_days"] == 45)).all()
    assert (clients["payment_terms_days"] == 90).sum() in range(1, 11)  # 1.2 % of 400 = 5


def test_no_payment_on_a_written_off_invoice_after_its_write_off(ledger):
    written = ledger["invoices"].dropna(subset=["write_off_date"])
    assert len(written) >= 1
    after = ledger["payments"].merge(written[["invoice_id", "write_off_date"]], on="invoice_id")
    after = after[after["amount"] > 0]
    assert not (after["payment_date"] > after["write_off_date"]).any()
    assert (written["write_off_date"] <= END).all()


def test_an_applied_credit_note_is_a_pair_of_opposite_payments_on_the_same_day(ledger):
    notes = ledger["invoices"][ledger["invoices"]["amount"] < 0]
    payments = ledger["payments"]
    on_notes = payments[payments["invoice_id"].isin(notes["invoice_id"])]
    assert len(on_notes) >= 1
    assert (on_notes["amount"] < 0).all()
    for row in on_notes.head(50).itertuples():
        twin = payments[
            (payments["payment_date"] == row.payment_date)
            & (payments["client_id"] == row.client_id)
            & (payments["amount"] == -row.amount)
        ]
        assert len(twin) >= 1  # +x on the invoice, −x on the note, same date


def test_exactly_one_client_in_collective_procedure_with_open_overdue_invoices(ledger):
    clients = ledger["clients"]
    procedure = clients[clients["status"] == "collective_procedure"]
    assert len(procedure) == 1
    items = open_items(ledger, END)
    theirs = items[(items["client_id"] == procedure["client_id"].iloc[0]) & (items["days_past_due"] > 0)]
    assert len(theirs) >= 3  # several large unpaid invoices from the last months


def test_a_couple_of_clients_are_in_litigation(ledger):
    assert (ledger["clients"]["status"] == "litigation").sum() == 2


def test_top3_share_of_positive_balances_at_the_end_is_between_30_and_45_percent(ledger):
    # DOMAIN.md §4: balance = open amounts − unapplied cash; top 3 positive balances / sum of positive ones.
    items = open_items(ledger, END)
    payments = ledger["payments"]
    unapplied = payments[payments["invoice_id"].isna() & (payments["payment_date"] <= END)]
    balance = (
        items.groupby("client_id")["open_cents"]
        .sum()
        .sub(cents(unapplied["amount"]).groupby(unapplied["client_id"]).sum(), fill_value=0)
    )
    positive = balance[balance > 0].sort_values(ascending=False)
    share = positive.head(3).sum() / positive.sum()
    assert 0.30 <= share <= 0.45


@pytest.mark.parametrize("bucket", list(BUCKETS))
def test_open_invoices_exist_in_every_aging_bucket_at_the_end(ledger, bucket):
    low, high = BUCKETS[bucket]
    items = open_items(ledger, END)
    in_bucket = items[items["days_past_due"].between(low, high) & (items["open_cents"] > 0)]
    assert len(in_bucket) >= 5


@pytest.mark.parametrize(
    ("case", "count"),
    [
        ("write_off", lambda f: f["invoices"]["write_off_date"].notna().sum()),
        ("unapplied_payment", lambda f: f["payments"]["invoice_id"].isna().sum()),
        ("credit_note", lambda f: (f["invoices"]["amount"] < 0).sum()),
        ("disputed_invoice", lambda f: f["invoices"]["disputed"].sum()),
        (
            "partial_payment",
            lambda f: f["payments"][f["payments"]["amount"] > 0].groupby("invoice_id").size().gt(1).sum(),
        ),
    ],
)
def test_small_ledger_still_holds_every_special_case(small, case, count):
    assert count(small) >= 1


def test_every_dispute_has_a_listed_reason(ledger):
    invoices = ledger["invoices"]
    disputed = invoices[invoices["disputed"]]
    assert set(disputed["dispute_reason"]) == set(demo.DISPUTE_REASONS)
    assert invoices.loc[~invoices["disputed"], "dispute_reason"].isna().all()


@pytest.mark.parametrize(("level", "days_after_due"), [(1, 7), (2, 21), (3, 35), (4, 50), (5, 75)])
def test_dunning_levels_follow_the_scenario_dates(ledger, level, days_after_due):
    actions = ledger["dunning_actions"].merge(ledger["invoices"][["invoice_id", "due_date"]], on="invoice_id")
    actions = actions[actions["level"] == level]
    delay = (actions["action_date"] - actions["due_date"]).dt.days
    assert len(actions) >= 1
    # offset −1..+2 days of jitter, then a weekend moved to Monday (+2 at most)
    assert delay.between(days_after_due - 1, days_after_due + 4).mean() > 0.95


def test_dunning_never_follows_the_settlement_or_the_end(ledger):
    actions = ledger["dunning_actions"]
    assert actions["action_date"].max() <= END
    payments = ledger["payments"].dropna(subset=["invoice_id"])
    settled = payments.groupby("invoice_id")["payment_date"].max()
    paid = cents(payments["amount"]).groupby(payments["invoice_id"]).sum()
    invoices = ledger["invoices"].set_index("invoice_id")
    full = paid.reindex(invoices.index).fillna(0) >= cents(invoices["amount"])
    settle = settled.reindex(invoices.index)[full]
    after = actions.assign(settle=actions["invoice_id"].map(settle)).dropna(subset=["settle"])
    assert (after["action_date"] < after["settle"]).all()


def test_promise_dates_only_come_with_a_promise(ledger):
    actions = ledger["dunning_actions"]
    promised = actions["outcome"] == "promesse de paiement"
    assert actions.loc[promised, "promise_date"].notna().all()
    assert actions.loc[~promised, "promise_date"].isna().all()
    assert (actions.loc[promised, "promise_date"] > actions.loc[promised, "action_date"]).all()


def test_august_sales_are_low(ledger):
    invoices = ledger["invoices"][ledger["invoices"]["amount"] > 0]
    by_month = invoices.groupby(invoices["invoice_date"].dt.month)["amount"].sum()
    # seasonal factor 0.55 in August against ~1.05 elsewhere: about half an average month
    assert by_month[8] < 0.75 * by_month.drop(8).mean()


def test_most_clients_have_a_credit_limit_and_about_a_third_of_those_insured(ledger):
    clients = ledger["clients"]
    assert clients["credit_limit"].notna().mean() > 0.75
    share = clients["insured_limit"].notna().mean()
    assert 0.2 <= share <= 0.4
    assert (clients["credit_limit"].dropna() % 1000 == 0).all()


def test_some_clients_share_a_group(ledger):
    sizes = ledger["clients"]["group_id"].dropna().value_counts()
    assert len(sizes) >= 5
    assert (sizes >= 2).all()


def test_clients_cover_regions_segments_and_five_to_eight_sales_reps(ledger):
    clients = ledger["clients"]
    assert set(clients["segment"]) == {"PME", "ETI", "Grand compte", "TPE"}
    assert 5 <= clients["sales_rep"].nunique() <= 8
    assert clients["region"].nunique() >= 10
    assert clients["sector"].str.fullmatch(r"\d{4}[A-Z]").all()


def _late_labels(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Positive invoices with settle date (when fully paid) and label: settled > 30 days after due."""
    invoices = frames["invoices"][frames["invoices"]["amount"] > 0]
    payments = frames["payments"].dropna(subset=["invoice_id"])
    paid = cents(payments["amount"]).groupby(payments["invoice_id"]).sum()
    last = payments.groupby("invoice_id")["payment_date"].max()
    full = invoices["invoice_id"].map(paid).fillna(0) >= cents(invoices["amount"])
    settle = invoices["invoice_id"].map(last).where(full)
    days = (settle.fillna(END) - invoices["due_date"]).dt.days
    return invoices.assign(settle=settle, late=days > 30, known=settle.notna() | (days > 30))


def test_lateness_is_learnable_from_client_history_but_not_trivially(ledger):
    labels = _late_labels(ledger)
    split = END - pd.Timedelta(days=365)
    train = labels[labels["settle"] < split]
    test = labels[(labels["invoice_date"] >= split) & labels["known"]]
    history = train.groupby("client_id")["late"].mean()
    score = test["client_id"].map(history).fillna(history.mean())
    auc = roc_auc_score(test["late"], score)
    # one plain feature (the client's past late share) already separates; noise keeps it short of perfect
    assert 0.80 <= auc <= 0.97


def test_some_clients_deteriorate_sharply_over_the_last_six_months(ledger):
    labels = _late_labels(ledger)
    days = (labels["settle"].fillna(END) - labels["due_date"]).dt.days.clip(lower=0)
    labels = labels.assign(days_late=days)
    recent = labels[labels["due_date"] > END - pd.Timedelta(days=180)].groupby("client_id")["days_late"].mean()
    window = labels["due_date"].between(END - pd.Timedelta(days=545), END - pd.Timedelta(days=180))
    before = labels[window].groupby("client_id")["days_late"].mean()
    rise = (recent - before).dropna()
    # 5 % of 400 = 20 clients drift by 50–110 days; open recent invoices count only their lateness so far
    assert (rise > 20).sum() >= 8


def test_too_few_clients_is_refused_with_the_value():
    with pytest.raises(ValueError, match="clients must be >= 10, got 3"):
        demo.generate(clients=3)


def test_a_benchmark_sized_ledger_has_more_groups_than_surnames_and_still_generates():
    # about n // 35 groups: 35 x (surnames + 2) clients ask for two more groups than there are surnames
    clients = 35 * (len(demo.SURNAMES) + 2)
    frames = demo.generate(seed=3, clients=clients, years=1)
    assert frames["clients"]["client_id"].is_unique
    assert len(frames["clients"]) == clients
