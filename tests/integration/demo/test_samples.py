"""Acceptance 2: the French CSV samples and the XLSX sample import into identical canonical tables."""

from __future__ import annotations

import pandas as pd
import pytest

from riskcore.access.auth import CLI_USER
from riskcore.demo import generate, write_samples
from riskcore.ingest import import_files
from riskcore.storage import schema
from riskcore.storage.store import Store

SEED, CLIENTS, YEARS = 7, 60, 1  # a small ledger: the same code path as the 400-client default


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The samples written once, then imported: CSV files into one workspace, the workbook into another."""
    folder = tmp_path_factory.mktemp("samples")
    paths = write_samples(folder, seed=SEED, clients=CLIENTS, years=YEARS)
    stores = {}
    reports = {}
    for name, suffix in (("csv", ".csv"), ("xlsx", ".xlsx")):
        stores[name] = Store(folder / f"{name}.duckdb")
        reports[name] = import_files(stores[name], [p for p in paths if p.suffix == suffix], user=CLI_USER)
    yield stores, reports
    for store in stores.values():
        store.close()


def table(store: Store, t: schema.Table) -> pd.DataFrame:
    return store.cursor().execute(f"SELECT * FROM {t.name} ORDER BY {t.key[0]}").df()


def test_every_sample_row_loads_without_problems(imported):
    _, reports = imported
    for report in reports.values():
        assert report.ok
        assert [f.kind for f in report.files] == ["clients", "invoices", "payments", "dunning"]
        assert all(f.rows_rejected == 0 and f.problem_counts == {} for f in report.files)


@pytest.mark.parametrize("t", schema.LEDGER_TABLES, ids=lambda t: t.name)
def test_csv_and_xlsx_samples_give_identical_tables(imported, t):
    stores, _ = imported
    csv, xlsx = table(stores["csv"], t), table(stores["xlsx"], t)
    assert len(csv) > 0
    pd.testing.assert_frame_equal(csv, xlsx)


@pytest.mark.parametrize("t", schema.LEDGER_TABLES, ids=lambda t: t.name)
def test_samples_give_back_the_generated_ledger(imported, t):
    # The generator is the oracle: what it wrote to the sample files must come back as it was,
    # for every column the sample files carry (demo.SAMPLE_COLUMNS).
    from riskcore.demo import SAMPLE_COLUMNS

    stores, _ = imported
    kind = {"dunning_actions": "dunning"}.get(t.name, t.name)
    columns = list(SAMPLE_COLUMNS[kind])
    expected = generate(seed=SEED, clients=CLIENTS, years=YEARS)[t.name]
    expected = expected.sort_values(t.key[0]).reset_index(drop=True)[columns]
    got = table(stores["csv"], t)[columns]
    for col in columns:
        want, have = expected[col], got[col]
        if pd.api.types.is_datetime64_any_dtype(want):
            # one time unit on both sides: the generator uses seconds, DuckDB dates arrive finer
            want, have = want.astype("datetime64[ns]"), pd.to_datetime(have).astype("datetime64[ns]")
        elif pd.api.types.is_float_dtype(want):
            have = pd.to_numeric(have).astype("float64")
        elif pd.api.types.is_bool_dtype(want):
            have = have.astype("bool")
        elif pd.api.types.is_integer_dtype(want):
            have = have.astype("int64")
        else:
            want, have = want.astype("str").where(want.notna()), have.astype("str").where(have.notna())
        pd.testing.assert_series_equal(have, want, check_names=False, check_dtype=False, obj=f"{t.name}.{col}")
