"""The documents of a run: the Word 通报 for superiors and the summary workbook for the office."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from pipeline.core.context import RunContext
from pipeline.reports.figures import ReportInput, compute_figures
from pipeline.reports.workbook import write_summary
from pipeline.reports.word import convert_pdf, write_report


def report_stem(ctx: RunContext, issue_no: int) -> str:
    return f"{ctx.config.office.report_title}（第{issue_no}期）"


def report_jobs(folder: Path, inp: ReportInput) -> list[Callable[[], list[str]]]:
    """The two documents as jobs that return notes for the user; names them in inp.summary['outputs'] before
    any job runs. The figures both show are computed by the first job that needs them in its process (the
    two jobs may run in two processes at once: each computes them from the same input, the same numbers)."""
    ctx = inp.ctx
    docx_name, xlsx_name = f"{report_stem(ctx, inp.issue_no)}.docx", f"政务失信问题台账汇总（{ctx.period}）.xlsx"
    # named before writing: the 通报 points readers to the workbook by name
    inp.summary["outputs"].update(
        {
            "ledger_csv": "ledger.csv",
            "rejected_csv": "rejected.csv",
            "report_docx": docx_name,
            "summary_xlsx": xlsx_name,
        }
    )
    figures = cache(partial(compute_figures, inp))  # once in each process that asks
    return [partial(_word, folder / docx_name, inp, figures), partial(_summary, folder / xlsx_name, inp, figures)]


def _word(path: Path, inp: ReportInput, figures: Callable[[], dict]) -> list[str]:
    docx = write_report(path, inp, figures())
    return [convert_pdf(docx)] if inp.ctx.config.report.pdf else []


def _summary(path: Path, inp: ReportInput, figures: Callable[[], dict]) -> list[str]:
    write_summary(path, inp, figures())
    return []
