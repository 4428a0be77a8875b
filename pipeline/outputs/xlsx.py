"""The one function that writes output workbooks of plain tables, so a faster writer can be swapped in.

Every text cell is written as a string (never a formula), cut to Excel's 32,767-character limit
with a note; dates get a date format, amounts two decimals; headers are frozen and filtered.
Panes freeze under the header and through the column the sheet names (企业名称 on the ledger sheets); every sheet
prints fitted to the page width with its header row repeated; an empty table says 本期无.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pipeline.core.text import is_missing

EXCEL_MAX_CHARS = 32767
CUT_NOTE = "…（超过 Excel 单元格 32767 字上限，已截断；完整内容见 ledger.csv）"
EMPTY = "本期无"


@dataclass
class Sheet:
    name: str
    frame: pd.DataFrame
    title: str = ""  # one line above the table
    highlight: list[bool] | None = None  # rows filled light red (e.g. overdue)
    percent: tuple[str, ...] = ()  # columns shown as 0.0%
    signed: tuple[str, ...] = ()  # amount columns of changes, shown +1.00 / -1.00 / 0
    notes: list[str] = field(default_factory=list)  # lines below the table
    chart: dict | None = None  # {"type": "column", "categories": col, "values": [cols], "title": str}
    total_row: bool = False  # the last row is a 合计 row: bold, outside the filter
    freeze: str | None = None  # panes freeze through this column (its header) when the sheet has it
    print_columns: int | None = None  # print only the first n columns (all when None)
    widths: dict[str, float] = field(default_factory=dict)  # header -> width, for the long text columns


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    import xlsxwriter  # only where a workbook is written

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
            "in_memory": True,
        },
    )  # zipped from memory, no temporary files
    fmt = _formats(wb)
    for sheet in sheets:
        _write_sheet(wb, fmt, sheet)
    wb.close()
    return path


def _formats(wb) -> dict:
    base = {"border": 1, "valign": "top", "text_wrap": True, "font_size": 10}
    out = {
        "head": wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
        "empty": wb.add_format({**base, "italic": True, "font_color": "#555555"}),
    }
    for name, extra in {
        "text": {},
        "date": {"num_format": "yyyy-mm-dd"},
        "num": {"num_format": "#,##0.00"},
        "int": {"num_format": "0"},
        "pct": {"num_format": "0.0%"},
        "signed": {"num_format": "+#,##0.00;-#,##0.00;0"},
    }.items():
        out[name] = wb.add_format({**base, **extra})
        out[name + "_hi"] = wb.add_format({**base, **extra, "bg_color": "#F8CBAD"})
        out[name + "_total"] = wb.add_format({**base, **extra, "bold": True, "bg_color": "#F2F2F2"})
    return out


def _write_sheet(wb, fmt: dict, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.name[:31])
    top = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, fmt["title"])
        top = 2
    frame = sheet.frame
    kinds = [_kind(frame[c], c in sheet.percent) for c in frame.columns]
    kinds = ["signed" if c in sheet.signed and k == "num" else k for c, k in zip(frame.columns, kinds)]
    widths = [
        sheet.widths.get(str(name)) or column_width(name, frame.iloc[:200, col], kinds[col])
        for col, name in enumerate(frame.columns)
    ]
    for col, name in enumerate(frame.columns):
        ws.write_string(top, col, str(name), fmt["head"])
        ws.set_column(col, col, widths[col])
    ws.set_row(top, row_height([str(n) for n in frame.columns], widths))
    printed = min(sheet.print_columns or len(frame.columns), len(frame.columns))
    print_setup(ws, top, printed)
    last = len(frame) - 1
    write = _cell_writer(ws, kinds, fmt)
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        hi = "_hi" if sheet.highlight is not None and sheet.highlight[i] else ""
        if sheet.total_row and i == last:
            hi = "_total"
        write(top + 1 + i, values, hi)
        ws.set_row(top + 1 + i, row_height([v if isinstance(v, str) else "" for v in values], widths))
    if not len(frame):
        ws.write_string(top + 1, 0, EMPTY, fmt["empty"])
    names = [str(c) for c in frame.columns]
    ws.freeze_panes(top + 1, names.index(sheet.freeze) + 1 if sheet.freeze in names else 0)
    if len(frame.columns):
        body = len(frame) - (1 if sheet.total_row and len(frame) else 0)
        ws.autofilter(top, 0, top + max(body, 1), len(frame.columns) - 1)
    end = top + max(len(frame), 1) + 2
    for j, line in enumerate(sheet.notes):
        ws.write_string(end + j, 0, line, fmt["note"])
    if printed < len(frame.columns):
        ws.print_area(0, 0, end + max(len(sheet.notes), 1) - 1, printed - 1)
    if sheet.chart and len(frame):
        _chart(wb, ws, sheet, top, len(frame.columns))


def print_setup(ws, header_row: int, ncols: int) -> None:
    """Landscape, A4 (A3 beyond 14 printed columns), fitted to one page wide, the header row on every
    page, the sheet name and page numbers in the margins."""
    ws.set_landscape()
    ws.set_paper(9 if ncols <= 14 else 8)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L&A")
    ws.set_footer("&C第 &P 页，共 &N 页")


def column_width(name, sample: pd.Series, kind: str = "text") -> float:
    """Column width from the header and the first values as shown; a Chinese character counts double."""
    texts = [str(name)] + ["" if is_missing(v) else _shown(v, kind) for v in sample]
    longest = max(width_units(t[:60]) for t in texts)
    return max(8, min(40, longest + 3))


LINE_HEIGHT = 14.5  # points per line of 10-point text (CJK lines are taller than Latin ones)
MAX_LINES = 12


def row_height(texts: list[str], widths: list[float]) -> float:
    """The height a row of wrapped text cells needs (LibreOffice and Excel do not grow rows written
    without a height), at most MAX_LINES lines; a cell's text wraps at its column width."""
    lines = 1
    for text, width in zip(texts, widths):
        per_line = max(1.0, width - 2)
        if text and 2 * len(text) > per_line:  # shorter text fits on one line whatever its characters
            count = sum(math.ceil(width_units(part) / per_line) or 1 for part in text[:2000].split("\n"))
            lines = max(lines, count)
    return 15.0 if lines == 1 else LINE_HEIGHT * min(lines, MAX_LINES) + 4  # 15: Excel's default row


def _shown(value, kind: str) -> str:
    if kind == "pct" and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    if kind == "num" and isinstance(value, (int, float)):
        return f"{value:,.2f}"
    if kind == "signed" and isinstance(value, (int, float)):
        return f"{value:+,.2f}"
    if kind == "date":
        return "2026-01-01"
    return str(value)


_NARROW = re.compile("[\x00-\u2e7f]+")


def width_units(text: str) -> int:
    """Excel column-width units the text needs: a CJK character (U+2E80 and above) takes two."""
    return len(text) + len(_NARROW.sub("", text))


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


NUMERIC_KINDS = ("num", "int", "pct", "signed")


def _cell_writer(ws, kinds: list[str], fmt: dict):
    """A function writing one row of values, each by its column's kind: a missing value blank (bordered), a
    bool 是/否, a date as a date, a number in a numeric column as a number, anything else as text (cut to
    Excel's limit). The worksheet's methods and the formats are looked up once per sheet, not per cell."""
    string, number, blank, when = ws.write_string, ws.write_number, ws.write_blank, ws.write_datetime
    styles = {
        hi: [
            (fmt["text" + hi], fmt[("date" if k == "date" else k if k in NUMERIC_KINDS else "text") + hi])
            for k in kinds
        ]
        for hi in ("", "_hi", "_total")
    }
    dated = [k == "date" for k in kinds]
    numeric = [k in NUMERIC_KINDS for k in kinds]

    def write(row: int, values, hi: str) -> None:
        for col, value in enumerate(values):
            text, own = styles[hi][col]
            if isinstance(value, np.generic):  # numpy scalars (an Int64 column) as the Python value
                value = value.item()
            if value is None or is_missing(value):
                blank(row, col, None, text)
            elif isinstance(value, str):
                string(row, col, fit_cell(value), text)
            elif isinstance(value, bool):
                string(row, col, "是" if value else "否", text)
            elif dated[col] and isinstance(value, (date, datetime, pd.Timestamp)):
                when(row, col, pd.Timestamp(value).to_pydatetime(), own)
            elif numeric[col] and isinstance(value, (int, float)):
                number(row, col, value, own)
            else:
                string(row, col, fit_cell(str(value)), text)

    return write


def fit_cell(text: str, note: str = CUT_NOTE) -> str:
    """The text cut to Excel's cell limit, ending with `note` when it was cut."""
    if len(text) <= EXCEL_MAX_CHARS:
        return text
    return text[: EXCEL_MAX_CHARS - len(note)] + note


def _chart(wb, ws, sheet: Sheet, top: int, ncols: int) -> None:
    spec, frame = sheet.chart or {}, sheet.frame
    chart = wb.add_chart({"type": spec.get("type", "column")})
    cat_col = list(frame.columns).index(spec["categories"])
    rows = spec.get("rows", len(frame))
    for name in spec["values"]:
        col = list(frame.columns).index(name)
        chart.add_series(
            {
                "name": [ws.name, top, col],
                "categories": [ws.name, top + 1, cat_col, top + rows, cat_col],
                "values": [ws.name, top + 1, col, top + rows, col],
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": spec.get("title", "")})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 360})
    ws.insert_chart(top, ncols + 1, chart)
