"""The feedback workbooks of a run: one per sending department (outputs/feedback.py writes one), in a
process pool when there are many."""

from __future__ import annotations

import os
from datetime import date
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.context import RunContext
from pipeline.core.text import as_date
from pipeline.outputs.feedback import Feedback, feedback_name, write_feedback


def feedback_groups(files: list) -> dict[str, list]:
    """Feedback workbook name -> the files it answers (every file but the ignored ones)."""
    groups: dict[str, list] = {}
    for sf in files:
        if sf.disposition != "ignored":
            groups.setdefault(feedback_name(sf.department, sf.name), []).append(sf)
    return groups


def write_all_feedback(
    folder: Path, ctx: RunContext, intake, found: pd.DataFrame, matched: pd.DataFrame, ledger: pd.DataFrame
) -> None:
    """One workbook per sending department: its rows with the 问题编号 each got, and its overdue items."""
    item_of = dict(zip(zip(matched["file"], matched["sheet"], matched["row"]), matched["item_key"]))
    rows_by_file = dict(tuple(intake.rows.groupby("file", sort=False)))
    found_by_file = dict(tuple(found.groupby("file", sort=False)))
    overdue = _overdue_by_department(ledger, ctx.as_of)
    jobs = []
    for name, files in feedback_groups(intake.files).items():
        parts = [rows_by_file[f.name] for f in files if f.name in rows_by_file]
        rows = pd.concat(parts) if parts else intake.rows.iloc[0:0]
        rows = rows.assign(
            item_id=[
                item_of.get((f, s, r), i)
                for f, s, r, i in zip(rows["file"], rows["sheet"], rows["row"], rows["item_id"])
            ]
        )
        notes = [found_by_file[f.name] for f in files if f.name in found_by_file]
        jobs.append((folder / f"{name}.xlsx", Feedback(name, files, rows, fnd.concat(*notes), overdue.get(name, []))))
    workers = min(os.cpu_count() or 1, ctx.config.run.feedback_workers)
    if workers < 2 or len(jobs) < 50:
        for path, fb in jobs:
            write_feedback(path, fb, ctx.config, ctx.as_of)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write_feedback, *zip(*jobs), repeat(ctx.config), repeat(ctx.as_of), chunksize=8))


def _overdue_by_department(ledger: pd.DataFrame, as_of: date) -> dict[str, list[str]]:
    """Each department's overdue items, the longest overdue first, with the days past the deadline."""
    late = ledger[ledger["overdue"].astype(bool)].copy()
    late["deadline_day"] = [as_date(d) for d in late["deadline"]]
    late = late.sort_values(["deadline_day", "item_id"], kind="stable", na_position="last")
    out: dict[str, list[str]] = {}
    for r in late.itertuples(index=False):
        days = f"，已逾期 {(as_of - r.deadline_day).days} 天" if r.deadline_day else ""
        for dep in str(r.departments).split("、"):
            out.setdefault(dep, []).append(f"{r.item_id} {r.company}：整改时限 {r.deadline}{days}，尚未办结")
    return out
