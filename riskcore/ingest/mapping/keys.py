"""Header and cell text as comparison keys: `N° Facture ` and `NFACTURE` are one name."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd


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
