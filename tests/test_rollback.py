"""`rollback` undoes the latest period, over three real weeks with a real SQLite file."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.ledgerfiles import write_ledger
from tests.test_resilience import GOOD_ROWS, cli_args, make_office

WEEKS = ["2026-11-19", "2026-11-26", "2026-12-03"]
PERIODS = ["2026-W47", "2026-W48", "2026-W49"]


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return list(con.iterdump())


def _week(base: Path, i: int) -> int:
    config = load_config(base / "config.yaml")
    rows = [dict(r, description=f"{r['description']}（第{i + 1}周）") for r in GOOD_ROWS[: i + 1]]
    write_ledger(base / "inbox" / f"财政局第{i + 1}周.xlsx", config, "县财政局", rows)
    return main(cli_args(base, WEEKS[i]))


def _rollback(base: Path) -> int:
    return main(["rollback", "--config", str(base / "config.yaml"), "--db", str(base / "ledger.sqlite"),
                 "--outbox", str(base / "outbox")])


def test_rollback_over_three_weeks(tmp_path, capsys):
    base = make_office(tmp_path, archive=True)
    db = base / "ledger.sqlite"
    dumps = []
    for i in range(3):
        assert _week(base, i) == 0
        dumps.append(_dump(db))
    assert not list((base / "inbox").iterdir())  # archived
    capsys.readouterr()

    assert _rollback(base) == 0
    out = capsys.readouterr().out
    assert "已撤销 2026-W49" in out
    assert _dump(db) == dumps[1]
    assert not (base / "outbox" / PERIODS[2]).exists()
    aside = list((base / "outbox").glob(f".{PERIODS[2]}.rolled-back-*"))
    assert len(aside) == 1 and (aside[0] / "run.json").is_file()  # kept, not deleted
    assert [f.name for f in (base / "inbox").iterdir()] == ["财政局第3周.xlsx"]  # back in the inbox
    assert list((base / "ledger.sqlite").parent.glob("backups/*.sqlite"))

    # the same week runs again after the rollback (its start time differs, the rest is the same)
    assert main(cli_args(base, WEEKS[2])) == 0
    assert len(_dump(db)) == len(dumps[2])
    with sqlite3.connect(db) as con:
        assert [p for (p,) in con.execute("SELECT period FROM runs ORDER BY period")] == PERIODS

    # an earlier week is refused, and the refusal names rollback
    capsys.readouterr()
    assert main(cli_args(base, WEEKS[0])) == 2
    assert "rollback" in capsys.readouterr().err

    # two rollbacks take the database back to the first week
    assert _rollback(base) == 0 and _rollback(base) == 0
    assert _dump(db) == dumps[0]
    assert sorted(f.name for f in (base / "inbox").iterdir()) == ["财政局第2周.xlsx", "财政局第3周.xlsx"]


def test_rollback_with_nothing_to_undo_says_so(tmp_path, capsys):
    base = make_office(tmp_path)
    assert _rollback(base) == 2
    assert "没有可撤销的期次" in capsys.readouterr().err
