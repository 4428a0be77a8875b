"""The bundled sample inbox end to end, as the README's first command runs it."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DUPLICATES = [  # (company fragment, departments that must both be named on one item)
    ("鑫源建筑", {"县人民法院", "县住房和城乡建设局"}),
    ("恒达商贸", {"县人民法院", "县自然资源局"}),
    ("瑞丰电气", {"县人民法院", "县财政局"}),
    ("宏图市政", {"县住房和城乡建设局", "县信访局"}),
    ("通达客运", {"县交通运输局", "县信访局"}),
    ("金桥食品", {"县商务局", "县政务服务和大数据管理局"}),
    ("三苏园", {"县财政局", "县政务服务和大数据管理局"}),
]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    before = digest(EXAMPLES)
    code = main(["run", "--config", str(config_path()), "--inbox", str(EXAMPLES), "--outbox", str(out),
                 "--db", str(out / "ledger.sqlite"), "--as-of", "2026-11-26"])
    assert code == 0
    assert digest(EXAMPLES) == before, "the demo must not move or change the committed samples"
    return out / "2026-W48"


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_row_is_accounted_for(demo):
    manifest = json.loads((demo / "run.json").read_text(encoding="utf-8"))
    t = manifest["totals"]
    assert t["rows_read"] == t["rows_accepted"] + t["rows_rejected"] > 0
    assert t["rows_accepted"] == t["new_items"] + t["merged_rows"]
    assert t["rows_read"] == sum(f["rows_read"] for f in manifest["files"])
    rejected = read_csv(demo / "rejected.csv")
    assert len(rejected) == t["rows_rejected"] and all(r["reasons"] for r in rejected)
    assert t["items"] == len(read_csv(demo / "ledger.csv"))


def test_every_file_has_a_disposition(demo):
    manifest = json.loads((demo / "run.json").read_text(encoding="utf-8"))
    names = {f["name"] for f in manifest["files"]}
    inputs = {p.name for p in EXAMPLES.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert names == inputs  # README.md too: every inbox file is in the run's record
    assert next(f for f in manifest["files"] if f["name"] == "README.md")["disposition"] == "ignored"
    locks = [f for f in manifest["files"] if f["name"].startswith("~$")]
    assert locks and all(f["disposition"] == "ignored" for f in locks)
    kinds = {f["disposition"] for f in manifest["files"]}
    assert {"processed", "zero_report", "superseded", "duplicate", "rejected"} <= kinds
    assert all(f["reason"] for f in manifest["files"] if f["disposition"] not in ("processed", "zero_report"))


def test_cross_department_duplicates_appear_once_with_both_departments(demo):
    ledger = read_csv(demo / "ledger.csv")
    for fragment, departments in DUPLICATES:
        matches = [r for r in ledger if fragment in r["company"] and departments <= set(r["departments"].split("、"))]
        assert len(matches) == 1, fragment
    for case_no, department in (("（2024）豫0425民初1186号", "县住房和城乡建设局"), ("（2020）豫0425执456号", "县交通运输局")):
        matches = [r for r in ledger if r["case_no"] == case_no]
        assert len(matches) == 1 and set(matches[0]["departments"].split("、")) == {"县人民法院", department}


def test_formula_like_description_stays_text(demo):
    ledger = read_csv(demo / "ledger.csv")
    assert any(r["description"].startswith("'=HYPERLINK(") for r in ledger)
    summary = next(demo.glob("*.xlsx"))
    ws = openpyxl.load_workbook(summary)["总台账"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=HYPERLINK(") for t in texts)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_feedback_marks_error_cells_red_with_a_comment(demo):
    wb = openpyxl.load_workbook(demo / "feedback" / "县水利局.xlsx")
    first = wb.worksheets[0]
    assert "错误" in " ".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    rows = wb.worksheets[1]
    heads = [c.value for c in rows[1]]
    amount = heads.index("涉及金额（万元）") + 1
    red = [c for c in rows.iter_cols(min_col=amount, max_col=amount) for c in c
           if c.fill.fgColor.rgb in ("FFFF9999", "00FF9999")]
    assert red and red[0].comment and "不能小于 0" in red[0].comment.text


def test_receipt_when_every_row_passed(demo):
    wb = openpyxl.load_workbook(demo / "feedback" / "县交通运输局.xlsx")
    assert wb.sheetnames[0] == "回执"
    assert "全部通过" in " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)


def test_reports_agree_with_run_json_and_ledger(demo):
    from tests.report_checks import assert_reports_match

    assert_reports_match(demo)


def test_key_items_are_the_largest_open_items_and_the_appendix_lists_every_open_one(demo):
    import docx

    ledger = read_csv(demo / "ledger.csv")
    open_ = [r for r in ledger if r["status"] != "已办结"]
    biggest = sorted((r for r in open_ if r["amount"]), key=lambda r: (-float(r["amount"]), r["item_id"]))[:5]
    doc = docx.Document(next(demo.glob("*.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "未办结问题中涉及金额最大的5项" in text
    listed = [line.split("（")[1].split("，")[0] for line in text.split("\n")
              if line[:2] in ("1.", "2.", "3.", "4.", "5.") and "涉及金额" in line]
    assert listed == [r["item_id"] for r in biggest]
    appendix = [t for t in doc.tables if "问题编号" in t.rows[0].cells[0].text and "问题描述" in t._tbl.xml][0]
    ids = [r.cells[0].text for r in appendix.rows[1:] if r.cells[0].text.startswith("JX-")]
    assert sorted(ids) == sorted(r["item_id"] for r in open_)


def test_feedback_gives_each_accepted_row_its_item_id_and_lists_overdue_items(demo):
    ledger = read_csv(demo / "ledger.csv")
    wb = openpyxl.load_workbook(demo / "feedback" / "县交通运输局.xlsx")
    rows = wb.worksheets[1]
    heads = [c.value for c in rows[1]]
    ids = [r[heads.index("问题编号")] for r in rows.iter_rows(min_row=2, values_only=True)
           if isinstance(r[heads.index("原行号")], int)]   # the data rows, not the notes below them
    mine = {r["item_id"] for r in ledger if "县交通运输局" in r["departments"].split("、")}
    assert set(ids) == mine
    overdue = [r["item_id"] for r in ledger if r["overdue"] == "true" and "县交通运输局" in r["departments"]]
    receipt = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    assert overdue and all(i in receipt for i in overdue) and "已超过整改时限" in receipt


def test_breakdowns_by_source_type_and_sector_add_up_to_the_items(demo):
    import re

    import docx

    items = len(read_csv(demo / "ledger.csv"))
    paragraphs = [p.text for p in docx.Document(next(demo.glob("*.docx"))).paragraphs]
    for head in ("（二）按问题来源。", "（三）按企业类型。", "（四）按所属领域。"):
        text = next(p for p in paragraphs if p.startswith(head)).split("其中")[0]
        counts = [int(n) for n in re.findall(r"(\d+)项", re.sub(r"（涉及金额[^）]*）", "", text))]
        assert sum(counts) == items, head
        assert "未填写" not in text.split("另有")[0]
