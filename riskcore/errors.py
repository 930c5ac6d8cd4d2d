"""Errors meant for the user: each carries a message key and its values, translated on display."""

from __future__ import annotations

from riskcore.i18n import t


class EncoursError(ValueError):
    """A domain error whose message is meant for the user, in the user's language."""

    def __init__(self, message_key: str, /, **params: object) -> None:
        self.key = message_key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class ConfigError(EncoursError):
    """config.yaml holds a bad value; the message names the key and the value."""


class LedgerError(EncoursError):
    """The file cannot be read as a ledger; the message names the file (and row, column)."""


class PermissionDenied(EncoursError):
    """The user's role does not allow the action."""


class DecisionError(EncoursError):
    """A credit-limit decision that cannot be made as asked."""


class StorageError(EncoursError):
    """The workspace file cannot be used as asked: busy, missing, unreadable, read-only or full."""
