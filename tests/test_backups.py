"""A damaged, emptied or missing database never costs the history: the run stops with a Chinese message
naming the newest good backup, backups are only ever good copies, and `restore` brings one back.
Everything through the real command on real SQLite files."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline.runtime import backups
from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.core.errors import RunError
from pipeline.store import Store
from tests.ledgerfiles import write_ledger
from tests.test_resilience import GOOD_ROWS, W47, W48, cli_args, make_office, manifest

W49, P49 = "2026-12-03", "2026-W49"


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def integrity(path: Path) -> str:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def restore(base: Path, *extra: str) -> int:
    return main(["restore", "--config", str(base / "config.yaml"), "--db", str(base / "ledger.sqlite"), *extra])


@pytest.fixture
def office(tmp_path):
    """Two weeks run: W47 with 住建局, W48 with 住建局 and 水利局."""
    base = make_office(tmp_path / "office")
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 18))
    assert main(cli_args(base, W47)) == 0
    write_ledger(base / "inbox" / "水利局.xlsx", config, "县水利局",
                 [{**r, "company": r["company"].replace("郏县", "郏县水利")} for r in GOOD_ROWS], date(2026, 11, 25))
    assert main(cli_args(base, W48)) == 0
    return base


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    start = {"header": 0, "pages": int.from_bytes(data[16:18], "big"), "tail": len(data) // 2}[how]
    end = 100 if how == "header" else len(data)
    # header: "file is not a database"; pages: every table malformed; tail: the snapshots malformed
    # while the runs table still reads (what made the old backup copy a damaged database)
    data[start:end] = b"\x5a" * (end - start)
    path.write_bytes(bytes(data))


def item_ids(base: Path, period: str) -> list[str]:
    with Store(base / "ledger.sqlite") as st:
        return st.snapshot(period)["item_id"].tolist()


# --- item 3: backups --------------------------------------------------------------------------------

def test_the_newest_week_is_in_a_backup_and_no_backup_repeats_an_unchanged_database(office):
    kept = backups.list_backups(office / "backups", "ledger")
    assert [backups.inspect(p).latest_period for p in kept] == ["2026-W47", "2026-W48"]
    assert all(integrity(p) == "ok" for p in kept)


@pytest.mark.parametrize("how", ["header", "pages", "tail"])
def test_five_failed_runs_on_a_damaged_database_leave_every_good_backup(office, capsys, how):
    good = files(office / "backups")
    damage(office / "ledger.sqlite", how)
    damaged = (office / "ledger.sqlite").read_bytes()
    capsys.readouterr()
    for _ in range(5):
        assert main(cli_args(office, W49)) == 1
        err = capsys.readouterr().err
        assert "已损坏" in err and "本次未运行" in err and "restore" in err, err
        newest = backups.list_backups(office / "backups", "ledger")[-1]
        assert str(newest) in err and "2026-W48" in err
    assert files(office / "backups") == good
    assert all(integrity(office / "backups" / name) == "ok" for name in good)
    assert (office / "ledger.sqlite").read_bytes() == damaged  # the run changed nothing
    assert not (office / "outbox" / P49).exists()


def test_leftover_partial_backups_are_removed(office):
    left = [office / "backups" / "ledger-20261101-000000.sqlite.partial",
            office / "backups" / "ledger-20261101-000000.sqlite.partial-journal"]
    for p in left:
        p.write_bytes(b"half a copy")
    assert main(cli_args(office, W49)) == 0
    assert not any(p.exists() for p in left)
    assert backups.inspect(backups.list_backups(office / "backups", "ledger")[-1]).latest_period == P49


def test_backups_rotate_keeping_the_newest(office):
    for _ in range(6):
        (office / "inbox" / "住建局.xlsx").touch()
        assert main(cli_args(office, W49)) == 0
    kept = backups.list_backups(office / "backups", "ledger")
    assert len(kept) == 5 and all(backups.inspect(p).latest_period == P49 for p in kept[-4:])


def test_a_damaged_store_is_never_copied(tmp_path):
    with Store(tmp_path / "ledger.sqlite") as st:
        st.allocate_item_ids(2026, 1, "2026-W01")
        with st.transaction():
            st._db.execute("INSERT INTO runs (period, as_of) VALUES ('2026-W01', '2026-01-01')")
    damage(tmp_path / "ledger.sqlite", "pages")
    with Store(tmp_path / "ledger.sqlite") as st:  # its first page is intact, so it opens
        with pytest.raises(RunError, match="已损坏"):
            st.backup(tmp_path / "backups", now=datetime(2026, 1, 1))
    assert files(tmp_path / "backups") == {}


def test_two_databases_in_one_folder_keep_their_own_backups(tmp_path):
    periods = {"ledger": "2026-W01", "other": "2026-W02"}
    for name, period in periods.items():
        with Store(tmp_path / f"{name}.sqlite") as st:
            with st.transaction():
                st._db.execute("INSERT INTO runs (period, as_of) VALUES (?, '2026-01-01')", (period,))
            for minute in range(4):
                st.backup(tmp_path / "backups", keep=3, now=datetime(2026, 1, 1, 9, minute))
    assert [backups.inspect(p).latest_period for p in backups.list_backups(tmp_path / "backups", "ledger")] == ["2026-W01"] * 3
    assert [backups.inspect(p).latest_period for p in backups.list_backups(tmp_path / "backups", "other")] == ["2026-W02"] * 3


def test_two_backups_in_one_second_are_both_kept(tmp_path):
    with Store(tmp_path / "ledger.sqlite") as st:
        with st.transaction():
            st._db.execute("INSERT INTO runs (period, as_of) VALUES ('2026-W01', '2026-01-01')")
        now = datetime(2026, 1, 1, 9, 0, 0)
        made = [st.backup(tmp_path / "b", now=now).name for _ in range(3)]
    assert made == ["ledger-20260101-090000.sqlite", "ledger-20260101-090000-1.sqlite", "ledger-20260101-090000-2.sqlite"]
    assert [p.name for p in backups.list_backups(tmp_path / "b", "ledger")] == made


# --- item 4: an empty or missing database that existed before ---------------------------------------

@pytest.mark.parametrize("how", ["empty", "missing"])
def test_an_emptied_or_missing_database_is_an_error_naming_the_backup(office, capsys, how):
    db = office / "ledger.sqlite"
    good = files(office / "backups")
    if how == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    capsys.readouterr()
    for _ in range(5):
        assert main(cli_args(office, W49)) == 1
    err = capsys.readouterr().err
    assert ("0 字节" if how == "empty" else "不存在") in err and "第1期" in err and "2026-W47、2026-W48" in err
    assert str(backups.list_backups(office / "backups", "ledger")[-1]) in err and "python -m pipeline restore" in err
    assert (db.stat().st_size == 0) if how == "empty" else not db.exists()  # no new history was started
    assert len(backups.list_backups(office / "backups", "ledger")) == 2
    assert files(office / "backups") == good and all(integrity(office / "backups" / n) == "ok" for n in good)
    assert not (office / "outbox" / P49).exists()


def test_restore_then_run_continues_the_history(office, capsys):
    before_ids = item_ids(office, "2026-W48")
    damage(office / "ledger.sqlite", "pages")
    damaged = (office / "ledger.sqlite").read_bytes()
    assert restore(office) == 0
    out = capsys.readouterr().out
    aside = [p for p in office.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged and str(aside[0]) in out
    assert integrity(office / "ledger.sqlite") == "ok"
    config = load_config(office / "config.yaml")
    write_ledger(office / "inbox" / "交通局.xlsx", config, "县交通运输局",
                 [{**GOOD_ROWS[0], "company": "郏县通达运输有限公司"}], date(2026, 12, 2))
    assert main(cli_args(office, W49)) == 0
    with Store(office / "ledger.sqlite") as st:
        assert st.periods() == ["2026-W47", "2026-W48", P49]
    ids = item_ids(office, P49)
    assert set(before_ids) < set(ids) and max(ids) == f"JX-2026-{len(before_ids) + 1:04d}"
    assert "第3期" in manifest(office, P49)["outputs"]["report_docx"]


def test_restore_of_an_empty_database_keeps_the_empty_file_aside(office):
    (office / "ledger.sqlite").write_bytes(b"")
    assert restore(office) == 0
    assert [p.stat().st_size for p in office.iterdir() if ".before-restore-" in p.name] == [0]
    assert main(cli_args(office, W49)) == 0


def test_restore_a_named_backup_and_refuse_a_damaged_one(office, capsys):
    first, newest = backups.list_backups(office / "backups", "ledger")
    assert restore(office, first.name) == 0
    with Store(office / "ledger.sqlite") as st:
        assert st.periods() == ["2026-W47"]
    damage(newest, "pages")
    assert restore(office, newest.name) == 1
    assert "不能用来恢复" in capsys.readouterr().err
    assert restore(office, "no-such.sqlite") == 2
    assert restore(office) == 0  # the newest *good* one: the damaged newest is passed over
    with Store(office / "ledger.sqlite") as st:
        assert st.periods() == ["2026-W47"]
    assert len([p for p in office.iterdir() if ".before-restore-" in p.name]) == 2


def test_restore_moves_a_journal_aside_with_its_database(office):
    journal = office / "ledger.sqlite-journal"
    journal.write_bytes(b"a journal of the damaged file")
    assert restore(office) == 0
    assert not journal.exists()
    aside = sorted(p.name for p in office.iterdir() if ".before-restore-" in p.name)
    assert len(aside) == 2 and aside[1] == aside[0] + "-journal"
    assert integrity(office / "ledger.sqlite") == "ok"


def test_restore_list_shows_each_backup_and_changes_nothing(office, capsys):
    damage(backups.list_backups(office / "backups", "ledger")[0], "header")
    before = files(office)
    assert restore(office, "--list") == 0
    out = capsys.readouterr().out
    assert "完好，截至 2026-W48" in out and "损坏" in out
    assert files(office) == before


def test_a_first_run_on_a_new_database_needs_no_history(tmp_path):
    base = make_office(tmp_path / "office")
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 25))
    (base / "ledger.sqlite").write_bytes(b"")  # an empty file, and nothing ever ran: a new ledger
    assert main(cli_args(base, W48)) == 0


def test_a_database_another_program_is_writing_is_not_called_damaged(office, monkeypatch):
    monkeypatch.setattr(backups, "BUSY_SECONDS", 0.1)
    other = sqlite3.connect(office / "ledger.sqlite", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(RunError) as info:
            backups.check_before_run(office / "ledger.sqlite", ["2026-W47"])
        assert "无法打开或读取" in info.value.lines[0] and "已损坏" not in info.value.lines[0]
    finally:
        other.close()
    backups.check_before_run(office / "ledger.sqlite", ["2026-W47"])  # and fine once it is done
