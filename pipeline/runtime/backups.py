"""The database's safety net: health checks, checked backups, and restoring one.

A run stops before touching anything when its database is damaged, or is missing or empty although
the ledger has a history (backups or earlier run folders exist) — running on would quietly start the
history again at 第1期 and JX-…-0001. Backups are copies made with the sqlite3 backup API: only a
database that passes `PRAGMA quick_check` is copied, and only a copy that passes it is kept, so a
damaged database never rotates the good backups out. `restore` puts the newest good backup (or a
named one) in place and keeps the file it replaces beside it; nothing is deleted.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.core.context import wall_clock
from pipeline.core.errors import RunError, UsageError
from pipeline.runtime.lock import run_lock

FOLDER = "backups"
STAMP = r"(\d{8}-\d{6})(?:-(\d+))?"  # <database stem>-YYYYmmdd-HHMMSS[-n].sqlite
LIVE_FILES = ("", "-journal", "-wal", "-shm")  # a database and the files SQLite keeps beside it
BUSY_SECONDS = 10.0  # how long the check waits for another program writing the database


@dataclass(frozen=True)
class Backup:
    path: Path
    problem: str | None  # None: passes the check
    latest_period: str | None  # the newest period it holds


@dataclass(frozen=True)
class Restored:
    backup: Backup
    database: Path
    kept_aside: list[Path]


def backup_folder(db: Path) -> Path:
    return Path(db).parent / FOLDER


def lock_path(db: Path) -> Path:
    """The run lock of a database (pipeline/run.py and restore hold it)."""
    return Path(db).with_name(Path(db).name + ".lock")


# --- health -------------------------------------------------------------------------------------


def check(db: sqlite3.Connection, thorough: bool = False) -> str | None:
    """None when the database passes quick_check (integrity_check when thorough); else what is wrong."""
    try:
        rows = db.execute(f"PRAGMA {'integrity_check' if thorough else 'quick_check'}(5)").fetchall()
    except sqlite3.OperationalError:
        raise  # locked, unreadable, I/O: not evidence of damage
    except sqlite3.DatabaseError as exc:
        return describe(exc)
    found = [str(r[0]) for r in rows if r[0] != "ok"]
    return f"内部结构损坏：{found[0].strip()}" if found else None


def describe(exc: Exception) -> str:
    text = str(exc)
    if "not a database" in text:
        return "不是 SQLite 数据库文件，可能已被覆盖或截断"
    if "malformed" in text:
        return "数据库文件结构损坏"
    return text


def inspect(path: Path, thorough: bool = False) -> Backup:
    """A database file's health and newest period, opened read-only (a backup is never changed)."""
    path = Path(path)
    if not path.is_file():
        return Backup(path, "文件不存在", None)
    if path.stat().st_size == 0:
        return Backup(path, "文件是空的（0 字节）", None)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return Backup(path, describe(exc), None)
    try:
        problem = check(db, thorough)
        return Backup(path, problem, None if problem else _latest_period(db))
    except sqlite3.Error as exc:  # a backup that cannot be read is no good backup either
        return Backup(path, describe(exc), None)
    finally:
        db.close()


def _latest_period(db: sqlite3.Connection) -> str | None:
    try:
        return db.execute("SELECT MAX(period) FROM runs").fetchone()[0]
    except sqlite3.Error:  # no runs table: a database no run has saved a period in
        return None


def check_before_run(db: Path, earlier_runs: list[str]) -> None:
    """RunError when the database is damaged, or missing/empty (no period saved) although the ledger has
    a history: good backups, or run folders of earlier periods in the outbox."""
    db = Path(db)
    state, detail = _live_state(db)
    if state == "ok" or (state == "no period" and not earlier_runs):
        # a database this tool made that holds no period, while no run folder is left: its only period was
        # rolled back (the folder set aside), or its first run failed; a missing or 0-byte file is never this
        return
    folder = backup_folder(db)
    history = _history(folder, db.stem, earlier_runs)
    if state == "damaged":
        raise RunError(
            [
                f"数据库 {db} 已损坏（{detail}），本次未运行，也没有备份或轮换这个损坏的文件。",
                _restore_hint(db, damaged=True),
            ]
        )
    if history:
        raise RunError(
            [
                f"数据库 {db} {detail}，但此前已运行过（{history}）；为免总台账从第1期、"
                "第一个问题编号重新开始，本次未运行。",
                _restore_hint(db, damaged=False),
            ]
        )


def _live_state(db: Path) -> tuple[str, str]:
    """ok | damaged | new | no period, with what is wrong; the connection is read-write so that a killed run's
    journal is rolled back first (the caller holds the run lock)."""
    if not db.exists():
        return "new", "不存在"
    if db.stat().st_size == 0:
        return "new", "是空文件（0 字节）"
    try:
        conn = sqlite3.connect(db, isolation_level=None, timeout=BUSY_SECONDS)
        try:
            problem = check(conn)
            if problem:
                return "damaged", problem
            return ("ok", "") if _latest_period(conn) else ("no period", "中没有任何一期的记录")
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        raise RunError(
            f"数据库 {db} 无法打开或读取（{exc}），本次未运行；请检查文件权限，以及是否有其他程序正在修改它"
        ) from exc
    except sqlite3.DatabaseError as exc:
        return "damaged", describe(exc)


def _history(folder: Path, stem: str, earlier_runs: list[str]) -> str:
    parts = []
    if earlier_runs:
        shown = "、".join(sorted(earlier_runs)[-3:])
        parts.append(
            f"结果文件夹中已有 {len(earlier_runs)} 期的结果：{shown}"
            if len(earlier_runs) > 1
            else f"结果文件夹中已有 {shown} 的结果"
        )
    if found := list_backups(folder, stem):
        parts.append(f"{folder} 中有 {len(found)} 份备份")
    return "，".join(parts)


def _restore_hint(db: Path, damaged: bool) -> str:
    folder = backup_folder(db)
    good = newest_good(folder, db.stem)
    if good:
        return (
            f"最近的完好备份：{good.path}（截至 {good.latest_period}）。恢复：python -m pipeline restore "
            f'--db "{db}"（原文件改名保留在旁边，不删除任何文件），然后重新运行。'
        )
    if damaged:
        return f"{folder} 中没有完好的备份；请保留该文件，联系技术人员用 sqlite3 的 .recover 命令修复。"
    return (
        f"{folder} 中没有完好的备份。如果数据库放在别处，请用 --db 或 config.yaml 的 paths.database 指定；"
        "若确实要重新开始一本新的总台账，请先把以前各期的结果文件夹移到别处。"
    )


# --- backups ------------------------------------------------------------------------------------


def list_backups(folder: Path, stem: str) -> list[Path]:
    """The backups of database `<stem>.sqlite` in a folder, oldest first (by the time in the name, then
    the counter). Named after the database, so two databases in one folder keep their own."""
    if not Path(folder).is_dir():
        return []
    name = re.compile(re.escape(stem) + "-" + STAMP + r"\.sqlite")
    found = [(m.group(1), int(m.group(2) or 0), p) for p in Path(folder).iterdir() if (m := name.fullmatch(p.name))]
    return [p for *_, p in sorted(found)]


def newest_good(folder: Path, stem: str) -> Backup | None:
    for path in reversed(list_backups(folder, stem)):
        backup = inspect(path)
        if not backup.problem:
            return backup
    return None


def backup_after_commit(store, keep: int) -> list[str]:
    """The newest period goes into a backup too (`store` is the run's Store); failing that is a note for
    the user, the period is already saved."""
    try:
        store.backup(backup_folder(store.path), keep=keep)
    except RunError as exc:
        return [f"注意：本期结果已保存，但运行后的{exc.lines[0]}"]
    return []


def is_current(db: Path) -> bool:
    """The newest backup was written after the database last changed: another copy would repeat it."""
    backups = list_backups(backup_folder(db), Path(db).stem)
    return bool(backups) and backups[-1].stat().st_mtime_ns >= Path(db).stat().st_mtime_ns


def write_backup(db: sqlite3.Connection, folder: Path, stem: str, keep: int, now: datetime) -> Path:
    """Copy a (checked) database into `folder` under a new name; keep the copy only if it checks out,
    then delete all but the newest `keep` backups."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_partials(folder, stem)
    target = _free_name(folder, stem, now)
    partial = target.with_name(target.name + ".partial")
    copy = sqlite3.connect(partial)
    try:
        db.backup(copy)
        problem = check(copy)
    finally:
        copy.close()
    if problem:
        partial.unlink()
        raise sqlite3.DatabaseError(f"备份副本校验失败：{problem}")
    os.replace(partial, target)
    _prune(folder, stem, keep)
    return target


def remove_partials(folder: Path, stem: str) -> list[Path]:
    """Half-written copies a killed backup left (`….sqlite.partial` and its journal)."""
    name = re.compile(re.escape(stem) + "-" + STAMP + r"\.sqlite\.partial.*")
    removed = [p for p in Path(folder).iterdir() if name.fullmatch(p.name) and p.is_file()]
    for p in removed:
        p.unlink()
    return removed


def _free_name(folder: Path, stem: str, now: datetime) -> Path:
    """<stem>-YYYYmmdd-HHMMSS.sqlite, or …-1, -2 when a backup was made in the same second."""
    stamp, n = f"{stem}-{now:%Y%m%d-%H%M%S}", 0
    while (path := folder / (f"{stamp}.sqlite" if n == 0 else f"{stamp}-{n}.sqlite")).exists():
        n += 1
    return path


def _prune(folder: Path, stem: str, keep: int) -> None:
    for old in list_backups(folder, stem)[: -max(keep, 1)]:
        old.unlink()


# --- restore ------------------------------------------------------------------------------------


def restore(db: Path, choice: str | None = None, now: datetime | None = None) -> Restored:
    """Put a backup in place of the database: the newest good one, or `choice` (a file name in the
    backups folder, or a path). The database and its journal files are kept aside, renamed."""
    db = Path(db)
    with run_lock(lock_path(db)):
        backup = _chosen(db, choice)
        tmp = db.with_name(db.name + ".restoring")
        _copy(backup.path, tmp)
        aside = _set_aside(db, now or wall_clock())
        os.replace(tmp, db)
    return Restored(backup, db, aside)


def _chosen(db: Path, choice: str | None) -> Backup:
    folder = backup_folder(db)
    if choice is None:
        good = newest_good(folder, db.stem)
        if not good:
            raise RunError(f"{folder} 中没有完好的备份可以恢复")
        return good
    path = folder / choice if (folder / choice).is_file() else Path(choice)
    if not path.is_file():
        names = "、".join(p.name for p in list_backups(folder, db.stem)) or "无"
        raise UsageError(f"找不到备份“{choice}”；{folder} 中的备份：{names}")
    backup = inspect(path, thorough=True)
    if backup.problem:
        raise RunError(f"备份 {path} 已损坏（{backup.problem}），不能用来恢复；请选另一份备份")
    return backup


def _copy(source: Path, target: Path) -> None:
    """A fresh copy via the backup API, checked before it is used."""
    for suffix in LIVE_FILES:
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        problem = check(dst, thorough=True)
    finally:
        dst.close()
        src.close()
    if problem:
        target.unlink()
        raise RunError(f"从 {source} 复制出的数据库校验失败（{problem}），未恢复")


def _set_aside(db: Path, now: datetime) -> list[Path]:
    """ledger.sqlite → ledger.sqlite.before-restore-YYYYmmdd-HHMMSS, its journal files renamed alike, so
    the pair stays consistent for whoever examines it."""
    base, n = f"{db.name}.before-restore-{now:%Y%m%d-%H%M%S}", 0
    while any(db.with_name(_numbered(base, n) + s).exists() for s in LIVE_FILES):
        n += 1
    moved = []
    for suffix in LIVE_FILES:
        if db.with_name(db.name + suffix).exists():
            moved.append(db.with_name(_numbered(base, n) + suffix))
            os.replace(db.with_name(db.name + suffix), moved[-1])
    return moved


def _numbered(base: str, n: int) -> str:
    return base if n == 0 else f"{base}-{n}"
