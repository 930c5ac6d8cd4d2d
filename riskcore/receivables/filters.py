"""Client filters (segment, sector, sales rep, region, group) applied by every KPI query."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from riskcore.access.auth import User, require
from riskcore.errors import PermissionDenied
from riskcore.storage import store
from riskcore.storage.store import Cursor

DIMENSIONS = ("segment", "sector", "sales_rep", "region", "group_id")


@dataclass(frozen=True)
class Filters:
    """Each field: the values kept; empty keeps every client."""

    segment: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    sales_rep: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    group_id: tuple[str, ...] = ()

    def params(self) -> dict[str, list[str]]:
        """Bind values for the `f_<dimension>` parameters of every KPI query."""
        return {f"f_{f.name}": list(getattr(self, f.name)) for f in fields(self)}

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NO_FILTERS = Filters()

# The SQL predicate that selects the filtered clients; KPI queries embed it as
#   WHERE client_id IN (SELECT client_id FROM filtered_clients($f_segment, ...))
# through the `filtered_clients` macro of riskcore/storage/macros/.


def visible_to(user: User, filters: Filters = NO_FILTERS) -> Filters:
    """The filters `user` reads through: a role with `view_own` (a sales rep) keeps only the clients whose
    sales_rep is theirs, whatever the sidebar asked; anyone else reads `filters` as given.

    Every page and export reads through the Context's filters, which the frame builds with this, so
    the row-level rule lives here and not in a page.
    """
    require_view(user)
    if not user.own_clients_only:
        return filters
    return replace(filters, sales_rep=(user.ledger_name,))


def require_view(user: User) -> None:
    """PermissionDenied unless the role may read the ledger at all (`view` or `view_own`)."""
    if not (user.can("view") or user.can("view_own")):
        require(user, "view")


def require_client(con: Cursor, user: User, client_id: str) -> None:
    """PermissionDenied when `user` may not read `client_id` (a sales rep and another rep's client)."""
    require_view(user)
    if not user.own_clients_only:
        return
    owner = store.rows(con, "client_sales_rep", client=client_id)
    if not owner or owner[0][0] != user.ledger_name:
        raise PermissionDenied("auth.not_your_client", user=user.name, client=client_id)


def keep_visible(con: Cursor, user: User, frame: pd.DataFrame, column: str = "client_id") -> pd.DataFrame:
    """The rows of `frame` whose `column` is a client `user` may read (all of them unless a sales rep)."""
    require_view(user)
    if not user.own_clients_only:
        return frame
    own = {r[0] for r in store.rows(con, "ledger_client_ids", **visible_to(user).params())}
    return frame[frame[column].isin(own)]
