"""The feedback workbooks of a run: one per sending department (outputs/feedback.py writes one), each a job
that runtime/parallel.py can hand to another process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    overdue items. Each job gathers its own rows, in whichever process runs it."""
    shared = _Shared(
        item_of=dict(zip(zip(matched["file"], matched["sheet"], matched["row"]), matched["item_key"])),
        rows_by_file=dict(tuple(intake.rows.groupby("file", sort=False))),
        found_by_file=dict(tuple(found.groupby("file", sort=False))),
        overdue=_overdue_by_department(ledger, ctx.as_of),
        no_rows=intake.rows.iloc[0:0],
    )
    return [
        partial(_write_department, folder / f"{name}.xlsx", name, files, shared, ctx)
        for name, files in feedback_groups(intake.files).items()
    ]


@dataclass(frozen=True)
class _Shared:
    item_of: dict  # (file, sheet, row) -> the 问题编号 the row joined
    rows_by_file: dict[str, pd.DataFrame]
    found_by_file: dict[str, pd.DataFrame]
    overdue: dict[str, list[str]]
    no_rows: pd.DataFrame


def _write_department(path: Path, name: str, files: list, shared: _Shared, ctx: RunContext) -> Path:
    parts = [shared.rows_by_file[f.name] for f in files if f.name in shared.rows_by_file]
    rows = pd.concat(parts) if parts else shared.no_rows
    rows = rows.assign(
        item_id=[
            shared.item_of.get((f, s, r), i)
            for f, s, r, i in zip(rows["file"], rows["sheet"], rows["row"], rows["item_id"])
        ]
    )
    notes = [shared.found_by_file[f.name] for f in files if f.name in shared.found_by_file]
    fb = Feedback(name, files, rows, fnd.concat(*notes), shared.overdue.get(name, []))
    return write_feedback(path, fb, ctx.config, ctx.as_of)


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
