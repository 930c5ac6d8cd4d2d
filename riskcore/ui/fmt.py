"""Cell formatters for tables: babel's symbols for the language, applied at table speed; and
`literal`, which makes a name, reason or note show as it is written in Streamlit Markdown.

Tables keep numeric columns (so they sort by value and stay right-aligned) and only their
display text is formatted. Calling babel per cell costs ~20 µs, too slow for thousands of
cells, so each formatter is built once from babel's own output for the language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache

import pandas as pd
from babel.dates import format_time
from babel.numbers import get_decimal_symbol, get_group_symbol

from riskcore import config
from riskcore.i18n import LOCALES, fmt_amount, fmt_date, fmt_number, fmt_pct

Formatter = Callable[[object], str]


def missing(value: object) -> bool:
    """True for None, NaN and pd.NA: an empty cell."""
    return value is None or value != value  # None, NaN, pd.NA


def _number(value: float, decimals: int, group: str, decimal: str) -> str:
    text = f"{abs(value):,.{decimals}f}".replace(",", "\x00").replace(".", decimal).replace("\x00", group)
    return ("-" if value < 0 and text.strip("0,. \u202f\xa0") else "") + text


@cache
def amount(lang: str, decimals: int = 0) -> Formatter:
    """`1 234 568 €` (fr) / `€1,234,568` (en), as i18n.fmt_amount writes it."""
    locale = LOCALES[lang]
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    currency = config.get().app.currency
    zero = fmt_number(0, lang, decimals)
    prefix, _, suffix = fmt_amount(0, lang, currency, decimals).partition(zero)

    def format_amount(value: object) -> str:
        if missing(value):
            return ""
        text = _number(float(value), decimals, group, decimal)  # type: ignore[arg-type]
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{prefix}{digits}{suffix}"

    return format_amount


@cache
def number(lang: str, decimals: int = 0) -> Formatter:
    """`1 234,5` (fr) / `1,234.5` (en)."""
    locale = LOCALES[lang]
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return lambda value: "" if missing(value) else _number(float(value), decimals, group, decimal)  # type: ignore[arg-type]


@cache
def pct(lang: str, decimals: int = 1) -> Formatter:
    """A fraction as `55,9 %` (fr) / `55.9%` (en)."""
    base = number(lang, decimals)
    _, _, suffix = fmt_pct(0, lang, decimals).partition(fmt_number(0, lang, decimals))
    return lambda value: "" if missing(value) else base(float(value) * 100) + suffix  # type: ignore[arg-type]


@cache
def date(lang: str) -> Formatter:
    """`31/12/2025`."""

    return lambda value: "" if missing(value) else fmt_date(value, lang)  # type: ignore[arg-type]


@cache
def datetime(lang: str) -> Formatter:
    """`31/10/2026 14:05`: the date as `date` writes it and the time per the language (babel)."""
    locale = LOCALES[lang]

    def format_datetime(value: object) -> str:
        if missing(value):
            return ""
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        return f"{fmt_date(stamp.date(), lang)} {format_time(stamp.to_pydatetime(), 'short', locale=locale)}"

    return format_datetime


# Every ASCII punctuation character may be backslash-escaped in CommonMark, and Streamlit's own
# syntax (`:red[...]`, `:material/x:`, `$...$`, `~~`) is made of them too; quotes carry no Markdown
# and Streamlit drops the backslash of `\\'` (streamlit#5513), so they are left as they are.
_MARKDOWN = re.compile("([" + re.escape("".join(c for c in string.punctuation if c not in "'\"")) + "])")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
# Streamlit turns bare addresses (`www.x.com`, `http://x`, `a@x.com`) into links and `<-`, `->`,
# `--`, `>=` into arrows and dashes on the text itself, whatever escapes it went through: a word
# joiner (U+2060, invisible, never a break) between the characters keeps them apart.
JOINER = "\u2060"
_TEXT_SYNTAX = re.compile(r"(?i)(?<=www)(?=\.)|(?=://)|(?=@)|(?<=[<>~-])(?=[-=>])")


def literal(text: object) -> str:
    """`text` escaped for Streamlit Markdown (st.markdown, st.caption, st.header, badges), so that it
    shows as written: a client named `**x**` is not bold, `[a](javascript:alert(1))` or `http://x`
    is not a link, `<script>` is text. Line breaks become spaces (one line of its element)."""
    if missing(text):
        return ""
    text = _TEXT_SYNTAX.sub(JOINER, _LINE_BREAK.sub(" ", str(text)))
    return _MARKDOWN.sub(r"\\\1", text)
