"""Performance benchmark of the pipeline (issue 6).

    python benchmarks/run.py [--scales county,city] [--runs 5] [--province] [--merge-sizes 10000,100000,1000000]
                             [--profile city] [--data bench-data] [--fresh] [--hostile]

For each scale a synthetic inbox is generated once (tests/synth.py; kept in bench-data/<scale>/ and
reused while the parameters match) and measured in this one process run:
  floor        python-calamine reading every cell of every sheet, and nothing else;
  run          `python -m pipeline run` as a child process (--runs N times, the median counts): wall and
               CPU time and the child's peak RSS, printed again in one plain line below the table;
  stages       the functions pipeline/run.py calls, called here one by one in its order.
Then merge_rows alone on clean, classified rows built in memory, at growing sizes, to show how its
cost grows. Targets are printed beside the figures. A scale may also be written FILESxROWS (3x5).
--hostile reads each file of a hostile set (one far cell, a zip bomb outside xl/worksheets, a sheet
just under the cell limit, an ODS asking for billions of cells) in its own child process and prints
its disposition, seconds and peak RSS (issue 13: < 500 MB for any single file), then runs the pipeline once
on one inbox holding all of them, odd file names (GBK, 245 bytes, a dot name, a symlink out) and good
ledgers: exit status, every entry's disposition, peak RSS.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # runnable as `python benchmarks/run.py` from anywhere
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from pipeline.core.config import Config, load_config  # noqa: E402
from pipeline.core.context import RunContext  # noqa: E402
from tests.synth import case_no_variant, company_variant, generate_inbox, make_uscc, write_synth_config  # noqa: E402

AS_OF = date(2026, 11, 26)
SEED = 2026
STAGES = ("intake", "validation", "classification", "merge", "ledger+store", "feedback", "Word", "Excel")
UP_TO_LEDGER = STAGES[:STAGES.index("ledger+store") + 1]
HEADER = ("scale", "files", "rows", "stage", "seconds", "rows/s", "peak RSS MB", "x floor")
WIDTHS = (9, 6, 8, 16, 9, 10, 12, 8)
# Targets of issue 6.
COUNTY_RUN_SECONDS = 3.0
LEDGER_FLOOR_RATIO = 3.0
PROVINCE_RUN_SECONDS = 600.0
PROVINCE_PEAK_MB = 4096.0
MERGE_GROWTH_RATIO = 2.0


@dataclass(frozen=True)
class Scale:
    name: str
    files: int
    rows_per_file: int


SCALES = {s.name: s for s in (Scale("county", 35, 20), Scale("city", 300, 200), Scale("province", 5000, 40))}


@dataclass
class Measure:
    scale: str
    files: int
    rows: int
    stage: str
    seconds: float | None        # None: the stage failed or was skipped (see note)
    peak_mb: float | None
    floor: float | None = None   # the scale's floor seconds, for the ratio
    note: str = ""
    runs: list[tuple[float, float]] = field(default_factory=list)  # end to end: (wall, CPU) of each run
    load: float | None = None    # 1-minute load average before the first run


@dataclass
class Prepared:
    scale: Scale
    folder: Path
    config: Path
    files: int
    rows: int

    @property
    def inbox(self) -> Path:
        return self.folder / "inbox"

    def inputs(self) -> list[Path]:
        return sorted(p for p in self.inbox.iterdir() if p.is_file())


# --- measuring -----------------------------------------------------------------------------------

def _maxrss_mb(usage: resource.struct_rusage) -> float:
    return usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: clear_refs 5), so the next reading is one stage's peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Seconds fn takes and this process's peak RSS in MB while it ran (the high-water mark so far
    where the peak cannot be reset)."""
    reset_peak()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start, _maxrss_mb(resource.getrusage(resource.RUSAGE_SELF))


def read_floor(paths: list[Path]) -> int:
    """Every cell of every sheet through python-calamine, nothing else; returns the number of cells."""
    cells = 0
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for i in range(len(book.sheet_names)):
            cells += sum(len(r) for r in book.get_sheet_by_index(i).to_python())
    return cells


def compile_pipeline() -> None:
    """The pipeline's bytecode written beforehand, as the office's machine keeps it after its first run:
    where PYTHONDONTWRITEBYTECODE is set (as on some build machines) every run would compile the modules again."""
    import compileall

    compileall.compile_dir(str(ROOT / "pipeline"), quiet=1)


def run_command(prep: Prepared, work: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", "--config", str(prep.config), "--inbox", str(prep.inbox),
            "--outbox", str(work / "outbox"), "--db", str(work / "ledger.sqlite"), "--as-of", AS_OF.isoformat()]


def run_child(cmd: list[str], log: Path, cpu: list[float] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit status of one child process (its own rusage, via wait4);
    its CPU seconds (user + system) are appended to `cpu` when given."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    return seconds, _maxrss_mb(usage), proc.returncode


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# --- the inbox of a scale --------------------------------------------------------------------------

def parse_scale(text: str) -> Scale:
    if text in SCALES:
        return SCALES[text]
    files, _, rows = text.partition("x")
    if not (files.isdigit() and rows.isdigit() and int(files) > 0 and int(rows) > 0):
        raise argparse.ArgumentTypeError(f"unknown scale {text!r}: use {', '.join(SCALES)} or FILESxROWS")
    return Scale(text, int(files), int(rows))


def prepare(scale: Scale, data: Path, base: Config, fresh: bool = False) -> Prepared:
    """The scale's inbox and config, generated once: reused while files, rows and seed are the same."""
    folder = data / scale.name
    marker = folder / "synth.json"
    wanted = {"files": scale.files, "rows_per_file": scale.rows_per_file, "seed": SEED}
    if not fresh and marker.is_file():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in wanted} == wanted:
            return Prepared(scale, folder, folder / "config.yaml", known["written_files"], known["written_rows"])
    fresh_dir(folder)
    truth = generate_inbox(folder / "inbox", base, scale.files, scale.rows_per_file, seed=SEED)
    _write_config(base, truth.departments, folder / "config.yaml")
    marker.write_text(json.dumps({**wanted, "written_files": len(truth.files), "written_rows": truth.rows}),
                      encoding="utf-8")
    return Prepared(scale, folder, folder / "config.yaml", len(truth.files), truth.rows)


def _write_config(base: Config, departments: list[str], path: Path) -> None:
    """The synthetic registry, and nothing that leaves the bench folder: no archiving, mail or PDF."""
    write_synth_config(base, departments, path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw.setdefault("run", {})["archive_inbox"] = False
    raw.setdefault("mail", {}).update(replies=False, reminders=False)
    raw.setdefault("report", {})["pdf"] = False
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def context_for(prep: Prepared, work: Path) -> RunContext:
    overrides = {"inbox": str(prep.inbox), "outbox": str(work / "outbox"), "database": str(work / "ledger.sqlite")}
    return RunContext(load_config(prep.config, overrides), AS_OF)


# --- the stages, in run.py's order -------------------------------------------------------------------

class StageRun:
    """pipeline/run.py's `_run`, cut at the stage boundaries so each stage can be timed alone.

    It calls the same stage functions in the same order, so a change there must be mirrored here; a stage
    that fails is reported, and the stages after it skipped."""

    def __init__(self, ctx: RunContext, paths: list[Path]):
        self.ctx, self.paths = ctx, paths
        self.out = fresh_dir(ctx.run_dir)
        self.store = None

    def intake(self) -> None:
        from pipeline.core import findings as fnd
        from pipeline.intake.files import read_inputs
        from pipeline.mail.senders import sender_findings

        self.read = read_inputs(self.paths, self.ctx.config)
        self.read.findings = fnd.concat(self.read.findings, sender_findings(self.read.files, self.ctx.path("inbox")))

    def validation(self) -> None:
        from pipeline.validate import validate

        self.clean, self.found_validation = validate(self.read.rows, self.ctx.config)

    def classification(self) -> None:
        from pipeline.core import findings as fnd
        from pipeline.classify import classify

        self.clean, classified = classify(self.clean, self.ctx.config)
        self.found = fnd.concat(self.read.findings, self.found_validation, classified)

    def merge(self) -> None:
        """Includes what run.py does just before merging: split accepted rows, corrections, previous ledger,
        the doc number; the period's earlier records discarded, so the new items get their 问题编号."""
        from pipeline.corrections import office_decisions
        from pipeline.merge.match import merge_rows
        from pipeline.store import Store
        from pipeline.validate import split_accepted

        ctx = self.ctx
        self.accepted, self.returned = split_accepted(self.clean, self.found)
        self.decisions, _ = office_decisions(ctx.path("corrections"), ctx.config)
        self.store = Store(ctx.path("database"), ctx.config.ledger.item_id_format)
        self.previous = self.store.ledger_before(ctx.period)
        self.doc_number = self.store.doc_number(ctx.period) or self.store.next_doc_number(
            ctx.config.office.doc_number_start)
        with self.store.transaction():
            self.store.discard_period(ctx.period)
            self.issue_no = len(self.store.periods()) + 1
            self.merged = merge_rows(self.accepted, self.previous, self.decisions, ctx.config,
                                     self.store.id_allocator(ctx.as_of.year, ctx.period))

    def ledger_store(self) -> None:
        """The ledger update, run.json's summary, ledger.csv and rejected.csv, the database."""
        from pipeline.outputs.tables import rejected_table, write_csv

        with self.store.transaction():
            self._update()
            write_csv(self.update.ledger.drop(columns=["corrected"]), self.out / "ledger.csv")
            write_csv(rejected_table(self.found), self.out / "rejected.csv")
            self.store.save_period(self.ctx.period, self.ctx.as_of, self.update.ledger,
                                   self.read.files, self.merged.suspects, self.summary,
                                   self.doc_number, closed=int(self.history.iloc[-1]["closed"]))

    def _update(self) -> None:
        from pipeline.core import findings as fnd
        from pipeline.intake.files import submitted_departments
        from pipeline.ledger import follow_up_findings, items_for_ledger, update_ledger
        from pipeline.outputs.manifest import build_summary, period_totals_row
        from pipeline.validate import count_rows

        ctx, store = self.ctx, self.store
        items = items_for_ledger(self.merged, self.found)
        self.update = update_ledger(self.previous, items, ctx, submitted_departments(self.read.files), self.decisions,
                                    self.merged.absorbed)
        self.found = fnd.concat(self.found, follow_up_findings(self.update.not_resubmitted, self.previous,
                                                               self.read.files))
        count_rows(self.read.files, self.clean, self.returned)
        self.summary = build_summary(ctx, self.read.files, self.update, len(self.merged.new_ids),
                                     len(self.merged.suspects))
        self.history = pd.concat([store.period_totals(), pd.DataFrame([period_totals_row(ctx, self.summary, self.update)])],
                                 ignore_index=True)

    def feedback(self) -> None:
        from pipeline.outputs.feedbacks import write_all_feedback

        write_all_feedback(self.out / "feedback", self.ctx, self.read, self.found, self.merged.rows,
                           self.update.ledger)

    def word(self) -> None:
        from pipeline.reports.word import write_report
        from pipeline.reports.documents import report_stem

        write_report(self.out / f"{report_stem(self.ctx, self.issue_no)}.docx", self._report_input())

    def excel(self) -> None:
        from pipeline.reports.workbook import write_summary

        write_summary(self.out / f"政务失信问题台账汇总（{self.ctx.period}）.xlsx", self._report_input())

    def _report_input(self):
        from pipeline.reports.figures import ReportInput

        return ReportInput(ctx=self.ctx, summary=self.summary, ledger=self.update.ledger, findings=self.found,
                           history=self.history, doc_number=self.doc_number, issue_no=self.issue_no,
                           new_ids=frozenset(self.merged.new_ids), closed_ids=frozenset(self.update.closed_ids),
                           previous=self.update.previous, unit_missing_ids=frozenset(self.update.unit_missing),
                           suspects=self.merged.suspects)

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return list(zip(STAGES, (self.intake, self.validation, self.classification, self.merge, self.ledger_store,
                                 self.feedback, self.word, self.excel)))

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def measure_stages(prep: Prepared, work: Path, floor: float | None) -> list[Measure]:
    ctx = context_for(prep, fresh_dir(work))
    stages = StageRun(ctx, prep.inputs())
    out, failed = [], ""
    try:
        for name, step in stages.steps():
            out.append(_one_stage(prep, name, step, floor, failed))
            if out[-1].seconds is None and name in UP_TO_LEDGER:  # the stages after it need its result
                failed = failed or name
    finally:
        stages.close()
    return out


def _one_stage(prep: Prepared, name: str, step: Callable[[], None], floor: float | None, failed: str) -> Measure:
    measure = Measure(prep.scale.name, prep.files, prep.rows, name, None, None, floor)
    if failed:
        measure.note = f"skipped ({failed} failed)"
        return measure
    try:
        measure.seconds, measure.peak_mb = timed(step)
    except Exception as exc:  # a stage still being integrated: report it and go on with the bench
        measure.note = f"failed: {type(exc).__name__}: {exc}"
    return measure


def up_to_ledger(stages: list[Measure]) -> Measure | None:
    """intake … ledger+store (ledger.csv written): the part of the run the floor target is about."""
    part = [m for m in stages if m.stage in UP_TO_LEDGER]
    if not part or any(m.seconds is None for m in part):
        return None
    first = part[0]
    return Measure(first.scale, first.files, first.rows, "up to ledger.csv", sum(m.seconds for m in part),
                   max(m.peak_mb for m in part), first.floor)


def measure_scale(prep: Prepared, log: Callable[[str], None], runs: int = 1) -> list[Measure]:
    s = prep.scale.name
    log(f"[{s}] floor: python-calamine over {prep.files} files")
    seconds, peak = timed(lambda: read_floor(prep.inputs()))
    floor = Measure(s, prep.files, prep.rows, "floor (calamine)", seconds, peak, seconds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    compile_pipeline()
    walls: list[float] = []
    cpus: list[float] = []
    for n in range(max(1, runs)):  # each run from scratch: a fresh outbox and database
        log(f"[{s}] run {n + 1}/{runs}: python -m pipeline run")
        work = fresh_dir(prep.folder / "run")
        run_s, run_peak, status = run_child(run_command(prep, work), work / "console.txt", cpus)
        walls.append(run_s)
        if status != 0:
            break
    # the median of the runs is the figure (the machine may be shared); every run is listed below the table
    run = Measure(s, prep.files, prep.rows, "run (end to end)", statistics.median(walls), run_peak, seconds,
                  runs=list(zip(walls, cpus)), load=load)
    if status != 0:
        run.note = f"exit status {status}, see {work / 'console.txt'}"
    log(f"[{s}] stages in-process")
    stages = measure_stages(prep, prep.folder / "stages", seconds)
    total = up_to_ledger(stages)
    return [floor, run, *stages, *([total] if total else [])]


# --- merge alone on rows built in memory ------------------------------------------------------------

@dataclass
class MergeMeasure:
    rows: int
    seconds: float
    items: int
    peak_mb: float

    @property
    def us_per_row(self) -> float:
        return self.seconds / self.rows * 1e6


_CHARS = ("鑫源恒达宏图金桥中原天瑞广发丰长青华隆兴润泽鸿运安泰龙腾嘉禾盛世通永福祥东方德基锦程新宇博远卓越昌聚力"
          "顺鼎豫汝河紫云和亿航成凯旋信诚佳美开元大地正")
_INDUSTRIES = ("建筑工程 市政工程 路桥建设 水利工程 商贸 食品 牧业 物流 电气设备 文化旅游开发 节能科技 新材料 园林绿化 "
               "汽车销售服务 建设工程 医疗器械 农业开发 置业 环保科技 建材 机械制造 印务 信息技术 劳务服务 装饰工程").split()
_REGIONS = ("郏县", "郏县", "平顶山市", "")
_PROJECTS = ("城区道路改造工程 雨污分流改造工程 老旧小区改造项目 农村饮水安全工程 乡村道路硬化工程 学校教学楼建设项目 "
             "污水处理厂建设项目 标准化厂房建设项目 卫生院改扩建项目 农田水利灌溉工程 集中供热项目 美丽乡村建设项目 "
             "公共租赁住房项目 河道综合治理工程 农贸市场改造项目 路灯亮化工程 冷链物流园项目 光伏发电项目").split()
_PLACES = "广阳路 龙山大道 文化路 长青路 东环路 西环路 鸿运路 安良路 产业集聚区 城东片区 城西片区 老城区".split()


def company_name(k: int, rng: random.Random) -> str:
    """The k-th distinct company: an industry and a trade name written in base len(_CHARS) digits."""
    industry, q = _INDUSTRIES[k % len(_INDUSTRIES)], k // len(_INDUSTRIES)
    trade = ""
    while True:
        q, d = divmod(q, len(_CHARS))
        trade += _CHARS[d]
        if not q and len(trade) >= 2:
            break
    return rng.choice(_REGIONS) + trade + industry + rng.choice(("有限公司", "有限责任公司"))


class RowMaker:
    """Clean, classified rows (the frame classify hands to merge), values from the Config's enums,
    categories and registry; a share of rows re-report an item through the court or an intake department."""

    def __init__(self, config: Config, n: int, rng: random.Random):
        self.config, self.rng = config, rng
        merge = config.merge
        self.reporters = [d for d in (merge.court_department, *merge.intake_departments) if d]
        self.owners = [d for d in config.department_names if d not in self.reporters] or config.department_names
        self.keys = list(config.column_keys)
        markers = config.classification.case_no_markers
        self.case_letter = {code: letter for letter, code in reversed(markers)}
        self.companies = max(20, int(n * 0.6))
        self.case_seq = 100
        self.per_department: dict[str, int] = {}

    def item(self) -> dict:
        rng, enums = self.rng, self.config.enums
        category = rng.choice(self.config.categories)
        company = company_name(rng.randrange(self.companies), rng)
        amount = round(rng.uniform(3, 900), 1)
        occurred = AS_OF - timedelta(days=rng.randint(120, 2000))
        status = rng.choice(enums["status"].values)
        words = [w for w, weight in category.words if weight >= 3] or [w for w, _ in category.words]
        w1, w2 = rng.sample(words, 2) if len(words) >= 2 else (words * 2)[:2]
        project = rng.choice(_PLACES) + rng.choice(_PROJECTS)
        row = {k: "" for k in self.keys} | {
            "category": category.code, "company": company, "uscc": make_uscc(rng) if rng.random() < 0.7 else "",
            "company_type": rng.choice(enums["company_type"].values), "sector": rng.choice(enums["sector"].values),
            "source": rng.choice(enums["source"].values), "amount": amount, "occurred_on": occurred,
            "owner_unit": rng.choice(self.owners), "approach": rng.choice(enums["approach"].values),
            "deadline": AS_OF + timedelta(days=rng.randint(-200, 300)), "status": status,
            "paid": round(amount * rng.choice((0, 0.2, 0.5)), 1), "closed_on": None,
            "description": f"{occurred.year}年{company}承接{project}，存在{w1}、{w2}等问题，涉及金额{amount}万元，企业多次反映未果。",
            "project": project, "words": (w1, w2)}
        if category.kind == "case":
            self.case_seq += rng.randint(1, 5)
            letter = self.case_letter.get(category.code, "")  # the 案号 marker of the category, from the config
            row["case_no"] = f"（{occurred.year}）豫0425{letter}{self.case_seq}号"
        return row

    def rereport(self, item: dict) -> dict:
        rng = self.rng
        row = dict(item)
        row["company"] = company_variant(item["company"], rng)
        w1, w2 = item["words"]
        row["description"] = (f"{row['company']}反映：{item['project']}存在{w2}、{w1}的情况，"
                              f"涉及资金约{round(item['amount'])}万元，请求协调解决。")
        row["case_no"] = case_no_variant(item["case_no"], rng) if item["case_no"] else ""
        row["uscc"] = item["uscc"] if rng.random() < 0.5 else ""
        return row

    def placed(self, row: dict, department: str) -> dict:
        """Provenance: one file per department, Excel rows counted from 4."""
        n = self.per_department[department] = self.per_department.get(department, 3) + 1
        row = {k: v for k, v in row.items() if k not in ("project", "words")}
        return {"file": f"{department}台账.xlsx", "sheet": "台账", "row": n, "department": department,
                "file_time": 1_795_000_000.0 + len(department), **row, "amount_unit": "万元", "paid_unit": "万元",
                "category_inferred": False, "category_reason": ""}


def merge_rows_frame(n: int, config: Config, seed: int = 0, duplicate_share: float = 0.1) -> pd.DataFrame:
    """n clean, classified rows; about duplicate_share of them re-report another row's item."""
    rng = random.Random(seed)
    maker = RowMaker(config, n, rng)
    originals = n - round(n * duplicate_share)
    items = [maker.item() for _ in range(originals)]
    records = [maker.placed(it, it["owner_unit"]) for it in items]
    for _ in range(n - originals):
        item = rng.choice(items)
        records.append(maker.placed(maker.rereport(item), rng.choice(maker.reporters or maker.owners)))
    return pd.DataFrame({k: [r[k] for r in records] for k in records[0]}) if records else pd.DataFrame()


def measure_merge(n: int, config: Config) -> MergeMeasure:
    from pipeline.merge.match import merge_rows

    rows = merge_rows_frame(n, config, seed=n)
    result: list = []
    seconds, peak = timed(lambda: result.append(merge_rows(rows, pd.DataFrame(), pd.DataFrame(), config)))
    return MergeMeasure(n, seconds, len(result[0].items), peak)


# --- profile -------------------------------------------------------------------------------------------

def profile_run(prep: Prepared, top: int = 15) -> list[str]:
    """cProfile of run.run_period (the whole run, in-process): the functions with the most own time,
    and the pipeline functions with the most time including their callees, as shares of the run."""
    from pipeline.run import run_period

    ctx = context_for(prep, fresh_dir(prep.folder / "profile"))
    profiler = cProfile.Profile()
    profiler.runcall(run_period, ctx)
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)
    rows = [(key, tt, ct) for key, (_, _, tt, ct, _) in stats.stats.items()]
    lines = [f"profile of {prep.scale.name}: {total:.2f} s in run_period", "own time (tottime):"]
    lines += [_profile_line(k, tt, total) for k, tt, _ in sorted(rows, key=lambda r: -r[1])[:top]]
    lines.append("pipeline functions, with callees (cumtime):")
    mine = [r for r in rows if f"{os.sep}pipeline{os.sep}" in r[0][0] and r[0][2] not in ("run_period", "_run")]
    lines += [_profile_line(k, ct, total) for k, _, ct in sorted(mine, key=lambda r: -r[2])[:top]]
    return lines


def _profile_line(key: tuple, seconds: float, total: float) -> str:
    path, line, name = key
    where = f"{Path(path).relative_to(ROOT)}:{line}" if path.startswith(str(ROOT)) else f"{Path(path).name}:{line}"
    return f"  {seconds / total:6.1%}  {seconds:8.2f} s  {name}  ({where})"


# --- output ---------------------------------------------------------------------------------------------

def _row(cells: tuple) -> str:
    return "  ".join(str(c).ljust(w) if i < 4 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, WIDTHS)))


def table_lines(measures: list[Measure]) -> list[str]:
    lines = [_row(HEADER), _row(tuple("-" * w for w in WIDTHS))]
    for m in measures:
        lines.append(_row(_cells(m)))
        if m.note:
            lines.append(f"    {m.stage}: {m.note}")
    return lines


def _cells(m: Measure) -> tuple:
    if m.seconds is None:
        return (m.scale, m.files, m.rows, m.stage, "-", "-", "-", "-")
    rate = f"{m.rows / m.seconds:,.0f}" if m.seconds > 0 else "inf"
    ratio = f"{m.seconds / m.floor:.2f}" if m.floor else "-"
    return (m.scale, m.files, m.rows, m.stage, f"{m.seconds:.3f}", rate, f"{m.peak_mb:.0f}", ratio)


def end_to_end_lines(measures: list[Measure]) -> list[str]:
    """The whole week as the office runs it, said plainly: median and fastest wall time, CPU time, load."""
    lines = []
    for m in measures:
        if m.stage != "run (end to end)" or m.seconds is None or not m.runs:
            continue
        walls, cpus = [w for w, _ in m.runs], [c for _, c in m.runs]
        load = f", load average {m.load:.1f} on {os.cpu_count()} cores before the first run" if m.load is not None else ""
        lines.append(f"{m.scale} week end to end (python -m pipeline run, {m.files} files, {m.rows:,} rows): "
                     f"{m.seconds:.2f} s median, {min(walls):.2f} s fastest of {len(walls)} run(s); "
                     f"CPU {statistics.median(cpus):.2f} s median (user + system){load}")
    return lines


def merge_lines(measures: list[MergeMeasure]) -> list[str]:
    lines = ["merge alone (merge_rows on clean rows in memory, ~10% re-reported)",
             f"{'rows':>9}  {'items':>9}  {'seconds':>9}  {'us/row':>8}  {'growth':>6}  {'peak RSS MB':>11}"]
    base = measures[0].us_per_row if measures else 0
    for m in measures:
        lines.append(f"{m.rows:>9,}  {m.items:>9,}  {m.seconds:>9.3f}  {m.us_per_row:>8.1f}  "
                     f"{m.us_per_row / base if base else 0:>6.2f}  {m.peak_mb:>11.0f}")
    return lines


def _verdict(label: str, value: float, limit: float, unit: str) -> str:
    if value <= limit:
        return f"✓ {label}: {value:.2f}{unit} ≤ {limit:g}{unit}"
    return f"✗ {label}: {value:.2f}{unit} > {limit:g}{unit} (missed by {value / limit - 1:.0%})"


def _run_verdict(m: Measure, label: str, value: float, limit: float, unit: str) -> str:
    """A run that did not complete misses its target whatever its time."""
    return f"✗ {label}: the run did not complete ({m.note})" if m.note else _verdict(label, value, limit, unit)


def target_lines(measures: list[Measure], merges: list[MergeMeasure]) -> list[str]:
    by = {(m.scale, m.stage): m for m in measures if m.seconds is not None}
    lines = []
    county = by.get(("county", "run (end to end)"))
    if county:
        lines.append(_run_verdict(county, "county run end to end, both reports", county.seconds, COUNTY_RUN_SECONDS, " s"))
    measured = {m.scale for m in measures}
    for scale in ("city", "province"):
        part = by.get((scale, "up to ledger.csv"))
        if scale in measured and not part:
            lines.append(f"✗ {scale} up to ledger.csv: not measured, a stage before it failed")
        if part and part.floor:
            lines.append(_verdict(f"{scale} up to ledger.csv ÷ floor", part.seconds / part.floor, LEDGER_FLOOR_RATIO, "x"))
    province = by.get(("province", "run (end to end)"))
    if province:
        lines.append(_run_verdict(province, "province run", province.seconds, PROVINCE_RUN_SECONDS, " s"))
        lines.append(_run_verdict(province, "province run peak RSS", province.peak_mb, PROVINCE_PEAK_MB, " MB"))
    if len(merges) > 1:
        first, last = merges[0], merges[-1]
        lines.append(_verdict(f"merge time per row {last.rows:,} ÷ {first.rows:,}",
                              last.us_per_row / first.us_per_row, MERGE_GROWTH_RATIO, "x"))
    return lines


# --- hostile files, one child process each --------------------------------------------------------------

HOSTILE_PEAK_MB = 500.0
_READ_ONE = ("import sys; from pathlib import Path; from pipeline.core.config import load_config; "
             "from pipeline.intake.files import read_file; f = read_file(Path(sys.argv[1]), load_config(sys.argv[2])).files[0]; "
             "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]; "
             "print(int(hwm[0].split()[1]) // 1024 if hwm else -1, f.disposition, f.rows_read, f.reason[:60])")


def hostile_files(folder: Path) -> list[Path]:
    import zipfile

    import openpyxl

    fresh_dir(folder)
    out = []
    for ref in ("ZZ1048576", "ZZ100000", "A1048576"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["填报单位：县住建局"])
        ws.append(["序号", "企业名称", "问题描述", "整改状态"])
        ws.append([1, "甲公司", "拖欠", "整改中"])
        ws[ref] = "x"
        out.append(folder / f"far-{ref}.xlsx")
        wb.save(out[-1])
    near = folder / "near-limit-1900000-cells.xlsx"  # 100,000 rows x 19 columns, read in full
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["填报单位：县住建局"])
    ws.append(["序号", "企业名称", "问题描述", "整改状态", *[f"备注{i}" for i in range(15)]])
    for i in range(100_000):
        ws.append([i, f"甲{i}公司", "拖欠工程款", "整改中"] + [None] * 14 + ["x"])
    wb.save(near)
    out.append(near)
    bomb = folder / "bomb-outside-worksheets.xlsx"
    with zipfile.ZipFile(out[0]) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info).replace(b"worksheets/sheet1.xml", b"bomb/sheet1.xml")
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</worksheet>", b" " * (400 * 1024 * 1024) + b"</worksheet>")
            zout.writestr(info.filename.replace("worksheets/sheet1.xml", "bomb/sheet1.xml"), body)
    out.append(bomb)
    ods = ROOT / "tests" / "data" / "real" / "issue_594_dos.ods"
    if ods.is_file():
        out.append(folder / "ods-17-billion-cells.ods")
        out[-1].write_bytes(ods.read_bytes())
    return out


def hostile_lines(folder: Path, config: Path) -> list[str]:
    lines = [f"{'file':38} {'KB':>7} {'seconds':>8} {'peak RSS MB':>12}  disposition"]
    hostile = hostile_files(folder / "files")
    for path in hostile:
        # the child's own high-water mark (VmHWM): its rusage would include this parent's memory at fork
        seconds, _, _ = run_child([sys.executable, "-c", _READ_ONE, str(path), str(config)], folder / "child.log")
        said = ((folder / "child.log").read_text(encoding="utf-8").strip().splitlines() or ["-1 (failed)"])[-1]
        peak, _, rest = said.partition(" ")
        mark = "✓" if 0 < float(peak) < HOSTILE_PEAK_MB else "✗"
        lines.append(f"{path.name:38} {path.stat().st_size // 1024:>7} {seconds:>8.2f} {peak:>12}{mark} {rest}")
    return lines + hostile_run_lines(folder, config, hostile)


GOOD_ROWS = [{"category": "B1", "company": "郏县恒达商贸有限公司", "description": "工程尾款86万元至今未支付",
              "amount": 86, "status": "整改中"},
             {"category": "B5", "company": "郏县绿源农业开发有限公司", "description": "产业园补助资金未拨付到位",
              "amount": 40, "status": "未启动"}]


def hostile_inbox(folder: Path, hostile: list[Path], config: Config) -> Path:
    """One inbox: the hostile set of items 1 and 2 (the near-limit sheet aside), the odd names of item 6 (a GBK name, a 245-byte name, a
    dot name, a symlink out of the inbox) and good ledgers, some of them under those odd names."""
    from tests.ledgerfiles import write_ledger

    inbox = fresh_dir(folder / "inbox")
    for path in hostile:
        if not path.name.startswith("near-limit"):  # a size test, not hostile: the scales measure big inboxes
            shutil.copy2(path, inbox / path.name)
    write_ledger(inbox / "县住建局台账.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, AS_OF)
    gbk = [{**r, "company": r["company"].replace("郏县", "郏县水利")} for r in GOOD_ROWS]
    if os.name == "posix":  # a name that is not UTF-8 (an archive unpacked with GBK names)
        raw = os.path.join(os.fsencode(inbox), "县水利局台账.xlsx".encode("gbk"))
        write_ledger(Path(os.fsdecode(raw)), config, "县水利局", gbk, AS_OF)
        outside = fresh_dir(folder / "outside")
        write_ledger(outside / "secret.xlsx", config, "县财政局", GOOD_ROWS, AS_OF)
        (inbox / "外部链接.xlsx").symlink_to(outside / "secret.xlsx")
    else:
        write_ledger(inbox / "县水利局台账.xlsx", config, "县水利局", gbk, AS_OF)
    long_rows = [{**r, "company": r["company"].replace("郏县", "郏县商务")} for r in GOOD_ROWS]
    write_ledger(inbox / ("附" * 79 + "甲.xlsx"), config, "县商务局", long_rows, AS_OF)  # 245 bytes in UTF-8
    write_ledger(inbox / ".隐藏的台账.xlsx", config, "县交通运输局",
                 [{**r, "company": r["company"].replace("郏县", "郏县交通")} for r in GOOD_ROWS], AS_OF)
    return inbox


def hostile_run_lines(folder: Path, config_path: Path, hostile: list[Path]) -> list[str]:
    """`python -m pipeline run` on the hostile inbox (issue 13, done when: a complete run)."""
    raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    raw["paths"] = {k: str(folder / k) for k in raw["paths"]}
    config_file = folder / "config.yaml"
    config_file.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    inbox = hostile_inbox(folder, hostile, load_config(config_file))
    for leftover in ("outbox", "ledger.sqlite", "backups"):
        shutil.rmtree(folder / leftover, ignore_errors=True) if (folder / leftover).is_dir() \
            else (folder / leftover).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pipeline", "run", "--config", str(config_file), "--inbox", str(inbox),
           "--outbox", str(folder / "outbox"), "--db", str(folder / "ledger.sqlite"), "--as-of", AS_OF.isoformat()]
    seconds, peak, status = run_child(cmd, folder / "run.log")
    manifests = sorted((folder / "outbox").glob("*/run.json"))
    files = json.loads(manifests[-1].read_text(encoding="utf-8"))["files"] if manifests else []
    counts: dict[str, int] = {}
    for f in files:
        counts[f["disposition"]] = counts.get(f["disposition"], 0) + 1
    listed = len(list(inbox.iterdir()))
    mark = "✓" if status == 0 and len(files) == listed and peak < HOSTILE_PEAK_MB else "✗"
    return [f"\nwhole run on one inbox of {listed} entries (the hostile files above, odd names, good ledgers): exit {status}, "
            f"{seconds:.1f} s, peak RSS {peak:.0f} MB {mark}",
            "  dispositions: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" ({len(files)} of {listed})",
            *(f"    {f['disposition']:11} {f['name'][:40]}  {(f.get('reason') or '')[:50]}" for f in files)]


# --- command line -----------------------------------------------------------------------------------------

def _sizes(text: str) -> list[int]:
    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--merge-sizes wants numbers joined by commas, not {text!r}")
    if any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("--merge-sizes must be positive")
    return sizes


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="county,city",
                   type=lambda t: [parse_scale(s.strip()) for s in t.split(",") if s.strip()],
                   help="county, city, province or FILESxROWS, joined by commas (default county,city)")
    p.add_argument("--runs", type=int, default=1, metavar="N",
                   help="end-to-end runs per scale; the median is the figure, the fastest is printed too (default 1)")
    p.add_argument("--province", action="store_true", help="also the province scale (5,000 files x 40 rows)")
    p.add_argument("--merge-sizes", default="10000,100000,1000000", type=_sizes,
                   help="rows for merge alone (default 10000,100000,1000000; none to skip)")
    p.add_argument("--profile", metavar="SCALE", help="also profile a whole in-process run of this scale")
    p.add_argument("--data", type=Path, default=ROOT / "bench-data", help="where inboxes and outputs go")
    p.add_argument("--config", type=Path, default=ROOT / "config.yaml", help="the standard to generate from")
    p.add_argument("--fresh", action="store_true", help="regenerate the inboxes even if present")
    p.add_argument("--hostile", action="store_true", help="only: peak memory of reading each hostile file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    scales = args.scales + ([SCALES["province"]] if args.province and SCALES["province"] not in args.scales else [])
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731 - progress, not results
    base = load_config(args.config)
    if args.hostile:
        print("\n".join(hostile_lines(args.data / "hostile", args.config)))
        return 0
    measures: list[Measure] = []
    for scale in scales:
        log(f"[{scale.name}] inbox: {scale.files} files x {scale.rows_per_file} rows")
        measures += measure_scale(prepare(scale, args.data, base, args.fresh), log, args.runs)
    if measures:
        print("\n".join(table_lines(measures)))
        print("\n" + "\n".join(end_to_end_lines(measures)))
    merges = []
    for n in args.merge_sizes:
        log(f"[merge] {n:,} rows")
        merges.append(measure_merge(n, base))
    if merges:
        print("\n" + "\n".join(merge_lines(merges)))
    print("\ntargets\n" + "\n".join(target_lines(measures, merges) or ["(no target applies to these scales)"]))
    if args.profile:
        log(f"[{args.profile}] profile")
        print("\n" + "\n".join(profile_run(prepare(parse_scale(args.profile), args.data, base))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
