"""The SQLite ledger store, on real database files in tmp_path."""
import math
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import store as store_module
from pipeline.core.config import load_config
from pipeline.core.errors import ConfigError, RunError, UsageError
from pipeline.ledger import ledger_columns
from pipeline.store import MIGRATIONS, SNAPSHOT_COLUMNS, Store, connect, migrate
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


def ledger(ids: list[str], **columns) -> pd.DataFrame:
    """A ledger frame with every snapshot column; `columns` override one column (a list, or one value)."""
    n = len(ids)
    base = {c: [""] * n for c in SNAPSHOT_COLUMNS}
    base.update(item_id=ids, category=["B1"] * n, company=[f"企业{i}" for i in range(n)],
                description=[f"问题{i}" for i in range(n)], status=["整改中"] * n,
                amount=[float(i) for i in range(n)], paid=[math.nan] * n, occurred_on=[None] * n,
                deadline=[None] * n, closed_on=[None] * n, first_reported=[date(2026, 1, 5)] * n,
                category_inferred=[False] * n, overdue=[False] * n)
    for key, value in columns.items():
        base[key] = value if isinstance(value, list) else [value] * n
    return pd.DataFrame(base)


def summary(period: str, **totals) -> dict:
    keys = ["rows_read", "rows_accepted", "rows_rejected", "items", "new_items", "merged_rows",
            "suspected_duplicates", "closed_this_period", "overdue", "not_resubmitted"]
    return {"period": period, "totals": {k: totals.get(k, 0) for k in keys}}


def _closed(frame: pd.DataFrame) -> int:
    """Items closed in a ledger frame: what the run hands the store (the configured closed status)."""
    return int((frame["status"] == "已办结").sum()) if "status" in frame else 0


def save(st: Store, period: str, frame: pd.DataFrame, as_of: date = date(2026, 1, 5), files=None,
         suspects=None, doc_number=None, **totals) -> None:
    with st.transaction():
        st.save_period(period, as_of, frame, files or [], suspects if suspects is not None else pd.DataFrame(),
                       summary(period, **totals), doc_number, closed=_closed(frame))


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


@pytest.fixture
def st(tmp_path):
    store = Store(tmp_path / "data" / "ledger.sqlite")
    yield store
    store.close()


# --- schema ---

def test_snapshot_columns_are_the_ledger_columns_plus_corrected():
    config = load_config(config_path())
    assert SNAPSHOT_COLUMNS == ledger_columns(config) + ["corrected"]


def test_new_database_is_created_with_parent_folder_at_the_latest_version(tmp_path):
    path = tmp_path / "a" / "b" / "ledger.sqlite"
    with Store(path) as st:
        assert path.is_file()
        assert st.schema_version == len(MIGRATIONS) >= 2
        assert st.periods() == [] and st.latest_period() is None


def test_busy_timeout_is_set(st):
    assert st._db.execute("PRAGMA busy_timeout").fetchone()[0] == store_module.BUSY_TIMEOUT_MS


def test_migrates_a_version_1_database_forward_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    db = connect(path)
    assert migrate(db, MIGRATIONS[:1]) == 1
    db.execute("INSERT INTO items (item_id, year, seq, created_period) VALUES ('JX-2026-0007', 2026, 7, '2026-W02')")
    db.execute("INSERT INTO runs (period, as_of, doc_number, items, closed, summary) "
               "VALUES ('2026-W02', '2026-01-08', 15, 1, 0, '{\"totals\": {\"new_items\": 1}}')")
    db.execute("INSERT INTO snapshots (period, item_id, company, amount, deadline, overdue) "
               "VALUES ('2026-W02', 'JX-2026-0007', '老企业', 3.5, '2026-01-01', 1)")
    db.close()
    assert dump(path) and "suspects" not in " ".join(dump(path))

    with Store(path) as st:
        assert st.schema_version == len(MIGRATIONS)
        snap = st.snapshot("2026-W02")
        assert snap.loc[0, "company"] == "老企业" and snap.loc[0, "amount"] == 3.5
        assert snap.loc[0, "deadline"] == date(2026, 1, 1) and bool(snap.loc[0, "overdue"]) is True
        assert st.doc_number("2026-W02") == 15
        assert st.allocate_item_ids(2026, 1, "2026-W03") == ["JX-2026-0008"]
        st.mark_absorbed("JX-2026-0007", "JX-2026-0008", "2026-W03")  # a table of version 2
        assert st.absorbed() == {"JX-2026-0007": "JX-2026-0008"}
    names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "files_sha" in names  # version 3


def test_each_migration_runs_once(tmp_path):
    path = tmp_path / "ledger.sqlite"
    Store(path).close()
    with Store(path) as st:  # reopening must not try to create the tables again
        assert st.schema_version == len(MIGRATIONS)


def test_database_newer_than_the_program_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(RunError, match="比本程序"):
        Store(path)


# --- item ids ---

def test_ids_are_sequential_formatted_and_continue_across_periods_and_years(st):
    assert st.allocate_item_ids(2026, 3, "2026-W01") == ["JX-2026-0001", "JX-2026-0002", "JX-2026-0003"]
    save(st, "2026-W01", ledger(["JX-2026-0001", "JX-2026-0002", "JX-2026-0003"]))
    assert st.allocate_item_ids(2026, 2, "2026-W02") == ["JX-2026-0004", "JX-2026-0005"]
    assert st.allocate_item_ids(2027, 1, "2027-W01") == ["JX-2027-0001"]
    assert st.allocate_item_ids(2026, 1, "2027-W01") == ["JX-2026-0006"]
    assert st.allocate_item_ids(2026, 0, "2027-W01") == []


def test_ids_saved_without_allocation_still_reserve_their_numbers(st):
    save(st, "2026-W01", ledger(["JX-2026-0041", "外来编号"]))
    assert st.allocate_item_ids(2026, 1, "2026-W02") == ["JX-2026-0042"]


def test_id_format_without_year_numbers_across_years(tmp_path):
    with Store(tmp_path / "x.sqlite", "WT{seq:05d}") as st:
        assert st.allocate_item_ids(2026, 2, "2026-W52") == ["WT00001", "WT00002"]
        assert st.allocate_item_ids(2027, 1, "2027-W01") == ["WT00003"]


@pytest.mark.parametrize("fmt", ["JX-{year}", "JX-{dept}-{seq}"])
def test_bad_id_format_is_a_config_error(tmp_path, fmt):
    with pytest.raises(ConfigError, match="item_id_format"):
        Store(tmp_path / "x.sqlite", fmt)


# --- snapshots ---

def test_every_type_round_trips(st):
    long_text = "欠款" * 50_000
    frame = ledger(["JX-2026-0001", "JX-2026-0002", "JX-2026-0003"],
                   amount=[12.5, math.nan, None], paid=[np.float64(0.0), None, 3.25],
                   occurred_on=[date(2021, 11, 15), None, pd.Timestamp("2022-03-01 10:00")],
                   deadline=["2026-12-31", pd.NaT, ""], closed_on=[None, datetime(2026, 2, 1, 8, 0), None],
                   category_inferred=[True, np.bool_(False), None], overdue=[np.bool_(True), False, math.nan],
                   description=[long_text, "含'引号\"和\n换行", "=SUM(A1)"], note=[None, math.nan, "备注"],
                   corrected=["人工改类别", "", None], last_reported="2026-W01")
    save(st, "2026-W01", frame)
    back = st.snapshot("2026-W01")
    assert list(back.columns) == SNAPSHOT_COLUMNS
    assert back["description"].tolist() == [long_text, "含'引号\"和\n换行", "=SUM(A1)"]
    assert back["amount"].tolist()[0] == 12.5 and back["amount"].isna().tolist() == [False, True, True]
    assert back["paid"].dtype == float and back["paid"].tolist()[::2] == [0.0, 3.25]
    assert back["occurred_on"].tolist() == [date(2021, 11, 15), None, date(2022, 3, 1)]
    assert back["deadline"].tolist() == [date(2026, 12, 31), None, None]
    assert back["closed_on"].tolist() == [None, date(2026, 2, 1), None]
    assert all(type(d) is date for d in back["first_reported"])
    assert back["category_inferred"].tolist() == [True, False, False]
    assert back["overdue"].tolist() == [True, False, False] and back["overdue"].dtype == bool
    assert back["note"].tolist() == ["", "", "备注"] and back["corrected"].tolist() == ["人工改类别", "", ""]
    assert back["last_reported"].tolist() == ["2026-W01"] * 3


def test_unreadable_date_fails_the_save_and_leaves_nothing(st):
    with pytest.raises(ValueError):
        save(st, "2026-W01", ledger(["JX-2026-0001"], deadline="下月底"))
    assert st.periods() == [] and len(st.snapshot("2026-W01")) == 0


def test_snapshot_is_sorted_by_item_id_and_missing_columns_are_empty(st):
    frame = ledger(["JX-2026-0002", "JX-2026-0001"]).drop(columns=["flags", "overdue", "corrected"])
    save(st, "2026-W01", frame)
    back = st.snapshot("2026-W01")
    assert back["item_id"].tolist() == ["JX-2026-0001", "JX-2026-0002"]
    assert back["flags"].tolist() == ["", ""] and back["overdue"].tolist() == [False, False]


def test_ledger_before_takes_the_latest_earlier_period_without_absorbed_items(st):
    save(st, "2026-W01", ledger(["JX-2026-0001"]))
    save(st, "2026-W03", ledger(["JX-2026-0001", "JX-2026-0002", "JX-2026-0003"], status="已办结"))
    save(st, "2026-W05", ledger(["JX-2026-0001"], status="未启动"))
    st.mark_absorbed("JX-2026-0003", "JX-2026-0002", "2026-W05")
    before = st.ledger_before("2026-W04")
    assert before["item_id"].tolist() == ["JX-2026-0001", "JX-2026-0002"]
    assert set(before["status"]) == {"已办结"}
    assert st.ledger_before("2026-W05")["item_id"].tolist() == ["JX-2026-0001", "JX-2026-0002"]
    assert st.ledger_before("2026-W02")["item_id"].tolist() == ["JX-2026-0001"]


def test_ledger_before_the_first_period_is_empty_with_the_ledger_columns(st):
    empty = st.ledger_before("2026-W01")
    assert len(empty) == 0 and list(empty.columns) == SNAPSHOT_COLUMNS


def test_periods_are_sorted(st):
    for period in ["2026-W10", "2025-W52", "2026-W02"]:
        save(st, period, ledger(["JX-2026-0001"]))
    assert st.periods() == ["2025-W52", "2026-W02", "2026-W10"]
    assert st.latest_period() == "2026-W10"


# --- reruns ---

def run_period(st: Store, period: str, n_new: int, carried: list[str], doc_start: int = 15) -> list[str]:
    """What run.py does with the store, in one transaction."""
    doc = st.doc_number(period) or st.next_doc_number(doc_start)
    with st.transaction():
        st.discard_period(period)
        previous = st.ledger_before(period)["item_id"].tolist()
        new = st.allocate_item_ids(2026, n_new, period)
        ids = sorted(set(previous) | set(carried) | set(new))
        files = [{"name": f"{period}.xlsx", "sha256": "ab" * 32, "size": 10, "mtime": 1.5e9,
                  "department": "县财政局", "disposition": "processed", "reason": "", "rows_read": n_new,
                  "rows_accepted": n_new, "rows_rejected": 0}]
        suspects = pd.DataFrame({"key_a": new[:1], "key_b": ids[:1], "score": [70.0] * len(new[:1]),
                                 "reason": ["同一企业"] * len(new[:1])})
        st.save_period(period, date(2026, 1, 5), ledger(ids), files, suspects, summary(period, items=len(ids),
                       new_items=n_new), doc, closed=_closed(ledger(ids)))
    return new


def test_rerun_of_the_latest_period_gets_the_same_ids_and_counts_nothing_twice(st):
    first = run_period(st, "2026-W01", 2, [])
    second = run_period(st, "2026-W02", 3, [])
    again = run_period(st, "2026-W02", 3, [])
    assert first == ["JX-2026-0001", "JX-2026-0002"]
    assert again == second == ["JX-2026-0003", "JX-2026-0004", "JX-2026-0005"]
    assert len(st.snapshot("2026-W02")) == 5 and st.periods() == ["2026-W01", "2026-W02"]
    assert len(st.files_seen("2026-W02")) == 1 and len(st.files_seen()) == 2
    assert len(st.suspects("2026-W02")) == 1
    assert st.period_totals()["new_items"].tolist() == [2, 3]
    assert st.doc_number("2026-W02") == 16


def test_rerun_with_fewer_new_items_frees_their_ids(st):
    run_period(st, "2026-W01", 1, [])
    run_period(st, "2026-W02", 3, [])
    assert run_period(st, "2026-W02", 1, []) == ["JX-2026-0002"]
    assert run_period(st, "2026-W03", 1, []) == ["JX-2026-0003"]


def test_discard_of_an_earlier_period_is_refused(st):
    run_period(st, "2026-W01", 1, [])
    run_period(st, "2026-W02", 1, [])
    with pytest.raises(UsageError, match="2026-W02"):
        st.discard_period("2026-W01")
    assert st.snapshot("2026-W01")["item_id"].tolist() == ["JX-2026-0001"]


def test_discard_removes_the_absorptions_made_in_that_period(st):
    run_period(st, "2026-W01", 2, [])
    st.mark_absorbed("JX-2026-0002", "JX-2026-0001", "2026-W02")
    st.discard_period("2026-W02")
    assert st.absorbed() == {}


def test_save_replaces_an_already_saved_period(st):
    save(st, "2026-W01", ledger(["JX-2026-0001", "JX-2026-0002"]), files=[{"name": "a.xlsx"}])
    save(st, "2026-W01", ledger(["JX-2026-0001"]), files=[{"name": "b.xlsx"}])
    assert len(st.snapshot("2026-W01")) == 1
    assert st.files_seen()["name"].tolist() == ["b.xlsx"]


# --- transactions ---

def test_exception_in_a_transaction_leaves_the_database_unchanged(st):
    run_period(st, "2026-W01", 2, [])
    before = dump(st.path)
    with pytest.raises(KeyError):
        with st.transaction():
            st.discard_period("2026-W01")
            st.allocate_item_ids(2026, 5, "2026-W01")
            st.record_corrections(pd.DataFrame([{"action": "merge", "item_id": "JX-2026-0001"}]), "2026-W01")
            st.mark_absorbed("JX-2026-0002", "JX-2026-0001", "2026-W01")
            raise KeyError("boom")
    assert dump(st.path) == before
    assert st.allocate_item_ids(2026, 1, "2026-W02") == ["JX-2026-0003"]


def test_nested_failure_rolls_back_only_the_inner_block(st):
    with st.transaction():
        st.mark_absorbed("JX-2026-0001", "JX-2026-0009", "2026-W01")
        with pytest.raises(ValueError):
            with st.transaction():
                st.mark_absorbed("JX-2026-0002", "JX-2026-0009", "2026-W01")
                raise ValueError
    assert st.absorbed() == {"JX-2026-0001": "JX-2026-0009"}


def test_a_killed_process_leaves_the_database_as_before(st, tmp_path):
    run_period(st, "2026-W01", 1, [])
    before = dump(st.path)
    script = (
        "import os, sys, datetime, pandas as pd\n"
        "from pipeline.store import Store\n"
        "st = Store(sys.argv[1])\n"
        "with st.transaction():\n"
        "    st.discard_period('2026-W01')\n"
        "    st.allocate_item_ids(2026, 3, '2026-W01')\n"
        "    os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(st.path)], cwd=ROOT, capture_output=True)
    assert done.returncode == 9, done.stderr
    assert dump(st.path) == before


def test_a_run_holding_the_lock_makes_another_fail_with_a_run_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    first, second = Store(tmp_path / "l.sqlite"), Store(tmp_path / "l.sqlite")
    try:
        with first.transaction():
            with pytest.raises(RunError, match="另一次运行"):
                with second.transaction():
                    pass
    finally:
        first.close()
        second.close()


def test_the_store_can_be_opened_and_read_while_a_run_holds_the_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    with Store(tmp_path / "l.sqlite") as first:
        save(first, "2026-W01", ledger(["A"]))
        with first.transaction():
            first.discard_period("2026-W01")
            with Store(tmp_path / "l.sqlite") as reader:
                assert reader.snapshot("2026-W01")["item_id"].tolist() == ["A"]


# --- history, totals, doc numbers ---

def test_history_across_three_periods(st):
    save(st, "2026-W01", ledger(["JX-2026-0001"], amount=10.0, deadline=date(2026, 1, 10)), as_of=date(2026, 1, 1))
    save(st, "2026-W02", ledger(["JX-2026-0001", "JX-2026-0002"], amount=12.0, paid=2.0, deadline=date(2026, 1, 10),
                                overdue=True, flags="逾期", sources="a.xlsx:台账:5"), as_of=date(2026, 1, 8))
    save(st, "2026-W03", ledger(["JX-2026-0001"], status="已办结", amount=12.0, paid=12.0), as_of=date(2026, 1, 15))
    hist = st.history("JX-2026-0001")
    assert list(hist.columns) == ["period", "as_of", "status", "amount", "paid", "deadline", "overdue", "sources", "flags"]
    assert hist["period"].tolist() == ["2026-W01", "2026-W02", "2026-W03"]
    assert hist["as_of"].tolist() == [date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)]
    assert hist["status"].tolist() == ["整改中", "整改中", "已办结"]
    assert hist["amount"].tolist() == [10.0, 12.0, 12.0] and math.isnan(hist["paid"][0])
    assert hist["overdue"].tolist() == [False, True, False] and hist["flags"].tolist() == ["", "逾期", ""]
    assert hist["deadline"].tolist() == [date(2026, 1, 10), date(2026, 1, 10), None]
    assert st.history("JX-2026-0002")["period"].tolist() == ["2026-W02"]
    assert len(st.history("JX-2099-0001")) == 0


def test_period_totals_come_from_the_saved_periods(st):
    save(st, "2026-W01", ledger(["A", "B", "C"], status=["已办结", "整改中", "未启动"]), as_of=date(2026, 1, 1),
         new_items=3, closed_this_period=1, overdue=1)
    save(st, "2026-W02", ledger(["A", "B", "C", "D"], status=["已办结", "已办结", "整改中", "整改中"]),
         as_of=date(2026, 1, 8), new_items=1, closed_this_period=1, overdue=0)
    totals = st.period_totals()
    assert list(totals.columns) == ["period", "as_of", "items", "open", "closed", "new_items",
                                    "closed_this_period", "overdue"]
    assert totals.to_dict("records") == [
        {"period": "2026-W01", "as_of": date(2026, 1, 1), "items": 3, "open": 2, "closed": 1, "new_items": 3,
         "closed_this_period": 1, "overdue": 1},
        {"period": "2026-W02", "as_of": date(2026, 1, 8), "items": 4, "open": 2, "closed": 2, "new_items": 1,
         "closed_this_period": 1, "overdue": 0}]


def test_period_totals_of_an_empty_store(st):
    assert len(st.period_totals()) == 0


def test_doc_numbers(st):
    assert st.next_doc_number(15) == 15 and st.doc_number("2026-W01") is None
    save(st, "2026-W01", ledger(["A"]), doc_number=15)
    save(st, "2026-W02", ledger(["A"]), doc_number=None)
    assert st.doc_number("2026-W01") == 15 and st.doc_number("2026-W02") is None
    assert st.next_doc_number(15) == 16
    save(st, "2026-W03", ledger(["A"]), doc_number=np.int64(20))
    assert st.next_doc_number(15) == 21


def test_summary_with_dates_and_numpy_values_is_saved(st):
    with st.transaction():
        st.save_period("2026-W01", date(2026, 1, 1), ledger(["A"]), [], pd.DataFrame(),
                       {"as_of": date(2026, 1, 1), "totals": {"new_items": np.int64(4)}, "set": {"b", "a"}}, 1, closed=0)
    assert st.period_totals()["new_items"].tolist() == [4]


# --- files, suspects, corrections, absorbed ---

def test_files_seen_keep_hashes_for_duplicate_detection(st):
    files = [{"name": "住建局.xlsx", "sha256": "f" * 64, "size": 2048, "mtime": 1767225600.5,
              "department": "县住房和城乡建设局", "disposition": "processed", "reason": "",
              "rows_read": np.int64(3), "rows_accepted": 2, "rows_rejected": 1},
             {"name": "未知.xlsx", "sha256": "0" * 64, "size": 10, "mtime": 1.0, "department": None,
              "disposition": "rejected", "reason": "无法识别填报单位", "rows_read": 0, "rows_accepted": 0,
              "rows_rejected": 0}]
    save(st, "2026-W01", ledger(["A"]), files=files)
    save(st, "2026-W02", ledger(["A"]), files=files[:1])
    seen = st.files_seen()
    assert seen["period"].tolist() == ["2026-W01", "2026-W01", "2026-W02"]
    assert seen["sha256"].tolist() == ["f" * 64, "0" * 64, "f" * 64]
    first = st.files_seen("2026-W01").iloc[0]
    assert (first["size"], first["mtime"], first["rows_read"], first["rows_rejected"]) == (2048, 1767225600.5, 3, 1)
    assert pd.isna(st.files_seen("2026-W01").iloc[1]["department"])


def test_suspects_accept_merge_keys_or_item_columns(st):
    a = pd.DataFrame({"key_a": ["A"], "key_b": ["B"], "score": [72.0], "reason": ["同一企业、描述相似度 72"],
                      "company": ["某公司"]})
    save(st, "2026-W01", ledger(["A", "B"]), suspects=a)
    b = pd.DataFrame({"item_a": ["A"], "item_b": ["C"], "score": [np.float64(60)], "reason": ["类别不同"]})
    save(st, "2026-W02", ledger(["A", "B", "C"]), suspects=b)
    got = st.suspects()
    assert got[["period", "item_a", "item_b", "score"]].values.tolist() == [["2026-W01", "A", "B", 72.0],
                                                                            ["2026-W02", "A", "C", 60.0]]


def decisions(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["action", "item_id", "other", "value", "note", "row"])


def test_corrections_are_upserted_by_content(st):
    workbook = decisions(("merge", "JX-2026-0002", "JX-2026-0001", None, "同一事项", 2),
                         ("set_category", "JX-2026-0003", math.nan, "B3", "", 3),
                         ("confirm_closed", "JX-2026-0004", None, date(2026, 1, 20), None, 4))
    st.record_corrections(workbook, "2026-W01")
    st.record_corrections(workbook, "2026-W01")
    workbook.loc[0, "note"] = "经核实为同一事项"
    st.record_corrections(workbook, "2026-W02")
    st.record_corrections(decisions(("set_category", "JX-2026-0003", None, "B5", "再改", 2)), "2026-W02")
    got = st.corrections()
    assert list(got.columns)[:7] == ["action", "item_id", "other", "value", "note", "period", "recorded_at"]
    assert got[["action", "item_id", "value", "period"]].values.tolist() == [
        ["merge", "JX-2026-0002", "", "2026-W01"], ["set_category", "JX-2026-0003", "B3", "2026-W01"],
        ["confirm_closed", "JX-2026-0004", "2026-01-20", "2026-W01"], ["set_category", "JX-2026-0003", "B5", "2026-W02"]]
    assert got.loc[0, "note"] == "经核实为同一事项" and got.loc[0, "other"] == "JX-2026-0001"
    assert got["recorded_at"].map(lambda s: datetime.fromisoformat(s)).notna().all()


def test_empty_corrections_record_nothing(st):
    st.record_corrections(decisions(), "2026-W01")
    st.record_corrections(None, "2026-W01")
    assert len(st.corrections()) == 0


def test_absorbed_items(st):
    st.mark_absorbed("JX-2026-0002", "JX-2026-0001", "2026-W01")
    st.mark_absorbed("JX-2026-0003", "JX-2026-0001", "2026-W01")
    st.mark_absorbed("JX-2026-0002", "JX-2026-0001", "2026-W02")
    assert st.absorbed() == {"JX-2026-0002": "JX-2026-0001", "JX-2026-0003": "JX-2026-0001"}


# --- backups ---

def test_backup_keeps_only_the_last_ones_and_is_a_working_copy(st, tmp_path):
    folder = tmp_path / "backups"
    assert st.backup(folder) is None  # nothing saved yet
    save(st, "2026-W01", ledger(["JX-2026-0001"]))
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    start = datetime(2026, 1, 5, 9, 0, 0)
    made = [st.backup(folder, keep=3, now=start + timedelta(minutes=i)) for i in range(6)]
    assert made[-1].name == "ledger-20260105-090500.sqlite"
    left = sorted(p.name for p in folder.iterdir())
    assert left == ["ledger-20260105-090300.sqlite", "ledger-20260105-090400.sqlite",
                    "ledger-20260105-090500.sqlite", "notes.txt"]
    with Store(made[-1]) as copy:
        assert copy.snapshot("2026-W01")["item_id"].tolist() == ["JX-2026-0001"]


def test_backup_of_a_missing_database_file_is_none(st, tmp_path):
    st.close()
    st.path.unlink()
    assert st.backup(tmp_path / "b") is None
    st._db = connect(tmp_path / "other.sqlite")  # let the fixture close something
