"""Who may do what: roles from config.yaml, checked in the core, not only by hiding buttons."""

from __future__ import annotations

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
    """A person acting on the workspace, with the role config.yaml gives them."""

    name: str
    role: str

    def can(self, action: str) -> bool:
        """Whether this user's role allows `action` (an entry of config.yaml's roles)."""
        return action in config.get().roles.get(self.role, ())


def require(user: User, action: str) -> None:
    """Raise PermissionDenied unless `user`'s role allows `action`."""
    if not user.can(action):
        raise PermissionDenied("auth.denied", user=user.name, role=user.role, action=action)


def demo_user(role: str, name: str | None = None) -> User:
    """The single-user demo mode's stand-in for a person holding `role` (named `name` when given)."""
    return User(name or DEMO_USERS[role], role)


def configured_user(email: str | None) -> User | None:
    """The person config.yaml's `users` lists under `email`, with their role; None when not listed."""
    for entry in config.get().users:
        if email and entry.name == email:
            return User(entry.name, entry.role)
    return None


CLI_USER = User("cli", "admin")  # the command line is run by whoever owns the workspace file
