"""Which source header holds which canonical column, and which kind of file this is.

Headers are matched through a FR/EN synonym table after normalisation (accents, case,
spaces and punctuation removed), so `N° facture`, `No. Facture` and `NFACTURE` are one
name. A YAML mapping file or the Data page's corrections override what was guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from riskcore.errors import LedgerError
from riskcore.storage import schema

KINDS = ("clients", "invoices", "payments", "dunning")  # also the order a batch is written in

# Columns an export may carry that are not stored as such but drive the import:
# settlement/paid/remaining amounts become payments, a document type flips credit notes,
# an export date dates an open-items snapshot, a client name names a placeholder client.
EXTRAS: dict[str, dict[str, str]] = {
    "clients": {},
    "invoices": {
        "settled_date": "DATE",
        "paid_amount": schema.MONEY,
        "remaining_amount": schema.MONEY,
        "export_date": "DATE",
        "doc_type": "VARCHAR",
        "client_name": "VARCHAR",
    },
    "payments": {"client_name": "VARCHAR"},
    "dunning": {"client_name": "VARCHAR"},
}

# Columns that are never read from a file: derived, or set by the application.
_NOT_MAPPED = {"placeholder", "due_date_assumed"}

# fmt: off
_CLIENT_NAME = [
    "Raison sociale", "Nom", "Nom client", "Nom du client", "Dénomination", "Dénomination sociale", "Libellé client",
    "Intitulé", "Intitulé client", "Nom de la société", "Société", "CompAuxLib", "Client name", "Customer name",
    "Company", "Company name", "Name", "Account name", "Libellé compte",
]
_INVOICE_ID_EXPLICIT = [
    "N° facture", "No facture", "Numéro de facture", "Numéro facture", "N° de facture", "Num facture", "Réf facture",
    "Référence facture", "Facture", "invoiceNumber", "Invoice No", "Invoice number", "Invoice", "Invoice ID",
    "Invoice ref", "Invoice reference",
]
_SETTLED = [
    "Date de règlement", "Date de paiement", "Date d'encaissement", "Date règlement", "Date paiement",
    "Date encaissement", "Date de lettrage", "Date lettrage", "Réglée le", "Payée le", "SettledDate", "Settled date",
    "Settlement date", "Paid date", "Payment date", "Date paid", "Clearing date", "DateLet",
]

# canonical column -> synonyms, most specific first (an earlier synonym wins a header).
_COMMON: dict[str, list[str]] = {
    "client_id": [
        "Code client", "N° client", "No client", "Numéro client", "Numéro de client", "Compte client",
        "N° compte client", "Code tiers", "N° tiers", "Compte tiers", "Compte auxiliaire", "CompAuxNum", "ID client",
        "Identifiant client", "Réf client", "Référence client", "customerID", "Customer ID", "Customer code",
        "Customer number", "Customer No", "Customer account", "Client ID", "Client code", "Client number",
        "Account number", "Account No", "Account ID", "Debtor ID", "Debtor", "Sold-to", "Tiers", "Client", "Customer",
        "Compte", "Account",
    ],
    "client_name": _CLIENT_NAME,
}

_SYNONYMS: dict[str, dict[str, list[str]]] = {
    "clients": {
        "name": [*_CLIENT_NAME, "Client", "Customer"],
        "siren": [
            "SIREN", "N° SIREN", "Numéro SIREN", "Code SIREN", "SIRET", "N° SIRET", "Company registration number",
            "Registration number", "Company number", "Business ID",
        ],
        "sector": [
            "Code NAF", "NAF", "Code APE", "APE", "Code NAF/APE", "NAF code", "Secteur", "Secteur d'activité",
            "Activité", "Sector", "Industry", "Industry code", "NACE", "NACE code", "SIC", "SIC code",
        ],
        "country": ["Pays", "Code pays", "Country", "Country code", "countryCode"],
        "region": ["Région", "Region", "Zone géographique", "Zone", "Territoire", "Territory"],
        "segment": [
            "Segment", "Segment client", "Catégorie client", "Catégorie", "Type de client", "Type client",
            "Typologie", "Famille client", "Customer segment", "Customer type", "Customer category", "Category",
        ],
        "group_id": [
            "Groupe", "Code groupe", "Groupe client", "Maison mère", "Société mère", "Tête de groupe", "Holding",
            "Group", "Group ID", "Group code", "Parent", "Parent account", "Parent company",
        ],
        "sales_rep": [
            "Commercial", "Représentant", "Vendeur", "Chargé d'affaires", "Responsable commercial",
            "Chargé de clientèle", "Sales rep", "Salesperson", "Sales representative", "Account manager", "Rep",
        ],
        "payment_terms_days": [
            "Délai de paiement (jours)", "Délai de paiement", "Délai de règlement", "Délai", "Conditions de paiement",
            "Condition de paiement", "Conditions de règlement", "Condition de règlement", "Nb jours", "Jours",
            "Payment terms days", "Payment terms", "Terms days", "Terms", "Credit terms", "Net days",
        ],
        "terms_end_of_month": [
            "Fin de mois", "FDM", "Fin de mois (O/N)", "Délai fin de mois", "End of month", "EOM",
            "Terms end of month",
        ],
        "credit_limit": [
            "Limite de crédit", "Plafond", "Plafond de crédit", "Plafond d'encours", "Encours autorisé",
            "Encours maximum", "Limite d'encours", "Limite", "Credit limit", "Credit line", "Limit",
        ],
        "insured_limit": [
            "Limite assurée", "Encours assuré", "Montant garanti", "Garantie", "Agrément", "Limite assureur",
            "Couverture", "Assurance-crédit", "Assurance crédit", "Insured limit", "Insured amount",
            "Insurance limit", "Credit insurance", "Cover",
        ],
        "external_rating": [
            "Note externe", "Notation", "Cotation", "Cotation BdF", "Note Banque de France", "Score externe", "Note",
            "External rating", "Credit rating", "Rating", "Score",
        ],
        "status": ["Statut", "Statut client", "État", "Situation", "Status", "Account status", "Customer status"],
        "doubtful": ["Douteux", "Client douteux", "Créance douteuse", "Doubtful", "Doubtful debt"],
        "non_credit": ["Client comptant", "Comptant", "Non crédit", "Cash customer", "Cash sale", "Non credit"],
    },
    "invoices": {
        "invoice_id": [
            *_INVOICE_ID_EXPLICIT, "N° pièce", "No pièce", "Numéro de pièce", "N° document", "PieceRef",
            "Document number", "Document No", "Doc No", "Référence", "Réf", "Pièce", "Reference", "Ref",
        ],
        "invoice_date": [
            "Date facture", "Date de facture", "Date de pièce", "Date pièce", "Date d'émission", "Date émission",
            "Date de facturation", "Date document", "InvoiceDate", "Invoice date", "Document date", "Doc date",
            "Issue date", "Billing date", "PieceDate", "Date",
        ],
        "due_date": [
            "Échéance", "Date d'échéance", "Date échéance", "Date limite de paiement", "Date limite", "DueDate",
            "Due date", "Payment due date", "Net due date", "Maturity date", "Due",
        ],
        "amount": [
            "Montant TTC", "Montant", "Montant facture", "Montant de la facture", "Total TTC", "TTC",
            "Montant initial", "Montant d'origine", "Montant origine", "Net à payer", "InvoiceAmount",
            "Invoice amount", "Amount", "Total amount", "Gross amount", "Amount incl VAT", "Amount incl tax",
            "Original amount", "Document amount", "Total",
        ],
        "currency": ["Devise", "Monnaie", "Code devise", "Currency", "Currency code", "Curr", "Idevise"],
        "disputed": [
            "Litige", "En litige", "Litigieux", "Contesté", "Facture contestée", "Disputed", "Dispute", "In dispute",
            "Dispute flag",
        ],
        "dispute_reason": [
            "Motif du litige", "Motif litige", "Raison du litige", "Cause du litige", "Nature du litige",
            "Commentaire litige", "Dispute reason", "Reason for dispute", "Dispute code", "Dispute comment",
        ],
        "write_off_date": [
            "Date de passage en perte", "Date passage en perte", "Passage en perte", "Date de perte",
            "Date d'abandon", "Date irrécouvrable", "Date de créance irrécouvrable", "Write-off date",
            "Written off date", "WriteOffDate", "Bad debt date",
        ],
        "opening": ["À-nouveau", "A nouveau", "Report à nouveau", "Opening", "Opening balance"],
        "settled_date": _SETTLED,
        "paid_amount": [
            "Montant réglé", "Montant payé", "Montant encaissé", "Déjà réglé", "Réglé", "Paid amount", "Amount paid",
            "Paid",
        ],
        "remaining_amount": [
            "Reste dû", "Reste à payer", "Restant dû", "Solde", "Solde dû", "Montant restant", "Montant restant dû",
            "Montant ouvert", "Encours", "Open amount", "Balance", "Balance due", "Outstanding", "Outstanding amount",
            "Remaining amount", "Amount remaining", "Amount due", "Open balance",
        ],
        "export_date": [
            "Date d'export", "Date export", "Date d'extraction", "Date de situation", "Date de l'état",
            "Situation au", "Arrêté au", "Date d'arrêté", "Export date", "Extraction date", "Snapshot date",
            "Report date", "As of", "As of date",
        ],
        "doc_type": [
            "Type de pièce", "Type pièce", "Type de document", "Type document", "Sens", "Nature", "Type",
            "Document type", "Doc type", "Transaction type", "Invoice type",
        ],
    },
    "payments": {
        "payment_id": [
            "N° règlement", "No règlement", "Numéro de règlement", "N° de règlement", "Réf règlement",
            "Référence règlement", "N° paiement", "Numéro de paiement", "Référence paiement", "N° encaissement",
            "Payment ID", "Payment No", "Payment number", "Payment reference", "Receipt No", "Receipt number",
            "Transaction ID",
        ],
        "invoice_id": [*_INVOICE_ID_EXPLICIT, "N° pièce lettrée", "Pièce lettrée", "Applied to", "Applied invoice"],
        "payment_date": [
            *_SETTLED[:6], "Date de valeur", "Date valeur", "Payment date", "Paid date", "Date paid", "Receipt date",
            "Value date", "Settled date", "SettledDate", "Transaction date", "Date",
        ],
        "amount": [
            "Montant", "Montant réglé", "Montant payé", "Montant encaissé", "Montant du règlement", "Règlement",
            "Encaissement", "Amount", "Payment amount", "Paid amount", "Amount paid", "Received amount",
        ],
    },
    "dunning": {
        "action_id": [
            "N° action", "No action", "Numéro d'action", "N° relance", "Numéro de relance", "Réf relance",
            "Référence action", "Action ID", "Action No", "Dunning ID", "Reminder ID", "Reminder No",
        ],
        "invoice_id": _INVOICE_ID_EXPLICIT,
        "action_date": [
            "Date de relance", "Date relance", "Date d'action", "Date de l'action", "Date action", "Action date",
            "Dunning date", "Reminder date", "Date sent", "Date",
        ],
        "level": [
            "Niveau", "Niveau de relance", "Étape", "Palier", "Level", "Dunning level", "Reminder level", "Stage",
            "Step",
        ],
        "channel": [
            "Canal", "Moyen", "Mode de relance", "Type de relance", "Mode", "Channel", "Method", "Medium", "Type",
        ],
        "outcome": [
            "Résultat", "Issue", "Réponse", "Suite donnée", "Outcome", "Result", "Response", "Commentaire", "Comment",
            "Notes",
        ],
        "promise_date": [
            "Date de promesse", "Promesse de paiement", "Date promise", "Date de paiement promise", "Promesse",
            "Promise date", "Promised date", "Promise to pay date", "PTP date",
        ],
        "recorded_by": [
            "Auteur", "Saisi par", "Relanceur", "Gestionnaire", "Utilisateur", "Recorded by", "Agent", "Collector",
            "User", "Owner",
        ],
    },
}
# fmt: on

# What a kind needs; payment/action ids are generated when absent (see validate.py), a
# payment's client comes from its invoice, an open-items export may give only what is left.
REQUIRED: dict[str, tuple[str, ...]] = {
    "clients": ("client_id",),
    "invoices": ("invoice_id", "client_id", "invoice_date", "amount"),
    "payments": ("client_id", "payment_date", "amount"),
    "dunning": ("client_id", "action_date"),
}
_ALTERNATIVES = {
    ("invoices", "amount"): "remaining_amount",
    ("payments", "client_id"): "invoice_id",
    ("dunning", "client_id"): "invoice_id",
}


def normalise(text: str) -> str:
    """`N° Facture ` -> `nfacture`: no accents, lower case, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]", "", plain)


def normalised(values: pd.Series) -> pd.Series:
    """`normalise` of every cell, computed once per distinct value (a million rows repeat a few)."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    keys = np.array([normalise(u) for u in uniques] + [""], dtype=object)
    return pd.Series(keys[codes], index=values.index, dtype="str")


def _without_brackets(text: str) -> str:
    """`Montant (EUR)` -> `Montant `: units in brackets do not change what a column holds."""
    return re.sub(r"[(\[].*?[)\]]", "", str(text))


def columns(kind: str) -> dict[str, str]:
    """The columns a file of `kind` may map: canonical (with SQL type) then extras."""
    table = schema.KINDS[kind]
    cols = {c.name: c.sql_type for c in table.columns if c.name not in _NOT_MAPPED}
    return {**cols, **EXTRAS[kind]}


def synonyms(kind: str) -> dict[str, list[str]]:
    """Every mappable column of `kind` with its synonyms (client_id and names are shared)."""
    table = {**_COMMON, **_SYNONYMS[kind]}
    return {col: [*table.get(col, [col]), col] for col in columns(kind)}


@dataclass(frozen=True)
class HeaderMatch:
    """The columns found in one file for one kind."""

    kind: str
    mapping: dict[str, str]  # canonical column -> source header
    unmatched: list[str]

    @property
    def required_missing(self) -> list[str]:
        return missing_required(self.kind, self.mapping)

    @property
    def score(self) -> int:
        """Columns matched that belong to this kind alone (a client code is in every file)."""
        return sum(1 for c in self.mapping if c not in ("client_id", "client_name"))


def missing_required(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """Required columns of `kind` with no header (an accepted alternative counts)."""
    return [c for c in REQUIRED[kind] if c not in mapping and _ALTERNATIVES.get((kind, c)) not in mapping]


def match_headers(headers: Iterable[str], kind: str) -> HeaderMatch:
    """Assign headers to the columns of `kind`: the most specific synonym wins, one header each."""
    headers = [str(h) for h in headers]
    table = synonyms(kind)
    candidates: list[tuple[int, int, int, str, str]] = []
    for order, (col, names) in enumerate(table.items()):
        ranks: dict[str, int] = {}
        for rank, name in enumerate(names):
            ranks.setdefault(normalise(name), rank)
        for position, header in enumerate(headers):
            for penalty, key in ((0, normalise(header)), (1000, normalise(_without_brackets(header)))):
                if key and key in ranks:
                    candidates.append((ranks[key] + penalty, order, position, col, header))
                    break
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for *_, col, header in sorted(candidates):
        if col not in mapping and header not in taken:
            mapping[col] = header
            taken.add(header)
    unmatched = [h for h in headers if h not in taken]
    return HeaderMatch(kind, mapping, unmatched)


def resolve(
    headers: list[str], file_name: str, *, kind: str | None = None, overrides: Mapping[str, str | None] | None = None
) -> HeaderMatch:
    """The mapping to load with: `kind` if forced, else the kind whose required columns are all
    present and which matches most columns; the user's overrides are applied first."""
    if kind is not None and kind not in KINDS:
        raise LedgerError("ingest.bad_kind", file=file_name, kind=kind, kinds=", ".join(KINDS))
    matches = []
    for candidate in [kind] if kind else KINDS:
        match = match_headers(headers, candidate)
        if overrides:
            try:
                match = apply_overrides(match, overrides, file_name)
            except LedgerError:
                if kind or _fits(overrides, candidate):
                    raise
                continue  # the overrides name columns this kind does not have
        matches.append(match)
    if kind:
        missing = matches[0].required_missing
        if missing:
            raise LedgerError(
                "ingest.missing_columns",
                file=file_name,
                kind=kind,
                columns=", ".join(missing),
                headers=", ".join(headers),
            )
        return matches[0]
    eligible = [m for m in matches if not m.required_missing]
    if not eligible:
        raise LedgerError("ingest.unknown_kind", file=file_name, headers=", ".join(headers))
    best = max(m.score for m in eligible)
    top = [m for m in eligible if m.score == best]
    if len(top) > 1:
        raise LedgerError("ingest.ambiguous_kind", file=file_name, kinds=", ".join(m.kind for m in top))
    return top[0]


def _fits(overrides: Mapping[str, str | None], kind: str) -> bool:
    return all(col in columns(kind) for col in overrides)


def best_guess(headers: list[str]) -> HeaderMatch:
    """For a preview: the detected kind, or the closest one even when columns are missing."""
    matches = [match_headers(headers, kind) for kind in KINDS]
    return max(matches, key=lambda m: (not m.required_missing, m.score, -KINDS.index(m.kind)))


def apply_overrides(match: HeaderMatch, overrides: Mapping[str, str | None], file_name: str) -> HeaderMatch:
    """Put the user's choices over the guess: a header given to a column leaves any other."""
    allowed = columns(match.kind)
    headers = [*match.mapping.values(), *match.unmatched]
    mapping = dict(match.mapping)
    for col, header in overrides.items():
        if col not in allowed:
            raise LedgerError(
                "ingest.mapping_unknown_column", file=file_name, column=col, kind=match.kind, allowed=", ".join(allowed)
            )
        if not header:
            mapping.pop(col, None)
            continue
        if header not in headers:
            raise LedgerError(
                "ingest.mapping_missing_header", file=file_name, column=col, header=header, headers=", ".join(headers)
            )
        mapping = {c: h for c, h in mapping.items() if h != header}
        mapping[col] = header
    used = set(mapping.values())
    return HeaderMatch(match.kind, mapping, [h for h in headers if h not in used])


@dataclass(frozen=True)
class MappingFile:
    """A user's YAML mapping: `{kind: invoices, columns: {invoice_id: "Ref", ...}}`."""

    kind: str | None
    columns: dict[str, str]


def load_mapping_file(path: Path) -> MappingFile:
    """Read and check a mapping file; a bad one raises LedgerError naming it."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LedgerError("ingest.mapping_unreadable", file=str(path), error=str(exc).splitlines()[0]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
        raise LedgerError("ingest.mapping_bad_shape", file=str(path))
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise LedgerError("ingest.bad_kind", file=str(path), kind=kind, kinds=", ".join(KINDS))
    cols = {str(k): ("" if v is None else str(v)) for k, v in (raw.get("columns") or {}).items()}
    return MappingFile(kind, cols)


# --- values -----------------------------------------------------------------------------------

# fmt: off
_STATUS = {
    "active": ["actif", "active", "ok", "normal", "sain", "ouvert", "open", "en activité", "good", "current"],
    "litigation": [
        "contentieux", "litige", "en litige", "litigation", "in litigation", "recouvrement",
        "recouvrement judiciaire", "injonction de payer", "legal", "legal action", "in collection", "collections",
        "dispute", "disputed",
    ],
    "collective_procedure": [
        "procédure collective", "redressement", "redressement judiciaire", "RJ", "liquidation",
        "liquidation judiciaire", "LJ", "sauvegarde", "procédure de sauvegarde", "collective procedure",
        "collective_procedure", "insolvency", "insolvent", "bankruptcy", "bankrupt", "receivership", "administration",
        "chapter 11",
    ],
    "closed": [
        "clos", "close", "clôturé", "fermé", "fermée", "inactif", "inactive", "closed", "radié", "radiée", "dissous",
        "dissolved", "cessation", "archivé", "archived",
    ],
}
# fmt: on

_STATUS_LOOKUP = {normalise(word): status for status, words in _STATUS.items() for word in words}
# Longer free texts ("Client en redressement judiciaire depuis mars") by their telling stem.
_STATUS_STEMS = (
    ("collective_procedure", "redressement|liquidation|sauvegarde|procedurecollective|insolv|bankrupt"),
    ("litigation", "contentieux|litig|injonction"),
    ("closed", "clos|ferme|radie|inacti"),
    ("active", "actif|active"),
)


def normalise_status(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """FR/EN status words -> active / litigation / collective_procedure / closed; and the unknown ones."""
    keys = normalised(values)
    out = keys.map(_STATUS_LOOKUP)
    for status, stems in _STATUS_STEMS:
        todo = out.isna() & keys.ne("")
        out = out.mask(todo & keys.str.contains(stems, regex=True), status)
    unknown = out.isna() & keys.ne("")
    return out.astype("str").where(out.notna(), None), unknown


# fmt: off
_CREDIT_NOTE = {
    normalise(w)
    for w in (
        "avoir", "av", "avoir client", "credit note", "credit memo", "credit", "cr", "c", "cn", "note de crédit",
        "refund", "remboursement",
    )
}
# fmt: on


def credit_note_mask(values: pd.Series) -> pd.Series:
    """True where a document-type column says credit note (avoir, credit note, C in a Sens column)."""
    keys = normalised(values)
    return keys.isin(_CREDIT_NOTE) | keys.str.startswith("avoir") | keys.str.startswith("creditnote")


# fmt: off
_LEVELS = {
    1: [
        "relance", "relance 1", "1re relance", "1ère relance", "première relance", "premiere relance", "reminder",
        "first reminder", "reminder 1",
    ],
    2: ["relance 2", "2e relance", "2ème relance", "deuxième relance", "second reminder", "reminder 2"],
    3: ["appel", "relance téléphonique", "téléphone", "call", "phone call", "phone"],
    4: ["mise en demeure", "lettre de mise en demeure", "med", "formal notice", "final notice", "demand letter"],
    5: [
        "contentieux", "injonction de payer", "recouvrement judiciaire", "litigation", "legal action",
        "collection agency", "huissier", "avocat",
    ],
}
# fmt: on

_LEVEL_LOOKUP = {normalise(word): level for level, words in _LEVELS.items() for word in words}


def level_words(values: pd.Series) -> pd.Series:
    """Dunning steps written as words (`Mise en demeure`) -> level 1-5; NA where not a known word."""
    return normalised(values).map(_LEVEL_LOOKUP)


def terms_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`45 jours fin de mois`, `30 j net`, `60 days EOM` -> (days, end of month) per row."""
    text = values.fillna("").astype("str")
    days = pd.to_numeric(text.str.extract(r"(\d{1,3})", expand=False), errors="coerce")
    keys = normalised(text)
    eom = keys.str.contains("findemois|fdm|eom|endofmonth|fm", regex=True)
    return days, eom
