"""Feedback workbooks for departments: their rows as read, marked up, plus every finding in words.

The first sheet lists every finding (or, when nothing was returned, is a receipt: 全部通过 first,
then the 提醒 as a numbered list); the second shows the department's rows as the pipeline read
them, errors filled red, warnings yellow, with a comment on each marked cell. Counts that are zero
are not mentioned, the resubmission deadline and the office's contact come from config.yaml
(`office:`). This is the file the office emails back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipeline.core.config import Config
from pipeline.core.frames import records
from pipeline.core.findings import ERROR, NOTE, WARNING, disposition_text
from pipeline.core.names import DERIVED_BYTES, output_name
from pipeline.outputs.xlsx import column_width, fit_cell, print_setup, row_height
from pipeline.core.text import is_missing

CUT_NOTE = "…（内容过长，超过 Excel 单元格 32767 字的上限，其余部分已截断）"
RECEIPT_SHEET, FINDINGS_SHEET, ROWS_SHEET = "回执", "问题清单", "台账（按读取结果标注）"
TABLE_HEADS = ("序号", "级别", "行号", "列", "说明", "文件")
SUMMARY_WIDTHS = (6, 7, 7, 16, 64, 24)
LAST_COL = len(SUMMARY_WIDTHS) - 1


@dataclass
class Feedback:
    name: str  # department (or file label when unknown)
    files: list  # intake.SourceFile records of this department
    rows: pd.DataFrame  # raw rows as read (intake's frame), this department only
    findings: pd.DataFrame  # findings of this department (row- and file-level)
    overdue: list[str] = field(default_factory=list)  # the department's items past their deadline

    @cached_property
    def passed(self) -> bool:
        """No 错误 and no file turned away: the first sheet is a receipt (提醒 listed on it)."""
        return not bool((self.findings["severity"] == ERROR).any()) and not any(
            sf.disposition == "rejected" for sf in self.files
        )


def feedback_name(department: str | None, file_name: str) -> str:
    """The department, or a label made from the file name: safe as a file name, and short (a hash
    keeps two long names apart) so that outbox/<period>/feedback/<label>.xlsx fits everywhere."""
    return department or output_name(f"未识别单位-{Path(file_name).stem}", max_bytes=DERIVED_BYTES - len(".xlsx"))


def write_feedback(path: Path, fb: Feedback, config: Config, as_of: date) -> Path:
    import xlsxwriter  # here, not at the top: `check` does not write workbooks

    path.parent.mkdir(parents=True, exist_ok=True)
    # in_memory: the parts are zipped from memory, not written to and removed from a temporary folder
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True, "in_memory": True},
    )
    fmt = _formats(wb)
    _summary_sheet(wb, fmt, fb, config, as_of)
    if len(fb.rows):
        _rows_sheet(wb, fmt, fb, config)
    wb.close()
    return path


def _formats(wb) -> dict:
    # 10-point text, the size xlsx.row_height computes wrapped rows for
    border = {"border": 1, "valign": "top", "text_wrap": True, "font_size": 10}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({**border, "bold": True, "bg_color": "#D9E1F2", "align": "center"}),
        "cell": wb.add_format(border),
        "center": wb.add_format({**border, "align": "center"}),
        "date": wb.add_format({**border, "num_format": "yyyy-mm-dd"}),
        "error": wb.add_format({**border, "bg_color": "#FF9999"}),
        "warning": wb.add_format({**border, "bg_color": "#FFEB84"}),
        "error_center": wb.add_format({**border, "bg_color": "#FF9999", "align": "center"}),
        "warning_center": wb.add_format({**border, "bg_color": "#FFEB84", "align": "center"}),
        "error_date": wb.add_format({**border, "bg_color": "#FF9999", "num_format": "yyyy-mm-dd"}),
        "warning_date": wb.add_format({**border, "bg_color": "#FFEB84", "num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({"text_wrap": True, "valign": "top", "font_size": 10}),
        "pass": wb.add_format({"text_wrap": True, "valign": "top", "bold": True, "font_color": "#006100"}),
    }


def _summary_sheet(wb, fmt, fb: Feedback, config: Config, as_of: date) -> None:
    ws = wb.add_worksheet(RECEIPT_SHEET if fb.passed else FINDINGS_SHEET)
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)  # the title on every page; the findings table's header replaces it when there is one
    ws.merge_range(
        0, 0, 0, LAST_COL, f"{_title_name(fb)} 台账报送反馈（{as_of.year}年{as_of.month}月{as_of.day}日）", fmt["title"]
    )
    shown = set(fb.findings["message"])
    line = 2
    for sf in fb.files:
        _merged_line(ws, line, _file_line(sf, shown), fmt["text"])
        line += 1
    line += 1
    problems = fb.findings[fb.findings["severity"] != NOTE]
    warnings = problems[problems["severity"] == WARNING]
    office = config.office
    if fb.passed:
        _merged_line(ws, line, _pass_line(fb), fmt["pass"])
        line += 1
        if len(warnings):
            _merged_line(
                ws,
                line,
                f"请核对以下 {len(warnings)} 处提醒（数据已收录，不影响本次报送；请在下次报送时改正）：",
                fmt["text"],
            )
            line = _findings_table(ws, fmt, line + 1, warnings, repeat=True) + 1
        line = _overdue_lines(ws, fmt, line + 1, fb.overdue)
        _merged_line(
            ws, line, f"下次报送时间：{office.weekly_deadline}，请继续报送本单位完整台账（含已办结事项）。", fmt["text"]
        )
        line += 1
    else:
        for text in _problem_lines(fb, problems, office.resubmit_by):
            _merged_line(ws, line, text, fmt["text"])
            line += 1
        line = _findings_table(ws, fmt, line + 1, problems, repeat=True) + 1
        line = _overdue_lines(ws, fmt, line + 1, fb.overdue)
    notes = fb.findings[fb.findings["severity"] == NOTE]
    if len(notes):
        _merged_line(ws, line + 1, "各列的识别情况（供核对，不是问题）：", fmt["text"])
        line = _findings_table(ws, fmt, line + 2, notes) + 1
    if office.contact_line:
        _merged_line(ws, line + 1, office.contact_line, fmt["text"])


def _title_name(fb: Feedback) -> str:
    """The department; for a file whose department is not in the registry, what it wrote (or the file)."""
    if any(sf.department for sf in fb.files) or not fb.files:
        return fb.name
    first = fb.files[0]
    return first.raw_department or first.name


def _pass_line(fb: Feedback) -> str:
    if not len(fb.rows) and any(sf.disposition == "zero_report" for sf in fb.files):
        return "全部通过：本单位本期为零报告（经排查未发现问题），已登记。感谢配合！"
    return f"全部通过：本次报送的 {len(fb.rows)} 行数据已全部收录。感谢配合！"


def _problem_lines(fb: Feedback, problems: pd.DataFrame, deadline: str) -> list[str]:
    """What went wrong and what to do, with only the counts that are not zero and only sheets that exist."""
    errors = int((problems["severity"] == ERROR).sum())
    warnings = int((problems["severity"] == WARNING).sum())
    returned = sum(sf.rows_rejected for sf in fb.files)
    rejected = [sf for sf in fb.files if sf.disposition == "rejected"]
    what = []
    if rejected:
        what.append("文件未能收录" if len(rejected) == len(fb.files) else f"{len(rejected)} 个文件未能收录")
    if returned:
        what.append(f"所在的 {returned} 行已退回")
    head = f"本次报送有 {errors} 处错误" + (f"，{'，'.join(what)}" if what else "") + "。" if errors else ""
    lines = []
    if head:
        whole = "本单位完整台账（不要只报改正的行）" if returned else ""
        lines.append(head + f"请按下表改正后，于{deadline}重新报送{whole}。")
    if warnings:
        lines.append(f"{'另有' if errors else '有'} {warnings} 处提醒，数据已收录，请核对。")
    marked = [text for count, text in ((errors, "红色为错误"), (warnings, "黄色为提醒")) if count]
    if len(fb.rows) and marked:
        lines.append(f"“{ROWS_SHEET}”表按读取结果标出了每一处：{'，'.join(marked)}，批注写明如何修改。")
    return lines


def _overdue_lines(ws, fmt, line: int, overdue: list[str]) -> int:
    if not overdue:
        return line
    _merged_line(ws, line, f"本单位有 {len(overdue)} 项问题已超过整改时限仍未办结，请抓紧整改：", fmt["text"])
    for n, text in enumerate(overdue, 1):
        _merged_line(ws, line + n, f"{n}. {text}", fmt["text"])
    return line + len(overdue) + 2


def _findings_table(ws, fmt, line: int, findings: pd.DataFrame, repeat: bool = False) -> int:
    """The findings as a numbered list under a header row (repeated on each printed page when
    `repeat`: the sheet's main table); returns the last row written."""
    for col, head in enumerate(TABLE_HEADS):
        ws.write_string(line, col, head, fmt["head"])
    if repeat:
        ws.repeat_rows(line)
    ordered = findings.sort_values(["file", "row"], kind="stable")
    for n, rec in enumerate(records(ordered), 1):
        line += 1
        style = {ERROR: fmt["error_center"], WARNING: fmt["warning_center"]}.get(rec["severity"], fmt["center"])
        ws.write_number(line, 0, n, fmt["center"])
        ws.write_string(line, 1, rec["severity"], style)
        ws.write_string(line, 2, str(rec["row"] or "—"), fmt["center"])
        ws.write_string(line, 3, str(rec["column"] or ""), fmt["cell"])
        ws.write_string(line, 4, _fit(str(rec["message"])), fmt["cell"])
        ws.write_string(line, 5, str(rec["file"]), fmt["cell"])
        ws.set_row(
            line, 15 * (1 + min(len(str(rec["message"])), 2000) // 30)
        )  # the 说明 column wraps at ~30 characters
    return line


def _merged_line(ws, line: int, text: str, style) -> None:
    ws.merge_range(line, 0, line, LAST_COL, text, style)
    ws.set_row(line, 15 * (1 + len(text) // 62))


def _file_line(sf, shown: set[str]) -> str:
    """The file and what became of it; its reason only when no finding below says it already."""
    text = f"文件：{sf.name}　处理结果：{disposition_text(sf.disposition)}"
    if sf.disposition == "processed":
        text += f"　读取 {sf.rows_read} 行，收录 {sf.rows_accepted} 行"
        text += f"，退回 {sf.rows_rejected} 行" if sf.rows_rejected else ""
    if sf.reason and sf.reason not in shown:
        text += f"　原因：{sf.reason}"
    return text


# Printed: the row number, the columns that identify a row, and every column marked in this workbook, in
# the standard order; the others stay on screen, to the right, outside the print area. The long text
# columns are capped and wrap, so that A4 landscape stays readable.
PRINT_KEYS = ("item_id", "company", "description")
ROW_HEAD, FILE_HEAD = "原行号", "文件"
TEXT_WIDTHS = {"description": 36, "measures": 28, "company": 24, "category": 20, "note": 20, "court": 20}  # by key
A4_WIDTH = 180  # printed column-width units beyond which A4 landscape would print smaller than ~8 points


def _rows_sheet(wb, fmt, fb: Feedback, config: Config) -> None:
    ws = wb.add_worksheet(ROWS_SHEET)
    marks = _marks(fb.findings)
    layout = _rows_layout(fb, config, marks)
    printed = sum(1 for _, _, p in layout if p)
    kinds = {c.key: c.type for c in config.columns}
    sample = fb.rows.head(200)
    widths = []
    for col, (head, key, on_paper) in enumerate(layout):
        series = sample[key] if key in sample else pd.Series(dtype=object)
        widths.append(_width(head, key, series, kinds.get(key, "text"), on_paper))
        ws.write_string(0, col, head, fmt["head"])
        ws.set_column(col, col, widths[col])
    ws.set_row(0, row_height([h for h, _, _ in layout], widths))
    heads = [h for h, _, _ in layout]
    ws.freeze_panes(1, heads.index("企业名称") + 1 if "企业名称" in heads else 2)
    print_setup(ws, 0, printed)
    ws.set_paper(9 if sum(widths[:printed]) <= A4_WIDTH else 8)  # A4, A3 when many columns are marked
    ws.set_header("&L" + _title_name(fb).replace("&", "&&") + "　&A")  # whose rows, on every printed page
    for line, rec in enumerate(records(fb.rows), start=1):
        place = (rec["file"], rec["sheet"], int(rec["row"]))
        shown = []
        for col, (head, key, _) in enumerate(layout):
            if head == FILE_HEAD:
                ws.write_string(line, col, str(rec["file"]), fmt["cell"])
            elif head == ROW_HEAD:
                ws.write_number(line, col, int(rec["row"]), fmt["cell"])
                row_mark = marks.get((*place, ""))
                if row_mark:
                    ws.write_comment(line, col, row_mark[1], {"x_scale": 2, "y_scale": 2})
            else:
                _write_cell(ws, line, col, rec.get(key), fmt, marks.get((*place, head)))
            value = rec["file"] if head == FILE_HEAD else rec.get(key)
            shown.append(value if isinstance(value, str) else "")
        ws.set_row(line, row_height(shown, widths))
    end = len(fb.rows) + 2
    left_out = [h for h, _, p in layout if not p]
    notes = [f"批注写明如何修改（鼠标指向有颜色的单元格可见），打印时请一并参看“{_first_sheet(fb)}”表。"]
    if left_out:
        notes.append(
            f"打印时只打印前 {printed} 列（{heads[0]}至{heads[printed - 1]}，含所有标出问题的列），"
            f"其余 {len(left_out)} 列（{'、'.join(left_out)}）在表中右侧，不打印。"
        )
    for j, text in enumerate(notes):  # across the printed columns, wrapped, so the note prints whole
        ws.merge_range(end + j, 0, end + j, printed - 1, text, fmt["text"])
        ws.set_row(end + j, row_height([text], [sum(widths[:printed])]))
    ws.print_area(0, 0, end + len(notes) - 1, printed - 1)


def _rows_layout(fb: Feedback, config: Config, marks: dict) -> list[tuple[str, str, bool]]:
    """(header, rows-frame key, printed) per column: 原行号 (and 文件 when the department sent more than
    one file), the key columns and every marked column in the standard order, then the rest on screen."""
    marked = {key[3] for key in marks}
    columns = [c for c in config.columns if c.key != "seq"]
    several = fb.rows["file"].nunique() > 1
    head = ([(FILE_HEAD, "file", True)] if several else []) + [(ROW_HEAD, "row", True)]
    printed = [(c.name, c.key, True) for c in columns if c.key in PRINT_KEYS or c.name in marked]
    rest = [(c.name, c.key, False) for c in columns if not (c.key in PRINT_KEYS or c.name in marked)]
    return head + printed + rest + ([] if several else [(FILE_HEAD, "file", False)])


def _width(head: str, key: str, sample: pd.Series, kind: str, printed: bool) -> float:
    """Wide enough for the header on one line (a wrapped header breaks inside a word: 涉及金额（万|元）) and
    the values (dates as shown); a printed long text column is capped to fit the paper, its text wraps."""
    width = column_width(head, sample, "date" if kind == "date" else "text")
    return min(width, TEXT_WIDTHS[key]) if printed and key in TEXT_WIDTHS else width


def _first_sheet(fb: Feedback) -> str:
    return RECEIPT_SHEET if fb.passed else FINDINGS_SHEET


def _marks(findings: pd.DataFrame) -> dict:
    """(file, sheet, row, column name) -> (worst severity, all messages)."""
    out: dict = {}
    for rec in records(findings[(findings["row"] > 0) & (findings["severity"] != NOTE)]):
        key = (rec["file"], rec["sheet"], int(rec["row"]), rec["column"] or "")
        severity, text = out.get(key, (None, ""))
        worst = ERROR if ERROR in (severity, rec["severity"]) else rec["severity"]
        out[key] = (worst, (text + "\n" if text else "") + rec["message"])
    return out


def _write_cell(ws, line: int, col: int, value, fmt: dict, mark) -> None:
    kind = "cell" if not mark else ("error" if mark[0] == ERROR else "warning")
    if isinstance(value, (datetime, date)):  # pd.Timestamp is a datetime
        ws.write_datetime(
            line, col, pd.Timestamp(value).to_pydatetime(), fmt["date" if kind == "cell" else kind + "_date"]
        )
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        ws.write_number(line, col, value, fmt[kind])
    else:
        ws.write_string(line, col, _fit("" if is_missing(value) else str(value)), fmt[kind])
    if mark:
        ws.write_comment(line, col, _fit(mark[1])[:30000], {"x_scale": 2, "y_scale": 2})


def _fit(text: str) -> str:
    return fit_cell(text, CUT_NOTE)
