"""Validation: raw rows in, clean rows and findings out.

Every key of every row is normalised by its column type from config.yaml; a value that cannot be
read becomes empty and leaves a finding. No row is dropped: the run decides acceptance from the
findings table. Each distinct value of a column is parsed once, so 200,000 rows of a few hundred
distinct values cost a few hundred parses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Callable

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.config import Column, Config
from pipeline.core.normalise import (
    AMOUNT_APPROXIMATE,
    check_uscc,
    normalise_case_no,
    parse_amount,
    parse_date,
    parse_enum,
)
from pipeline.core.text import cell_display, cell_text, is_missing, looks_like_formula, map_distinct

AMOUNT_KEY, PAID_KEY = "amount", "paid"
STATUS_KEY, CLOSED_ON_KEY = "status", "closed_on"
DEFAULT_UNIT = "万元"
ABSENT = "absent_keys"  # intake.ABSENT
BLANK_CODES = {"company_missing", "description_missing", "required_missing", "status_blank"}


@dataclass
class Issue:
    """A problem found in one cell, before it becomes a finding with the row's provenance."""

    position: int
    code: str
    column: Column
    value: str
    extra: dict = field(default_factory=dict)


Checked = tuple[list, list[Issue]]


def validate(rows: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clean rows, findings): every input row once, every key normalised, every problem a finding."""
    out = rows.copy()
    issues: list[Issue] = []
    for column in config.columns:
        values, found = _check_column(rows, column, config)
        out[column.key] = values
        issues += found
    issues += _cross_checks(rows, out, config)
    issues = _absent_columns(rows, issues, config)
    return out.drop(columns=[ABSENT], errors="ignore"), fnd.table(_findings(rows, issues))


def _absent_columns(rows: pd.DataFrame, issues: list[Issue], config: Config) -> list[Issue]:
    """A required column the sheet does not have: each row is returned for that (a required text) or
    counted as the default (status), and never told that its cell `…为空`."""
    absent = [set(str(v or "").split()) for v in _raw(rows, ABSENT)]
    kept = [i for i in issues if not (i.code in BLANK_CODES and i.column.key in absent[i.position])]
    added = [
        Issue(p, "row_column_absent", config.column(key), "")
        for p, keys in enumerate(absent)
        for key in sorted(keys)
        if config.column(key).type != STATUS_KEY
    ]
    return kept + added


def _check_column(rows: pd.DataFrame, column: Column, config: Config) -> Checked:
    raw = _raw(rows, column.key)
    if column.type == "amount":
        return _amounts(raw, _raw(rows, f"{column.key}_unit"), column, config)
    checker = _CHECKERS.get(column.type, _text)
    return checker(raw, column, config)


# --- one checker per column type ---------------------------------------------------------------


def _text(raw: list, column: Column, config: Config) -> Checked:
    values = map_distinct(raw, cell_display)
    formulas = [Issue(i, "formula_like", column, v) for i, v in enumerate(values) if looks_like_formula(v)]
    if column.required != "yes":
        return values, formulas
    code = f"{column.key}_missing" if f"{column.key}_missing" in fnd.CATALOGUE else "required_missing"
    return values, formulas + [Issue(i, code, column, "") for i, v in enumerate(values) if not v]


def _dates(raw: list, column: Column, config: Config) -> Checked:
    parsed = map_distinct(raw, parse_date)
    issues = [Issue(i, "date_invalid", column, _raw_text(raw[i])) for i, (_, p) in enumerate(parsed) if p]
    return [d for d, _ in parsed], issues


def _amounts(raw: list, units: list, column: Column, config: Config) -> Checked:
    limit = float(config.ledger.amount_yuan_limit)
    units = [u if u == "元" else DEFAULT_UNIT for u in units]
    words = config.approximate_words
    parsed = map_distinct(list(zip(raw, units)), lambda pair: parse_amount(pair[0], pair[1], words))
    values, issues = [], []
    for i, (amount, problem) in enumerate(parsed):
        code = _amount_code(amount, problem, limit)
        if code:
            shown = _number_text(amount) if code == "amount_probably_yuan" else _raw_text(raw[i])
            issues.append(Issue(i, code, column, shown))
        values.append(math.nan if amount is None or (problem and code != "amount_approximate") else amount)
    return values, issues


def _amount_code(amount: float | None, problem: str | None, limit: float) -> str | None:
    if problem == AMOUNT_APPROXIMATE:
        return "amount_approximate"
    if problem:
        return "amount_invalid" if amount is None else "amount_negative"
    return "amount_probably_yuan" if amount is not None and amount > limit else None


def _enums(raw: list, column: Column, config: Config) -> Checked:
    enum = config.enums[str(column.enum)]
    parsed = map_distinct(raw, lambda v: parse_enum(v, enum))
    blank = map_distinct(raw, lambda v: not cell_text(v))
    code = "enum_unknown" if enum.default else "approach_unknown"
    extra = {"detail": "、".join(enum.values), "default": enum.default}
    issues = [
        Issue(i, code, column, _raw_text(raw[i]), extra)
        for i, (_, known) in enumerate(parsed)
        if not known and not blank[i]
    ]
    return ["" if blank[i] else v for i, (v, _) in enumerate(parsed)], issues


def _status(raw: list, column: Column, config: Config) -> Checked:
    enum = config.enums[STATUS_KEY]
    parsed = map_distinct(raw, lambda v: parse_enum(v, enum))
    blank = map_distinct(raw, lambda v: not cell_text(v))
    issues = [
        Issue(i, "status_blank" if blank[i] else "status_invalid", column, _raw_text(raw[i]))
        for i, (_, known) in enumerate(parsed)
        if not known
    ]
    return [v for v, _ in parsed], issues


def _uscc(raw: list, column: Column, config: Config) -> Checked:
    parsed = map_distinct(raw, check_uscc)
    issues = [
        Issue(i, "uscc_invalid", column, _raw_text(raw[i]), {"detail": p}) for i, (_, p) in enumerate(parsed) if p
    ]
    return [code for code, _ in parsed], issues


def _case_no(raw: list, column: Column, config: Config) -> Checked:
    parsed = map_distinct(raw, normalise_case_no)
    issues = [Issue(i, "case_no_unusual", column, _raw_text(raw[i])) for i, (_, p) in enumerate(parsed) if p]
    return [text for text, _ in parsed], issues


_CHECKERS: dict[str, Callable[[list, Column, Config], Checked]] = {
    "date": _dates,
    "enum": _enums,
    "status": _status,
    "uscc": _uscc,
    "case_no": _case_no,
}


# --- rules across columns ------------------------------------------------------------------------


def _cross_checks(rows: pd.DataFrame, out: pd.DataFrame, config: Config) -> list[Issue]:
    return _paid_over_amount(out, config) + _closed_without_date(rows, out, config)


def _paid_over_amount(out: pd.DataFrame, config: Config) -> list[Issue]:
    column = config.column(PAID_KEY)
    pairs = zip(out[PAID_KEY].tolist(), out[AMOUNT_KEY].tolist())
    return [
        Issue(i, "paid_exceeds_amount", column, _number_text(paid), {"detail": _number_text(amount)})
        for i, (paid, amount) in enumerate(pairs)
        if paid > amount + 1e-9
    ]  # NaN compares False


def _closed_without_date(rows: pd.DataFrame, out: pd.DataFrame, config: Config) -> list[Issue]:
    closed = config.closed_status
    column = config.column(CLOSED_ON_KEY)
    blank = [not cell_text(v) for v in _raw(rows, CLOSED_ON_KEY)]
    return [
        Issue(i, "closed_without_date", column, "")
        for i, status in enumerate(out[STATUS_KEY].tolist())
        if status == closed and blank[i]
    ]


# --- findings ---------------------------------------------------------------------------------------


def _findings(rows: pd.DataFrame, issues: list[Issue]) -> list[dict]:
    where = {key: _raw(rows, key) for key in ("file", "sheet", "row", "department")}
    return [
        fnd.make(
            issue.code,
            file=_text_or_empty(where["file"][issue.position]),
            sheet=_text_or_empty(where["sheet"][issue.position]),
            row=_row_number(where["row"][issue.position]),
            department=_department(where["department"][issue.position]),
            column=issue.column.name,
            value=issue.value,
            **issue.extra,
        )
        for issue in sorted(issues, key=lambda issue: issue.position)
    ]


# --- helpers ----------------------------------------------------------------------------------------


def _raw(rows: pd.DataFrame, key: str) -> list:
    return rows[key].tolist() if key in rows.columns else [None] * len(rows)


def _raw_text(value) -> str:
    """The cell as the clerk sees it, for the findings table's `value`."""
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


def _number_text(amount: float) -> str:
    return f"{amount:.6f}".rstrip("0").rstrip(".")


def _text_or_empty(value) -> str:
    return "" if is_missing(value) else str(value)


def _row_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _department(value) -> str | None:
    return _text_or_empty(value) or None


# --- after validation and classification: which rows go on, and each file's counts ---


def split_accepted(clean: pd.DataFrame, found: pd.DataFrame) -> tuple[pd.DataFrame, set]:
    """The rows without an 错误 (they go on to merging), and the (file, sheet, row) keys returned."""
    returned = fnd.error_rows(found)
    keys = list(zip(clean["file"], clean["sheet"], clean["row"]))
    mask = pd.Series([k not in returned for k in keys], index=clean.index, dtype=bool)  # a bare [] would pick columns
    return clean[mask].reset_index(drop=True), returned


def count_rows(files: list, clean: pd.DataFrame, returned: set) -> None:
    """Each processed file's rows read, rejected and accepted."""
    read = clean["file"].value_counts().to_dict()
    rejected: dict[str, int] = {}
    for file, _, _ in returned:
        rejected[file] = rejected.get(file, 0) + 1
    for sf in files:
        processed = sf.disposition == "processed"
        sf.rows_read = int(read.get(sf.name, 0)) if processed else 0
        sf.rows_rejected = rejected.get(sf.name, 0) if processed else 0
        sf.rows_accepted = sf.rows_read - sf.rows_rejected
