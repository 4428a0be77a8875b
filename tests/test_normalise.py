"""The pure value parsers: each rule of ledger-standard §2, and no input that makes one raise."""
from __future__ import annotations

import math
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.config import load_config
from pipeline.core.normalise import (case_kind, check_uscc, company_key, normalise_case_no, parse_amount, parse_date,
                                parse_enum)
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
VALID_USCC = "91350100M000100Y43"  # the worked example of GB 32100-2015 check digits


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    date(2021, 11, 15), datetime(2021, 11, 15, 9, 30), 44515, 44515.75, "44515",
    "2021-11-15", "2021/11/15", "2021.11.15", "2021年11月15日", "20211115", 20211115,
    "２０２１－１１－１５", "２０２１年１１月１５日", " 2021-11-15 ", "2021-11-15 00:00:00", "2021/11/15 10:30",
])
def test_parse_date_reads_every_written_form(value):
    assert parse_date(value) == (date(2021, 11, 15), None)


@pytest.mark.parametrize("value, expected", [
    ("2021-11", date(2021, 11, 30)), ("2021年12月", date(2021, 12, 31)), ("2021年12月底", date(2021, 12, 31)),
    ("2024年2月底", date(2024, 2, 29)), ("2021年底", date(2021, 12, 31)), ("2021年末", date(2021, 12, 31)),
    ("２０２１年１２月底", date(2021, 12, 31)),
])
def test_parse_date_month_or_year_means_its_last_day(value, expected):
    assert parse_date(value) == (expected, None)


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", math.nan])
def test_parse_date_blank_is_no_date_and_no_problem(value):
    assert parse_date(value) == (None, None)


@pytest.mark.parametrize("value", ["年底前", "2021-02-30", "2021-13-01", "2021年13月", "下周", "2021", 2021,
                                   "21.11.15", "2021-11-15x", True, time(10, 30), -5, 1e300, math.inf, "0000-01-01"])
def test_parse_date_unreadable_or_impossible_is_a_problem(value):
    parsed, problem = parse_date(value)
    assert parsed is None and problem


# --- amounts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [12.5, "12.5", "12.5万元", "12.5万", "125000元", "125,000元", " 12.5 ",
                                   "１２.５", "１２．５万元"])
def test_parse_amount_reads_wan_yuan_and_widths(value):
    amount, problem = parse_amount(value)
    assert problem is None and amount == pytest.approx(12.5)


@pytest.mark.parametrize("value, amount", [("约30万", 30), ("约12.5万元", 12.5), ("30万左右", 30), ("30余万", 30),
                                           ("大约30万元", 30), ("30多万", 30), ("近30万", 30), ("300000多元", 30)])
def test_parse_amount_reads_approximate_amounts_with_a_reminder(value, amount, config):
    from pipeline.core.normalise import AMOUNT_APPROXIMATE

    assert parse_amount(value, "万元", config.approximate_words) == (pytest.approx(amount), AMOUNT_APPROXIMATE)


def test_the_approximate_words_come_from_the_config_only():
    from pipeline.core.config import ApproximateWords
    from pipeline.core.normalise import AMOUNT_APPROXIMATE, AMOUNT_INVALID

    assert parse_amount("约30万") == (None, AMOUNT_INVALID)  # no words given: not an amount form at all
    words = ApproximateWords(before=("大概",), after_number=("来",), after=("出头",))
    for text in ("大概30万", "30来万", "30万出头", "300000来元"):
        assert parse_amount(text, "万元", words) == (pytest.approx(30), AMOUNT_APPROXIMATE), text
    assert parse_amount("约30万", "万元", words) == (None, AMOUNT_INVALID)
    assert parse_amount("30万", "万元", words) == (pytest.approx(30), None)


def test_parse_amount_thousands_separators():
    assert parse_amount("1,234.5") == (pytest.approx(1234.5), None)
    assert parse_amount("1，234.5")[0] == pytest.approx(1234.5)


def test_parse_amount_yuan_column_divides_by_ten_thousand_unless_the_cell_names_its_unit():
    assert parse_amount(125000, "元")[0] == pytest.approx(12.5)
    assert parse_amount("125000", "元")[0] == pytest.approx(12.5)
    assert parse_amount("12.5万元", "元")[0] == pytest.approx(12.5)
    assert parse_amount(12.5, "万元")[0] == pytest.approx(12.5)


@pytest.mark.parametrize("value", ["abc", "十二万", "1,2", "12.5.3", "nan", "inf", "万元", True, date(2021, 1, 1),
                                   math.inf, "12.5美元"])
def test_parse_amount_unreadable_is_a_problem_without_value(value):
    amount, problem = parse_amount(value)
    assert amount is None and problem


@pytest.mark.parametrize("value", [-3, "-3", "-3万元", "－３"])
def test_parse_amount_negative_keeps_value_and_reports(value):
    amount, problem = parse_amount(value)
    assert amount == pytest.approx(-3) and problem


@pytest.mark.parametrize("value", [None, "", " ", math.nan])
def test_parse_amount_blank_is_no_amount(value):
    assert parse_amount(value) == (None, None)


# --- 案号 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "（2021）豫0425执123号", "(2021)豫0425执123号", "〔2021〕豫0425执123号", "[2021]豫0425执123号",
    "【2021】豫0425执123号", "（２０２１）豫０４２５执１２３号", " (2021) 豫0425 执 123 号 ",
    "（2021）豫0425执字第123号", "（2021）豫0425执第123号", "(2021)豫0425执字123号",
])
def test_normalise_case_no_one_writing(value):
    assert normalise_case_no(value) == ("（2021）豫0425执123号", None)


def test_normalise_case_no_variant_character_and_other_courts():
    assert normalise_case_no("（2021）郟0425民初45号")[0] == "（2021）郏0425民初45号"
    assert normalise_case_no("（2022）豫04民终9号") == ("（2022）豫04民终9号", None)
    assert normalise_case_no("（2021）豫0425执恢12号") == ("（2021）豫0425执恢12号", None)


@pytest.mark.parametrize("value", ["2021豫0425执123号", "（2021）豫0425执123", "豫0425执123号", "见附件", "123"])
def test_normalise_case_no_unusual_is_kept_with_a_reason(value):
    text, problem = normalise_case_no(value)
    assert problem and text  # kept, not emptied


def test_normalise_case_no_blank():
    assert normalise_case_no(None) == ("", None)
    assert normalise_case_no("  ") == ("", None)


@pytest.mark.parametrize("value, kind", [
    ("（2021）豫0425执123号", "enforcement"), ("(2021)豫0425执恢12号", "enforcement"),
    ("（2021）豫0425民初45号", "trial"), ("（2022）豫04行终9号", "trial"), ("（2021）豫0425执字第1号", "enforcement"),
    ("", None), ("见附件", None),
])
def test_case_kind(value, kind):
    assert case_kind(value) == kind


# --- 统一社会信用代码 ----------------------------------------------------------------------------------

def test_check_uscc_accepts_valid_code_in_any_case_and_spacing():
    assert check_uscc(VALID_USCC) == (VALID_USCC, None)
    assert check_uscc(" 9135 0100m000100y43 ") == (VALID_USCC, None)
    assert check_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == (VALID_USCC, None)


def test_check_uscc_empty_is_fine():
    assert check_uscc(None) == ("", None)
    assert check_uscc("") == ("", None)


def test_check_uscc_reasons_name_length_character_and_check_digit():
    assert "长度" in check_uscc(VALID_USCC[:-1])[1]
    assert "字符" in check_uscc("9135010OM000100Y43")[1]  # O is not in the GB 32100 charset
    wrong_digit = VALID_USCC[:-1] + ("4" if VALID_USCC[-1] != "4" else "5")
    code, problem = check_uscc(wrong_digit)
    assert code == wrong_digit and "校验位" in problem and "3" in problem


def test_check_uscc_every_other_check_character_fails():
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    others = [VALID_USCC[:-1] + c for c in charset if c != VALID_USCC[-1]]
    assert all(check_uscc(code)[1] for code in others)


# --- company names ---------------------------------------------------------------------------------

def test_company_key_treats_writings_of_one_company_alike(config):
    prefixes = config.merge.strip_prefixes
    same = ["郏县宏达建筑有限责任公司", "河南省平顶山市郏县宏达建筑有限公司", "宏达建筑有限公司",
            "郏县 宏达建筑 有限公司", "郟县宏达建筑有限公司", "河南省宏达建筑有限公司"]
    assert {company_key(n, prefixes) for n in same} == {"宏达建筑有限公司"}
    assert company_key("宏达建筑（集团）有限公司", prefixes) == company_key("宏达建筑(集团)有限公司", prefixes)
    assert company_key("宏达建筑有限公司", prefixes) != company_key("宏远建筑有限公司", prefixes)


def test_company_key_keeps_a_name_that_is_only_a_prefix(config):
    prefixes = config.merge.strip_prefixes
    assert company_key("郏县", prefixes) == "郏县"
    assert company_key("", prefixes) == ""


# --- enumerations --------------------------------------------------------------------------------

def test_parse_enum_values_synonyms_width_and_spaces(config):
    status = config.enums["status"]
    assert parse_enum("已办结", status) == ("已办结", True)
    assert parse_enum("未整改", status) == ("未启动", True)
    assert parse_enum("推进中", status) == ("整改中", True)
    for closed in ("已完成", "已化解", "已解决"):
        assert parse_enum(closed, status) == ("已办结", True)
    assert parse_enum(" 已 办 结 ", status) == ("已办结", True)
    assert parse_enum("１２３４５", config.enums["source"]) == ("热线", True)


def test_parse_enum_unknown_or_blank_gives_default(config):
    company_type = config.enums["company_type"]
    assert parse_enum("外星企业", company_type) == (company_type.default, False)
    assert parse_enum(None, company_type) == (company_type.default, False)
    assert parse_enum("乱写", config.enums["approach"]) == ("", False)


# --- nothing raises ----------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(), st.datetimes(), st.times(), st.decimals(allow_nan=False),
    st.text(alphabet="0123456789-/.年月日底末万元,，（）()第字号执初终豫 　郟", max_size=24),
)


@settings(max_examples=300, deadline=None)
@given(ANY_CELL, st.sampled_from(["万元", "元", "", "美元"]))
def test_parsers_never_raise(value, unit):
    parsed, problem = parse_date(value)
    assert parsed is None or isinstance(parsed, date)
    assert problem is None or isinstance(problem, str)
    amount, problem = parse_amount(value, unit)
    assert amount is None or math.isfinite(amount)
    assert problem is None or isinstance(problem, str)
    if amount is not None:
        assert (amount < 0) == (problem is not None)
    text, problem = normalise_case_no(value)
    assert isinstance(text, str) and (problem is None or isinstance(problem, str))
    code, problem = check_uscc(value)
    assert isinstance(code, str) and (problem is None or isinstance(problem, str))
    assert problem is not None or code == "" or len(code) == 18
    assert isinstance(company_key(value, ("郏县", "河南省")), str)
    assert case_kind(value) in (None, "enforcement", "trial")


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_written_any_way_read_back(day):
    for written in (day, day.isoformat(), day.strftime("%Y/%m/%d"), day.strftime("%Y%m%d"),
                    f"{day.year}年{day.month}月{day.day}日", (day - date(1899, 12, 30)).days):
        assert parse_date(written) == (day, None)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_amount_text_and_yuan_agree(number):
    wan, problem = parse_amount(f"{number}万元")
    yuan, _ = parse_amount(f"{number * 10000}元")
    assert problem is None and wan == pytest.approx(float(number)) and yuan == pytest.approx(wan)
