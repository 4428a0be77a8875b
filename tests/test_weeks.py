"""A two-week scenario through the real `run` command: new, merged, closed, overdue, not resubmitted, reruns."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.ledgerfiles import write_ledger
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
W1, W2 = "2026-11-19", "2026-11-26"

CASE = {"category": "A1", "company": "郏县鑫源建筑工程有限公司", "description": "县政府被申请强制执行工程款，尚未执行完毕",
        "case_no": "（2021）豫0425执123号", "amount": 120, "status": "整改中", "deadline": date(2026, 12, 31),
        "owner_unit": "县住房和城乡建设局"}
DISPUTE = {"category": "B1", "company": "郏县恒达商贸有限公司", "description": "县城区道路改造工程竣工验收后，工程尾款86万元至今未支付",
           "amount": 86, "status": "整改中", "deadline": date(2026, 11, 20)}
OTHER = {"category": "B5", "company": "郏县绿源农业开发有限公司", "description": "因财政资金紧张，农业产业园基础设施补助资金未拨付到位",
         "amount": 40, "status": "未启动", "deadline": date(2027, 3, 31)}


def court_row(case_no: str) -> dict:
    return {**CASE, "case_no": case_no, "owner_unit": "县住房和城乡建设局", "source": "法院"}


@pytest.fixture()
def office(tmp_path):
    config = load_config(config_path())
    base = tmp_path / "office"
    (base / "inbox").mkdir(parents=True)
    return base, config


def run(base: Path, as_of: str) -> int:
    return main(["run", "--config", str(config_path()), "--inbox", str(base / "inbox"),
                 "--outbox", str(base / "outbox"), "--db", str(base / "ledger.sqlite"), "--as-of", as_of])


def week1(base: Path, config) -> None:
    inbox = base / "inbox"
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", [CASE, DISPUTE, OTHER], date(2026, 11, 18))
    write_ledger(inbox / "法院.xlsx", config, "郏县人民法院", [court_row("(2021)豫0425执字第123号")], date(2026, 11, 18))
    write_ledger(inbox / "信访局.xlsx", config, "县信访局",
                 [{**DISPUTE, "company": "恒达商贸有限责任公司", "source": "信访",
                   "description": "企业反映：县城区道路改造工程已竣工验收，但工程尾款86万元一直未支付"}], date(2026, 11, 18))
    write_ledger(inbox / "财政局.xlsx", config, "县财政局", [{"company": "经排查无相关问题"}], date(2026, 11, 18))


def week2(base: Path, config) -> None:
    inbox = base / "inbox"
    shutil.rmtree(inbox)
    inbox.mkdir()
    closed = {**DISPUTE, "status": "已办结", "paid": 86, "closed_on": date(2026, 11, 24)}
    new = {"category": "B3", "company": "郏县宏图置业有限公司", "description": "因规划调整，已签约地块用途变更，合同无法履行",
           "amount": 300, "status": "整改中", "deadline": date(2026, 11, 25)}
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", [CASE, closed, new], date(2026, 11, 25))
    write_ledger(inbox / "法院.xlsx", config, "县人民法院", [court_row("（2021）豫0425执123号")], date(2026, 11, 25))
    write_ledger(inbox / "交通局.xlsx", config, "县交通运输局",
                 [{"category": "B5", "company": "郏县通达路桥有限公司", "description": "农村公路建设项目资金缺口，工程款拖欠",
                   "amount": 55, "status": "整改中"}], date(2026, 11, 25))


def manifest(base: Path, period: str) -> dict:
    return json.loads((base / "outbox" / period / "run.json").read_text(encoding="utf-8"))


def ledger_rows(base: Path, period: str) -> list[dict]:
    with open(base / "outbox" / period / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_week_one_merges_court_and_petition_duplicates(office):
    base, config = office
    week1(base, config)
    assert run(base, W1) == 0
    m = manifest(base, "2026-W47")
    t = m["totals"]
    assert t["rows_read"] == t["rows_accepted"] + t["rows_rejected"]
    assert t["rows_accepted"] == t["new_items"] + t["merged_rows"]
    assert (t["rows_read"], t["items"], t["new_items"], t["merged_rows"]) == (5, 3, 3, 2)
    assert "县财政局" in m["departments"]["zero_report"]
    rows = ledger_rows(base, "2026-W47")
    case = next(r for r in rows if r["case_no"])
    assert case["departments"] == "县人民法院、县住房和城乡建设局"
    dispute = next(r for r in rows if r["company"].startswith("郏县恒达"))
    assert set(dispute["departments"].split("、")) == {"县信访局", "县住房和城乡建设局"}
    assert dispute["overdue"] == "false"


def test_week_two_progress_new_dropped_first_time_and_reruns(office):
    base, config = office
    week1(base, config)
    assert run(base, W1) == 0
    week2(base, config)
    assert run(base, W2) == 0
    t = manifest(base, "2026-W48")["totals"]
    assert (t["items"], t["new_items"], t["closed_this_period"], t["not_resubmitted"]) == (5, 2, 1, 1)
    rows = {r["company"]: r for r in ledger_rows(base, "2026-W48")}
    assert rows["郏县绿源农业开发有限公司"]["flags"].count("本期未报") == 1
    assert rows["郏县宏图置业有限公司"]["overdue"] == "true"
    assert rows["郏县恒达商贸有限公司"]["status"] == "已办结"
    assert t["overdue"] == sum(r["overdue"] == "true" for r in rows.values())
    first = (base / "outbox" / "2026-W48" / "ledger.csv").read_bytes()
    assert run(base, W2) == 0
    assert (base / "outbox" / "2026-W48" / "ledger.csv").read_bytes() == first
    assert manifest(base, "2026-W48")["totals"] == t
    assert run(base, W1) == 2
    from tests.report_checks import assert_reports_match

    assert_reports_match(base / "outbox" / "2026-W47")
    assert_reports_match(base / "outbox" / "2026-W48")


def test_week_two_flags_of_new_updated_and_carried_items_and_no_nan(office):
    """Regression: after pd.concat the `touched` marks were numpy objects, so week-2 items lost their
    flags and showed `nan` (issue 10 item 6)."""
    base, config = office
    week1(base, config)
    assert run(base, W1) == 0
    week2(base, config)
    inferred = {"company": "郏县永安物流有限公司", "description": "县政府换届后新任领导不认可前任签订的物流园协议，承诺的补助资金至今未兑现",
                "amount": 20, "status": "整改中", "deadline": date(2027, 1, 31)}
    write_ledger(base / "inbox" / "商务局.xlsx", config, "县商务局", [inferred], date(2026, 11, 25))
    assert run(base, W2) == 0
    rows = {r["company"]: r for r in ledger_rows(base, "2026-W48")}
    new = rows["郏县永安物流有限公司"]
    assert new["category_inferred"] == "true" and new["flags"].startswith("类别推断（"), new["flags"]
    assert rows["郏县宏图置业有限公司"]["flags"] == "逾期"                 # new, overdue, nothing else
    assert rows["郏县绿源农业开发有限公司"]["flags"] == "本期未报"          # carried over, unit reported
    assert "疑似重复" not in rows["郏县恒达商贸有限公司"]["flags"]          # updated and closed
    week_dir = base / "outbox" / "2026-W48"
    assert "nan" not in (week_dir / "ledger.csv").read_text(encoding="utf-8-sig").lower()
    for book in [*week_dir.glob("*.xlsx"), *(week_dir / "feedback").glob("*.xlsx")]:
        wb = openpyxl.load_workbook(book, read_only=True)
        cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        assert not [c for c in cells if c.strip().lower() == "nan" or "nan；" in c or "；nan" in c], book.name
