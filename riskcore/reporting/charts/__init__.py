"""Plotly figures of the dashboard, by subject: position and aging, series over time, concentration, credit.

No Streamlit here: each function takes frames from riskcore.receivables.kpi / scoring and the reader's
language and returns a figure, so charts can be tested and reused in reports. Callers read every
chart as `charts.<name>`; the theme (colours, axes, bucket and sector labels) is in `charts.theme`.
"""

from __future__ import annotations

from riskcore.reporting.charts.aging import aging_bars, aging_by_client, bars, breakdown_title, segment_bars
from riskcore.reporting.charts.concentration import pareto, top_shares, treemap
from riskcore.reporting.charts.credit import grade_counts, limits_scatter
from riskcore.reporting.charts.series import days_to_pay, days_trend, trend
from riskcore.reporting.charts.theme import (
    BUCKET_COLOURS,
    CATEGORY_COLOURS,
    GRADE_COLOURS,
    SERIES_COLOURS,
    bucket_colour,
    bucket_columns,
    bucket_label,
    is_bucket,
    sector_label,
)

__all__ = [
    "BUCKET_COLOURS", "CATEGORY_COLOURS", "GRADE_COLOURS", "SERIES_COLOURS", "aging_bars", "aging_by_client",
    "bars", "breakdown_title", "bucket_colour", "bucket_columns", "bucket_label", "days_to_pay", "days_trend",
    "grade_counts", "is_bucket", "limits_scatter", "pareto", "sector_label", "segment_bars", "top_shares",
    "treemap", "trend",
]  # fmt: skip
