"""Text normalisation shared by every stage: width, whitespace, variant characters."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Callable

_SPACES = re.compile(r"\s+")
FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would take text starting so for a formula
# Control characters other than tab and newline (and DEL): never written to any output.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# Every bracket a clerk types (half-width, square, lenticular, tortoise-shell) as the full-width （）.
BRACKETS = {"(": "（", ")": "）", "[": "（", "]": "）", "〔": "（", "〕": "）", "【": "（", "】": "）", "［": "（", "］": "）",
            "﹝": "（", "﹞": "）"}  # fmt: skip
_VARIANTS = str.maketrans({"郟": "郏", "\u3000": " ", "\xa0": " ", **BRACKETS})


@lru_cache(maxsize=200_000)
def clean_text(value: str) -> str:
    """Full-width to half-width (NFKC), variant 郟 to 郏, collapse whitespace; brackets kept as written."""
    if not value:
        return ""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).replace("郟", "郏")
    return _SPACES.sub(" ", value).strip()


# Full-width letters, digits and the ideographic space become half-width; Chinese punctuation stays.
_HALF_WIDTH = {
    **{c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)},
    **{c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)},
    **{c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
    0xA0: 0x20,
    ord("郟"): ord("郏"),
}
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


@lru_cache(maxsize=200_000)
def display_text(value: str) -> str:
    """Text as it is kept and shown: half-width letters and digits, 郏 for 郟, no stray spaces between
    Chinese characters, Chinese punctuation (，。（）) left as the clerk wrote it."""
    if not value:
        return ""
    text = _SPACES.sub(" ", value.translate(_HALF_WIDTH)).strip()
    return _CJK_GAP.sub("", text)


def cell_display(value) -> str:
    """Any cell value as display text ('' for empty)."""
    if isinstance(value, str):
        return display_text(value)
    return cell_text(value)


@lru_cache(maxsize=50_000)
def header_key(value: str) -> str:
    """A header cell reduced for matching: no spaces or line breaks, one kind of bracket, no unit."""
    text = clean_text(value).translate(_VARIANTS).replace(" ", "")
    text = re.sub(r"（(万元|元|万|单位[:：]?[^）]*)）$", "", text)
    text = text.replace("（", "").replace("）", "").rstrip("*＊:：")
    return text.lstrip("*＊")


@lru_cache(maxsize=50_000)
def header_unit(value: str) -> str | None:
    """'元' or '万元' when a header names its unit, else None."""
    text = clean_text(value).translate(_VARIANTS).replace(" ", "")
    m = re.search(r"（(?:单位[:：]?)?(万元|元|万)）", text)
    if not m:
        return None
    return "元" if m.group(1) == "元" else "万元"


@lru_cache(maxsize=50_000)
def department_key(value: str, regions: tuple[str, ...] = ()) -> str:
    """A department name reduced for matching: no spaces or brackets, and none of the region prefixes
    (config's office.region_prefixes: 河南省, 平顶山市, 郏县, 县…), each taken off in turn."""
    text = clean_text(value).translate(_VARIANTS).replace(" ", "")
    text = re.sub(r"[（）()]", "", text)
    for prefix in regions:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
    return text


def is_missing(value) -> bool:
    """No value at all: None, NaN, or pandas' NaT / NA (checked by type, so this module needs no pandas)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NaTType", "NAType")


def is_empty(value) -> bool:
    """Missing (is_missing) or a string of only whitespace."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def as_date(value) -> date | None:
    """A stored date value (date, datetime, pandas Timestamp, ISO text) as a date; None when empty or unreadable."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):  # also pd.Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def cell_text(value) -> str:
    """Any cell value as trimmed text ('' for empty); floats that are whole numbers lose '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    return clean_text(str(value))


def with_tag(tags: object, tag: str) -> str:
    """A `；`-separated tag list with `tag` added once (人工合并, 人工改类别…)."""
    parts = [t for t in str(tags or "").split("；") if t and t != "nan"]
    return "；".join(parts if tag in parts else parts + [tag])


def to_json(data: object, indent: int | None = None) -> str:
    """JSON for run.json and the store's run summaries: dates as ISO text, sets sorted, numpy scalars as numbers."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def map_distinct(values, fn: Callable) -> list:
    """fn() once per distinct value (200,000 rows usually hold far fewer distinct cells); 1, 1.0 and True
    are kept apart by their type, every NaN counts as one value."""
    cache: dict = {}
    out = []
    for value in values:
        key = _cache_key(value)
        if key not in cache:
            cache[key] = fn(value)
        out.append(cache[key])
    return out


def _cache_key(value) -> tuple:
    if isinstance(value, tuple):
        return tuple(_cache_key(v) for v in value)
    if isinstance(value, float) and value != value:
        return (float, "nan")  # every NaN is a new object, and NaN != NaN
    try:
        hash(value)
    except TypeError:
        return (id(value),)
    return (value.__class__, value)


def printable(value: str) -> str:
    """Text safe for every output (ledger.csv, the database, workbooks): CR LF and lone CR become a
    newline, every other control character except tab and newline is removed."""
    if value.isprintable():
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula (=SUM(…), +86…, @…); a lone dash or a signed number is not."""
    if len(text) < 2 or not text.startswith(FORMULA_START):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False
