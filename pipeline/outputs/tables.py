"""The machine-readable outputs of a run: ledger.csv, rejected.csv and run.json (interface.md)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipeline.core.findings import ERROR
from pipeline.core.text import FORMULA_START, is_missing, printable, to_json


def csv_value(value) -> str:
    """One cell as interface.md writes it: ISO dates, plain decimals, true/false, '' for missing."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(round(value, 6), "f").rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    text = printable(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM, comma-separated, header first; formula-like text gets a leading '."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(frame.columns))
        writer.writerows([csv_value(v) for v in row] for row in frame.itertuples(index=False, name=None))
    return path


def rejected_table(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per returned data row: file, sheet, row, department, reasons (every 错误 message)."""
    errors = findings[(findings["severity"] == ERROR) & (findings["row"] > 0)]
    columns = ["file", "sheet", "row", "department", "reasons"]
    if not len(errors):
        return pd.DataFrame(columns=columns)
    grouped = errors.groupby(["file", "sheet", "row"], sort=True, dropna=False)
    out = grouped.agg(department=("department", "first"), reasons=("message", "；".join)).reset_index()
    return out[columns]


def write_json(data: dict, path: Path) -> Path:
    path.write_text(to_json(data, indent=2), encoding="utf-8")
    return path
