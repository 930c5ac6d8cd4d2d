"""`worklist` and `letters` on the command line (issue 13 §3, §5), on the demo workspace."""

from __future__ import annotations

import csv
import json
import zipfile

from riskcore import cli

REQUIRED = {"client_id", "profile", "step", "action", "owner", "invoice_ids", "overdue", "amount_at_risk",
            "max_days_past_due"}  # fmt: skip


def test_worklist_json_has_one_object_per_client_ranked_by_amount_at_risk(db, capsys):
    assert cli.main(["worklist", "--db", db, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows, "the demo has steps due on its last day"
    assert set(rows[0]) >= REQUIRED
    assert len({r["client_id"] for r in rows}) == len(rows)  # one action per client
    risk = [r["amount_at_risk"] for r in rows]
    assert risk == sorted(risk, reverse=True)
    assert all(r["invoice_ids"] and r["action"] for r in rows)


def test_worklist_for_one_owner_and_as_csv(db, capsys, tmp_path):
    cli.main(["worklist", "--db", db, "--json"])
    everyone = json.loads(capsys.readouterr().out)
    assert cli.main(["worklist", "--db", db, "--owner", "collector", "--json"]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert mine == [r for r in everyone if r["owner"] == "collector"]
    out = tmp_path / "worklist.csv"
    assert cli.main(["worklist", "--db", db, "--csv", str(out)]) == 0
    with out.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(everyone)


def test_letters_writes_one_pdf_and_one_draft_per_step(db, capsys, tmp_path):
    cli.main(["worklist", "--db", db, "--json"])
    steps = json.loads(capsys.readouterr().out)
    out = tmp_path / "letters.zip"
    assert cli.main(["letters", "--db", db, "--out", str(out)]) == 0
    names = zipfile.ZipFile(out).namelist()
    assert sorted(n for n in names if n.endswith(".pdf")) == sorted(
        f"{r['client_id']}_{r['action']}.pdf" for r in steps
    )
    assert len([n for n in names if n.endswith(".eml")]) == len(steps)


def test_letters_for_an_unknown_step_is_refused_in_one_line(db, capsys, tmp_path):
    assert cli.main(["letters", "--db", db, "--step", "fax", "--out", str(tmp_path / "x.zip")]) == 2
    assert "fax" in capsys.readouterr().err
