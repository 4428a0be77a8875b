"""The summary workbook the office works from: one sheet per view of the period's ledger."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core.config import Config
from pipeline.core.findings import ERROR, disposition_text
from pipeline.corrections import FILE_NAME as CORRECTIONS_FILE
from pipeline.outputs.xlsx import Sheet, write_workbook
from pipeline.reports.figures import HEADINGS, NO_OWNER, TOTAL, ReportInput, compute_figures, rate
from pipeline.core.text import is_missing, with_tag

REPORTED = "本期是否报送"
# Widths of the long text columns, by key (the header shown is the config's or the sheet's name for it).
WIDE = {
    "description": 40,
    "measures": 30,
    "reason": 40,
    "note": 20,
    "sources": 30,
    "flags": 30,
    "company": 26,
}


def _wide(heads: dict[str, str]) -> dict[str, float]:
    """{shown header: width} for the long text columns among `heads` (key -> shown header)."""
    return {head: WIDE[key] for key, head in heads.items() if key in WIDE}


EXTRA_HEADS = {
    "category_inferred": "类别为推断",
    "departments": "报送单位",
    "sources": "来源行",
    "first_reported": "首次报送",
    "last_reported": "最近报送期",
    "overdue": "是否逾期",
    "flags": "标记",
    "item_id": "问题编号",
}
PREVIOUS_STATUS = "上期状态"
PAID_CHANGE = "本期兑付变化（万元）"
NEW_ITEM = "本期新增"  # 上期状态 of an item that did not exist at the previous period
UNIT_MISSING = "单位本期未报送"  # an open item carried over because none of its departments reported
NOT_REPORTED = "未报送"  # 处理结果 of a missing unit's row in 报送情况
# The columns a clerk works from come first and are the ones printed; the rest follow in ledger.csv order.
PRINTED = [
    "item_id",
    "category",
    "company",
    "description",
    "amount",
    "owner_unit",
    "deadline",
    "status",
    PREVIOUS_STATUS,
    "paid",
    PAID_CHANGE,
    "closed_on",
    "flags",
]


def write_summary(path: Path, inp: ReportInput, figures: dict | None = None) -> Path:
    figures = figures or compute_figures(inp)
    ledger = inp.ledger
    sheets = [
        _overview(inp, figures),
        _by_department(figures, inp),
        _ledger_sheet("总台账", ledger, inp),
        _ledger_sheet("本期新增", ledger[ledger["item_id"].isin(inp.new_ids)], inp),
        _ledger_sheet("本期办结", ledger[ledger["item_id"].isin(inp.closed_ids)], inp),
        _ledger_sheet("逾期问题", ledger[ledger["overdue"].astype(bool)], inp),
        _suspects(inp),
        _data_problems(inp.findings),
        _submissions(inp),
    ]
    return write_workbook(path, sheets)


def ledger_frame(ledger: pd.DataFrame, inp: ReportInput) -> pd.DataFrame:
    """The ledger with Chinese headers, category shown as code + short label; beside 整改状态 the status
    at the previous period (上期状态) and beside 已兑付金额 its change since then (本期兑付变化)."""
    config = inp.ctx.config
    names = {c.key: c.name for c in config.columns} | EXTRA_HEADS
    shorts = {c.code: f"{c.code} {c.short}" for c in config.categories}
    out = ledger.drop(columns=[c for c in ("corrected",) if c in ledger]).copy()
    out["category"] = out["category"].map(lambda c: shorts.get(c, c))
    before = inp.previous if inp.previous is not None else pd.DataFrame(columns=["status", "paid"])
    ids = out["item_id"]
    known = ids.isin(before.index)
    prev_status = before["status"].reindex(ids).fillna("").astype(str).to_numpy()
    out.insert(
        out.columns.get_loc("status") + 1, PREVIOUS_STATUS, [s if k else NEW_ITEM for s, k in zip(prev_status, known)]
    )
    out.insert(
        out.columns.get_loc("paid") + 1,
        PAID_CHANGE,
        paid_change(pd.to_numeric(out["paid"], errors="coerce"), before["paid"].reindex(ids).to_numpy(), known),
    )
    missing = ids.isin(inp.unit_missing_ids) & (out["status"] != inp.ctx.config.closed_status)
    out["flags"] = [with_tag(f, UNIT_MISSING) if m else f for f, m in zip(out["flags"], missing)]
    if "corrected" in ledger:
        out["人工更正"] = ledger["corrected"].fillna("")
    first = [c for c in PRINTED if c in out]
    return out[first + [c for c in out.columns if c not in first]].rename(columns=names)


def paid_change(now: pd.Series, before, known) -> list[float | None]:
    """已兑付金额 now minus at the previous period, 万元 (an empty amount counts as 0; an item new this
    period changes by all it has been paid); empty when there is no amount either time."""
    out: list[float | None] = []
    for value, old, existed in zip(now, before, known):
        old = old if existed else None
        if is_missing(value) and is_missing(old):
            out.append(None)
        else:
            out.append(
                round(
                    (0.0 if is_missing(value) else float(value))
                    - (0.0 if old is None or is_missing(old) else float(old)),
                    2,
                )
            )
    return out


def _ledger_sheet(name: str, ledger: pd.DataFrame, inp: ReportInput) -> Sheet:
    frame = ledger_frame(ledger.reset_index(drop=True), inp)
    notes = (
        [
            "浅红色底纹的行为逾期事项（整改时限已过仍未办结）。",
            f"{PREVIOUS_STATUS}为上一期的整改状态（“{NEW_ITEM}”为本期首次报送）；{PAID_CHANGE}为本期与上期已兑付金额之差。",
            f"标记“本期未报”：报送单位本期报送了台账但台账中没有这一项；“{UNIT_MISSING}”：该项的报送单位本期均未报送，"
            "事项沿用上期数据。",
        ]
        if len(frame)
        else []
    )
    if len(frame):
        notes.append(f"打印时只打印前 {len(PRINTED)} 列（问题编号至标记），其余各列在表中右侧。")
    return Sheet(
        name,
        frame,
        highlight=list(ledger["overdue"].astype(bool)),
        notes=notes,
        print_columns=len(PRINTED),
        signed=(PAID_CHANGE,),
        widths=_wide({c.key: c.name for c in inp.ctx.config.columns} | EXTRA_HEADS),
        freeze=inp.ctx.config.column("company").name,  # 问题编号 and 企业 stay in view
    )


def _overview(inp: ReportInput, figures: dict) -> Sheet:
    frame = pd.DataFrame(figures["category_table"])
    t = inp.summary["totals"]
    deps = inp.summary["departments"]
    counted = "，".join(
        f"{label} {n} {unit}"
        for label, n, unit in (
            ("本期新增", t["new_items"], "项"),
            ("本期办结", t["closed_this_period"], "项"),
            ("逾期", t["overdue"], "项"),
            ("本期未报", t["not_resubmitted"], "项"),
            ("疑似重复", t["suspected_duplicates"], "对"),
        )
        if n
    )
    zero = f"（零报告 {len(deps['zero_report'])} 个）" if deps["zero_report"] else ""
    missing = f"，未报送 {len(deps['missing'])} 个" if deps["missing"] else "，全部报送"
    returned = f"，退回 {t['rows_rejected']} 行" if t["rows_rejected"] else ""
    notes = [  # only the counts that are not zero
        f"期次 {inp.summary['period']}（统计日期 {inp.summary['as_of']}）：总台账 {t['items']} 项"
        + (f"，{counted}。" if counted else "。"),
        f"应报送单位 {deps['expected']} 个，已报送 {len(deps['reported'])} 个{zero}{missing}。"
        f"读取 {t['rows_read']} 行，收录 {t['rows_accepted']} 行{returned}。",
    ]
    chart = {
        "type": "column",
        "categories": frame.columns[0],
        "values": [frame.columns[2]],
        "title": "各类问题事项数",
        "rows": len(frame) - 1,
    }
    return Sheet(
        "汇总",
        frame,
        title="政务失信问题分类汇总",
        percent=tuple(c for c in frame.columns if "率" in c),
        notes=notes,
        chart=chart,
    )


def _by_department(figures: dict, inp: ReportInput) -> Sheet:
    frame = department_frame(figures, inp.summary["departments"], inp.ctx.config)
    notes = ["本期是否报送为“否”的单位本期未报送台账，其事项为上期数据（数据沿用上期）。"] if len(frame) > 1 else []
    return Sheet(
        "分单位",
        frame,
        title="各单位报送与进展（按责任单位统计）",
        total_row=len(frame) > 1,
        freeze="责任单位",
        percent=tuple(c for c in frame.columns if "率" in c),
        notes=notes,
    )


def department_frame(figures: dict, departments: dict, config: Config) -> pd.DataFrame:
    """figures' department table with 本期是否报送 (是/否; empty for a unit outside the registry) and a 合计 row."""
    units = figures["units"]
    h = HEADINGS
    if not units:
        return pd.DataFrame(
            columns=[
                h["rank"],
                h["unit"],
                REPORTED,
                h["items"],
                h["closed"],
                h["open"],
                h["rate"],
                h["overdue"],
                h["amount"],
            ]
        )
    reported, registry = set(departments["reported"]), set(config.department_names)
    frame = pd.DataFrame(figures["department_table"])
    frame.insert(
        2,
        REPORTED,
        [
            "" if u["unit"] == NO_OWNER or u["unit"] not in registry else ("是" if u["unit"] in reported else "否")
            for u in units
        ],
    )
    total = {
        h["rank"]: None,
        h["unit"]: TOTAL,
        REPORTED: "",
        h["items"]: sum(u["items"] for u in units),
        h["closed"]: sum(u["closed"] for u in units),
        h["open"]: sum(u["open"] for u in units),
        h["overdue"]: sum(u["overdue"] for u in units),
        h["amount"]: round(sum(u["amount"] for u in units), 2),
    }
    total[h["rate"]] = rate(total[h["closed"]], total[h["items"]])
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame[h["rank"]] = frame[h["rank"]].astype("Int64")
    return frame


def _suspects(inp: ReportInput) -> Sheet:
    s = inp.suspects
    heads = {
        "key_a": "问题编号A",
        "key_b": "问题编号B",
        "company": "企业名称",
        "score": "描述相似度",
        "reason": "原因",
        "category_a": "类别A",
        "category_b": "类别B",
        "description_a": "描述A",
        "description_b": "描述B",
        "departments_a": "报送单位A",
        "departments_b": "报送单位B",
    }
    frame = (
        s.reindex(columns=list(heads)).rename(columns=heads) if len(s) else pd.DataFrame(columns=list(heads.values()))
    )
    folder = office_path(inp.ctx.path("corrections") / CORRECTIONS_FILE, inp.ctx.config)
    return Sheet(
        "疑似重复",
        frame,
        widths=_wide(heads),
        freeze=heads["company"],
        notes=[
            f"请信用办判断每一对是否为同一问题，并在 {folder} 中填写一行：操作填“合并”或“不合并”，"
            "问题编号填问题编号A，另一问题编号或单位填问题编号B（可从本表复制）；重新运行本期或下期运行时生效。"
        ],
    )


def _data_problems(findings: pd.DataFrame) -> Sheet:
    rows = findings[(findings["row"] > 0) & (findings["severity"] == ERROR)]
    heads = {
        "department": "单位",
        "file": "文件",
        "sheet": "工作表",
        "row": "行号",
        "column": "列",
        "value": "填写内容",
        "message": "退回原因",
    }
    frame = rows.sort_values(["file", "row"], kind="stable")[list(heads)].rename(columns=heads).reset_index(drop=True)
    return Sheet("数据问题", frame, widths=_wide(heads))


def _submissions(inp: ReportInput) -> Sheet:
    """One row per file received (and per mail held for release), then one row per missing unit that sent
    nothing, so 本期是否报送 = 否 filters every unit to chase."""
    deps = inp.summary["departments"]
    reported = set(deps["reported"])
    heads = {
        "department": "单位",
        "name": "文件",
        "disposition": "处理结果",
        "reason": "原因",
        "rows_read": "读取行数",
        "rows_accepted": "收录行数",
        "rows_rejected": "退回行数",
    }
    rows = [
        {
            **{h: f.get(k) for k, h in heads.items()},
            "处理结果": disposition_text(f.get("disposition")),
            REPORTED: "是" if f.get("department") in reported else "否",
        }
        for f in inp.summary["files"]
    ]
    held = inp.summary.get("held") or []
    # mail from unregistered senders, not processed until the office releases it
    rows += [{"文件": h["name"], "处理结果": "待放行", "原因": h["reason"], REPORTED: "否"} for h in held]
    sent = {f.get("department") for f in inp.summary["files"]}
    returned = deps.get("returned", [])
    missing = [d for d in deps["missing"] if d not in returned]
    rows += [
        {"单位": d, "处理结果": NOT_REPORTED, "原因": "本期未收到台账", REPORTED: "否"}
        for d in deps["missing"]
        if d not in sent
    ]
    columns = ["单位", REPORTED, "文件", "处理结果", "原因", "读取行数", "收录行数", "退回行数"]
    frame = pd.DataFrame(rows).reindex(columns=columns) if rows else pd.DataFrame(columns=columns)
    for col in ("读取行数", "收录行数", "退回行数"):
        frame[col] = frame[col].astype("Int64")
    notes = [
        f"未报送单位（{len(missing)} 个）：{'、'.join(missing)}（表中处理结果为“{NOT_REPORTED}”的行，可按“本期是否报送”筛选）"
        if missing
        else "全部单位本期均已报送。"
    ]
    if returned:
        notes.append(f"已报送但被退回的单位（{len(returned)} 个，视同未报送，会被催报）：{'、'.join(returned)}")
    if held:
        notes.append(
            f"来自未登记发件邮箱、等待放行的来件 {len(held)} 个（在 {office_path(Path(held[0]['path']).parent, inp.ctx.config)}）："
            "确认是本县单位报送的，运行 python -m pipeline release 文件名 放行，下次运行时处理。"
        )
    dropped = inp.findings[inp.findings["code"] == "rows_dropped"]
    notes += [f"{d}：{m}" for d, m in zip(dropped["department"], dropped["message"])]
    return Sheet("报送情况", frame, notes=notes, freeze="单位", widths=_wide(heads))


def office_path(path: Path, config: Config) -> str:
    """A path as the office knows it: relative to the project folder (where config.yaml is) when it is
    inside it, else absolute; never relative to wherever the command happened to run."""
    base = Path(config.path).resolve().parent
    full = Path(path).resolve()
    try:
        return str(full.relative_to(base))
    except ValueError:
        return str(full)
