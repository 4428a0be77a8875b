"""Weekly semantics: fold this period's merged items into the previous ledger.

A submission is a department's whole current ledger, so a matched item takes this period's
values (an empty value keeps the previous one); an item its department left out is carried
over and flagged 本期未报; office corrections (改类别, 确认办结) are applied last, every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.config import Config
from pipeline.core.context import RunContext
from pipeline.core.text import as_date, is_empty, with_tag
from pipeline.intake.files import READABLE

EXTRA_COLUMNS = ["category_inferred", "departments", "sources", "first_reported", "last_reported", "overdue", "flags"]
# Working columns of this period's items, used for the flags and dropped before output.
AUX = ["category_reason", "doubtful", "suspect_of", "conflict_fields", "touched"]
DYNAMIC_FLAGS = ("本期未报", "逾期", "人工")


def ledger_columns(config: Config) -> list[str]:
    """ledger.csv columns in interface.md order (the standard keys without 序号, then the extras)."""
    return [k for k in config.column_keys if k != "seq"] + EXTRA_COLUMNS


@dataclass
class LedgerUpdate:
    ledger: pd.DataFrame  # one row per item, sorted by item_id
    closed_ids: list[str] = field(default_factory=list)
    not_resubmitted: list[str] = field(default_factory=list)
    # open carried-over items none of whose departments reported this period (单位本期未报送)
    unit_missing: list[str] = field(default_factory=list)
    # the previous period's status and paid amount of every item that existed then, indexed by item_id
    previous: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["status", "paid"]))

    @property
    def closed_this_period(self) -> int:
        return len(self.closed_ids)


def items_for_ledger(merged, found: pd.DataFrame) -> pd.DataFrame:
    """The merge's items (a MergeResult) plus the per-item facts the flags need (doubtful category,
    suspects, conflicts)."""
    items = merged.items.copy()
    doubtful = found[found["code"] == "category_doubtful"]
    doubtful_keys = set(zip(doubtful["file"], doubtful["sheet"], doubtful["row"]))
    rows = merged.rows
    flagged = {
        k
        for k, f, s, r in zip(rows["item_key"], rows["file"], rows["sheet"], rows["row"])
        if (f, s, r) in doubtful_keys
    }
    items["doubtful"] = items["item_key"].isin(flagged)
    partners: dict[str, list[str]] = {}
    for a, b in zip(merged.suspects.get("key_a", []), merged.suspects.get("key_b", [])):
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    items["suspect_of"] = items["item_key"].map(lambda k: "、".join(sorted(partners.get(k, []))))
    conflicts = (
        merged.conflicts.groupby("item_key")["field"].agg(lambda s: "、".join(sorted(set(s))))
        if len(merged.conflicts)
        else pd.Series(dtype=object)
    )
    items["conflict_fields"] = [conflicts.get(k, "") for k in items["item_key"]]
    return items


def update_ledger(
    previous: pd.DataFrame,
    items: pd.DataFrame,
    ctx: RunContext,
    submitted: set[str],
    decisions: pd.DataFrame,
    absorbed: dict[str, str],
) -> LedgerUpdate:
    """The ledger after this period: previous items updated by `items` (merge output, real item ids
    in `item_key`), the others carried over; `submitted` = departments that reported this period."""
    columns = ledger_columns(ctx.config) + ["corrected"]
    prev = _indexed(previous, columns)
    prev = prev.drop(index=[k for k in absorbed if k in prev.index])
    touched = _touched(items, prev, ctx, columns)
    carried = prev.drop(index=[k for k in touched.index if k in prev.index]).reindex(columns=touched.columns)
    closed_status = ctx.config.closed_status
    not_resub = _not_resubmitted(carried, submitted, closed_status)
    unit_missing = _unit_missing(carried, submitted, closed_status)
    carried["touched"], touched["touched"] = False, True
    ledger = pd.concat([carried, touched]) if len(carried) else touched
    ledger["touched"] = ledger["touched"].astype(bool)  # a bool column, not objects that may be numpy's True
    ledger = _apply_decisions(ledger, decisions, ctx.as_of, closed_status)
    ledger["overdue"] = [
        _is_overdue(d, s, ctx.as_of, closed_status) for d, s in zip(ledger["deadline"], ledger["status"])
    ]
    closed = _closed_this_period(ledger, prev, closed_status)
    ledger["flags"] = [_flags(r, k in not_resub) for k, r in zip(ledger.index, ledger.to_dict("records"))]
    ledger = ledger.reset_index(names="item_id").sort_values("item_id", kind="stable")
    before = prev.reindex(columns=["status", "paid"]).copy()
    before["paid"] = pd.to_numeric(before["paid"], errors="coerce").astype(float)
    return LedgerUpdate(
        _typed(ledger[columns].reset_index(drop=True), ctx.config),
        closed,
        sorted(not_resub),
        sorted(unit_missing),
        before,
    )


def _typed(ledger: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One type per column, as docs/architecture.md promises: dates date|None, amounts float, flags bool, text str."""
    types = {c.key: c.type for c in config.columns}
    for col in ledger.columns:
        kind = types.get(col)
        if kind == "date" or col == "first_reported":
            ledger[col] = pd.Series([as_date(v) for v in ledger[col]], index=ledger.index, dtype=object)
        elif kind == "amount":
            ledger[col] = pd.to_numeric(ledger[col], errors="coerce").astype(float)
        elif col in ("category_inferred", "overdue"):
            ledger[col] = ledger[col].map(lambda v: v is True or v == 1 or v == "true").astype(bool)
        else:
            values = ledger[col].astype(object)
            ledger[col] = values.where(values.notna(), "").astype(str).astype(object)
    return ledger


def _indexed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.reindex(columns=columns) if len(frame) else pd.DataFrame(columns=columns)
    return frame.set_index("item_id", drop=True)


def _touched(items: pd.DataFrame, prev: pd.DataFrame, ctx: RunContext, columns: list[str]) -> pd.DataFrame:
    rows = {}
    for rec in items.to_dict("records"):
        key = rec["item_key"]
        old = prev.loc[key].to_dict() if key in prev.index else {}
        rows[key] = _combine(old, rec, ctx)
    frame = pd.DataFrame.from_dict(rows, orient="index") if rows else pd.DataFrame()
    return frame.reindex(columns=[c for c in columns if c != "item_id"] + AUX)


def _combine(old: dict, new: dict, ctx: RunContext) -> dict:
    out = dict(old)
    for key, value in new.items():
        if key in ("item_key", "departments", "sources") or is_empty(value):
            continue
        out[key] = value
    out["departments"] = "、".join(
        sorted(set(_split(old.get("departments"), "、")) | set(new.get("departments") or []))
    )
    out["sources"] = " | ".join(new.get("sources") or [])
    out["first_reported"] = old.get("first_reported") or ctx.as_of
    out["last_reported"] = ctx.period
    out["category_inferred"] = bool(new.get("category_inferred"))
    out["category_reason"] = new.get("category_reason", "")
    out["doubtful"] = bool(new.get("doubtful"))
    out["suspect_of"] = new.get("suspect_of", "")
    out["conflict_fields"] = new.get("conflict_fields", "")
    out["corrected"] = new.get("corrected") or ""
    return out


def _not_resubmitted(carried: pd.DataFrame, submitted: set[str], closed_status: str) -> set[str]:
    out = set()
    for key, status, deps in zip(carried.index, carried["status"], carried["departments"]):
        if status != closed_status and set(_split(deps, "、")) & submitted:
            out.add(key)
    return out


def _unit_missing(carried: pd.DataFrame, submitted: set[str], closed_status: str) -> set[str]:
    """Open carried-over items whose departments all failed to report this period (the units are missing)."""
    return {
        key
        for key, status, deps in zip(carried.index, carried["status"], carried["departments"])
        if status != closed_status and not set(_split(deps, "、")) & submitted
    }


def _apply_decisions(ledger: pd.DataFrame, decisions: pd.DataFrame, as_of: date, closed_status: str) -> pd.DataFrame:
    if decisions is None or not len(decisions):
        return ledger
    for col in ("category", "status", "closed_on", "corrected", "category_inferred"):
        ledger[col] = ledger[col].astype(object)
    for rec in decisions.to_dict("records"):
        key = rec.get("item_id")
        if key not in ledger.index:
            continue
        if rec["action"] == "set_category" and rec.get("value"):
            ledger.at[key, "category"] = str(rec["value"]).strip().upper()[:2]
            ledger.at[key, "category_inferred"] = False
            _tag(ledger, key, "人工改类别")
        elif rec["action"] == "confirm_closed":
            ledger.at[key, "status"] = closed_status
            if is_empty(ledger.at[key, "closed_on"]):
                ledger.at[key, "closed_on"] = as_date(rec.get("value")) or as_of
            _tag(ledger, key, "人工确认办结")
    return ledger


def _tag(ledger: pd.DataFrame, key: str, tag: str) -> None:
    ledger.at[key, "corrected"] = with_tag(ledger.at[key, "corrected"], tag)


def _closed_this_period(ledger: pd.DataFrame, prev: pd.DataFrame, closed_status: str) -> list[str]:
    was_closed = {k for k, s in zip(prev.index, prev["status"]) if s == closed_status}
    return sorted(k for k, s in zip(ledger.index, ledger["status"]) if s == closed_status and k not in was_closed)


def _flags(rec: dict, not_resubmitted: bool) -> str:
    if not rec["touched"]:  # carried over: keep the flags of its last period, renew the dynamic ones
        flags = [f for f in _split(rec.get("flags"), "；") if not f.startswith(DYNAMIC_FLAGS)]
        return "；".join(flags + _dynamic_flags(rec, not_resubmitted))
    flags = []
    if rec.get("category_inferred"):
        flags.append(f"类别推断（{rec.get('category_reason') or ''}）")
    if rec.get("doubtful"):
        flags.append("类别可能有误")
    if rec.get("suspect_of"):
        flags.append(f"疑似重复（{rec['suspect_of']}）")
    if rec.get("conflict_fields"):
        flags.append(f"字段冲突（{rec['conflict_fields']}）")
    return "；".join(flags + _dynamic_flags(rec, not_resubmitted))


def _dynamic_flags(rec: dict, not_resubmitted: bool) -> list[str]:
    flags = ["本期未报"] if not_resubmitted else []
    if rec.get("overdue"):
        flags.append("逾期")
    if rec.get("corrected"):
        flags.append(str(rec["corrected"]))
    return flags


def _is_overdue(deadline, status, as_of: date, closed_status: str) -> bool:
    deadline = as_date(deadline)
    return bool(deadline and deadline < as_of and status != closed_status)


def _split(value, sep: str) -> list[str]:
    return [v for v in str(value or "").split(sep) if v] if not is_empty(value) else []


# --- follow-up findings: what the ledger after the period tells the departments ---


def follow_up_findings(not_resubmitted: list[str], previous: pd.DataFrame, files: list) -> pd.DataFrame:
    """File-level notes for departments: items they left out, and ledgers much shorter than last time."""
    out = []
    file_of = {f.department: f for f in files if f.disposition in READABLE}
    prev = previous.set_index("item_id") if len(previous) else pd.DataFrame()
    for item_id in not_resubmitted:
        for dep in str(prev.at[item_id, "departments"]).split("、"):
            if dep in file_of:
                out.append(fnd.make("not_resubmitted", file=file_of[dep].name, department=dep, value=item_id))
    out += _rows_dropped(not_resubmitted, prev, file_of)
    return fnd.table(out)


def _rows_dropped(not_resubmitted: list[str], prev: pd.DataFrame, file_of: dict) -> list[dict]:
    dropped: dict[str, int] = {}
    for item_id in not_resubmitted:
        for dep in str(prev.at[item_id, "departments"]).split("、"):
            dropped[dep] = dropped.get(dep, 0) + 1
    out = []
    for dep, n in dropped.items():
        before = sum(dep in str(d).split("、") for d in prev["departments"]) if len(prev) else 0
        if dep in file_of and n >= 3 and n >= before / 2:
            out.append(fnd.make("rows_dropped", file=file_of[dep].name, department=dep, detail=str(n), before=before))
    return out
