"""The standard ledger template, read back with openpyxl: layout, dropdowns, checks, protection."""
import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.intake.files import read_file
from pipeline.template import (DATE_MAX, DATE_MIN, GUIDE_SHEET, LISTS_SHEET, VALIDATION_ROWS, default_name,
                               write_template)
from tests.ledgerfiles import write_book
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
RANGE = re.compile(r"^=?'?(?P<sheet>[^'!]+)'?!\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+):\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+)$")


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


@pytest.fixture(scope="module")
def blank(config, tmp_path_factory):
    path = write_template(tmp_path_factory.mktemp("tpl") / "blank.xlsx", config)
    return openpyxl.load_workbook(path)


def sheet(wb, config):
    return wb[config.ledger.sheet_name]


def items_frame(n: int = 2) -> pd.DataFrame:
    rows = [{"item_id": "JX-2026-0001", "category": "A1", "company": "郏县某建筑工程有限公司",
             "uscc": "91410425MA3X00000X", "company_type": "中小企业", "sector": "住建", "source": "法院",
             "description": "政府作为被执行人未履行生效判决", "case_no": "（2021）豫0425执123号",
             "court": "郏县人民法院", "amount": 125.5, "occurred_on": date(2021, 3, 2),
             "owner_unit": "县住房和城乡建设局", "owner_person": "张三", "approach": "一企一议",
             "measures": "分期支付", "deadline": date(2021, 12, 31), "status": "整改中", "paid": 20.0,
             "closed_on": None, "note": "=1+1", "category_inferred": False, "departments": "县住房和城乡建设局"},
            {"item_id": "JX-2026-0002", "category": "B5", "company": "平顶山某公司", "uscc": "",
             "company_type": "其他", "sector": "非工程建设", "source": "部门自查", "description": "财政资金紧张",
             "case_no": "", "court": "", "amount": float("nan"), "occurred_on": None, "owner_unit": "",
             "owner_person": "", "approach": "", "measures": "", "deadline": None, "status": "已办结",
             "paid": float("nan"), "closed_on": date(2022, 1, 5), "note": pd.NA}]
    extra = [{**rows[1], "item_id": f"JX-2026-{i:04d}"} for i in range(3, n + 1)]
    return pd.DataFrame((rows + extra)[:n])


def header_name(ws, config, col: int) -> str:
    """The text of a column's own header cell (row 4 under a group parent, else row 3)."""
    lower, upper = ws.cell(4, col).value, ws.cell(3, col).value
    return str(lower or upper).lstrip("*")


def grouped_keys(config) -> dict[str, str]:
    return {k: g["name"] for g in config.header_groups for k in g["columns"]}


def validations(ws, filler: bool = False):
    """(validation, 1-based column, first row, last row) for every data validation of the columns
    (header and data rows); with `filler`, those of the 填报单位 row (row 2) instead."""
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if (rng.min_row == 2) == filler:
                yield dv, rng.min_col, rng.min_row, rng.max_row


def resolve(wb, formula: str) -> list[str]:
    m = RANGE.match(formula)
    assert m, f"not a range reference: {formula}"
    cells = wb[m["sheet"]][f"{m['c1']}{m['r1']}:{m['c2']}{m['r2']}"]
    return [row[0].value for row in cells]


# --- title, line and header ---------------------------------------------------------------------

def test_title_spans_all_columns(blank, config):
    ws, last = sheet(blank, config), get_column_letter(len(config.columns))
    assert ws["A1"].value == config.ledger.title
    assert ws["A1"].font.b and ws["A1"].font.sz >= 14
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}


def filler(ws) -> dict[str, object]:
    """Row 2 as label → its value cell: the cell right after the label's (possibly merged) cell."""
    ends = {r.min_col: r.max_col for r in ws.merged_cells.ranges if r.min_row == 2}
    return {str(c.value).rstrip("："): ws.cell(2, ends.get(c.column, c.column) + 1)
            for c in ws[2] if isinstance(c.value, str) and c.value.endswith("：")}


def test_the_filler_row_has_a_cell_per_field(blank, config):
    ws = sheet(blank, config)
    values = filler(ws)
    assert list(values) == ["填报单位", "填报人", "联系电话", "填报日期"]
    assert all(c.value in (None, "") and not c.protection.locked for c in values.values())
    assert all(ws.cell(2, c.column - 1).protection.locked or ws.cell(2, c.column - 1).value is None
               for c in values.values())
    assert values["填报日期"].number_format == "yyyy-mm-dd"
    merged = {str(r) for r in ws.merged_cells.ranges}
    department = next(r for r in merged if r.startswith(values["填报单位"].coordinate + ":"))
    assert ws[department.split(":")[1]].column - values["填报单位"].column >= 1  # wide enough for a long name


def test_department_is_a_dropdown_of_the_registry_and_the_date_a_date_check(blank, config):
    ws = sheet(blank, config)
    values = filler(ws)
    found = {col: dv for dv, col, *_ in validations(ws, filler=True)}
    dept, day = found[values["填报单位"].column], found[values["填报日期"].column]
    assert dept.type == "list" and resolve(blank, dept.formula1) == config.department_names
    assert dept.errorStyle in (None, "stop") and dept.showErrorMessage and "信用办" in dept.error
    assert day.type == "date" and (float(day.formula1), float(day.formula2)) == (to_excel(DATE_MIN), to_excel(DATE_MAX))
    assert set(found) == {values["填报单位"].column, values["填报日期"].column}


def test_every_config_column_in_order_on_the_header(blank, config):
    ws = sheet(blank, config)
    names = [header_name(ws, config, i) for i in range(1, len(config.columns) + 1)]
    assert names == [c.name for c in config.columns]
    assert ws.cell(3, len(config.columns) + 1).value is None


def test_group_parent_spans_its_children_and_other_headers_span_two_rows(blank, config):
    ws, groups = sheet(blank, config), grouped_keys(config)
    merged = {str(r) for r in ws.merged_cells.ranges}
    for i, column in enumerate(config.columns, 1):
        letter = get_column_letter(i)
        if column.key in groups:
            assert ws.cell(3, i).value in (groups[column.key], None)
            assert f"{letter}3:{letter}4" not in merged
        else:
            assert f"{letter}3:{letter}4" in merged, column.name
    for group in config.header_groups:
        cols = [config.column_keys.index(k) + 1 for k in group["columns"]]
        span = f"{get_column_letter(min(cols))}3:{get_column_letter(max(cols))}3"
        assert span in merged and ws.cell(3, min(cols)).value == group["name"]
        assert [header_name(ws, config, c) for c in cols] == [config.column(k).name for k in group["columns"]]


def test_required_columns_are_marked_with_an_asterisk(blank, config):
    ws = sheet(blank, config)
    for i, column in enumerate(config.columns, 1):
        text = ws.cell(4, i).value or ws.cell(3, i).value
        assert text.startswith("*") == (column.required in ("yes", "infer")), column.name


def test_every_header_shows_an_input_message(blank, config):
    ws = sheet(blank, config)
    prompted = {col for dv, col, first, last in validations(ws) if first <= 4 and dv.prompt}
    assert prompted == set(range(1, len(config.columns) + 1))


# --- validations --------------------------------------------------------------------------------

def test_dropdowns_hold_exactly_the_configured_values_through_the_hidden_sheet(blank, config):
    ws = sheet(blank, config)
    found = {col: dv for dv, col, first, last in validations(ws) if dv.type == "list"}
    expected = {}
    for i, column in enumerate(config.columns, 1):
        if column.type == "category":
            expected[i] = [c.dropdown for c in config.categories]
        elif column.type in ("enum", "status"):
            expected[i] = list(config.enums[column.enum or column.key].values)
    assert set(found) == set(expected)
    assert {config.columns[i - 1].key for i in expected} >= {"category", "company_type", "sector", "source",
                                                             "approach", "status"}
    for col, dv in found.items():
        assert not dv.formula1.startswith('"'), "lists must be ranges, not inline"
        assert resolve(blank, dv.formula1) == expected[col]
        assert dv.errorStyle == "warning" and dv.error and dv.prompt


def test_category_dropdown_text_is_code_and_full_label(blank, config):
    dv = next(dv for dv, col, *_ in validations(sheet(blank, config))
              if dv.type == "list" and config.columns[col - 1].type == "category")
    assert resolve(blank, dv.formula1)[0] == f"{config.categories[0].code} {config.categories[0].label}"


def test_list_sheet_is_hidden_and_the_guide_is_visible(blank, config):
    assert blank[LISTS_SHEET].sheet_state == "hidden"
    assert blank[GUIDE_SHEET].sheet_state == "visible"
    assert blank.active.title == config.ledger.sheet_name


def test_date_and_decimal_checks_on_exactly_the_date_and_amount_columns(blank, config):
    ws = sheet(blank, config)
    dates = {col: dv for dv, col, *_ in validations(ws) if dv.type == "date"}
    decimals = {col: dv for dv, col, *_ in validations(ws) if dv.type == "decimal"}
    assert set(dates) == {i for i, c in enumerate(config.columns, 1) if c.type == "date"}
    assert set(decimals) == {i for i, c in enumerate(config.columns, 1) if c.type == "amount"}
    for dv in dates.values():
        assert dv.operator in (None, "between")  # between is the OOXML default, so it may be omitted
        assert (float(dv.formula1), float(dv.formula2)) == (to_excel(DATE_MIN), to_excel(DATE_MAX))
        assert re.search(r"[\u4e00-\u9fff]", dv.error)
    for dv in decimals.values():
        assert dv.operator == "greaterThanOrEqual" and float(dv.formula1) == 0
        assert re.search(r"[\u4e00-\u9fff]", dv.error)


def test_validations_cover_the_data_area_from_row_5(blank, config):
    for dv, col, first, last in validations(sheet(blank, config)):
        if dv.type:  # the untyped ones are the header input messages
            assert first == 5 and last >= 4 + VALIDATION_ROWS


def test_validations_grow_beyond_the_default_area_for_many_prefilled_rows(config, tmp_path):
    n = VALIDATION_ROWS + 30
    wb = openpyxl.load_workbook(write_template(tmp_path / "big.xlsx", config, "县财政局", items_frame(n)))
    lasts = [last for dv, col, first, last in validations(sheet(wb, config)) if dv.type == "list"]
    assert lasts and min(lasts) > 4 + n


# --- layout and protection ----------------------------------------------------------------------

def test_panes_frozen_below_the_header_and_after_the_id_columns(blank, config):
    lead = next(i for i, c in enumerate(config.columns) if c.type not in ("seq", "item_id"))
    assert sheet(blank, config).freeze_panes == f"{get_column_letter(lead + 1)}5"


def test_header_locked_data_unlocked_and_sheet_protected_without_password(blank, config):
    ws = sheet(blank, config)
    width = len(config.columns)
    assert ws.protection.sheet and not ws.protection.password
    for option in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        assert getattr(ws.protection, option) is False, option  # False = allowed despite protection
    for col in range(1, width + 1):
        assert ws.cell(1, col).protection.locked and ws.cell(3, col).protection.locked
        assert ws.cell(4, col).protection.locked
        assert not ws.cell(5, col).protection.locked and not ws.cell(24, col).protection.locked
    assert ws["A2"].protection.locked  # the 填报单位 label; its value cell is unlocked (test above)


def test_data_formats_borders_and_widths(blank, config):
    ws = sheet(blank, config)
    for i, column in enumerate(config.columns, 1):
        cell = ws.cell(5, i)
        assert cell.border.left.style and cell.alignment.wrap_text
        if column.type == "date":
            assert cell.number_format == "yyyy-mm-dd"
        if column.type == "amount":
            assert cell.number_format == "0.00"
    widths = {c.key: ws.column_dimensions[get_column_letter(i)].width for i, c in enumerate(config.columns, 1)}
    assert widths["description"] > widths["measures"] > widths["owner_person"]


# --- the 填表说明 sheet ----------------------------------------------------------------------------

def guide_rows(wb) -> list[tuple]:
    return [tuple(v for v in row) for row in wb[GUIDE_SHEET].iter_rows(values_only=True)]


def table_after(rows: list[tuple], head: str) -> list[tuple]:
    start = next(i for i, r in enumerate(rows) if r[0] == head) + 1
    end = next((i for i in range(start, len(rows)) if not rows[i][0]), len(rows))
    return rows[start:end]


def test_guide_has_one_row_per_column_with_requirements(blank, config):
    table = table_after(guide_rows(blank), "列名")
    assert [r[0] for r in table] == [c.name for c in config.columns]
    for (name, required, rule), column in zip(table, config.columns):
        assert ("必填" in required) == (column.required != "no")
        if column.type in ("enum", "status"):
            assert all(v in rule for v in config.enums[column.enum or column.key].values)
        if column.type == "date":
            assert "2021-12-31" in rule
        if column.type == "amount":
            assert "万元" in rule


def test_guide_lists_categories_status_synonyms_zero_report_and_no_password(blank, config):
    rows = guide_rows(blank)
    cats = table_after(rows, "代码")
    assert [(r[0], r[1], r[2]) for r in cats] == [(c.code, c.short, c.label) for c in config.categories]
    statuses = dict((r[0], r[1]) for r in table_after(rows, "规范写法"))
    for synonym, value in config.enums["status"].synonyms:
        assert synonym in statuses[value].split("、")
    text = "\n".join(str(v) for r in rows for v in r if v)
    assert "零报告" in text and "“无”" in text and "经排查无相关问题" in text
    assert "密码" in text


# --- pre-filled ledger --------------------------------------------------------------------------

def test_prefilled_rows_carry_item_ids_values_and_the_department(config, tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "pre.xlsx", config, "县住房和城乡建设局", items_frame()))
    ws, col = sheet(wb, config), {k: i for i, k in enumerate(config.column_keys, 1)}
    assert filler(ws)["填报单位"].value == "县住房和城乡建设局"
    assert [ws.cell(r, col["item_id"]).value for r in (5, 6, 7)] == ["JX-2026-0001", "JX-2026-0002", None]
    assert [ws.cell(r, col["seq"]).value for r in (5, 6)] == [1, 2]
    assert ws.cell(5, col["category"]).value == config.category("A1").dropdown
    assert ws.cell(5, col["deadline"]).value == datetime(2021, 12, 31)
    assert ws.cell(5, col["amount"]).value == 125.5 and ws.cell(6, col["amount"]).value is None
    assert ws.cell(6, col["closed_on"]).value == datetime(2022, 1, 5)
    assert ws.cell(6, col["note"]).value is None
    note = ws.cell(5, col["note"])
    assert note.value == "=1+1" and note.data_type == "s"
    assert not ws.cell(5, col["item_id"]).protection.locked


def test_prefilled_template_reads_back_through_intake(config, tmp_path):
    path = write_template(tmp_path / "住建局台账.xlsx", config, "县住房和城乡建设局", items_frame())
    got = read_file(path, config)
    assert got.files[0].department == "县住房和城乡建设局" and got.files[0].disposition == "processed"
    assert list(got.rows["item_id"]) == ["JX-2026-0001", "JX-2026-0002"]
    assert list(got.rows["row"]) == [5, 6]
    assert not set(got.findings["code"]) & {"unmapped_column", "missing_column", "no_header"}


# --- driven by config ---------------------------------------------------------------------------

def edited_config(tmp_path, mutate):
    raw = yaml.safe_load((config_path()).read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def test_title_sheet_name_enum_values_and_groups_come_from_config(tmp_path):
    def mutate(raw):
        raw["ledger"].update(title="试点台账", sheet_name="问题台账")
        raw["enums"]["sector"]["values"].append("能源")
        raw["header_groups"] = []
    config = edited_config(tmp_path, mutate)
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", config))
    ws = wb["问题台账"]
    assert ws["A1"].value == "试点台账"
    sector = config.column_keys.index("sector") + 1
    dv = next(dv for dv, col, *_ in validations(ws) if dv.type == "list" and col == sector)
    assert resolve(wb, dv.formula1)[-1] == "能源"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert all(f"{get_column_letter(i)}3:{get_column_letter(i)}4" in merged
               for i in range(1, len(config.columns) + 1))


def test_default_names(config):
    assert default_name(config) == "郏县政务失信问题排查整治台账（模板）.xlsx"
    assert default_name(config, "县财政局", "2026-W48") == "县财政局台账（2026-W48）.xlsx"
    assert default_name(config, "县财政局").startswith("县财政局台账（20")


def test_missing_output_folder_is_created(config, tmp_path):
    out = write_template(tmp_path / "a" / "b" / "t.xlsx", config)
    assert out.is_file() and openpyxl.load_workbook(out).sheetnames[:2] == ["台账", GUIDE_SHEET]


def test_prefilled_dates_and_amounts_stored_as_text_are_written_as_dates_and_numbers(config, tmp_path):
    items = items_frame(1).astype(object)
    items.loc[0, ["occurred_on", "deadline", "amount"]] = ["2021-03-02", pd.Timestamp("2021-12-31"), "125.5"]
    ws = sheet(openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", config, "县财政局", items)), config)
    col = {k: i for i, k in enumerate(config.column_keys, 1)}
    assert ws.cell(5, col["occurred_on"]).value == datetime(2021, 3, 2)
    assert ws.cell(5, col["deadline"]).value == datetime(2021, 12, 31)
    assert ws.cell(5, col["amount"]).value == 125.5


# --- round trip: the template as a clerk fills it, through check and run ---------------------------

def fill_template(path: Path, out: Path, department: str, filled: date, companies: list[str]) -> Path:
    """What a clerk does: pick the department, enter the date, type rows under the header."""
    config = load_config(config_path())
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[0]]
    cells = filler(ws)
    cells["填报单位"].value, cells["填报人"].value, cells["联系电话"].value = department, "李明", "0375-5182306"
    cells["填报日期"].value = filled
    col = {k: i for i, k in enumerate(config.column_keys, 1)}
    for r, company in enumerate(companies, 5):
        for key, value in (("category", "B1"), ("company", company), ("description", "合同约定的工程款未按期支付"),
                           ("status", "整改中")):
            ws.cell(r, col[key], value)
    wb.save(out)
    return out


def test_the_filled_template_goes_through_check_and_run_and_the_old_line_still_reads(tmp_path, capsys):
    cfg = str(config_path())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert main(["template", "--config", cfg, "-o", str(tmp_path / "blank.xlsx")]) == 0
    new = fill_template(tmp_path / "blank.xlsx", inbox / "水利局台账.xlsx", "县水利局", date(2026, 11, 25),
                        ["郏县清源水务有限公司", "郏县润田灌溉工程有限公司"])
    capsys.readouterr()
    assert main(["check", "--config", cfg, str(new)]) == 0
    out = capsys.readouterr().out
    assert "【水利局台账.xlsx】单位：县水利局；填报日期：2026-11-25；已处理" in out and "未发现问题" in out

    config = load_config(config_path())   # the older form: one merged line with every label in it
    heads = [c.name for c in config.columns]
    old = write_book(inbox / "水利局台账（旧表）.xlsx", {"台账": [
        [config.ledger.title],
        ["填报单位：县水利局  填报人：李明  联系电话：0375-5182306  填报日期：2026年11月20日"], heads,
        [1, "", "B1", "郏县旧表公司", *[""] * 4, "合同款未付", *[""] * 9, "整改中"]]})
    later = datetime(2026, 11, 26, 9).timestamp()
    os.utime(old, (later, later))  # the older 填报日期 loses although its file is the newer one
    capsys.readouterr()
    assert main(["check", "--config", cfg, str(old)]) == 0
    assert "单位：县水利局；填报日期：2026-11-20；已处理" in capsys.readouterr().out

    assert main(["run", "--config", cfg, "--inbox", str(inbox), "--outbox", str(tmp_path / "out"),
                 "--db", str(tmp_path / "l.sqlite"), "--as-of", "2026-11-26"]) == 0
    manifest = json.loads((tmp_path / "out" / "2026-W48" / "run.json").read_text(encoding="utf-8"))
    states = {f["name"]: (f["department"], f["disposition"], f["rows_accepted"]) for f in manifest["files"]}
    assert states == {"水利局台账.xlsx": ("县水利局", "processed", 2),
                      "水利局台账（旧表）.xlsx": ("县水利局", "superseded", 0)}


# --- the 填表说明 reads without contradictions and fits its page -------------------------------------

def test_guide_rules_do_not_contradict_themselves(blank, config):
    table = {r[0]: (r[1], r[2]) for r in table_after(guide_rows(blank), "列名")}
    for column in config.columns:
        required, rule = table[column.name]
        if column.type == "amount":   # the 0.00 format shows two decimals: the rule may not say "保留两位" and show one
            assert "保留两位小数" not in rule and "最多两位小数" in rule
            examples = re.findall(r"如 ([\d.]+)(?: 或 ([\d.]+))?", rule)[0]
            assert all(len(e.partition(".")[2]) <= 2 for e in examples if e)
        if required.startswith("必填"):  # a required column never says a blank is fine
            assert not re.search(r"空白按|未填时|不填时", required + rule), column.name
    text = "\n".join(str(v) for r in guide_rows(blank) for v in r if v)
    assert "见“填表说明””" not in text and f"“{GUIDE_SHEET}”表第二部分" in text
    assert "单位全称" not in text and "下拉列表中选择本单位" in text


def test_guide_gives_the_weekly_deadline_and_the_contact_from_config(tmp_path):
    config = edited_config(tmp_path, lambda raw: raw["office"].update(
        contact="赵敏", phone="0375-1112222", weekly_deadline="每周二上午十点前", resubmit_deadline="三个工作日内"))
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", config))
    text = "\n".join(str(v) for r in guide_rows(wb) for v in r if v)
    assert "每周二上午十点前报送本单位台账" in text and "于三个工作日内改正后重新报送" in text
    assert "请联系郏县社会信用体系建设领导小组办公室赵敏，电话 0375-1112222" in text


def test_guide_prints_on_one_a4_page(blank):
    setup = blank[GUIDE_SHEET].page_setup
    assert blank[GUIDE_SHEET].sheet_properties.pageSetUpPr.fitToPage
    assert int(setup.paperSize) == 9   # A4; fitToWidth/Height absent means 1 (0 would let it run on)
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight in (None, 1)


def test_the_filler_row_ends_with_the_weekly_deadline_and_contact_from_config(tmp_path):
    config = edited_config(tmp_path, lambda raw: raw["office"].update(
        contact="赵敏", phone="0375-1112222", weekly_deadline="每周二上午十点前"))
    ws = sheet(openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", config)), config)
    texts = [c.value for c in ws[2] if isinstance(c.value, str)]
    assert texts[-1] == "每周二上午十点前报送；信用办联系人：赵敏，电话 0375-1112222"
    assert ws.cell(2, len(config.columns)).coordinate in {str(r).split(":")[1] for r in ws.merged_cells.ranges}
