"""The findings catalogue and the one findings table every report of problems is a view of.

A finding is data, not an exception: (file, sheet, row, department, column, value, code,
severity, message). Row-level findings have the Excel row number; file-level ones have row 0.
Severity 错误 returns the row (or rejects the file); 提醒 keeps it; 说明 is a note that is no
problem at all (which header became which column, a sheet skipped) and is never counted as one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ERROR, WARNING, NOTE = "错误", "提醒", "说明"
COLUMNS = ["file", "sheet", "row", "department", "column", "value", "code", "severity", "message"]


@dataclass(frozen=True)
class Rule:
    severity: str
    template: str  # str.format fields: row, column, value and any extras passed to make()


CATALOGUE: dict[str, Rule] = {
    # --- row errors: the row is returned ---
    "company_missing": Rule(ERROR, "第{row}行“{column}”为空，请填写企业全称"),
    "description_missing": Rule(ERROR, "第{row}行“{column}”为空，请简要写明问题情况"),
    "required_missing": Rule(ERROR, "第{row}行“{column}”为空，该列为必填项，请填写"),
    "category_unknown": Rule(
        ERROR, "第{row}行“{column}”：“{value}”无法识别，且无法从案号和描述推断，请从下拉列表选择类别{detail}"
    ),
    "category_blank_unknown": Rule(
        ERROR, "第{row}行“{column}”未填写，且无法从案号和描述推断，请从下拉列表选择类别{detail}"
    ),
    "case_no_missing": Rule(ERROR, "第{row}行为{category}类案件，“{column}”不能为空，请填写如（2021）豫0425执123号"),
    "date_invalid": Rule(ERROR, "第{row}行“{column}”：“{value}”不是有效日期，请填写如 2021-12-31"),
    "amount_invalid": Rule(ERROR, "第{row}行“{column}”：“{value}”不是有效金额，请只填数字（单位万元），如 12.5"),
    "amount_negative": Rule(ERROR, "第{row}行“{column}”：“{value}”为负数，金额不能小于 0"),
    "status_invalid": Rule(ERROR, "第{row}行“{column}”：“{value}”不是有效状态，请填写 未启动、整改中 或 已办结"),
    # --- row warnings: the row is kept ---
    "formula_like": Rule(
        WARNING, "第{row}行“{column}”：“{value}”以 = + - @ 开头，疑似公式，已按文字收录；如不是有意为之请改正"
    ),
    "uscc_invalid": Rule(WARNING, "第{row}行“{column}”：“{value}”不是有效的18位统一社会信用代码（{detail}），请核对"),
    "case_no_unusual": Rule(
        WARNING, "第{row}行“{column}”：“{value}”格式不常见，请核对，规范写法如（2021）豫0425执123号"
    ),
    "category_inferred": Rule(
        WARNING, "第{row}行“{column}”未填或无法识别，已按{detail}推断为 {category}，请核对后在下次报送时填写"
    ),
    "category_doubtful": Rule(
        WARNING, "第{row}行“{column}”填写为 {category}，但描述更像 {detail}，类别可能有误，请核对"
    ),
    "closed_without_date": Rule(WARNING, "第{row}行状态为已办结，但“{column}”为空，请补填办结日期"),
    "paid_exceeds_amount": Rule(WARNING, "第{row}行“{column}”：{value} 万元大于涉及金额 {detail} 万元，请核对"),
    "status_blank": Rule(WARNING, "第{row}行“{column}”为空，已按“未启动”计，请填写 未启动、整改中 或 已办结"),
    "amount_approximate": Rule(
        WARNING, "第{row}行“{column}”：“{value}”金额为约数，已按所写数字计入，请核实后填写准确金额"
    ),
    "amount_probably_yuan": Rule(
        WARNING, "第{row}行“{column}”：{value} 万元过大，可能是按元填写的，请核对（单位为万元）"
    ),
    "enum_unknown": Rule(
        WARNING, "第{row}行“{column}”：“{value}”不在可选范围（{detail}），已按“{default}”计，请从下拉列表选择"
    ),
    "approach_unknown": Rule(
        WARNING, "第{row}行“{column}”：“{value}”不在可选范围（{detail}），已留空，请从下拉列表选择"
    ),
    # --- file findings ---
    "file_unreadable": Rule(ERROR, "文件无法读取：{detail}"),
    "file_empty": Rule(ERROR, "文件是空的，没有任何内容"),
    "file_password": Rule(ERROR, "文件设置了打开密码，无法读取，请去掉密码后重新报送"),
    "file_locked": Rule(ERROR, "文件正被其他程序（如 Excel）占用，本次未处理，请关闭后重新运行"),
    "file_too_large": Rule(ERROR, "文件解压后超过 {detail}，疑似异常文件，已拒收"),
    "sheet_too_large": Rule(ERROR, "{detail}"),
    "file_export_format": Rule(
        ERROR, "这是网页/XML格式的表格（多为系统导出），请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
    ),
    "not_spreadsheet": Rule(ERROR, "{detail}；未读取，台账请以 Excel 文件（.xlsx 等）报送"),
    "not_a_ledger": Rule(ERROR, "这不是政务失信问题排查整治台账：{detail}，请使用标准模板"),
    "no_header": Rule(ERROR, "找不到表头行（应含“企业名称”“问题描述”等列），请使用标准模板"),
    "no_department": Rule(
        ERROR,
        "无法识别填报单位：表中没有填写填报单位，请在表头上方“填报单位”处填写本单位名称"
        "（标准模板中从下拉列表选择）后重新报送",
    ),
    "unknown_department": Rule(
        ERROR,
        "无法识别填报单位：“{value}”不在全县单位名录中，本次未能登记。如是单位简称或写法有误，请在“填报单位”处"
        "改为名录中的本单位名称（标准模板中从下拉列表选择）后重新报送；如本单位应报送台账但不在名录中，"
        "请与县信用办联系，列入名录后再报送",
    ),
    "unmapped_column": Rule(
        WARNING, "第{number}列“{value}”不是标准列，该列内容未读取；如是台账的某一列，请把表头改为标准模板的列名"
    ),
    "column_guessed": Rule(
        WARNING,
        "第{number}列“{value}”暂按“{column}”读取（{why}，但不能确定），请核对；如不是这一列，请把表头改为标准模板的列名",
    ),
    "column_not_found": Rule(ERROR, "未找到“{column}”列；{detail}"),
    "status_column_missing": Rule(WARNING, "未找到“{column}”列，各行按“未启动”计；{detail}"),
    "row_column_absent": Rule(ERROR, "第{row}行：表中未找到“{column}”列，本行未收录，请按文件说明改好表头后重新报送"),
    # --- notes: what the reader did, never counted as problems ---
    "columns_exact": Rule(NOTE, "{value} 列按标准列名识别：{detail}"),
    "column_mapped": Rule(NOTE, "第{number}列“{value}”按“{column}”读取：{why}"),
    "sheet_skipped": Rule(NOTE, "工作表“{sheet}”{detail}，未读取"),
    "superseded": Rule(WARNING, "本期已有更新的报送文件 {detail}，此文件未处理"),
    "duplicate": Rule(WARNING, "与本期文件 {detail} 内容完全相同，未重复处理"),
    "filled_date_future": Rule(
        WARNING, "填报日期 {value} 晚于统计日期 {detail}，请核对；判断哪份台账较新时不采用这个日期"
    ),
    "sender_mismatch": Rule(WARNING, "发件邮箱属于 {detail}，但表内填报单位为 {value}，已按表内填报单位处理"),
    "rows_dropped": Rule(
        WARNING, "本次台账比上次少了 {detail} 条事项（上次本单位共 {before} 条），如为补报部分内容，请报送完整台账"
    ),
    "not_resubmitted": Rule(WARNING, "事项 {value} 上次报送过，本次台账中没有，请核实（已办结的请填写状态而不要删除）"),
    # --- the office's corrections workbook (更正.xlsx) ---
    "correction_invalid": Rule(WARNING, "更正表{where}：{detail}，该行未执行，请修改后重新运行"),
}


# What became of a file (SourceFile.disposition), as every report words it: feedback, check, mail, workbook.
DISPOSITION_TEXT = {
    "processed": "已处理",
    "zero_report": "零报告",
    "superseded": "已被更新文件替代",
    "duplicate": "重复文件",
    "rejected": "退回",
    "ignored": "已忽略",
}


def disposition_text(disposition: str | None) -> str:
    return DISPOSITION_TEXT.get(disposition or "", disposition or "")


def make(
    code: str,
    *,
    file: str = "",
    sheet: str = "",
    row: int = 0,
    department: str | None = None,
    column: str = "",
    value="",
    **extra,
) -> dict:
    """One finding as a dict with the table's columns; the message is filled from the catalogue."""
    rule = CATALOGUE[code]
    text = "" if value is None else str(value)
    message = rule.template.format(row=row, column=column, value=_short(text), sheet=sheet, **extra)
    return {
        "file": file,
        "sheet": sheet,
        "row": int(row or 0),
        "department": department,
        "column": column,
        "value": text,
        "code": code,
        "severity": rule.severity,
        "message": message,
    }


def table(findings: list[dict] | None = None) -> pd.DataFrame:
    """Findings as the standard table (possibly empty, always with the standard columns)."""
    frame = pd.DataFrame(findings or [], columns=COLUMNS)
    frame["row"] = frame["row"].astype("int64")
    return frame


def concat(*frames: pd.DataFrame) -> pd.DataFrame:
    parts = [f for f in frames if f is not None and len(f)]
    return table() if not parts else pd.concat(parts, ignore_index=True)[COLUMNS]


def error_rows(findings: pd.DataFrame) -> set[tuple[str, str, int]]:
    """(file, sheet, row) of every row with at least one 错误."""
    bad = findings[(findings["severity"] == ERROR) & (findings["row"] > 0)]
    return set(zip(bad["file"], bad["sheet"], bad["row"]))


def per_file(findings: pd.DataFrame, severity: str) -> dict[str, int]:
    """File name -> how many findings of that severity it has (files without any are left out)."""
    counts = findings.loc[findings["severity"] == severity, "file"].value_counts()
    return {str(name): int(n) for name, n in counts.items()}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
