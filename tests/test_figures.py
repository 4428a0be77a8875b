"""compute_figures: the numbers both reports show, on fabricated but realistic run outputs."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.core import findings as fnd
from pipeline.core.config import SlowRule, load_config
from pipeline.core.context import RunContext
from pipeline.reports.figures import (NO_OWNER, ReportInput, cn_date, compute_figures, fmt_amount, fmt_rate,
                              responsible_unit)
from pipeline.ledger import ledger_columns
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 26)

# item_id, category, company, owner_unit, departments, amount, paid, deadline, status, source, company_type, sector
ITEMS = [
    ("JX-2026-0001", "A1", "郏县恒达建筑工程有限公司", "住建局", "县人民法院", 320.0, 100.0, date(2026, 9, 30), "整改中", "法院", "非公有制企业", "住建"),
    ("JX-2026-0002", "A1", "平顶山市宏运交通设施有限公司", "县交通运输局", "县人民法院、县交通运输局", 85.5, math.nan, date(2026, 12, 31), "未启动", "法院", "中小企业", "交通"),
    ("JX-2026-0003", "A2", "郏县绿源农业开发有限公司", "县农业农村局", "县农业农村局", 42.0, math.nan, None, "整改中", "部门自查", "中小企业", "非工程建设"),
    ("JX-2026-0004", "B1", "河南鑫盛置业有限公司", "郏县住房和城乡建设局", "县住房和城乡建设局", 1260.0, 1260.0, date(2026, 10, 15), "已办结", "企业反映", "非公有制企业", "住建"),
    ("JX-2026-0005", "B1", "郏县通达水利工程有限公司", "水利局", "县信访局", 150.0, 30.0, date(2026, 8, 31), "整改中", "信访", "中小企业", "水利"),
    ("JX-2026-0006", "B2", "郏县金桥商贸有限公司", "", "县商务局", 12.3, math.nan, date(2026, 11, 30), "整改中", "热线", "其他", "非工程建设"),
    ("JX-2026-0007", "B3", "郏县兴旺养殖专业合作社", "县农业农村局", "县农业农村局", 60.0, 0.0, date(2026, 11, 20), "未启动", "媒体", "中小企业", "非工程建设"),
    ("JX-2026-0008", "B4", "平顶山华创新材料有限公司", "县产业集聚区管理委员会", "县产业集聚区管理委员会", 500.0, math.nan, date(2027, 3, 31), "整改中", "部门自查", "外资企业", "其他工程建设"),
    ("JX-2026-0009", "B5", "郏县利民市政工程有限公司", "县财政局", "县财政局", 98.76, 50.0, date(2026, 6, 30), "已办结", "网络", "国有企业", "住建"),
    ("JX-2026-0010", "B5", "郏县德信路桥有限公司", "县财政局", "县财政局、县交通运输局", 230.0, 20.0, date(2026, 7, 31), "整改中", "部门自查", "非公有制企业", "交通"),
    ("JX-2026-0011", "B1", "郏县=HYPERLINK(\"http://x\")科技有限公司", "不存在的单位", "", math.nan, math.nan, None, "整改中", "", "", ""),
    ("JX-2026-0012", "B1", "郏县顺达物流有限公司", "县交通运输局", "县交通运输局", 8.0, 8.0, date(2026, 11, 1), "已办结", "部门自查", "中小企业", "交通"),
]


def make_ledger(config, items=ITEMS) -> pd.DataFrame:
    rows = []
    for (item_id, cat, company, owner, deps, amount, paid, deadline, status, source, ctype, sector) in items:
        row = {c: "" for c in ledger_columns(config)}
        row.update(item_id=item_id, category=cat, company=company, owner_unit=owner, departments=deps,
                   amount=amount, paid=paid, deadline=deadline, status=status, source=source,
                   company_type=ctype, sector=sector, owner_person="王某某 13800001111",
                   description=f"{company}反映的问题：项目款项未按约定支付，涉及工程结算。",
                   occurred_on=date(2025, 5, 6), closed_on=date(2026, 11, 2) if status == "已办结" else None,
                   category_inferred=False, first_reported=date(2026, 11, 12), last_reported="2026-W48",
                   overdue=bool(deadline and deadline < AS_OF and status != "已办结"), flags="", sources="")
        rows.append(row)
    ledger = pd.DataFrame(rows, columns=ledger_columns(config))
    ledger.loc[ledger["item_id"] == "JX-2026-0003", "description"] = '=HYPERLINK("http://evil.example","点击")'
    return ledger


def make_summary(ledger: pd.DataFrame, config, **totals) -> dict:
    by_cat = {c.code: int((ledger["category"] == c.code).sum()) for c in config.categories}
    names = config.department_names
    reported = [n for n in names if n not in ("县司法局", "白庙乡人民政府", "县文化广电和旅游局")]
    base = {"rows_read": 15, "rows_accepted": 12, "rows_rejected": 3, "items": len(ledger), "new_items": 4,
            "merged_rows": 8, "suspected_duplicates": 1, "closed_this_period": 2,
            "overdue": int(ledger["overdue"].sum()), "not_resubmitted": 1}
    base.update(totals)
    return {
        "period": "2026-W48", "as_of": AS_OF.isoformat(),
        "files": [{"name": "司法局台账.xlsx", "department": "县司法局", "disposition": "rejected",
                   "reason": "找不到表头行", "rows_read": 0, "rows_accepted": 0, "rows_rejected": 0}],
        "totals": base, "by_category": by_cat,
        "departments": {"expected": len(names), "reported": reported, "zero_report": reported[:20],
                        "missing": ["县司法局", "白庙乡人民政府", "县文化广电和旅游局"]},
        "outputs": {"report_docx": None, "summary_xlsx": None, "ledger_csv": "ledger.csv", "rejected_csv": "rejected.csv"},
    }


def make_findings() -> pd.DataFrame:
    return fnd.table([
        fnd.make("company_missing", file="住建局.xlsx", sheet="台账", row=5, department="县住房和城乡建设局", column="企业名称"),
        fnd.make("description_missing", file="住建局.xlsx", sheet="台账", row=5, department="县住房和城乡建设局", column="问题描述"),
        fnd.make("company_missing", file="住建局.xlsx", sheet="台账", row=7, department="县住房和城乡建设局", column="企业名称"),
        fnd.make("date_invalid", file="财政局.csv", sheet="", row=3, department="县财政局", column="整改时限", value="下月底"),
        fnd.make("uscc_invalid", file="财政局.csv", sheet="", row=4, department="县财政局", column="统一社会信用代码",
                 value="123", detail="长度不对"),
        fnd.make("no_header", file="司法局台账.xlsx", department="县司法局"),
    ])


def make_history(periods: int = 3) -> pd.DataFrame:
    rows = [
        {"period": "2026-W46", "as_of": date(2026, 11, 12), "items": 7, "open": 6, "closed": 1, "new_items": 7,
         "closed_this_period": 1, "overdue": 2},
        {"period": "2026-W47", "as_of": date(2026, 11, 19), "items": 8, "open": 7, "closed": 1, "new_items": 1,
         "closed_this_period": 0, "overdue": 3},
        {"period": "2026-W48", "as_of": AS_OF, "items": 12, "open": 9, "closed": 3, "new_items": 4,
         "closed_this_period": 2, "overdue": 4},
    ]
    return pd.DataFrame(rows[-periods:])


def make_input(config=None, *, rows=ITEMS, history_periods: int = 3, **totals) -> ReportInput:
    config = config or load_config(config_path())
    ledger = make_ledger(config, rows)
    return ReportInput(ctx=RunContext(config, AS_OF), summary=make_summary(ledger, config, **totals), ledger=ledger,
                       findings=make_findings(), history=make_history(history_periods), doc_number=15, issue_no=3)


@pytest.fixture(scope="module")
def inp() -> ReportInput:
    return make_input()


@pytest.fixture(scope="module")
def figures(inp) -> dict:
    return compute_figures(inp)


def test_numbers_that_run_json_has_are_taken_from_it(inp):
    # run.json deliberately disagrees with the ledger here: the manifest wins
    odd = make_input(new_items=9, closed_this_period=7, overdue=11, not_resubmitted=4, items=12)
    f = compute_figures(odd)
    t = odd.summary["totals"]
    for key in ("items", "new_items", "closed_this_period", "overdue", "not_resubmitted"):
        assert f["totals"][key] == t[key]
    assert f["by_category"] == odd.summary["by_category"]
    deps = odd.summary["departments"]
    assert f["departments"] == {"expected": deps["expected"], "reported": deps["reported"],
                                "zero_report": deps["zero_report"], "missing": deps["missing"]}


def test_category_table_sums_to_the_totals(figures, inp):
    rows, total = figures["categories"][:-1], figures["categories"][-1]
    ledger = inp.ledger
    assert [r["code"] for r in rows] == [c.code for c in inp.ctx.config.categories]
    assert sum(r["items"] for r in rows) == total["items"] == figures["totals"]["items"] == len(ledger)
    assert sum(r["closed"] for r in rows) == total["closed"] == figures["totals"]["closed"]
    assert sum(r["overdue"] for r in rows) == total["overdue"] == inp.summary["totals"]["overdue"]
    assert sum(r["amount"] for r in rows) == pytest.approx(total["amount"]) == pytest.approx(ledger["amount"].sum())
    assert sum(r["paid"] for r in rows) == pytest.approx(total["paid"]) == pytest.approx(ledger["paid"].sum())
    assert {r["code"]: r["items"] for r in rows} == inp.summary["by_category"]
    table = figures["category_table"]
    assert table[-1]["问题类别"] == "合计" and table[-1]["事项数"] == len(ledger)
    assert list(table[0])[2] == "事项数"  # the summary workbook charts the third column


def test_totals_derived_from_the_ledger(figures, inp):
    t, ledger = figures["totals"], inp.ledger
    closed = int((ledger["status"] == "已办结").sum())
    assert t["closed"] == closed and t["open"] == len(ledger) - closed
    assert t["closing_rate"] == pytest.approx(closed / len(ledger))
    assert t["payment_rate"] == pytest.approx(ledger["paid"].sum() / ledger["amount"].sum())
    assert t["cases"] == int(ledger["category"].isin(["A1", "A2"]).sum())
    assert t["cases"] + t["disputes"] == len(ledger)
    assert sum(t["by_status"].values()) == len(ledger)


def test_departments_are_counted_by_responsible_unit(figures, inp):
    units = {u["unit"]: u for u in figures["units"]}
    assert sum(u["items"] for u in figures["units"]) == len(inp.ledger)
    # the court reported 0001 and 0002, but the 责任单位 must act: the court gets nothing
    assert "县人民法院" not in units
    assert units["县住房和城乡建设局"]["items"] == 2        # 住建局 and 郏县住房和城乡建设局 are one body
    assert units["县水利局"]["items"] == 1                  # reported by 信访局, owned by 水利局
    assert units["县商务局"]["items"] == 1                  # no 责任单位: the first reporting department
    assert units[NO_OWNER]["items"] == 1                    # unknown owner and no department
    assert sum(u["closed"] for u in figures["units"]) == figures["totals"]["closed"]
    table = figures["department_table"]
    assert [r["责任单位"] for r in table] == [u["unit"] for u in figures["units"]]


def test_departments_ranked_by_closing_rate_then_items(figures):
    keys = [(-(u["rate"] or 0), -u["items"]) for u in figures["units"]]
    assert keys == sorted(keys)
    ranks = [u["rank"] for u in figures["units"]]
    assert ranks[0] == 1 and ranks == sorted(ranks)


def test_equal_closing_rates_share_a_rank(figures):
    """Ties are ranked 并列: the same rank, and the next rate ranked after all of them (1, 2, 2, 4)."""
    units = figures["units"]
    for n, u in enumerate(units):
        same = [v for v in units if round(v["rate"] or 0, 3) == round(u["rate"] or 0, 3)]
        assert u["rank"] == 1 + sum(1 for v in units if round(v["rate"] or 0, 3) > round(u["rate"] or 0, 3))
        assert u["tied"] == (len(same) > 1)
    assert any(u["tied"] for u in units)


def test_units_that_did_not_report_keep_their_last_figures_marked(inp):
    """A missing unit whose items come from an earlier report is `carried` (数据沿用上期); in a first
    period (everything reported now) nobody is."""
    carried = make_input()
    carried.summary["departments"]["missing"] = ["县财政局", "县司法局"]
    assert not any(u["carried"] for u in compute_figures(carried)["units"])
    carried.ledger.loc[carried.ledger["owner_unit"] == "县财政局", "last_reported"] = "2026-W47"
    f = compute_figures(carried)
    assert [u["unit"] for u in f["units"] if u["carried"]] == ["县财政局"] == f["carried_units"]


def test_responsible_unit_fallbacks(inp):
    config = inp.ctx.config
    assert responsible_unit("郏县财政局", "县人民法院", config) == "县财政局"
    assert responsible_unit("", "县信访局、县财政局", config) == "县信访局"
    assert responsible_unit(None, "", config) == NO_OWNER


def test_slow_departments_follow_the_configured_rule(figures, inp):
    slow = {u["unit"] for u in figures["slow_departments"]}
    # 农业农村局: 2 items, none closed; 交通运输局: 2 items, 1 closed (50% is not below 30%)
    assert "县农业农村局" in slow and "县交通运输局" not in slow
    strict = load_config(config_path())
    strict = replace(strict, report=replace(strict.report, slow_rule=SlowRule(min_items=1, max_rate=0.6)))
    f = compute_figures(make_input(strict))
    assert {u["unit"] for u in f["slow_departments"]} >= {"县交通运输局", "县水利局"}


def test_key_items_are_the_largest_open_items_marked_when_overdue(figures, inp):
    keys = figures["key_items"]
    assert len(keys) == inp.ctx.config.report.key_items
    assert all(k["status"] != "已办结" for k in keys)
    assert [k["amount"] for k in keys] == sorted((k["amount"] for k in keys), reverse=True)
    assert "JX-2026-0004" not in {k["item_id"] for k in keys}      # 1260 万元 but closed
    open_amounts = sorted((a for a, s in zip(inp.ledger["amount"], inp.ledger["status"])
                           if s != "已办结" and a == a), reverse=True)
    assert [k["amount"] for k in keys] == open_amounts[:len(keys)]
    late = {k["item_id"]: (k["overdue"], k["days"]) for k in keys}
    assert late["JX-2026-0010"] == (True, (AS_OF - date(2026, 7, 31)).days) and late["JX-2026-0008"] == (False, 0)
    capped = load_config(config_path())
    capped = replace(capped, report=replace(capped.report, key_items=2))
    assert len(compute_figures(make_input(capped))["key_items"]) == 2


def test_open_items_grouped_by_unit_none_left_out(figures, inp):
    groups = figures["open_by_unit"]
    listed = [r["item_id"] for g in groups for r in g["rows"]]
    assert sorted(listed) == sorted(inp.ledger.loc[inp.ledger["status"] != "已办结", "item_id"])
    for g in groups:
        assert g["items"] == len(g["rows"]) and g["overdue"] == sum(r["overdue"] for r in g["rows"])
        days = [r["days"] for r in g["rows"]]
        assert days == sorted(days, reverse=True)  # longest overdue first
    assert groups[-1]["unit"] == NO_OWNER


def test_worst_overdue_oldest_deadline_first(figures):
    worst = figures["worst_overdue"]
    assert [w["item_id"] for w in worst][:2] == ["JX-2026-0010", "JX-2026-0005"]
    assert worst[0]["days"] == (AS_OF - date(2026, 7, 31)).days


def test_returned_rows_are_distinct_rows_per_department(figures):
    # two errors on 住建局 row 5 count once; the 提醒 and the file-level error are not returned rows
    assert figures["returned_rows"] == [{"department": "县住房和城乡建设局", "rows": 2},
                                        {"department": "县财政局", "rows": 1}]
    assert [f["name"] for f in figures["rejected_files"]] == ["司法局台账.xlsx"]


def test_breakdowns_cover_every_item_in_configured_order(figures, inp):
    config = inp.ctx.config
    for key in ("source", "company_type", "sector"):
        rows = figures["breakdowns"][key]
        assert sum(r["items"] for r in rows) == len(inp.ledger)
        values = [r["value"] for r in rows if r["value"] != "未填写"]
        order = list(config.enums[config.column(key).enum].values)
        assert values == sorted(values, key=order.index)
    assert figures["breakdowns"]["source"][-1] == {"value": "未填写", "items": 1, "amount": 0.0, "closed": 0}


def test_trend_against_previous_period():
    f = compute_figures(make_input())
    assert f["trend"]["first"] is False
    assert f["trend"]["change"]["items"] == 12 - 8 and f["trend"]["change"]["open"] == 9 - 7
    first = compute_figures(make_input(history_periods=1))
    assert first["trend"]["first"] is True and first["trend"]["change"] == {}


def test_empty_ledger_gives_zeros_not_errors():
    inp = make_input(rows=[])
    f = compute_figures(inp)
    assert f["totals"]["items"] == 0 and f["totals"]["closing_rate"] is None and f["totals"]["payment_rate"] is None
    assert f["units"] == [] and f["key_items"] == [] and f["worst_overdue"] == []
    assert f["categories"][-1]["items"] == 0


@pytest.mark.parametrize("value, text", [(1234.5, "1,234.5"), (100.0, "100.0"), (12.345, "12.3"), (0.0, "0.0"),
                                         (12949, "12,949.0"), (-0.01, "0.0"), (math.nan, "—"), (None, "—"),
                                         (1234567.891, "1,234,567.9")])
def test_amount_format(value, text):
    assert fmt_amount(value) == text


@pytest.mark.parametrize("value, text", [(2 / 3, "66.7%"), (1.0, "100.0%"), (0.5, "50.0%"), (0.0, "0.0%"),
                                         (0.125, "12.5%"), (None, "—")])
def test_rate_format(value, text):
    assert fmt_rate(value) == text


def test_chinese_date_has_no_leading_zeros():
    assert cn_date(date(2026, 1, 5)) == "2026年1月5日"
    assert cn_date(AS_OF) == "2026年11月26日"
