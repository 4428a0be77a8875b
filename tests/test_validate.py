"""The validate stage: raw rows → clean rows + findings, one test per rule of ledger-standard §2–§3."""
from __future__ import annotations

import csv
from collections import Counter
import dataclasses
import math
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.validate as validate_module
from pipeline.core import findings as fnd
from pipeline.core.config import load_config
from pipeline.intake.files import read_file
from pipeline.validate import validate
from tests.ledgerfiles import write_ledger
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
VALID_USCC = "91350100M000100Y43"
DEPARTMENT = "县住房和城乡建设局"


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


def raw_row(config, row: int = 4, **values) -> dict:
    """One raw row as intake hands it over: provenance, every key (None when empty), units."""
    out = {"file": "住建局.xlsx", "sheet": "台账", "row": row, "department": DEPARTMENT, "file_time": 1.0}
    out.update({key: None for key in config.column_keys})
    out.update({"company": "宏达建筑有限公司", "description": "拖欠工程款", "status": "整改中",
                "amount_unit": "万元", "paid_unit": "万元"})
    out.update(values)
    return out


def run(config, *rows: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(list(rows), dtype=object)
    frame["row"] = frame["row"].astype("int64")
    frame["file_time"] = frame["file_time"].astype("float64")
    return validate(frame, config)


def codes(found: pd.DataFrame) -> list[str]:
    return list(found["code"])


def name(config, key: str) -> str:
    return config.column(key).name


# --- real files through the real reader --------------------------------------------------------

def test_workbook_values_come_out_normalised(tmp_path, config):
    path = write_ledger(tmp_path / "住建局.xlsx", config, DEPARTMENT, [
        {"company": "郟县　宏达建筑\n有限公司 ", "description": "=拖欠工程款", "status": "推进中",
         "deadline": date(2021, 12, 31), "occurred_on": "2021年3月5日", "amount": 12.5, "paid": "５万元",
         "case_no": "(2021)豫0425执字第123号", "uscc": VALID_USCC.lower(), "company_type": "民企"},
    ])
    intake = read_file(path, config)
    clean, found = validate(intake.rows, config)
    row = clean.iloc[0]
    assert row["company"] == "郏县宏达建筑有限公司"
    assert row["description"] == "=拖欠工程款"
    assert (row["status"], row["deadline"], row["occurred_on"]) == ("整改中", date(2021, 12, 31), date(2021, 3, 5))
    assert (row["amount"], row["paid"]) == (12.5, 5.0)
    assert (row["case_no"], row["uscc"], row["company_type"]) == ("（2021）豫0425执123号", VALID_USCC, "非公有制企业")
    assert codes(found) == ["formula_like"]  # “=拖欠工程款” is kept as text, with a 提醒


def test_yuan_header_divides_amounts(tmp_path, config):
    path = tmp_path / "财政局.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["填报单位：县财政局"])
    ws.append([name(config, "company"), name(config, "description"), name(config, "status"), "涉及金额（元）"])
    ws.append(["宏达建筑有限公司", "拖欠工程款", "整改中", 125000])
    wb.save(path)
    clean, found = validate(read_file(path, config).rows, config)
    assert clean.loc[0, "amount_unit"] == "元"
    assert clean.loc[0, "amount"] == pytest.approx(12.5)


def test_csv_text_dates_and_amounts(tmp_path, config):
    path = tmp_path / "水利局.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["填报单位：县水利局"])
        out.writerow([name(config, k) for k in ("company", "description", "status", "deadline", "amount")])
        out.writerow(["宏达建筑有限公司", "拖欠工程款", "已完成", "2021年12月底", "1,234.5"])
        out.writerow(["宏远建筑有限公司", "拖欠工程款", "整改中", "年底前", "十万"])
    clean, found = validate(read_file(path, config).rows, config)
    assert list(clean["deadline"]) == [date(2021, 12, 31), None]
    assert clean["amount"].iloc[0] == pytest.approx(1234.5) and math.isnan(clean["amount"].iloc[1])
    assert set(codes(found)) == {"closed_without_date", "date_invalid", "amount_invalid"}


# --- text ------------------------------------------------------------------------------------------

def test_text_width_whitespace_variant_and_formula_like_text(config):
    clean, _ = run(config, raw_row(config, company="ＡＢＣ郟县建筑  有限公司\r\n", note="+86 137", court=" -执行局 ",
                                   owner_person="@张三", category=" Ｂ３ "))
    row = clean.iloc[0]
    assert row["company"] == "ABC郏县建筑有限公司"
    assert (row["note"], row["court"], row["owner_person"]) == ("+86 137", "-执行局", "@张三")
    assert row["category"] == "B3"


def test_text_a_spreadsheet_would_run_as_a_formula_is_a_reminder_and_stays_text(config):
    clean, found = run(config, raw_row(config, note="=SUM(A1:A9)", court="-执行局", owner_person="@张三",
                                       measures="-", owner_unit="-12.5", company="+86宏达建筑有限公司"))
    formula = found[found["code"] == "formula_like"]
    assert sorted(formula["value"]) == ["+86宏达建筑有限公司", "-执行局", "=SUM(A1:A9)", "@张三"]
    assert set(formula["severity"]) == {fnd.WARNING} and all("疑似公式" in m for m in formula["message"])
    assert clean.loc[0, "note"] == "=SUM(A1:A9)" and not fnd.error_rows(found)


def test_empty_text_is_empty_string(config):
    clean, _ = run(config, raw_row(config))
    assert clean.loc[0, "measures"] == "" and clean.loc[0, "seq"] == ""


# --- required ------------------------------------------------------------------------------------

def test_missing_company_and_description_are_errors(config):
    clean, found = run(config, raw_row(config, row=9, company="  ", description=None))
    assert codes(found) == ["company_missing", "description_missing"]
    assert set(found["severity"]) == {fnd.ERROR}
    assert list(found["column"]) == [name(config, "company"), name(config, "description")]
    assert len(clean) == 1  # an error does not drop the row


def test_a_text_column_made_required_in_config_is_checked(config):
    columns = tuple(dataclasses.replace(c, required="yes") if c.key == "owner_unit" else c for c in config.columns)
    stricter = dataclasses.replace(config, columns=columns)
    _, found = run(stricter, raw_row(config))
    assert codes(found) == ["required_missing"] and found.loc[0, "column"] == name(config, "owner_unit")


# --- dates -------------------------------------------------------------------------------------------

def test_dates_in_every_form(config):
    forms = [datetime(2021, 11, 15), 44515, "2021-11-15", "2021/11/15", "2021.11.15", "2021年11月15日", "20211115",
             "２０２１年１１月１５日"]
    clean, found = run(config, *[raw_row(config, row=4 + i, occurred_on=v) for i, v in enumerate(forms)])
    assert list(clean["occurred_on"]) == [date(2021, 11, 15)] * len(forms)
    assert codes(found) == []


def test_month_and_year_mean_their_last_day(config):
    clean, _ = run(config, *[raw_row(config, row=4 + i, deadline=v)
                             for i, v in enumerate(["2021-11", "2021年12月", "2021年12月底", "2021年底"])])
    assert list(clean["deadline"]) == [date(2021, 11, 30), date(2021, 12, 31), date(2021, 12, 31), date(2021, 12, 31)]


def test_unreadable_date_is_an_error_naming_row_column_value(config):
    clean, found = run(config, raw_row(config, row=12, deadline="年底前"))
    assert clean.loc[0, "deadline"] is None
    assert found.loc[0, "message"] == "第12行“整改时限”：“年底前”不是有效日期，请填写如 2021-12-31"
    assert (found.loc[0, "code"], found.loc[0, "severity"], found.loc[0, "value"]) == ("date_invalid", fnd.ERROR, "年底前")
    assert (found.loc[0, "file"], found.loc[0, "sheet"], found.loc[0, "department"]) == ("住建局.xlsx", "台账", DEPARTMENT)


def test_impossible_calendar_date_is_an_error(config):
    _, found = run(config, raw_row(config, closed_on="2021-02-30", status="整改中"))
    assert codes(found) == ["date_invalid"] and found.loc[0, "column"] == name(config, "closed_on")


# --- amounts -------------------------------------------------------------------------------------------

def test_amount_forms_in_wan(config):
    forms = [12.5, "12.5", "12.5万元", "12.5万", "125000元", "１２.５"]
    clean, found = run(config, *[raw_row(config, row=4 + i, amount=v) for i, v in enumerate(forms)])
    assert list(clean["amount"]) == pytest.approx([12.5] * len(forms))
    assert codes(found) == []


def test_approximate_amount_is_read_with_a_reminder(config):
    clean, found = run(config, raw_row(config, row=4, amount="约30万"), raw_row(config, row=5, amount="30万左右"))
    assert list(clean["amount"]) == pytest.approx([30, 30])
    assert codes(found) == ["amount_approximate", "amount_approximate"]
    assert set(found["severity"]) == {fnd.WARNING} and all("金额为约数" in m for m in found["message"])


def test_an_approximate_word_added_in_the_config_is_honoured(tmp_path):
    import yaml

    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    raw["ledger"]["approximate_words"]["before"].append("大概")
    raw["ledger"]["approximate_words"]["after"].append("出头")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edited = load_config(path)
    rows = [raw_row(edited, row=4, amount="大概30万"), raw_row(edited, row=5, amount="30万出头")]
    clean, found = run(edited, *rows)
    assert list(clean["amount"]) == pytest.approx([30, 30])
    assert codes(found) == ["amount_approximate", "amount_approximate"]
    _, before = run(load_config(config_path()), *rows)  # the repository's words: neither is an amount
    assert codes(before) == ["amount_invalid", "amount_invalid"]


def test_approximate_words_in_the_config_are_checked(tmp_path):
    import yaml

    from pipeline.core.errors import ConfigError

    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    raw["ledger"]["approximate_words"] = {"before": ["约", ""], "around": ["左右"]}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = "\n".join(caught.value.lines)
    assert "approximate_words 中的 around 无效" in text and "approximate_words.before 中不能有空词" in text


def test_yuan_unit_column_divides_by_ten_thousand(config):
    clean, _ = run(config, raw_row(config, amount=125000, paid="50000", amount_unit="元", paid_unit="元"))
    assert (clean.loc[0, "amount"], clean.loc[0, "paid"]) == pytest.approx((12.5, 5.0))
    assert clean.loc[0, "amount_unit"] == "元"


def test_unreadable_and_negative_amounts_are_errors(config):
    clean, found = run(config, raw_row(config, row=4, amount="约十万"), raw_row(config, row=5, paid=-2))
    assert codes(found) == ["amount_invalid", "amount_negative"]
    assert set(found["severity"]) == {fnd.ERROR}
    assert math.isnan(clean.loc[0, "amount"]) and math.isnan(clean.loc[1, "paid"])
    assert found.loc[1, "column"] == name(config, "paid") and found.loc[1, "value"] == "-2"


def test_amount_above_configured_limit_is_probably_yuan(config):
    limit = config.ledger.amount_yuan_limit
    clean, found = run(config, raw_row(config, row=4, amount=limit + 1), raw_row(config, row=5, amount=limit))
    assert codes(found) == ["amount_probably_yuan"] and list(found["row"]) == [4]
    assert found.loc[0, "severity"] == fnd.WARNING and clean.loc[0, "amount"] == limit + 1


def test_paid_above_amount_is_a_warning(config):
    _, found = run(config, raw_row(config, row=4, amount=10, paid="12万元"), raw_row(config, row=5, amount=10, paid=10),
                   raw_row(config, row=6, paid=3))
    assert codes(found) == ["paid_exceeds_amount"] and list(found["row"]) == [4]
    assert "12" in found.loc[0, "message"] and "10" in found.loc[0, "message"]


# --- enumerations and status -----------------------------------------------------------------------------

def test_enum_values_and_synonyms_tolerant_of_width_and_spaces(config):
    clean, found = run(config, raw_row(config, company_type=" 民 营企业", sector="公路", source="１２３４５",
                                       approach="一企一议 "))
    row = clean.iloc[0]
    assert (row["company_type"], row["sector"], row["source"], row["approach"]) == ("非公有制企业", "交通", "热线", "一企一议")
    assert codes(found) == []


def test_unknown_enum_is_default_with_warning(config):
    clean, found = run(config, raw_row(config, company_type="外星企业", source="托梦"))
    assert clean.loc[0, "company_type"] == config.enums["company_type"].default
    assert clean.loc[0, "source"] == config.enums["source"].default
    assert codes(found) == ["enum_unknown", "enum_unknown"] and set(found["severity"]) == {fnd.WARNING}
    assert "外星企业" in found.loc[0, "message"] and config.enums["company_type"].values[0] in found.loc[0, "message"]


def test_unknown_approach_is_blank_with_warning(config):
    clean, found = run(config, raw_row(config, approach="看情况"))
    assert clean.loc[0, "approach"] == ""
    assert codes(found) == ["approach_unknown"]


def test_blank_enum_stays_blank_without_warning(config):
    clean, found = run(config, raw_row(config))
    assert (clean.loc[0, "company_type"], clean.loc[0, "sector"], clean.loc[0, "approach"]) == ("", "", "")
    assert codes(found) == []


@pytest.mark.parametrize("written, status", [("未整改", "未启动"), ("推进中", "整改中"), ("已完成", "已办结"),
                                             ("已化解", "已办结"), ("已解决", "已办结"), ("整改中", "整改中")])
def test_status_synonyms(config, written, status):
    clean, _ = run(config, raw_row(config, status=written, closed_on="2021-11-30"))
    assert clean.loc[0, "status"] == status


def test_blank_status_counts_as_not_started_with_warning(config):
    clean, found = run(config, raw_row(config, status=None))
    assert clean.loc[0, "status"] == config.enums["status"].default
    assert codes(found) == ["status_blank"] and found.loc[0, "severity"] == fnd.WARNING


def test_unknown_status_is_an_error(config):
    _, found = run(config, raw_row(config, status="快了"))
    assert codes(found) == ["status_invalid"] and found.loc[0, "severity"] == fnd.ERROR


def test_closed_without_closing_date_is_a_warning(config):
    _, found = run(config, raw_row(config, row=4, status="已办结"),
                   raw_row(config, row=5, status="已办结", closed_on=date(2021, 11, 30)),
                   raw_row(config, row=6, status="已办结", closed_on="不详"))
    assert [(c, r) for c, r in zip(found["code"], found["row"])] == [("closed_without_date", 4), ("date_invalid", 6)]


# --- 案号 and credit code ----------------------------------------------------------------------------------

def test_case_no_is_normalised(config):
    clean, found = run(config, raw_row(config, case_no="〔２０２１〕豫0425 执字第123号"))
    assert clean.loc[0, "case_no"] == "（2021）豫0425执123号" and codes(found) == []


def test_unusual_case_no_is_kept_with_a_warning(config):
    clean, found = run(config, raw_row(config, case_no="豫0425执123"))
    assert clean.loc[0, "case_no"] == "豫0425执123"
    assert codes(found) == ["case_no_unusual"] and found.loc[0, "severity"] == fnd.WARNING


def test_bad_credit_code_is_a_warning_with_the_reason(config):
    clean, found = run(config, raw_row(config, row=4, uscc=VALID_USCC[:-1] + "0"), raw_row(config, row=5, uscc="1234"),
                       raw_row(config, row=6, uscc=VALID_USCC.lower()))
    assert codes(found) == ["uscc_invalid", "uscc_invalid"] and set(found["severity"]) == {fnd.WARNING}
    assert "校验位" in found.loc[0, "message"] and "长度" in found.loc[1, "message"]
    assert clean.loc[2, "uscc"] == VALID_USCC


# --- the frame -------------------------------------------------------------------------------------------

def test_every_row_once_in_order_with_provenance_and_units(config):
    rows = [raw_row(config, row=4 + i, company=None if i % 2 else f"企业{i}", amount_unit="元" if i == 3 else "万元")
            for i in range(6)]
    clean, found = run(config, *rows)
    assert list(clean["row"]) == [4, 5, 6, 7, 8, 9]
    assert list(clean.columns[:5]) == ["file", "sheet", "row", "department", "file_time"]
    assert set(config.column_keys) | {"amount_unit", "paid_unit"} <= set(clean.columns)
    assert list(clean["amount_unit"]) == ["万元", "万元", "万元", "元", "万元", "万元"]
    assert list(found["row"]) == [5, 7, 9]


def test_empty_input_gives_empty_frames_with_columns(config):
    frame = pd.DataFrame(columns=["file", "sheet", "row", "department", "file_time", *config.column_keys,
                                  "amount_unit", "paid_unit"])
    clean, found = validate(frame, config)
    assert len(clean) == 0 and list(found.columns) == fnd.COLUMNS
    assert set(config.column_keys) <= set(clean.columns)


def test_ten_thousand_repeated_rows_validate(config):
    rows = [raw_row(config, row=4 + i, deadline="2021年12月底", amount="12.5万元", status="已完成",
                    closed_on=None if i % 1000 else "2021-11-30") for i in range(10_000)]
    clean, found = run(config, *rows)
    assert len(clean) == 10_000 and clean["deadline"].eq(date(2021, 12, 31)).all()
    assert codes(found) == ["closed_without_date"] * 9_990


def test_each_distinct_value_is_parsed_once(config, monkeypatch):
    seen: list = []
    original = validate_module.parse_date

    def counting(value):
        seen.append(value)
        return original(value)

    monkeypatch.setattr(validate_module, "parse_date", counting)
    dates = ["2021-11-15", "2021年12月底", None]
    run(config, *[raw_row(config, row=4 + i, occurred_on=dates[i % 3], deadline=dates[i % 3]) for i in range(300)])
    # 300 rows, but only the distinct values of occurred_on and deadline, plus closed_on's single None
    assert Counter(seen) == {"2021-11-15": 2, "2021年12月底": 2, None: 3}


CELLS = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**9), st.floats(allow_nan=True),
                  st.dates(), st.booleans(), st.sampled_from(["已办结", "2021-11", "12.5万元", "（2021）豫0425执1号"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({"company": CELLS, "description": CELLS, "status": CELLS, "amount": CELLS,
                                       "paid": CELLS, "deadline": CELLS, "uscc": CELLS, "case_no": CELLS,
                                       "sector": CELLS, "closed_on": CELLS}), min_size=1, max_size=8))
def test_any_cells_validate_and_keep_every_row(config, cells):
    clean, found = run(config, *[raw_row(config, row=4 + i, **c) for i, c in enumerate(cells)])
    assert list(clean["row"]) == [4 + i for i in range(len(cells))]
    assert set(found["code"]) <= set(fnd.CATALOGUE)
    assert set(clean["status"]) <= set(config.enums["status"].values)
    assert all(d is None or isinstance(d, date) for d in clean["deadline"])


def test_text_keeps_chinese_punctuation_and_makes_letters_and_digits_half_width(config):
    clean, _ = run(config, raw_row(config, description="２０２１年签约，至今未兑现（约８６万元）。", note="ＡＢ 项目"))
    assert clean.iloc[0]["description"] == "2021年签约，至今未兑现（约86万元）。"
    assert clean.iloc[0]["note"] == "AB 项目"
