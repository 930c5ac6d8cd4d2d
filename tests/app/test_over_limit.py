"""Over limit, as the app shows it, is the core's rule (riskcore.credit.limits.alert), limit 0 included."""

from __future__ import annotations

import pandas as pd
from apptest_support import app, run, upload

from riskcore.credit import limits
from riskcore.ui import views


def test_a_blocked_account_with_a_positive_balance_is_over_its_limit_as_the_core_says():
    table = pd.DataFrame(
        {
            "client_id": ["ZERO", "HALF", "NONE", "OVER", "IDLE"],
            "balance": [100.0, 500.0, 200.0, 1500.0, 0.0],
            "credit_limit": [0.0, 1000.0, float("nan"), 1000.0, 0.0],
        }
    )
    # ZERO: limit 0 (a blocked account), balance 100 > 0: over (limits.alert -> (None, "over")).
    # HALF: 500 / 1 000 = 50 %, under the first alert: not over.  NONE: no limit, never over.
    # OVER: 1 500 / 1 000 = 150 % > 100 %: over.  IDLE: limit 0 but nothing owed: not over.
    # Largest balance first: OVER (1 500), then ZERO (100).
    assert views.limits_exceeded(table)["client_id"].tolist() == ["OVER", "ZERO"]
    assert limits.alert(100.0, 0.0) == (None, "over")
    pairs = zip(table["balance"], table["credit_limit"], strict=True)
    core = [limits.alert(balance, None if pd.isna(limit) else limit)[1] == "over" for balance, limit in pairs]
    assert views.over_limit(table).tolist() == core


# C1 has a limit of 0, C2 one of 5 000 (French clients file: `;`, decimal comma).
CLIENTS = "Code client;Raison sociale;Limite de crédit\nC1;Alpha SARL;0\nC2;Beta SA;5 000,00\n".encode()
# C1 owes 1 200 + 300, C2 2 500, none of it paid.
OPEN_ITEMS = (
    "Code client;N° facture;Date facture;Échéance;Montant TTC\n"
    "C1;F001;01/09/2026;01/10/2026;1 200,00\n"
    "C1;F002;15/09/2026;15/10/2026;300,00\n"
    "C2;F003;20/09/2026;20/11/2026;2 500,00\n"
).encode()


def test_the_overview_lists_a_client_with_a_limit_of_0_and_a_balance_as_over_its_limit(empty_workspace):
    at = run(app())
    upload(at, ("clients.csv", CLIENTS), ("open_items.csv", OPEN_ITEMS))
    assert [s.value for s in at.success] == ["Import done."]
    at.switch_page("pages/overview.py")
    run(at)
    # C1: balance 1 200 + 300 = 1 500 against a limit of 0: over (limits.alert). C2: 2 500 / 5 000 = 50 %:
    # not over. So one client, C1, where the old view copy (limit > 0 only) listed none.
    expanders = [e for e in at.expander if e.label == "1 client(s) above their credit limit"]
    assert len(expanders) == 1
    (table,) = expanders[0].dataframe
    assert list(table.value["Client"]) == ["client?client=C1"]
