"""The demo in a real workspace, and the sample upload files written from it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from riskcore import config, demo
from riskcore.storage import schema
from riskcore.storage.store import clear_ledger, write_frame

SMALL = {"seed": 3, "clients": 60, "years": 2}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.generate(**SMALL)


@pytest.fixture(scope="module")
def samples(tmp_path_factory, frames):
    folder = tmp_path_factory.mktemp("samples")
    return folder, demo.write_samples(folder, **SMALL)


def _table(store, name: str) -> pd.DataFrame:
    return store.cursor().execute(f"SELECT * FROM {name}").df()


@pytest.mark.parametrize("table", schema.LEDGER_TABLES, ids=lambda t: t.name)
def test_load_demo_writes_exactly_the_generated_rows(store, frames, table):
    demo.load_demo(store, **SMALL)
    stored = _table(store, table.name)
    expected = frames[table.name]
    key = table.key[0]
    if table is schema.DUNNING_ACTIONS:  # the replayed collections work (demo/collections.py) comes on top
        replayed = stored["action_id"].str.startswith("demo-")
        assert replayed.any() and stored.loc[replayed, "action"].notna().all()
        stored = stored[~replayed]
    assert len(stored) == len(expected)
    assert set(stored[key]) == set(expected[key])
    if "amount" in table.column_names:
        # DECIMAL(18,2) in the database against cents of the generated floats
        by_key = stored.set_index(key)["amount"].map(lambda d: round(float(d) * 100))
        assert by_key.sort_index().tolist() == (
            (expected.set_index(key)["amount"] * 100).round().astype(int).sort_index().tolist()
        )


def test_the_demo_plays_the_default_scenarios_out_over_its_last_weeks(store):
    demo.load_demo(store, **SMALL)
    con = store.cursor()
    replayed = con.execute(
        "SELECT min(action_date), max(action_date), count(DISTINCT action) FROM dunning_actions WHERE action IS NOT NULL"
    ).fetchall()[0]
    last = con.execute("SELECT max(invoice_date) FROM invoices").fetchall()[0][0]
    # ten weekly rounds, the last one a week before the ledger's last date
    assert replayed[0] >= last - dt.timedelta(days=7 * 10 + 7) and replayed[1] <= last
    assert replayed[2] >= 3  # e-mails, calls, notices...
    collectors = {r[0] for r in con.execute("SELECT DISTINCT collector FROM clients").fetchall()}
    assert collectors == {"Claire Dubois", "Hugo Lambert"}
    counts = con.execute("SELECT (SELECT count(*) FROM promises), (SELECT count(*) FROM credit_holds)").fetchall()[0]
    assert counts[0] > 0 and counts[1] > 0


def test_load_demo_marks_the_workspace_and_returns_a_summary(store, frames):
    summary = demo.load_demo(store, **SMALL)
    assert store.meta("dataset") == "demo"
    assert store.is_demo()
    last = max(
        frames["invoices"]["invoice_date"].max(),
        frames["payments"]["payment_date"].max(),
        frames["dunning_actions"]["action_date"].max(),
    )
    assert summary == {
        "clients": 60,
        "invoices": len(frames["invoices"]),
        "payments": len(frames["payments"]),
        "first": frames["invoices"]["invoice_date"].min().date().isoformat(),
        "last": last.date().isoformat(),
    }
    # two years ending October 2026 start on 1 November 2024; the last date is at most the end
    assert "2024-11-01" <= summary["first"] <= "2024-11-05"
    assert summary["last"] <= demo.DEMO_END.isoformat()


def test_load_demo_replaces_everything_that_was_there(store):
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame({"client_id": ["OLD1"], "name": ["Ancien client SARL"]}))
    demo.load_demo(store, seed=1, clients=20, years=1)
    demo.load_demo(store, seed=2, clients=30, years=1)
    clients = _table(store, "clients")
    assert len(clients) == 30
    assert "OLD1" not in set(clients["client_id"])
    assert len(_table(store, "invoices")) == len(demo.generate(seed=2, clients=30, years=1)["invoices"])


def test_load_demo_defaults_come_from_config(store):
    summary = demo.load_demo(store)
    assert summary["clients"] == config.get().demo.clients


def test_ensure_workspace_loads_the_demo_only_on_a_fresh_workspace(store):
    assert store.meta("dataset") is None
    assert demo.ensure_workspace(store) is True
    assert store.is_demo()
    version = store.data_version()
    assert demo.ensure_workspace(store) is False
    assert store.data_version() == version  # nothing rewritten


def test_ensure_workspace_leaves_a_cleared_workspace_empty(store):
    with store.transaction() as cur:
        clear_ledger(cur)  # the user's "clear" sets dataset='empty'
    assert demo.ensure_workspace(store) is False
    assert store.is_empty()


def test_ensure_workspace_never_overwrites_data_without_a_dataset_mark(store):
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame({"client_id": ["C9"], "name": ["Client importé SAS"]}))
    assert demo.ensure_workspace(store) is False
    assert _table(store, "clients")["client_id"].tolist() == ["C9"]


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("clients", "Code client;Raison sociale;SIREN;Code NAF;Pays;Région;Segment;Groupe;Commercial;"
                    "Délai de paiement (jours);Fin de mois;Limite de crédit;Limite assurée;Note externe;Statut"),
        ("invoices", "N° facture;Code client;Date facture;Échéance;Montant TTC;Devise;Litige;Motif du litige;"
                     "Date de passage en perte"),
        ("payments", "N° règlement;Code client;N° facture;Date de règlement;Montant"),
        ("dunning", "N° action;Code client;N° facture;Date de relance;Niveau;Canal;Résultat;Date de promesse"),
    ],
)  # fmt: skip
def test_csv_samples_are_french_windows_1252_with_crlf_and_the_agreed_headers(samples, kind, header):
    folder, _ = samples
    raw = (folder / f"{kind}.csv").read_bytes()
    text = raw.decode("cp1252")
    assert text.split("\r\n")[0] == header
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accented headers are single cp1252 bytes, not UTF-8


def test_invoice_csv_reads_back_to_the_generated_amounts_and_dates(samples, frames):
    folder, _ = samples
    text = pd.read_csv(folder / "invoices.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    expected = frames["invoices"]
    first = text.iloc[0]
    row = expected.iloc[0]
    assert first["Date facture"] == row["invoice_date"].strftime("%d/%m/%Y")
    assert first["Montant TTC"] == f"{row['amount']:.2f}".replace(".", ",")
    amounts = text["Montant TTC"].str.replace(",", ".").astype(float)
    assert round(amounts.sum(), 2) == round(expected["amount"].sum(), 2)
    assert set(text["Litige"]) == {"oui", "non"}
    assert (text["Litige"] == "oui").sum() == expected["disputed"].sum()


def test_client_csv_says_status_and_end_of_month_in_french(samples, frames):
    folder, _ = samples
    text = pd.read_csv(folder / "clients.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert set(text["Statut"]) <= {"actif", "contentieux", "procédure collective", "clos"}
    assert (text["Statut"] == "procédure collective").sum() == 1
    assert set(text["Fin de mois"]) == {"oui", "non"}
    assert text["SIREN"].tolist() == frames["clients"]["siren"].tolist()


def test_xlsx_sample_has_one_sheet_per_kind_with_a_title_row_real_dates_and_numbers(samples, frames):
    folder, paths = samples
    book = CalamineWorkbook.from_path(str(folder / "encours_demo.xlsx"))
    assert book.sheet_names == ["Clients", "Factures", "Règlements", "Relances"]
    rows = book.get_sheet_by_name("Factures").to_python()
    assert rows[0][0] == "Encours – données de démonstration"
    assert rows[1][:5] == ["N° facture", "Code client", "Date facture", "Échéance", "Montant TTC"]
    assert len(rows) - 2 == len(frames["invoices"])
    first = frames["invoices"].iloc[0]
    assert rows[2][2] == first["invoice_date"].date()
    assert isinstance(rows[2][2], dt.date)
    assert rows[2][4] == pytest.approx(first["amount"])
    assert {p.name for p in paths} >= {
        "clients.csv",
        "invoices.csv",
        "payments.csv",
        "dunning.csv",
        "encours_demo.xlsx",
    }


def _balances(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.Series:
    """Per client, in cents: open amounts − unapplied cash at `as_of` (DOMAIN.md §2 and §4, read plainly)."""
    invoices, payments = frames["invoices"], frames["payments"]
    paid = payments[payments["payment_date"] <= as_of]
    cents = (paid["amount"] * 100).round().astype("int64")
    allocated = cents[paid["invoice_id"].notna()].groupby(paid["invoice_id"]).sum()
    unapplied = cents[paid["invoice_id"].isna()].groupby(paid["client_id"]).sum()
    live = invoices[(invoices["invoice_date"] <= as_of) & ~(invoices["write_off_date"] <= as_of)]
    left = (live["amount"] * 100).round().astype("int64") - live["invoice_id"].map(allocated).fillna(0).astype("int64")
    balance = left.groupby(live["client_id"]).sum().sub(unapplied, fill_value=0)
    return balance[balance != 0].sort_index()


@pytest.mark.parametrize("as_of", ["2025-11-01", "2026-03-15", "2026-10-31"])
def test_last_fiscal_year_keeps_every_client_balance_from_its_first_day(frames, as_of):
    year = demo.last_fiscal_year(frames, dt.date(2025, 11, 1))
    day = pd.Timestamp(as_of)
    pd.testing.assert_series_equal(_balances(year, day), _balances(frames, day), check_names=False)
    assert year["invoices"]["opening"].fillna(False).astype(bool).any()
    assert (year["invoices"].loc[~year["invoices"]["opening"].fillna(False).astype(bool), "invoice_date"]
            >= pd.Timestamp("2025-11-01")).all()  # fmt: skip


def test_fec_sample_is_named_siren_fec_closing_and_its_client_accounts_sum_to_the_outstanding(samples, frames):
    folder, paths = samples
    fec = folder / f"{demo.DEMO_SIREN}FEC20261031.txt"
    assert fec in paths
    lines = pd.read_csv(fec, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(lines.columns[:3]) == ["JournalCode", "JournalLib", "EcritureNum"]
    client = lines[lines["CompteNum"].str.startswith(("411", "416"))]

    def cents(col: pd.Series) -> pd.Series:
        return col.str.replace(",", ".").replace("", "0").astype(float).mul(100).round().astype("int64")

    # Σ debit − Σ credit on the client accounts = Σ per-client balances at the closing date
    ledger = (cents(client["Debit"]) - cents(client["Credit"])).sum()
    assert ledger == _balances(frames, pd.Timestamp("2026-10-31")).sum()
    assert set(lines["JournalCode"]) >= {"AN", "VT", "BQ"}
