"""config.yaml, validated once into frozen dataclasses.

A bad value raises ConfigError naming the key and the value, so start-up fails with a
message a finance user can act on instead of a traceback deep in a KPI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from riskcore import i18n
from riskcore.config.collections import ACTIONS, OWNERS, PROFILES, Collections, Company
from riskcore.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "config.yaml"
GRADES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class DatedRate:
    start: dt.date
    rate: float


@dataclass(frozen=True)
class App:
    workspace_name: str = "Encours"
    default_language: str = "fr"
    currency: str = "EUR"


@dataclass(frozen=True)
class Storage:
    path: str = "data/encours.duckdb"
    models_dir: str = "data/models"
    backups_dir: str = ""  # the automatic backups before a destructive action; empty: backups/ beside the workspace
    busy_timeout_seconds: float = 30.0  # how long a process waits for another one to release the file


@dataclass(frozen=True)
class Import:
    max_reject_rate: float = 0.05
    max_problems_reported: int = 50
    default_terms_days: int = 30
    max_uncompressed_mb: int = 500  # a workbook (a zip package) unpacking to more is refused: a zip bomb


@dataclass(frozen=True)
class Aging:
    bucket_edges: tuple[int, ...] = (30, 60, 90)


@dataclass(frozen=True)
class Kpi:
    dso_days: int = 90
    behaviour_window_days: int = 365
    countback_max_months: int = 24
    top_n: tuple[int, ...] = (1, 3, 5, 10)
    concentration_warning_top3: float = 0.40
    pareto_share: float = 0.80
    dunning_coverage_days: int = 30
    late_segment_edges: tuple[int, ...] = (0, 15, 30, 60)
    trend_recent_months: int = 3
    trend_prior_months: int = 9
    worsening_days: int = 10
    series_months: int = 24


@dataclass(frozen=True)
class Legal:
    max_terms_days: int = 60
    max_terms_eom_days: int = 45
    paid_over_days: int = 60
    recovery_indemnity: float = 40.0
    penalty_margin_points: float = 0.10
    legal_rate_floor_multiple: float = 3.0
    vat_rate: float = 0.20
    provision_rate_doubtful: float = 1.0
    ecb_rates: tuple[DatedRate, ...] = ()
    legal_interest_rates: tuple[DatedRate, ...] = ()


@dataclass(frozen=True)
class Scoring:
    late_days: int = 30
    min_settled_invoices: int = 3
    default_score: float = 50.0
    min_training_outcomes: int = 300
    min_training_clients: int = 30
    on_time_days: float = 5.0
    inactive_months: int = 12
    grade_cutoffs: dict[str, float] = field(default_factory=lambda: {"A": 80.0, "B": 65.0, "C": 50.0, "D": 35.0})
    cap_grade_91_plus: str = "D"
    early_warning: bool = True
    early_warning_min_outcomes: int = 3
    early_warning_min_points: float = 5.0
    leakage_auc_warning: float = 0.95
    min_evaluation_cases: int = 50


@dataclass(frozen=True)
class Limits:
    grace_days: int = 15
    grade_factors: dict[str, float] = field(default_factory=lambda: {"A": 1.5, "B": 1.2, "C": 1.0, "D": 0.5, "E": 0.0})
    max_limit: float = 500000.0
    rounding_step: float = 1000.0
    utilisation_alerts: tuple[float, ...] = (0.70, 0.90)
    approval_threshold_amount: float = 50000.0
    approval_threshold_increase: float = 0.50


@dataclass(frozen=True)
class Auth:
    """Sign-in (riskcore.access.signin): lockout after repeated failures, idle expiry, the demo mode."""

    max_failures: int = 5  # failed sign-ins within lockout_minutes that lock the account
    lockout_minutes: int = 15
    idle_minutes: int = 30  # a session without interaction for this long signs out
    demo_mode: bool = True  # with no users: the app runs without sign-in (a banner says so); false: it refuses
    min_password_length: int = 12


@dataclass(frozen=True)
class Demo:
    seed: int = 42
    clients: int = 400
    years: int = 3


@dataclass(frozen=True)
class Forecast:
    """The cash-in forecast (riskcore.credit.forecast): horizon, history, interval, promises."""

    weeks: int = 13
    max_weeks: int = 52
    history_weeks: int = 104
    behaviour_window_days: int = 365
    recent_window_days: int = 90
    max_days_past_due: int = 365
    min_training_events: int = 20
    interval: float = 0.80
    simulations: int = 4000
    seed: int = 0
    client_correlation: float = 0.5
    promise_kept_rate: float = 0.75
    min_resolved_promises: int = 10
    promise_window_days: int = 365
    backtest_origins: int = 12


@dataclass(frozen=True)
class Config:
    app: App = field(default_factory=App)
    storage: Storage = field(default_factory=Storage)
    import_: Import = field(default_factory=Import)
    aging: Aging = field(default_factory=Aging)
    kpi: Kpi = field(default_factory=Kpi)
    legal: Legal = field(default_factory=Legal)
    scoring: Scoring = field(default_factory=Scoring)
    limits: Limits = field(default_factory=Limits)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    auth: Auth = field(default_factory=Auth)
    demo: Demo = field(default_factory=Demo)
    forecast: Forecast = field(default_factory=Forecast)
    collections: Collections = field(default_factory=Collections)
    company: Company = field(default_factory=Company)

    @property
    def db_path(self) -> Path:
        """The workspace database: ENCOURS_DB, else storage.path relative to the project."""
        raw = os.environ.get("ENCOURS_DB") or self.storage.path
        path = Path(raw)
        return path if path.is_absolute() else ROOT / path

    @property
    def models_path(self) -> Path:
        path = Path(self.storage.models_dir)
        return path if path.is_absolute() else ROOT / path

    def backups_path(self, workspace: Path) -> Path:
        """Where the automatic backups of `workspace` go: storage.backups_dir, else backups/ beside it."""
        if not self.storage.backups_dir:
            return Path(workspace).resolve().parent / "backups"
        path = Path(self.storage.backups_dir)
        return path if path.is_absolute() else ROOT / path


# --- validation ----------------------------------------------------------------------------

_YAML_NAMES = {"import_": "import"}
_MAY_BE_EMPTY = (".template", ".templates_dir", ".host", ".username", ".sender", ".iban", ".backups_dir")


def _fail(key: str, value: object, expected: str) -> typing.NoReturn:
    raise ConfigError("config.bad_value", key=key, value=repr(value), expected=expected)


def _coerce(key: str, value: object, hint: object) -> object:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key)
    if hint is bool:
        if not isinstance(value, bool):
            _fail(key, value, "true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(key, value, "a whole number")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _fail(key, value, "a number")
        return float(value)
    if hint is str:
        if isinstance(value, str) and not value.strip() and key.endswith(_MAY_BE_EMPTY):
            return value
        if not isinstance(value, str) or not value.strip():
            _fail(key, value, "a non-empty text")
        return value
    if hint is dt.date:
        if not isinstance(value, dt.date):
            _fail(key, value, "a date YYYY-MM-DD")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            _fail(key, value, "a list")
        item = args[0]
        return tuple(_coerce(f"{key}[{i}]", v, item) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            _fail(key, value, "a mapping")
        return {str(k): _coerce(f"{key}.{k}", v, args[1]) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        return value
    raise AssertionError(f"unsupported config type {hint!r} at {key}")


def _build(cls: type, raw: object, prefix: str) -> object:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        _fail(prefix or "config.yaml", raw, "a mapping")
    hints = typing.get_type_hints(cls)
    names = {_YAML_NAMES.get(f.name, f.name): f.name for f in dataclasses.fields(cls)}
    if cls is DatedRate:
        names = {"from": "start", "rate": "rate"}
    unknown = sorted(set(raw) - set(names))
    if unknown:
        key = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        raise ConfigError("config.unknown_key", key=key)
    values = {}
    for yaml_name, attr in names.items():
        if yaml_name in raw:
            key = f"{prefix}.{yaml_name}" if prefix else yaml_name
            values[attr] = _coerce(key, raw[yaml_name], hints[attr])
        elif cls is DatedRate:
            _fail(f"{prefix}.{yaml_name}", None, "a value")
    return cls(**values)


def _check(cfg: Config) -> None:
    """Rules across keys that types alone cannot say."""

    def rule(ok: bool, key: str, value: object, expected: str) -> None:
        if not ok:
            _fail(key, value, expected)

    rule(cfg.app.default_language in ("fr", "en"), "app.default_language", cfg.app.default_language, "fr or en")
    rule(
        0 <= cfg.import_.max_reject_rate <= 1, "import.max_reject_rate", cfg.import_.max_reject_rate, "between 0 and 1"
    )
    rule(cfg.import_.default_terms_days >= 0, "import.default_terms_days", cfg.import_.default_terms_days, ">= 0")
    rule(cfg.import_.max_uncompressed_mb > 0, "import.max_uncompressed_mb", cfg.import_.max_uncompressed_mb, "> 0")
    edges = cfg.aging.bucket_edges
    rule(
        len(edges) >= 1 and all(a < b for a, b in itertools.pairwise(edges)) and edges[0] > 0,
        "aging.bucket_edges",
        list(edges),
        "increasing positive day counts",
    )
    seg = cfg.kpi.late_segment_edges
    rule(all(a < b for a, b in itertools.pairwise(seg)), "kpi.late_segment_edges", list(seg), "increasing day counts")
    rule(cfg.kpi.dso_days > 0, "kpi.dso_days", cfg.kpi.dso_days, "> 0")
    rule(
        0 < cfg.kpi.concentration_warning_top3 <= 1,
        "kpi.concentration_warning_top3",
        cfg.kpi.concentration_warning_top3,
        "between 0 and 1",
    )
    rule(cfg.scoring.late_days >= 0, "scoring.late_days", cfg.scoring.late_days, ">= 0")
    cut = cfg.scoring.grade_cutoffs
    rule(set(cut) == set(GRADES[:-1]), "scoring.grade_cutoffs", cut, "A, B, C and D")
    rule(
        all(cut[a] > cut[b] for a, b in itertools.pairwise(GRADES[:4])) if set(cut) == set(GRADES[:-1]) else True,
        "scoring.grade_cutoffs",
        cut,
        "decreasing from A to D",
    )
    rule(
        cfg.scoring.cap_grade_91_plus in GRADES,
        "scoring.cap_grade_91_plus",
        cfg.scoring.cap_grade_91_plus,
        "a grade A-E",
    )
    outcomes, points = cfg.scoring.early_warning_min_outcomes, cfg.scoring.early_warning_min_points
    rule(outcomes >= 1, "scoring.early_warning_min_outcomes", outcomes, ">= 1")
    rule(points >= 0, "scoring.early_warning_min_points", points, ">= 0")
    sc = cfg.scoring
    rule(sc.min_training_outcomes >= 0, "scoring.min_training_outcomes", sc.min_training_outcomes, ">= 0")
    rule(sc.min_training_clients >= 0, "scoring.min_training_clients", sc.min_training_clients, ">= 0")
    rule(sc.on_time_days >= 0, "scoring.on_time_days", sc.on_time_days, ">= 0")
    rule(sc.inactive_months >= 1, "scoring.inactive_months", sc.inactive_months, ">= 1")
    rule(set(cfg.limits.grade_factors) == set(GRADES), "limits.grade_factors", cfg.limits.grade_factors, "A to E")
    rule(
        all(v >= 0 for v in cfg.limits.grade_factors.values()), "limits.grade_factors", cfg.limits.grade_factors, ">= 0"
    )
    rule(cfg.limits.rounding_step > 0, "limits.rounding_step", cfg.limits.rounding_step, "> 0")
    rule(cfg.limits.max_limit > 0, "limits.max_limit", cfg.limits.max_limit, "> 0")
    for name in ("ecb_rates", "legal_interest_rates"):
        rates = getattr(cfg.legal, name)
        rule(len(rates) > 0, f"legal.{name}", [], "at least one dated rate")
        starts = [r.start for r in rates]
        rule(starts == sorted(starts), f"legal.{name}", [str(s) for s in starts], "dates in increasing order")
        for i, r in enumerate(rates):
            rule(0 <= r.rate < 1, f"legal.{name}[{i}].rate", r.rate, "a fraction between 0 and 1 (0.0215 for 2.15 %)")
    for role, actions in cfg.roles.items():
        rule(bool(actions), f"roles.{role}", list(actions), "a list of actions")
    col = cfg.collections
    rule(col.promise_grace_days >= 0, "collections.promise_grace_days", col.promise_grace_days, ">= 0")
    rule(set(col.scenarios) == set(PROFILES), "collections.scenarios", sorted(col.scenarios), f"one per {PROFILES}")
    for profile, steps in col.scenarios.items():
        key = f"collections.scenarios.{profile}"
        rule(bool(steps), key, [], "at least one step")
        offsets = [s.offset_days for s in steps]
        rule(offsets == sorted(offsets), key, offsets, "steps in the order of their offsets")
        for i, step in enumerate(steps):
            rule(step.action in ACTIONS, f"{key}[{i}].action", step.action, f"one of {list(ACTIONS)}")
            rule(step.owner in OWNERS, f"{key}[{i}].owner", step.owner, f"one of {list(OWNERS)}")
    rule(cfg.storage.busy_timeout_seconds > 0, "storage.busy_timeout_seconds", cfg.storage.busy_timeout_seconds, "> 0")
    for key in ("max_failures", "lockout_minutes", "idle_minutes", "min_password_length"):
        value = getattr(cfg.auth, key)
        rule(value >= 1, f"auth.{key}", value, ">= 1")
    fc = cfg.forecast
    rule(1 <= fc.max_weeks <= 104, "forecast.max_weeks", fc.max_weeks, "between 1 and 104")
    rule(1 <= fc.weeks <= fc.max_weeks, "forecast.weeks", fc.weeks, f"between 1 and {fc.max_weeks}")
    rule(fc.history_weeks >= 4, "forecast.history_weeks", fc.history_weeks, ">= 4")
    for key in ("behaviour_window_days", "recent_window_days", "max_days_past_due", "promise_window_days"):
        rule(getattr(fc, key) >= 7, f"forecast.{key}", getattr(fc, key), ">= 7")
    for key in ("min_training_events", "min_resolved_promises", "backtest_origins"):
        rule(getattr(fc, key) >= 1, f"forecast.{key}", getattr(fc, key), ">= 1")
    rule(0 < fc.interval < 1, "forecast.interval", fc.interval, "a fraction between 0 and 1 (0.80 for 80 %)")
    rule(fc.simulations >= 100, "forecast.simulations", fc.simulations, ">= 100")
    rule(fc.seed >= 0, "forecast.seed", fc.seed, ">= 0")
    rule(0 <= fc.client_correlation < 1, "forecast.client_correlation", fc.client_correlation, "between 0 and 1")
    rule(0 <= fc.promise_kept_rate <= 1, "forecast.promise_kept_rate", fc.promise_kept_rate, "between 0 and 1")


def parse(raw: object) -> Config:
    """Build and validate a Config from the parsed YAML document."""
    cfg = _build(Config, raw, "")
    _check(cfg)
    return cfg  # type: ignore[return-value]


def load(path: str | Path | None = None) -> Config:
    """Read config.yaml (or ENCOURS_CONFIG, or `path`) and validate it."""
    path = Path(path or os.environ.get("ENCOURS_CONFIG") or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("config.missing", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError("config.unreadable", path=str(path), error=str(exc).splitlines()[0]) from None
    return parse(raw)


@lru_cache(maxsize=1)
def get() -> Config:
    """The configuration of this process, loaded once."""
    return load()


i18n.register_default_language(lambda: get().app.default_language)
