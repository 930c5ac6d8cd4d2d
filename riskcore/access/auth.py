"""Who may do what: roles from config.yaml, checked in the core, not only by hiding buttons."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from riskcore import config
from riskcore.errors import PermissionDenied

DEMO_USERS = {
    "viewer": "cfo@demo",
    "sales_rep": "sales.rep@demo",
    "collector": "collector@demo",
    "credit_manager": "credit.manager@demo",
    "admin": "admin@demo",
}
# Roles whose demo stand-in takes the name of a person of the ledger (a client's sales rep or
# collector): a sales rep records on their own clients only, which the core checks by that name.
PERSONAL_ROLES = ("sales_rep", "collector")


@dataclass(frozen=True)
class User:
    """A person acting on the workspace, with the role config.yaml gives them.

    `person` is the name the clients file gives them as sales rep or collector (a sales rep sees and
    records on those clients only); `source` says where they act from, for the audit log.
    """

    name: str
    role: str
    person: str | None = None
    source: str = "app"

    def can(self, action: str) -> bool:
        """Whether this user's role allows `action` (an entry of config.yaml's roles)."""
        return action in config.get().roles.get(self.role, ())

    @property
    def own_clients_only(self) -> bool:
        """A role with `view_own` rather than `view`: only the clients whose sales rep is `person`."""
        return not self.can("view") and self.can("view_own")

    @property
    def ledger_name(self) -> str:
        """The name to match against the clients file's sales_rep and collector columns."""
        return self.person or self.name


def require(user: User, action: str) -> None:
    """Raise PermissionDenied unless `user`'s role allows `action`."""
    if not user.can(action):
        raise PermissionDenied("auth.denied", user=user.name, role=user.role, action=action)


def demo_user(role: str, name: str | None = None) -> User:
    """The single-user demo mode's stand-in for a person holding `role` (named `name` when given)."""
    return User(name or DEMO_USERS[role], role, person=name)


def _cli_user() -> User:
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "unknown"
    return User(f"cli:{account}", "admin", source="cli")


# The command line is run by whoever may open the workspace file, so it acts as an administrator;
# the audit log names the operating-system account.
CLI_USER = _cli_user()
