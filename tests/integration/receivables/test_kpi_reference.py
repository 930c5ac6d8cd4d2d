"""Acceptance 2 of issue 4: every key of `kpi --json` on the demo ledger, at 5 dates, equals a second,
deliberately slow implementation written from DOMAIN.md's words, row by row over Python dicts.

The reference reads the raw tables and nothing else of riskcore but the settings of config.yaml:
no riskcore.receivables.kpi, riskcore.receivables.legal or SQL macro is called. Its definitions, from DOMAIN.md §2-5:
- open amount of an invoice at D: amount - payments allocated to it dated <= D, for invoices issued
  by D and not written off by D; outstanding = open amounts - unapplied cash dated <= D;
- an invoice is settled, as known at D, on the date of its last payment dated <= D once those
  payments cover its amount (and it was not written off first); days to pay / late are weighted
  by amount;
- penalties: each day after the due date at the rate of its half-year (ECB rate of 1 January or
  1 July + margin, at least multiple x legal rate), / 365, on the amount (or the open amount).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from design_contract import DESIGN_KEYS

from riskcore import config, demo
from riskcore.receivables import kpi
from riskcore.storage.store import write_ledger

DATES = [
    dt.date(2025, 3, 15),
    dt.date(2025, 8, 1),  # the 1st of a month: a countback on a single day of sales
    dt.date(2025, 12, 31),
    dt.date(2026, 6, 17),
    dt.date(2026, 10, 31),
]
EXTRA_KEYS = ("assumed_terms", "top3_warning", "pareto_80_count")


def _day(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class Reference:
    """The KPIs of DOMAIN.md computed invoice by invoice, payment by payment."""

    def __init__(self, con) -> None:
        self.cfg = config.get()
        self.clients = self._rows(con, "clients")
        self.invoices = self._rows(con, "invoices")
        self.payments = self._rows(con, "payments")
        self.actions = self._rows(con, "dunning_actions")
        self.paid_by_invoice = defaultdict(list)
        for p in self.payments:
            if p["invoice_id"] is not None:
                self.paid_by_invoice[p["invoice_id"]].append(p)

    @staticmethod
    def _rows(con, table: str) -> list[dict]:
        cursor = con.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # --- position ---------------------------------------------------------------------------
    def paid(self, invoice: dict, day: dt.date) -> Decimal:
        return sum((p["amount"] for p in self.paid_by_invoice[invoice["invoice_id"]] if p["payment_date"] <= day),
                   Decimal(0))  # fmt: skip

    def open_amount(self, invoice: dict, day: dt.date) -> Decimal | None:
        written_off = invoice["write_off_date"] is not None and invoice["write_off_date"] <= day
        if invoice["invoice_date"] > day or written_off:
            return None
        return invoice["amount"] - self.paid(invoice, day)

    def open_items(self, day: dt.date) -> list[tuple[dict, Decimal]]:
        items = []
        for invoice in self.invoices:
            amount = self.open_amount(invoice, day)
            if amount is not None and amount != 0:
                items.append((invoice, amount))
        return items

    def unapplied(self, day: dt.date, client: str | None = None) -> Decimal:
        return sum((p["amount"] for p in self.payments if p["invoice_id"] is None and p["payment_date"] <= day
                    and client in (None, p["client_id"])), Decimal(0))  # fmt: skip

    def outstanding(self, day: dt.date) -> Decimal:
        return sum((amount for _, amount in self.open_items(day)), Decimal(0)) - self.unapplied(day)

    @staticmethod
    def days_past_due(invoice: dict, day: dt.date) -> int | None:
        return None if invoice["due_date"] is None else (day - invoice["due_date"]).days

    def bucket(self, days: int | None) -> str:
        edges = self.cfg.aging.bucket_edges
        if days is None or days <= 0:
            return "not_due"
        low = 1
        for edge in edges:
            if days <= edge:
                return f"d{low}_{edge}"
            low = edge + 1
        return f"d{low}_plus"

    def sales(self, start: dt.date, end: dt.date, client: str | None = None) -> Decimal:
        """S(start, end]: invoiced amounts, credit notes included, opening balances left out."""
        return sum((i["amount"] for i in self.invoices if start < i["invoice_date"] <= end and not i["opening"]
                    and client in (None, i["client_id"])), Decimal(0))  # fmt: skip

    # --- settlement -------------------------------------------------------------------------
    def settle_date(self, invoice: dict, day: dt.date) -> dt.date | None:
        """As known at `day`: the last payment once the payments dated by then cover the amount."""
        payments = [p for p in self.paid_by_invoice[invoice["invoice_id"]] if p["payment_date"] <= day]
        if invoice["amount"] <= 0 or not payments:
            return None
        if sum(p["amount"] for p in payments) < invoice["amount"]:
            return None
        last = max(p["payment_date"] for p in payments)
        if invoice["write_off_date"] is not None and invoice["write_off_date"] <= last:
            return None
        return last

    def settled_in(self, start: dt.date, end: dt.date) -> list[tuple[dict, dt.date]]:
        out = []
        for invoice in self.invoices:
            settled = self.settle_date(invoice, end)
            if settled is not None and start < settled <= end:
                out.append((invoice, settled))
        return out

    # --- countback --------------------------------------------------------------------------
    def countback(self, day: dt.date, ar: Decimal) -> float | None:
        remaining, days = Decimal(ar), 0.0
        month_start, month_end = day.replace(day=1), day
        for m in range(self.cfg.kpi.countback_max_months):
            sold = self.sales(month_start - _day(1), month_end)
            if sold <= 0:
                return None if m == 0 else days
            length = (month_end - month_start).days + 1
            if remaining > sold:
                days += length
                remaining -= sold
            else:
                return days + length * float(remaining) / float(sold)
            month_end = month_start - _day(1)
            month_start = month_end.replace(day=1)
        return days

    # --- penalties --------------------------------------------------------------------------
    def rate(self, day: dt.date) -> float:
        start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
        legal = self.cfg.legal

        def in_force(rates) -> float:
            known = [r for r in rates if r.start <= start]
            return (known[-1] if known else rates[0]).rate

        return max(in_force(legal.ecb_rates) + legal.penalty_margin_points,
                   legal.legal_rate_floor_multiple * in_force(legal.legal_interest_rates))  # fmt: skip

    def penalty(self, base: Decimal, due: dt.date, end: dt.date) -> float:
        total, current = 0.0, due + _day(1)
        while current <= end:
            total += float(base) * self.rate(current) / 365
            current += _day(1)
        return total

    # --- the snapshot -----------------------------------------------------------------------
    def shares(self, amounts: list[Decimal]) -> list[float]:
        positive = sorted((a for a in amounts if a > 0), reverse=True)
        total = sum(positive, Decimal(0))
        return [float(a / total) for a in positive] if total > 0 else []

    def snapshot(self, day: dt.date) -> dict:
        k = self.cfg.kpi
        n = k.dso_days
        items = self.open_items(day)
        aging = {name: Decimal(0) for name in ("not_due", "d1_30", "d31_60", "d61_90", "d91_plus")}
        credits = Decimal(0)  # a credit note is never aged: what is left of it is an unapplied credit
        for invoice, amount in items:
            if invoice["amount"] < 0:
                credits -= amount
            else:
                aging[self.bucket(self.days_past_due(invoice, day))] += amount
        unapplied = self.unapplied(day)
        total = sum(aging.values(), Decimal(0)) - unapplied - credits
        not_due = aging["not_due"]
        overdue = sum(aging.values(), Decimal(0)) - not_due
        sales_n = self.sales(day - _day(n), day)
        dso = float(total / sales_n * n) if sales_n > 0 else None
        bpdso = float(not_due / sales_n * n) if sales_n > 0 else None
        ar_begin = self.outstanding(day - _day(n))
        cei_den = ar_begin + sales_n - not_due
        window = k.behaviour_window_days
        settled = self.settled_in(day - _day(window), day)
        settled_amount = sum((i["amount"] for i, _ in settled), Decimal(0))

        def weighted(days_of) -> float | None:
            if settled_amount <= 0:
                return None
            return float(sum((i["amount"] * days_of(i, s) for i, s in settled), Decimal(0)) / settled_amount)

        balances, overdue_by_client = defaultdict(Decimal), defaultdict(Decimal)
        for invoice, amount in items:
            balances[invoice["client_id"]] += amount
            days = self.days_past_due(invoice, day)
            if days is not None and days > 0 and invoice["amount"] >= 0:
                overdue_by_client[invoice["client_id"]] += amount
        for client in self.clients:
            balances[client["client_id"]] -= self.unapplied(day, client["client_id"])
        shares = self.shares(list(balances.values()))
        revenue_shares = self.shares([self.sales(day - _day(365), day, c["client_id"]) for c in self.clients])
        late_payers = [c["client_id"] for c in self.clients
                       if not c["non_credit"] and overdue_by_client[c["client_id"]] > 0]  # fmt: skip
        chased = {a["client_id"] for a in self.actions
                  if day - _day(k.dunning_coverage_days) < a["action_date"] <= day}  # fmt: skip
        lost = Decimal(0)
        for invoice in self.invoices:
            w = invoice["write_off_date"]
            if w is not None and day - _day(window) < w <= day and invoice["invoice_date"] <= w:
                lost += invoice["amount"] - self.paid(invoice, w)
        sales_window = self.sales(day - _day(window), day)
        penalties, late_invoices = 0.0, 0
        for invoice in self.invoices:
            amount = self.open_amount(invoice, day)
            due = invoice["due_date"]
            settled_on = self.settle_date(invoice, day)
            if amount is not None and amount > 0 and due < day:
                penalties += self.penalty(amount, due, day)
                late_invoices += 1
            elif settled_on is not None and day - _day(window) < settled_on <= day and settled_on > due:
                penalties += self.penalty(invoice["amount"], due, settled_on)
                late_invoices += 1

        def top(count: int) -> float:
            return sum(shares[:count]) if shares else 0.0

        cumulative, pareto = 0.0, 0
        for rank, share in enumerate(shares, start=1):
            cumulative += share
            if cumulative >= k.pareto_share - 1e-12:
                pareto = rank
                break
        return {
            "as_of": day,
            "total_outstanding": float(total),
            "not_due": float(not_due),
            "overdue_amount": float(overdue),
            "overdue_rate": float(overdue / total) if total > 0 else None,
            "unapplied_cash": float(unapplied),
            "unapplied_credits": float(credits),
            "aging": {name: float(amount) for name, amount in aging.items()},
            "dso_simple_90": dso,
            "dso_countback": self.countback(day, total),
            "bpdso_90": bpdso,
            "add_90": dso - bpdso if dso is not None else None,
            "cei_90": float((ar_begin + sales_n - total) / cei_den) if cei_den != 0 else None,
            "weighted_days_to_pay_365": weighted(lambda i, s: (s - i["invoice_date"]).days),
            "avg_days_late_365": weighted(lambda i, s: max(0, (s - i["due_date"]).days)),
            "clients_with_outstanding": sum(1 for b in balances.values() if b > 0),
            "top1_share": top(1),
            "top3_share": top(3),
            "top5_share": top(5),
            "top10_share": top(10),
            "hhi_outstanding": sum((100 * s) ** 2 for s in shares),
            "top3_revenue_share_12m": sum(revenue_shares[:3]) if revenue_shares else 0.0,
            "disputed_amount": float(sum((a for i, a in items if i["disputed"] and i["amount"] >= 0), Decimal(0))),
            "dunning_coverage_30": sum(1 for c in late_payers if c in chased) / len(late_payers)
            if late_payers
            else None,
            "loss_rate_12m": float(lost / sales_window) if sales_window > 0 else None,
            "invoices_paid_over_60_days_365": sum(
                1 for i, s in settled if (s - i["invoice_date"]).days > self.cfg.legal.paid_over_days
            ),
            "late_penalties_due": penalties,
            "recovery_indemnities_due": late_invoices * self.cfg.legal.recovery_indemnity,
            "assumed_terms": any(i["due_date_assumed"] for i, _ in items if i["amount"] >= 0),
            "top3_warning": top(3) >= k.concentration_warning_top3,
            "pareto_80_count": pareto,
        }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from riskcore.storage.store import Store

    store = Store(tmp_path_factory.mktemp("reference") / "demo.duckdb")
    frames = demo.generate(seed=42, clients=120, years=2)
    with store.transaction() as cur:
        write_ledger(cur, frames)
    yield store
    store.close()


@pytest.fixture(scope="module")
def reference(workspace):
    return Reference(workspace.cursor())


AMOUNTS = {"total_outstanding", "not_due", "overdue_amount", "unapplied_cash", "unapplied_credits", "disputed_amount",
           "late_penalties_due", "recovery_indemnities_due"}  # fmt: skip


@pytest.mark.parametrize("day", DATES, ids=str)
def test_every_snapshot_key_equals_the_row_by_row_reference(workspace, reference, day):
    snap = kpi.snapshot(workspace.cursor(), day)
    expected = reference.snapshot(day)
    assert set(DESIGN_KEYS) | set(EXTRA_KEYS) <= set(snap)
    for key, value in expected.items():
        got = snap[key]
        if key == "aging":
            assert got == {name: round(amount, 2) for name, amount in value.items()}, key
        elif key in AMOUNTS:
            assert got == round(value, 2), key  # both exact to the cent
        elif value is None or isinstance(value, (bool, int, dt.date)):
            assert got == value, key
        else:
            assert got == pytest.approx(value, rel=1e-9, abs=1e-9), key


def test_the_demo_dates_exercise_the_figures(reference):
    # guard against a reference that agrees because everything is empty or zero
    at_end = reference.snapshot(DATES[-1])
    assert at_end["total_outstanding"] > 0 and at_end["overdue_amount"] > 0 and at_end["unapplied_cash"] != 0
    assert at_end["late_penalties_due"] > 0 and at_end["dunning_coverage_30"] is not None
    assert any(reference.snapshot(day)["loss_rate_12m"] for day in DATES[2:])
