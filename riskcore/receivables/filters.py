"""Client filters (segment, sector, sales rep, region, group) applied by every KPI query."""

from __future__ import annotations

from dataclasses import dataclass, fields

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
