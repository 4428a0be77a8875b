"""Build department ledgers in the standard layout for tests (title, 填报单位 line, header, rows)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import xlsxwriter

from pipeline.core.config import Config


def write_ledger(path: Path, config: Config, department: str, rows: list[dict], filled: date | None = None) -> Path:
    """rows: dicts keyed by standard keys (values as a clerk would type them)."""
    keys = [c.key for c in config.columns]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("台账")
    ws.write_string(0, 0, config.ledger.title)
    line = f"填报单位：{department}  填报人：测试  联系电话：0375-5000000"
    if filled:
        line += f"  填报日期：{filled.year}年{filled.month}月{filled.day}日"
    ws.write_string(1, 0, line)
    for col, column in enumerate(config.columns):
        ws.write_string(2, col, column.name)
    for r, row in enumerate(rows, start=3):
        ws.write_number(r, 0, r - 2)
        for key, value in row.items():
            col = keys.index(key)
            if isinstance(value, date):
                ws.write_datetime(r, col, value, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif isinstance(value, (int, float)):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    wb.close()
    return path


def write_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
               hidden: tuple[str, ...] = ()) -> Path:
    """A workbook of several sheets, rows as given (openpyxl), with merged ranges and hidden sheets."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path
