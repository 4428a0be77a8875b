"""The last guard of the command line: an error no stage expected is one Chinese line, exit 1, no traceback,
the data untouched (issue 13 item 9)."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.core.errors import explain

try:
    import resource
except ImportError:  # Windows: no RLIMIT_FSIZE
    resource = None
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [["history", "JX-2026-0001"], ["template", "--department", "住建局"]])
def test_a_damaged_database_is_one_chinese_line_and_left_as_it_was(tmp_path, capsys, command):
    db = tmp_path / "ledger.sqlite"
    db.write_bytes(b"not a database at all " * 400)
    before = _digest(db)
    args = [*command, "--config", str(config_path()), "--db", str(db)]
    if command[0] == "template":
        args += ["-o", str(tmp_path / "t.xlsx")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "数据库文件已损坏" in err and "restore" in err
    assert _digest(db) == before


def test_an_outbox_that_is_a_file_is_explained_and_the_database_not_written(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted((ROOT / "examples").glob("*.xlsx"))[:3]:
        (inbox / sample.name).write_bytes(sample.read_bytes())
    outbox = tmp_path / "outbox"
    outbox.write_text("a file where the outbox folder should be", encoding="utf-8")
    code = main(["run", "--config", str(config_path()), "--inbox", str(inbox), "--outbox", str(outbox),
                 "--db", str(tmp_path / "ledger.sqlite"), "--as-of", "2026-11-26"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and "同名冲突" in err
    db = tmp_path / "ledger.sqlite"
    if db.exists():
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
            assert "snapshots" not in tables or conn.execute("select count(*) from snapshots").fetchone()[0] == 0


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.ENOSPC, "No space left on device", "ledger.csv"), "磁盘空间不足"),
    (sqlite3.OperationalError("database or disk is full"), "磁盘空间不足"),
    (sqlite3.OperationalError("no such savepoint: nested"), "磁盘空间不足"),
    (PermissionError(errno.EACCES, "Permission denied", "outbox"), "没有权限写入“outbox”"),
    (OSError(errno.EROFS, "Read-only file system", "outbox"), "没有权限写入"),
    (sqlite3.DatabaseError("database disk image is malformed"), "数据库文件已损坏"),
    (UnicodeEncodeError("ascii", "密码", 0, 1, "ordinal not in range"), "密码"),
    (ValueError("boom"), "logs/pipeline.log"),
])
def test_each_kind_of_unexpected_error_gets_its_own_chinese_line(exc, words):
    line = explain(exc)
    assert words in line and "\n" not in line
    assert "原有数据未改动" in line or "密码" in words


# --- real failures: a read-only outbox, a full disk, a file over the size limit -------------------------

def _office(base: Path, long_cell: bool = False) -> Path:
    """One week run (W47); W48's ledger waits in the inbox."""
    from datetime import date

    from pipeline.core.config import load_config
    from tests.ledgerfiles import write_ledger
    from tests.test_resilience import GOOD_ROWS, W47, cli_args, long_cell_ledger, make_office

    make_office(base)
    config = load_config(base / "config.yaml")
    if long_cell:  # 100,000 characters kept whole in the database: it outgrows every document of the run
        long_cell_ledger(base / "inbox" / "商务局.xlsx", config)
    else:
        write_ledger(base / "inbox" / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 18))
    assert main(cli_args(base, W47)) == 0
    write_ledger(base / "inbox" / "水利局.xlsx", config, "县水利局",
                 [{**r, "company": r["company"].replace("郏县", "郏县水利")} for r in GOOD_ROWS], date(2026, 11, 25))
    return base


def _state(base: Path, db: Path | None = None) -> dict:
    """What a failed run must leave as it was: the database's bytes, the inbox, the finished run folder, backups."""
    from tests.test_resilience import P47, tree

    db = db or base / "ledger.sqlite"
    return {"db": _digest(db), "inbox": tree(base / "inbox"), "w47": tree(base / "outbox" / P47),
            "backups": tree(db.parent / "backups")}


def _run_child(base: Path, db: Path | None = None, fsize: int | None = None) -> subprocess.CompletedProcess:
    """`python -m pipeline run` for W48 in a child process, optionally with RLIMIT_FSIZE (every write past
    `fsize` bytes of a file fails with a real EFBIG, "File too large"; Python ignores SIGXFSZ)."""
    from tests.test_resilience import W48

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    args = [sys.executable, "-m", "pipeline", "run", "--config", str(base / "config.yaml"), "--inbox", str(base / "inbox"),
            "--outbox", str(base / "outbox"), "--db", str(db or base / "ledger.sqlite"), "--as-of", W48]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=limit if fsize else None)


def _one_chinese_line(stderr: str) -> str:
    """The error line: progress lines ([hh:mm:ss] …) aside, exactly one line and no traceback."""
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not re.match(r"\[\d\d:\d\d:\d\d\] ", line)]
    assert len(lines) == 1, stderr
    return lines[0]


def _untouched(base: Path, before: dict, db: Path | None = None) -> None:
    from tests.test_backups import integrity
    from tests.test_resilience import P48

    assert _state(base, db) == before
    assert not (base / "outbox" / P48).exists() and not list((base / "outbox").glob(".*.partial"))
    assert integrity(db or base / "ledger.sqlite") == "ok"


@contextmanager
def _mounted(folder: Path, options: str):
    """A real tmpfs at `folder` (root in a container that allows it); skip, saying why, where it cannot be mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True) \
        if shutil.which("mount") and os.geteuid() == 0 else None
    if done is None or done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() if done else 'not root or no mount command'}); "
                    "the RLIMIT_FSIZE tests cover the failed write")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill a small file system until a real ENOSPC, then give back `leave` bytes."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, max(filler.stat().st_size - leave, 0))


@pytest.mark.parametrize("where, fsize", [("database", None), ("documents", 50_000)])
def test_a_write_over_the_file_size_limit_is_one_line_and_changes_nothing(tmp_path, where, fsize):
    """RLIMIT_FSIZE, portable wherever POSIX is: the database cannot grow past its size (`disk I/O error`,
    which once read as a damaged database and sent the user to restore), or the documents fail first."""
    if resource is None:
        pytest.skip("no RLIMIT_FSIZE on this system")
    base = _office(tmp_path / "office", long_cell=True)
    db = base / "ledger.sqlite"
    before = _state(base)
    done = _run_child(base, fsize=fsize or db.stat().st_size)
    line = _one_chinese_line(done.stderr)
    assert done.returncode == 1
    if where == "database":
        assert "数据库写入磁盘失败" in line and "损坏" not in line and "restore" not in line, line
    else:
        assert "文件超过系统允许的大小" in line, line
    assert "原有数据未改动" in line and "重新运行" in line
    _untouched(base, before)


@pytest.mark.parametrize("where", ["office", "database"])
def test_a_full_disk_is_one_line_and_changes_nothing(tmp_path, where):
    """A real ENOSPC from a tiny tmpfs: the whole office on it (the documents fail), or only the database
    (SQLite: database or disk is full)."""
    with _mounted(tmp_path / "disk", "size=4m") as disk:
        base = _office(disk / "office" if where == "office" else tmp_path / "office")
        db = base / "ledger.sqlite"
        if where == "database":
            moved = disk / "db" / "ledger.sqlite"
            moved.parent.mkdir()
            shutil.copy2(db, moved)
            shutil.copytree(base / "backups", moved.parent / "backups")
            db = moved
        before = _state(base, db)
        _fill(disk, leave=8192)
        done = _run_child(base, db=db)
        line = _one_chinese_line(done.stderr)
        assert done.returncode == 1 and "磁盘空间不足" in line and "原有数据未改动" in line, line
        (disk / "filler.bin").unlink()
        _untouched(base, before, db)


def test_a_read_only_outbox_is_one_line_and_changes_nothing(tmp_path):
    """Root ignores file modes, so the outbox is a read-only file system (a tmpfs mounted ro) when run as
    root, a folder without write permission otherwise."""
    base = _office(tmp_path / "office")
    outbox = base / "outbox"
    kept = tmp_path / "w47"
    shutil.copytree(outbox, kept)
    shutil.rmtree(outbox)
    context = _mounted(outbox, "size=4m") if os.geteuid() == 0 else nullcontext(outbox)
    with context:
        shutil.copytree(kept, outbox, dirs_exist_ok=True)
        before = _state(base)
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(outbox)], check=True)
        else:
            outbox.chmod(0o555)
        try:
            done = _run_child(base)
            line = _one_chinese_line(done.stderr)
            assert done.returncode == 1 and "没有权限写入" in line and str(outbox) in line, line
            assert "原有数据未改动" in line
            _untouched(base, before)
        finally:
            if os.geteuid() != 0:
                outbox.chmod(0o755)
