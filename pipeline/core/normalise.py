"""Pure value parsers: one cell value in, (normalised value, problem) out.

The problem is None or a short Chinese reason. No parser raises, whatever it is given: a cell can
hold anything a clerk typed or a reader produced (str, int, float, bool, date, datetime, time, None).
"""

from __future__ import annotations

import calendar
import math
import numbers
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from pipeline.core.config import ApproximateWords, Enum
from pipeline.core.text import BRACKETS, cell_text, clean_text, is_empty

# --- dates ---------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (Lotus-compatible) count
_SERIAL_RANGE = (date(1950, 1, 1), date(2100, 12, 31))  # outside this a number is not a ledger date
_YEAR_RANGE = (1900, 2100)
_TIME_TAIL = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_FULL_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?" + _TIME_TAIL)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_END = re.compile(r"(\d{4})[-/.年](\d{1,2})(?:月份?)?(?:底|末|末前|底前)?")
_YEAR_END = re.compile(r"(\d{4})年?年?(?:底|末)(?:前)?")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")

DATE_INVALID = "不是有效日期"
DATE_MISSING_DAY = "日期不存在"


def parse_date(value) -> tuple[date | None, str | None]:
    """A ledger date from an Excel date, a serial number or the usual written forms; month and year
    without a day (2021年12月, 2021年12月底, 2021年底) mean the last day of that month or year."""
    try:
        if _is_blank(value):
            return None, None
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
            return None, DATE_INVALID
        if isinstance(value, numbers.Real):
            return _date_from_number(float(value))
        return _date_from_text(value)
    except Exception:  # a parser never raises; anything unforeseen is an unreadable date
        return None, DATE_INVALID


def _date_from_number(value: float) -> tuple[date | None, str | None]:
    if value.is_integer() and 19000101 <= value <= 21001231:
        return _date_from_text(str(int(value)))
    return _date_from_serial(value)


def _date_from_serial(serial: float) -> tuple[date | None, str | None]:
    if not math.isfinite(serial):
        return None, DATE_INVALID
    day = _EXCEL_EPOCH + timedelta(days=math.floor(serial)) if 0 < serial < 2_958_466 else None
    if day is None or not _SERIAL_RANGE[0] <= day <= _SERIAL_RANGE[1]:
        return None, DATE_INVALID
    return day, None


@lru_cache(maxsize=50_000)
def _date_from_text(value: str) -> tuple[date | None, str | None]:
    text = clean_text(value)
    if m := _FULL_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_END.fullmatch(text):
        return _month_end(int(m[1]), int(m[2]))
    if m := _YEAR_END.fullmatch(text):
        return _make_date(int(m[1]), 12, 31)
    if _SERIAL_TEXT.fullmatch(text):
        return _date_from_serial(float(text))
    return None, DATE_INVALID


def _make_date(year: int, month: int, day: int) -> tuple[date | None, str | None]:
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        return None, DATE_INVALID
    try:
        return date(year, month, day), None
    except ValueError:
        return None, DATE_MISSING_DAY


def _month_end(year: int, month: int) -> tuple[date | None, str | None]:
    if not 1 <= month <= 12:
        return None, DATE_MISSING_DAY
    return _make_date(year, month, calendar.monthrange(year, month)[1])


# --- amounts -------------------------------------------------------------------------------------

_WAN = 10_000.0
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
NO_APPROXIMATE_WORDS = ApproximateWords(before=(), after_number=(), after=())


@lru_cache(maxsize=8)
def _amount_pattern(words: ApproximateWords) -> re.Pattern:
    """An amount as written: [约]¥12.5[余][万元][余元][人民币][左右]; the words of the approximate forms
    come from the config (ledger.approximate_words), none when it lists none."""

    def either(items) -> str:
        ordered = sorted(dict.fromkeys(items), key=len, reverse=True)  # 约合 before 约
        return "|".join(map(re.escape, ordered)) if ordered else "(?!)"  # (?!): a form nobody writes

    stops = "".join(sorted({"万", "元", *"".join(words.after_number + words.after)}))
    more = either(words.after_number)
    return re.compile(
        rf"(?P<about>{either(words.before)})?[¥￥]?(?P<num>[^{re.escape(stops)}]+?)(?P<more>{more})?"
        rf"(?P<unit>万元|万|元)?(?P<more2>(?:{more})元)?(?:人民币)?(?P<around>{either(words.after)})?"
    )


AMOUNT_INVALID = "不是有效金额"
AMOUNT_NEGATIVE = "金额不能为负数"
AMOUNT_APPROXIMATE = "金额为约数"  # 约30万, 30万左右, 30余万: read, with a reminder that the figure is not exact


def parse_amount(
    value, unit: str = "万元", approximate: ApproximateWords = NO_APPROXIMATE_WORDS
) -> tuple[float | None, str | None]:
    """An amount in 万元. `unit` is the column's unit (from its header); a unit written in the cell
    (12.5万元, 125000元) wins over it. A negative amount comes back with its value and a problem.
    With `approximate` (config.approximate_words) 约30万 / 30余万 / 30万左右 are read, with AMOUNT_APPROXIMATE."""
    try:
        if _is_blank(value):
            return None, None
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
            return None, AMOUNT_INVALID
        if isinstance(value, str):
            return _amount_from_text(value, unit, approximate)
        return _checked_amount(float(value) / (_WAN if unit == "元" else 1.0))
    except Exception:  # a parser never raises; anything unforeseen is an unreadable amount
        return None, AMOUNT_INVALID


@lru_cache(maxsize=50_000)
def _amount_from_text(value: str, unit: str, approximate: ApproximateWords) -> tuple[float | None, str | None]:
    text = clean_text(value).replace(" ", "")
    m = _amount_pattern(approximate).fullmatch(text)
    if not m:
        return None, AMOUNT_INVALID
    number = m["num"]
    if not _NUMBER.fullmatch(number) and not _GROUPED.fullmatch(number):
        return None, AMOUNT_INVALID
    written = m["unit"] or ("元" if m["more2"] else unit)
    amount, problem = _checked_amount(float(number.replace(",", "")) / (_WAN if written == "元" else 1.0))
    if problem is None and (m["about"] or m["more"] or m["more2"] or m["around"]):
        return amount, AMOUNT_APPROXIMATE
    return amount, problem


def _checked_amount(amount: float) -> tuple[float | None, str | None]:
    if not math.isfinite(amount):
        return None, AMOUNT_INVALID
    if amount < 0:
        return amount, AMOUNT_NEGATIVE
    return amount + 0.0, None  # + 0.0 turns -0.0 into 0.0


# --- case numbers ----------------------------------------------------------------------------------

_CASE_BRACKETS = str.maketrans(BRACKETS)
_CJK = r"[\u4e00-\u9fff]"
_CASE_SHAPE = re.compile(rf"（(?:19|20)\d{{2}}）(?:最高法|{_CJK}\d{{0,4}}){_CJK}{{1,6}}\d+号(?:之{_CJK}+|之\d+)?")
_CASE_TYPE = re.compile(rf"({_CJK}+)\d+号")

CASE_NO_UNUSUAL = "格式不常见"


def normalise_case_no(value) -> tuple[str, str | None]:
    """One writing of a 案号: （）brackets, no spaces, half-width digits, 执字第123号 = 执123号;
    a result not shaped like （2021）豫0425执123号 comes back with a reason (it is kept)."""
    try:
        return _case_no(cell_text(value))
    except Exception:
        return "", CASE_NO_UNUSUAL


@lru_cache(maxsize=50_000)
def _case_no(text: str) -> tuple[str, str | None]:
    if not text:
        return "", None
    text = re.sub(r"\s+", "", text.translate(_CASE_BRACKETS))
    text = re.sub(r"字?第(?=\d)|字(?=\d)", "", text)
    return text, None if _CASE_SHAPE.fullmatch(text) else CASE_NO_UNUSUAL


def case_kind(case_no: str) -> str | None:
    """'enforcement' for an 执 case number, 'trial' for 初/终, else None."""
    text, _ = normalise_case_no(case_no)
    text = re.sub(r"^（\d{4}）", "", text)
    m = _CASE_TYPE.search(text)
    kind = m[1] if m else text
    if "执" in kind:
        return "enforcement"
    if "初" in kind or "终" in kind:
        return "trial"
    return None


# --- unified social credit codes (GB 32100-2015) -----------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_uscc(value) -> tuple[str, str | None]:
    """The code upper-cased without spaces, and why it is not a valid 18-character code (or None)."""
    try:
        code = re.sub(r"\s+", "", cell_text(value)).upper()
    except Exception:
        return "", "无法读取"
    return code, _uscc_problem(code) if code else None


def _uscc_problem(code: str) -> str | None:
    if len(code) != 18:
        return f"长度为{len(code)}位，应为18位"
    bad = next((c for c in code if c not in _USCC_CHARS), None)
    if bad is not None:
        return f"含有不允许的字符“{bad}”"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code, _USCC_WEIGHTS))
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    return None if code[-1] == expected else f"校验位错误，应为“{expected}”"


# --- company names -------------------------------------------------------------------------------

_NAME_DROP = str.maketrans({c: "" for c in " ()（）[]【】〔〕［］﹝﹞"})


@lru_cache(maxsize=200_000)
def company_key(name: str, prefixes: tuple[str, ...]) -> str:
    """A company name reduced for matching: no region prefixes, brackets or spaces; 有限责任公司 =
    有限公司. A prefix is only stripped when a real name (two characters or more) remains."""
    try:
        text = cell_text(name).translate(_NAME_DROP).replace("有限责任公司", "有限公司")
        ordered = sorted((str(p) for p in prefixes if p), key=len, reverse=True)
    except Exception:
        return ""
    stripped = True
    while stripped:
        stripped = False
        for prefix in ordered:
            if text.startswith(prefix) and len(text) >= len(prefix) + 2:
                text, stripped = text[len(prefix) :], True
    return text


# --- enumerations ----------------------------------------------------------------------------------


def parse_enum(value, enum: Enum) -> tuple[str, bool]:
    """(configured value, True) for a value or synonym written in any width or spacing, else
    (enum.default, False) — also for a blank cell, which callers handle before asking."""
    try:
        found = _enum_index(enum).get(_enum_key(cell_text(value)))
    except Exception:
        found = None
    return (found, True) if found is not None else (enum.default, False)


def _enum_key(text: str) -> str:
    return text.replace(" ", "").upper()


@lru_cache(maxsize=64)
def _enum_index(enum: Enum) -> dict[str, str]:
    index = {_enum_key(clean_text(src)): dst for src, dst in enum.synonyms}
    index.update({_enum_key(clean_text(v)): v for v in enum.values})
    index.pop("", None)
    return index


# --- shared ----------------------------------------------------------------------------------------


def _is_blank(value) -> bool:
    return is_empty(value)
