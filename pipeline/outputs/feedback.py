"""Feedback workbooks for departments: their rows as read, marked up, plus every finding in words.

The first sheet lists every finding (or is a receipt when all rows passed); the second shows the
department's rows as the pipeline read them, errors filled red, warnings yellow, with a comment
on each marked cell. This is the file the office emails back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from pipeline.core.config import Config
from pipeline.core.findings import ERROR, NOTE, WARNING
from pipeline.core.names import DERIVED_BYTES, output_name
from pipeline.outputs.xlsx import column_width, fit_cell

CUT_NOTE = "…（内容过长，Excel 单元格最多 32767 字，已截断；完整内容见总台账 ledger.csv）"
DISPOSITION_TEXT = {"processed": "已处理", "zero_report": "零报告", "superseded": "已被更新文件替代",
                    "duplicate": "重复文件", "rejected": "退回", "ignored": "已忽略"}


@dataclass
class Feedback:
    name: str                     # department (or file label when unknown)
    files: list                   # intake.SourceFile records of this department
    rows: pd.DataFrame            # raw rows as read (intake's frame), this department only
    findings: pd.DataFrame        # findings of this department (row- and file-level)
    overdue: list[str] = field(default_factory=list)   # the department's items past their deadline


def feedback_name(department: str | None, file_name: str) -> str:
    """The department, or a label made from the file name: safe as a file name, and short (a hash
    keeps two long names apart) so that outbox/<period>/feedback/<label>.xlsx fits everywhere."""
    return department or output_name(f"未识别单位-{Path(file_name).stem}", max_bytes=DERIVED_BYTES - len(".xlsx"))


def write_feedback(path: Path, fb: Feedback, config: Config, as_of: date) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": True})
    fmt = _formats(wb)
    _summary_sheet(wb, fmt, fb, as_of)
    if len(fb.rows):
        _rows_sheet(wb, fmt, fb, config)
    wb.close()
    return path


def _formats(wb) -> dict:
    border = {"border": 1, "valign": "top", "text_wrap": True}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({**border, "bold": True, "bg_color": "#D9E1F2", "align": "center"}),
        "cell": wb.add_format(border),
        "date": wb.add_format({**border, "num_format": "yyyy-mm-dd"}),
        "error": wb.add_format({**border, "bg_color": "#FF9999"}),
        "warning": wb.add_format({**border, "bg_color": "#FFEB84"}),
        "error_date": wb.add_format({**border, "bg_color": "#FF9999", "num_format": "yyyy-mm-dd"}),
        "warning_date": wb.add_format({**border, "bg_color": "#FFEB84", "num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _summary_sheet(wb, fmt, fb: Feedback, as_of: date) -> None:
    ws = wb.add_worksheet("问题清单" if _has_findings(fb) else "回执")
    for col, width in enumerate((8, 16, 8, 70, 26)):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.merge_range(0, 0, 0, 4, f"{fb.name} 台账报送反馈（{as_of.year}年{as_of.month}月{as_of.day}日）", fmt["title"])
    line = 2
    for sf in fb.files:
        _merged_line(ws, line, _file_line(sf), fmt["text"])
        line += 1
    line += 1
    if fb.overdue:
        _merged_line(ws, line, f"本单位有 {len(fb.overdue)} 项问题已超过整改时限仍未办结，请抓紧整改：" + "；".join(fb.overdue),
                     fmt["text"])
        line += 2
    if not _has_findings(fb):
        _merged_line(ws, line, f"经核对，本次报送的 {len(fb.rows)} 行数据全部通过校验，已收录。感谢配合！", fmt["text"])
        if len(fb.findings):  # notes only: how the columns were read
            _findings_table(ws, fmt, line + 2, fb.findings)
        return
    errors = int((fb.findings["severity"] == ERROR).sum())
    warnings = int((fb.findings["severity"] == WARNING).sum())
    _merged_line(ws, line, f"共发现 {errors} 处错误（所在行已退回，请改正后重新报送完整台账）、{warnings} 处"
                           f"提醒（已收录，请核对）。第二张表按读取结果标出了每一处：红色为错误，黄色为提醒，批注写明如何修改。"
                           f"级别为“说明”的行写明各列是怎样识别的，不是问题。",
                 fmt["text"])
    _findings_table(ws, fmt, line + 2, fb.findings)


def _findings_table(ws, fmt, line: int, findings: pd.DataFrame) -> None:
    for col, head in enumerate(["行号", "列", "级别", "说明", "文件"]):
        ws.write_string(line, col, head, fmt["head"])
    ws.repeat_rows(line)
    ordered = findings.sort_values(["file", "row"], kind="stable")
    for rec in ordered.to_dict("records"):
        line += 1
        style = {ERROR: fmt["error"], WARNING: fmt["warning"]}.get(rec["severity"], fmt["cell"])
        ws.write_string(line, 0, str(rec["row"] or "—"), fmt["cell"])
        ws.write_string(line, 1, str(rec["column"] or ""), fmt["cell"])
        ws.write_string(line, 2, rec["severity"], style)
        ws.write_string(line, 3, _fit(str(rec["message"])), fmt["cell"])
        ws.write_string(line, 4, str(rec["file"]), fmt["cell"])
        ws.set_row(line, 15 * (1 + min(len(str(rec["message"])), 2000) // 34))  # the 说明 column wraps at ~34 characters


def _merged_line(ws, line: int, text: str, style) -> None:
    ws.merge_range(line, 0, line, 4, text, style)
    ws.set_row(line, 15 * (1 + len(text) // 60))


def _file_line(sf) -> str:
    text = f"文件：{sf.name}　处理结果：{DISPOSITION_TEXT.get(sf.disposition, sf.disposition)}"
    if sf.disposition == "processed":
        text += f"　读取 {sf.rows_read} 行，收录 {sf.rows_accepted} 行，退回 {sf.rows_rejected} 行"
    if sf.reason:
        text += f"　原因：{sf.reason}"
    return text


def _has_findings(fb: Feedback) -> bool:
    return bool((fb.findings["severity"] != NOTE).any()) or any(sf.disposition not in ("processed", "zero_report") for sf in fb.files)


def _rows_sheet(wb, fmt, fb: Feedback, config: Config) -> None:
    ws = wb.add_worksheet("台账（按读取结果标注）")
    columns = [c for c in config.columns if c.key != "seq"]
    heads = ["文件", "原行号"] + [c.name for c in columns]
    sample = fb.rows.head(200)
    values = [sample["file"], sample["row"]] + [sample.get(c.key, pd.Series(dtype=object)) for c in columns]
    for col, (head, series) in enumerate(zip(heads, values)):
        ws.write_string(0, col, head, fmt["head"])
        ws.set_column(col, col, column_width(head, series))
    ws.freeze_panes(1, 2)
    ws.set_landscape()
    ws.set_paper(8)
    ws.repeat_rows(0)
    marks = _marks(fb.findings)
    for line, rec in enumerate(fb.rows.to_dict("records"), start=1):
        ws.write_string(line, 0, str(rec["file"]), fmt["cell"])
        ws.write_number(line, 1, int(rec["row"]), fmt["cell"])
        for col, column in enumerate(columns, start=2):
            mark = marks.get((rec["file"], rec["sheet"], int(rec["row"]), column.name))
            _write_cell(ws, line, col, rec.get(column.key), fmt, mark)
        row_mark = marks.get((rec["file"], rec["sheet"], int(rec["row"]), ""))
        if row_mark:
            ws.write_comment(line, 1, row_mark[1], {"x_scale": 2, "y_scale": 2})


def _marks(findings: pd.DataFrame) -> dict:
    """(file, sheet, row, column name) -> (worst severity, all messages)."""
    out: dict = {}
    for rec in findings[(findings["row"] > 0) & (findings["severity"] != NOTE)].to_dict("records"):
        key = (rec["file"], rec["sheet"], int(rec["row"]), rec["column"] or "")
        severity, text = out.get(key, (None, ""))
        worst = ERROR if ERROR in (severity, rec["severity"]) else rec["severity"]
        out[key] = (worst, (text + "\n" if text else "") + rec["message"])
    return out


def _write_cell(ws, line: int, col: int, value, fmt: dict, mark) -> None:
    kind = "cell" if not mark else ("error" if mark[0] == ERROR else "warning")
    if isinstance(value, (datetime, date)):  # pd.Timestamp is a datetime
        ws.write_datetime(line, col, pd.Timestamp(value).to_pydatetime(), fmt["date" if kind == "cell" else kind + "_date"])
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        ws.write_number(line, col, value, fmt[kind])
    else:
        ws.write_string(line, col, _fit("" if value is None or value != value else str(value)), fmt[kind])
    if mark:
        ws.write_comment(line, col, _fit(mark[1])[:30000], {"x_scale": 2, "y_scale": 2})


def _fit(text: str) -> str:
    return fit_cell(text, CUT_NOTE)
