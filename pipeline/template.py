"""The standard ledger workbook (blank, or pre-filled with a department's current items).

Everything on the sheet comes from config.yaml: columns, their names and required rules, the
enumerations, categories, header groups, title and sheet name. Only features that Excel and WPS
both support are used: merged cells, list/date/decimal validations referring to a hidden sheet,
unlocked cells on a sheet protected without a password, frozen panes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.core.config import Column, Config
from pipeline.core.context import wall_clock
from pipeline.core.errors import UsageError
from pipeline.outputs.xlsx import width_units
from pipeline.core.text import as_date, is_missing

LISTS_SHEET = "下拉列表"  # hidden; its name holds the intake skip words 下拉/列表
GUIDE_SHEET = "填表说明"
HEADER_TOP, HEADER_BOTTOM, FIRST_DATA = 2, 3, 4  # 0-based rows: header on Excel rows 3–4, data from row 5
VALIDATION_ROWS = 500  # data area that carries dropdowns and checks
BLANK_ROWS = 20  # bordered empty rows drawn (and printed) below the items
BLANK = "____"
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
WIDTH_BY_TYPE = {
    "seq": 5,
    "item_id": 12,
    "category": 18,
    "text": 11,
    "uscc": 19,
    "enum": 10,
    "case_no": 18,
    "amount": 9,
    "date": 13,
    "status": 9,
}
WIDTH_BY_KEY = {"description": 32, "measures": 26, "company": 20, "court": 14, "note": 14, "paid": 11}
GUIDE_WIDTHS = (20, 18, 62)
LINE_HEIGHT = 14  # points per wrapped line of 10-pt text
HEADER_ROW_HEIGHTS = (24, 36)
DEPARTMENT_LABEL, DATE_LABEL = "填报单位", "填报日期"  # read back by intake (intake.department_labels / date_labels)
FILLER_WIDTHS = {DEPARTMENT_LABEL: (12, 30), "填报人": (10, 14), "联系电话": (10, 16), DATE_LABEL: (10, 12)}
TEMPLATE_NAME = "{title}（模板）.xlsx"
DEPARTMENT_NAME = "{department}台账（{label}）.xlsx"
PREFILLED = "预填"  # the label of a department's pre-filled ledger made by the `template` command


@dataclass(frozen=True)
class HeaderCell:
    """One merged header cell: first/last 0-based row and column, and its text."""

    row: int
    col: int
    last_row: int
    last_col: int
    text: str
    column: Column | None = None  # None for a group parent


def default_name(
    config: Config, department: str | None = None, label: str | None = None, today: date | None = None
) -> str:
    """`<title>（模板）.xlsx`, or `<department>台账（<label, else the date>）.xlsx` for a department
    (`today`: the command's date; None: the clock's)."""
    if department:
        label = label or (today or wall_clock().date()).isoformat()
        return DEPARTMENT_NAME.format(department=department, label=label)
    return TEMPLATE_NAME.format(title=config.ledger.title)


def make_template(config: Config, department: str | None = None, output: str | Path | None = None) -> Path:
    """The `template` command: the blank standard ledger, or `department`'s (a name or an alias) pre-filled
    with its current items from the database; written to `output`, else to the default name."""
    items, name = None, default_name(config)
    if department:
        dep = config.department(department)
        if not dep:
            raise UsageError(f"单位“{department}”不在单位名录中，请写全称或 config.yaml 中的简称")
        items, name, department = _department_items(config, dep), default_name(config, dep, PREFILLED), dep
    return write_template(Path(output or name), config, department=department, items=items)


def _department_items(config: Config, department: str) -> pd.DataFrame | None:
    from pipeline.store import Store

    db = config.paths["database"]
    if not db.exists():
        raise UsageError(
            f"数据库 {db} 不存在，无法预填；请先运行 run，或用 --db 指定数据库文件（不带 --department 可生成空白模板）"
        )
    with Store(db) as store:
        return store.department_items(department)


def write_template(
    path: Path, config: Config, department: str | None = None, items: pd.DataFrame | None = None
) -> Path:
    """Write the standard ledger to `path`; with `items`, their rows are pre-filled with 问题编号."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _item_rows(config, items)
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    fmt = _formats(wb)
    ledger = wb.add_worksheet(config.ledger.sheet_name)
    guide = wb.add_worksheet(GUIDE_SHEET)
    lists = wb.add_worksheet(LISTS_SHEET)
    sources = _write_lists(lists, config, fmt)
    _write_ledger(ledger, config, fmt, department, rows, sources)
    _write_guide(guide, config, fmt)
    ledger.activate()
    wb.close()
    return path


# --- the ledger sheet ---------------------------------------------------------------------------


def _write_ledger(
    ws, config: Config, fmt: dict, department: str | None, rows: list[dict], sources: dict[str, str]
) -> None:
    last_col = len(config.columns) - 1
    ws.merge_range(0, 0, 0, last_col, config.ledger.title, fmt["title"])
    ws.set_row(0, 32)
    _write_filler(ws, config, fmt, department, sources)
    _write_header(ws, config, fmt)
    data_rows = len(rows) + BLANK_ROWS
    _set_columns(ws, config, fmt)
    _write_rows(ws, config, fmt, rows, data_rows)
    _add_validations(ws, config, sources, max(VALIDATION_ROWS, len(rows) + VALIDATION_ROWS // 5))
    ws.freeze_panes(FIRST_DATA, _frozen_columns(config))
    _page_setup(ws)
    ws.protect("", _PROTECTION)


def filler_line(department: str | None) -> str:
    """The line under the title as one text (the older form, still read by intake)."""
    return f"填报单位：{department or BLANK}  填报人：{BLANK}  联系电话：{BLANK}  填报日期：{BLANK}"


@dataclass(frozen=True)
class FillerCell:
    """One label or value on the 填报单位 row: 0-based first/last column, and what it holds."""

    col: int
    last_col: int
    label: str
    is_value: bool


def filler_cells(config: Config) -> list[FillerCell]:
    """The 填报单位 row as label/value pairs laid over the ledger's columns: each cell takes whole
    columns until it is at least as wide as FILLER_WIDTHS asks (a label, then the cell it labels)."""
    widths = [_width(c) for c in config.columns]
    cells, col = [], 0
    for label, (label_width, value_width) in FILLER_WIDTHS.items():
        for is_value, want in ((False, label_width), (True, value_width)):
            end, total = col, widths[col]
            while total < want and end + 1 < len(widths):
                end += 1
                total += widths[end]
            cells.append(FillerCell(col, end, label, is_value))
            col = end + 1
            if col >= len(widths):
                raise ValueError("台账列太少，放不下填报单位一行")  # noqa: TRY003 - 22 standard columns always fit
    return cells


def _write_filler(ws, config: Config, fmt: dict, department: str | None, sources: dict[str, str]) -> None:
    """填报单位 (dropdown of the registry), 填报人, 联系电话 and 填报日期 (a date cell), each in its own cell."""
    for cell in filler_cells(config):
        style = fmt["filler_value"] if cell.is_value else fmt["filler_label"]
        if cell.is_value and cell.label == DATE_LABEL:
            style = fmt["filler_date"]
        value = department if cell.is_value and cell.label == DEPARTMENT_LABEL and department else ""
        if cell.last_col > cell.col:
            ws.merge_range(1, cell.col, 1, cell.last_col, value if cell.is_value else f"{cell.label}：", style)
        else:
            ws.write_string(1, cell.col, value if cell.is_value else f"{cell.label}：", style)
        if not cell.is_value:
            continue
        if cell.label == DEPARTMENT_LABEL:
            ws.data_validation(
                1,
                cell.col,
                1,
                cell.col,
                {
                    "validate": "list",
                    "source": sources[DEPARTMENT_LABEL],
                    "error_type": "stop",
                    "error_title": "填报单位不在名录中",
                    "error_message": "请从下拉列表中选择本单位。本单位不在名录中的，请与县信用办联系。",
                    **_input(DEPARTMENT_LABEL, "从下拉列表选择本单位（全县单位名录）"),
                },
            )
        elif cell.label == DATE_LABEL:
            ws.data_validation(
                1,
                cell.col,
                1,
                cell.col,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": DATE_MIN,
                    "maximum": DATE_MAX,
                    "error_type": "warning",
                    "error_title": "填报日期填写有误",
                    "error_message": "请填写报送当天的日期，如 2021-12-31。",
                    **_input(DATE_LABEL, "填写报送当天的日期，如 2021-12-31"),
                },
            )
    first, last = filler_cells(config)[-1].last_col + 1, len(config.columns) - 1
    note = office_note(config)
    if first < last and note:  # the rest of the row: by when to send, and whom to call
        ws.merge_range(1, first, 1, last, note, fmt["office_note"])
    else:
        for col in range(first, last + 1):
            ws.write_blank(1, col, None, fmt["filler_label"])  # not the bordered data format of the column
    ws.set_row(1, 24)


def office_note(config: Config) -> str:
    """`每周四下班前报送；联系人：…，电话 …` from config.yaml `office:`, for the 填报单位 row."""
    office = config.office
    who = "，".join(
        p for p in (office.contact and f"信用办联系人：{office.contact}", office.phone and f"电话 {office.phone}") if p
    )
    return "；".join(p for p in (office.weekly_deadline and f"{office.weekly_deadline}报送", who) if p)


def header_cells(config: Config) -> list[HeaderCell]:
    """The merged cells of the two header rows: group parents on top, everything else spans both."""
    group_of = _group_of(config)
    cells, col = [], 0
    while col < len(config.columns):
        group = group_of.get(config.columns[col].key)
        if group is None:
            cells.append(HeaderCell(HEADER_TOP, col, HEADER_BOTTOM, col, config.columns[col].name, config.columns[col]))
            col += 1
            continue
        end = col
        while end + 1 < len(config.columns) and group_of.get(config.columns[end + 1].key) == group:
            end += 1
        cells.append(HeaderCell(HEADER_TOP, col, HEADER_TOP, end, group))
        cells += [
            HeaderCell(HEADER_BOTTOM, c, HEADER_BOTTOM, c, config.columns[c].name, config.columns[c])
            for c in range(col, end + 1)
        ]
        col = end + 1
    return cells


def _group_of(config: Config) -> dict[str, str]:
    out = {}
    for group in config.header_groups:
        for key in group.get("columns") or []:
            out[str(key)] = str(group["name"])
    return out


def _write_header(ws, config: Config, fmt: dict) -> None:
    for cell in header_cells(config):
        if (cell.row, cell.col) != (cell.last_row, cell.last_col):
            ws.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, "", fmt["head"])
        if cell.column is not None and marks_required(cell.column):
            ws.write_rich_string(cell.row, cell.col, fmt["star"], "*", fmt["head_font"], cell.text, fmt["head"])
        else:
            ws.write_string(cell.row, cell.col, cell.text, fmt["head"])
        if cell.column is not None:
            ws.data_validation(
                cell.row,
                cell.col,
                cell.last_row,
                cell.last_col,
                {"validate": "any", **_input(cell.column.name, column_hint(config, cell.column))},
            )
    for row, height in zip((HEADER_TOP, HEADER_BOTTOM), HEADER_ROW_HEIGHTS):
        ws.set_row(row, height)


def marks_required(column: Column) -> bool:
    """Columns that get the red asterisk: always required (an inferable category is asked for too)."""
    return column.required in ("yes", "infer")


def _set_columns(ws, config: Config, fmt: dict) -> None:
    for i, column in enumerate(config.columns):
        ws.set_column(i, i, _width(column), fmt[_data_format(column)])


def _width(column: Column) -> int:
    return WIDTH_BY_KEY.get(column.key, WIDTH_BY_TYPE.get(column.type, 12))


def _data_format(column: Column) -> str:
    return {"date": "date", "amount": "amount", "seq": "seq", "item_id": "item_id"}.get(column.type, "text")


def _frozen_columns(config: Config) -> int:
    """Freeze after the leading 序号/问题编号 columns, so the row stays identifiable while scrolling."""
    count = 0
    while count < len(config.columns) and config.columns[count].type in ("seq", "item_id"):
        count += 1
    return count


def _write_rows(ws, config: Config, fmt: dict, rows: list[dict], data_rows: int) -> None:
    widths = [_width(column) for column in config.columns]
    for r in range(data_rows):
        values = rows[r] if r < len(rows) else {}
        for c, column in enumerate(config.columns):
            _write_value(ws, FIRST_DATA + r, c, values.get(column.key), fmt[_data_format(column)])
        if values:
            ws.set_row(FIRST_DATA + r, row_height((values.get(c.key), w) for c, w in zip(config.columns, widths)))


def _write_value(ws, row: int, col: int, value, cell_format) -> None:
    if value is None:
        ws.write_blank(row, col, None, cell_format)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, cell_format)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, cell_format)
    else:
        ws.write_string(row, col, str(value), cell_format)


def _page_setup(ws) -> None:
    # No print area: it would cut off rows a clerk adds; the used range ends after the drawn rows.
    ws.set_landscape()
    ws.set_paper(8)  # A3: 22 columns are unreadable on A4
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_TOP, HEADER_BOTTOM)
    ws.set_footer("&C第 &P 页，共 &N 页")


# Sheet protection without a password: the title and header are locked against slips, while
# rows can still be inserted, deleted, sorted, filtered and formatted.
_PROTECTION = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
    "sort": True,
    "autofilter": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


# --- data validations ---------------------------------------------------------------------------


def _write_lists(ws, config: Config, fmt: dict) -> dict[str, str]:
    """One column per dropdown on the hidden sheet; returns list name -> absolute range reference."""
    sources = {}
    for col, (name, values) in enumerate({**dropdowns(config), DEPARTMENT_LABEL: config.department_names}.items()):
        ws.write_string(0, col, name, fmt["head"])
        for row, value in enumerate(values, 1):
            ws.write_string(row, col, value)
        letter = xl_col_to_name(col)
        sources[name] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        ws.set_column(col, col, max(12, max(len(v) for v in values) * 2))
    ws.hide()
    return sources


def dropdowns(config: Config) -> dict[str, list[str]]:
    """Every dropdown list by column name: the category labels, then each enum column's values."""
    out = {}
    for column in config.columns:
        if column.type == "category":
            out[column.name] = [c.dropdown for c in config.categories]
        elif column.type in ("enum", "status"):
            out[column.name] = list(config.enums[_enum_name(column)].values)
    return out


def _enum_name(column: Column) -> str:
    return column.enum or column.key


def _add_validations(ws, config: Config, sources: dict[str, str], n_rows: int) -> None:
    first, last = FIRST_DATA, FIRST_DATA + n_rows - 1
    for col, column in enumerate(config.columns):
        rule = _validation(config, column, sources)
        if rule:
            rule.update(_input(column.name, column_hint(config, column)))
            ws.data_validation(first, col, last, col, rule)


def _validation(config: Config, column: Column, sources: dict[str, str]) -> dict | None:
    # "warning" everywhere: intake understands synonyms and 2021年12月底, so a clerk may go on typing.
    base = {"error_type": "warning", "error_title": f"{column.name}填写有误"[:32]}
    if column.name in sources:
        return {
            **base,
            "validate": "list",
            "source": sources[column.name],
            "error_message": f"请从下拉列表中选择{column.name}。",
        }
    if column.type == "date":
        return {
            **base,
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_MIN,
            "maximum": DATE_MAX,
            "error_message": f"请填写 {DATE_MIN.year}—{DATE_MAX.year} 年之间的日期，如 2021-12-31。",
        }
    if column.type == "amount":
        return {
            **base,
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "请只填写不小于 0 的数字（单位万元），如 12.5。",
        }
    return None


def _input(title: str, message: str) -> dict:
    return {"input_title": title[:32], "input_message": message[:255]}


# --- hints (shared by header notes, validations and the 填表说明 sheet) -------------------------


def required_text(config: Config, column: Column) -> str:
    if column.required == "yes":
        return "必填"
    if column.required == "infer":
        return "必填（漏填的按案号和描述推断，请核对）"
    if column.required == "case":
        return f"{_case_codes(config)}类必填"
    return "选填"


def column_hint(config: Config, column: Column) -> str:
    """The input message of a column: whether it is required, then what to write."""
    text = column_rule(config, column)
    return f"{required_text(config, column)}。{text}" if text else required_text(config, column)


def column_rule(config: Config, column: Column) -> str:
    """What to write in a column, in one or two short Chinese sentences."""
    parts = [_type_hint(config, column), _key_hint(config, column)]
    if column.hint and not any(column.hint in p for p in parts):
        parts.append(column.hint)
    return "；".join(p for p in parts if p)


def _type_hint(config: Config, column: Column) -> str:
    if column.type == "category":
        return (
            f"从下拉列表选择（{'、'.join(c.code for c in config.categories)}），也可只填代码或简称；"
            f"各类别的含义见“{GUIDE_SHEET}”表第二部分"
        )
    if column.type in ("enum", "status"):
        enum = config.enums[_enum_name(column)]
        fallback = f"，其他内容按“{enum.default}”计" if enum.default and column.type == "enum" else ""
        blank = f"；漏填的按“{enum.default}”计并提醒" if enum.default and column.type == "status" else ""
        return f"从下拉列表选择：{'、'.join(enum.values)}{fallback}{blank}"
    return _SIMPLE_HINTS.get(column.type, "")


_SIMPLE_HINTS = {
    "seq": "按 1、2、3… 顺序填写",
    "item_id": "信用办生成的编号，预填的请勿修改；新增问题留空",
    "uscc": "18位统一社会信用代码",
    "case_no": "如（2021）豫0425执123号",
    "amount": "只填数字，单位万元，最多两位小数，如 12.5 或 12.35",
    "date": "日期，格式 2021-12-31",
}


def _key_hint(config: Config, column: Column) -> str:
    if column.key == "owner_unit":
        return "不填时按填报单位计"
    if column.key == "paid":
        return f"不大于“{config.column('amount').name}”"
    if column.key == "closed_on":
        return f"“{config.column('status').name}”为{config.closed_status}时填写"
    return _KEY_HINTS.get(column.key, "")


_KEY_HINTS = {
    "company": "填写企业全称",
    "description": "简要写明问题经过、涉及项目和目前的难点",
    "measures": "写明已采取的措施和下一步安排",
}


def _case_codes(config: Config) -> str:
    return "、".join(c.code for c in config.categories if c.kind == "case")


# --- the 填表说明 sheet ---------------------------------------------------------------------------


def guide_column_rows(config: Config) -> list[list[str]]:
    """One row per standard column: 列名, 是否必填, 填写要求."""
    return [[c.name, required_text(config, c), column_rule(config, c) or "—"] for c in config.columns]


def _write_guide(ws, config: Config, fmt: dict) -> None:
    for col, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, 2, f"{config.ledger.title}{GUIDE_SHEET}", fmt["title"])
    row = _guide_table(ws, fmt, 2, "一、各列填写要求", ["列名", "是否必填", "填写要求"], guide_column_rows(config))
    row = _guide_table(
        ws,
        fmt,
        row + 1,
        "二、问题类别",
        ["代码", "简称", "类别全称（下拉列表中的写法为“代码 全称”）"],
        [[c.code, c.short, c.label] for c in config.categories],
    )
    row = _guide_table(
        ws,
        fmt,
        row + 1,
        f"三、{config.column('status').name}的同义写法",
        ["规范写法", "可识别的写法"],
        _status_rows(config),
    )
    _guide_notes(ws, fmt, row + 1, config)
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)  # one A4 page: the clerk prints it beside the ledger
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)


def _guide_table(ws, fmt: dict, row: int, title: str, head: list[str], rows: list[list[str]]) -> int:
    ws.write_string(row, 0, title, fmt["section"])
    _guide_row(ws, row + 1, head, fmt["head"])
    for r, values in enumerate(rows, row + 2):
        _guide_row(ws, r, values, fmt["guide"])
    return row + 2 + len(rows)


def _guide_row(ws, row: int, values: list[str], cell_format) -> None:
    """One table row; a short row's last cell spans the remaining columns."""
    last = len(GUIDE_WIDTHS) - 1
    widths = list(GUIDE_WIDTHS[: len(values) - 1]) + [sum(GUIDE_WIDTHS[len(values) - 1 :])]
    for c, text in enumerate(values):
        if c == len(values) - 1 and c < last:
            ws.merge_range(row, c, row, last, text, cell_format)
        else:
            ws.write_string(row, c, text, cell_format)
    ws.set_row(row, row_height(zip(values, widths)))


def _status_rows(config: Config) -> list[list[str]]:
    status = config.enums["status"]
    return [[value, "、".join(src for src, dst in status.synonyms if dst == value) or "—"] for value in status.values]


def guide_notes(config: Config) -> list[str]:
    """The rules for sending the file: who fills what, when, zero report, no password, whole ledger,
    fixed header, and whom to ask (deadline and contact from config.yaml `office:`)."""
    ledger, office = config.ledger, config.office
    phrases = config.words("zero_report_phrases")
    examples = [p for p in phrases[:1]] + [p for p in phrases if p.startswith("经排查")][:1]
    zero = "”或“".join(examples) or "无"
    notes = [
        f"1. 报送时间：{office.weekly_deadline}报送本单位台账；被退回的台账请于{office.resubmit_by}改正后重新报送。",
        f"2. 表头上方的“{DEPARTMENT_LABEL}”请从下拉列表中选择本单位（全县单位名录）；“{DATE_LABEL}”填写报送当天的日期，"
        "如 2021-12-31。本单位不在下拉列表中的，请与信用办联系。",
        f"3. 本单位经排查未发现问题的，实行零报告：在“{ledger.sheet_name}”数据区第一行"
        f"“{config.column('description').name}”列填写“{zero}”，其他列留空，照常报送。",
        f"4. 每次报送本单位完整台账（含已办结事项），预填的“{config.column('item_id').name}”请勿修改；"
        f"已办结的事项改“{config.column('status').name}”，不要删除。",
        "5. 请勿修改表头、增删列或改动列的顺序；可以插入、删除、排序数据行。表头已保护（无密码），仅防误改。",
        "6. 标“*”的列为必填；日期写成 2021-12-31，金额单位为万元。",
        "7. 报送文件不得设置打开密码或修改密码，加密的文件无法读取，将被退回；请保存为 .xlsx 格式。",
    ]
    if office.contact_line:
        notes.append(f"8. {office.contact_line}")
    return notes


def _guide_notes(ws, fmt: dict, row: int, config: Config) -> None:
    ws.write_string(row, 0, "四、报送要求", fmt["section"])
    for r, text in enumerate(guide_notes(config), row + 1):
        ws.merge_range(r, 0, r, len(GUIDE_WIDTHS) - 1, text, fmt["note"])
        ws.set_row(r, row_height([(text, sum(GUIDE_WIDTHS))]))


def row_height(cells) -> float:
    """A row height (points) that shows every (text, column width) pair wrapped in full.

    Excel and WPS do not grow rows for wrapped text written by a program, so it is set here;
    a CJK character takes about two width units.
    """
    lines = 1
    for text, width in cells:
        lines = max(lines, math.ceil(width_units(str(text or "")) / max(width - 1, 1)))
    return LINE_HEIGHT * lines + 4


# --- items to rows ------------------------------------------------------------------------------


def _item_rows(config: Config, items: pd.DataFrame | None) -> list[dict]:
    """Ledger items as cell values by key, with 序号 numbered and the category as its dropdown text."""
    if items is None or not len(items):
        return []
    labels = {c.code: c.dropdown for c in config.categories}
    out = []
    for seq, record in enumerate(items.to_dict("records"), 1):
        row = {c.key: _cell_value(c, record.get(c.key)) for c in config.columns}
        for c in config.columns:
            if c.type == "category":
                row[c.key] = labels.get(row[c.key], row[c.key])
            elif c.type == "seq":
                row[c.key] = seq
        out.append(row)
    return out


def _cell_value(column: Column, value):
    if is_missing(value):
        return None
    if column.type == "date":
        return _as_date(value)
    if column.type == "amount":
        return _as_number(value)
    text = str(value).strip()
    return text or None


def _as_date(value):
    return as_date(value) or str(value) or None  # keep what was stored rather than lose it


def _as_number(value):
    try:
        number = float(str(value).strip().lstrip("'"))
    except ValueError:
        return str(value) or None
    return None if math.isnan(number) else number


# --- formats --------------------------------------------------------------------------------------


def _formats(wb) -> dict:
    font = {"font_name": "宋体", "font_size": 10}
    cell = {**font, "border": 1, "text_wrap": True, "valign": "vcenter", "locked": False}
    return {
        "title": wb.add_format(
            {"font_name": "黑体", "font_size": 18, "bold": True, "align": "center", "valign": "vcenter"}
        ),
        "filler_label": wb.add_format({**font, "font_size": 11, "bold": True, "align": "right", "valign": "vcenter"}),
        # the cells to fill in: boxed and tinted, so they read as fields above the header
        "filler_value": wb.add_format(
            {**font, "font_size": 11, "valign": "vcenter", "border": 1, "locked": False, "bg_color": "#FFF9E5"}
        ),
        "filler_date": wb.add_format(
            {
                **font,
                "font_size": 11,
                "valign": "vcenter",
                "border": 1,
                "locked": False,
                "bg_color": "#FFF9E5",
                "num_format": "yyyy-mm-dd",
                "align": "center",
            }
        ),
        "head": wb.add_format(
            {
                **font,
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#D9E1F2",
                "locked": True,
            }
        ),
        "star": wb.add_format({**font, "bold": True, "font_color": "#FF0000"}),
        "head_font": wb.add_format({**font, "bold": True}),
        "text": wb.add_format(cell),
        "seq": wb.add_format({**cell, "align": "center"}),
        "item_id": wb.add_format({**cell, "align": "center", "bg_color": "#F2F2F2"}),
        "date": wb.add_format({**cell, "num_format": "yyyy-mm-dd", "align": "center"}),
        "amount": wb.add_format({**cell, "num_format": "0.00"}),
        "office_note": wb.add_format(
            {**font, "font_size": 10, "align": "right", "valign": "vcenter", "font_color": "#595959"}
        ),
        "section": wb.add_format({**font, "font_size": 12, "bold": True}),
        "guide": wb.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"}),
        "note": wb.add_format({**font, "text_wrap": True, "valign": "top"}),
    }
