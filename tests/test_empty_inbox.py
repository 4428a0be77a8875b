"""An empty inbox (or one without a readable ledger) does not use up a period: exit 1, database untouched."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.ledgerfiles import write_ledger
from tests.test_resilience import GOOD_ROWS, P47, W47, W48, cli_args, make_office

MESSAGE_END = "），本期未生成通报"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _periods(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT period FROM runs ORDER BY period")]


def test_empty_inbox_on_a_fresh_office_writes_nothing(tmp_path, capsys):
    base = make_office(tmp_path)
    assert main(cli_args(base, W47)) == 1
    err = capsys.readouterr().err
    assert "收件箱为空（" in err and MESSAGE_END in err
    assert not (base / "ledger.sqlite").exists()
    assert not any((base / "outbox").glob("20*")) if (base / "outbox").exists() else True


def test_empty_inbox_after_a_real_week_leaves_the_database_as_it_was(tmp_path, capsys):
    base = make_office(tmp_path)
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "财政局.xlsx", config, "县财政局", GOOD_ROWS)
    assert main(cli_args(base, W47)) == 0
    for f in (base / "inbox").iterdir():
        f.unlink()
    (base / "inbox" / "说明.txt").write_text("不是台账", encoding="utf-8")  # no readable ledger either
    db = base / "ledger.sqlite"
    before, periods = _digest(db), _periods(db)
    capsys.readouterr()
    assert main(cli_args(base, W48)) == 1
    assert MESSAGE_END in capsys.readouterr().err
    assert _digest(db) == before and _periods(db) == periods == [P47]
    assert not (base / "outbox" / "2026-W48").exists()
