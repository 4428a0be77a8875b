"""The summary workbook as the office clerk opens it (issue 10 items 7-8): what changed this week, frozen
panes, print setup, the 合计 row, 本期无, missing units as rows, paths relative to the project folder.

Two weeks through the real `run` command; every test opens the written workbooks with openpyxl."""
from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.ledgerfiles import write_ledger
from tests.test_weeks import W1, W2, week1, week2
from tests.workspace import make_project

ROOT = Path(__file__).resolve().parents[1]
LEDGER_SHEETS = ("总台账", "本期新增", "本期办结", "逾期问题")
# 县商务局 reports in week 1 only: its open item is carried over as 单位本期未报送, its closed one is not marked
COMMERCE_OPEN = {"category": "B2", "company": "郏县永丰食品有限公司", "description": "招商引资承诺的厂房租金减免未落实",
                 "amount": 30, "paid": 5, "status": "整改中", "deadline": date(2027, 6, 30)}
COMMERCE_CLOSED = {"category": "B1", "company": "郏县兴业包装有限公司", "description": "政府采购包装材料货款逾期未付",
                   "amount": 12, "paid": 12, "status": "已办结", "closed_on": date(2026, 11, 10)}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Two weeks run from a folder that is not the project folder (as a scheduled job would)."""
    base = tmp_path_factory.mktemp("office")
    config_file = make_project(base / "project")
    config = load_config(config_file)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    week1(config_file.parent, config)
    write_ledger(config_file.parent / "inbox" / "商务局.xlsx", config, "县商务局", [COMMERCE_OPEN, COMMERCE_CLOSED],
                 date(2026, 11, 18))
    cwd = os.getcwd()
    os.chdir(elsewhere)
    try:
        assert main(["run", "--config", str(config_file), "--as-of", W1]) == 0
        week2(config_file.parent, config)
        assert main(["run", "--config", str(config_file), "--as-of", W2]) == 0
    finally:
        os.chdir(cwd)
    return config_file.parent


def _run_dir(project: Path, period: str = "2026-W48") -> Path:
    return project / "outbox" / period


def _summary(project: Path, period: str = "2026-W48") -> openpyxl.Workbook:
    run_dir = _run_dir(project, period)
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return openpyxl.load_workbook(run_dir / manifest["outputs"]["summary_xlsx"])


def _header_row(ws) -> int:
    """1-based row of the table header: the first row whose first two cells are filled."""
    return next(r for r in range(1, 6) if ws.cell(r, 1).value and ws.cell(r, 2).value)


def _table(ws) -> tuple[list[str], list[dict]]:
    head = _header_row(ws)
    names = [c.value for c in ws[head]]
    rows = []
    for values in ws.iter_rows(min_row=head + 1, values_only=True):
        if all(v is None for v in values):
            break
        rows.append(dict(zip(names, values)))
    return names, rows


def _by_company(ws) -> dict[str, dict]:
    return {r["企业名称"]: r for r in _table(ws)[1]}


def test_ledger_sheets_show_the_previous_status_and_the_change_in_paid(office):
    wb = _summary(office)
    items = _by_company(wb["总台账"])
    closed = items["郏县恒达商贸有限公司"]          # 整改中 last week, closed and paid 86 this week
    assert (closed["整改状态"], closed["上期状态"], closed["本期兑付变化（万元）"]) == ("已办结", "整改中", 86)
    case = items["郏县鑫源建筑工程有限公司"]        # unchanged, never paid: no change to show
    assert (case["整改状态"], case["上期状态"], case["本期兑付变化（万元）"]) == ("整改中", "整改中", None)
    left_out = items["郏县绿源农业开发有限公司"]    # carried over: paid unchanged
    assert left_out["上期状态"] == "未启动"
    new = items["郏县宏图置业有限公司"]
    assert new["上期状态"] == "本期新增"
    names = [c.value for c in wb["总台账"][1]]
    assert names.index("上期状态") == names.index("整改状态") + 1
    assert names.index("本期兑付变化（万元）") == names.index("已兑付金额（万元）") + 1
    this_week = _by_company(wb["本期办结"])
    assert set(this_week) == {"郏县恒达商贸有限公司"} and this_week["郏县恒达商贸有限公司"]["上期状态"] == "整改中"
    assert {r["上期状态"] for r in _by_company(wb["本期新增"]).values()} == {"本期新增"}
    ws = wb["总台账"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == "郏县恒达商贸有限公司")
    assert ws.cell(row, names.index("本期兑付变化（万元）") + 1).number_format.startswith("+")  # shown +86.00


def test_items_of_a_unit_that_did_not_report_are_marked_apart_from_items_left_out(office):
    wb = _summary(office)
    items = _by_company(wb["总台账"])
    carried = items["郏县永丰食品有限公司"]["标记"]      # 县商务局 sent nothing this week
    assert "单位本期未报送" in carried and "本期未报" not in carried.replace("单位本期未报送", "")
    left_out = items["郏县绿源农业开发有限公司"]["标记"]  # 县住建局 reported but left it out
    assert "本期未报" in left_out and "单位本期未报送" not in left_out
    assert "单位本期未报送" not in (items["郏县兴业包装有限公司"]["标记"] or "")  # closed: nothing to chase
    assert not [c for c, r in items.items() if "单位本期未报送" in (r["标记"] or "") and r["整改状态"] == "已办结"]
    # ledger.csv keeps the interface's columns and flags (interface.md): the mark is the workbook's
    with open(_run_dir(office) / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    config = load_config(office / "config.yaml")
    assert reader.fieldnames == [k for k in config.column_keys if k != "seq"] + [
        "category_inferred", "departments", "sources", "first_reported", "last_reported", "overdue", "flags"]
    assert not [r for r in rows if "单位本期未报送" in r["flags"]]


def test_panes_freeze_through_the_company_column_under_the_header(office):
    wb = _summary(office)
    for name in (*LEDGER_SHEETS, "疑似重复"):
        ws = wb[name]
        names = [c.value for c in ws[_header_row(ws)]]
        assert ws.freeze_panes == f"{get_column_letter(names.index('企业名称') + 2)}{_header_row(ws) + 1}", name
    assert wb["总台账"].freeze_panes == "D2" and [c.value for c in wb["总台账"][1]][:3] == ["问题编号", "问题类别", "企业名称"]
    for ws in wb.worksheets:  # every sheet keeps its header in view
        assert ws.freeze_panes and int(ws.freeze_panes.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == _header_row(ws) + 1, ws.title


def _assert_prints_to_width(ws, header: int) -> None:
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0, ws.title
    assert ws.print_title_rows == f"${header}:${header}", (ws.title, ws.print_title_rows)
    assert ws.page_setup.orientation == "landscape", ws.title


def test_every_sheet_prints_fitted_to_the_page_width_with_the_header_repeated(office):
    wb = _summary(office)
    for ws in wb.worksheets:
        _assert_prints_to_width(ws, _header_row(ws))
    ws = wb["总台账"]  # the wide ledger prints its working columns, 问题编号 to 标记
    names = [c.value for c in ws[1]]
    min_col, _, max_col, _ = range_boundaries(ws.print_area[0].split("!")[-1].replace("$", "")) \
        if isinstance(ws.print_area, list) else range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))
    assert (min_col, names[max_col - 1]) == (1, "标记") and "问题描述" in names[:max_col]
    heights = [ws.row_dimensions[r].height or 15 for r in range(2, ws.max_row) if ws.cell(r, 1).value]
    assert heights and max(heights) > 20  # wrapped descriptions get the lines they need


def test_feedback_workbooks_print_fitted_to_the_page_width_with_repeated_rows(office):
    books = sorted((_run_dir(office) / "feedback").glob("*.xlsx"))
    assert len(books) >= 3
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, (book.name, ws.title)
            assert ws.print_title_rows, (book.name, ws.title)


def test_by_department_sheet_has_a_reported_column_and_a_total_row(office):
    wb = _summary(office)
    ws = wb["分单位"]
    names, rows = _table(ws)
    assert names[:3] == ["排名", "责任单位", "本期是否报送"]
    total, units = rows[-1], rows[:-1]
    assert total["责任单位"] == "合计" and total["排名"] is None
    for key in ("事项数", "已办结", "未办结", "逾期"):
        assert total[key] == sum(u[key] for u in units), key
    assert abs(total["涉及金额（万元）"] - sum(u["涉及金额（万元）"] for u in units)) < 0.01
    assert abs(total["办结率"] - total["已办结"] / total["事项数"]) < 1e-9
    with open(_run_dir(office) / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        ledger = list(csv.DictReader(fh))
    assert total["事项数"] == len(ledger) and total["逾期"] == sum(r["overdue"] == "true" for r in ledger)
    reported = {u["责任单位"]: u["本期是否报送"] for u in units}
    assert reported["县住房和城乡建设局"] == "是" and reported["县商务局"] == "否"
    head = _header_row(ws)
    total_row = head + len(rows)
    assert ws.cell(total_row, 2).font.bold
    _, _, _, last = range_boundaries(ws.auto_filter.ref)
    assert last == total_row - 1  # sorting or filtering the units leaves 合计 at the bottom


def test_an_empty_table_says_none_this_period(office):
    wb = _summary(office)
    empty = [ws for ws in wb.worksheets if ws.cell(_header_row(ws) + 1, 1).value == "本期无"]
    assert "数据问题" in [ws.title for ws in empty]
    for ws in wb.worksheets:
        first = ws.cell(_header_row(ws) + 1, 1).value
        assert first not in (None, ""), ws.title  # a table with no rows says 本期无, never shows nothing
    assert not any("没有被退回" in str(c.value) for c in wb["数据问题"]["A"] if c.value)


def test_submissions_list_the_missing_units_as_rows_one_can_filter(office):
    manifest = json.loads((_run_dir(office) / "run.json").read_text(encoding="utf-8"))
    ws = _summary(office)["报送情况"]
    names, rows = _table(ws)
    missing = [r["单位"] for r in rows if r["处理结果"] == "未报送"]
    assert sorted(missing) == sorted(manifest["departments"]["missing"]) and "县商务局" in missing
    assert {r["单位"] for r in rows if r["本期是否报送"] == "否"} == set(manifest["departments"]["missing"])
    assert all(r["本期是否报送"] == "是" for r in rows if r["处理结果"] in ("已处理", "零报告"))
    _, first, _, last = range_boundaries(ws.auto_filter.ref)
    assert first == _header_row(ws) and last == _header_row(ws) + len(rows)  # the missing rows are inside the filter


def test_paths_are_shown_relative_to_the_project_folder_not_where_the_command_ran(office):
    wb = _summary(office, "2026-W47")  # week 1 has the suspected court/petition pair and its instruction
    notes = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    instruction = next(n for n in notes if "更正.xlsx" in n)
    assert f"在 {Path('corrections') / '更正.xlsx'} 中填写" in instruction, instruction
    assert not [n for n in notes if str(office) in n or "elsewhere" in n or ".." in n.replace("……", "")]


def test_no_change_columns_leak_into_the_first_week_as_numbers_of_nothing(office):
    """Week 1: every item is new (上期状态 本期新增), and its change is what it has been paid."""
    items = _by_company(_summary(office, "2026-W47")["总台账"])
    assert {r["上期状态"] for r in items.values()} == {"本期新增"}
    assert items["郏县永丰食品有限公司"]["本期兑付变化（万元）"] == 5
    assert "单位本期未报送" not in " ".join(str(r["标记"] or "") for r in items.values())


def test_notes_name_only_the_counts_that_are_not_zero(office):
    """汇总 and 报送情况 say 本期未报 0 项 / 疑似重复 0 对 / 被退回的单位（0 个）：无 nowhere (issue 10 review)."""
    import re

    for period in ("2026-W47", "2026-W48"):
        wb = _summary(office, period)
        notes = [str(c.value) for name in ("汇总", "报送情况") for row in wb[name].iter_rows() for c in row
                 if isinstance(c.value, str) and len(c.value) > 12]
        assert notes and not [n for n in notes if re.search(r"(?<![\d.,])0 ?[项对个行]|（0 个", n)], notes
        assert any("总台账" in n for n in notes)
