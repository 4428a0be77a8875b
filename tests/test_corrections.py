"""The office's corrections workbook: reading each action, refusing unusable lines, the template."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.core import findings as fnd
from pipeline.core.config import load_config
from pipeline.corrections import (ACTIONS, DECISION_COLUMNS, FILE_NAME, SHEET_NAME, read_corrections,
                                  write_corrections_template)
from pipeline.merge.match import merge_rows
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["操作", "问题编号", "另一问题编号或单位", "新值", "说明"]


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


def workbook(folder: Path, lines: list[list], above: list[list] | None = None, sheet: str = SHEET_NAME) -> Path:
    """更正.xlsx written with openpyxl: optional lines above the header, the header, then the lines."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in (above or []) + [HEADER] + lines:
        ws.append(line)
    path = folder / FILE_NAME
    wb.save(path)
    return path


def test_no_workbook_means_no_decisions(tmp_path, config):
    decisions, found = read_corrections(tmp_path, config)
    assert decisions.empty and list(decisions.columns) == DECISION_COLUMNS and found.empty


def test_every_action_is_read(tmp_path, config):
    workbook(tmp_path, [
        ["合并", "JX-2026-0001", "jx-2026-0002", None, "同一工程"],
        ["不合并", "JX-2026-0003", "JX-2026-0004", None, ""],
        ["拆分", "JX-2026-0005", "信访局", None, "信访件另立"],
        ["改类别", "JX-2026-0006", None, "B3 因政策变化、规划调整造成合同约定无法兑现问题", ""],
        ["确认办结", "JX-2026-0007", None, datetime(2026, 11, 20), ""],
        ["确认办结", "JX-2026-0008", None, None, ""],
    ])
    decisions, found = read_corrections(tmp_path, config)
    assert found.empty
    got = [tuple(r) for r in decisions[["action", "item_id", "other", "value"]].itertuples(index=False)]
    assert got == [("merge", "JX-2026-0001", "JX-2026-0002", ""), ("keep_apart", "JX-2026-0003", "JX-2026-0004", ""),
                   ("split", "JX-2026-0005", "县信访局", ""), ("set_category", "JX-2026-0006", "", "B3"),
                   ("confirm_closed", "JX-2026-0007", "", "2026-11-20"), ("confirm_closed", "JX-2026-0008", "", "")]
    assert list(decisions["row"]) == [2, 3, 4, 5, 6, 7]
    assert decisions.iloc[0]["note"] == "同一工程"


@pytest.mark.parametrize("line, words", [
    (["合拼", "JX-2026-0001", "JX-2026-0002"], "操作"),
    (["合并", "", "JX-2026-0002"], "问题编号"),
    (["合并", "2026-1", "JX-2026-0002"], "问题编号"),
    (["合并", "JX-2026-0001", "JX-2026-0001"], "另一个问题编号"),
    (["不合并", "JX-2026-0001", "县住建局"], "另一个问题编号"),
    (["拆分", "JX-2026-0001", "县气象台"], "单位名录"),
    (["改类别", "JX-2026-0001", None, "C9"], "问题类别"),
    (["确认办结", "JX-2026-0001", None, "十一月底左右"], "办结日期"),
])
def test_unusable_lines_become_findings_and_others_still_apply(tmp_path, config, line, words):
    workbook(tmp_path, [line, ["合并", "JX-2026-0010", "JX-2026-0011"]])
    decisions, found = read_corrections(tmp_path, config)
    assert list(decisions["item_id"]) == ["JX-2026-0010"]
    assert list(found["code"]) == ["correction_invalid"] and list(found["row"]) == [2]
    assert found.iloc[0]["severity"] == fnd.WARNING
    assert words in found.iloc[0]["message"] and "第2行" in found.iloc[0]["message"]


def test_blank_lines_and_lines_above_the_header_are_skipped(tmp_path, config):
    workbook(tmp_path, [[None] * 5, ["改类别", "JX-2026-0001", None, "财政资金紧张", None]],
             above=[["信用办更正表"], ["说明：每行一项决定"]])
    decisions, found = read_corrections(tmp_path, config)
    assert found.empty
    assert decisions[["action", "value", "row"]].values.tolist() == [["set_category", "B5", 5]]


def test_unreadable_workbook_is_one_finding(tmp_path, config):
    (tmp_path / FILE_NAME).write_bytes(b"not a zip file")
    decisions, found = read_corrections(tmp_path, config)
    assert decisions.empty
    assert list(found["code"]) == ["correction_invalid"] and found.iloc[0]["row"] == 0
    assert "无法读取" in found.iloc[0]["message"]


def test_workbook_without_header_is_one_finding(tmp_path, config):
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "写写"])
    wb.save(tmp_path / FILE_NAME)
    decisions, found = read_corrections(tmp_path, config)
    assert decisions.empty and len(found) == 1


def test_template_has_header_dropdown_and_note_and_reads_back(tmp_path, config):
    path = write_corrections_template(tmp_path / FILE_NAME)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAME]
    assert [c.value for c in ws[2]] == HEADER
    assert ws["A1"].value.startswith("说明") and all(name in ws["A1"].value for name in ACTIONS)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and "A3" in str(lists[0].sqref)
    assert all(name in lists[0].formula1 for name in ACTIONS)
    empty, found = read_corrections(tmp_path, config)
    assert empty.empty and found.empty
    ws.append(["不合并", "JX-2026-0001", "JX-2026-0002", None, None])
    wb.save(path)
    decisions, found = read_corrections(tmp_path, config)
    assert found.empty and decisions[["action", "row"]].values.tolist() == [["keep_apart", 3]]


def test_decisions_read_from_the_workbook_drive_the_merge(tmp_path, config):
    workbook(tmp_path, [["合并", "JX-2026-0001", "JX-2026-0002"]])
    decisions, _ = read_corrections(tmp_path, config)
    items = pd.DataFrame([
        {"item_id": "JX-2026-0001", "category": "B1", "company": "甲公司", "uscc": "", "description": "路灯工程款",
         "case_no": "", "departments": "县住房和城乡建设局", "status": "整改中"},
        {"item_id": "JX-2026-0002", "category": "B5", "company": "乙公司", "uscc": "", "description": "资金未到位",
         "case_no": "", "departments": "县财政局", "status": "整改中"}])
    rows = pd.DataFrame([{"file": "财政.xlsx", "sheet": "台账", "row": 4, "department": "县财政局", "file_time": 1.0,
                          **{c.key: "" for c in config.columns}, "item_id": "JX-2026-0002", "company": "乙公司",
                          "category": "B5", "description": "资金未到位", "status": "整改中", "amount": float("nan"),
                          "paid": float("nan"), "category_inferred": False, "category_reason": ""}])
    result = merge_rows(rows, items, decisions, config)
    assert list(result.rows["item_key"]) == ["JX-2026-0001"]
    assert result.absorbed == {"JX-2026-0002": "JX-2026-0001"}
