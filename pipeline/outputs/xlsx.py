"""The one function that writes output workbooks of plain tables, so a faster writer can be swapped in.

Every text cell is written as a string (never a formula), cut to Excel's 32,767-character limit
with a note; dates get a date format, amounts two decimals; headers are frozen and filtered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

EXCEL_MAX_CHARS = 32767
CUT_NOTE = "…（超过 Excel 单元格 32767 字上限，已截断；完整内容见 ledger.csv）"
WIDE = {"问题描述": 40, "整改措施": 30, "说明": 60, "原因": 40, "备注": 20, "来源行": 30, "标记": 30, "企业名称": 26}


@dataclass
class Sheet:
    name: str
    frame: pd.DataFrame
    title: str = ""                                  # one line above the table
    highlight: list[bool] | None = None              # rows filled light red (e.g. overdue)
    percent: tuple[str, ...] = ()                    # columns shown as 0.0%
    notes: list[str] = field(default_factory=list)   # lines below the table
    chart: dict | None = None                        # {"type": "column", "categories": col, "values": [cols], "title": str}


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": True})
    fmt = _formats(wb)
    for sheet in sheets:
        _write_sheet(wb, fmt, sheet)
    wb.close()
    return path


def _formats(wb) -> dict:
    base = {"border": 1, "valign": "top", "text_wrap": True, "font_size": 10}
    out = {"head": wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center"}),
           "title": wb.add_format({"bold": True, "font_size": 14}),
           "note": wb.add_format({"italic": True, "font_color": "#555555"})}
    for name, extra in {"text": {}, "date": {"num_format": "yyyy-mm-dd"}, "num": {"num_format": "#,##0.00"},
                        "int": {"num_format": "0"}, "pct": {"num_format": "0.0%"}}.items():
        out[name] = wb.add_format({**base, **extra})
        out[name + "_hi"] = wb.add_format({**base, **extra, "bg_color": "#F8CBAD"})
    return out


def _write_sheet(wb, fmt: dict, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.name[:31])
    top = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, fmt["title"])
        top = 2
    frame = sheet.frame
    for col, name in enumerate(frame.columns):
        ws.write_string(top, col, str(name), fmt["head"])
        ws.set_column(col, col, WIDE.get(str(name)) or column_width(name, frame.iloc[:200, col]))
    ws.set_landscape()
    ws.set_paper(9 if len(frame.columns) <= 12 else 8)  # A4, or A3 for the wide ledger sheets
    if len(frame.columns) <= 12:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(top)
    kinds = [_kind(frame[c], c in sheet.percent) for c in frame.columns]
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        hi = "_hi" if sheet.highlight is not None and sheet.highlight[i] else ""
        for col, value in enumerate(values):
            _write_cell(ws, top + 1 + i, col, value, kinds[col], fmt, hi)
    ws.freeze_panes(top + 1, 0)
    if len(frame.columns):
        ws.autofilter(top, 0, top + max(len(frame), 1), len(frame.columns) - 1)
    end = top + len(frame) + 2
    for j, line in enumerate(sheet.notes):
        ws.write_string(end + j, 0, line, fmt["note"])
    if sheet.chart and len(frame):
        _chart(wb, ws, sheet, top, len(frame.columns))


def column_width(name, sample: pd.Series) -> float:
    """Column width from the header and the first values; a Chinese character counts double."""
    texts = [str(name)] + ["" if v is None or v != v else str(v) for v in sample]
    longest = max(width_units(t[:60]) for t in texts)
    return max(8, min(40, longest + 2))


def width_units(text: str) -> int:
    """Excel column-width units the text needs: a CJK character takes two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _kind(series: pd.Series, percent: bool) -> str:
    if percent:
        return "pct"
    sample = series.dropna()
    if len(sample) and all(isinstance(v, (date, datetime, pd.Timestamp)) for v in sample.head(50)):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "num"
    return "text"


def _write_cell(ws, row: int, col: int, value, kind: str, fmt: dict, hi: str) -> None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        ws.write_blank(row, col, None, fmt["text" + hi])
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt["text" + hi])
    elif kind == "date" and isinstance(value, (date, datetime, pd.Timestamp)):
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt["date" + hi])
    elif kind in ("num", "int", "pct") and isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt[kind + hi])
    else:
        ws.write_string(row, col, fit_cell(str(value)), fmt["text" + hi])


def fit_cell(text: str, note: str = CUT_NOTE) -> str:
    """The text cut to Excel's cell limit, ending with `note` when it was cut."""
    if len(text) <= EXCEL_MAX_CHARS:
        return text
    return text[: EXCEL_MAX_CHARS - len(note)] + note


def _chart(wb, ws, sheet: Sheet, top: int, ncols: int) -> None:
    spec, frame = sheet.chart, sheet.frame
    chart = wb.add_chart({"type": spec.get("type", "column")})
    cat_col = list(frame.columns).index(spec["categories"])
    rows = spec.get("rows", len(frame))
    for name in spec["values"]:
        col = list(frame.columns).index(name)
        chart.add_series({"name": [ws.name, top, col], "categories": [ws.name, top + 1, cat_col, top + rows, cat_col],
                          "values": [ws.name, top + 1, col, top + rows, col], "data_labels": {"value": True}})
    chart.set_title({"name": spec.get("title", "")})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 360})
    ws.insert_chart(top, ncols + 1, chart)
