"""The synthetic inbox generator and the committed sample inbox (examples/)."""
from __future__ import annotations

import importlib.util
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipeline.core.config import load_config
from pipeline.intake.files import list_inputs, read_inputs
from tests.synth import (USCC_CHARS, USCC_WEIGHTS, case_no_variant, company_variant, generate_inbox,
                            make_uscc, org_check_digit, spoil_uscc, synth_config, write_synth_config)
from pipeline.core.text import header_key
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


@pytest.fixture(scope="module")
def inbox(config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    return folder, generate_inbox(folder, config, departments=10, rows_per_file=30, seed=7, duplicate_share=0.2)


def sheet_rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def uscc_ok(code: str) -> bool:
    """GB 32100: the weighted sum of the 17 characters plus the check value is a multiple of 31."""
    values = [USCC_CHARS.index(c) for c in code]
    return len(code) == 18 and (sum(v * w for v, w in zip(values, USCC_WEIGHTS)) + values[17]) % 31 == 0


# --- credit codes ---

def test_made_credit_codes_pass_the_check_and_spoiled_ones_fail():
    rng = random.Random(3)
    codes = [make_uscc(rng) for _ in range(200)]
    assert all(uscc_ok(c) for c in codes)
    assert not any(uscc_ok(spoil_uscc(c)) for c in codes)
    assert all(c.startswith("91410425") for c in codes)


def test_organisation_code_check_digit_closes_the_mod_11_sum():
    rng = random.Random(5)
    for _ in range(200):
        body = "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(8))
        check = org_check_digit(body)
        value = 10 if check == "X" else int(check)
        total = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
        assert (total + value) % 11 == 0


def test_name_and_case_number_variants_differ_but_keep_the_core():
    def core(name: str) -> str:
        return name.removeprefix("郏县").removeprefix("平顶山市").replace("有限责任公司", "有限公司")

    rng = random.Random(1)
    for name in ("郏县鑫源建筑工程有限公司", "平顶山市恒达商贸有限责任公司", "宏图市政工程有限公司") * 5:
        variant = company_variant(name, rng)
        assert variant != name and core(variant) == core(name)
    assert case_no_variant("（2021）豫0425民初12号", rng) == "(2021)豫0425民初12号"
    assert {case_no_variant("（2021）豫0425执123号", rng) for _ in range(20)} == {
        "(2021)豫0425执123号", "（2021）豫0425执字第123号"}


# --- the generated inbox ---

def test_file_and_row_counts_match_the_request(inbox):
    folder, truth = inbox
    assert len(truth.files) == 10 == len(list(folder.glob("*.xlsx")))
    assert truth.rows == 300 == len(truth.labels)
    assert Counter(label.file for label in truth.labels) == {f: 30 for f in truth.files}


def test_every_labelled_row_is_a_data_row_in_its_workbook(inbox, config):
    folder, truth = inbox
    company = config.column("company").name
    for file in truth.files:
        grid = sheet_rows(folder / file)
        rows = [label.row for label in truth.labels if label.file == file]
        assert all(grid[r - 1][0] not in ("", None) for r in rows)  # 序号 filled on every data row
        assert len(grid) == max(rows)  # nothing written below the last data row
        assert any(company in str(cell) or "企业" in str(cell) for row in grid[:4] for cell in row)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(config, tmp_path):
    first = generate_inbox(tmp_path / "a", config, 5, 8, seed=11)
    generate_inbox(tmp_path / "b", config, 5, 8, seed=11)
    generate_inbox(tmp_path / "c", config, 5, 8, seed=12)
    for name in first.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert any((tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes() for n in first.files)


def test_messy_inbox_has_every_shape(inbox, config):
    folder, truth = inbox
    assert set(truth.shapes.values()) == {"plain", "template", "synonyms", "merged_owner"}
    shape_of = {shape: name for name, shape in truth.shapes.items()}
    assert _title_and_grouped_header(folder / shape_of["template"], config)
    assert _owner_merged_vertically(folder / shape_of["merged_owner"], config)
    assert _amounts_in_yuan(folder / shape_of["synonyms"], config)


def _title_and_grouped_header(path: Path, config) -> bool:
    sheet = openpyxl.load_workbook(path).active
    group = config.raw["header_groups"][0]["name"]
    merged = [str(r) for r in sheet.merged_cells.ranges]
    return sheet["A1"].value == config.ledger.title and any(
        sheet.cell(r.min_row, r.min_col).value == group and r.max_col > r.min_col for r in sheet.merged_cells.ranges
    ) and str(sheet["A2"].value).startswith("填报单位：") and len(merged) > 3


def _owner_merged_vertically(path: Path, config) -> bool:
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[3]]
    col = header.index(config.column("owner_unit").name) + 1
    return any(r.min_col == col == r.max_col and r.max_row > r.min_row > 4 for r in sheet.merged_cells.ranges)


def _amounts_in_yuan(path: Path, config) -> bool:
    grid = sheet_rows(path)
    header = [header_key(str(c)) for c in grid[2]]
    amount = header.index(header_key(config.column("amount").name))
    return "元" in grid[2][amount] and "万元" not in grid[2][amount] and all(
        isinstance(row[amount], float) and row[amount] >= 30000 for row in grid[3:])


def test_synonym_headers_come_from_the_config(inbox, config):
    folder, truth = inbox
    name = next(n for n, s in truth.shapes.items() if s == "synonyms")
    known = {header_key(t): c.key for c in config.columns for t in (c.name, *c.synonyms)}
    headers = [header_key(str(c)) for c in sheet_rows(folder / name)[2]]
    assert all(h in known for h in headers)
    assert any(h != header_key(config.column(known[h]).name) for h in headers)  # at least one synonym used


def test_clean_inbox_uses_the_standard_header_on_row_one(config, tmp_path):
    truth = generate_inbox(tmp_path, config, 3, 4, seed=2, messy=False)
    names = [c.name for c in config.columns if c.key != "item_id"]
    assert set(truth.shapes.values()) == {"plain"}
    for file in truth.files:
        assert sheet_rows(tmp_path / file)[0] == names


def test_duplicate_share_is_roughly_as_requested(config, tmp_path):
    for share in (0.0, 0.1, 0.3):
        truth = generate_inbox(tmp_path / str(share), config, 12, 25, seed=4, duplicate_share=share)
        assert abs((truth.rows - truth.items) / truth.rows - share) <= 0.02
        assert (len(truth.pairs) == 0) == (share == 0.0)


def test_duplicates_span_departments_with_reworded_names_and_case_numbers(inbox, config):
    folder, truth = inbox
    rows = _values_by_label(folder, truth, config)
    groups = defaultdict(list)
    for label in truth.labels:
        groups[label.true_item].append(label)
    multi = [g for g in groups.values() if len(g) > 1]
    assert multi
    for group in multi:
        assert len({label.department for label in group}) == len(group)  # each re-report is another department
        values = [rows[(label.file, label.row)] for label in group]
        assert len({v["company"] for v in values}) > 1
        assert len({v["description"] for v in values}) > 1
    court = config.merge.court_department
    court_dups = [l for l in truth.labels if l.department == court and l.duplicate]
    assert court_dups and all(config.category(l.category).kind == "case" for l in court_dups)


def _values_by_label(folder: Path, truth, config) -> dict:
    """Each labelled row's cells by column key, reading the header just above the data."""
    keys = {header_key(t): c.key for c in config.columns for t in (c.name, *c.synonyms)}
    out = {}
    for file in truth.files:
        grid = sheet_rows(folder / file)
        first = min(l.row for l in truth.labels if l.file == file) - 1
        lower, upper = grid[first - 1], grid[first - 2] if first >= 2 else grid[first - 1]
        header = [keys.get(header_key(str(lo or up))) for lo, up in zip(lower, upper)]
        for label in (l for l in truth.labels if l.file == file):
            out[(file, label.row)] = dict(zip(header, grid[label.row - 1]))
    return out


def test_intake_reads_exactly_the_labelled_rows(inbox, config):
    folder, truth = inbox
    intake = read_inputs(list_inputs([folder]), config)
    read = {(r.file, int(r.row), r.department) for r in intake.rows.itertuples()}
    assert read == {(l.file, l.row, l.department) for l in truth.labels}


def test_invented_departments_are_returned_and_join_the_registry(config, tmp_path):
    count = len(config.departments) + 3
    truth = generate_inbox(tmp_path / "inbox", config, count, 2, seed=1)
    assert len(truth.departments) == count == len(set(truth.departments))
    assert len(truth.extra_departments) == 3
    assert all(config.department(n) is None for n in truth.extra_departments)
    extended = synth_config(config, truth.departments)
    assert all(extended.department(n) == n for n in truth.departments)
    written = load_config(write_synth_config(config, truth.departments, tmp_path / "config.yaml"))
    assert written.department_names == extended.department_names


# --- the committed sample inbox ---

def _examples_module():
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "tools" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_examples(config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("examples")
    _examples_module().build(folder, config)
    return folder


def test_committed_examples_are_what_the_script_writes(built_examples):
    committed = {p.name: p for p in (ROOT / "examples").iterdir() if p.suffix in (".xlsx", ".csv")}
    built = {p.name: p for p in built_examples.iterdir() if p.suffix in (".xlsx", ".csv")}
    assert len(built) >= 14 and built.keys() == committed.keys()
    assert all(built[n].read_bytes() == committed[n].read_bytes() for n in built)
    assert sum(p.stat().st_size for p in (ROOT / "examples").iterdir()) < 1_000_000


def test_examples_dispositions_match_the_readme(built_examples, config):
    files = {f.name: f for f in read_inputs(list_inputs([built_examples]), config).files}
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in files)
    disposition = {name: f.disposition for name, f in files.items()}
    assert disposition["县财政局台账.xlsx"] == "superseded"
    assert disposition["县财政局台账（更新）.xlsx"] == "processed"
    assert disposition["县住房和城乡建设局台账.xlsx"] == "duplicate"
    assert {n for n, d in disposition.items() if d == "zero_report"} == {"县教育体育局台账.xlsx", "县卫生健康委员会台账.xlsx"}
    assert {n for n, d in disposition.items() if d == "rejected"} == {
        "县气象局台账.xlsx", "县司法局台账.xlsx", "县城市管理局台账.xlsx", "县文化广电和旅游局台账.xlsx"}
    assert files["薛店镇台账.xlsx"].department == config.department("薛店镇")
    assert len({f.department for f in files.values() if f.department}) >= 14


def test_examples_credit_codes_are_valid_except_the_deliberate_one(config):
    name = config.column("uscc").name
    codes = []
    for path in (ROOT / "examples").glob("*.xls*"):
        try:
            grid = sheet_rows(path)
        except Exception:  # the deliberately broken files
            continue
        for i, row in enumerate(grid):
            if name in row:
                codes += [str(r[row.index(name)]) for r in grid[i + 1:] if len(str(r[row.index(name)])) == 18]
    assert len(codes) >= 20
    assert sum(not uscc_ok(c) for c in codes) == 1
