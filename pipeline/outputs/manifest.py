"""run.json: the manifest of a run, built from the files, the ledger update and the merge's counts (interface.md)."""

from __future__ import annotations

import pandas as pd

from pipeline.core.context import RunContext
from pipeline.intake.files import submitted_departments

TOTAL_KEYS = [
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "items",
    "new_items",
    "merged_rows",
    "suspected_duplicates",
    "closed_this_period",
    "overdue",
    "not_resubmitted",
]
OUTPUT_KEYS = ["report_docx", "summary_xlsx", "ledger_csv", "rejected_csv"]


def build_summary(ctx: RunContext, files: list, update, new_items: int, suspected_duplicates: int) -> dict:
    """`new_items`: items first made this period; `suspected_duplicates`: pairs the merge listed."""
    ledger = update.ledger
    rows = {k: sum(getattr(f, k) for f in files) for k in ("rows_read", "rows_accepted", "rows_rejected")}
    totals = {
        **rows,
        "items": len(ledger),
        "new_items": new_items,
        "merged_rows": rows["rows_accepted"] - new_items,
        "suspected_duplicates": suspected_duplicates,
        "closed_this_period": update.closed_this_period,
        "overdue": int(ledger["overdue"].astype(bool).sum()) if len(ledger) else 0,
        "not_resubmitted": len(update.not_resubmitted),
    }
    return {
        "period": ctx.period,
        "as_of": ctx.as_of.isoformat(),
        "files": [_file_entry(f) for f in files],
        "totals": {k: int(totals[k]) for k in TOTAL_KEYS},
        "by_category": _by_category(ctx, ledger),
        "departments": _departments(ctx, files),
        "outputs": {k: None for k in OUTPUT_KEYS},
    }


def _file_entry(f) -> dict:
    return {
        "name": f.name,
        "department": f.department,
        "disposition": f.disposition,
        "reason": f.reason,
        "rows_read": f.rows_read,
        "rows_accepted": f.rows_accepted,
        "rows_rejected": f.rows_rejected,
        "sheets": list(getattr(f, "sheets", [])),
        "columns": dict(getattr(f, "columns", {})),
    }


def _by_category(ctx: RunContext, ledger: pd.DataFrame) -> dict:
    counts = ledger["category"].value_counts() if len(ledger) else {}
    return {c.code: int(counts.get(c.code, 0)) for c in ctx.config.categories}


def _departments(ctx: RunContext, files: list) -> dict:
    registry = ctx.config.department_names
    reported = submitted_departments(files)
    zero = {f.department for f in files if f.disposition == "zero_report" and f.department} - {
        f.department for f in files if f.disposition == "processed"
    }
    returned = {f.department for f in files if f.disposition == "rejected" and f.department} - reported
    return {
        "expected": len(registry),
        "reported": [d for d in registry if d in reported],
        "zero_report": [d for d in registry if d in zero],
        "missing": [d for d in registry if d not in reported],
        "returned": [d for d in registry if d in returned],
    }  # 已报送但被退回: sent only rejected files


def period_totals_row(ctx: RunContext, summary: dict, update) -> dict:
    """This period's line of the week-by-week history (trend chart, 环比)."""
    ledger, t = update.ledger, summary["totals"]
    closed = int((ledger["status"] == ctx.config.closed_status).sum()) if len(ledger) else 0
    return {
        "period": ctx.period,
        "as_of": ctx.as_of,
        "items": t["items"],
        "open": t["items"] - closed,
        "closed": closed,
        "new_items": t["new_items"],
        "closed_this_period": t["closed_this_period"],
        "overdue": t["overdue"],
    }
