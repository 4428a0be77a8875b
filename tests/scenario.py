"""A two-week county scenario through the real `run` command: 35 units, about 400 items.

Week 1: most units report (some 零报告), three do not; amounts from a few 万元 to over a thousand,
deadlines around the as-of date (many overdue), descriptions of one to several clauses.
Week 2: two units that reported do not (their items stay, 数据沿用上期), a unit missing in week 1
reports, items are closed and paid, new items come in.

    python -m tests.scenario OUT      # writes OUT/office/outbox/<period>/ for both weeks and prints them
"""
from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipeline.cli import main
from pipeline.core.config import Config, load_config
from tests.synth import _INDUSTRIES, _MEASURES, _PLACES, _PROJECTS, _TRADES, make_uscc
from tests.ledgerfiles import write_ledger

ROOT = Path(__file__).resolve().parents[1]
WEEK1, WEEK2 = date(2027, 2, 4), date(2027, 2, 11)
MISSING_WEEK1 = ("县司法局", "白庙乡人民政府", "渣园乡人民政府")
MISSING_WEEK2 = ("县水利局", "茨芭镇人民政府", "白庙乡人民政府", "渣园乡人民政府")
ZERO_REPORT = ("县信访局", "县政务服务和大数据管理局", "县卫生健康委员会", "县人民法院", "县市场监督管理局")
HEAVY = {"县住房和城乡建设局": 46, "县交通运输局": 34, "县财政局": 31, "县自然资源局": 26, "县水利局": 24,
         "县产业集聚区管理委员会": 22, "县发展和改革委员会": 20, "县农业农村局": 18}
ISSUES = ("工程款未按合同约定支付", "项目验收后尾款长期拖欠", "招商引资承诺的奖补资金未兑现", "政府采购合同款项逾期未付",
          "土地出让后未按约定交付", "政策调整导致已签协议无法履行", "法院判决确定的款项未履行", "质保金到期未退还")
REASONS = ("因财政资金紧张", "因项目审计尚未完成", "因原经办人员调整", "因上级补助资金未到位", "因合同条款存在争议")


@dataclass
class Scenario:
    base: Path
    config_path: Path
    periods: list[str] = field(default_factory=list)
    items_week1: int = 0
    items_week2_new: int = 0

    def run_dir(self, week: int) -> Path:
        return self.base / "outbox" / self.periods[week - 1]


class _Items:
    def __init__(self, config: Config, seed: int):
        self.config, self.rng = config, random.Random(seed)
        self.used: set[str] = set()

    def company(self) -> str:
        while True:
            name = f"郏县{self.rng.choice(_TRADES)}{self.rng.choice(_INDUSTRIES)}{self.rng.choice(('有限公司', '有限责任公司'))}"
            if name not in self.used:
                self.used.add(name)
                return name

    def item(self, unit: str, as_of: date) -> dict:
        rng = self.rng
        category = rng.choice([c for c in self.config.categories])
        big = rng.random() < 0.04
        amount = round(rng.uniform(1000, 5000) if big else rng.uniform(2, 600), 1)
        status = rng.choices(("未启动", "整改中", "已办结"), (2, 5, 2))[0]
        project = rng.choice(_PLACES) + rng.choice(_PROJECTS)
        clauses = [f"{rng.randint(2018, 2025)}年企业承接{project}", rng.choice(ISSUES), f"涉及金额{amount}万元"]
        if rng.random() < 0.6:
            clauses.insert(2, rng.choice(REASONS) + "，企业多次反映未果")
        row = {"category": category.code, "company": self.company(), "uscc": make_uscc(rng),
               "company_type": rng.choice(self.config.enums["company_type"].values),
               "sector": rng.choice(self.config.enums["sector"].values), "source": "部门自查",
               "description": "，".join(clauses) + "。", "amount": amount, "owner_unit": unit,
               "owner_person": "张某", "measures": rng.choice(_MEASURES), "status": status,
               "deadline": as_of + timedelta(days=rng.randint(-420, 240)),
               "occurred_on": as_of - timedelta(days=rng.randint(200, 2000)),
               "paid": amount if status == "已办结" else round(amount * rng.choice((0, 0, 0.2, 0.5)), 1)}
        if category.kind == "case":
            row["case_no"] = f"（{rng.randint(2019, 2025)}）豫0425执{rng.randint(100, 9999)}号"
            row["court"] = "郏县人民法院"
        if status == "已办结":
            row["closed_on"] = as_of - timedelta(days=rng.randint(1, 60))
        return row


def _units(config: Config, rng: random.Random) -> dict[str, int]:
    counts = {}
    for name in config.department_names:
        counts[name] = 0 if name in ZERO_REPORT else HEAVY.get(name, rng.randint(3, 14))
    return counts


def _write_week(inbox: Path, config: Config, rows: dict[str, list[dict]], missing: tuple, filled: date) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for old in inbox.iterdir():
        old.unlink()
    for n, (unit, items) in enumerate(rows.items()):
        if unit in missing:
            continue
        write_ledger(inbox / f"{n:02d}{unit}台账.xlsx", config, unit, items or [{"company": "经排查无相关问题"}], filled)


def run_week(scenario: Scenario, as_of: date) -> int:
    inbox = scenario.base / "inbox"
    return main(["run", "--config", str(scenario.config_path), "--inbox", str(inbox),
                 "--outbox", str(scenario.base / "outbox"), "--db", str(scenario.base / "ledger.sqlite"),
                 "--as-of", as_of.isoformat()])


def build(folder: Path, seed: int = 10, config_path: Path | None = None) -> Scenario:
    """Write and run both weeks in `folder`; return where the outputs are. The config is copied into `folder`,
    so its relative paths (corrections/, logs/) stay there and never reach the working copy."""
    if config_path is None:
        folder.mkdir(parents=True, exist_ok=True)
        config_path = Path(shutil.copy2(ROOT / "config.yaml", folder / "config.yaml"))
    config = load_config(config_path)
    scenario = Scenario(folder / "office", config_path)
    maker, rng = _Items(config, seed), random.Random(seed)
    rows = {unit: [maker.item(unit, WEEK1) for _ in range(n)] for unit, n in _units(config, rng).items()}
    scenario.items_week1 = sum(len(v) for u, v in rows.items() if u not in MISSING_WEEK1)
    _write_week(scenario.base / "inbox", config, rows, MISSING_WEEK1, WEEK1 - timedelta(days=1))
    assert run_week(scenario, WEEK1) == 0
    for unit, items in rows.items():  # week 2: progress on open items, a few new ones
        for row in items:
            if row["status"] != "已办结" and rng.random() < 0.15:
                row.update(status="已办结", paid=row["amount"], closed_on=WEEK2 - timedelta(days=rng.randint(1, 6)))
            elif row["status"] == "未启动" and rng.random() < 0.3:
                row["status"] = "整改中"
        if unit not in MISSING_WEEK2 and unit not in ZERO_REPORT and rng.random() < 0.5:
            new = [maker.item(unit, WEEK2) for _ in range(rng.randint(1, 3))]
            items.extend(new)
            scenario.items_week2_new += len(new)
    _write_week(scenario.base / "inbox", config, rows, MISSING_WEEK2, WEEK2 - timedelta(days=1))
    assert run_week(scenario, WEEK2) == 0
    scenario.periods = sorted(p.name for p in (scenario.base / "outbox").iterdir() if p.is_dir() and "-W" in p.name)
    return scenario


if __name__ == "__main__":
    out = build(Path(sys.argv[1]))
    for week in (1, 2):
        print(out.run_dir(week))
