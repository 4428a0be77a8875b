"""The unattended weekly run survives being killed, hostile inboxes and archiving, through the real command.

Kill tests start the real `run` command as a child through tests/stall.py <stage> (it wraps the function at that
stage boundary, so the run logs that it reached the stage and waits for a line on stdin), SIGKILL it there,
check what it left behind, then run again and compare with a run that was never interrupted.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.outputs.feedback import feedback_name
from pipeline.runtime.lock import run_lock
from pipeline.store import Store
from tests.synth import generate_inbox
from pipeline.runtime.workspace import RunFolder, previous_folders
from tests.ledgerfiles import write_ledger
from tests.test_intake import HEADER, encrypted_package, rewrite_part, rows_of, word_document, write_csv
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
W47, W48 = "2026-11-19", "2026-11-26"
P47, P48 = "2026-W47", "2026-W48"
EXCEL_MAX = 32767
MARK = "测试暂停点"


# --- an office of its own: config copy, inbox, outbox, database ---------------------------------

def make_office(base: Path, archive: bool = False, **intake) -> Path:
    """A config copy whose every path lies under `base` (archive, quarantine and logs too)."""
    raw = yaml.safe_load((config_path()).read_text(encoding="utf-8"))
    raw["paths"] = {"inbox": "inbox", "outbox": "outbox", "database": "ledger.sqlite", "archive": "archive",
                    "quarantine": "quarantine", "corrections": "corrections", "logs": "logs"}
    raw["run"] = {**raw["run"], "archive_inbox": archive}
    raw["intake"] = {**raw["intake"], **intake}
    (base / "inbox").mkdir(parents=True, exist_ok=True)
    (base / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return base


def cli_args(base: Path, as_of: str, db: str = "ledger.sqlite") -> list[str]:
    return ["run", "--config", str(base / "config.yaml"), "--inbox", str(base / "inbox"),
            "--outbox", str(base / "outbox"), "--db", str(base / db), "--as-of", as_of]


def run(base: Path, as_of: str) -> int:
    return main(cli_args(base, as_of))


def start_stalled(base: Path, as_of: str, stage: str, db: str = "ledger.sqlite") -> subprocess.Popen:
    """The real command in a child process, returned once it has reached `stage` and is waiting there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "stall.py"), stage, *cli_args(base, as_of, db)],
                             cwd=ROOT, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8")
    watchdog = threading.Timer(120, child.kill)  # a hung child must not hang the test session
    watchdog.start()
    seen = []
    for line in child.stderr:
        seen.append(line)
        if MARK in line:
            break
    watchdog.cancel()
    assert MARK in "".join(seen), f"the run never reached {stage}: {''.join(seen)[-2000:]}"
    return child


def kill(child: subprocess.Popen) -> None:
    child.kill()  # SIGKILL on POSIX: no handler, no cleanup, like a power cut for the process
    child.wait()
    child.stderr.close()
    child.stdin.close()


def tree(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under a folder (empty when it does not exist)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def db_dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)  # a hot journal left by a killed writer is rolled back on this first read
    try:
        return list(db.iterdump())
    finally:
        db.close()


def snapshot(base: Path, period: str):
    with Store(base / "ledger.sqlite") as store:
        return store.periods(), store.snapshot(period)


def manifest(base: Path, period: str) -> dict:
    return json.loads((base / "outbox" / period / "run.json").read_text(encoding="utf-8"))


def ledger_bytes(base: Path, period: str) -> bytes:
    return (base / "outbox" / period / "ledger.csv").read_bytes()


def leftovers(base: Path) -> list[Path]:
    return list((base / "outbox").glob(".*.partial"))


def lock_is_free(base: Path) -> bool:
    with run_lock(base / "ledger.sqlite.lock", wait_seconds=0):
        return True


# --- kill tests ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """A synthetic inbox (8 ledgers, 240 rows): week 47 reads five of them, week 48 all eight.
    Returns the office state right after week 47, and the reference week-48 results of an
    uninterrupted run."""
    root = tmp_path_factory.mktemp("weeks")
    config = load_config(config_path())
    synth = root / "synth"
    generate_inbox(synth, config, departments=8, rows_per_file=30, seed=7)
    files = sorted(synth.iterdir())
    reference = make_office(root / "reference", archive=True)
    for f in files[:5]:
        shutil.copy2(f, reference / "inbox" / f.name)
    assert run(reference, W47) == 0
    after_w47 = root / "after-w47"
    shutil.copytree(reference, after_w47)
    for f in files:
        shutil.copy2(f, reference / "inbox" / f.name)
    assert run(reference, W48) == 0
    return {"after_w47": after_w47, "files": files, "ledger": ledger_bytes(reference, P48),
            "snapshot": snapshot(reference, P48)[1], "manifest": manifest(reference, P48)}


def week48_office(weeks, tmp_path: Path) -> Path:
    base = tmp_path / "office"
    shutil.copytree(weeks["after_w47"], base)
    for f in weeks["files"]:
        shutil.copy2(f, base / "inbox" / f.name)
    return base


@pytest.mark.parametrize("stage", ["intake", "merge", "outputs"])
def test_a_run_killed_before_the_commit_changes_nothing(weeks, tmp_path, stage):
    base = week48_office(weeks, tmp_path)
    before = {"w47": tree(base / "outbox" / P47), "db": db_dump(base / "ledger.sqlite"), "inbox": tree(base / "inbox")}
    kill(start_stalled(base, W48, stage))
    assert tree(base / "outbox" / P47) == before["w47"]
    assert db_dump(base / "ledger.sqlite") == before["db"]
    assert tree(base / "inbox") == before["inbox"] and not (base / "archive" / P48).exists()
    assert not (base / "outbox" / P48).exists()
    assert bool(leftovers(base)) == (stage != "intake")  # the .partial folder is made just before the transaction
    assert lock_is_free(base)
    resume_and_compare(base, weeks, before["w47"])


@pytest.mark.parametrize("stage", ["commit", "archive"])
def test_a_run_killed_after_the_commit_is_consistent(weeks, tmp_path, stage):
    base = week48_office(weeks, tmp_path)
    w47, inbox = tree(base / "outbox" / P47), tree(base / "inbox")
    kill(start_stalled(base, W48, stage))
    periods, saved = snapshot(base, P48)
    assert periods == [P47, P48]
    assert saved.equals(weeks["snapshot"])  # the database holds exactly what an uninterrupted run saves
    assert tree(base / "outbox" / P47) == w47
    if stage == "commit":  # the folder swap never happened: last week's results stand, inputs untouched
        assert not (base / "outbox" / P48).exists() and tree(base / "inbox") == inbox
    else:  # swapped, and archiving stopped half way: every input is in exactly one of the two places
        assert ledger_bytes(base, P48) == weeks["ledger"]
        moved = tree(base / "archive" / P48)
        assert moved and Counter(moved.values()) + Counter(tree(base / "inbox").values()) == Counter(inbox.values())
    assert lock_is_free(base)
    resume_and_compare(base, weeks, w47)


def resume_and_compare(base: Path, weeks, w47: dict) -> None:
    """The next normal run cleans up and gives the same results as a run never interrupted."""
    assert run(base, W48) == 0
    assert not leftovers(base)
    assert ledger_bytes(base, P48) == weeks["ledger"]
    assert manifest(base, P48)["totals"] == weeks["manifest"]["totals"]
    assert tree(base / "outbox" / P47) == w47
    assert not list((base / "inbox").iterdir())
    assert sorted(tree(base / "archive" / P48)) == sorted(f.name for f in weeks["files"])


def test_a_killed_run_leftover_is_removed_even_when_the_next_start_fails(weeks, tmp_path):
    base = week48_office(weeks, tmp_path)
    kill(start_stalled(base, W48, "outputs"))
    assert leftovers(base)
    assert run(base, "2026-11-12") == 2  # refused: earlier than week 47; the half-written folder is gone all the same
    assert not leftovers(base)


# --- the run folder swap keeps three previous folders ------------------------------------------------

def test_two_runs_with_different_databases_and_one_outbox_cannot_interleave(weeks, tmp_path, capsys):
    """The second run would remove the first one's half-written folder: the outbox is locked as well."""
    base = make_office(tmp_path / "office")
    for f in weeks["files"]:
        shutil.copy2(f, base / "inbox" / f.name)
    child = start_stalled(base, W48, "outputs")  # ledger.csv written into outbox/.2026-W48.partial
    try:
        assert main(cli_args(base, W48, db="other.sqlite")) == 1
        assert "另一次运行正在进行" in capsys.readouterr().err
    finally:
        child.communicate("\n", timeout=120)
    assert child.returncode == 0
    made = {p.name for p in (base / "outbox" / P48).iterdir()}
    assert {"run.json", "ledger.csv", "rejected.csv", "feedback"} <= made and len(made) == 6, made
    assert manifest(base, P48)["totals"]["rows_read"] == 240
    assert main(cli_args(base, W48, db="other.sqlite")) == 1  # and a new database beside that history is refused


def test_commit_keeps_only_the_newest_previous_folders(tmp_path):
    final = tmp_path / "outbox" / P48
    for n in range(6):
        folder = RunFolder(final, keep_previous=3)
        (folder.tmp / "run.txt").write_text(str(n), encoding="utf-8")
        folder.commit()
    kept = previous_folders(final)
    assert [p.name.startswith(f".{P48}.previous-") for p in kept] == [True] * 3
    assert [(p / "run.txt").read_text(encoding="utf-8") for p in kept] == ["2", "3", "4"]
    assert (final / "run.txt").read_text(encoding="utf-8") == "5"


def test_reruns_of_a_period_keep_the_last_three_previous_folders(tmp_path):
    base = make_office(tmp_path / "office")
    config = load_config(base / "config.yaml")
    write_ledger(base / "inbox" / "住建局.xlsx", config, "县住房和城乡建设局", [GOOD_ROWS[0]], date(2026, 11, 25))
    for _ in range(5):
        assert run(base, W48) == 0
    kept = previous_folders(base / "outbox" / P48)
    assert len(kept) == 3
    assert {(p / "ledger.csv").read_bytes() for p in kept} == {ledger_bytes(base, P48)}


# --- a hostile inbox ---------------------------------------------------------------------------

GOOD_ROWS = [
    {"category": "B1", "company": "郏县恒达商贸有限公司", "description": "县城区道路改造工程竣工验收后，工程尾款86万元至今未支付",
     "amount": 86, "status": "整改中", "deadline": date(2026, 12, 31)},
    {"category": "B5", "company": "郏县绿源农业开发有限公司", "description": "因财政资金紧张，农业产业园基础设施补助资金未拨付到位",
     "amount": 40, "status": "未启动"},
]
LONG = "长" * 99_999 + "尾"
LINE_OF = "填报单位：{}  填报人：测试  联系电话：0375-5000000  填报日期：2026年11月25日"


def xfd_ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [[LINE_OF.format("县交通运输局")], HEADER, *rows_of(3, start=100)]:
        ws.append(row)
    ws["XFD1"] = "最右边"
    wb.save(path)
    return path


def formatted_rows_ledger(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("台账")
    border = wb.add_format({"border": 1})
    ws.write_row(0, 0, [LINE_OF.format("县财政局")])
    ws.write_row(1, 0, HEADER)
    ws.write_row(2, 0, rows_of(1, start=200)[0])
    for r in range(3, 200_003):
        ws.write_blank(r, 1, None, border)
    wb.close()
    return path


def long_cell_ledger(path: Path, config) -> Path:
    write_ledger(path, config, "县商务局", [{"category": "B1", "company": "郏县长文实业有限公司",
                                          "description": "PLACEHOLDER", "status": "整改中"}], date(2026, 11, 25))
    # XlsxWriter (like Excel) stops at 32,767 characters, so the long text is planted in the XML
    rewrite_part(path, "xl/sharedStrings.xml", lambda xml: xml.replace(b"PLACEHOLDER", LONG.encode()))
    return path


def macro_ledger(path: Path, tmp: Path) -> Path:
    vba = tmp / "vbaProject.bin"
    vba.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"Sub Workbook_Open()\r\nShell \"calc.exe\"\r\nEnd Sub" * 8)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    for r, row in enumerate([[LINE_OF.format("县工业和信息化局")], HEADER, *rows_of(2, start=400)]):
        ws.write_row(r, 0, row)
    wb.add_vba_project(str(vba))
    wb.close()
    assert "xl/vbaProject.bin" in zipfile.ZipFile(path).namelist()
    return path


def zip_bomb(path: Path, config) -> Path:
    write_ledger(path, config, "县司法局", GOOD_ROWS, date(2026, 11, 25))
    rewrite_part(path, "xl/worksheets/sheet1.xml",
                 lambda xml: xml.replace(b"</worksheet>", b" " * (30 * 1024 * 1024) + b"</worksheet>"))
    assert path.stat().st_size < 200_000
    return path


def entity_bomb(path: Path, config) -> Path:
    write_ledger(path, config, "县信访局", GOOD_ROWS, date(2026, 11, 25))
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    return rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: bomb + xml.split(b"?>", 1)[-1])


REJECTED = {"损坏的压缩包.xlsx": "损坏", "台账（Word）.xlsx": "Word", "扫描件.xlsx": "PDF", "加密台账.xlsx": "密码",
            "压缩炸弹.xlsx": "解压后超过 20 MB", "实体炸弹.xlsx": "ENTITY"}
PROCESSED = {"住建局.xlsx": 2, "水利局.xlsx": 2, "宏.xlsm": 2, "交通局XFD.xlsx": 3, "财政局格式行.xlsx": 1,
             "商务局长文本.xlsx": 1, "自然资源局UTF16.csv": 2}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = make_office(tmp_path_factory.mktemp("hostile") / "office", max_unzipped_mb=20)
    config = load_config(base / "config.yaml")
    inbox = base / "inbox"
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 25))
    write_ledger(inbox / "水利局.xlsx", config, "县水利局",
                 [{**r, "company": r["company"].replace("郏县", "郏县水利")} for r in GOOD_ROWS], date(2026, 11, 25))
    (inbox / "损坏的压缩包.xlsx").write_bytes(b"PK\x03\x04\x14\x00" + hashlib.sha512(b"x").digest() * 4)
    word_document(inbox / "台账（Word）.xlsx")
    (inbox / "扫描件.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n")
    encrypted_package(inbox / "加密台账.xlsx")
    zip_bomb(inbox / "压缩炸弹.xlsx", config)
    entity_bomb(inbox / "实体炸弹.xlsx", config)
    macro_ledger(inbox / "宏.xlsm", tmp_path_factory.mktemp("vba"))
    xfd_ledger(inbox / "交通局XFD.xlsx")
    formatted_rows_ledger(inbox / "财政局格式行.xlsx")
    long_cell_ledger(inbox / "商务局长文本.xlsx", config)
    write_csv(inbox / "自然资源局UTF16.csv", [[LINE_OF.format("县自然资源局")], HEADER, *rows_of(2, start=300)], "utf-16")
    before = tree(inbox)
    code = run(base, W48)
    return {"base": base, "code": code, "inbox_before": before, "run": manifest(base, P48) if code == 0 else None}


def test_hostile_inbox_completes_and_gives_every_file_a_disposition(hostile):
    assert hostile["code"] == 0
    files = {f["name"]: f for f in hostile["run"]["files"]}
    assert set(files) == set(REJECTED) | set(PROCESSED)
    for name, words in REJECTED.items():
        assert files[name]["disposition"] == "rejected" and words in files[name]["reason"], files[name]
        assert files[name]["rows_read"] == 0
    for name, rows in PROCESSED.items():
        assert (files[name]["disposition"], files[name]["rows_read"]) == ("processed", rows), files[name]
    t = hostile["run"]["totals"]
    assert t["rows_read"] == sum(PROCESSED.values()) == t["rows_accepted"] + t["rows_rejected"]
    assert tree(hostile["base"] / "inbox") == hostile["inbox_before"]  # archiving off: inputs never touched


def test_hostile_inbox_dispositions_are_in_the_summary_workbook(hostile):
    base, summary = hostile["base"], hostile["run"]
    sheet = read_sheet(base / "outbox" / P48 / summary["outputs"]["summary_xlsx"], "报送情况")
    head = next(i for i, row in enumerate(sheet) if "文件" in row and "处理结果" in row)
    cols = {name: sheet[head].index(name) for name in ("文件", "处理结果", "原因")}
    shown = {row[cols["文件"]]: row for row in sheet[head + 1:] if row[cols["文件"]]}
    for entry in summary["files"]:
        row = shown[entry["name"]]
        if entry["name"] in REJECTED:
            assert row[cols["处理结果"]] == "退回" and row[cols["原因"]] == entry["reason"]
        else:
            assert row[cols["处理结果"]] == "已处理"


def test_a_cell_of_100000_characters_is_whole_in_the_database_and_csv_and_cut_in_workbooks(hostile):
    base = hostile["base"]
    _, saved = snapshot(base, P48)
    assert LONG in set(saved["description"])
    with open(base / "outbox" / P48 / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        assert LONG in {r["description"] for r in csv.DictReader(fh)}
    summary = read_sheet(base / "outbox" / P48 / hostile["run"]["outputs"]["summary_xlsx"], "总台账")
    feedback = read_sheet(base / "outbox" / P48 / "feedback" / f"{feedback_name('县商务局', '')}.xlsx")
    for cells in (summary, feedback):
        cut = [v for row in cells for v in row if isinstance(v, str) and v.startswith("长" * 1000)]
        assert len(cut) == 1 and len(cut[0]) == EXCEL_MAX and "已截断" in cut[0]
        assert cut[0].startswith(LONG[: EXCEL_MAX - 100])


def read_sheet(path: Path, name: str | None = None) -> list[list]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[name] if name else wb.worksheets[-1]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def test_an_empty_inbox_and_an_all_rejected_inbox_stop_without_a_period(tmp_path, capsys):
    base = make_office(tmp_path / "office")
    assert run(base, W47) == 1
    (base / "inbox" / "扫描件.xlsx").write_bytes(b"%PDF-1.4\n")
    assert run(base, W48) == 1
    assert "本期未生成通报" in capsys.readouterr().err
    assert not (base / "outbox" / P47).exists() and not (base / "outbox" / P48).exists()
    assert (base / "inbox" / "扫描件.xlsx").exists()


# --- archiving ---------------------------------------------------------------------------------

def archiving_inbox(base: Path) -> dict[str, str]:
    """One input of every disposition; returns name -> expected disposition."""
    config = load_config(base / "config.yaml")
    inbox = base / "inbox"
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 25))
    shutil.copy2(inbox / "住建局.xlsx", inbox / "住建局（重发）.xlsx")
    os.utime(inbox / "住建局.xlsx", (1_700_000_000, 1_700_000_000))
    write_ledger(inbox / "水利局-初稿.xlsx", config, "县水利局", GOOD_ROWS[:1], date(2026, 11, 20))
    write_ledger(inbox / "水利局-定稿.xlsx", config, "县水利局", GOOD_ROWS[1:], date(2026, 11, 25))
    write_ledger(inbox / "财政局.xlsx", config, "县财政局", [{"company": "经排查无相关问题"}], date(2026, 11, 25))
    (inbox / "扫描件.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    openpyxl.Workbook().save(inbox / "新建 Microsoft Excel 工作表.xlsx")
    return {"住建局.xlsx": "duplicate", "住建局（重发）.xlsx": "processed", "水利局-初稿.xlsx": "superseded",
            "水利局-定稿.xlsx": "processed", "财政局.xlsx": "zero_report", "扫描件.xlsx": "rejected",
            "新建 Microsoft Excel 工作表.xlsx": "ignored"}


def test_archiving_moves_each_input_once_and_deletes_nothing(tmp_path):
    base = make_office(tmp_path / "office", archive=True)
    expected = archiving_inbox(base)
    before = tree(base / "inbox")
    assert run(base, W48) == 0
    first = manifest(base, P48)
    assert {f["name"]: f["disposition"] for f in first["files"]} == expected
    assert not list((base / "inbox").iterdir())
    archived, quarantined = tree(base / "archive" / P48), tree(base / "quarantine" / P48)
    assert set(archived) == {n for n, d in expected.items() if d != "rejected"}
    assert set(quarantined) == {"扫描件.xlsx", "扫描件.xlsx.原因.txt"}
    reason = (base / "quarantine" / P48 / "扫描件.xlsx.原因.txt").read_text(encoding="utf-8")
    assert next(f["reason"] for f in first["files"] if f["name"] == "扫描件.xlsx") in reason
    inputs_now = {**archived, **{k: v for k, v in quarantined.items() if not k.endswith(".原因.txt")}}
    assert inputs_now == before  # same names, same bytes: nothing lost, nothing altered
    ledger = ledger_bytes(base, P48)
    assert run(base, W48) == 0  # the rerun reads the archived and quarantined files again
    assert ledger_bytes(base, P48) == ledger
    assert by_name(manifest(base, P48)["files"]) == by_name(first["files"])
    assert tree(base / "archive" / P48) == archived and tree(base / "quarantine" / P48) == quarantined


def by_name(files: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in files}


def test_files_arriving_during_a_run_stay_in_the_inbox(tmp_path):
    base = make_office(tmp_path / "office", archive=True)
    config = load_config(base / "config.yaml")
    inbox = base / "inbox"
    write_ledger(inbox / "住建局.xlsx", config, "县住房和城乡建设局", GOOD_ROWS, date(2026, 11, 25))
    write_ledger(inbox / "水利局.xlsx", config, "县水利局", GOOD_ROWS[:1], date(2026, 11, 25))
    child = start_stalled(base, W48, "intake")  # the run has listed and read its files
    write_ledger(inbox / "交通局.xlsx", config, "县交通运输局", GOOD_ROWS[1:], date(2026, 11, 26))
    write_ledger(inbox / "水利局.xlsx", config, "县水利局", GOOD_ROWS, date(2026, 11, 26))  # a new version
    newer = tree(inbox)
    child.communicate("\n", timeout=120)
    assert child.returncode == 0
    assert {f["name"] for f in manifest(base, P48)["files"]} == {"住建局.xlsx", "水利局.xlsx"}
    assert set(tree(base / "archive" / P48)) == {"住建局.xlsx"}
    assert tree(inbox) == {k: newer[k] for k in ("交通局.xlsx", "水利局.xlsx")}
    assert run(base, W48) == 0  # the next run takes them, with the archived file of the period
    assert {f["name"]: f["rows_read"] for f in manifest(base, P48)["files"]} == {
        "住建局.xlsx": 2, "水利局.xlsx": 2, "交通局.xlsx": 1}
    assert not list(inbox.iterdir())


def test_with_archiving_off_the_inbox_is_untouched(tmp_path):
    base = make_office(tmp_path / "office")
    archiving_inbox(base)
    stats = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (base / "inbox").iterdir()}
    assert run(base, W48) == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (base / "inbox").iterdir()} == stats
    assert not (base / "archive").exists() and not (base / "quarantine").exists()
