"""The summary workbook the office works from: one sheet per view of the period's ledger."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.reports.figures import ReportInput, compute_figures
from pipeline.core.findings import ERROR
from pipeline.outputs.xlsx import Sheet, write_workbook

EXTRA_HEADS = {"category_inferred": "类别为推断", "departments": "报送单位", "sources": "来源行",
               "first_reported": "首次报送", "last_reported": "最近报送期", "overdue": "是否逾期", "flags": "标记",
               "item_id": "问题编号"}
DISPOSITION = {"processed": "已处理", "zero_report": "零报告", "superseded": "被替代", "duplicate": "重复文件",
               "rejected": "退回", "ignored": "已忽略"}


def write_summary(path: Path, inp: ReportInput, merged, figures: dict | None = None) -> Path:
    figures = figures or compute_figures(inp)
    ledger = inp.ledger
    sheets = [
        _overview(inp, figures),
        _by_department(figures),
        _ledger_sheet("总台账", ledger, inp),
        _ledger_sheet("本期新增", ledger[ledger["item_id"].isin(inp.new_ids)], inp),
        _ledger_sheet("本期办结", ledger[ledger["item_id"].isin(inp.closed_ids)], inp),
        _ledger_sheet("逾期问题", ledger[ledger["overdue"].astype(bool)], inp),
        _suspects(merged, inp),
        _data_problems(inp.findings),
        _submissions(inp),
    ]
    return write_workbook(path, sheets)


def ledger_frame(ledger: pd.DataFrame, inp: ReportInput) -> pd.DataFrame:
    """The ledger with Chinese headers, category shown as code + short label."""
    config = inp.ctx.config
    names = {c.key: c.name for c in config.columns} | EXTRA_HEADS
    shorts = {c.code: f"{c.code} {c.short}" for c in config.categories}
    out = ledger.drop(columns=[c for c in ("corrected",) if c in ledger]).copy()
    out["category"] = out["category"].map(lambda c: shorts.get(c, c))
    if "corrected" in ledger:
        out["人工更正"] = ledger["corrected"].fillna("")
    return out.rename(columns=names)


def _ledger_sheet(name: str, ledger: pd.DataFrame, inp: ReportInput) -> Sheet:
    frame = ledger_frame(ledger.reset_index(drop=True), inp)
    note = ["浅红色底纹的行为逾期事项（整改时限已过仍未办结）。"] if len(frame) else ["（本期无）"]
    return Sheet(name, frame, highlight=list(ledger["overdue"].astype(bool)), notes=note)


def _overview(inp: ReportInput, figures: dict) -> Sheet:
    frame = pd.DataFrame(figures["category_table"])
    t = inp.summary["totals"]
    deps = inp.summary["departments"]
    notes = [f"期次 {inp.summary['period']}（统计日期 {inp.summary['as_of']}）：总台账 {t['items']} 项，本期新增 {t['new_items']} 项，"
             f"本期办结 {t['closed_this_period']} 项，逾期 {t['overdue']} 项，本期未报 {t['not_resubmitted']} 项，疑似重复 {t['suspected_duplicates']} 对。",
             f"应报送单位 {deps['expected']} 个，已报送 {len(deps['reported'])} 个（零报告 {len(deps['zero_report'])} 个），"
             f"未报送 {len(deps['missing'])} 个。读取 {t['rows_read']} 行，收录 {t['rows_accepted']} 行，退回 {t['rows_rejected']} 行。"]
    chart = {"type": "column", "categories": frame.columns[0], "values": [frame.columns[2]],
             "title": "各类问题事项数", "rows": len(frame) - 1}
    return Sheet("汇总", frame, title="政务失信问题分类汇总", percent=tuple(c for c in frame.columns if "率" in c),
                 notes=notes, chart=chart)


def _by_department(figures: dict) -> Sheet:
    frame = pd.DataFrame(figures["department_table"])
    return Sheet("分单位", frame, title="各单位报送与进展（按责任单位统计）",
                 percent=tuple(c for c in frame.columns if "率" in c))


def _suspects(merged, inp: ReportInput) -> Sheet:
    s = merged.suspects
    heads = {"key_a": "问题编号A", "key_b": "问题编号B", "score": "描述相似度", "reason": "原因", "company": "企业名称",
             "category_a": "类别A", "category_b": "类别B", "description_a": "描述A", "description_b": "描述B",
             "departments_a": "报送单位A", "departments_b": "报送单位B"}
    frame = s.reindex(columns=list(heads)).rename(columns=heads) if len(s) else pd.DataFrame(columns=list(heads.values()))
    folder = inp.ctx.path("corrections")
    return Sheet("疑似重复", frame, notes=[
        f"请信用办判断每一对是否为同一问题，并在 {folder / '更正.xlsx'} 中填写一行：操作填“合并”或“不合并”，"
        "问题编号填问题编号A，另一问题编号或单位填问题编号B（可从本表复制）；重新运行本期或下期运行时生效。"])


def _data_problems(findings: pd.DataFrame) -> Sheet:
    rows = findings[(findings["row"] > 0) & (findings["severity"] == ERROR)]
    heads = {"department": "单位", "file": "文件", "sheet": "工作表", "row": "行号", "column": "列", "value": "填写内容",
             "message": "退回原因"}
    frame = rows.sort_values(["file", "row"], kind="stable")[list(heads)].rename(columns=heads).reset_index(drop=True)
    return Sheet("数据问题", frame, notes=[] if len(frame) else ["本期没有被退回的数据行。"])


def _submissions(inp: ReportInput) -> Sheet:
    files = pd.DataFrame(inp.summary["files"])
    heads = {"name": "文件", "department": "单位", "disposition": "处理结果", "reason": "原因", "rows_read": "读取行数",
             "rows_accepted": "收录行数", "rows_rejected": "退回行数"}
    frame = files.reindex(columns=list(heads)).rename(columns=heads) if len(files) else pd.DataFrame(columns=list(heads.values()))
    frame["处理结果"] = frame["处理结果"].map(lambda d: DISPOSITION.get(d, d))
    held = inp.summary.get("held") or []
    if held:  # mail from unregistered senders, not processed until the office releases it
        frame = pd.concat([frame, pd.DataFrame([{"文件": h["name"], "处理结果": "待放行", "原因": h["reason"]}
                                                for h in held])], ignore_index=True)
    returned = inp.summary["departments"].get("returned", [])
    missing = [d for d in inp.summary["departments"]["missing"] if d not in returned]
    notes = [f"未报送单位（{len(missing)} 个）：{'、'.join(missing) if missing else '无'}",
             f"已报送但被退回的单位（{len(returned)} 个，视同未报送，会被催报）：{'、'.join(returned) if returned else '无'}"]
    if held:
        notes.append(f"来自未登记发件邮箱、等待放行的来件 {len(held)} 个（在 {Path(held[0]['path']).parent}）："
                     "确认是本县单位报送的，运行 python -m pipeline release 文件名 放行，下次运行时处理。")
    dropped = inp.findings[inp.findings["code"] == "rows_dropped"]
    notes += [f"{d}：{m}" for d, m in zip(dropped["department"], dropped["message"])]
    return Sheet("报送情况", frame, notes=notes)
