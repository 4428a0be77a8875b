"""Intake: real workbooks and CSV files built in tmp_path, read through the real readers."""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
import xlsxwriter

from pipeline.core import findings as fnd
from pipeline.core.config import Config, load_config
from pipeline.intake.files import (Intake, SourceFile, list_inputs, match_department, read_file, read_inputs,
                             resolve_submissions)
from pipeline.intake.readers import read_grids
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
HEADER = ["序号", "企业名称", "问题描述", "涉及金额（万元）", "责任单位", "整改状态"]
LINE = "填报单位：县住建局  填报人：张三  联系电话：0375-1234567  填报日期：2021年11月15日"


@pytest.fixture(scope="module")
def intake_config() -> Config:
    return load_config(config_path())


def with_intake(config: Config, **options) -> Config:
    return dataclasses.replace(config, intake=dataclasses.replace(config.intake, **options))


def rows_of(n: int, start: int = 1) -> list[list]:
    return [[i, f"甲{i}公司", f"拖欠工程款{i}", 10 + i, "县住建局", "整改中"] for i in range(start, start + n)]


def write_xlsx(path: Path, table: list[list], *, title: str = "郏县政务失信问题排查整治台账", line: str = LINE,
               sheet: str = "台账", merges: tuple[str, ...] = ()) -> Path:
    """A ledger as a clerk makes it: title, 填报单位 line, then the table (header + rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in [[title], [line], *table]:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def ledger(tmp_path: Path, name: str = "县住建局台账.xlsx", n: int = 3, **kwargs) -> Path:
    return write_xlsx(tmp_path / name, [HEADER, *rows_of(n)], **kwargs)


def codes(result: Intake) -> list[str]:
    return list(result.findings["code"])


def only(result: Intake) -> SourceFile:
    assert len(result.files) == 1
    return result.files[0]


# --- formats -----------------------------------------------------------------------------------

def test_xlsx_rows_follow_the_raw_rows_frame(tmp_path, intake_config):
    result = read_file(ledger(tmp_path), intake_config)
    src = only(result)
    assert (src.disposition, src.department, src.sheet, src.header_row) == ("processed", "县住房和城乡建设局", "台账", 3)
    expected = ["file", "sheet", "row", "department", "file_time", *intake_config.column_keys,
                "amount_unit", "paid_unit", "absent_keys"]
    assert list(result.rows.columns) == expected
    assert list(result.rows["row"]) == [4, 5, 6]
    first = result.rows.iloc[0]
    assert (first["file"], first["company"], first["description"], first["amount"]) == ("县住建局台账.xlsx", "甲1公司",
                                                                                       "拖欠工程款1", 11)
    assert first["uscc"] is None and first["case_no"] is None
    assert first["file_time"] == src.mtime and src.rows_read == 3
    assert list(result.findings["code"]) == ["columns_exact"] and set(result.findings["severity"]) == {fnd.NOTE}
    assert src.sheets == ["台账"] and src.columns["企业名称"] == "company"


def test_xlsm_is_read_like_xlsx(tmp_path, intake_config):
    path = write_xlsx(tmp_path / "县住建局.xlsm", [HEADER, *rows_of(2)])
    result = read_file(path, intake_config)
    assert only(result).disposition == "processed"
    assert list(result.rows["company"]) == ["甲1公司", "甲2公司"]


def test_xls_sample_with_merged_cells(intake_config, tmp_path):
    # tests/data/intake_sample.xls was converted once by LibreOffice from a 2-row ledger;
    # its 责任单位 cell E4:E5 is merged.
    path = tmp_path / "县水利局.xls"
    path.write_bytes((DATA / "intake_sample.xls").read_bytes())
    result = read_file(path, intake_config)
    src = only(result)
    assert (src.disposition, src.department, src.filled_date) == ("processed", "县水利局", date(2021, 11, 15))
    assert list(result.rows["row"]) == [4, 5]
    assert list(result.rows["company"]) == ["甲公司", "乙公司"]
    assert list(result.rows["owner_unit"]) == ["县水利局", "县水利局"]


def write_csv(path: Path, table: list[list], encoding: str, bom: bytes = b"") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    path.write_bytes(bom + buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""),
                                          ("gb18030", b""), ("utf-16", b"")])
def test_csv_encodings_are_detected(tmp_path, intake_config, encoding, bom):
    table = [["填报单位：郏县住房和城乡建设局"], HEADER, *rows_of(2), ["3", "𠀀鑫公司" if encoding in ("utf-8", "gb18030", "utf-16")
                                                                 else "鑫公司", "质保金", "", "", "已办结"]]
    path = write_csv(tmp_path / "台账.csv", table, encoding, bom)
    result = read_file(path, intake_config)
    src = only(result)
    assert (src.disposition, src.department, src.sheet) == ("processed", "县住房和城乡建设局", "")
    assert list(result.rows["company"]) == ["甲1公司", "甲2公司", table[-1][1]]
    assert list(result.rows["row"]) == [3, 4, 5]


def test_csv_that_is_no_known_encoding_is_rejected(tmp_path, intake_config):
    path = tmp_path / "县住建局.csv"
    path.write_bytes("企业名称,问题描述\n".encode("utf-8") + b"\x81\x30\xff\xfe\xfd,x\n")
    result = read_file(path, intake_config)
    assert only(result).disposition == "rejected"
    assert codes(result) == ["file_unreadable"]
    assert "编码" in only(result).reason


def test_csv_row_numbers_are_physical_lines_with_multiline_fields(tmp_path, intake_config):
    table = [["填报单位：县住建局"], HEADER, [1, "甲公司", "第一行\n第二行\n第三行", "", "", "整改中"],
             [2, "乙公司", "拖欠", "", "", "整改中"]]
    result = read_file(write_csv(tmp_path / "a.csv", table, "utf-8"), intake_config)
    assert list(result.rows["row"]) == [3, 6]
    assert result.rows.iloc[0]["description"] == "第一行\n第二行\n第三行"


def test_inputs_are_never_modified(tmp_path, intake_config):
    paths = [ledger(tmp_path), write_csv(tmp_path / "县水利局.csv", [HEADER, *rows_of(1)], "gbk"),
             tmp_path / "坏文件.xlsx"]
    paths[2].write_bytes(b"PK\x03\x04broken")
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths]
    read_inputs(paths, intake_config)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths] == before


# --- unreadable files ----------------------------------------------------------------------------

def word_document(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("县住建局台账")
    document.save(path)
    return path


@pytest.mark.parametrize("maker,words", [
    (lambda p: p.write_bytes(b"PK\x03\x04\x14\x00" + os.urandom(200)), "损坏"),
    (word_document, "Word"),
    (lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "PDF"),
    (lambda p: p.write_bytes(bytes(range(256)) * 8), "Excel"),
])
def test_files_that_are_not_spreadsheets_are_rejected(tmp_path, intake_config, maker, words):
    path = tmp_path / "县住建局台账.xlsx"
    maker(path)
    result = read_file(path, intake_config)
    src = only(result)
    assert (src.disposition, codes(result)) == ("rejected", ["file_unreadable"])
    assert words in src.reason and result.rows.empty


def test_empty_workbook_is_rejected_or_ignored(tmp_path, intake_config):
    named = tmp_path / "县住建局-第48周.xlsx"
    openpyxl.Workbook().save(named)
    anonymous = tmp_path / "新建 Microsoft Excel 工作表.xlsx"
    openpyxl.Workbook().save(anonymous)
    first, second = read_file(named, intake_config), read_file(anonymous, intake_config)
    assert (only(first).disposition, only(first).department, codes(first)) == ("rejected", "县住房和城乡建设局",
                                                                               ["file_empty"])
    assert (only(second).disposition, codes(second)) == ("ignored", ["file_empty"])


def encrypted_package(path: Path) -> Path:
    """An OLE2 compound file whose directory holds an EncryptedPackage stream (what Excel writes
    for a workbook with an open password)."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[0x1A:0x1C] = (3).to_bytes(2, "little")
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    entries = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        raw = (name + "\0").encode("utf-16-le")
        entries += raw.ljust(64, b"\0") + len(raw).to_bytes(2, "little") + b"\x02" + b"\0" * 61
    path.write_bytes(bytes(header) + entries.ljust(512, b"\0") + os.urandom(1024))
    return path


def test_password_protected_workbook_is_rejected(tmp_path, intake_config):
    result = read_file(encrypted_package(tmp_path / "县住建局.xlsx"), intake_config)
    assert (only(result).disposition, codes(result)) == ("rejected", ["file_password"])
    assert "密码" in only(result).reason


def test_locked_file_is_rejected_and_left_in_place(tmp_path, intake_config, monkeypatch):
    path = ledger(tmp_path)
    real = Path.read_bytes

    def locked(self):  # what Windows raises while Excel holds the file open
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    result = read_file(path, intake_config)
    assert (only(result).disposition, codes(result)) == ("rejected", ["file_locked"])
    assert "留在原处" in only(result).reason and path.exists()


def rewrite_part(path: Path, part: str, change) -> Path:
    """Rewrite one XML part inside a workbook's zip (the file is rebuilt, the other parts kept)."""
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, change(body) if info.filename == part else body)
    return path


def test_zip_bomb_is_refused_before_parsing(tmp_path, intake_config):
    path = rewrite_part(ledger(tmp_path), "xl/worksheets/sheet1.xml",
                        lambda xml: xml.replace(b"</worksheet>", b" " * (3 * 1024 * 1024) + b"</worksheet>"))
    assert path.stat().st_size < 100_000
    result = read_file(path, with_intake(intake_config, max_unzipped_mb=2))
    assert (only(result).disposition, codes(result)) == ("rejected", ["file_too_large"])
    assert "2 MB" in only(result).reason
    assert only(read_file(path, intake_config)).disposition == "processed"


def test_xml_entity_declaration_is_refused(tmp_path, intake_config):
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
    path = rewrite_part(ledger(tmp_path), "xl/worksheets/sheet1.xml", lambda xml: bomb + xml.split(b"?>", 1)[-1])
    result = read_file(path, intake_config)
    assert (only(result).disposition, codes(result)) == ("rejected", ["file_unreadable"])
    assert "ENTITY" in only(result).reason


# --- sheets and headers ----------------------------------------------------------------------------

def test_data_sheet_is_found_among_instruction_and_hidden_sheets(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["企业名称", "问题描述", "整改状态", "涉及金额", "责任单位", "案号", "备注"])
    hidden = wb.create_sheet("Sheet2")
    hidden.append(["企业名称", "问题描述", "整改状态", "涉及金额", "责任单位", "案号", "备注"])
    hidden.sheet_state = "hidden"
    data = wb.create_sheet("Sheet1")
    for row in [[LINE], HEADER, *rows_of(2)]:
        data.append(row)
    wb.save(tmp_path / "县住建局.xlsx")
    result = read_file(tmp_path / "县住建局.xlsx", intake_config)
    assert (only(result).sheet, only(result).header_row) == ("Sheet1", 2)
    assert list(result.rows["company"]) == ["甲1公司", "甲2公司"]


def test_best_scoring_sheet_wins(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["企业名称", "金额"])
    wb.active.append(["某公司", 3])
    sheet = wb.create_sheet("台账")
    for row in [[LINE], HEADER, *rows_of(1)]:
        sheet.append(row)
    wb.save(tmp_path / "县住建局.xlsx")
    assert only(read_file(tmp_path / "县住建局.xlsx", intake_config)).sheet == "台账"


def test_header_variants_are_mapped_anywhere_in_the_first_rows(tmp_path, intake_config):
    header = ["序 号", "企业名称（全称）", "问题\n描述", "涉及金额\n(元)", "审理(执行)法院", "整改 状态", "联系人"]
    table = [[None]] * 4 + [header, [1, "甲公司", "拖欠", 125000, "郏县人民法院", "整改中", "王五"]]
    path = write_xlsx(tmp_path / "县住建局.xlsx", table)
    result = read_file(path, intake_config)
    row = result.rows.iloc[0]
    assert only(result).header_row == 7
    assert (row["company"], row["description"], row["amount"], row["court"], row["status"]) == (
        "甲公司", "拖欠", 125000, "郏县人民法院", "整改中")
    assert (row["amount_unit"], row["paid_unit"]) == ("元", "万元")
    unmapped = result.findings[result.findings["code"] == "unmapped_column"]
    assert list(unmapped["value"]) == ["联系人"] and list(unmapped["row"]) == [7]


def test_default_unit_is_wan_yuan(tmp_path, intake_config):
    result = read_file(ledger(tmp_path), intake_config)
    assert set(result.rows["amount_unit"]) == {"万元"} and set(result.rows["paid_unit"]) == {"万元"}


def test_a_missing_required_column_is_one_file_finding_and_no_row_says_blank(tmp_path, intake_config):
    from pipeline.validate import validate

    path = write_xlsx(tmp_path / "县住建局.xlsx", [["序号", "企业名称", "涉及金额", "联系人"], [1, "甲公司", 3, "王五"]])
    result = read_file(path, intake_config)
    assert only(result).disposition == "processed"
    missing = result.findings[result.findings["code"].isin(["column_not_found", "status_column_missing"])]
    assert dict(zip(missing["column"], missing["severity"])) == {"问题描述": fnd.ERROR, "整改状态": fnd.WARNING}
    assert set(missing["row"]) == {0}
    message = missing[missing["column"] == "问题描述"]["message"].iloc[0]
    assert message == "未找到“问题描述”列；表头中未能识别的列：“联系人”。如其中一列就是问题描述，请把表头改为“问题描述”"
    _, rows = validate(result.rows, intake_config)
    assert list(rows["code"]) == ["row_column_absent"] and list(rows["severity"]) == [fnd.ERROR]
    assert "为空" not in " ".join(rows["message"])


def test_two_row_header_under_a_merged_parent(tmp_path, intake_config):
    upper = ["序号", "企业名称", "问题描述", "整改情况", None, None, "备注"]
    lower = [None, None, None, "整改措施", "整改时限", "整改状态", None]
    data = [1, "甲公司", "拖欠", "分期支付", datetime(2021, 12, 31), "整改中", "无"]
    path = write_xlsx(tmp_path / "县住建局.xlsx", [upper, lower, data],
                      merges=("A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4"))
    result = read_file(path, intake_config)
    row = result.rows.iloc[0]
    assert (only(result).header_row, list(result.rows["row"])) == (3, [5])
    assert (row["measures"], row["deadline"], row["status"], row["note"]) == ("分期支付", date(2021, 12, 31), "整改中", "无")
    assert "unmapped_column" not in codes(result)


# --- merged cells and data rows ------------------------------------------------------------------

def test_vertically_merged_cells_are_filled_down_but_do_not_make_rows(tmp_path, intake_config):
    table = [HEADER, [1, "甲公司", "拖欠", 1, "县财政局", "整改中"], [2, "乙公司", "拖欠", 2, None, "整改中"],
             [3, None, None, None, None, None]]
    path = write_xlsx(tmp_path / "县住建局.xlsx", table, merges=("E4:E6",))
    result = read_file(path, intake_config)
    assert list(result.rows["row"]) == [4, 5]
    assert list(result.rows["owner_unit"]) == ["县财政局", "县财政局"]


def test_blank_total_footnote_and_number_only_rows_are_not_data(tmp_path, intake_config):
    table = [HEADER, *rows_of(2), [None] * 6, [3], ["合计", None, None, 21], [None, "小计：2项"],
             ["填报人：张三  联系电话：13800000000"], ["审核人：李四"], ["注：金额单位为万元"]]
    result = read_file(write_xlsx(tmp_path / "县住建局.xlsx", table), intake_config)
    assert list(result.rows["row"]) == [4, 5]
    assert only(result).rows_read == 2


@pytest.mark.parametrize("rows", [[], [[1, "无"]], [[None, None, "经排查，无相关问题。"]], [[1, None, "无"]]])
def test_zero_report(tmp_path, intake_config, rows):
    result = read_file(write_xlsx(tmp_path / "县住建局.xlsx", [HEADER, *rows, ["填报人：张三"]]), intake_config)
    src = only(result)
    assert (src.disposition, src.department, src.rows_read) == ("zero_report", "县住房和城乡建设局", 0)
    assert result.rows.empty and list(result.rows.columns)[:5] == ["file", "sheet", "row", "department", "file_time"]


def test_a_no_row_among_real_rows_is_data(tmp_path, intake_config):
    result = read_file(write_xlsx(tmp_path / "县住建局.xlsx", [HEADER, *rows_of(1), [2, "无"]]), intake_config)
    assert only(result).disposition == "processed" and list(result.rows["row"]) == [4, 5]


def test_headerless_zero_report_and_headerless_junk(tmp_path, intake_config):
    zero = write_xlsx(tmp_path / "县住建局.xlsx", [["经排查无相关问题"]])
    junk = write_xlsx(tmp_path / "县水利局.xlsx", [["一些文字"], ["另一些文字"]], line="填报单位：县水利局")
    assert only(read_file(zero, intake_config)).disposition == "zero_report"
    result = read_file(junk, intake_config)
    assert (only(result).disposition, codes(result)) == ("rejected", ["no_header"])


# --- department and filled date --------------------------------------------------------------------

@pytest.mark.parametrize("line,expected", [
    ("填报单位：县住建局 填报人：张三 联系电话：123 填报日期：2021-11-15", date(2021, 11, 15)),
    ("填报单位:郏县住房和城乡建设局  填报日期：2021/11/16", date(2021, 11, 16)),
    ("填报单位（盖章）：住建局  填报日期：2021.11.17", date(2021, 11, 17)),
    ("填报单位：县住建局　　填报人：张三　　填报日期：2021年11月18日", date(2021, 11, 18)),
    ("填报单位：县住建局", None),
])
def test_department_line_and_filled_date(tmp_path, intake_config, line, expected):
    src = only(read_file(ledger(tmp_path, name="台账.xlsx", line=line), intake_config))
    assert (src.department, src.filled_date) == ("县住房和城乡建设局", expected)
    assert "住" in src.raw_department


def test_filled_date_as_excel_date_cell(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["填报单位：", "县水利局", "填报日期：", datetime(2021, 11, 19)], HEADER, *rows_of(1)]:
        ws.append(row)
    wb.save(tmp_path / "a.xlsx")
    src = only(read_file(tmp_path / "a.xlsx", intake_config))
    assert (src.department, src.filled_date) == ("县水利局", date(2021, 11, 19))


def test_department_from_a_column(tmp_path, intake_config):
    table = [["填报单位", *HEADER], ["县交通运输局", *rows_of(1)[0]]]
    src = only(read_file(write_xlsx(tmp_path / "台账.xlsx", table, line=""), intake_config))
    assert src.department == "县交通运输局"


@pytest.mark.parametrize("name", ["县住建局-第48周台账.xlsx", "郏县住房和城乡建设局台账.xlsx", "住建局.csv"])
def test_department_from_file_name(tmp_path, intake_config, name):
    path = tmp_path / name
    if name.endswith(".csv"):
        write_csv(path, [HEADER, *rows_of(1)], "utf-8")
    else:
        write_xlsx(path, [HEADER, *rows_of(1)], line="")
    assert only(read_file(path, intake_config)).department == "县住房和城乡建设局"


def test_unknown_and_missing_department_are_rejected(tmp_path, intake_config):
    unknown = read_file(ledger(tmp_path, name="台账1.xlsx", line="填报单位：县宇宙管理局"), intake_config)
    missing = read_file(ledger(tmp_path, name="台账2.xlsx", line=""), intake_config)
    assert (only(unknown).disposition, codes(unknown)) == ("rejected", ["unknown_department"])
    assert only(unknown).raw_department == "县宇宙管理局" and only(unknown).reason.startswith("无法识别填报单位")
    assert (only(missing).disposition, codes(missing)) == ("rejected", ["no_department"])
    assert only(missing).reason.startswith("无法识别填报单位") and missing.rows.empty


@pytest.mark.parametrize("text,expected", [
    ("郏县住房和城乡建设局", "县住房和城乡建设局"), ("县住建局", "县住房和城乡建设局"), ("住建局", "县住房和城乡建设局"),
    ("郟县 住房和城乡建设局（盖章）", "县住房和城乡建设局"), ("县发改委第48周", "县发展和改革委员会"),
    ("姚庄回族乡人民政府台账", "姚庄回族乡人民政府"), ("县某某局", None), ("", None),
])
def test_match_department(intake_config, text, expected):
    assert match_department(text, intake_config) == expected


# --- cell values and row numbers -----------------------------------------------------------------

def test_cached_formula_values_text_formulas_dates_and_numbers(tmp_path, intake_config):
    path = tmp_path / "县住建局.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 0, ["填报单位：县住建局"])
    ws.write_row(1, 0, ["序号", "企业名称", "问题描述", "涉及金额", "发生日期", "整改状态", "备注"])
    ws.write_number(2, 0, 1)
    ws.write_string(2, 1, "=HYPERLINK(\"x\")")
    ws.write_string(2, 2, "-欠款未付")
    ws.write_formula(2, 3, "=10+2.5", None, 12.5)
    ws.write_datetime(2, 4, datetime(2021, 3, 4), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_string(2, 5, "+整改中")
    ws.write_string(2, 6, "@备注")
    wb.close()
    row = read_file(path, intake_config).rows.iloc[0]
    assert (row["company"], row["description"], row["status"], row["note"]) == (
        '=HYPERLINK("x")', "-欠款未付", "+整改中", "@备注")
    assert row["amount"] == 12.5 and isinstance(row["amount"], float)
    assert row["occurred_on"] == date(2021, 3, 4) and isinstance(row["occurred_on"], date)


def test_row_numbers_are_absolute_when_the_sheet_starts_lower(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "填报单位：县住建局"
    for c, text in enumerate(HEADER, start=3):
        ws.cell(8, c, text)
        ws.cell(11, c, rows_of(1)[0][c - 3])
    wb.save(tmp_path / "a.xlsx")
    result = read_file(tmp_path / "a.xlsx", intake_config)
    assert (only(result).header_row, list(result.rows["row"])) == (8, [11])
    assert result.rows.iloc[0]["company"] == "甲1公司"


def test_wrong_dimension_from_wps_still_reads_every_row(tmp_path, intake_config):
    path = rewrite_part(ledger(tmp_path, n=40), "xl/worksheets/sheet1.xml",
                        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', xml))
    assert b'ref="A1:A1"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = read_file(path, intake_config)
    assert list(result.rows["row"]) == list(range(4, 44))


def test_a_value_in_column_xfd_does_not_blow_up(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [[LINE], HEADER, *rows_of(300)]:
        ws.append(row)
    ws["XFD1"] = "最右边"
    ws["XFD200"] = "另一个"
    wb.save(tmp_path / "a.xlsx")
    result = read_file(tmp_path / "a.xlsx", intake_config)
    assert only(result).disposition == "processed" and len(result.rows) == 300
    assert result.rows.iloc[-1]["company"] == "甲300公司"


def test_two_hundred_thousand_formatted_empty_rows(tmp_path, intake_config):
    path = tmp_path / "县住建局.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("台账")
    bold = wb.add_format({"bold": True, "border": 1})
    ws.write_row(0, 0, ["填报单位：县住建局"])
    ws.write_row(1, 0, HEADER)
    ws.write_row(2, 0, rows_of(1)[0])
    for r in range(3, 200_003):
        ws.write_blank(r, 1, None, bold)
    wb.close()
    result = read_file(path, intake_config)
    assert only(result).disposition == "processed" and list(result.rows["row"]) == [3]


def test_a_cell_of_100000_characters_is_kept_whole(tmp_path, intake_config):
    long = "长" * 99_999 + "尾"
    # openpyxl cuts text at Excel's 32,767 characters when writing, so the cell is planted in the XML
    xlsx = write_xlsx(tmp_path / "县住建局.xlsx", [HEADER, [1, "甲公司", "PLACEHOLDER", 1, "", "整改中"]])
    rewrite_part(xlsx, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"PLACEHOLDER", long.encode()))
    text = write_csv(tmp_path / "县水利局.csv", [HEADER, [1, "甲公司", long, 1, "", "整改中"]], "utf-8")
    assert read_file(xlsx, intake_config).rows.iloc[0]["description"] == long
    assert read_file(text, intake_config).rows.iloc[0]["description"] == long


# --- submissions -----------------------------------------------------------------------------------

def stamp(path: Path, seconds: int) -> Path:
    os.utime(path, (1_700_000_000 + seconds, 1_700_000_000 + seconds))
    return path


def test_same_bytes_later_file_processed_earlier_duplicate(tmp_path, intake_config):
    first = stamp(ledger(tmp_path, name="县住建局.xlsx"), 0)
    second = tmp_path / "县住建局（再发）.xlsx"
    second.write_bytes(first.read_bytes())
    stamp(second, 60)
    result = read_inputs([second, first], intake_config)
    by_name = {f.name: f for f in result.files}
    assert by_name[second.name].disposition == "processed"
    assert (by_name[first.name].disposition, by_name[first.name].rows_read) == ("duplicate", 0)
    assert second.name in by_name[first.name].reason
    assert set(result.rows["file"]) == {second.name}
    assert list(result.findings[result.findings["file"] == first.name]["code"]) == ["duplicate"]


def test_later_filled_date_supersedes_even_if_file_is_older(tmp_path, intake_config):
    older_date = stamp(ledger(tmp_path, name="住建局A.xlsx", line="填报单位：住建局 填报日期：2021-11-10",
                              title="", n=2), 100)
    newer_date = stamp(write_xlsx(tmp_path / "住建局B.xlsx", [["序号", "企业名称", "问题描述", "整改状态", "联系人"],
                                                            [1, "乙公司", "拖欠", "整改中", "王五"]],
                                  line="填报单位：住建局 填报日期：2021-11-12"), 0)
    result = read_inputs([older_date, newer_date], intake_config)
    by_name = {f.name: f for f in result.files}
    assert by_name["住建局B.xlsx"].disposition == "processed"
    assert by_name["住建局A.xlsx"].disposition == "superseded" and "住建局B.xlsx" in by_name["住建局A.xlsx"].reason
    assert set(result.rows["file"]) == {"住建局B.xlsx"}
    assert list(result.findings[result.findings["file"] == "住建局A.xlsx"]["code"]) == ["superseded"]
    assert "unmapped_column" in codes(result)  # the kept file's own findings stay


def test_same_filled_date_later_file_time_supersedes(tmp_path, intake_config):
    zero = stamp(write_xlsx(tmp_path / "住建局零报告.xlsx", [HEADER, [1, "无"]]), 500)
    full = stamp(ledger(tmp_path, name="住建局台账.xlsx"), 100)
    other = stamp(ledger(tmp_path, name="县水利局.xlsx", line="填报单位：县水利局"), 0)
    result = read_inputs([full, zero, other], intake_config)
    states = {f.name: f.disposition for f in result.files}
    assert states == {"住建局台账.xlsx": "superseded", "住建局零报告.xlsx": "zero_report", "县水利局.xlsx": "processed"}
    assert set(result.rows["file"]) == {"县水利局.xlsx"}


def test_a_future_filled_date_is_a_warning_and_never_the_later_file(tmp_path, intake_config):
    real = stamp(ledger(tmp_path, name="住建局.xlsx", line="填报单位：住建局 填报日期：2026-11-24", n=2), 0)
    forged = stamp(ledger(tmp_path, name="住建局（新）.xlsx", line="填报单位：住建局 填报日期：2026-12-31", n=1), 600)
    result = read_inputs([forged, real], intake_config, as_of=date(2026, 11, 26))
    by_name = {f.name: f for f in result.files}
    assert by_name["住建局.xlsx"].disposition == "processed"
    assert by_name["住建局（新）.xlsx"].disposition == "superseded"
    future = result.findings[result.findings["code"] == "filled_date_future"]
    assert list(future["file"]) == ["住建局（新）.xlsx"] and set(future["severity"]) == {"提醒"}
    assert "2026-12-31" in future["message"].iloc[0] and "2026-11-26" in future["message"].iloc[0]
    undated = stamp(ledger(tmp_path, name="住建局无日期.xlsx", line="填报单位：住建局", n=1), 300)
    again = read_inputs([forged, undated], intake_config, as_of=date(2026, 11, 26))
    assert {f.name: f.disposition for f in again.files} == {"住建局（新）.xlsx": "superseded", "住建局无日期.xlsx": "processed"}
    on_the_day = read_inputs([forged, real], intake_config, as_of=date(2026, 12, 31))  # not future then
    assert {f.name: f.disposition for f in on_the_day.files}["住建局（新）.xlsx"] == "processed"
    assert "filled_date_future" not in codes(on_the_day)


def test_resolve_submissions_leaves_rejected_files_alone(tmp_path):
    def source(name, sha, mtime, department, disposition="processed"):
        return SourceFile(tmp_path / name, name, sha, mtime, 1, department=department, disposition=disposition)
    files = [source("a", "x", 1, "县财政局"), source("b", "x", 2, "县财政局"), source("c", "y", 3, None, "rejected"),
             source("d", "y", 4, None, "rejected"), source("e", "z", 5, "县水利局")]
    resolve_submissions(files)
    assert [f.disposition for f in files] == ["duplicate", "processed", "rejected", "rejected", "processed"]


def test_list_inputs_lists_every_file_dot_files_and_lock_files(tmp_path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    archive.mkdir()
    for name in ["b.xlsx", "~$b.xlsx", ".hidden.xlsx", "a.CSV", "c.xls", "d.xlsm", "readme.txt", "e.docx"]:
        (inbox / name).write_bytes(b"x")
    (archive / "z.xlsx").write_bytes(b"x")
    (inbox / "sub.xlsx").mkdir()
    found = list_inputs([inbox, archive, tmp_path / "not-there"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "archive/z.xlsx", "inbox/.hidden.xlsx", "inbox/a.CSV", "inbox/b.xlsx", "inbox/c.xls", "inbox/d.xlsm",
        "inbox/e.docx", "inbox/readme.txt", "inbox/~$b.xlsx"]


def test_lock_file_is_ignored_with_a_reason_without_being_opened(tmp_path, intake_config):
    lock = tmp_path / "~$县住建局台账.xlsx"
    lock.write_bytes(b"\x00 owner")
    src = only(read_file(lock, intake_config))
    assert (src.disposition, src.department) == ("ignored", None) and "锁文件" in src.reason


def test_read_inputs_keeps_going_after_bad_files(tmp_path, intake_config):
    bad = tmp_path / "县水利局.xlsx"
    bad.write_bytes(os.urandom(300))
    good = ledger(tmp_path)
    result = read_inputs([bad, good], intake_config)
    assert [f.disposition for f in result.files] == ["rejected", "processed"]
    assert len(result.rows) == 3 and hashlib.sha256(good.read_bytes()).hexdigest() == result.files[1].sha256


def test_far_right_cells_are_dropped_before_calamine_builds_the_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active["XFD1"] = "最右边"
    wb.save(tmp_path / "a.xlsx")
    grids = read_grids((tmp_path / "a.xlsx").read_bytes(), ".xlsx", 10 * 1024 * 1024)
    assert [len(row) for row in grids[0].rows] == [len(HEADER)]


def test_a_corrupt_part_inside_a_valid_zip_is_rejected(tmp_path, intake_config):
    path = rewrite_part(ledger(tmp_path), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    result = read_file(path, intake_config)
    assert (only(result).disposition, codes(result)) == ("rejected", ["file_unreadable"])


def test_filled_date_on_its_own_line_and_as_a_serial_number(tmp_path, intake_config):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["填报单位：县水利局"], ["填报日期：", 44520], HEADER, *rows_of(1)]:
        ws.append(row)
    wb.save(tmp_path / "a.xlsx")
    assert only(read_file(tmp_path / "a.xlsx", intake_config)).filled_date == date(2021, 11, 20)


def test_unfilled_template_placeholder_falls_back_to_the_file_name(tmp_path, intake_config):
    path = write_xlsx(tmp_path / "薛店镇台账.xlsx", [HEADER, *rows_of(1)],
                      line="填报单位：____  填报人：____  联系电话：____  填报日期：____")
    src = only(read_file(path, intake_config))
    assert (src.department, src.disposition) == ("薛店镇人民政府", "processed")


def test_unreadable_file_keeps_the_department_its_name_gives(tmp_path, intake_config):
    path = tmp_path / "县司法局台账.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    src = only(read_file(path, intake_config))
    assert (src.disposition, src.department) == ("rejected", "县司法局")


def test_reading_in_worker_processes_gives_the_same_result(tmp_path, intake_config):
    for i in range(4):
        ledger(tmp_path, name=f"县住建局台账{i}.xlsx", n=2 + i)
    paths = list_inputs([tmp_path])
    serial = read_inputs(paths, intake_config)
    parallel = read_inputs(paths, with_intake(intake_config, max_workers=2, parallel_min_files=2))
    assert [f.disposition for f in parallel.files] == [f.disposition for f in serial.files]
    assert parallel.rows.equals(serial.rows) and len(parallel.rows) == len(serial.rows) > 0


def test_reading_in_worker_processes_still_logs_progress(tmp_path, intake_config):
    import logging

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(100):
        ledger(inbox, name=f"县住建局台账{i:03d}.xlsx", n=1)
    log_file = tmp_path / "progress.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")  # the workers write it too (a caplog would not see them)
    logger = logging.getLogger("pipeline.intake.files")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        read_inputs(list_inputs([inbox]), with_intake(intake_config, max_workers=2, parallel_min_files=2))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        handler.close()
    assert "已读取 100/100 个来件" in log_file.read_text(encoding="utf-8")
