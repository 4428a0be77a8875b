"""Every spreadsheet format calamine reads, packages written by other programs, hostile packages,
and files that are no spreadsheet at all: each file ends with a disposition and a reason."""
from __future__ import annotations

import io
import json
import resource
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.intake.files import read_file
from pipeline.intake.readers import ReadProblem, _varint, read_grids, sheet_extent
from tests.test_intake import HEADER, LINE, rows_of, word_document, write_xlsx
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(__file__).resolve().parent / "data" / "real"
SAMPLE_XLS = Path(__file__).resolve().parent / "data" / "intake_sample.xls"


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


def ledger(path: Path, n: int = 2, department: str = "县住建局") -> Path:
    return write_xlsx(path, [HEADER, *rows_of(n)], line=LINE.replace("县住建局", department))


def repack(source: Path, target: Path, rename=lambda name: name, change=lambda name, body: body) -> Path:
    """The same package with its parts renamed or rewritten."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(rename(info.filename), change(info.filename, zin.read(info)))
    return target


def ods_ledger(path: Path, table: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice structures one."""
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    rows = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in table)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="台账">{rows}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def template_ledger(path: Path, macro: bool, department: str) -> Path:
    kind = "template.macroEnabled.main+xml" if macro else "template.main+xml"
    return repack(ledger(path.parent.parent / f"{path.stem}.xlsx", department=department), path, change=lambda name, body: body.replace(
        b"spreadsheetml.sheet.main+xml", b"spreadsheetml." + kind.encode()) if name == "[Content_Types].xml" else body)


# --- zip packages seen through their relationships ---------------------------------------------

def test_backslash_part_names_are_a_valid_workbook(tmp_path, config):
    path = repack(ledger(tmp_path / "a.xlsx"), tmp_path / "县住建局.xlsx", rename=lambda n: n.replace("/", "\\"))
    assert "xl\\workbook.xml" in zipfile.ZipFile(path).namelist()
    result = read_file(path, config)
    assert result.files[0].disposition == "processed" and list(result.rows["company"]) == ["甲1公司", "甲2公司"]


def test_workbook_part_found_through_the_package_relationships(tmp_path, config):
    moved = repack(ledger(tmp_path / "a.xlsx"), tmp_path / "县住建局.xlsx", rename=lambda n: n.replace("xl/", "book/"),
                   change=lambda n, body: body.replace(b"xl/", b"book/") if n.endswith((".rels", ".xml")) else body)
    assert "xl/workbook.xml" not in zipfile.ZipFile(moved).namelist()
    result = read_file(moved, config)
    assert result.files[0].disposition == "processed" and len(result.rows) == 2


def test_zip_bomb_in_a_sheet_outside_the_worksheets_folder_is_counted(tmp_path, config):
    """The workbook points at xl/bomb/sheet1.xml: every part reachable through the relationships counts."""
    def change(name, body):
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(b"worksheets/sheet1.xml", b"bomb/sheet1.xml")
        if name == "xl/worksheets/sheet1.xml":
            return body.replace(b"</worksheet>", b" " * (3 * 1024 * 1024) + b"</worksheet>")
        if name == "[Content_Types].xml":
            return body.replace(b"/xl/worksheets/sheet1.xml", b"/xl/bomb/sheet1.xml")
        return body
    path = repack(ledger(tmp_path / "a.xlsx"), tmp_path / "县住建局.xlsx", change=change,
                  rename=lambda n: n.replace("worksheets/sheet1.xml", "bomb/sheet1.xml"))
    assert path.stat().st_size < 100_000 and "xl/bomb/sheet1.xml" in zipfile.ZipFile(path).namelist()
    with pytest.raises(ReadProblem) as caught:
        read_grids(path.read_bytes(), ".xlsx", 2 * 1024 * 1024)
    assert caught.value.code == "file_too_large"
    assert read_file(path, config).files[0].disposition == "processed"  # under the real 300 MB limit it is a ledger


def test_a_part_whose_zip_directory_understates_its_size_is_measured_by_inflating(tmp_path):
    path = repack(ledger(tmp_path / "a.xlsx"), tmp_path / "b.xlsx", change=lambda n, body: body.replace(
        b"</worksheet>", b" " * (3 * 1024 * 1024) + b"</worksheet>") if n.endswith("sheet1.xml") else body)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    # lie in the central directory: claim the part inflates to 1 KB
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml") + 1)
    data[central + 24:central + 28] = (1024).to_bytes(4, "little")
    assert info.file_size > 3 * 1024 * 1024
    with pytest.raises(ReadProblem) as caught:
        read_grids(bytes(data), ".xlsx", 2 * 1024 * 1024)
    assert caught.value.code in ("file_too_large", "file_unreadable")


# --- the grid is bounded before it is built ---------------------------------------------------------

@pytest.mark.parametrize("ref", ["ZZ1048576", "ZZ100000", "A1048576"])
def test_one_far_cell_is_refused_before_the_grid_is_built(tmp_path, config, ref):
    path = write_xlsx(tmp_path / "县住建局.xlsx", [HEADER, *rows_of(2)])
    wb = openpyxl.load_workbook(path)
    wb.active[ref] = "x"
    wb.save(path)
    assert path.stat().st_size < 10_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = read_file(path, config)
    src = result.files[0]
    assert (src.disposition, list(result.findings["code"])) == ("rejected", ["sheet_too_large"])
    assert ref in src.reason and "删除多余的行和列" in src.reason and src.department == "县住房和城乡建设局"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KB: nothing dense was built


def test_a_sheet_within_the_cell_limit_is_read(tmp_path, config):
    path = write_xlsx(tmp_path / "县住建局.xlsx", [HEADER, *rows_of(2)])
    wb = openpyxl.load_workbook(path)
    wb.active["Z20000"] = "远处的备注"
    wb.save(path)
    assert sheet_extent(zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"))[:2] == (20000, 26)
    assert read_file(path, config).files[0].disposition == "processed"


def test_the_extent_counts_cell_references_and_rows(tmp_path):
    xml = (b'<worksheet><sheetData><row r="3"><c r="B3"><v>1</v></c></row>'
           b'<row r="70000"><c r="AB70000" t="s"><v>0</v></c></row></sheetData></worksheet>')
    assert sheet_extent(xml) == (70000, 28, "AB70000")
    assert sheet_extent(xml.replace(b'r="B3"', b'r="AD3"')) == (70000, 30, "AB70000")
    tabbed = b'<worksheet><sheetData><row r="1"><c\tr="ZZ1048576"><v>1</v></c></row></sheetData></worksheet>'
    assert sheet_extent(tabbed)[:2] == (1048576, 702)
    unnumbered = b"<worksheet><sheetData>" + b'<row spans="1:1"><c><v>1</v></c></row>' * 3 + b"</sheetData></worksheet>"
    assert sheet_extent(unnumbered)[0] >= 3
    small = b'<worksheet><sheetData><row r="3"><c r="B3"><v>1</v></c></row></sheetData></worksheet>'
    rows, cols, _ = sheet_extent(small)
    assert rows * cols < 300_000


def far_row_xlsb(source: Path, target: Path) -> Path:
    """An Excel .xlsb whose last row header (BrtRowHdr) is moved to row 1,048,576 and one cell to column 700."""
    def change(name, body):
        if not (name.startswith("xl/worksheets/sheet") and name.endswith(".bin")):
            return body
        data, pos, last_row, last_cell = bytearray(body), 0, None, None
        while pos < len(data):
            kind, pos = _varint(data, pos, 2)
            size, pos = _varint(data, pos, 4)
            if kind == 0:
                last_row = pos
            elif 2 <= kind <= 11:
                last_cell = pos
            pos += size
        data[last_row:last_row + 4] = (1_048_575).to_bytes(4, "little")
        data[last_cell:last_cell + 4] = (700).to_bytes(4, "little")
        return bytes(data)
    return repack(source, target, change=change)


def test_an_xlsb_sheet_is_bounded_before_it_is_built(config, tmp_path):
    good = tmp_path / "县水利局.xlsb"
    shutil.copy(REAL / "date.xlsb", good)
    assert read_file(good, config).files[0].disposition == "rejected"  # read (no 填报单位), not refused
    assert "单元格范围" not in read_file(good, config).files[0].reason
    result = read_file(far_row_xlsb(REAL / "date.xlsb", tmp_path / "县住建局.xlsb"), config)
    assert (result.files[0].disposition, list(result.findings["code"])) == ("rejected", ["sheet_too_large"])
    assert "1048576 行 × 701 列" in result.files[0].reason


def test_an_ods_that_asks_for_billions_of_cells_is_refused(config, tmp_path):
    path = tmp_path / "县水利局.ods"
    shutil.copy(REAL / "issue_594_dos.ods", path)
    result = read_file(path, config)
    assert (result.files[0].disposition, list(result.findings["code"])) == ("rejected", ["sheet_too_large"])


# --- passwords and exports -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["password_2002_40_xor.xls", "password_2002_128_strong.xls", "pass_protected.xlsx"])
def test_password_protected_files_written_by_excel_say_so(tmp_path, config, name):
    path = tmp_path / ("县水利局" + Path(name).suffix)
    shutil.copy(REAL / name, path)
    result = read_file(path, config)
    assert (result.files[0].disposition, list(result.findings["code"])) == ("rejected", ["file_password"])
    assert "密码" in result.files[0].reason


SPREADSHEET_ML = ('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                  '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="台账"/></Workbook>')


@pytest.mark.parametrize("body", [(REAL / "column_width.htm").read_bytes(), SPREADSHEET_ML.encode("utf-8"),
                                  "<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode("gbk")])
def test_web_page_or_xml_saved_as_xls_says_what_it_is_and_how_to_fix_it(tmp_path, config, body):
    path = tmp_path / "县水利局台账.xls"
    path.write_bytes(body)
    result = read_file(path, config)
    assert (result.files[0].disposition, list(result.findings["code"])) == ("rejected", ["file_export_format"])
    assert "网页/XML格式" in result.files[0].reason and "另存为 .xlsx" in result.files[0].reason


# --- every format, every file: one inbox ------------------------------------------------------------

def mixed_inbox(inbox: Path) -> dict[str, tuple[str, str]]:
    """name → (disposition, words of its reason); the readable ledgers come from other writers' formats."""
    inbox.mkdir(parents=True)
    table = [["郏县政务失信问题排查整治台账"], [LINE.replace("县住建局", "县自然资源局")], HEADER, *rows_of(2)]
    ods_ledger(inbox / "县自然资源局台账.ods", table)
    shutil.copy(SAMPLE_XLS, inbox / "县水利局台账.et")        # WPS .et with BIFF inside (县水利局)
    shutil.copy(ledger(inbox.parent / "ett.xlsx", department="县商务局"), inbox / "县商务局台账.ett")  # OOXML inside
    template_ledger(inbox / "县财政局台账.xltx", macro=False, department="县财政局")
    template_ledger(inbox / "县司法局台账.xltm", macro=True, department="县司法局")
    shutil.copy(REAL / "date.xlsb", inbox / "县气象数据.xlsb")     # an Excel binary workbook, but no ledger
    shutil.copy(REAL / "any_sheets.ods", inbox / "县城市管理局台账.ods")
    shutil.copy(REAL / "picture.jpg", inbox / "现场照片.jpg")
    shutil.copy(REAL / "picture.jpg", inbox / "县教育体育局台账.jpg")
    word_document(inbox / "情况说明.docx")
    with zipfile.ZipFile(inbox / "各乡镇台账.zip", "w") as z:
        z.writestr("a.txt", "x")
    return {"县自然资源局台账.ods": ("processed", ""), "县水利局台账.et": ("processed", ""),
            "县商务局台账.ett": ("processed", ""), "县财政局台账.xltx": ("processed", ""),
            "县司法局台账.xltm": ("processed", ""), "县气象数据.xlsb": ("rejected", "填报单位"),
            "县城市管理局台账.ods": ("rejected", "表头"),
            "现场照片.jpg": ("ignored", "图片"), "县教育体育局台账.jpg": ("rejected", "图片"),
            "情况说明.docx": ("ignored", "Word"), "各乡镇台账.zip": ("ignored", "压缩包")}


def test_an_inbox_of_every_format_gives_every_file_a_disposition_and_a_reason(tmp_path):
    base = tmp_path / "office"
    expected = mixed_inbox(base / "inbox")
    out = base / "outbox"
    code = main(["run", "--config", str(config_path()), "--inbox", str(base / "inbox"), "--outbox", str(out),
                 "--db", str(base / "ledger.sqlite"), "--as-of", "2026-11-26"])
    assert code == 0
    files = {f["name"]: f for f in json.loads((out / "2026-W48" / "run.json").read_text(encoding="utf-8"))["files"]}
    assert set(files) == set(expected)
    for name, (disposition, words) in expected.items():
        assert files[name]["disposition"] == disposition, files[name]
        assert words in files[name]["reason"], files[name]
        if disposition == "processed":
            assert files[name]["rows_read"] == 2, files[name]
        else:
            assert files[name]["reason"]
