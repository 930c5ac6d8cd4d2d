"""DOMAIN §9's check cases for the next dunning step, on the default scenarios of config.yaml."""

from __future__ import annotations

import datetime as dt

import pytest

from riskcore import config
from riskcore.config.collections import ProfileRules
from riskcore.dunning.scenario import Done, OpenItem, next_step, payer_profile

DUE = dt.date(2026, 10, 1)


def day(n: int) -> dt.date:
    """The date n days after DUE (day 0 is the due date itself; negative before it)."""
    return DUE + dt.timedelta(days=n)


def step_at(profile: str, p: int, done: list[Done] = (), items: list[OpenItem] | None = None):
    """The next step of a client whose oldest open invoice (1 000, due DUE) is p days past due at day p."""
    scenario = config.get().collections.scenarios[profile]
    items = items if items is not None else [OpenItem("F1", DUE, 1000.0)]
    return next_step(items, done, day(p), scenario)


@pytest.mark.parametrize(
    ("profile", "p", "done", "action", "offset", "owner"),
    [
        # new: -5 email, +1 email, +10 letter, +20 call, +30 formal notice, +45 litigation
        ("new", 2, [], "reminder_email", 1, "collector"),  # reached -5 and +1: the last, +1
        ("new", -3, [], "reminder_email", -5, "collector"),  # only -5 reached, before the due date
        ("new", 40, [], "call", 20, "collector"),  # +30 formal notice, but no contact yet: the guard gives +20
        ("new", 40, [Done("call", day(21))], "formal_notice", 30, "credit_manager"),  # a contact since due
        ("new", 12, [Done("reminder_email", day(2))], "reminder_letter", 10, "collector"),
        ("good", 6, [], "reminder_email", 5, "collector"),  # good: +5 email
        ("chronic", 9, [], "call", 8, "sales_rep"),  # chronic: +8 call by the sales rep
        ("risky", -5, [], "call", -10, "sales_rep"),  # risky: -10 call by the sales rep
    ],
)
def test_domain_check_cases(profile, p, done, action, offset, owner):
    step = step_at(profile, p, done)
    assert (step.step.action, step.step.offset_days, step.step.owner) == (action, offset, owner)
    assert step.position == p


def test_a_good_client_six_days_late_gets_the_reminder_email_of_the_collector():
    step = step_at("good", 6)
    assert (step.step.action, step.step.owner, step.invoice_ids) == ("reminder_email", "collector", ("F1",))


def test_a_chronic_client_nine_days_late_with_both_emails_done_gets_the_sales_rep_call():
    # emails at day -5 (pre-due) and day 1; at p = 9 the +8 call is reached and not done
    done = [Done("reminder_email", day(-5)), Done("reminder_email", day(1))]
    step = step_at("chronic", 9, done)
    assert (step.step.action, step.step.offset_days, step.step.owner) == ("call", 8, "sales_rep")


def test_a_chronic_client_five_days_late_with_only_the_pre_due_email_gets_the_plus_one_email():
    # the -5 email was sent at day -5, before due + 1 - 1 = day 0: it does not count for the +1 step
    step = step_at("chronic", 5, [Done("reminder_email", day(-5))])
    assert (step.step.action, step.step.offset_days) == ("reminder_email", 1)


def test_a_done_step_is_not_due_again_until_the_next_one_is_reached():
    done = [Done("reminder_email", day(1))]  # the +1 email, sent on day 1 (>= day 0)
    assert step_at("chronic", 5, done) is None  # +1 is the last reached and it is done
    assert step_at("chronic", 8, done).step.action == "call"  # +8 reached


def test_a_new_client_forty_days_late_gets_a_call_then_the_formal_notice():
    assert step_at("new", 40).step.action == "call"  # the guard: a first contact is never a formal notice
    after_call = step_at("new", 40, [Done("call", day(40))])
    assert after_call.step.action == "formal_notice"


def test_a_risky_client_with_an_invoice_due_in_five_days_gets_the_pre_due_call_of_the_sales_rep():
    step = step_at("risky", -5)
    assert (step.step.action, step.step.owner, step.position) == ("call", "sales_rep", -5)


def test_disputed_and_promised_invoices_leave_the_scenario():
    items = [OpenItem("F1", DUE, 1000.0, disputed=True), OpenItem("F2", DUE, 500.0, promised=True)]
    assert step_at("good", 30, items=items) is None
    items.append(OpenItem("F3", day(10), 200.0))  # due day 10: 20 days past due at day 30
    step = step_at("good", 30, items=items)
    # only F3 acts: p = 20 reaches +5 email and +20 call; no contact yet, the call is not an escalation
    assert (step.invoice_ids, step.position, step.step.action, step.amount) == (("F3",), 20, "call", 200.0)


def test_one_action_covers_every_invoice_of_the_client():
    items = [OpenItem("F1", DUE, 1000.0), OpenItem("F2", day(3), 250.5), OpenItem("F9", day(60), 99.0)]
    step = step_at("good", 6, items=items)
    # F9 is due in 54 days and good has no pre-due step: F1 (6 days late) and F2 (3 days late) act
    assert (step.invoice_ids, step.amount, step.position) == (("F1", "F2"), 1250.5, 6)


RULES = ProfileRules()  # risky grades D, E; 91+ days; new below 3 settled; chronic above 15 days


@pytest.mark.parametrize(
    ("grade", "dpd", "status", "settled", "late", "profile"),
    [
        ("D", 0, None, 10, 0.0, "risky"),  # grade D
        ("B", 91, None, 10, 0.0, "risky"),  # an invoice 91 days past due
        ("A", 0, "collective_procedure", 10, 0.0, "risky"),
        ("A", 10, None, 2, 30.0, "new"),  # two settled invoices: new before chronic
        ("B", 10, None, 3, 15.5, "chronic"),  # 15.5 > 15
        ("B", 10, None, 3, 15.0, "occasional"),  # 15 is not above 15
        ("A", 0, None, 3, 0.0, "good"),
        (None, 0, None, 5, None, "good"),  # unscored, nothing settled in the window
    ],
)
def test_payer_profile_takes_the_first_rule_that_matches(grade, dpd, status, settled, late, profile):
    kwargs = {"max_days_past_due": dpd, "status": status, "settled_invoices": settled, "weighted_days_late": late}
    assert payer_profile(grade=grade, rules=RULES, **kwargs) == profile


def test_a_broken_promise_sends_the_client_to_the_step_after_the_last_one_done():
    # good: +5 email (sent on day 6), +20 call. A promise broke on day 18; at p = 18 the call is not
    # reached by its offset, but the client goes on to it at once.
    done = [Done("reminder_email", day(6))]
    assert step_at("good", 18, done) is None  # without the promise: nothing until day 20
    scenario = config.get().collections.scenarios["good"]
    step = next_step([OpenItem("F1", DUE, 1000.0)], done, day(18), scenario, resume_after=day(18))
    assert (step.step.action, step.step.offset_days) == ("call", 20)
    # once the call is recorded (day 19, after the break), the position rule applies again
    done.append(Done("call", day(19)))
    assert next_step([OpenItem("F1", DUE, 1000.0)], done, day(25), scenario, resume_after=day(18)) is None
