"""Intake: the inbox files → one `SourceFile` per file, the raw data rows, and file-level findings.

Reading strategy. Each file is read once into memory (sha256, then parsed from the bytes, so the
input is never opened for writing). `readers` turns it into grids: python-calamine for every
workbook (cached formula values, absolute row numbers from the sheet's start, merged ranges),
the csv module for text. Then, per grid: skip instruction and hidden sheets, find the header in the
first rows by mapping cells to standard keys (exact header text or a contained synonym; a second
header row under a merged parent is combined), fill vertically merged cells down, and keep the rows
that carry data (not blank, 合计, footnotes, 序号-only or a 无 line). The department comes from the
填报单位 line, else a 填报单位 column, else the file name. Rows are built as plain lists and turned
into one DataFrame per call; no per-cell pandas work.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.intake import columns

from pipeline.core import findings as fnd
from pipeline.core.config import Config, IntakeSettings
from pipeline.core.errors import RunError
from pipeline.core.names import display_name, display_names, extension, is_own_file
from pipeline.intake.readers import Grid, ReadProblem, read_grids
from pipeline.runtime.parallel import run_jobs
from pipeline.core.text import cell_text, clean_text, department_key, header_key, header_unit

PROVENANCE = ["file", "sheet", "row", "department", "file_time"]
UNITS = ["amount_unit", "paid_unit"]
ABSENT = "absent_keys"  # raw rows: the required keys the row's sheet has no column for, space-separated
DEFAULT_UNIT = "万元"
_EXCEL_EPOCH = date(1899, 12, 30)
log = logging.getLogger(__name__)
REASON_NOTE = ".原因.txt"  # beside a quarantined file: the run's own note of why, not an input
LOCK_PREFIX, LOCK_REASON = "~$", "Excel/WPS 打开文件时留下的临时锁文件，不是台账，已忽略"
APPLE_DOUBLE = b"\x00\x05\x16\x07"  # the magic number of a macOS ._ resource file
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_BLANK_FILL = re.compile(r"[_＿\s…—-]*")
_PUNCT = re.compile(r"[\s,，.。;；:：!！、]")


@dataclass
class SourceFile:
    path: Path
    name: str
    sha256: str
    mtime: float
    size: int
    department: str | None = None
    raw_department: str = ""
    disposition: str = "processed"
    reason: str = ""
    reason_code: str = ""  # the finding code behind `reason`; code decides, the message is for people
    sheet: str = ""
    header_row: int = 0
    filled_date: date | None = None
    sender_department: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    sheets: list[str] = field(default_factory=list)  # every sheet whose rows were read
    columns: dict[str, str] = field(default_factory=dict)  # header text → standard key, as mapped


@dataclass
class Intake:
    files: list[SourceFile]
    rows: pd.DataFrame
    findings: pd.DataFrame


@dataclass
class _Header:
    index: int  # grid row index of the (upper) header row
    depth: int  # 1 or 2 header rows
    keys: dict[int, str]  # column index → standard key
    texts: dict[int, str]  # column index → header text used
    department_col: int | None = None
    unmapped: list[str] = field(default_factory=list)
    mapped: list = field(default_factory=list)  # columns.Mapped, one per header column
    units: dict[int, str] = field(default_factory=dict)  # column → unit from a units row under the header
    unit: str | None = None  # `单位：元` written above the table


@dataclass
class _Read:
    source: SourceFile
    records: list[list] = field(default_factory=list)
    found: list[dict] = field(default_factory=list)


# --- public API --------------------------------------------------------------------------------


def list_inputs(folders: list[Path]) -> list[Path]:
    """Every file of the folders, sorted: spreadsheets, and also files that are no spreadsheet (a Word
    document, a picture, a zip), dot files, editor lock files (~$) and symlinks (whatever they point at),
    so that each gets a disposition and a reason in the run's record; only the pipeline's own files (the
    mail index and its temporary files, the quarantine's notes of why) are left out."""
    found = [
        p
        for folder in folders
        if Path(folder).is_dir()
        for p in Path(folder).iterdir()
        if (p.is_symlink() or p.is_file()) and not is_own_file(p.name) and not p.name.endswith(REASON_NOTE)
    ]
    return sorted(found)


def in_name_order(paths: list[Path]) -> list[Path]:
    """Paths sorted by the names shown for them (then by path): a rerun that reads the archived copies,
    stored under those names, reads the files in the same order, so new items get the same ids."""
    return sorted(paths, key=lambda p: (display_name(p.name), p))


def is_spreadsheet_name(name: str) -> bool:
    return extension(name) in IntakeSettings.file_types


def read_file(path: Path, config: Config) -> Intake:
    """One file; a bad file becomes a rejected SourceFile with a finding, never an exception."""
    done = _read_one(Path(path), config, display_name(Path(path).name))
    return Intake([done.source], _frame(done.records, config), fnd.table(done.found))


def read_inputs(paths: list[Path], config: Config, as_of: date | None = None) -> Intake:
    """All files, then resolve duplicates and superseded submissions and drop their rows. A 填报日期
    after `as_of` is a 提醒 and does not count as later (resolve_submissions)."""
    paths = [Path(p) for p in paths]
    reads = _read_all(paths, display_names([p.name for p in paths]), config)
    files = [r.source for r in reads]
    resolve_submissions(files, as_of)
    records, found = [], future_date_findings(files, as_of)
    for r in reads:
        if r.source.disposition in ("duplicate", "superseded"):
            found.append(_disposition_finding(r.source))
            continue
        records.extend(r.records)
        found.extend(r.found)
    return Intake(files, _frame(records, config), fnd.table(found))


def _read_all(paths: list[Path], names: list[str], config: Config) -> list["_Read"]:
    """Read the files, in forked worker processes (runtime/parallel.py) when there are enough of them to pay
    for starting them."""
    workers = config.intake.max_workers if len(paths) >= config.intake.parallel_min_files else 1
    total = len(paths)
    return run_jobs(
        [partial(_read_logged, p, n, config, i, total) for i, (p, n) in enumerate(zip(paths, names), 1)], workers
    )


def _read_logged(path: Path, name: str, config: Config, done: int, total: int) -> "_Read":
    read = _read_one(path, config, name)
    if total >= 100 and (done % 100 == 0 or done == total):  # progress for long runs
        log.info("已读取 %d/%d 个来件", done, total)
    return read


def resolve_submissions(files: list[SourceFile], as_of: date | None = None) -> None:
    """Same bytes: the later file is processed, earlier ones `duplicate`; one department's later
    file (填报日期, then file time) replaces its earlier ones (`superseded`)."""
    live = [f for f in files if f.disposition in ("processed", "zero_report")]
    for group in _groups(live, lambda f: f.sha256):
        _mark_older(group, "duplicate", key=lambda f: (f.mtime, f.name))
    live = [f for f in live if f.disposition in ("processed", "zero_report")]
    for group in _groups([f for f in live if f.department], lambda f: f.department):
        _mark_older(group, "superseded", key=lambda f: _submission_rank(f, as_of))


def _submission_rank(f: SourceFile, as_of: date | None) -> tuple:
    """Later 填报日期, then later file time. A 填报日期 after the as-of date proves nothing (anyone can
    type one), so such a file ranks below every file without one and its date is not compared."""
    future = is_future_dated(f, as_of)
    return (not future, date.min if future else (f.filled_date or date.min), f.mtime, f.name)


def is_future_dated(f: SourceFile, as_of: date | None) -> bool:
    return bool(as_of and f.filled_date and f.filled_date > as_of)


def future_date_findings(files: list[SourceFile], as_of: date | None) -> list[dict]:
    if as_of is None:
        return []
    return [
        fnd.make(
            "filled_date_future",
            file=f.name,
            sheet=f.sheet,
            department=f.department,
            value=str(f.filled_date),
            detail=as_of.isoformat(),
        )
        for f in files
        if is_future_dated(f, as_of)
    ]


def match_department(text: str, config: Config) -> str | None:
    """Registry name for a name or alias, else the longest registry name/alias contained in the text."""
    if not text:
        return None
    exact = config.department(text)
    if exact:
        return exact
    regions = config.office.region_prefixes
    key = department_key(text, regions)
    hits = [(len(label), name) for label, name in _department_labels(config.departments, regions) if label in key]
    return max(hits)[1] if hits else None


# --- one file --------------------------------------------------------------------------------


def _read_one(path: Path, config: Config, name: str) -> _Read:
    """`name`: the file's display name (names.display_name, unique in the run)."""
    skip = skip_reason(path)
    if skip:  # never opened: Excel may hold a lock file, and a link may lead out of the inbox
        mtime, size = _safe_stat(path, follow=False)
        return _Read(SourceFile(path, name, "", mtime, size, disposition="ignored", reason=skip))
    opts = config.intake
    try:
        stat = path.stat()
        data = path.read_bytes()
    except PermissionError:
        return _unopenable(path, name, config, "file_locked", "；文件已留在原处")
    except OSError as exc:
        return _unopenable(path, name, config, "file_unreadable", "", detail=f"无法打开文件（{exc.strerror or exc}）")
    source = SourceFile(path, name, hashlib.sha256(data).hexdigest(), stat.st_mtime, stat.st_size)
    done = _Read(source)
    try:
        grids = read_grids(
            data, extension(path.name), int(opts.max_unzipped_mb) * 1024 * 1024, int(opts.max_cells), path
        )
        _read_grids(done, grids, config, opts)
    except ReadProblem as problem:
        source.department = _guess_from_name(name, config)
        if is_spreadsheet_name(name):
            _reject(done, problem.code, detail=problem.detail)
        else:  # a Word file, a picture…: the sender's submission in the wrong form, else not ours
            _reject(
                done,
                "not_spreadsheet",
                "rejected" if source.department else "ignored",
                detail=_what_it_is(name, problem),
            )
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:  # a batch must survive any file
        done.records.clear()
        source.department = _guess_from_name(name, config)
        _reject(done, "file_unreadable", detail=f"内容结构异常（{type(exc).__name__}）")
    return done


def _what_it_is(name: str, problem: ReadProblem) -> str:
    if problem.code == "file_export_format":
        return fnd.CATALOGUE["file_export_format"].template.split("，请")[0]
    if problem.names_kind:
        return problem.detail
    return f"这是{extension(name) or '无扩展名的'}文件，不是 Excel 台账"


def _guess_from_name(name: str, config: Config) -> str | None:
    """An unreadable file's department from its name only, so its feedback reaches the sender."""
    return match_department(Path(name).stem, config)


def _unopenable(path: Path, name: str, config: Config, code: str, suffix: str, **extra) -> _Read:
    stat = _safe_stat(path)
    done = _Read(SourceFile(path, name, "", stat[0], stat[1], department=_guess_from_name(name, config)))
    _reject(done, code, **extra)
    done.source.reason += suffix
    return done


def _safe_stat(path: Path, follow: bool = True) -> tuple[float, int]:
    try:
        st = path.stat() if follow else path.lstat()
        return st.st_mtime, st.st_size
    except OSError:
        return 0.0, 0


# --- names that are listed but never opened --------------------------------------------------


def skip_reason(path: Path) -> str:
    """Why a listed file is not opened at all (its disposition is then `ignored`); "" to read it."""
    if path.is_symlink():
        return link_reason(path)
    name = path.name
    if name.startswith(LOCK_PREFIX):
        return LOCK_REASON
    if name.startswith(".~lock."):
        return "LibreOffice/WPS 打开文件时留下的锁文件，不是台账，已忽略"
    if name.startswith("._") and _head(path, 4) == APPLE_DOUBLE:
        return "苹果电脑压缩或复制文件时生成的附属文件（._ 开头），不是台账，已忽略"
    return ""


def link_reason(path: Path) -> str:
    """A symlink is listed, never followed: what it points at decides only the reason given."""
    target = Path(os.path.realpath(path))
    if not target.exists():
        return "符号链接，指向的文件不存在，未读取"
    if target.is_dir():
        return "符号链接，指向文件夹，不是台账，未读取"
    if not target.is_relative_to(Path(os.path.realpath(path.parent))):
        return f"符号链接，指向收件箱以外的文件（{target}），出于安全未读取；确是台账的，请把文件本身放入收件箱"
    return f"符号链接（指向 {display_name(target.name)}），未读取；请把台账文件本身放入收件箱"


def _head(path: Path, n: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _read_grids(done: _Read, grids: list[Grid], config: Config, opts: IntakeSettings) -> None:
    src = done.source
    if all(g.empty for g in grids):
        src.department = match_department(Path(src.name).stem, config)
        _reject(done, "file_empty", disposition="rejected" if src.department else "ignored")
        return
    sheets, notes = _data_sheets(grids, config, opts)
    grid, header = sheets[0]
    src.sheet = grid.name
    top = header.index if header else min(len(grid.rows), int(opts.header_scan_rows))
    _identify(src, grid, top, header, config, opts)
    if not src.department:
        _reject(done, "unknown_department" if src.raw_department else "no_department", value=src.raw_department)
        return
    if header is None:
        _headerless(done, grid, config)
        return
    if _lacks_the_ledger_columns(src.name, sheets, opts):
        _reject(done, "not_a_ledger", detail=_not_ledger_detail(header, config))
        return
    if other := _other_kind_of_table(src.name, sheets, opts):
        _reject(done, "not_a_ledger", detail=other)
        return
    done.found.extend(
        fnd.make(code, file=src.name, sheet=name, department=src.department, **extra) for code, name, extra in notes
    )
    rows = [_read_rows(done, g, h, config) for g, h in sheets]
    src.sheets = [g.name for g, _ in sheets]
    src.header_row = sheets[0][0].numbers[sheets[0][1].index]
    _keep_rows(done, rows, config)


def _reject(done: _Read, code: str, disposition: str = "rejected", value: str = "", **extra) -> None:
    src = done.source
    finding = fnd.make(code, file=src.name, sheet=src.sheet, department=src.department, value=value, **extra)
    src.disposition, src.reason, src.reason_code = disposition, finding["message"], code
    done.found.append(finding)


def _not_ledger_detail(header: _Header, config: Config) -> str:
    seen = [header.texts[c] for c in sorted(header.keys)]
    shown = "“" + "”“".join(seen) + "”" if seen else "无"
    need = "".join(f"“{c.name}”" for c in config.columns if c.key in ("company", "description"))
    return f"只识别出{shown}{len(seen)}列，缺少{need}等必填列"


def _lacks_the_ledger_columns(name: str, sheets: list, opts: IntakeSettings) -> bool:
    """No sheet has 企业名称 or 问题描述; or only one of them, no column only a ledger has, and no ledger word
    in the title (a list of companies: 企业名称, 信用代码, 法定代表人, but no 问题类别, 整改状态, 整改措施…)."""
    keys = {k for _, h in sheets for k in h.keys.values()}
    if not {"company", "description"} & keys:
        return True
    words = opts.title_words
    if {"company", "description"} <= keys or set(words.partial_keys) & keys:
        return False
    return not any(w in t for t in _titles(name, sheets, opts) for w in words.ledger)


def _titles(name: str, sheets: list, opts: IntakeSettings) -> list[str]:
    """The lines above the first sheet's header (not the 填报单位 line), else the file name."""
    grid, header = sheets[0]
    skip = (*opts.department_labels, *opts.date_labels, "单位：", "单位:")
    lines = [t for row in grid.rows[: header.index] for t in _texts(row).values() if not any(w in t for w in skip)]
    return [clean_text(t) for t in lines] or [clean_text(Path(name).stem)]


def _other_kind_of_table(name: str, sheets: list, opts: IntakeSettings) -> str:
    """Why a table whose columns look like a ledger's is another kind of table ("" if it is none): its
    title (else the file name) names another kind (进度统计表, 花名册…) and no ledger word (台账, 问题…),
    and no sheet has a column only a ledger has (问题类别, 案号)."""
    words = opts.title_words
    if any(k in words.ledger_keys for _, h in sheets for k in h.keys.values()):
        return ""
    titles = _titles(name, sheets, opts)
    if any(w in t for t in titles for w in words.ledger):
        return ""
    kind = next((t for t in titles if any(w in t for w in words.other)), "")
    return f"标题“{kind}”说明这是另一种表格，表中也没有“问题类别”“案号”等台账专有的列" if kind else ""


def _data_sheets(grids: list[Grid], config: Config, opts: IntakeSettings) -> tuple[list, list]:
    """The sheets to read — every one with a ledger header (_is_ledger_header), else the best one —
    and a note for each sheet skipped (instruction, list, hidden, no ledger header)."""
    skip = tuple(config.words("skip_sheet_words"))
    found: list[tuple[Grid, _Header | None]] = []
    notes: list[tuple[str, str, dict]] = []
    for grid in grids:
        if grid.hidden:
            notes.append(("sheet_skipped", grid.name, {"detail": "是隐藏的工作表"}))
        elif grid.empty:
            continue
        elif any(w in grid.name for w in skip) and len(grids) > 1:
            header = _find_header(grid, config, opts)  # 问题情况说明 may still be the ledger itself
            if (
                header
                and {"company", "description"} <= set(header.keys.values())
                and any(len(_texts(row)) >= 3 for row in grid.rows[header.index + header.depth :])
            ):
                found.append((grid, header))
            else:
                notes.append(("sheet_skipped", grid.name, {"detail": "是填表说明或下拉选项表"}))
        else:
            found.append((grid, _find_header(grid, config, opts)))
    if not found:
        found = [(g, _find_header(g, config, opts)) for g in grids if not g.empty]
    ledgers: list[tuple[Grid, _Header | None]] = [(g, h) for g, h in found if h and _is_ledger_header(h, config)]
    if not ledgers:
        best = max(found, key=lambda gh: len(gh[1].keys) if gh[1] else -1)
        ledgers = [best]
    for grid, header in found:
        if all(grid is not g for g, _ in ledgers):
            notes.append(("sheet_skipped", grid.name, {"detail": "没有台账表头（应有“企业名称”“问题描述”等列）"}))
    return ledgers, notes


def _is_ledger_header(header: _Header, config: Config) -> bool:
    """A ledger sheet's header: 企业名称 and 问题描述, or one of them among several other ledger columns
    (a court's 诉讼案件 sheet: 原告, 案号, 标的额, 立案日期, 审理法院, but nothing that describes)."""
    keys = set(header.keys.values())
    if {"company", "description"} <= keys:
        return True
    least = config.mapping.sheet_min_keys
    return bool({"company", "description"} & keys) and len(keys - {"seq", "note", "owner_person"}) >= least


def _find_header(grid: Grid, config: Config, opts: IntakeSettings) -> _Header | None:
    """The header row: the row of the first rows whose cells name the most standard keys."""
    labels = _department_label_keys(tuple(opts.department_labels))
    scores: list[int] = []
    for row in grid.rows[: int(opts.header_scan_rows)]:
        scores.append(len(set(columns.header_keys(_texts(row), config, labels).values())))
        if len(scores) > 2 and max(scores[-2:]) < max(scores) // 2:
            break  # two rows well below the best: the data has begun (the scan is the costly part of intake)
    if not scores or max(scores) < int(opts.min_header_keys):
        return None
    best = scores.index(max(scores))
    if best and _is_parent_row(grid, best - 1, config, labels):
        best -= 1  # the best row is the child row of a two-row header
    return _build_header(grid, best, config, opts)


@lru_cache(maxsize=8)
def _department_label_keys(labels: tuple) -> frozenset:
    return frozenset(header_key(x) for x in labels)


def _build_header(grid: Grid, row: int, config: Config, opts: IntakeSettings) -> _Header:
    upper = _spread(_texts(grid.rows[row]), grid.merged, row)
    labels = _department_label_keys(tuple(opts.department_labels))
    depth, texts = 1, {c: [t] for c, t in upper.items()}
    lower = _texts(grid.rows[row + 1]) if row + 1 < len(grid.rows) else {}
    if _is_subheader(upper, lower, grid, row, config, labels):
        depth = 2
        texts = {c: [t] for c, t in upper.items() if c not in lower}
        group_words = config.mapping.group_words
        texts |= {
            c: [t] + ([f"{_parent_core(upper[c], group_words)}{t}"] if c in upper and upper[c] != t else [])
            for c, t in lower.items()
        }
    units: dict[int, str] = {}
    while row + depth < len(grid.rows) and (kind := _marker_row(grid.rows[row + depth], texts)):
        if kind == "units":
            units = {c: u for c, t in _texts(grid.rows[row + depth]).items() if (u := header_unit(f"（{t}）"))}
        depth += 1
    header = _Header(
        row, depth, {}, {c: t[0] for c, t in texts.items()}, units=units, unit=_unit_above(grid.rows[:row])
    )
    dept = [c for c, t in texts.items() if header_key(t[0]) in labels]
    header.department_col = dept[0] if dept else None
    candidates = {c: t for c, t in texts.items() if c != header.department_col}
    mapped = columns.map_columns(candidates, _samples(grid, row + depth, candidates, config), config)
    shown = {c: f"{upper[c]} / {t[0]}" if depth > 1 and len(t) > 1 else t[0] for c, t in texts.items()}
    for m in mapped.values():
        m.text = shown[m.col]  # as the clerk sees it: 企业基本情况 / 名称
    header.mapped = [m for _, m in sorted(mapped.items())]
    header.keys = {m.col: m.key for m in header.mapped if m.key}
    header.texts = shown
    header.unmapped = [m.text for m in header.mapped if not m.key]
    return header


def _is_parent_row(grid: Grid, row: int, config: Config, labels: frozenset) -> bool:
    """The row above the best header row holds parents (merged across columns) of its cells."""
    spans = [c0 for r0, c0, r1, c1 in grid.merged if r0 == row and c1 > c0]
    own = _texts(grid.rows[row])
    if _is_filler_row(own, labels):
        return False
    upper = _spread(own, grid.merged, row)
    return len(own) >= 2 and bool(spans) and _is_subheader(upper, _texts(grid.rows[row + 1]), grid, row, config, labels)


def _is_filler_row(texts: dict[int, str], labels: frozenset) -> bool:
    """The template's 填报单位 row, each label in its own cell (`填报单位：`, then the value): no header."""
    return any(t.endswith((":", "：")) and header_key(t) in labels for t in texts.values())


def _parent_core(parent: str, group_words: tuple[str, ...]) -> str:
    """A parent header without its group words: 企业基本情况 → 企业, 问题基本信息 → 问题."""
    for word in sorted(group_words, key=len, reverse=True):
        parent = parent.replace(word, "")
    return parent


def _spread(upper: dict[int, str], merged: list, row: int) -> dict[int, str]:
    """A parent header merged across several columns names each of them."""
    out = dict(upper)
    for r0, c0, r1, c1 in merged:
        if r0 == row and c1 > c0 and c0 in upper:
            out.update({c: upper[c0] for c in range(c0 + 1, c1 + 1)})
    return out


def _is_subheader(
    upper: dict[int, str], lower: dict[int, str], grid: Grid, row: int, config: Config, labels: frozenset
) -> bool:
    """A second header row: text only, and a cell naming a key under an empty cell or under a parent
    that spans several columns (整改情况, 企业基本情况, 问题基本情况…)."""
    raw = grid.rows[row + 1] if lower else []
    if not lower or any(v not in ("", None) and not isinstance(v, str) for v in raw):
        return False
    spans = {c for r0, c0, r1, c1 in grid.merged if r0 == row and c1 > c0 for c in range(c0, c1 + 1)}
    repeated = {c for c, t in upper.items() if list(upper.values()).count(t) > 1}
    parents = {header_key(g.get("name", "")) for g in config.header_groups}
    keys = columns.header_keys(lower, config, labels, strong=True)
    return any(col not in upper or col in spans or col in repeated or header_key(upper[col]) in parents for col in keys)


# 1 2 3…, （一）（二）…, 第1列, A B C…, and 甲 乙 丙… (the heavenly stems that number a form's leading columns)
_COLUMN_NUMBER = re.compile(
    r"^(?:[（(]?(?:[一二三四五六七八九十]+|[甲乙丙丁戊己庚辛壬癸])[）)、]?|第?\d{1,2}列?|[A-Z])$"
)
_UNIT_WORDS = re.compile(r"^(?:单位[:：]?)?(?:万元|元|亿元|年月日|年-月-日|日期|[（(](?:万元|元)[）)]|/|—|-)$")


def _marker_row(row: list, header: dict[int, list[str]]) -> str | None:
    """'numbers' for a row of column numbers (1 2 3 … or （一）（二）…), 'units' for a row of units
    (万元, 元, 年月日) under the header; None for anything else."""
    cells = _texts(row)
    values = list(cells.values())
    if values and len(header) >= 3 and all(_UNIT_WORDS.match(v.replace(" ", "")) for v in values):
        return "units"
    if len(cells) < 3 or len(cells) < len(header) // 2:
        return None
    if all(_COLUMN_NUMBER.match(v) for v in values):
        numbers = [v for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(numbers) < len(values) or numbers == list(range(int(numbers[0]), int(numbers[0]) + len(numbers))):
            return "numbers"
    return None


_UNIT_ABOVE = re.compile(r"单位[:：]\s*(万元|元)")


def _unit_above(rows: list[list]) -> str | None:
    """`单位：元` / `单位：万元` written above the table: the unit of amounts without their own."""
    for row in rows:
        for text in _texts(row).values():
            if m := _UNIT_ABOVE.search(text.replace(" ", "")):
                return m.group(1)
    return None


def _samples(grid: Grid, start: int, texts: dict, config: Config) -> dict[int, list]:
    rows = grid.rows[start : start + config.mapping.sample_rows]
    return {c: [row[c] for row in rows if c < len(row)] for c in texts}


def _texts(row: list) -> dict[int, str]:
    return {i: t for i, v in enumerate(row) if (t := cell_text(v))}


# --- department and filled date --------------------------------------------------------------


def _identify(
    src: SourceFile, grid: Grid, top: int, header: _Header | None, config: Config, opts: IntakeSettings
) -> None:
    """Department from the 填报单位 line, else a 填报单位 column, else the file name; plus 填报日期."""
    line = _label_line(grid.rows[:top], opts.department_labels)
    stops = (*opts.department_labels, *opts.date_labels, *_cleaned(config.words("footnote_words")))
    raw = _after_label(line, opts.department_labels, stops) if line else ""
    src.filled_date = _filled_date(_label_line(grid.rows[:top], opts.date_labels), opts.date_labels)
    if not raw and header and header.department_col is not None:
        raw = _first_in_column(grid, header)
    src.raw_department = raw
    src.department = match_department(raw, config) if raw else None
    if not src.department:
        src.department = match_department(Path(src.name).stem, config)


def _label_line(rows: list[list], labels: tuple[str, ...]) -> str:
    for row in rows:
        text = "  ".join(_texts(row).values())
        if any(label in text for label in labels):
            return text
    return ""


def _after_label(line: str, labels: tuple[str, ...], stops: tuple[str, ...]) -> str:
    """The value written after a label, up to the next label (填报人、联系电话、填报日期…)."""
    pattern = "|".join(map(re.escape, labels))
    m = re.search(rf"(?:{pattern})\s*(?:（[^）]*）|\([^)]*\))?\s*[:：]?\s*", line)
    if not m:
        return ""
    rest = line[m.end() :]
    cut = min((i for s in stops if (i := rest.find(s)) >= 0), default=len(rest))
    value = _PUNCT.sub("", rest[:cut].split("  ")[0])
    return "" if _BLANK_FILL.fullmatch(value) else value  # the template's ____ placeholder is no name


def _filled_date(line: str, labels: tuple[str, ...]) -> date | None:
    """填报日期 as text (2021-11-15, 2021/11/15, 2021.11.15, 2021年11月15日) or an Excel date cell."""
    pattern = "|".join(map(re.escape, labels))
    m = re.search(rf"(?:{pattern})\s*[:：]?\s*", line)
    if not m:
        return None
    rest = line[m.end() :]
    if d := _DATE_TEXT.match(rest):
        return _safe_date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
    serial = re.match(r"(\d{5})(?:\.\d+)?(?!\d)", rest)
    if serial:
        return _EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _first_in_column(grid: Grid, header: _Header) -> str:
    col = header.department_col
    if col is None:
        return ""
    for row in grid.rows[header.index + header.depth :]:
        if col < len(row) and (text := cell_text(row[col])):
            return text
    return ""


# --- data rows -------------------------------------------------------------------------------


def _read_rows(
    done: _Read, grid: Grid, header: _Header, config: Config
) -> list[tuple[Grid, _Header, int, list, set[int]]]:
    """The sheet's data rows, as (grid, header, index, row) — kept once the whole file is known."""
    _header_findings(done, grid, header, config)
    start = header.index + header.depth
    width = max(header.texts) + 1
    rows, filled = _filled_down(grid, start, width)
    heads = _header_row_texts(header)
    return [
        (grid, header, i, row, filled.get(i, set()))
        for i, row in zip(range(start, len(grid.rows)), rows)
        if _is_data_row(row, filled.get(i, set()), header, config) and not _repeats_header(row, heads)
    ]


def _keep_rows(done: _Read, sheets: list[list], config: Config) -> None:
    src = done.source
    data = [r for rows in sheets for r in rows]
    if not data or (len(data) == 1 and _is_zero_row(data[0][3], data[0][4], data[0][1], config)):
        src.disposition, src.reason = "zero_report", ""
        return
    keys = config.column_keys
    headers = {id(h): h for _, h, _, _, _ in data}
    tails = {k: [*_units(h), _absent(h, config)] for k, h in headers.items()}
    for grid, header, i, row, _ in data:
        values = dict.fromkeys(keys)
        for col, key in header.keys.items():
            if col < len(row):
                values[key] = _value(row[col])
        done.records.append(
            [src.name, grid.name, grid.numbers[i], src.department, src.mtime, *values.values(), *tails[id(header)]]
        )
    for rows in sheets:
        if rows:
            src.columns |= {rows[0][1].texts[c]: k for c, k in rows[0][1].keys.items()}
    src.rows_read = len(done.records)


def _absent(header: _Header, config: Config) -> str:
    """The required keys the sheet has no column for (validation says so once, not `…为空` per row)."""
    found = set(header.keys.values())
    return " ".join(c.key for c in config.columns if c.required == "yes" and c.key not in found)


def _header_row_texts(header: _Header) -> dict[int, str]:
    return {c: header_key(t) for c, t in header.texts.items() if c in header.keys}


def _repeats_header(row: list, heads: dict[int, str]) -> bool:
    """A header repeated further down (a table pasted from a printout, one header per page)."""
    first = next((c for c in heads), None)
    if (
        first is None
        or first >= len(row)
        or not isinstance(row[first], str)
        or header_key(cell_text(row[first])) != heads[first]
    ):
        return False
    same = sum(1 for c, t in heads.items() if c < len(row) and header_key(cell_text(row[c])) == t)
    return same >= max(2, len(heads) * 0.6)


def _header_findings(done: _Read, grid: Grid, header: _Header, config: Config) -> None:
    src = done.source
    common: dict[str, Any] = {
        "file": src.name,
        "sheet": grid.name,
        "department": src.department,
        "row": grid.numbers[header.index],
    }
    names = {c.key: c.name for c in config.columns}
    exact = [m for m in header.mapped if m.key and m.how == columns.EXACT]
    if exact:
        done.found.append(
            fnd.make("columns_exact", **common, value=str(len(exact)), detail="、".join(names[m.key] for m in exact))
        )
    for m in header.mapped:
        if m.key and m.how != columns.EXACT:
            code = "column_guessed" if m.weak else "column_mapped"
            done.found.append(
                fnd.make(
                    code,
                    **common,
                    column=names[m.key],
                    value=m.text,
                    number=m.col + 1,
                    why=columns.why(m.how, m.text, names[m.key]),
                )
            )
    unused = [m for m in header.mapped if not m.key]
    for m in unused:
        done.found.append(fnd.make("unmapped_column", **common, column=m.text, value=m.text, number=m.col + 1))
    present = set(header.keys.values())
    seen = "".join(f"“{m.text}”" for m in unused)
    for col in config.columns:
        if col.required == "yes" and col.key not in present:
            code = "status_column_missing" if col.type == "status" else "column_not_found"
            hint = (
                f"表头中未能识别的列：{seen}。如其中一列就是{col.name}，请把表头改为“{col.name}”"
                if seen
                else f"表头中没有其他未识别的列，请按标准模板增加“{col.name}”列"
            )
            done.found.append(fnd.make(code, **{**common, "row": 0}, column=col.name, detail=hint))


def _filled_down(grid: Grid, start: int, width: int) -> tuple[list[list], dict[int, set[int]]]:
    """Rows from `start`, cut to the header width, with vertically merged values filled down."""
    rows = [list(r[:width]) for r in grid.rows[start:]]
    filled: dict[int, set[int]] = {}
    for r0, c0, r1, c1 in grid.merged:
        if r1 <= r0 or c0 >= width or r0 < start or r0 >= len(grid.rows):
            continue
        value = grid.rows[r0][c0] if c0 < len(grid.rows[r0]) else None
        for r in range(r0 + 1, min(r1, len(grid.rows) - 1) + 1):
            row = rows[r - start]
            row.extend([None] * (c0 + 1 - len(row)))
            row[c0] = value
            filled.setdefault(r, set()).add(c0)
    return rows, filled


def _content(row: list, filled: set[int], header: _Header) -> list[str]:
    """Texts of a row that count as data: not 序号, not filled down from a merged cell."""
    return [t for c, t in _texts(row).items() if c not in filled and header.keys.get(c) != "seq"]


def _is_data_row(row: list, filled: set[int], header: _Header, config: Config) -> bool:
    first, content = _first_texts(row, filled, header)
    if not content:
        return False
    skip = _cleaned(config.words("total_words") + config.words("footnote_words"))
    return not (first.startswith(skip) or content.startswith(skip))


def _first_texts(row: list, filled: set[int], header: _Header) -> tuple[str, str]:
    """The row's first text and its first data text; stops there, because cleaning every cell of
    every row was the largest cost of intake (benchmarks/run.py)."""
    first = ""
    for c, v in enumerate(row):
        text = cell_text(v)
        if not text:
            continue
        first = first or text
        if c not in filled and header.keys.get(c) != "seq":
            return first, text
    return first, ""


@lru_cache(maxsize=32)
def _cleaned(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(clean_text(str(w)) for w in words)


def _is_zero_row(row: list, filled: set[int], header: _Header, config: Config) -> bool:
    return all(_is_zero_phrase(t, config) for t in _content(row, filled, header))


def _is_zero_phrase(text: str, config: Config) -> bool:
    return _PUNCT.sub("", text) in {_PUNCT.sub("", p) for p in _cleaned(config.words("zero_report_phrases"))}


def _headerless(done: _Read, grid: Grid, config: Config) -> None:
    """No header: a zero report when a line says 无 / 经排查无相关问题, else rejected."""
    if any(_is_zero_phrase(t, config) for row in grid.rows for t in _texts(row).values()):
        done.source.disposition = "zero_report"
        return
    _reject(done, "no_header")


def _units(header: _Header) -> list[str]:
    """Each amount column's unit: its header's `（元）`, else a units row under it, else `单位：元` above
    the table, else 万元."""
    by_key = {key: col for col, key in header.keys.items()}
    out = []
    for unit in UNITS:
        col = by_key.get(unit.removesuffix("_unit"))
        text = header.texts.get(col, "") if col is not None else ""
        out.append(
            header_unit(text) or (header.units.get(col) if col is not None else None) or header.unit or DEFAULT_UNIT
        )
    return out


def _value(v):
    return None if v == "" else v


# --- frames and submissions ------------------------------------------------------------------


def _frame(records: list[list], config: Config) -> pd.DataFrame:
    names = [*PROVENANCE, *config.column_keys, *UNITS, ABSENT]
    frame = pd.DataFrame(records, columns=names, dtype=object)
    frame["row"] = frame["row"].astype("int64")
    frame["file_time"] = frame["file_time"].astype("float64")
    return frame


def _groups(files: list[SourceFile], key) -> list[list[SourceFile]]:
    out: dict = {}
    for f in files:
        out.setdefault(key(f), []).append(f)
    return [g for g in out.values() if len(g) > 1]


def _mark_older(group: list[SourceFile], disposition: str, key) -> None:
    latest = max(group, key=key)
    for f in group:
        if f is not latest:
            finding = fnd.make(disposition, file=f.name, detail=latest.name)
            f.disposition, f.reason = disposition, finding["message"]
            f.rows_read = 0


def _disposition_finding(src: SourceFile) -> dict:
    finding = fnd.make(src.disposition, file=src.name, sheet=src.sheet, department=src.department, detail="")
    return {**finding, "message": src.reason}


@lru_cache(maxsize=8)
def _department_labels(departments: tuple, regions: tuple[str, ...]) -> list[tuple[str, str]]:
    labels = [(department_key(label, regions), dep.name) for dep in departments for label in (dep.name, *dep.aliases)]
    return [(k, name) for k, name in labels if len(k) >= 2]


READABLE = ("processed", "zero_report")  # the dispositions that count as a department's submission


def submitted_departments(files: list[SourceFile]) -> set[str]:
    """The departments that reported this period (a processed ledger or a zero report)."""
    return {f.department for f in files if f.disposition in READABLE and f.department}


def period_inputs(inbox: Path, archived: Path, quarantined: Path) -> list[Path]:
    """The period's files in name order: the inbox's, and what a first run of the period archived or
    quarantined (its folders under archive/ and quarantine/), so a rerun sees the same files again."""
    return in_name_order(list_inputs([f for f in (inbox, archived, quarantined) if f.is_dir()]))


def require_readable(files: list[SourceFile], inbox: Path) -> None:
    """No processed ledger and no zero report: the run stops (exit 1) before the database is opened, so an
    empty inbox neither touches the database nor uses up a period."""
    if not any(f.disposition in READABLE for f in files):
        why = f"{inbox} 中没有来件" if not files else f"{inbox} 中的 {len(files)} 个文件都不是可读取的台账"
        raise RunError(f"收件箱为空（{why}），本期未生成通报")
