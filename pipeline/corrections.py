"""The office's corrections workbook: `<corrections folder>/更正.xlsx`, sheet 更正.

One line per decision: 操作 (合并 / 不合并 / 拆分 / 改类别 / 确认办结), 问题编号, 另一问题编号或单位,
新值, 说明. The workbook is read again at every run, so a decision keeps applying until the office
deletes its line. A line that cannot be used is not guessed at: it becomes a 提醒 finding
(`correction_invalid`) and the rest of the workbook still applies.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.classify import read_category
from pipeline.core.config import Config, item_id_pattern
from pipeline.core.normalise import parse_date
from pipeline.core.text import cell_text, header_key

ACTIONS = {
    "合并": "merge",
    "不合并": "keep_apart",
    "拆分": "split",
    "改类别": "set_category",
    "确认办结": "confirm_closed",
}
FILE_NAME, SHEET_NAME = "更正.xlsx", "更正"
HEADERS = {"操作": "action", "问题编号": "item_id", "另一问题编号或单位": "other", "新值": "value", "说明": "note"}
DECISION_COLUMNS = ["action", "item_id", "other", "value", "note", "row"]
HEADER_SCAN_ROWS = 10
GUIDE = {
    "合并": ("问题编号填保留的事项；另一问题编号或单位填被并入的事项编号", "JX-2026-0001 | JX-2026-0002"),
    "不合并": ("两个事项确认不是同一问题：填两个问题编号，以后不再列为疑似重复", "JX-2026-0003 | JX-2026-0004"),
    "拆分": ("某单位报送的行不属于该事项：填问题编号和该单位名称，该单位的行另立事项", "JX-2026-0005 | 县信访局"),
    "改类别": ("更正事项的问题类别：新值填类别代码或名称（如 B3）", "JX-2026-0006 | | B3"),
    "确认办结": ("信用办核实事项已办结：新值可填办结日期，不填按运行日期", "JX-2026-0007 | | 2026-11-20"),
}


def office_decisions(folder: Path, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The office's decisions (and findings on lines that cannot be applied); an empty corrections
    workbook is put in place the first time, to be filled."""
    if not (folder / FILE_NAME).exists():
        write_corrections_template(folder / FILE_NAME)
    return read_corrections(folder, config)


def read_corrections(folder: Path, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(decisions: action,item_id,other,value,note,row ; findings for the lines that cannot be used).
    No workbook means no decisions."""
    path = Path(folder) / FILE_NAME
    if not path.is_file() or _only_header(path):
        return _decisions([]), fnd.table()
    try:
        lines = _read_lines(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return _decisions([]), fnd.table([_finding(0, f"文件无法读取（{type(exc).__name__}）")])
    decisions, found = [], []
    id_pattern = item_id_pattern(config)
    for row, cells in lines:
        decision, problem = parse_line(cells, config, id_pattern)
        if problem:
            found.append(_finding(row, problem, value=cells.get("action", "")))
        elif decision:
            decisions.append({**decision, "row": row})
    return _decisions(decisions), fnd.table(found)


def parse_line(cells: dict[str, object], config: Config, id_pattern: re.Pattern) -> tuple[dict | None, str]:
    """One line as a decision, or (None, why it cannot be used); (None, "") for a blank line."""
    text = {key: cell_text(cells.get(key)) for key in HEADERS.values()}
    if not any(text.values()):
        return None, ""
    action = ACTIONS.get(text["action"].replace(" ", ""))
    if not action:
        return None, f"操作“{text['action']}”应为 {'、'.join(ACTIONS)} 之一"
    item_id = _item_id(text["item_id"])
    if not id_pattern.fullmatch(item_id):
        return None, f"问题编号“{text['item_id']}”格式不对，应如 JX-2026-0001"
    other, value, problem = _arguments(action, text, item_id, cells.get("value"), config, id_pattern)
    if problem:
        return None, problem
    return {"action": action, "item_id": item_id, "other": other, "value": value, "note": text["note"]}, ""


def _arguments(
    action: str, text: dict[str, str], item_id: str, raw_value, config: Config, id_pattern: re.Pattern
) -> tuple[str, str, str]:
    """(other, value, problem) checked for the action."""
    if action in ("merge", "keep_apart"):
        other = _item_id(text["other"])
        if not id_pattern.fullmatch(other) or other == item_id:
            return "", "", f"“另一问题编号或单位”应填另一个问题编号（现为“{text['other']}”）"
        return other, "", ""
    if action == "split":
        department = config.department(text["other"])
        if not department:
            return "", "", f"“另一问题编号或单位”应填单位名录中的单位（现为“{text['other']}”）"
        return department, "", ""
    if action == "set_category":
        code = read_category(text["value"], config) if text["value"] else None
        return ("", code, "") if code else ("", "", f"新值“{text['value']}”不是有效的问题类别")
    closed, problem = parse_date(raw_value)
    if problem:
        return "", "", f"新值“{text['value']}”不是有效的办结日期"
    return "", closed.isoformat() if isinstance(closed, date) else "", ""


def _item_id(text: str) -> str:
    return text.replace(" ", "").upper()


def _only_header(path: Path) -> bool:
    """Sheet 更正 holds its header and no cell below it (the workbook as first put in place): no decisions.
    A quick look through python-calamine (already loaded for the inbox); anything else, or any doubt,
    is False and the workbook is read with openpyxl as usual."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        if SHEET_NAME not in book.sheet_names:
            return False
        rows = [tuple(r) for r in book.get_sheet_by_name(SHEET_NAME).to_python(skip_empty_area=False)]
        top, _ = _header(rows)
    except Exception:  # noqa: BLE001 - not sure: let openpyxl read it, and report what it finds
        return False
    return all(cell is None or cell == "" for line in rows[top + 1 :] for cell in line)


def _read_lines(path: Path) -> list[tuple[int, dict[str, object]]]:
    """(Excel row, {key: cell value}) for each line below the header of sheet 更正."""
    import openpyxl  # only when the office's workbook is read

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        wb.close()
    top, columns = _header(rows)
    return [
        (top + n + 2, {key: line[i] if i < len(line) else None for key, i in columns.items()})
        for n, line in enumerate(rows[top + 1 :])
    ]


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]]:
    wanted = {header_key(name): key for name, key in HEADERS.items()}
    for top, line in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = {
            wanted[header_key(cell_text(v))]: i for i, v in enumerate(line) if header_key(cell_text(v)) in wanted
        }
        if "action" in columns and "item_id" in columns:
            return top, columns
    raise ValueError("no header")


def _finding(row: int, detail: str, value: object = "") -> dict:
    where = f"第{row}行" if row else f"（{FILE_NAME}）"
    return fnd.make(
        "correction_invalid",
        file=FILE_NAME,
        sheet=SHEET_NAME,
        row=row,
        column="操作" if row else "",
        value=cell_text(value),
        where=where,
        detail=detail,
    )


def _decisions(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=DECISION_COLUMNS)
    frame["row"] = frame["row"].astype("int64")
    return frame


def write_corrections_template(path: Path) -> Path:
    """The empty corrections workbook: a note explaining each action, the header, a dropdown for 操作."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    try:
        _write_sheet(wb)
        _write_guide(wb)
    finally:
        wb.close()
    return path


def _write_sheet(wb) -> None:
    ws = wb.add_worksheet(SHEET_NAME)
    note = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"})
    lines = [f"{name}：{what}" for name, (what, _) in GUIDE.items()]
    ws.merge_range(
        0, 0, 0, len(HEADERS) - 1, "说明：每行一项决定，下次运行起生效；删除该行即撤销。\n" + "\n".join(lines), note
    )
    ws.set_row(0, 15 * (len(lines) + 1))
    for col, name in enumerate(HEADERS):
        ws.write_string(1, col, name, head)
    for col, width in enumerate((10, 16, 22, 14, 40)):
        ws.set_column(col, col, width)
    ws.data_validation(
        2,
        0,
        1000,
        0,
        {"validate": "list", "source": list(ACTIONS), "error_title": "操作", "error_message": "请从下拉列表选择"},
    )
    ws.freeze_panes(2, 0)


def _write_guide(wb) -> None:
    ws = wb.add_worksheet("填写说明")
    head = wb.add_format({"bold": True, "border": 1})
    ws.write_row(0, 0, ["操作", "填写方法", "示例（问题编号 | 另一问题编号或单位 | 新值）"], head)
    for row, (name, (what, example)) in enumerate(GUIDE.items(), start=1):
        ws.write_row(row, 0, [name, what, example])
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 40)
