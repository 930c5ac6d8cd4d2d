"""What cells say in words: client statuses, credit-note document types, dunning steps, terms."""

from __future__ import annotations

import pandas as pd

from riskcore.ingest.mapping.keys import normalise, normalised

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
