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


def test_rollback_returns_the_period_s_rejected_files_and_leaves_held_mail_held(tmp_path, capsys):
    """Before the run: a ledger and an unreadable file in the inbox, a stranger's mail held in quarantine/held/.
    The run archives one and quarantines the other; rollback puts both back in the inbox (no 原因 note left),
    and the held file stays where it was, unchanged; the same week then runs again with the same dispositions."""
    from tests.test_resilience import manifest, tree

    base = make_office(tmp_path, archive=True)
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "财政局.xlsx", config, "县财政局", GOOD_ROWS)
    (base / "inbox" / "扫描件.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    held = base / "quarantine" / "held"
    held.mkdir(parents=True)
    (held / "冒名台账.xlsx").write_bytes(b"held, waiting for the office")
    before = {"inbox": tree(base / "inbox"), "held": tree(held)}
    assert main(cli_args(base, WEEKS[0])) == 0
    first = {f["name"]: f["disposition"] for f in manifest(base, PERIODS[0])["files"]}
    assert first == {"财政局.xlsx": "processed", "扫描件.xlsx": "rejected"}
    assert not list((base / "inbox").iterdir()) and (base / "quarantine" / PERIODS[0] / "扫描件.xlsx").is_file()

    capsys.readouterr()
    assert _rollback(base) == 0
    assert "2 个来件放回收件箱" in capsys.readouterr().out
    assert tree(base / "inbox") == before["inbox"]
    assert not [p for p in (base / "quarantine" / PERIODS[0]).iterdir()]  # no stray 原因 note
    assert tree(held) == before["held"]

    assert main(cli_args(base, WEEKS[0])) == 0
    assert {f["name"]: f["disposition"] for f in manifest(base, PERIODS[0])["files"]} == first
    assert [h["name"] for h in manifest(base, PERIODS[0])["held"]] == ["冒名台账.xlsx"]


def test_the_run_s_clock_is_the_time_it_writes_down(tmp_path):
    """RunContext.now is the run's one clock: the start and finish the database records, the name a rerun
    gives the folder it keeps aside and the names of the backups; a rollback's clock names the folder it
    sets aside. Times far from today, so the wall clock cannot pass for them."""
    from datetime import date, datetime

    from pipeline.core.context import RunContext
    from pipeline.run import rollback_latest, run_period

    base = make_office(tmp_path)
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "财政局.xlsx", config, "县财政局", GOOD_ROWS[:1])
    first, rerun, undo = datetime(2031, 5, 6, 7, 8, 9), datetime(2032, 1, 2, 3, 4, 5, 600), datetime(2033, 3, 4, 5, 6, 7)
    for now in (first, rerun):
        run_period(RunContext(config, date(2026, 11, 26), now=now))
    with sqlite3.connect(base / "ledger.sqlite") as con:
        assert con.execute("SELECT started_at, finished_at FROM runs").fetchall() == [("2032-01-02T03:04:05",) * 2]
    kept = [p.name for p in (base / "outbox").glob(".2026-W48.previous-*")]
    assert kept == [".2026-W48.previous-20320102-030405-000600"]  # the first run's folder, set aside by the rerun

    done = rollback_latest(config, now=undo)

    assert done.set_aside is not None and done.set_aside.name == ".2026-W48.rolled-back-20330304-050607"
    stamps = {p.name.split("-", 1)[1][:15] for p in (base / "backups").glob("ledger-*.sqlite")}
    assert stamps and stamps <= {"20310506-070809", "20320102-030405", "20330304-050607"}, stamps
