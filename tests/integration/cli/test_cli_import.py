"""`python -m riskcore import`: exit 0 with a summary, exit 2 with one line and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[3]

INVOICES = "N° facture;Code client;Date facture;Échéance;Montant TTC"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENCOURS_LANG": "en"}
    env.pop("ENCOURS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "riskcore", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def write_csv(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join([INVOICES, *rows]) + "\r\n").encode("cp1252"))
    return path


def count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def test_import_prints_a_summary_and_exits_0(tmp_path):
    path = write_csv(tmp_path, "factures.csv", ["F1;C1;15/01/2025;14/02/2025;1 200,00", "F2;C1;16/01/2025;;80,00"])
    db = tmp_path / "w.duckdb"
    done = run("import", str(path), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "factures.csv (invoices)" in done.stdout
    assert "rows read 2, loaded 2, rejected 0" in done.stdout
    assert count(db, "invoices") == 2


def test_import_in_french_prints_a_french_summary(tmp_path):
    path = write_csv(tmp_path, "factures.csv", ["F1;C1;15/01/2025;14/02/2025;1 200,00"])
    done = run("--lang", "fr", "import", str(path), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 0
    assert "lignes lues 1, chargées 1, rejetées 0" in done.stdout


def test_missing_file_exits_2_with_one_line_and_no_traceback(tmp_path):
    done = run("import", str(tmp_path / "absent.csv"), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "absent.csv" in done.stderr


def test_unrecognised_columns_exit_2_naming_the_file(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Auteur;Remarque\nPaul;rien\n", encoding="utf-8")
    done = run("import", str(path), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "notes.csv" in done.stderr and "--kind" in done.stderr


def test_refused_batch_exits_2_with_the_report_and_loads_nothing(tmp_path):
    path = write_csv(tmp_path, "factures.csv", ["F1;C1;15/01/2025;14/02/2025;1 200,00", "F2;C1;16/01/2025;;douze"])
    db = tmp_path / "w.duckdb"
    done = run("import", str(path), "--db", str(db))
    assert done.returncode == 2
    assert "factures.csv, row 3, column Montant TTC" in done.stdout
    assert "Import refused" in done.stdout
    assert count(db, "invoices") == 0


def test_open_items_take_the_as_of_option(tmp_path):
    path = tmp_path / "encours.csv"
    path.write_bytes(
        "N° facture;Code client;Date facture;Montant TTC;Reste dû\r\nF1;C1;15/01/2025;100,00;40,00\r\n".encode("cp1252")
    )
    db = tmp_path / "w.duckdb"
    done = run("import", str(path), "--db", str(db), "--as-of", "2025-10-31")
    assert done.returncode == 0, done.stderr
    assert count(db, "payments") == 1  # 100 - 40 = 60 paid by 31/10/2025
