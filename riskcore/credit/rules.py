"""Grades and the score rules of DOMAIN.md §7 (issue 5 §2–3).

A model score (100 × (1 − p)) is graded A–E by config scoring.grade_cutoffs, then the rules
apply in order: too little history in the workspace to learn from, too little history of the
client, the early warning, 91+ days past due, litigation or collective procedure. Each rule that
fires names itself and gives its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskcore import config
from riskcore.messages import Reason
from riskcore.receivables.breakdowns import DOUBTFUL_STATUSES


def grade_of(score: float) -> str:
    """The grade A–E of a score by scoring.grade_cutoffs (the minimum score of each grade)."""
    cutoffs = config.get().scoring.grade_cutoffs
    for grade in config.GRADES[:-1]:
        if score >= cutoffs[grade]:
            return grade
    return config.GRADES[-1]


def _ceiling(grade: str) -> float:
    """The highest score shown with `grade` (one decimal), so that a capped grade caps the score."""
    index = config.GRADES.index(grade)
    if index == 0:
        return 100.0
    return config.get().scoring.grade_cutoffs[config.GRADES[index - 1]] - 0.1


def _worse(a: str, b: str) -> str:
    return max(a, b, key=config.GRADES.index)


@dataclass(frozen=True)
class RuleOutcome:
    """A score after the rules of DOMAIN.md §7, with the reasons and codes of the rules that fired."""

    score: float
    grade: str
    reasons: tuple[Reason, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class RecentView:
    """The model's score of a client as if its last 3 months were its whole payment history.

    `outcomes`: invoices whose outcome became known in those 3 months (settled within late_days of
    the due date, or not), `late` of them late; `days`: amount-weighted days late of the invoices
    settled in those months, None when none was.
    """

    score: float
    outcomes: float
    late: float
    days: float | None


@dataclass(frozen=True)
class TrainingSize:
    """What the model of the workspace learnt from: invoice outcomes known, and the clients they are of."""

    outcomes: int
    clients: int

    def too_small(self) -> bool:
        """Below scoring.min_training_outcomes or scoring.min_training_clients: nothing to learn from."""
        cfg = config.get().scoring
        return self.outcomes < cfg.min_training_outcomes or self.clients < cfg.min_training_clients


def apply_rules(
    model_score: float,
    settled_invoices: float,
    max_days_past_due: float,
    status: str | None,
    recent: RecentView | None = None,
    training: TrainingSize | None = None,
) -> RuleOutcome:
    """DOMAIN.md §7 rules, in order: too little history, 91+ days past due, litigation or procedure.

    Between the first two, the early warning (config scoring.early_warning, README "Score"): with at
    least early_warning_min_outcomes outcomes known over the last 3 months, a recent view at least
    early_warning_min_points below the score replaces it. It only ever lowers a score.
    A capped grade caps the score just below the next grade's cut-off, so score and grade agree.

    Parameters
    ----------
    model_score
        The calibrated model's score, 100 × (1 − p_late), before any rule.
    settled_invoices
        How many of the client's invoices are settled: below scoring.min_settled_invoices the
        score is scoring.default_score.
    max_days_past_due
        Days past due of the client's oldest open invoice; 91 or more caps the grade at
        scoring.cap_grade_91_plus.
    status
        The client's status (`active`, `litigation`, `collective_procedure`; None reads as active):
        litigation or a collective procedure gives grade E and score 0.
    recent
        The model's score of the client's last 3 months (the early warning), None for none.
    training
        What the workspace's model learnt from, None for enough: when TrainingSize.too_small, the
        score is scoring.default_score whatever the model says (a model fitted on a handful of
        clients grades them at its extremes), and the early warning, which is the same model's,
        is not tried.

    Returns
    -------
    RuleOutcome
        The score (one decimal) and grade after the rules, the reasons of the rules that fired and
        their codes (`little_data`, `few_settled`, `early_warning`, `past_due_91_plus`, or the
        status), in order.
    """
    cfg = config.get().scoring
    score, reasons, fired = round(model_score, 1), [], []  # graded as shown, to one decimal
    little = training is not None and training.too_small()
    if little:
        score = cfg.default_score
        fired.append("little_data")
        params = {
            "outcomes": training.outcomes,
            "clients": training.clients,
            "min_outcomes": cfg.min_training_outcomes,
            "min_clients": cfg.min_training_clients,
            "score": cfg.default_score,
        }
        reasons.append(Reason("scoring.rule_little_data", params))
    if settled_invoices < cfg.min_settled_invoices:
        score = cfg.default_score
        fired.append("few_settled")
        params = {"count": settled_invoices, "min": cfg.min_settled_invoices, "score": cfg.default_score}
        reasons.append(Reason("scoring.rule_few_settled", params))
    if (
        cfg.early_warning
        and not little
        and recent is not None
        and recent.outcomes >= cfg.early_warning_min_outcomes
        and score - round(recent.score, 1) >= cfg.early_warning_min_points
    ):
        score = round(recent.score, 1)
        fired.append("early_warning")
        # outcomes known in (R - 90, R] are those of invoices due late_days to late_days + 90 days ago
        params = {
            "late": recent.late,
            "count": recent.outcomes,
            "from_days": cfg.late_days,
            "to_days": cfg.late_days + 90,
            "late_days": cfg.late_days,
        }
        if recent.days is None:  # nothing settled in those months: all its lateness is still unpaid
            reasons.append(Reason("scoring.rule_early_warning_unpaid", params))
        else:
            reasons.append(Reason("scoring.rule_early_warning", {**params, "days": recent.days}))
    grade = grade_of(score)
    if max_days_past_due >= 91:  # named even when the grade is already worse: it is a fact the manager needs
        grade = _worse(grade, cfg.cap_grade_91_plus)
        fired.append("past_due_91_plus")
        reasons.append(Reason("scoring.rule_91_plus", {"days": max_days_past_due, "grade": cfg.cap_grade_91_plus}))
    if status in DOUBTFUL_STATUSES:
        # Payment of earlier debts is frozen by law (procedure) or contested in court (litigation):
        # lateness is certain, so the score is the floor, not merely the top of grade E.
        grade, score = "E", 0.0
        fired.append(status)
        reasons.append(Reason(f"scoring.rule_{status}", {}))
    return RuleOutcome(round(min(score, _ceiling(grade)), 1), grade, tuple(reasons), tuple(fired))
