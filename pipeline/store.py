"""The persistent ledger in one SQLite file: items with their stable 问题编号, every period's snapshot
of the whole ledger, the runs, the files seen, suspected duplicates, absorbed items and the office's
corrections.

All writes of a run go through one transaction (`Store.transaction`, BEGIN IMMEDIATE) on the default
rollback journal, so a run that fails or is killed leaves the database as it was before the run.
The schema upgrades itself forward: `MIGRATIONS` is an ordered list, and `PRAGMA user_version`
records how many of them a database has had, each applied in its own transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from pipeline.runtime import backups
from pipeline.core.config import LedgerSettings
from pipeline.core.context import wall_clock
from pipeline.core.errors import ConfigError, RunError, UsageError
from pipeline.core.text import as_date, is_empty, is_missing, printable, to_json

BUSY_TIMEOUT_MS = 10_000

# The snapshot table's columns (ledger.csv order, then `corrected`) and how each is stored.
# They are frozen here rather than read from config.yaml because a migration must build the same
# table whatever the config says today; a new column comes with a new migration.
SNAPSHOT_SCHEMA: list[tuple[str, str]] = [
    ("item_id", "text"),
    ("category", "text"),
    ("company", "text"),
    ("uscc", "text"),
    ("company_type", "text"),
    ("sector", "text"),
    ("source", "text"),
    ("description", "text"),
    ("case_no", "text"),
    ("court", "text"),
    ("amount", "amount"),
    ("occurred_on", "date"),
    ("owner_unit", "text"),
    ("owner_person", "text"),
    ("approach", "text"),
    ("measures", "text"),
    ("deadline", "date"),
    ("status", "text"),
    ("paid", "amount"),
    ("closed_on", "date"),
    ("note", "text"),
    ("category_inferred", "bool"),
    ("departments", "text"),
    ("sources", "text"),
    ("first_reported", "date"),
    ("last_reported", "text"),
    ("overdue", "bool"),
    ("flags", "text"),
    ("corrected", "text"),
]
SNAPSHOT_COLUMNS = [name for name, _ in SNAPSHOT_SCHEMA]
KINDS = dict(SNAPSHOT_SCHEMA)
SQL_TYPES = {"text": "TEXT", "date": "TEXT", "amount": "REAL", "bool": "INTEGER"}
FILE_COLUMNS = [
    "name",
    "sha256",
    "size",
    "mtime",
    "department",
    "disposition",
    "reason",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
]
HISTORY_COLUMNS = ["status", "amount", "paid", "deadline", "overdue", "sources", "flags"]
TOTALS_FROM_SUMMARY = ["new_items", "closed_this_period", "overdue"]


# --- migrations: append only; never edit one that has shipped ---


def _v1_core(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE items (item_id TEXT PRIMARY KEY, year INTEGER, seq INTEGER, created_period TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE runs (period TEXT PRIMARY KEY, as_of TEXT NOT NULL, started_at TEXT, "
        "finished_at TEXT, doc_number INTEGER, items INTEGER, closed INTEGER, summary TEXT)"
    )
    columns = ", ".join(f"{name} {SQL_TYPES[kind]}" for name, kind in SNAPSHOT_SCHEMA)
    db.execute(f"CREATE TABLE snapshots (period TEXT NOT NULL, {columns}, PRIMARY KEY (period, item_id))")
    db.execute(
        "CREATE TABLE files (period TEXT NOT NULL, name TEXT, sha256 TEXT, size INTEGER, mtime REAL, "
        "department TEXT, disposition TEXT, reason TEXT, rows_read INTEGER, rows_accepted INTEGER, "
        "rows_rejected INTEGER)"
    )


def _v2_decisions(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE suspects (period TEXT NOT NULL, item_a TEXT, item_b TEXT, score REAL, reason TEXT)")
    db.execute("CREATE TABLE absorbed (item_id TEXT PRIMARY KEY, into_id TEXT NOT NULL, period TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE corrections (action TEXT NOT NULL, item_id TEXT NOT NULL, other TEXT NOT NULL, "
        "value TEXT NOT NULL, note TEXT, period TEXT, recorded_at TEXT, source_row INTEGER, "
        "UNIQUE (action, item_id, other, value))"
    )


def _v3_indexes(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX snapshots_item ON snapshots (item_id, period)")
    db.execute("CREATE INDEX items_seq ON items (year, seq)")
    db.execute("CREATE INDEX items_created ON items (created_period)")
    db.execute("CREATE INDEX files_sha ON files (sha256)")
    db.execute("CREATE INDEX files_period ON files (period)")
    db.execute("CREATE INDEX suspects_period ON suspects (period)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1_core, _v2_decisions, _v3_indexes]


def connect(path: Path) -> sqlite3.Connection:
    """Autocommit connection: transactions are begun and ended explicitly, never implicitly."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def migrate(db: sqlite3.Connection, migrations: list | None = None) -> int:
    """Apply the migrations a database has not had yet, each in its own transaction; the version."""
    migrations = MIGRATIONS if migrations is None else migrations
    if db.execute("PRAGMA user_version").fetchone()[0] == len(migrations):
        return len(migrations)  # already current: no write lock, so readers can open during a run
    while True:
        with _immediate(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise RunError(f"数据库版本（{version}）比本程序（{len(MIGRATIONS)}）新，请升级程序后再运行")
            if version >= len(migrations):
                return version
            migrations[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise RunError(f"数据库正被另一次运行占用或无法写入（{exc}），请稍后再试") from exc
    try:
        yield
    except BaseException:
        if db.in_transaction:  # some errors (disk full) have already rolled back
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def _savepoint(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("SAVEPOINT nested")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK TO nested")
        db.execute("RELEASE nested")
        raise
    db.execute("RELEASE nested")


class Store:
    """The ledger database. Write methods join the caller's `transaction()` or make their own."""

    def __init__(self, path: Path, item_id_format: str = LedgerSettings.item_id_format, now: datetime | None = None):
        """`now`: the time written down (a run's start and finish, a correction's recording, a backup's name),
        the run's clock (RunContext.now); None: the clock at each write."""
        self.path = Path(path)
        self.now = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.item_id_format = item_id_format
        self._id_parts = _id_pattern(item_id_format)
        self._began: str | None = None
        self._db = connect(self.path)
        self.schema_version: int = migrate(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _stamp(self) -> str:
        return _iso_time(self.now or wall_clock())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, ROLLBACK on exception; inside another one, a savepoint."""
        if self._db.in_transaction:
            with _savepoint(self._db):
                yield
            return
        self._began = self._stamp()
        with _immediate(self._db):
            yield

    # --- periods and snapshots ---

    def periods(self) -> list[str]:
        return [p for (p,) in self._db.execute("SELECT period FROM runs ORDER BY period")]

    def latest_period(self) -> str | None:
        return self._db.execute("SELECT MAX(period) FROM runs").fetchone()[0]

    def snapshot(self, period: str) -> pd.DataFrame:
        return self._read_ledger("WHERE period = ?", (period,))

    def ledger_before(self, period: str) -> pd.DataFrame:
        """The latest earlier snapshot, without the items the office merged into others."""
        earlier = self._db.execute("SELECT MAX(period) FROM runs WHERE period < ?", (period,)).fetchone()[0]
        return self._read_ledger("WHERE period = ? AND item_id NOT IN (SELECT item_id FROM absorbed)", (earlier,))

    def department_items(self, department: str) -> pd.DataFrame | None:
        """The latest snapshot's items that `department` reported; None when there are none."""
        latest = self.latest_period()
        ledger = self.snapshot(latest) if latest else None
        if ledger is None or not len(ledger):
            return None
        mine = ledger["departments"].fillna("").str.split("、").map(lambda deps: department in deps)
        return ledger[mine].reset_index(drop=True)

    def latest_item(self, item_id: str) -> dict | None:
        """The item as the latest period's snapshot has it, or None (absorbed, or never in it)."""
        found = self._read_ledger("WHERE period = (SELECT MAX(period) FROM runs) AND item_id = ?", (item_id,))
        return found.iloc[0].to_dict() if len(found) else None

    def history(self, item_id: str) -> pd.DataFrame:
        cols = ", ".join(f"s.{c}" for c in HISTORY_COLUMNS)
        frame = self._query(
            f"SELECT s.period, r.as_of, {cols} FROM snapshots s JOIN runs r USING (period) "
            "WHERE s.item_id = ? ORDER BY s.period",
            (item_id,),
        )
        frame["as_of"] = _dates_from_sql(frame["as_of"])
        return _typed(frame)

    def run_summary(self, period: str) -> dict | None:
        """The summary a period's run saved (the same dict as its run.json), or None if it has not run."""
        row = self._db.execute("SELECT summary FROM runs WHERE period = ?", (period,)).fetchone()
        return json.loads(row[0] or "{}") if row else None

    def period_totals(self) -> pd.DataFrame:
        frame = self._query("SELECT period, as_of, items, closed, summary FROM runs ORDER BY period")
        totals = [json.loads(s or "{}").get("totals", {}) for s in frame.pop("summary")]
        frame["as_of"] = _dates_from_sql(frame["as_of"])
        frame["items"] = frame["items"].fillna(0).astype(int)
        frame["closed"] = frame["closed"].fillna(0).astype(int)
        frame.insert(3, "open", frame["items"] - frame["closed"])
        for key in TOTALS_FROM_SUMMARY:
            frame[key] = [int(t.get(key, 0)) for t in totals]
        return frame

    # --- item ids ---

    def allocate_item_ids(self, year: int, n: int, period: str) -> list[str]:
        """The next `n` ids. A rerun frees its period's ids first (discard_period), so it gets the same ones."""
        per_year = "year" in self._id_parts.groupindex
        where, args = ("WHERE year = ?", (year,)) if per_year else ("", ())
        with self.transaction():
            top = self._db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM items {where}", args).fetchone()[0]
            rows = [
                (self.item_id_format.format(year=year, seq=seq), year if per_year else None, seq, period)
                for seq in range(top + 1, top + n + 1)
            ]
            self._db.executemany("INSERT INTO items (item_id, year, seq, created_period) VALUES (?, ?, ?, ?)", rows)
        return [r[0] for r in rows]

    def id_allocator(self, year: int, period: str) -> Callable[[int], list[str]]:
        """What merge asks for the 问题编号 of the items first made in `period`: n -> the next n ids."""
        return lambda n: self.allocate_item_ids(year, n, period)

    def check_rerun(self, period: str) -> None:
        """Only the latest period (or a new one) may be run: an earlier one is refused, naming rollback."""
        latest = self.latest_period()
        if latest and period < latest:
            raise UsageError(
                f"只能重新运行最近一期（{latest}），不能重跑更早的 {period}；请检查 --as-of 日期。"
                f"确需重跑更早的期次，先用 python -m pipeline rollback 逐期撤销（每次撤销最近一期）"
            )

    def discard_period(self, period: str) -> None:
        """Forget a period before it is run again; only the latest period may be rerun."""
        self.check_rerun(period)
        with self.transaction():
            self._delete_period_rows(period)
            self._db.execute("DELETE FROM absorbed WHERE period = ?", (period,))
            self._db.execute("DELETE FROM items WHERE created_period = ?", (period,))

    def roll_back_latest(self) -> str | None:
        """Remove every row the latest period wrote (its run, snapshot, files, suspects, the items it created,
        its merges and the corrections first recorded in it); the database is as it was before that run.
        Returns the period, or None when there is none."""
        period = self.latest_period()
        if not period:
            return None
        with self.transaction():
            self.discard_period(period)
            self._db.execute("DELETE FROM corrections WHERE period = ?", (period,))
        return period

    # --- saving a period ---

    def save_period(
        self,
        period: str,
        as_of: date,
        ledger: pd.DataFrame,
        files: list,
        suspects: pd.DataFrame,
        summary: dict,
        doc_number: int | None,
        closed: int,
    ) -> None:
        """Replace the period's records with this run's: snapshot, run, files and suspects (`closed`: items closed)."""
        with self.transaction():
            self._delete_period_rows(period)
            self._save_run(period, as_of, ledger, summary, doc_number, closed)
            self._save_snapshot(period, ledger)
            self._register_items(ledger, period)
            self._db.executemany(
                f"INSERT INTO files (period, {', '.join(FILE_COLUMNS)}) VALUES "
                f"({', '.join('?' * (len(FILE_COLUMNS) + 1))})",
                _file_rows(period, files),
            )
            self._db.executemany(
                "INSERT INTO suspects (period, item_a, item_b, score, reason) VALUES (?, ?, ?, ?, ?)",
                _suspect_rows(period, suspects),
            )

    def _delete_period_rows(self, period: str) -> None:
        for table in ("snapshots", "runs", "files", "suspects"):
            self._db.execute(f"DELETE FROM {table} WHERE period = ?", (period,))

    def _save_run(
        self, period: str, as_of: date, ledger: pd.DataFrame, summary: dict, doc_number: int | None, closed: int
    ) -> None:
        self._db.execute(
            "INSERT INTO runs (period, as_of, started_at, finished_at, doc_number, items, closed, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                period,
                _iso_date(as_of),
                self._began or self._stamp(),
                self._stamp(),
                None if doc_number is None else int(doc_number),
                len(ledger),
                closed,
                to_json(summary),
            ),
        )

    def _save_snapshot(self, period: str, ledger: pd.DataFrame) -> None:
        columns = [[period] * len(ledger)] + [_to_sql(ledger, name, kind) for name, kind in SNAPSHOT_SCHEMA]
        marks = ", ".join("?" * len(columns))
        self._db.executemany(
            f"INSERT INTO snapshots (period, {', '.join(SNAPSHOT_COLUMNS)}) VALUES ({marks})", zip(*columns)
        )

    def _register_items(self, ledger: pd.DataFrame, period: str) -> None:
        """Items not made by allocate_item_ids (ids carried in from elsewhere) still reserve their number."""
        known = {i for (i,) in self._db.execute("SELECT item_id FROM items")}
        rows = [
            (item_id, *self._parse_id(item_id), period) for item_id in ledger.get("item_id", []) if item_id not in known
        ]
        self._db.executemany(
            "INSERT OR IGNORE INTO items (item_id, year, seq, created_period) VALUES (?, ?, ?, ?)", rows
        )

    def _parse_id(self, item_id: str) -> tuple[int | None, int | None]:
        match = self._id_parts.match(str(item_id))
        if not match:
            return None, None
        parts = match.groupdict()
        return (int(parts["year"]) if parts.get("year") else None), int(parts["seq"])

    # --- doc numbers ---

    def doc_number(self, period: str) -> int | None:
        row = self._db.execute("SELECT doc_number FROM runs WHERE period = ?", (period,)).fetchone()
        return row[0] if row else None

    def next_doc_number(self, start: int) -> int:
        top = self._db.execute("SELECT MAX(doc_number) FROM runs").fetchone()[0]
        return start if top is None else top + 1

    # --- office decisions ---

    def record_corrections(self, decisions: pd.DataFrame, period: str) -> None:
        """Upsert by content (action, item_id, other, value): re-reading a workbook adds nothing."""
        if decisions is None or not len(decisions):
            return
        recorded = self._stamp()
        rows = [
            (
                *(_key_text(rec.get(k)) for k in ("action", "item_id", "other", "value")),
                _key_text(rec.get("note")),
                period,
                recorded,
                _int_or_none(rec.get("row")),
            )
            for rec in decisions.to_dict("records")
        ]
        with self.transaction():
            self._db.executemany(
                "INSERT INTO corrections (action, item_id, other, value, note, period, recorded_at, source_row) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (action, item_id, other, value) "
                "DO UPDATE SET note = excluded.note, source_row = excluded.source_row",
                rows,
            )

    def corrections(self) -> pd.DataFrame:
        return self._query(
            "SELECT action, item_id, other, value, note, period, recorded_at, source_row "
            "FROM corrections ORDER BY rowid"
        )

    def mark_absorbed(self, item_id: str, into: str, period: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO absorbed (item_id, into_id, period) VALUES (?, ?, ?) "
                "ON CONFLICT (item_id) DO UPDATE SET into_id = excluded.into_id",
                (item_id, into, period),
            )

    def absorbed(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT item_id, into_id FROM absorbed ORDER BY item_id"))

    # --- files and suspects ---

    def files_seen(self, period: str | None = None) -> pd.DataFrame:
        where, args = ("WHERE period = ?", (period,)) if period is not None else ("", ())
        return self._query(f"SELECT period, {', '.join(FILE_COLUMNS)} FROM files {where} ORDER BY period, rowid", args)

    def suspects(self, period: str | None = None) -> pd.DataFrame:
        where, args = ("WHERE period = ?", (period,)) if period is not None else ("", ())
        return self._query(
            f"SELECT period, item_a, item_b, score, reason FROM suspects {where} ORDER BY period, rowid", args
        )

    # --- backups ---

    def backup(self, folder: Path, keep: int = 5, now: datetime | None = None) -> Path | None:
        """A checked, consistent copy (sqlite3 backup API) as <database stem>-YYYYmmdd-HHMMSS.sqlite, keeping the
        last `keep`. None when there is nothing to keep yet: no database file, or no period saved in it.
        A database that fails `quick_check` is never copied, and a copy that fails it is never kept, so a
        damaged database can never rotate the good backups out."""
        if not self.path.exists():
            return None
        folder = Path(folder)
        problem = backups.check(self._db)
        if problem:
            raise RunError(
                f"数据库 {self.path} 已损坏（{problem}），未备份；请用 python -m pipeline restore 恢复最近的完好备份"
            )
        if not self.periods():
            return None
        try:
            return backups.write_backup(self._db, folder, self.path.stem, keep, now or self.now or wall_clock())
        except (OSError, sqlite3.Error) as exc:
            raise RunError(f"数据库备份失败（{exc}），请检查 {folder} 所在磁盘的空间和权限") from exc

    # --- reading ---

    def _query(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        return pd.read_sql_query(sql, self._db, params=params)

    def _read_ledger(self, where: str, params: tuple) -> pd.DataFrame:
        frame = self._query(f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM snapshots {where} ORDER BY item_id", params)
        return _typed(frame)


# --- values to and from SQL ---


def _to_sql(frame: pd.DataFrame, name: str, kind: str) -> list:
    if name not in frame:
        return [0 if kind == "bool" else None] * len(frame)
    convert = {"text": _text, "date": _iso_date, "amount": _real, "bool": _flag}[kind]
    return [convert(v) for v in frame[name].astype(object).tolist()]


def _text(value) -> str | None:
    if type(value) is str:
        return printable(value)
    return None if is_missing(value) else printable(str(value))


def _iso_date(value) -> str | None:
    if is_empty(value):
        return None
    day = as_date(value)
    if day is None:
        raise ValueError(f"不是日期：{value!r}")
    return day.isoformat()


def _real(value) -> float | None:
    return None if is_empty(value) else float(value)


def _flag(value) -> int:
    if isinstance(value, str):
        return int(value.strip().lower() in ("true", "1", "是"))
    return 0 if is_missing(value) else int(bool(value))


def _key_text(value) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, (date, datetime)):
        return _iso_date(value) or ""
    return str(value).strip()


def _int_or_none(value) -> int | None:
    return None if is_missing(value) or value == "" else int(value)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """SQL values back to the ledger's types: dates as datetime.date, amounts float, booleans bool, text str."""
    for name in frame.columns:
        kind = KINDS.get(name)
        if kind == "text":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), "").astype(str)
        elif kind == "date":
            frame[name] = _dates_from_sql(frame[name])
        elif kind == "amount":
            frame[name] = frame[name].astype(float)
        elif kind == "bool":
            frame[name] = frame[name].fillna(0).astype(int).astype(bool)
    return frame


def _dates_from_sql(series: pd.Series) -> pd.Series:
    values = [date.fromisoformat(v) if isinstance(v, str) and v else None for v in series.astype(object).tolist()]
    return pd.Series(values, index=series.index, dtype=object)


def _file_rows(period: str, files: list) -> list[tuple]:
    """One row per file: intake's SourceFile records, or dicts with FILE_COLUMNS."""
    get = lambda f, k: f.get(k) if isinstance(f, dict) else getattr(f, k)  # noqa: E731
    return [(period, *(_file_value(get(f, k)) for k in FILE_COLUMNS)) for f in files]


def _file_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return printable(str(value))
    if isinstance(value, str):
        return printable(value)
    return None if is_missing(value) else getattr(value, "item", lambda: value)()


def _suspect_rows(period: str, suspects: pd.DataFrame) -> list[tuple]:
    if suspects is None or not len(suspects):
        return []
    a = "item_a" if "item_a" in suspects else "key_a"
    b = "item_b" if "item_b" in suspects else "key_b"
    reasons = suspects["reason"] if "reason" in suspects else [None] * len(suspects)
    return [
        (period, _text(x), _text(y), _real(s), _text(r))
        for x, y, s, r in zip(suspects[a], suspects[b], suspects["score"], reasons)
    ]


def _id_pattern(item_id_format: str) -> re.Pattern:
    """A regex reading year and seq back out of an id written with `item_id_format`."""
    parts, seen = [], set()
    for literal, field, _, _ in string.Formatter().parse(item_id_format):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field not in ("year", "seq"):
            raise ConfigError([f"ledger.item_id_format 只能使用 {{year}} 和 {{seq}}，不能使用 {{{field}}}"])
        parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>\\d+)")
        seen.add(field)
    if "seq" not in seen:
        raise ConfigError(["ledger.item_id_format 必须包含 {seq}（序号），例如 JX-{year}-{seq:04d}"])
    return re.compile("".join(parts) + r"\Z")


def _iso_time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
