"""Messages the core hands to the reader: a catalogue key and its raw values, worded on display.

A score's reasons, a limit's factors and an evaluation's warnings are `Reason`s: the core keeps
the figures as they are (amounts, shares, day counts) and `Reason.text` words them in the reader's
language, each value formatted by its name (riskcore.i18n).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from riskcore import config, i18n

_DECIMALS = {"factor": 2, "auc": 3, "threshold": 2}  # other numbers are day and invoice counts


@dataclass(frozen=True)
class Reason:
    """A message key of scoring.yaml / limits.yaml and its raw values, worded on display."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The reason in `lang`, amounts, shares and day counts formatted for that language."""
        return i18n.t(self.key, lang, **{k: format_value(k, v, lang) for k, v in self.params.items()})


def format_value(name: str, value: object, lang: str | None) -> object:
    """Format a parameter by its name: *amount* as money, share as %, factor and AUC with decimals.

    Text and None pass through unchanged; any other number is a count, shown without decimals.
    """
    if isinstance(value, str) or value is None:
        return value
    if "amount" in name:
        return i18n.fmt_amount(float(value), lang, config.get().app.currency, decimals=0)
    if name == "share":
        return i18n.fmt_pct(float(value), lang, decimals=0)
    return i18n.fmt_number(float(value), lang, decimals=_DECIMALS.get(name, 0))
