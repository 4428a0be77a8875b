"""Every figure in the Word report and the summary workbook equals run.json or ledger.csv."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import openpyxl


def _ledger(run_dir: Path) -> list[dict]:
    with open(run_dir / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "") or 0)


def assert_reports_match(run_dir: Path) -> None:
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    ledger = _ledger(run_dir)
    _check_word(run_dir / manifest["outputs"]["report_docx"], manifest, ledger)
    _check_workbook(run_dir / manifest["outputs"]["summary_xlsx"], manifest, ledger)


def _check_word(path: Path, manifest: dict, ledger: list[dict]) -> None:
    t, deps = manifest["totals"], manifest["departments"]
    doc = docx.Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"应报送台账单位{deps['expected']}个，已报送{len(deps['reported'])}个" in text
    assert f"未报送{len(deps['missing'])}个" in text
    assert f"全县累计排查出政务失信问题{t['items']}项" in text
    assert f"本期新增问题{t['new_items']}项，办结{t['closed_this_period']}项" in text
    if t["overdue"]:
        assert f"已超过整改时限的{t['overdue']}项" in text
    categories = doc.tables[0]
    rows = {r.cells[0].text.split()[0]: [c.text for c in r.cells] for r in categories.rows[1:]}
    for code, count in manifest["by_category"].items():
        assert _number(rows[code][1]) == count, code
    total = rows["合计"]
    assert _number(total[1]) == t["items"]
    assert _number(total[4]) == sum(r["status"] == "已办结" for r in ledger)
    assert _number(total[6]) == t["overdue"]
    amount = sum(float(r["amount"] or 0) for r in ledger)
    assert abs(_number(total[2]) - round(amount, 1)) < 0.051
    heads = [c.text for c in doc.tables[1].rows[0].cells]
    units = [[c.text for c in r.cells] for r in doc.tables[1].rows[1:]]
    items, overdue = heads.index("事项数"), heads.index("逾期")
    assert sum(_number(r[items]) for r in units if r[1] != "合计") == t["items"]
    assert sum(_number(r[overdue]) for r in units if r[1] != "合计") == t["overdue"]


def _check_workbook(path: Path, manifest: dict, ledger: list[dict]) -> None:
    t = manifest["totals"]
    wb = openpyxl.load_workbook(path)

    def body(name: str) -> list[tuple]:
        ws = wb[name]
        rows = [r for r in ws.iter_rows(values_only=True)]
        start = 2 if len(rows) > 1 and all(v is None for v in rows[1]) else 0  # a title line, then a blank one
        out = []
        for r in rows[start + 1:]:
            if all(v is None for v in r):  # the notes below the table start after a blank row
                break
            if r[0] == "本期无":  # an empty table says so in its first row
                continue
            out.append(r)
        return out

    overview = {r[0].split()[0]: r for r in body("汇总") if isinstance(r[0], str)}
    for code, count in manifest["by_category"].items():
        assert overview[code][2] == count, code
    assert overview["合计"][2] == t["items"]
    assert [r[0] for r in body("总台账")] == [r["item_id"] for r in ledger]
    assert len(body("本期新增")) == t["new_items"]
    assert len(body("本期办结")) == t["closed_this_period"]
    assert len(body("逾期问题")) == t["overdue"] == sum(r["overdue"] == "true" for r in ledger)
    problems = {(r[1], r[3]) for r in body("数据问题")}
    assert len(problems) == t["rows_rejected"]
    heads = [c.value for c in wb["报送情况"][1]]
    rows = body("报送情况")
    files = [r for r in rows if r[heads.index("处理结果")] not in ("未报送", "待放行")]
    assert len(files) == len(manifest["files"])
    chase = {r[heads.index("单位")] for r in rows if r[heads.index("本期是否报送")] == "否" and r[heads.index("单位")]}
    assert chase == set(manifest["departments"]["missing"])
    assert len(body("疑似重复")) == t["suspected_duplicates"]
