"""The canonical tables of DOMAIN.md §1: one place for their columns and DuckDB types.

Every importer produces pandas frames with exactly these columns (missing optional
columns are NULL); `riskcore.storage.store` creates the tables from the same definitions, so a
column added here reaches the database through a migration and every reader at once.
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY = "DECIMAL(18,2)"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool = False  # a row without it is rejected by validation


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _c(name: str, sql_type: str, required: bool = False) -> Column:
    return Column(name, sql_type, required)


CLIENTS = Table(
    "clients",
    (
        _c("client_id", "VARCHAR", True),
        _c("name", "VARCHAR"),
        _c("siren", "VARCHAR"),
        _c("sector", "VARCHAR"),  # NAF code
        _c("country", "VARCHAR"),
        _c("region", "VARCHAR"),
        _c("segment", "VARCHAR"),
        _c("group_id", "VARCHAR"),
        _c("sales_rep", "VARCHAR"),
        _c("collector", "VARCHAR"),  # who chases the client (chargé de recouvrement)
        _c("language", "VARCHAR"),  # fr / en: the language of its letters (default app.default_language)
        _c("email", "VARCHAR"),  # where its dunning e-mails go (accounts payable)
        _c("payment_terms_days", "INTEGER"),
        _c("terms_end_of_month", "BOOLEAN"),
        _c("credit_limit", MONEY),
        _c("insured_limit", MONEY),
        _c("external_rating", "VARCHAR"),
        _c("status", "VARCHAR"),  # active / litigation / collective_procedure / closed
        _c("doubtful", "BOOLEAN"),  # FEC account 416, or flagged by the user
        _c("non_credit", "BOOLEAN"),  # cash/card takings: kept in balances, not scored
        _c("placeholder", "BOOLEAN"),  # created because an invoice named an unknown client
    ),
    key=("client_id",),
)

INVOICES = Table(
    "invoices",
    (
        _c("invoice_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("invoice_date", "DATE", True),
        _c("due_date", "DATE"),
        _c("due_date_assumed", "BOOLEAN"),  # derived from terms, not read from the file
        _c("amount", MONEY, True),  # TTC; credit notes negative
        _c("currency", "VARCHAR"),
        _c("disputed", "BOOLEAN"),
        _c("dispute_reason", "VARCHAR"),
        _c("write_off_date", "DATE"),
        _c("opening", "BOOLEAN"),  # opening balance (FEC à-nouveaux): an open item, not revenue
    ),
    key=("invoice_id",),
)

PAYMENTS = Table(
    "payments",
    (
        _c("payment_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("invoice_id", "VARCHAR"),  # NULL = unapplied cash
        _c("payment_date", "DATE", True),
        _c("amount", MONEY, True),
    ),
    key=("payment_id",),
)

DUNNING_ACTIONS = Table(
    "dunning_actions",
    (
        _c("action_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("invoice_id", "VARCHAR"),  # NULL = whole account
        _c("action_date", "DATE", True),
        _c("level", "INTEGER"),  # 1 reminder, 2 second reminder, 3 call, 4 formal notice, 5 litigation
        _c("channel", "VARCHAR"),
        _c("outcome", "VARCHAR"),
        _c("promise_date", "DATE"),
        _c("recorded_by", "VARCHAR"),
        _c("action", "VARCHAR"),  # reminder_email ... litigation (config.collections); else read from level
        _c("note", "VARCHAR"),
        _c("recorded_at", "TIMESTAMP"),
    ),
    key=("action_id",),
)

# Collections records (DOMAIN §9), written in the app or by the CLI, never deleted: a correction is
# a new record. Each keeps who recorded it and when.
PROMISES = Table(
    "promises",
    (
        _c("promise_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("made_on", "DATE", True),  # the day the client promised
        _c("promise_date", "DATE", True),  # the day it promised to pay by
        _c("amount", MONEY, True),
        _c("note", "VARCHAR"),
        _c("recorded_by", "VARCHAR", True),
        _c("recorded_at", "TIMESTAMP", True),
    ),
    key=("promise_id",),
)

PROMISE_INVOICES = Table(
    "promise_invoices",
    (_c("promise_id", "VARCHAR", True), _c("invoice_id", "VARCHAR", True)),
    key=("promise_id", "invoice_id"),
)

DISPUTE_EVENTS = Table(
    "dispute_events",
    (
        _c("event_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("invoice_id", "VARCHAR", True),
        _c("event_date", "DATE", True),
        _c("opened", "BOOLEAN", True),  # true: a dispute opens; false: it is resolved
        _c("reason", "VARCHAR"),
        _c("note", "VARCHAR"),
        _c("recorded_by", "VARCHAR", True),
        _c("recorded_at", "TIMESTAMP", True),
    ),
    key=("event_id",),
)

CREDIT_HOLDS = Table(
    "credit_holds",
    (
        _c("hold_id", "VARCHAR", True),
        _c("client_id", "VARCHAR", True),
        _c("event_date", "DATE", True),
        _c("on_hold", "BOOLEAN", True),  # true: the hold starts; false: it is lifted
        _c("reason", "VARCHAR"),
        _c("recorded_by", "VARCHAR", True),
        _c("recorded_at", "TIMESTAMP", True),
    ),
    key=("hold_id",),
)

LIMIT_DECISIONS = Table(
    "limit_decisions",
    (
        _c("decision_id", "INTEGER", True),
        _c("client_id", "VARCHAR", True),
        _c("previous_limit", MONEY),
        _c("new_limit", MONEY, True),
        _c("suggested_limit", MONEY),
        _c("reason", "VARCHAR", True),
        _c("proposed_by", "VARCHAR", True),
        _c("proposed_at", "TIMESTAMP", True),
        _c("status", "VARCHAR", True),  # pending / applied / rejected
        _c("decided_by", "VARCHAR"),
        _c("decided_at", "TIMESTAMP"),
    ),
    key=("decision_id",),
)

IMPORTS = Table(
    "imports",
    (
        _c("import_id", "INTEGER", True),
        _c("sha256", "VARCHAR", True),
        _c("file_name", "VARCHAR", True),
        _c("kind", "VARCHAR", True),
        _c("rows", "INTEGER"),
        _c("rejected", "INTEGER"),
        _c("mapping", "VARCHAR"),  # JSON: canonical column -> source header
        _c("imported_at", "TIMESTAMP", True),
        _c("imported_by", "VARCHAR"),
    ),
    key=("import_id",),
)

# Access (issue 14): the workspace's accounts and its append-only journal of every write.
USERS = Table(
    "users",
    (
        _c("name", "VARCHAR", True),  # what the person signs in with
        _c("role", "VARCHAR", True),  # a role of config.yaml's roles
        _c("person", "VARCHAR"),  # the name the clients file gives them as sales rep or collector
        _c("password_hash", "VARCHAR", True),  # Argon2id, encoded with its parameters and salt
        _c("disabled", "BOOLEAN", True),
        _c("created_at", "TIMESTAMP", True),  # UTC
        _c("password_changed_at", "TIMESTAMP", True),  # UTC
    ),
    key=("name",),
)

AUDIT_LOG = Table(
    "audit_log",
    (
        _c("audit_id", "BIGINT", True),
        _c("at_utc", "TIMESTAMP", True),
        _c("user_name", "VARCHAR", True),
        _c("role", "VARCHAR"),
        _c("action", "VARCHAR", True),  # import, limit_propose, sign_in_failed, ...
        _c("entity", "VARCHAR"),  # client, decision, user, workspace, ...
        _c("entity_id", "VARCHAR"),
        _c("before_json", "VARCHAR"),
        _c("after_json", "VARCHAR"),
        _c("reason", "VARCHAR"),
        _c("source", "VARCHAR", True),  # app / cli
    ),
    key=("audit_id",),
)

LEDGER_TABLES = (CLIENTS, INVOICES, PAYMENTS, DUNNING_ACTIONS)
COLLECTION_TABLES = (PROMISES, PROMISE_INVOICES, DISPUTE_EVENTS, CREDIT_HOLDS)
ALL_TABLES = (*LEDGER_TABLES, LIMIT_DECISIONS, IMPORTS, *COLLECTION_TABLES)
ACCESS_TABLES = (USERS, AUDIT_LOG)
BY_NAME = {t.name: t for t in ALL_TABLES}

# The kinds of file a user imports, and the table each one fills.
KINDS = {
    "clients": CLIENTS,
    "invoices": INVOICES,
    "payments": PAYMENTS,
    "dunning": DUNNING_ACTIONS,
}
