"""Low-level reading: the bytes of one input file → grids of cell values with absolute row numbers.

The kind of file is decided by its content, not its extension: a zip is an OOXML workbook
(.xlsx .xlsm .xltx .xltm .xlsb, WPS .et/.ett saved as OOXML) or an OpenDocument spreadsheet (.ods),
an OLE2 file is a BIFF .xls (also WPS .et/.ett) or an encrypted OOXML package, anything else named
.csv is text. Zip packages are inspected before calamine sees them: the workbook is found through
`_rels/.rels` (names normalised: `xl\\workbook.xml` is `xl/workbook.xml`), every part reachable
through the relationships counts towards the zip-bomb limit by the bytes it really inflates to,
XML entity declarations are refused, far-right cells (columns AAA+) are dropped, and a sheet whose
cells span more than `max_cells` (rows × columns, the dense grid calamine would allocate) is
refused before it is built (.xlsx from the XML's references, .xlsb from its BIFF12 records; an .ods
is left to calamine's own cell limit, a BIFF .xls is at most 65,536 × 256). Problems are raised as `ReadProblem(code, detail)` with a finding code;
intake turns them into findings.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# BIFF8/BIFF5 workbook globals start with BOF; FILEPASS (0x002F) right after it (or after an empty
# WRITEPROT, 0x0086) means an open password.
_BIFF_FILEPASS = re.compile(
    rb"(?:\x09\x08\x10\x00\x00\x06\x05\x00.{12}|\x09\x08\x08\x00\x00\x05\x05\x00.{4})"
    rb"(?:\x86\x00\x00\x00)?\x2f\x00",
    re.DOTALL,
)
DEFAULT_MAX_CELLS = 5_000_000
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OFFICE_DOCUMENT = "/officeDocument"
# Cells in columns AAA.. (703+) are far beyond any ledger; calamine would allocate them densely.
_FAR_CELL = re.compile(rb'<c r="[A-Z]{3}[0-9]+"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_FAR_CELL_PROBE = re.compile(rb'<c r="[A-Z]{3}[0-9]+"')
_DIMENSION = re.compile(rb"<dimension [^>]*/>")
# A reference that may make the grid large: a row of 5+ digits or a column of 2+ letters.
# (no word boundary before r=: a literal start is fast to search, and a stray match only costs the exact count)
_BIG_REF = re.compile(rb'r="(?:[A-Za-z]{2,3}[0-9]+|[A-Za-z]{0,3}[0-9]{5,})"')
_ROW_WITH_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="')
_REF = re.compile(rb'\br="([A-Za-z]{0,3})([0-9]{1,8})"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'\b(Target|Type|TargetMode)\s*=\s*"([^"]*)"')
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_SHEET_ATTR = re.compile(rb'\b(name|(?:\w+:)?id)\s*=\s*"([^"]*)"')
_XML_TYPES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 20
csv.field_size_limit(16 * 1024 * 1024)  # a 100,000-character cell must stay whole


class ReadProblem(Exception):
    """A file that cannot be read; `code` is a findings.CATALOGUE code. `names_kind`: the detail says
    what the file is instead (a PDF, a Word document…), so it can stand for the file in a message."""

    def __init__(self, code: str, detail: str = "", names_kind: bool = False):
        super().__init__(detail or code)
        self.code, self.detail, self.names_kind = code, detail, names_kind


@dataclass
class Grid:
    """One sheet: rows of cell values ('' or None empty), each with the row number a person sees.
    A hidden sheet is listed (so intake can say it skipped it) but not read."""

    name: str
    rows: list[list] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # indices into rows/cols, inclusive
    hidden: bool = False

    @property
    def empty(self) -> bool:
        return not any(v not in ("", None) for row in self.rows for v in row)


@dataclass(frozen=True)
class Limits:
    max_unzipped: int  # bytes all parts of a zip package may inflate to
    max_cells: int = DEFAULT_MAX_CELLS  # rows × columns of one sheet's grid


def read_grids(
    data: bytes, suffix: str, max_unzipped: int, max_cells: int = DEFAULT_MAX_CELLS, path: Path | None = None
) -> list[Grid]:
    """Every worksheet of a workbook (hidden ones listed, unread), or the one grid of a CSV file.
    `path` (the file the bytes came from) lets calamine report its own errors (an open password)."""
    limits = Limits(max_unzipped, max_cells)
    if data.startswith(ZIP_MAGIC):
        kind, body = _checked_zip(data, limits)
        return _read_workbook(body, kind, path if body is data else None, suffix)
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data or _BIFF_FILEPASS.search(data):
            raise ReadProblem("file_password")
        return _read_workbook(data, "xls", path, suffix)
    if suffix == ".csv" and not _looks_like_markup(data):
        return [read_csv(data)]
    raise ReadProblem(*not_spreadsheet(data))


def not_spreadsheet(data: bytes) -> tuple[str, str, bool]:
    """(finding code, detail, whether the detail names the kind) for bytes that are no workbook, saying
    what they are when it is known."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _looks_like_markup(data):
        return "file_export_format", "", False
    known = [
        (b"%pdf", "这是 PDF 文件，不是 Excel 台账"),
        (b"\xff\xd8\xff", "这是图片（JPEG），不是 Excel 台账"),
        (b"\x89png", "这是图片（PNG），不是 Excel 台账"),
        (b"gif8", "这是图片（GIF），不是 Excel 台账"),
        (b"{\\rtf", "这是 RTF 文档，不是 Excel 台账"),
        (b"rar!", "这是 RAR 压缩包，请解压后把其中的台账单独报送"),
        (b"7z\xbc\xaf", "这是 7z 压缩包，请解压后把其中的台账单独报送"),
    ]
    for magic, reason in known:
        if head.startswith(magic):
            return "file_unreadable", reason, True
    return "file_unreadable", "不是有效的 Excel 文件（文件已损坏或扩展名不符）", False


def _looks_like_markup(data: bytes) -> bool:
    """HTML or SpreadsheetML-2003 XML, which government systems often export under a .xls name."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        head = data[:8192].decode("utf-16", "ignore").lower().lstrip("\ufeff \t\r\n").encode()
    return head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or (
        head.startswith(b"<?xml")
        and (b"urn:schemas-microsoft-com:office:spreadsheet" in head or b"<workbook" in head or b"<html" in head)
    )


# --- zip packages ----------------------------------------------------------------------------


def _checked_zip(data: bytes, limits: Limits) -> tuple[str, bytes]:
    """(kind, bytes to read): refuse zip bombs, entity declarations and huge grids; strip far cells."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            package = _Package(zf, limits)
            kind = package.kind()
            package.check_sizes()
            if kind == "ods":
                return kind, data
            package.check_sheets()
            return kind, package.rebuilt(data)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        OSError,
    ) as exc:
        raise ReadProblem("file_unreadable", "压缩结构已损坏，不是有效的 Excel 文件") from exc


class _Package:
    """A zip package seen the way calamine sees it: names normalised, parts found through relationships."""

    def __init__(self, zf: zipfile.ZipFile, limits: Limits):
        self.zf, self.limits = zf, limits
        self.infos = {_part_name(i.filename): i for i in zf.infolist() if not i.is_dir()}
        self.workbook = ""
        self.sheets: dict[str, str] = {}  # part name → sheet name
        self.changed: dict[str, bytes] = {}  # part name → rewritten body (far cells dropped)
        self.bodies: dict[str, bytes] = {}  # part name → inflated body, read once

    def kind(self) -> str:
        if self._read_small("mimetype").strip() == ODS_MIME:
            return "ods"
        target = next((t for t, typ in self.relations("") if typ.endswith(OFFICE_DOCUMENT)), "")
        self.workbook = (
            target if target in self.infos else ("xl/workbook.xml" if "xl/workbook.xml" in self.infos else "")
        )
        if self.workbook.endswith(".xml") and self._is_workbook_xml():
            self.sheets = self._sheet_parts()
            return "xlsx"
        if self.workbook.endswith(".bin"):
            self.sheets = {
                t: posixpath.basename(t)
                for t, typ in self.relations(self.workbook)
                if typ.endswith("/worksheet") and t in self.infos
            }
            return "xlsb"
        raise ReadProblem("file_unreadable", self._not_workbook_reason(target), names_kind=True)

    def _not_workbook_reason(self, target: str) -> str:
        names = set(self.infos)
        if target.startswith("word/") or "word/document.xml" in names:
            return "这是 Word 文档，不是 Excel 台账"
        if target.startswith("ppt/") or "ppt/presentation.xml" in names:
            return "这是 PowerPoint 演示文稿，不是 Excel 台账"
        if b"opendocument.text" in self._read_small("mimetype"):
            return "这是 OpenDocument 文本文档，不是 Excel 台账"
        if any(n.startswith("index/") and n.endswith(".iwa") for n in names):
            return "这是苹果 Numbers 表格，请用 Numbers 导出为 Excel（.xlsx）后重新报送"
        return "这是压缩包，里面没有可直接读取的 Excel 工作簿；如是多个台账，请解压后单独报送"

    def _is_workbook_xml(self) -> bool:
        head = self._read_small(self.workbook, 4096)
        return b"workbook" in head.lower()

    def relations(self, part: str) -> list[tuple[str, str]]:
        """(target part, type) of the part's relationships ('' = the package root)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        out = []
        for tag in _RELATIONSHIP.findall(self._read_small(rels, 4 << 20)):
            attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
            if attrs.get("TargetMode", "").lower() == "external" or not attrs.get("Target"):
                continue
            out.append((_resolve(folder, attrs["Target"]), attrs.get("Type", "")))
        return out

    def _sheet_parts(self) -> dict[str, str]:
        by_id = {}
        for tag in _RELATIONSHIP.findall(self._read_small(_rels_of(self.workbook), 4 << 20)):
            attrs = dict(re.findall(rb'\b(Id|Target|TargetMode)\s*=\s*"([^"]*)"', tag))
            if attrs.get(b"Target") and attrs.get(b"TargetMode", b"").lower() != b"external":
                by_id[attrs.get(b"Id", b"")] = _resolve(posixpath.dirname(self.workbook), attrs[b"Target"].decode())
        out = {}
        for tag in _SHEET_TAG.findall(self._read_small(self.workbook, 64 << 20)):
            attrs = {k.split(b":")[-1]: v for k, v in _SHEET_ATTR.findall(tag)}
            part = by_id.get(attrs.get(b"id", b""))
            if part in self.infos:
                out[part] = _xml_text(attrs.get(b"name", b""))
        return out

    def reachable(self) -> list[str]:
        """Every part reachable from the package root through relationships."""
        seen, todo = set(), [""]
        while todo:
            part = todo.pop()
            for target, _ in self.relations(part):
                if target in self.infos and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return sorted(seen | {self.workbook} - {""})

    def check_sizes(self) -> None:
        """The zip directory's sizes of all parts, then the bytes the reachable parts really inflate to."""
        limit = self.limits.max_unzipped
        declared = sum(i.file_size for i in self.infos.values())
        if declared > limit:
            raise ReadProblem("file_too_large", _mb(limit))
        total = 0
        for part in self.reachable() + [p for p in ("content.xml", "styles.xml") if p in self.infos]:
            if part in self.sheets and self.infos[part].file_size <= limit - total:
                self.bodies[part] = body = self._read_checked(part, limit - total)  # kept: check_sheets needs it
                total += len(body)
            else:
                total += self._inflated_size(part, limit - total)
            if total > limit:
                raise ReadProblem("file_too_large", _mb(limit))

    def _read_checked(self, part: str, budget: int) -> bytes:
        with self.zf.open(self.infos[part]) as stream:
            body = stream.read(budget + 1)
        _refuse_entities(body[:1024], part)
        return body

    def _inflated_size(self, part: str, budget: int) -> int:
        """Bytes the part inflates to (reading stops past the budget); XML parts are checked for entities."""
        size, first = 0, True
        with self.zf.open(self.infos[part]) as stream:
            while chunk := stream.read(_CHUNK):
                if first and part.endswith(_XML_TYPES):
                    _refuse_entities(chunk[:1024], part)
                first = False
                size += len(chunk)
                if size > budget:
                    break
        return size

    def check_sheets(self) -> None:
        """Each worksheet's extent, before calamine allocates it; far-right cells are dropped."""
        for part, name in self.sheets.items():
            if part.endswith(".bin"):
                rows, cols, ref = binary_sheet_extent(self.bodies.get(part) or self.zf.read(self.infos[part]))
                if rows * cols > self.limits.max_cells:
                    raise ReadProblem("sheet_too_large", _extent_text(name, rows, cols, ref, self.limits.max_cells))
                continue
            if not part.endswith(".xml"):
                continue
            xml = self.bodies.get(part) or self.zf.read(self.infos[part])
            if _FAR_CELL_PROBE.search(xml):
                xml = _DIMENSION.sub(b"", _FAR_CELL.sub(b"", xml))
                self.changed[part] = xml
            rows, cols, ref = sheet_extent(xml)
            if rows * cols > self.limits.max_cells:
                raise ReadProblem("sheet_too_large", _extent_text(name, rows, cols, ref, self.limits.max_cells))

    def rebuilt(self, data: bytes) -> bytes:
        """The original bytes, or the package rebuilt in memory with the changed parts."""
        if not self.changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.zf.infolist():
                part = _part_name(info.filename)
                target.writestr(info, self.changed.get(part) or self.zf.read(info))
        return out.getvalue()

    def _read_small(self, part: str, limit: int = 1024) -> bytes:
        info = self.infos.get(part)
        if info is None:
            return b""
        with self.zf.open(info) as stream:
            head = stream.read(limit)
        if part.endswith(_XML_TYPES):
            _refuse_entities(head[:1024], part)
        return head


def sheet_extent(xml: bytes) -> tuple[int, int, str]:
    """(rows, columns, farthest reference) of the grid calamine would build from a worksheet's XML: from
    A1 to the largest row and column any cell or row names. Cheap when no reference is large."""
    rows = xml.count(b"<row") + xml.count(b":row")  # a row without r= is the one after the previous row
    if not _BIG_REF.search(xml):
        return 9_999 + rows, 26, ""
    rows_without_ref = rows - len(_ROW_WITH_REF.findall(xml))
    max_row = max_col = 0
    far = (0, 0)
    for letters, digits in set(_REF.findall(xml)):
        row, col = int(digits), _column_number(letters)
        max_row, max_col = max(max_row, row), max(max_col, col)
        if letters and (row, col) > far:
            far = (row, col)
    rows, cols = max_row + rows_without_ref, max(max_col, 1)
    return rows, cols, f"{_column_letters(far[1])}{far[0]}" if far[0] else f"{_column_letters(cols)}{rows}"


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_BIN_CELLS = frozenset([*range(2, 12), *range(13, 19)])  # BIFF12 cells with a value (not the blank ones, 1 and 12)


def binary_sheet_extent(data: bytes) -> tuple[int, int, str]:
    """The same for an .xlsb worksheet part: BIFF12 records, BrtRowHdr (0) naming the row, cell records
    their column. A pure-Python walk over the records; .xlsb ledgers are rare and small."""
    pos, end, row, max_row, max_col = 0, len(data), 0, 0, 0
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if kind == 0 and size >= 4:
            row = int.from_bytes(data[pos : pos + 4], "little")
        elif kind in _BIN_CELLS and size >= 4:
            max_row, max_col = max(max_row, row + 1), max(max_col, int.from_bytes(data[pos : pos + 4], "little") + 1)
        pos += size
    return max_row, max(max_col, 1), f"{_column_letters(max(max_col, 1))}{max_row}"


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift if most == 4 else byte << shift
        shift += 7 if most == 4 else 8
        if not byte & 0x80:
            break
    return value, pos


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _extent_text(sheet: str, rows: int, cols: int, ref: str, limit: int) -> str:
    return (
        f"工作表“{sheet}”的单元格范围达 {rows} 行 × {cols} 列（最远处有内容的单元格是 {ref}），超过 {limit // 10_000} 万个单元格的上限，"
        f"多为误填了很远处的单元格或异常文件；请删除多余的行和列后重新报送"
    )


def _part_name(name: str) -> str:
    return name.replace("\\", "/").lstrip("/")


def _resolve(folder: str, target: str) -> str:
    target = target.replace("\\", "/")
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/") if path else ""


def _rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _mb(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def _refuse_entities(head: bytes, part: str) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ReadProblem("file_unreadable", f"{part} 含有 DOCTYPE/ENTITY 声明，疑似恶意构造的文件")


# --- calamine --------------------------------------------------------------------------------

SUFFIX = {"xlsx": ".xlsx", "xlsb": ".xlsb", "ods": ".ods", "xls": ".xls"}


def _read_workbook(data: bytes, kind: str, path: Path | None, suffix: str) -> list[Grid]:
    """Through calamine. Formats other than xlsx are opened by a path with their proper suffix, because
    opening bytes makes calamine try every format in turn and hides its own message (an open password,
    too many cells)."""
    try:
        if kind == "xlsx":
            return _grids(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
        if path is not None and suffix == SUFFIX[kind]:
            return _grids(python_calamine.CalamineWorkbook.from_path(str(path)))
        with tempfile.TemporaryDirectory(prefix="ledger-") as folder:
            copy = Path(folder) / f"book{SUFFIX[kind]}"
            copy.write_bytes(data)
            return _grids(python_calamine.CalamineWorkbook.from_path(str(copy)))
    except python_calamine.PasswordError as exc:
        raise ReadProblem("file_password") from exc
    except ReadProblem:
        raise
    except Exception as exc:  # calamine reports corrupt files with several exception types
        if "limit exceeded" in str(exc).lower():
            raise ReadProblem(
                "sheet_too_large", "工作表的单元格范围超过上限，疑似异常文件；请删除多余的行和列后重新报送"
            ) from exc
        raise ReadProblem("file_unreadable", "文件已损坏或格式无法识别") from exc


def _grids(book) -> list[Grid]:
    with book:
        return [
            _sheet_grid(book, meta.name) if _is_visible_sheet(meta) else Grid(meta.name, hidden=True)
            for meta in book.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]


def _is_visible_sheet(meta) -> bool:
    return meta.visible == python_calamine.SheetVisibleEnum.Visible


def _sheet_grid(book, name: str) -> Grid:
    sheet = book.get_sheet_by_name(name)
    if sheet.start is None:
        return Grid(name)
    top, left = sheet.start
    rows = [_trim(row) for row in sheet.to_python()]
    merged = [
        (r0 - top, c0 - left, r1 - top, c1 - left)
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        if r1 >= top and c1 >= left
    ]
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
