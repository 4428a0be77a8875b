"""The last guard of the command line: an error no stage expected is one Chinese line, exit 1, no traceback,
the data untouched (issue 13 item 9)."""
from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.core.errors import explain
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
