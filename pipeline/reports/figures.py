"""Every aggregate the reports show, computed once: the Word 通报 and the summary workbook read the same dict.

Counts that run.json has (items, new, closed this period, overdue, not resubmitted, by category,
departments) are taken from it so the documents can never disagree with the manifest; the rest is
derived from the ledger. Rates are fractions (0.667), amounts 万元; formatting is separate (fmt_*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.core.config import Config
from pipeline.core.context import RunContext
from pipeline.core.findings import ERROR
from pipeline.core.text import is_missing

NO_OWNER = "未明确责任单位"
BLANK = "未填写"
TOTAL = "合计"


@dataclass
class ReportInput:
    ctx: RunContext
    summary: dict  # run.json (interface.md)
    ledger: pd.DataFrame  # ledger.csv columns, typed
    findings: pd.DataFrame  # this period's findings (findings.COLUMNS)
    history: pd.DataFrame  # one row per period incl. this one
    doc_number: int  # 发文字号 serial
    issue_no: int  # 第N期
    new_ids: frozenset = frozenset()  # items first made this period
    closed_ids: frozenset = frozenset()  # items closed this period
    previous: pd.DataFrame | None = None  # status and paid of each item at the previous period (by item_id)
    unit_missing_ids: frozenset = frozenset()  # open items carried over because no department of theirs reported
    suspects: pd.DataFrame = field(default_factory=pd.DataFrame)  # suspected duplicates (merge's SUSPECT_COLUMNS)
    warnings: dict = field(default_factory=dict)  # file name -> its 提醒 findings


# --- number formatting as Chinese official documents write it ---


def fmt_amount(value: float | None) -> str:
    """12949 -> '12,949.0': one decimal and thousands separators, everywhere in the 通报."""
    if value is None or is_missing(value):
        return "—"
    text = f"{float(value):,.1f}"
    return "0.0" if text == "-0.0" else text


def fmt_rate(value: float | None) -> str:
    """0.5 -> '50.0%' (one decimal); None (nothing to divide by) -> '—'."""
    if value is None or is_missing(value):
        return "—"
    return f"{value * 100:.1f}%"


def cn_date(day: date) -> str:
    """2026-11-26 -> '2026年11月26日' (Arabic numerals, no leading zeros, GB/T 9704 7.3.5.4)."""
    return f"{day.year}年{day.month}月{day.day}日"


def rate(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --- the figures ---


def compute_figures(inp: ReportInput) -> dict:
    """Every number both reports show, as plain Python values (lists of dicts for tables)."""
    config, ledger = inp.ctx.config, _owned(inp)
    totals = _totals(inp, ledger)
    categories = category_rows(inp, ledger)
    stale = set(ledger.loc[ledger["last_reported"].astype(str) != str(inp.ctx.period), "unit"])
    units = department_rows(ledger, config, carried=set(inp.summary["departments"]["missing"]) & stale)
    return {
        "period": inp.ctx.period,
        "as_of": inp.ctx.as_of,
        "as_of_text": cn_date(inp.ctx.as_of),
        "issue_no": inp.issue_no,
        "doc_number": inp.doc_number,
        "totals": totals,
        "departments": _submission(inp.summary),
        "by_category": dict(inp.summary["by_category"]),
        "categories": categories,
        "units": units,
        "category_table": category_table(categories),
        "department_table": department_table(units),
        "slow_departments": slow_departments(units, config),
        "breakdowns": {key: breakdown(ledger, key, config) for key in ("source", "company_type", "sector")},
        "key_items": key_items(ledger, inp.ctx.as_of, config),
        "worst_overdue": worst_overdue(ledger, inp.ctx.as_of, config),
        "open_by_unit": open_by_unit(ledger, inp.ctx.as_of, config),
        "overdue_units": overdue_units(units),
        "carried_units": [u["unit"] for u in units if u.get("carried")],
        "returned_rows": returned_rows(inp.findings),
        "rejected_files": [f for f in inp.summary.get("files", []) if f.get("disposition") == "rejected"],
        "rejected_departments": _rejected_departments(inp.summary),
        "unidentified_files": [
            f["name"]
            for f in inp.summary.get("files", [])
            if f.get("disposition") == "rejected" and not f.get("department")
        ],
        "trend": trend(inp.history, inp.ctx.period, inp.ctx.as_of, totals),
    }


def _owned(inp: ReportInput) -> pd.DataFrame:
    """The ledger with a `unit` column: the 责任单位 resolved to the registry (the body that must act)."""
    ledger = inp.ledger.copy()
    ledger["unit"] = [
        responsible_unit(o, d, inp.ctx.config) for o, d in zip(ledger["owner_unit"], ledger["departments"])
    ]
    ledger["closed"] = ledger["status"] == inp.ctx.config.closed_status
    for key in ("amount", "paid"):
        ledger[key] = pd.to_numeric(ledger[key], errors="coerce")
    ledger["overdue"] = ledger["overdue"].astype(bool)
    return ledger


def responsible_unit(owner_unit, departments, config: Config) -> str:
    """Registry name of the 责任单位; else the first reporting department; else NO_OWNER."""
    name = config.department(str(owner_unit or ""))
    if name:
        return name
    first = next((d for d in str(departments or "").split("、") if d.strip()), "")
    return config.department(first) or first or NO_OWNER


def _totals(inp: ReportInput, ledger: pd.DataFrame) -> dict:
    t, config = inp.summary["totals"], inp.ctx.config
    kinds = {c.code: c.kind for c in config.categories}
    kind = ledger["category"].map(kinds)
    amount, paid, closed = float(ledger["amount"].sum()), float(ledger["paid"].sum()), int(ledger["closed"].sum())
    items = int(t["items"])
    return {
        "items": items,
        "new_items": int(t["new_items"]),
        "closed_this_period": int(t["closed_this_period"]),
        "overdue": int(t["overdue"]),
        "not_resubmitted": int(t["not_resubmitted"]),
        "rows_read": int(t.get("rows_read", 0)),
        "rows_rejected": int(t.get("rows_rejected", 0)),
        "cases": int((kind == "case").sum()),
        "disputes": int((kind == "dispute").sum()),
        "amount": amount,
        "paid": paid,
        "payment_rate": rate(paid, amount),
        "closed": closed,
        "open": items - closed,
        "closing_rate": rate(closed, items),
        "by_status": {s: int((ledger["status"] == s).sum()) for s in config.enums["status"].values},
    }


def _submission(summary: dict) -> dict:
    deps = summary["departments"]
    return {
        "expected": int(deps["expected"]),
        "reported": list(deps["reported"]),
        "zero_report": list(deps["zero_report"]),
        "missing": list(deps["missing"]),
    }


def category_rows(inp: ReportInput, ledger: pd.DataFrame) -> list[dict]:
    """One row per configured category (items as in run.json), then the total row (code '')."""
    rows = []
    for cat in inp.ctx.config.categories:
        part = ledger[ledger["category"] == cat.code]
        rows.append(
            {
                "code": cat.code,
                "short": cat.short,
                "label": cat.label,
                "kind": cat.kind,
                **_counts(int(inp.summary["by_category"].get(cat.code, 0)), part),
            }
        )
    rows.append(
        {"code": "", "short": TOTAL, "label": TOTAL, "kind": "", **_counts(int(inp.summary["totals"]["items"]), ledger)}
    )
    return rows


def _counts(items: int, part: pd.DataFrame) -> dict:
    closed = int(part["closed"].sum())
    return {
        "items": items,
        "amount": round(float(part["amount"].sum()), 2),
        "paid": round(float(part["paid"].sum()), 2),
        "closed": closed,
        "open": items - closed,
        "rate": rate(closed, items),
        "overdue": int(part["overdue"].sum()),
    }


# The headings of the 通报's and the summary workbook's tables, one wording for both.
HEADINGS = {
    "category": "问题类别",
    "kind": "类型",
    "rank": "排名",
    "unit": "责任单位",
    "items": "事项数",
    "amount": "涉及金额（万元）",
    "paid": "已兑付（万元）",
    "closed": "已办结",
    "open": "未办结",
    "rate": "办结率",
    "overdue": "逾期",
}
CATEGORY_COLUMNS = ["category", "kind", "items", "amount", "paid", "closed", "rate", "overdue"]
DEPARTMENT_COLUMNS = ["rank", "unit", "items", "closed", "open", "rate", "overdue", "amount"]


def category_table(rows: list[dict]) -> list[dict]:
    """The category rows as a display table (Chinese headers; the last row is 合计)."""
    kinds = {"case": "案件", "dispute": "纠纷", "": ""}
    shown = [{**r, "category": f"{r['code']} {r['short']}".strip(), "kind": kinds[r["kind"]]} for r in rows]
    return [{HEADINGS[k]: r[k] for k in CATEGORY_COLUMNS} for r in shown]


def department_rows(ledger: pd.DataFrame, config: Config, carried=frozenset()) -> list[dict]:
    """One row per 责任单位 with items, ranked by closing rate (equal rates share a rank: 并列), listed
    by rate, then items, then registry order. `carried`: units that did not report this period and
    have items from an earlier report, so their figures are those of their last report (数据沿用上期)."""
    order = {name: i for i, name in enumerate(config.department_names)}
    rows = [{"unit": unit, **_counts(len(part), part)} for unit, part in ledger.groupby("unit", sort=False)]
    rows.sort(key=lambda r: (-_rate_key(r), -r["items"], order.get(r["unit"], len(order)), r["unit"]))
    rates = [_rate_key(r) for r in rows]
    out = []
    for n, row in enumerate(rows):
        rank = rates.index(rates[n]) + 1
        out.append({"rank": rank, "tied": rates.count(rates[n]) > 1, "carried": row["unit"] in carried, **row})
    return out


def _rate_key(row: dict) -> float:
    return round(row["rate"] or 0, 3)  # the rate as shown (one decimal of a percentage) decides ties


def department_table(rows: list[dict]) -> list[dict]:
    """The department rows as a display table (Chinese headers)."""
    return [{HEADINGS[k]: r[k] for k in DEPARTMENT_COLUMNS} for r in rows]


def slow_departments(rows: list[dict], config: Config) -> list[dict]:
    """Departments with many items and a low closing rate (report.slow_rule): targets of 暗访督导."""
    min_items, max_rate = slow_rule(config)
    return [r for r in rows if r["unit"] != NO_OWNER and r["items"] >= min_items and (r["rate"] or 0) < max_rate]


def slow_rule(config: Config) -> tuple[int, float]:
    rule = config.report.slow_rule
    return int(rule.min_items), float(rule.max_rate)


def breakdown(ledger: pd.DataFrame, key: str, config: Config) -> list[dict]:
    """Items and amount per value of an enumerated column, in the configured order; blanks last."""
    column = config.column(key)
    values = list(config.enums[column.enum].values) if column.enum else []
    text = ledger[key].map(lambda v: "" if is_missing(v) else str(v).strip())
    text = text.replace("", BLANK)
    rows = []
    for value in values + sorted(set(text) - set(values) - {BLANK}) + [BLANK]:
        mask = text == value
        if mask.any():
            rows.append(
                {
                    "value": value,
                    "items": int(mask.sum()),
                    "amount": round(float(ledger.loc[mask, "amount"].sum()), 2),
                    "closed": int(ledger.loc[mask, "closed"].sum()),
                }
            )
    return rows


def _item(row, config: Config) -> dict:
    short = next((c.short for c in config.categories if c.code == row.category), row.category)
    return {
        "item_id": row.item_id,
        "category": row.category,
        "short": short,
        "company": row.company,
        "unit": row.unit,
        "amount": None if is_missing(row.amount) else float(row.amount),
        "paid": None if is_missing(row.paid) else float(row.paid),
        "status": row.status,
        "deadline": row.deadline,
        "description": row.description,
    }


def key_items(ledger: pd.DataFrame, as_of: date, config: Config) -> list[dict]:
    """The report.key_items open items with the largest amounts, largest first (each says if overdue)."""
    most = config.report.key_items
    open_ = ledger[(~ledger["closed"]) & ledger["amount"].notna()]
    big = open_.sort_values(["amount", "item_id"], ascending=[False, True], kind="stable")
    return [
        {**_item(r, config), "overdue": bool(r.overdue), "days": _days_late(r, as_of)}
        for r in big.head(most).itertuples(index=False)
    ]


def _days_late(row, as_of: date) -> int:
    if not row.overdue or is_missing(row.deadline):
        return 0
    return (as_of - _day(row.deadline)).days


def open_by_unit(ledger: pd.DataFrame, as_of: date, config: Config) -> list[dict]:
    """Every open item, grouped by 责任单位 in registry order (others after, 未明确 last): per unit the
    number of items and of overdue ones, and the items, longest overdue first, then by deadline."""
    order = {name: i for i, name in enumerate(config.department_names)}
    open_ = ledger[~ledger["closed"]].reset_index(drop=True)
    records = list(open_.itertuples(index=False))  # once: a wide frame is slow to iterate group by group
    days = [_days_late(r, as_of) for r in records]
    keys = pd.DataFrame(
        {
            "unit": open_["unit"],
            "days": days,
            "item_id": open_["item_id"],
            "overdue": open_["overdue"],
            "_deadline": pd.to_datetime(open_["deadline"], errors="coerce"),
        }
    )
    groups = []
    for unit, part in keys.groupby("unit", sort=False):
        part = part.sort_values(
            ["days", "_deadline", "item_id"], ascending=[False, True, True], kind="stable", na_position="last"
        )
        groups.append(
            {
                "unit": unit,
                "items": int(len(part)),
                "overdue": int(part["overdue"].sum()),
                "rows": [
                    {
                        **_item(records[i], config),
                        "overdue": bool(records[i].overdue),
                        "days": int(days[i]),
                        "owner_person": getattr(records[i], "owner_person", ""),
                    }
                    for i in part.index
                ],
            }
        )
    groups.sort(key=lambda g: (g["unit"] == NO_OWNER, order.get(g["unit"], len(order)), g["unit"]))
    return groups


def overdue_units(units: list[dict]) -> list[dict]:
    """Units with overdue items, most first (registry order as the rank already breaks ties)."""
    late = [u for u in units if u["overdue"] and u["unit"] != NO_OWNER]
    return sorted(late, key=lambda u: -u["overdue"])


def _rejected_departments(summary: dict) -> list[str]:
    """Missing departments whose only files were rejected, in registry order."""
    rejected = {f.get("department") for f in summary.get("files", []) if f.get("disposition") == "rejected"}
    return [d for d in summary["departments"]["missing"] if d in rejected]


def worst_overdue(ledger: pd.DataFrame, as_of: date, config: Config) -> list[dict]:
    """The longest overdue items (oldest deadline first), at most report.worst_overdue."""
    most = config.report.worst_overdue
    late = ledger[ledger["overdue"] & ledger["deadline"].notna()]
    late = late.sort_values(["deadline", "item_id"], kind="stable").head(most)
    return [{**_item(r, config), "days": (as_of - _day(r.deadline)).days} for r in late.itertuples(index=False)]


def _day(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def returned_rows(findings: pd.DataFrame) -> list[dict]:
    """Distinct data rows returned for a 错误, per department, most first."""
    bad = findings[(findings["severity"] == ERROR) & (findings["row"] > 0)]
    if not len(bad):
        return []
    rows = bad.drop_duplicates(["file", "sheet", "row"]).copy()
    rows["department"] = rows["department"].fillna("").replace("", "未识别单位")
    counts = rows.groupby("department").size().sort_values(ascending=False, kind="stable")
    return [{"department": d, "rows": int(n)} for d, n in counts.items()]


TREND_KEYS = ("items", "open", "closed", "new_items", "closed_this_period", "overdue")


def _trend_point(row: dict) -> dict:
    point: dict = {"period": str(row["period"]), "as_of": row.get("as_of")}
    point.update({k: int(row[k]) for k in TREND_KEYS if k in row and not is_missing(row[k])})
    point.setdefault("closed", point.get("items", 0) - point.get("open", 0))
    return point


def trend(history: pd.DataFrame, period: str, as_of: date, totals: dict) -> dict:
    """This period against the previous one (环比) and the week-by-week series for the chart.

    This period's point is always the current totals, so the 环比 sentence can't contradict the tables.
    """
    h = history.sort_values("period", kind="stable") if len(history) else history
    series = [_trend_point(row) for row in h.to_dict("records") if str(row["period"]) < period]
    series.append({"period": period, "as_of": as_of, **{k: totals[k] for k in TREND_KEYS}})
    if len(series) < 2:
        return {"first": True, "series": series, "previous": None, "change": {}}
    now, prev = series[-1], series[-2]
    change = {k: now[k] - prev[k] for k in TREND_KEYS if k in now and k in prev}
    return {"first": False, "series": series, "previous": prev, "change": change}
