"""What DESIGN.md promises of the CLI, written once for the tests that check it."""

# `kpi --json` prints one object with at least these keys (DESIGN.md, CLI contract).
DESIGN_KEYS = [
    "as_of", "total_outstanding", "not_due", "overdue_amount", "overdue_rate", "unapplied_cash", "aging",
    "dso_simple_90", "dso_countback", "bpdso_90", "add_90", "cei_90", "weighted_days_to_pay_365",
    "avg_days_late_365", "clients_with_outstanding", "top1_share", "top3_share", "top5_share", "top10_share",
    "hhi_outstanding", "top3_revenue_share_12m", "disputed_amount", "dunning_coverage_30", "loss_rate_12m",
    "invoices_paid_over_60_days_365", "late_penalties_due", "recovery_indemnities_due",
]  # fmt: skip
