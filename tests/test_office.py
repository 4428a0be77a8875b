"""The office's side: corrections applied on every later run, item history, pre-filled templates."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.corrections import write_corrections_template
from pipeline.intake.files import read_file
from tests.ledgerfiles import write_ledger
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    {"category": "B1", "company": "郏县汇通物流有限公司", "description": "物流园区道路工程款120万元验收后一直拖欠未付",
     "amount": 120, "status": "整改中", "deadline": date(2026, 12, 31)},
    {"category": "B5", "company": "郏县汇通物流有限公司", "description": "物流园区道路工程款因财政资金紧张尚欠120万元",
     "amount": 120, "status": "整改中", "deadline": date(2026, 12, 31)},
    {"category": "B3", "company": "郏县青禾农业有限公司", "description": "因规划调整，流转土地上的大棚被要求拆除，补偿未落实",
     "amount": 35, "status": "整改中"},
]


@pytest.fixture()
def office(tmp_path):
    raw = yaml.safe_load((config_path()).read_text(encoding="utf-8"))
    for key in ("inbox", "outbox", "corrections", "logs"):
        raw["paths"][key] = str(tmp_path / key)
    raw["paths"]["database"] = str(tmp_path / "ledger.sqlite")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    config = load_config(path)
    write_ledger(tmp_path / "inbox" / "住建局.xlsx", config, "县住房和城乡建设局", ROWS, date(2026, 11, 24))
    return tmp_path, path, config


def run(config_path: Path, as_of: str = "2026-11-26") -> int:
    return main(["run", "--config", str(config_path), "--as-of", as_of])


def ledger(base: Path, period: str = "2026-W48") -> dict[str, dict]:
    with open(base / "outbox" / period / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["item_id"]: r for r in csv.DictReader(fh)}


def correct(base: Path, lines: list[list]) -> None:
    path = write_corrections_template(base / "corrections" / "更正.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["更正"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "操作")
    for i, line in enumerate(lines, start=header + 1):
        for j, value in enumerate(line, start=1):
            ws.cell(i, j, value)
    wb.save(path)


def test_suspected_pair_is_merged_by_an_office_decision_on_later_runs(office):
    base, config_path, _ = office
    assert run(config_path) == 0
    items = ledger(base)
    pair = sorted(k for k, r in items.items() if "汇通" in r["company"])
    assert len(pair) == 2 and all("疑似重复" in items[k]["flags"] for k in pair)
    correct(base, [["合并", pair[0], pair[1], None, "同一笔工程款"]])
    assert run(config_path) == 0
    items = ledger(base)
    assert pair[1] not in items and "人工合并" in items[pair[0]]["flags"]
    assert run(config_path, "2026-12-03") == 0  # the decision keeps applying in the next period
    assert pair[1] not in ledger(base, "2026-W49")


def test_category_override_and_confirmed_closing_show_as_corrections(office):
    base, config_path, _ = office
    assert run(config_path) == 0
    target = next(k for k, r in ledger(base).items() if "青禾" in r["company"])
    correct(base, [["改类别", target, None, "B1", ""], ["确认办结", target, None, "2026-11-20", "已现场核实"]])
    assert run(config_path) == 0
    row = ledger(base)[target]
    assert (row["category"], row["status"], row["closed_on"]) == ("B1", "已办结", "2026-11-20")
    assert "人工改类别" in row["flags"] and "人工确认办结" in row["flags"]


def test_history_command_shows_each_period(office, capsys):
    base, config_path, _ = office
    assert run(config_path, "2026-11-19") == 0
    assert run(config_path, "2026-11-26") == 0
    item = next(iter(ledger(base)))
    capsys.readouterr()
    assert main(["history", item, "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert "2026-W47" in out and "2026-W48" in out
    assert main(["history", "JX-1999-9999", "--config", str(config_path)]) == 2


def test_prefilled_template_carries_the_department_items_and_reads_back(office):
    base, config_path, config = office
    assert run(config_path) == 0
    out = base / "prefilled.xlsx"
    assert main(["template", "--config", str(config_path), "--department", "住建局", "-o", str(out)]) == 0
    read = read_file(out, config)
    assert read.files[0].department == "县住房和城乡建设局"
    assert sorted(read.rows["item_id"]) == sorted(ledger(base))


def test_run_puts_an_empty_corrections_workbook_in_place_and_reports_unusable_lines(office, capsys):
    base, config_path, _ = office
    assert run(config_path) == 0
    assert (base / "corrections" / "更正.xlsx").is_file()
    correct(base, [["作废", "JX-2026-0001", None, None, None]])
    capsys.readouterr()
    assert run(config_path) == 0
    assert "人工更正表" in capsys.readouterr().out


def test_partial_resubmission_is_called_out_in_feedback_and_summary(office):
    base, config_path, config = office
    extra = [{"category": "B1", "company": f"郏县测试{i}号商贸有限公司", "description": f"第{i}批货款拖欠未付",
              "amount": 10 + i, "status": "整改中"} for i in range(3)]
    inbox = base / "inbox"
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", ROWS + extra, date(2026, 11, 18))
    assert run(config_path, "2026-11-19") == 0
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", ROWS[:1], date(2026, 11, 25))
    assert run(config_path, "2026-11-26") == 0
    run_dir = base / "outbox" / "2026-W48"
    feedback = openpyxl.load_workbook(run_dir / "feedback" / "县住房和城乡建设局.xlsx").worksheets[0]
    text = " ".join(str(c.value) for row in feedback.iter_rows() for c in row if c.value)
    assert "本次台账比上次少了 5 条事项（上次本单位共 6 条）" in text  # in words, not 5/6
    assert text.count("上次报送过，本次台账中没有") == 5
    summary = openpyxl.load_workbook(next(run_dir.glob("*.xlsx")))["报送情况"]
    assert any("本次台账比上次少了" in str(c.value) for row in summary.iter_rows() for c in row if c.value)


def test_pair_declared_apart_is_not_listed_again(office):
    base, config_path, _ = office
    assert run(config_path) == 0
    pair = sorted(k for k, r in ledger(base).items() if "汇通" in r["company"])
    correct(base, [["不合并", pair[0], pair[1], None, "两笔不同款项"]])
    for as_of in ("2026-11-26", "2026-12-03"):
        assert run(config_path, as_of) == 0
        period = "2026-W48" if as_of.endswith("26") else "2026-W49"
        items = ledger(base, period)
        assert set(pair) <= set(items) and not any("疑似重复" in items[k]["flags"] for k in pair)


def test_the_report_stands_alone_without_pointers_to_internal_files(office):
    import docx

    base, config_path, _ = office
    assert run(config_path) == 0
    run_dir = base / "outbox" / "2026-W48"
    doc = docx.Document(next(run_dir.glob("*.docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    workbook = next(run_dir.glob("*.xlsx")).name
    assert workbook not in text and "汇总表" not in text and ".csv" not in text and "run.json" not in text
