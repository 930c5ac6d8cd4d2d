"""The page context: what every page needs to read the core and speak to its reader.

Kept apart from riskcore.ui.frame (which draws the sidebar and builds it) so that the
cache wrappers of riskcore.ui.cached can take a Context without importing the frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from riskcore.access.auth import User
from riskcore.i18n import t
from riskcore.receivables.filters import Filters
from riskcore.storage.store import Store


@dataclass(frozen=True)
class Context:
    """What every page needs: the workspace, the reader's language and role, the as-of date and filters."""

    store: Store
    version: int
    lang: str
    user: User
    as_of: dt.date | None
    filters: Filters

    @property
    def db(self) -> str:
        return str(self.store.path)

    def t(self, key: str, /, **params: object) -> str:
        """A message of the ui catalogue (`ui.<key>`) in the reader's language."""
        return t(f"ui.{key}", self.lang, **params)
