"""Low-level reading: the bytes of one input file → grids of cell values with absolute row numbers.

The kind of file is decided by its content, not its extension: a zip is an OOXML workbook
(.xlsx/.xlsm), an OLE2 file is a BIFF .xls (or an encrypted OOXML package), anything else named
.csv is text. Zip workbooks are inspected from the zip directory before calamine sees them (zip
bomb and XML entity guards, far-right cells that would make a dense range of 16,384 columns).
Problems are raised as `ReadProblem(code, detail)` with a finding code; intake turns them into
findings.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XML_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml|workbook\.xml)$", re.IGNORECASE)
_SIZED_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$", re.IGNORECASE)
# Cells in columns AAA.. (703+) are far beyond any ledger; calamine would allocate them densely.
_FAR_CELL = re.compile(rb'<c r="[A-Z]{3}[0-9]+"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_FAR_CELL_PROBE = re.compile(rb'<c r="[A-Z]{3}[0-9]+"')
_DIMENSION = re.compile(rb"<dimension [^>]*/>")
csv.field_size_limit(16 * 1024 * 1024)  # a 100,000-character cell must stay whole


class ReadProblem(Exception):
    """A file that cannot be read; `code` is a findings.CATALOGUE code."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code, self.detail = code, detail


@dataclass
class Grid:
    """One sheet: rows of cell values ('' or None empty), each with the row number a person sees."""
    name: str
    rows: list[list] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # indices into rows/cols, inclusive

    @property
    def empty(self) -> bool:
        return not any(v not in ("", None) for row in self.rows for v in row)


def read_grids(data: bytes, suffix: str, max_unzipped: int) -> list[Grid]:
    """Every visible worksheet of a workbook, or the one grid of a CSV file."""
    if data.startswith(ZIP_MAGIC):
        return _read_workbook(_checked_zip(data, max_unzipped))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise ReadProblem("file_password")
        return _read_workbook(data)
    if data.startswith(b"%PDF"):
        raise ReadProblem("file_unreadable", "这是 PDF 文件，不是 Excel 台账")
    if suffix == ".csv":
        return [read_csv(data)]
    raise ReadProblem("file_unreadable", "不是有效的 Excel 文件（文件已损坏或扩展名不符）")


# --- zip workbooks ---------------------------------------------------------------------------

def _checked_zip(data: bytes, max_unzipped: int) -> bytes:
    """Refuse zip bombs and entity declarations; strip far-right cells. Returns workbook bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise ReadProblem("file_unreadable", _not_workbook_reason(names))
            total = sum(i.file_size for i in infos if _SIZED_PARTS.match(i.filename))
            if total > max_unzipped:
                raise ReadProblem("file_too_large", f"{max_unzipped // (1024 * 1024)} MB")
            parts = [i for i in infos if _XML_PARTS.match(i.filename)]
            for info in parts:
                _refuse_entities(zf, info)
            return _without_far_cells(zf, infos, data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
            RuntimeError, OSError) as exc:
        raise ReadProblem("file_unreadable", "压缩结构已损坏，不是有效的 Excel 文件") from exc


def _not_workbook_reason(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "这是 Word 文档，不是 Excel 台账"
    return "压缩包内没有 Excel 工作簿，不是有效的 Excel 文件"


def _refuse_entities(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with zf.open(info) as part:
        head = part.read(1024)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ReadProblem("file_unreadable", f"{info.filename} 含有 DOCTYPE/ENTITY 声明，疑似恶意构造的文件")


def _without_far_cells(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], data: bytes) -> bytes:
    """The workbook bytes, rebuilt in memory without cells in columns AAA+ when there are any."""
    sheets = {i.filename: zf.read(i) for i in infos if i.filename.startswith("xl/worksheets/")
              and i.filename.endswith(".xml")}
    far = {name for name, xml in sheets.items() if _FAR_CELL_PROBE.search(xml)}
    if not far:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            body = zf.read(info)
            if info.filename in far:
                body = _DIMENSION.sub(b"", _FAR_CELL.sub(b"", body))
            target.writestr(info, body)
    return out.getvalue()


# --- calamine --------------------------------------------------------------------------------

def _read_workbook(data: bytes) -> list[Grid]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        with book:
            return [_sheet_grid(book, meta.name) for meta in book.sheets_metadata if _is_visible_sheet(meta)]
    except python_calamine.PasswordError as exc:
        raise ReadProblem("file_password") from exc
    except ReadProblem:
        raise
    except Exception as exc:  # calamine reports corrupt files with several exception types
        raise ReadProblem("file_unreadable", "文件已损坏或格式无法识别") from exc


def _is_visible_sheet(meta) -> bool:
    return (meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet)


def _sheet_grid(book, name: str) -> Grid:
    sheet = book.get_sheet_by_name(name)
    if sheet.start is None:
        return Grid(name)
    top, left = sheet.start
    rows = [_trim(row) for row in sheet.to_python()]
    merged = [(r0 - top, c0 - left, r1 - top, c1 - left) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
              if r1 >= top and c1 >= left]
    return Grid(name, rows, list(range(top + 1, top + 1 + len(rows))), merged)


def _trim(row: list) -> list:
    end = len(row)
    while end and row[end - 1] in ("", None):
        end -= 1
    return row[:end] if end < len(row) else row


# --- CSV -------------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), then UTF-16 by its BOM, then GB18030; never a silent wrong guess."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadProblem("file_unreadable", "UTF-16 编码内容有误") from exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadProblem("file_unreadable", "无法识别文本编码，请另存为 UTF-8 或 GBK 编码的 CSV") from exc


def read_csv(data: bytes) -> Grid:
    """A CSV as one grid; each record numbered by the physical line on which it starts."""
    text = decode_text(data)
    if "\x00" in text:
        raise ReadProblem("file_unreadable", "不是文本格式的 CSV 文件")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers, line = [], [], 0
    try:
        for record in reader:
            if record:
                rows.append(_trim(record))
                numbers.append(line + 1)
            line = reader.line_num
    except csv.Error as exc:
        raise ReadProblem("file_unreadable", f"CSV 格式有误（第{line + 1}行）") from exc
    return Grid("", rows, numbers)
