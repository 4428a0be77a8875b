"""The performance benchmark (benchmarks/run.py): its output format on a tiny scale, the inbox it
generates, the in-memory rows it merges, and how it judges the targets. No timing is asserted."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.config import load_config
from pipeline.merge.match import merge_rows
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
NUMBER = r"[\d,]+(?:\.\d+)?"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One bench run: 3 files x 5 rows, merge alone at 500 and 1,000 rows."""
    data = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scales", "3x5", "--merge-sizes", "500,1000",
           "--data", str(data)]
    done = subprocess.run(cmd, cwd=data, capture_output=True, text=True, encoding="utf-8", timeout=120)
    return data, done


def test_the_command_prints_a_table_with_one_numeric_line_per_stage(tiny):
    _, done = tiny
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.match(r"scale\s+files\s+rows\s+stage\s+seconds\s+rows/s\s+peak RSS MB\s+x floor", lines[0])
    expected = ["floor (calamine)", "run (end to end)", *bench.STAGES, "up to ledger.csv"]
    for stage in expected:
        pattern = rf"3x5\s+3\s+15\s+{re.escape(stage)}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}$"
        assert [line for line in lines if re.match(pattern, line)], f"no numeric line for {stage}:\n{done.stdout}"
    assert "failed" not in done.stdout and "did not complete" not in done.stdout


def test_the_command_prints_the_week_end_to_end_in_one_plain_line(tiny):
    _, done = tiny
    assert re.search(rf"^3x5 week end to end \(python -m pipeline run, 3 files, 15 rows\): {NUMBER} s median, "
                     rf"{NUMBER} s fastest of 1 run\(s\); CPU {NUMBER} s median \(user \+ system\)", done.stdout, re.M)


def test_several_runs_give_the_median_and_the_fastest():
    m = bench.Measure("county", 35, 700, "run (end to end)", 2.5, 160.0, 0.1,
                      runs=[(2.5, 2.0), (3.5, 2.2), (2.25, 1.9)], load=1.5)
    line = bench.end_to_end_lines([m])[0]
    assert "2.50 s median, 2.25 s fastest of 3 run(s); CPU 2.00 s median (user + system)" in line
    assert "load average 1.5 on" in line


def test_the_command_prints_merge_growth_and_targets(tiny):
    _, done = tiny
    out = done.stdout
    assert re.search(rf"^\s+500\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+1\.00\s+{NUMBER}$", out, re.M)
    assert re.search(rf"^\s+1,000\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}$", out, re.M)
    assert re.search(r"^[✓✗] merge time per row 1,000 ÷ 500: ", out, re.M)


def test_the_inbox_is_generated_by_the_synthetic_generator_and_reused(tiny, config):
    data, _ = tiny
    inbox = data / "3x5" / "inbox"
    files = sorted(inbox.glob("*.xlsx"))
    assert len(files) == 3
    assert (data / "3x5" / "run" / "outbox" / "2026-W48" / "ledger.csv").is_file()
    before = {f: f.stat().st_mtime_ns for f in files}
    again = bench.prepare(bench.parse_scale("3x5"), data, config)
    assert (again.files, again.rows) == (3, 15)
    assert {f: f.stat().st_mtime_ns for f in files} == before


def test_fresh_regenerates_and_another_size_is_not_mistaken_for_the_cached_one(tmp_path, config):
    first = bench.prepare(bench.Scale("s", 2, 3), tmp_path, config)
    marker = tmp_path / "s" / "inbox" / "keep-me.txt"
    marker.write_text("x")
    bigger = bench.prepare(bench.Scale("s", 2, 4), tmp_path, config)
    assert (first.rows, bigger.rows) == (6, 8)
    assert not marker.exists()
    assert len(bench.read_floor(bigger.inputs()) and bigger.inputs()) == 2


def test_the_floor_reads_every_cell_of_every_sheet(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["a", "b", "c"])
    book.create_sheet("second").append([1, 2])
    book.save(tmp_path / "two.xlsx")
    assert bench.read_floor([tmp_path / "two.xlsx"]) == 5


def test_merge_rows_frame_is_clean_classified_rows_with_a_tenth_re_reported(config):
    rows = bench.merge_rows_frame(1000, config, seed=1)
    assert len(rows) == 1000
    for column in ["file", "sheet", "row", "department", "file_time", *config.column_keys,
                   "category_inferred", "category_reason"]:
        assert column in rows.columns
    codes = {c.code for c in config.categories}
    assert set(rows["category"]) <= codes
    assert set(rows["status"]) <= set(config.enums["status"].values)
    reporters = set(bench.RowMaker(config, 10, bench.random.Random(0)).reporters)
    assert rows["department"].isin(reporters).sum() == 100
    items = len(merge_rows(rows, bench.pd.DataFrame(), bench.pd.DataFrame(), config).items)
    assert 0.95 * 900 <= items <= 950  # the re-reports are recognisable as the same items


def test_company_names_are_distinct_per_index():
    rng = bench.random.Random(0)
    cores = {bench.company_name(k, rng).lstrip("郏县平顶山市").rstrip("有限责任公司") for k in range(5000)}
    assert len(cores) == 5000


def test_a_failing_stage_is_reported_and_the_stages_needing_it_skipped(tmp_path):
    prep = bench.Prepared(bench.Scale("x", 1, 1), tmp_path, tmp_path / "c.yaml", 1, 1)

    def broken() -> None:
        raise RuntimeError("boom")

    failed = bench._one_stage(prep, "merge", broken, 1.0, "")
    skipped = bench._one_stage(prep, "ledger+store", lambda: None, 1.0, "merge")
    assert failed.seconds is None and "boom" in failed.note
    assert skipped.seconds is None and "merge failed" in skipped.note
    lines = bench.table_lines([failed])
    assert re.match(r"x\s+1\s+1\s+merge\s+-\s+-\s+-\s+-$", lines[2]) and "boom" in lines[3]
    assert bench.up_to_ledger([failed]) is None


def _m(scale: str, stage: str, seconds: float, floor: float = 1.0, peak: float = 100.0, note: str = ""):
    return bench.Measure(scale, 1, 1, stage, seconds, peak, floor, note)


def test_targets_say_whether_and_by_how_much_they_are_missed():
    merges = [bench.MergeMeasure(10_000, 1.0, 9000, 10), bench.MergeMeasure(1_000_000, 250.0, 900_000, 10)]
    lines = bench.target_lines([_m("county", "run (end to end)", 4.5), _m("city", "up to ledger.csv", 2.5),
                                _m("province", "run (end to end)", 300, peak=5120.0)], merges)
    assert "✗ county run end to end, both reports: 4.50 s > 3 s (missed by 50%)" in lines
    assert "✓ city up to ledger.csv ÷ floor: 2.50x ≤ 3x" in lines
    assert "✓ province run: 300.00 s ≤ 600 s" in lines
    assert "✗ province run peak RSS: 5120.00 MB > 4096 MB (missed by 25%)" in lines
    assert "✗ merge time per row 1,000,000 ÷ 10,000: 2.50x > 2x (missed by 25%)" in lines
    assert "✗ province up to ledger.csv: not measured, a stage before it failed" in lines


def test_a_run_that_did_not_complete_misses_its_target_however_fast():
    lines = bench.target_lines([_m("county", "run (end to end)", 0.5, note="exit status 1")], [])
    assert lines == ["✗ county run end to end, both reports: the run did not complete (exit status 1)"]


def test_scales_and_merge_sizes_are_parsed():
    assert bench.parse_scale("city") == bench.Scale("city", 300, 200)
    assert bench.parse_scale("7x9") == bench.Scale("7x9", 7, 9)
    assert bench._sizes("10_000,100000") == [10_000, 100_000] and bench._sizes("none") == []
    for bad in ("town", "0x5", "3x"):
        with pytest.raises(Exception):
            bench.parse_scale(bad)
