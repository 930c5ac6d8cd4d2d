"""The sample upload files made from the demo ledger: French CSV, XLSX and the last year's FEC."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.demo.ledger import generate
from riskcore.demo.words import DEMO_END, DEMO_SIREN

SAMPLE_HEADERS = {
    "clients": (
        "Code client", "Raison sociale", "SIREN", "Code NAF", "Pays", "Région", "Segment", "Groupe", "Commercial",
        "Délai de paiement (jours)", "Fin de mois", "Limite de crédit", "Limite assurée", "Note externe", "Statut",
    ),
    "invoices": (
        "N° facture", "Code client", "Date facture", "Échéance", "Montant TTC", "Devise", "Litige",
        "Motif du litige", "Date de passage en perte",
    ),
    "payments": ("N° règlement", "Code client", "N° facture", "Date de règlement", "Montant"),
    "dunning": ("N° action", "Code client", "N° facture", "Date de relance", "Niveau", "Canal", "Résultat",
                "Date de promesse"),
}  # fmt: skip
SAMPLE_COLUMNS = {
    "clients": (
        "client_id", "name", "siren", "sector", "country", "region", "segment", "group_id", "sales_rep",
        "payment_terms_days", "terms_end_of_month", "credit_limit", "insured_limit", "external_rating", "status",
    ),
    "invoices": (
        "invoice_id", "client_id", "invoice_date", "due_date", "amount", "currency", "disputed", "dispute_reason",
        "write_off_date",
    ),
    "payments": ("payment_id", "client_id", "invoice_id", "payment_date", "amount"),
    "dunning": ("action_id", "client_id", "invoice_id", "action_date", "level", "channel", "outcome", "promise_date"),
}  # fmt: skip
FRAME_OF_KIND = {"clients": "clients", "invoices": "invoices", "payments": "payments", "dunning": "dunning_actions"}
STATUS_FR = {
    "active": "actif",
    "litigation": "contentieux",
    "collective_procedure": "procédure collective",
    "closed": "clos",
}
MONEY_COLUMNS = {"amount", "credit_limit", "insured_limit"}


def _french_text(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """A kind's canonical frame as the text a French ERP export holds (dd/mm/yyyy, 1234,56, oui/non)."""
    out = pd.DataFrame(index=frame.index)
    for col in SAMPLE_COLUMNS[kind]:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%d/%m/%Y")
        elif col in MONEY_COLUMNS:
            text = values.map(lambda v: "" if pd.isna(v) else f"{v:.2f}".replace(".", ","))
        elif pd.api.types.is_bool_dtype(values):
            text = values.map({True: "oui", False: "non"})
        elif col == "status":
            text = values.map(STATUS_FR)
        else:
            text = values.astype("str")
        out[col] = text.fillna("")
    out.columns = list(SAMPLE_HEADERS[kind])
    return out


def write_csv_samples(frames: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """clients.csv, invoices.csv, payments.csv, dunning.csv: `;`, decimal comma, Windows-1252, CRLF."""
    paths = []
    for kind, table in FRAME_OF_KIND.items():
        path = folder / f"{kind}.csv"
        text = _french_text(frames[table], kind)
        text.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
        paths.append(path)
    return paths


def _excel_cell(value: object) -> object:
    """A value xlsxwriter writes as a real Excel date, number, text or blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx_sample(frames: dict[str, pd.DataFrame], path: Path, lang: str = "fr") -> Path:
    """One sheet per kind below a merged title row; real Excel dates and numbers."""
    import xlsxwriter

    from riskcore.i18n import t

    with xlsxwriter.Workbook(str(path)) as book:
        # a fixed creation date keeps the committed file identical from one run to the next
        book.set_properties({"created": dt.datetime.combine(DEMO_END, dt.time())})
        title = book.add_format({"bold": True, "font_size": 14, "align": "left"})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        styles = {
            "date": book.add_format({"num_format": "dd/mm/yyyy"}),
            "money": book.add_format({"num_format": "#,##0.00"}),
        }
        for kind, table in FRAME_OF_KIND.items():
            frame = frames[table]
            sheet = book.add_worksheet(t(f"demo.sheet_{kind}", lang))
            columns = SAMPLE_COLUMNS[kind]
            sheet.merge_range(0, 0, 0, len(columns) - 1, t("demo.sample_title", lang), title)
            sheet.write_row(1, 0, SAMPLE_HEADERS[kind], header)
            for j, col in enumerate(columns):
                values = frame[col]
                if pd.api.types.is_bool_dtype(values):
                    values = values.map({True: "oui", False: "non"})
                elif col == "status":
                    values = values.map(STATUS_FR)
                style = (
                    "date"
                    if pd.api.types.is_datetime64_any_dtype(frame[col])
                    else ("money" if col in MONEY_COLUMNS else None)
                )
                sheet.set_column(j, j, 14 if style else max(10, min(34, len(SAMPLE_HEADERS[kind][j]) + 2)))
                sheet.write_column(2, j, [_excel_cell(v) for v in values.astype(object)], styles.get(style))
            sheet.freeze_panes(2, 0)
    return path


def last_fiscal_year(frames: dict[str, pd.DataFrame], first_day: date) -> dict[str, pd.DataFrame]:
    """The ledger of the fiscal year from `first_day`: what was open that morning becomes opening items.

    An opening item keeps its id, dates and write-off date, with its open amount as amount, so
    the year's payments still settle it and every balance from `first_day` on is unchanged.
    Unapplied cash is kept whatever its date (it has no invoice to carry it).
    """
    start = pd.Timestamp(first_day)
    invoices, payments = frames["invoices"], frames["payments"]
    before = payments[payments["payment_date"] < start].dropna(subset=["invoice_id"])
    allocated = _cents(before["amount"]).groupby(before["invoice_id"]).sum()
    old = invoices[(invoices["invoice_date"] < start) & ~(invoices["write_off_date"] < start)]
    left = _cents(old["amount"]) - old["invoice_id"].map(allocated).fillna(0).astype("int64")
    opening = old[left != 0].assign(amount=left[left != 0] / 100, opening=True)
    kept = payments[(payments["payment_date"] >= start) | payments["invoice_id"].isna()]
    return {
        "clients": frames["clients"],
        "invoices": pd.concat([opening, invoices[invoices["invoice_date"] >= start]], ignore_index=True),
        "payments": kept.reset_index(drop=True),
        "dunning_actions": frames["dunning_actions"][frames["dunning_actions"]["action_date"] >= start],
    }


def _cents(amounts: pd.Series) -> pd.Series:
    return (amounts * 100).round().astype("int64")


def write_fec_sample(frames: dict[str, pd.DataFrame], folder: Path, closing: date) -> Path:
    """The last fiscal year (to `closing`) as the FEC the accounting software would export: SIRENFECdate.txt."""
    from riskcore.ingest.fec import write_fec

    first_day = (pd.Timestamp(closing) + pd.Timedelta(days=1) - pd.DateOffset(years=1)).date()
    year = last_fiscal_year(frames, first_day)
    return write_fec(year, folder, siren=DEMO_SIREN, closing=closing)


def write_samples(folder: Path, seed: int = 42, clients: int = 400, years: int = 3) -> list[Path]:
    """The demo ledger as the upload files a new user can try: French CSV, XLSX and FEC."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = generate(seed=seed, clients=clients, years=years)
    paths = write_csv_samples(frames, folder)
    paths.append(write_xlsx_sample(frames, folder / "encours_demo.xlsx"))
    paths.append(write_fec_sample(frames, folder, DEMO_END))
    return paths
