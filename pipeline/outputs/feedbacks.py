"""The feedback workbooks of a run: one per sending department (outputs/feedback.py writes one), each a job
that runtime/parallel.py can hand to another process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.context import RunContext
from pipeline.core.text import as_date
from pipeline.outputs.feedback import Feedback, feedback_name, write_feedback
from pipeline.runtime.parallel import run_jobs


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
    """Every department's workbook, in up to run.feedback_workers processes."""
    run_jobs(feedback_jobs(folder, ctx, intake, found, matched, ledger), ctx.config.run.feedback_workers)


def feedback_jobs(
    folder: Path, ctx: RunContext, intake, found: pd.DataFrame, matched: pd.DataFrame, ledger: pd.DataFrame
) -> list[Callable[[], Path]]:
    """One job per sending department, writing its workbook: its rows with the 问题编号 each got, and its
    overdue items."""
    item_of = dict(zip(zip(matched["file"], matched["sheet"], matched["row"]), matched["item_key"]))
    rows_by_file = dict(tuple(intake.rows.groupby("file", sort=False)))
    found_by_file = dict(tuple(found.groupby("file", sort=False)))
    overdue = _overdue_by_department(ledger, ctx.as_of)
    jobs: list[Callable[[], Path]] = []
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
        fb = Feedback(name, files, rows, fnd.concat(*notes), overdue.get(name, []))
        jobs.append(partial(write_feedback, folder / f"{name}.xlsx", fb, ctx.config, ctx.as_of))
    return jobs


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
