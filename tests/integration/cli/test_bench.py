"""The benchmark runs every stage on a small generated ledger and loads what it generated."""

from __future__ import annotations

from riskcore import bench


def test_bench_runs_every_stage_and_loads_every_generated_invoice(tmp_path):
    result = bench.run(invoices=3000, work=tmp_path)
    generated = result["generate"]
    assert "error" not in generated
    # 3 000 invoices / (25 per client-year x 2 years) = 60 clients, the generator's scale
    assert generated["clients"] == 60
    for stage in bench.STAGES:
        assert "error" not in result[stage], result[stage]
    assert result["import_csv"]["rows_loaded"] == generated["invoices"]
    # the FEC holds the same invoices, give or take the odd document its reader splits or merges
    assert abs(result["import_fec"]["invoices_loaded"] - generated["invoices"]) <= generated["invoices"] * 0.01
    assert result["scoring"]["clients_scored"] > 0
    assert result["kpi"]["snapshot_warm_s"] > 0
    # one letter per step due, at most bench.LETTERS
    assert result["letters_500"]["letters"] == min(bench.LETTERS, result["collections_worklist"]["steps_due"])
    assert result["letters_500"]["letters"] > 0
    # issue 14: a sign-in with the right password (Argon2id), and a small write of the bench's process
    # begun once a CLI import of the invoices file holds the workspace: it waits, then goes through
    assert result["sign_in"]["sign_in_seconds"] > 0
    assert result["sign_in"]["argon2"].startswith("argon2id ")
    assert result["write_wait"]["import_exit"] == 0 and result["write_wait"]["busy"] is None
    assert result["write_wait"]["write_wait_seconds"] > 0
