"""French and English messages, and numbers and dates formatted per language with babel.

Catalogues live in riskcore/locales/<lang>/<domain>.yaml; a key is `<domain>.<key>`
(`ingest.bad_date`). One file per domain keeps each module's wording beside its owner.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_DIR = Path(__file__).parent / "locales"


def _flatten(prefix: str, node: object, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}", v, out)
    else:
        out[prefix] = str(node)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language, keyed `<domain>.<key>`."""
    out: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.yaml")):
        _flatten(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")) or {}, out)
    return out


# config.yaml's language, registered by riskcore.config when it is imported: i18n is the bottom
# of the house and imports no other module of riskcore (the contract test holds it to that).
_configured_language: Callable[[], str] | None = None


def register_default_language(provider: Callable[[], str]) -> None:
    """Let `provider` (config.yaml's app.default_language) choose the language when ENCOURS_LANG does not."""
    global _configured_language
    _configured_language = provider


def default_language() -> str:
    """The language of the CLI and of a new session: ENCOURS_LANG, else config.yaml."""
    lang = os.environ.get("ENCOURS_LANG")
    if lang in LANGUAGES:
        return lang
    try:
        return _configured_language() if _configured_language else "en"
    except Exception:  # a bad config is reported by its own message, in English
        return "en"


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message `key` in `lang`, with its {placeholders} filled; the key itself if unknown."""
    lang = lang if lang in LANGUAGES else default_language()
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def has(key: str, lang: str) -> bool:
    return key in catalogue(lang)


def _locale(lang: str | None) -> str:
    return LOCALES.get(lang or default_language(), "fr_FR")


def fmt_amount(value: float | Decimal | None, lang: str | None = None, currency: str = "EUR", decimals: int = 2) -> str:
    """`1 234 567,89 €` in French, `€1,234,567.89` in English; empty for a missing value."""
    if value is None or value != value:  # NaN
        return ""
    # babel's own French pattern puts a no-break space before the symbol: keep it without cents too
    pattern = None if decimals == 2 else ("#,##0\u00a0¤" if (lang or default_language()) == "fr" else "¤#,##0")
    return format_currency(value, currency, format=pattern, locale=_locale(lang), currency_digits=decimals == 2)


def fmt_number(value: float | Decimal | None, lang: str | None = None, decimals: int = 0) -> str:
    if value is None or value != value:
        return ""
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=fmt, locale=_locale(lang))


def fmt_pct(value: float | None, lang: str | None = None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.559 -> `55,9 %` in French."""
    if value is None or value != value:
        return ""
    # CLDR French puts a narrow no-break space before %, as it groups thousands
    sign = "\u202f%" if (lang or default_language()) == "fr" else "%"
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "") + sign
    return format_percent(value, format=fmt, locale=_locale(lang))


def fmt_date(value: dt.date | None, lang: str | None = None) -> str:
    """`31/12/2025` in French, `31/12/2025` in British English, as finance teams read it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="dd/MM/yyyy", locale=_locale(lang))
