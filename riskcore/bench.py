"""`python -m riskcore bench`: speed and peak memory of the hot paths on a generated ledger.

Each stage runs in a fresh process so that its peak resident memory is its own. The ledger
is the demo generator scaled up (about 25 invoices per client and year), written once as
the files a user would upload: a French-style CSV and a FEC. Issue 14 adds the time of a sign-in
(Argon2id) and how long a small write of this process waits while a CLI import holds the file.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

INVOICES_PER_CLIENT_YEAR = 25
YEARS = 2
FEC_LINES = 2_000_000  # issue 3: a 2-million-line FEC
FEC_LINES_PER_INVOICE = 4.9  # sale, VAT and revenue lines, payment and bank lines (measured on the demo)
LETTERS = 500  # issue 13: a day's batch of 500 letters
WARM_RUNS = 5  # a warm time is the median of this many runs: single runs on 2 cores vary by 10 % and more
BENCH_USER, BENCH_PASSWORD = "bench.manager", "a bench password, long enough"  # issue 14: sign-in at most 0.5 s


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return round(time.perf_counter() - start, 3), result


def _warm(func: Callable[[], object]) -> float:
    """The median time of WARM_RUNS runs of `func`, run once before (cold) by the caller."""
    return round(statistics.median(_timed(func)[0] for _ in range(WARM_RUNS)), 3)


# --- stages (each runs in its own process) ----------------------------------------------------


def _stage_generate(work: Path, invoices: int) -> dict:
    from riskcore import demo
    from riskcore.ingest.fec import write_fec

    clients = max(50, invoices // (INVOICES_PER_CLIENT_YEAR * YEARS))
    seconds, frames = _timed(lambda: demo.generate(seed=7, clients=clients, years=YEARS))
    for name, frame in frames.items():
        frame.to_parquet(work / f"{name}.parquet")
    inv = frames["invoices"]
    csv = inv.assign(
        invoice_date=inv["invoice_date"].map(lambda d: d.strftime("%d/%m/%Y")),
        due_date=inv["due_date"].map(lambda d: d.strftime("%d/%m/%Y")),
    )[["invoice_id", "client_id", "invoice_date", "due_date", "amount"]]
    csv.columns = ["N° facture", "Code client", "Date facture", "Échéance", "Montant TTC"]
    csv.to_csv(work / "invoices.csv", sep=";", decimal=",", index=False, encoding="cp1252")
    fec_seconds, _ = _timed(lambda: write_fec(_fec_share(frames, invoices), work / "123456789FEC20261031.txt"))
    with open(work / "123456789FEC20261031.txt", "rb") as fec:
        lines = sum(1 for _ in fec) - 1
    return {
        "clients": clients,
        "invoices": len(inv),
        "payments": len(frames["payments"]),
        "fec_lines": lines,
        "generate_s": seconds,
        "write_fec_s": fec_seconds,
        "peak_mb": _peak_mb(),
    }


def _fec_share(frames: dict, invoices: int) -> dict:
    """The clients whose ledger makes a FEC of about FEC_LINES lines (all of them for a small bench)."""
    share = min(1.0, FEC_LINES / (FEC_LINES_PER_INVOICE * max(invoices, 1)))
    ids = frames["clients"]["client_id"]
    kept = set(ids.iloc[: max(1, round(len(ids) * share))])
    return {name: frame[frame["client_id"].isin(kept)] for name, frame in frames.items()}


def _stage_import_csv(work: Path) -> dict:
    from riskcore.access.auth import CLI_USER
    from riskcore.ingest import import_files
    from riskcore.storage import schema
    from riskcore.storage.store import Store, row_count

    store = Store(work / "csv.duckdb")
    seconds, report = _timed(lambda: import_files(store, [work / "invoices.csv"], user=CLI_USER))
    rows = row_count(store.cursor(), schema.INVOICES)
    return {"import_csv_s": seconds, "rows_loaded": rows, "ok": report.ok, "peak_mb": _peak_mb()}


def _stage_import_fec(work: Path) -> dict:
    from riskcore.access.auth import CLI_USER
    from riskcore.ingest import import_files
    from riskcore.storage import schema
    from riskcore.storage.store import Store, row_count

    store = Store(work / "fec.duckdb")
    seconds, report = _timed(lambda: import_files(store, [work / "123456789FEC20261031.txt"], user=CLI_USER))
    rows = row_count(store.cursor(), schema.INVOICES)
    return {"import_fec_s": seconds, "invoices_loaded": rows, "ok": report.ok, "peak_mb": _peak_mb()}


def _load_workspace(work: Path):
    import pandas as pd

    from riskcore.storage import schema
    from riskcore.storage.store import Store, set_meta, write_ledger

    path = work / "full.duckdb"
    fresh = not path.exists()
    store = Store(path)
    if fresh:
        with store.transaction() as cur:
            frames = {t.name: pd.read_parquet(work / f"{t.name}.parquet") for t in schema.LEDGER_TABLES}
            write_ledger(cur, frames, replace=False)
            set_meta(cur, "dataset", "bench")
    return store


def _stage_kpi(work: Path) -> dict:
    from riskcore.receivables import kpi
    from riskcore.storage.store import last_date

    store = _load_workspace(work)
    con = store.cursor()
    as_of = last_date(con)
    cold_snap, _ = _timed(lambda: kpi.snapshot(con, as_of))
    warm_snap = _warm(lambda: kpi.snapshot(con, as_of))
    cold_series, _ = _timed(lambda: kpi.monthly_series(con, as_of, months=36))
    warm_series = _warm(lambda: kpi.monthly_series(con, as_of, months=36))
    warm_clients = _warm(lambda: kpi.by_client(con, as_of))
    return {
        "snapshot_cold_s": cold_snap,
        "snapshot_warm_s": warm_snap,
        "series36_cold_s": cold_series,
        "series36_warm_s": warm_series,
        "by_client_warm_s": warm_clients,
        "warm_runs": WARM_RUNS,
        "peak_mb": _peak_mb(),
    }


def _stage_scoring(work: Path) -> dict:
    from riskcore.credit.scores import client_scores
    from riskcore.storage.store import last_date

    store = _load_workspace(work)
    as_of = last_date(store.cursor())
    seconds, scores = _timed(lambda: client_scores(store, as_of))
    return {"features_train_score_s": seconds, "clients_scored": len(scores), "peak_mb": _peak_mb()}


def _stage_collections(work: Path) -> dict:
    from riskcore.credit.scores import client_scores
    from riskcore.dunning import daily
    from riskcore.storage.store import last_date

    store = _load_workspace(work)
    as_of = last_date(store.cursor())
    client_scores(store, as_of)  # the scores the worklist ranks by, fitted once as the app does
    # every run reads kpi.by_client and the ledger again; the scores come from client_scores' memory
    # (as a page's do once computed): scores_read_s shows that part is a read, not a fit
    cold, work_list = _timed(lambda: daily.today(store, as_of))
    warm = _warm(lambda: daily.today(store, as_of))
    scores = _warm(lambda: client_scores(store, as_of))
    return {"worklist_cold_s": cold, "worklist_warm_s": warm, "scores_read_s": scores, "steps_due": len(work_list),
            "peak_mb": _peak_mb()}  # fmt: skip


def _stage_letters(work: Path) -> dict:
    from riskcore.credit.scores import client_scores
    from riskcore.dunning import daily
    from riskcore.dunning.mail import batch_zip
    from riskcore.storage.store import last_date

    store = _load_workspace(work)
    as_of = last_date(store.cursor())
    client_scores(store, as_of)
    # the day's letters of the first LETTERS steps of the worklist, gathered (the worklist and the
    # batch's facts included) then rendered as one ZIP of PDFs and drafts; letters_s is the sum
    gather, letters = _timed(lambda: daily.todays_letters(store, as_of, limit=LETTERS))
    render, count = _timed(lambda: len(batch_zip(letters, work / "letters.zip")))
    return {"letters": count, "letters_s": round(gather + render, 3), "gather_s": gather, "render_s": render,
            "zip_mb": round((work / "letters.zip").stat().st_size / 2**20, 1), "peak_mb": _peak_mb()}  # fmt: skip


def _stage_sign_in(work: Path) -> dict:
    from riskcore.access import signin, users
    from riskcore.access.auth import CLI_USER

    store = _load_workspace(work)
    if users.get(store.cursor(), BENCH_USER) is None:
        users.add(store, CLI_USER, BENCH_USER, "credit_manager", BENCH_PASSWORD)
    # one sign-in with the right password: Argon2id's verification plus its audit row (median of runs)
    seconds = _warm(lambda: signin.sign_in(store, BENCH_USER, BENCH_PASSWORD))
    hasher = users.HASHER
    return {"sign_in_seconds": seconds, "warm_runs": WARM_RUNS,
            "argon2": f"argon2id t={hasher.time_cost} m={hasher.memory_cost}KiB p={hasher.parallelism}",
            "peak_mb": _peak_mb()}  # fmt: skip


def _probe_write(store) -> None:
    from riskcore.access import audit
    from riskcore.access.auth import CLI_USER

    with store.transaction(ledger=False) as cur:  # a small write: one audit row
        audit.write(cur, CLI_USER, "bench_probe", entity="bench")


def _stage_write_wait(work: Path) -> dict:
    from riskcore.errors import StorageError
    from riskcore.storage.store import Store

    path, wal = work / "wait.duckdb", work / "wait.duckdb.wal"
    for old in (path, wal):
        old.unlink(missing_ok=True)
    store = Store(path, scoped=True)  # the app's kind: the file is let go between units of work
    # a CLI import of the bench's invoices file into the workspace, from another process; this
    # process writes once the import has the file open (its WAL appears), and waits for it to finish
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "riskcore", "import", str(work / "invoices.csv"), "--db", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and not wal.exists():
        time.sleep(0.005)
    waited = store.waited
    try:
        write_s, _ = _timed(lambda: _probe_write(store))
        busy = None
    except StorageError as exc:  # the import held the file past storage.busy_timeout_seconds
        write_s, busy = None, exc.key
    waited = round(store.waited - waited, 3)
    _, errors = proc.communicate()
    import_s = round(time.perf_counter() - start, 3)  # the whole command, Python's start included
    store.close()
    return {"write_wait_seconds": waited, "write_s": write_s, "busy": busy, "import_seconds": import_s,
            "import_exit": proc.returncode, "import_error": (errors.strip().splitlines() or [None])[-1],
            "peak_mb": _peak_mb()}  # fmt: skip


STAGES: dict[str, Callable[..., dict]] = {
    "import_csv": _stage_import_csv,
    "import_fec": _stage_import_fec,
    "kpi": _stage_kpi,
    "scoring": _stage_scoring,
    "collections_worklist": _stage_collections,
    "letters_500": _stage_letters,
    "sign_in": _stage_sign_in,
    "write_wait": _stage_write_wait,
}


def _child(func: Callable[..., dict], args: tuple, queue: multiprocessing.Queue) -> None:
    try:
        queue.put(func(*args))
    except Exception as exc:  # reported as the stage's result, the other stages still run
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def _in_process(func: Callable[..., dict], *args: object) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(func, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def run(invoices: int = 1_000_000, stages: tuple[str, ...] = tuple(STAGES), work: Path | None = None) -> dict:
    """Generate a ledger of about `invoices` invoices and measure each stage in its own process."""
    with tempfile.TemporaryDirectory(prefix="encours-bench-") as tmp:
        folder = Path(work or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        result = {"started": dt.datetime.now().isoformat(timespec="seconds"), "python": sys.version.split()[0]}
        result["generate"] = _in_process(_stage_generate, folder, invoices)
        for name in stages:
            print(f"bench: {name}…", file=sys.stderr, flush=True)
            result[name] = _in_process(STAGES[name], folder)
        return result


def render_text(result: dict) -> str:
    lines = []
    for stage, values in result.items():
        if isinstance(values, dict):
            lines.append(f"{stage}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
        else:
            lines.append(f"{stage}: {values}")
    return "\n".join(lines)
