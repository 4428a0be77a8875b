"""The documents of a run: the Word 通报 for superiors and the summary workbook for the office."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.context import RunContext
from pipeline.reports.figures import ReportInput, compute_figures
from pipeline.reports.workbook import write_summary
from pipeline.reports.word import convert_pdf, write_report


def report_stem(ctx: RunContext, issue_no: int) -> str:
    return f"{ctx.config.section('office')['report_title']}（第{issue_no}期）"


def write_reports(folder: Path, inp: ReportInput) -> list[str]:
    """Write both documents into the run folder, fill inp.summary['outputs'], return notes for the user."""
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
    figures = compute_figures(inp)  # both documents show the same numbers; computed once
    docx = write_report(folder / docx_name, inp, figures)
    write_summary(folder / xlsx_name, inp, figures)
    notes = []
    if ctx.config.report.pdf:
        notes.append(convert_pdf(docx))
    return notes
