"""The collections settings of config.yaml: payer profiles, dunning scenarios, letters, e-mail (DOMAIN §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ACTIONS = ("reminder_email", "reminder_letter", "call", "formal_notice", "credit_hold", "litigation")
OWNERS = ("collector", "sales_rep", "credit_manager")
PROFILES = ("risky", "new", "chronic", "occasional", "good")  # DOMAIN §9: the first that matches


@dataclass(frozen=True)
class Step:
    """One step of a dunning scenario: `offset_days` from the due date (negative: before it).

    `hold` puts the client on credit hold when the step is done ("formal notice with credit hold").
    """

    offset_days: int
    action: str
    owner: str
    template: str = ""  # the letter template's name; empty: the action's own
    hold: bool = False


C, R, M = "collector", "sales_rep", "credit_manager"
_OCCASIONAL = (
    Step(1, "reminder_email", C),
    Step(10, "reminder_letter", C),
    Step(20, "call", C),
    Step(30, "formal_notice", M),
    Step(45, "litigation", M),
)


def _default_scenarios() -> dict[str, tuple[Step, ...]]:
    """DOMAIN §9's default scenario of each payer profile."""
    return {
        "good": (
            Step(5, "reminder_email", C),
            Step(20, "call", C),
            Step(35, "formal_notice", M),
            Step(50, "litigation", M),
        ),
        "occasional": _OCCASIONAL,
        "chronic": (
            Step(-5, "reminder_email", C),
            Step(1, "reminder_email", C),
            Step(8, "call", R),
            Step(15, "formal_notice", M, hold=True),
            Step(30, "litigation", M),
        ),
        "risky": (
            Step(-10, "call", R),
            Step(1, "call", C, hold=True),
            Step(8, "formal_notice", M),
            Step(15, "litigation", M),
        ),
        "new": (Step(-5, "reminder_email", C), *_OCCASIONAL),
    }


def lead_days(scenarios: Mapping[str, Sequence[Step]]) -> int:
    """How many days before a due date the earliest pre-due step of any scenario starts (0 if none).

    The current dunning cycle of a client starts that many days before the earliest due date of its
    open invoices (DOMAIN §9): what its dunning status and the outstanding by step are read over.
    """
    return max(0, -min((s.offset_days for steps in scenarios.values() for s in steps), default=0))


@dataclass(frozen=True)
class ProfileRules:
    risky_grades: tuple[str, ...] = ("D", "E")
    risky_days_past_due: int = 91
    new_below_settled: int = 3
    chronic_days_late: float = 15.0
    window_days: int = 180


@dataclass(frozen=True)
class Smtp:
    """Sending letters by e-mail; off unless `host` is set. The password comes from `password_env`."""

    host: str = ""
    port: int = 587
    username: str = ""
    password_env: str = "ENCOURS_SMTP_PASSWORD"
    sender: str = ""
    starttls: bool = True


@dataclass(frozen=True)
class Collections:
    promise_grace_days: int = 3
    formal_notice_deadline_days: int = 8
    profiles: ProfileRules = field(default_factory=ProfileRules)
    scenarios: dict[str, tuple[Step, ...]] = field(default_factory=_default_scenarios)
    outcomes: tuple[str, ...] = ("reached", "voicemail", "unreachable", "invoice_not_received", "awaiting_approval",
                                 "in_payment", "payment_sent", "dispute")  # fmt: skip
    dispute_reasons: tuple[str, ...] = ("price", "quantity", "quality", "delivery", "invoice_not_received", "other")
    templates_dir: str = ""  # a folder of templates overriding riskcore/dunning/templates (same names)
    smtp: Smtp = field(default_factory=Smtp)


@dataclass(frozen=True)
class Company:
    """The creditor, as every letter names it."""

    name: str = "Encours Démo SAS"
    address: str = "1 rue de la Paix, 75002 Paris"
    siren: str = "000000000"
    contact: str = "recouvrement@example.fr"
    iban: str = ""
