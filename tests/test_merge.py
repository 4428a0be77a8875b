"""Merging: 案号, same enterprise + category + similar description, suspects, conflicts, corrections,
and a labelled synthetic set scored by pairwise precision and recall."""
from __future__ import annotations

import random
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from pipeline.core.config import load_config
from pipeline.merge.match import (MergeResult, case_key, company_key, description_text, merge_rows,
                            settings_of)
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
COURT, PETITION, HOTLINE = "县人民法院", "县信访局", "县政务服务和大数据管理局"
HOUSING, FINANCE, WATER = "县住房和城乡建设局", "县财政局", "县水利局"


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


def row(config, department: str, file_time: float = 1.0, row_no: int = 4, **values) -> dict:
    """One clean, classified row as validate + classify hand it to merge."""
    out = {"file": f"{department}.xlsx", "sheet": "台账", "row": row_no, "department": department,
           "file_time": file_time}
    for col in config.columns:
        out[col.key] = float("nan") if col.type == "amount" else None if col.type == "date" else ""
    out.update({"status": "整改中", "category_inferred": False, "category_reason": ""})
    out.update(values)
    return out


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def no_items() -> pd.DataFrame:
    return pd.DataFrame(columns=["item_id", "category", "company", "uscc", "description", "case_no",
                                 "departments", "status"])


def no_decisions() -> pd.DataFrame:
    return pd.DataFrame(columns=["action", "item_id", "other", "value", "note"])


def keys_of(result: MergeResult) -> list[str]:
    return list(result.rows["item_key"])


# --- keys ---------------------------------------------------------------------------------------

def test_company_key_strips_prefixes_suffix_brackets_and_spaces(config):
    prefixes = settings_of(config).prefixes
    same = ["郏县宏达建筑有限责任公司", "河南省平顶山市郏县宏达建筑有限公司", "宏达建筑有限公司",
            "郏县 宏达建筑 有限公司", "郟县宏达建筑有限公司"]
    assert {company_key(n, prefixes) for n in same} == {"宏达建筑有限公司"}
    assert company_key("宏达建筑（集团）有限公司", prefixes) == company_key("宏达建筑(集团)有限公司", prefixes)
    assert company_key("宏达建筑有限公司", prefixes) != company_key("宏远建筑有限公司", prefixes)


def test_case_key_treats_writings_of_one_case_alike():
    assert case_key("（2021）豫0425执123号") == case_key("(2021)豫0425执字第123号") == case_key(" (2021) 豫0425执 123号")
    assert case_key("（2021）豫0425执123号") != case_key("（2021）豫0425执124号")


def test_description_text_drops_the_company_name_and_punctuation(config):
    prefixes = settings_of(config).prefixes
    text = description_text("郏县宏达建筑有限公司反映：广阳路工程款，未付。", "宏达建筑有限责任公司", prefixes)
    assert text == "反映广阳路工程款未付"


# --- matching rules -----------------------------------------------------------------------------

def test_same_case_number_from_court_and_department_is_one_item(config):
    rows = frame([
        row(config, COURT, file_time=5, company="郏县宏达建筑有限公司", category="A1", case_no="（2021）豫0425执123号",
            description="申请执行人宏达建筑与县住建局建设工程合同纠纷执行一案", amount=120.0),
        row(config, HOUSING, file_time=9, company="宏达建筑有限责任公司", category="A2",
            case_no="(2021)豫0425执字第123号", description="广阳路改造工程款未付，企业起诉", amount=100.0),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert keys_of(result)[0] == keys_of(result)[1]
    item = result.items.iloc[0]
    assert item["departments"] == sorted([COURT, HOUSING])
    assert item["category"] == "A1"                      # the court decides a case's category
    assert item["amount"] == 100.0                       # the responsible department wins other fields
    assert item["description"] == "广阳路改造工程款未付，企业起诉"
    fields = set(result.conflicts["field"])
    assert {"问题类别", "涉及金额（万元）"} <= fields
    amount = result.conflicts[result.conflicts["field"] == "涉及金额（万元）"].iloc[0]
    assert amount["changes_number_or_status"] and amount["chosen"] == "100"
    assert COURT in amount["values"] and HOUSING in amount["values"]
    category = result.conflicts[result.conflicts["field"] == "问题类别"].iloc[0]
    assert category["chosen"] == "A1" and not category["changes_number_or_status"]


def test_dispute_from_petition_office_and_department_is_one_item(config):
    rows = frame([
        row(config, HOUSING, company="郏县鑫源市政工程有限责任公司", category="B1",
            description="2019年鑫源市政承接广阳路雨污分流改造工程，竣工验收后拖欠工程款86万元，企业多次催要未果。"),
        row(config, PETITION, company="鑫源市政工程有限公司", category="B1",
            description="鑫源市政工程有限公司来访反映：广阳路雨污分流改造工程竣工验收后，住建局拖欠工程款86万元。"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 1
    assert result.items.iloc[0]["departments"] == sorted([HOUSING, PETITION])
    assert len(result.suspects) == 0


def test_same_company_different_category_is_two_items_and_a_suspect(config):
    text = "2020年鑫源市政承接龙山大道路灯亮化工程，工程款120万元至今未付。"
    rows = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", category="B1", description=text),
        row(config, HOTLINE, company="郏县鑫源市政工程有限公司", category="B5", description=text + "因财政资金紧张。"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 2
    assert len(result.suspects) == 1
    suspect = result.suspects.iloc[0]
    assert "类别不同（B1/B5）" in suspect["reason"] or "类别不同（B5/B1）" in suspect["reason"]
    assert {suspect["category_a"], suspect["category_b"]} == {"B1", "B5"}
    assert suspect["score"] > 80


def test_borderline_similarity_is_a_suspect_not_a_merge(config):
    rows = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", category="B1",
            description="龙山大道路灯亮化工程竣工后拖欠工程款120万元"),
        row(config, PETITION, company="鑫源市政工程有限公司", category="B1",
            description="龙山大道路灯维修项目质保金36万元未退还，企业来访"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    s = settings_of(config)
    assert len(set(keys_of(result))) == 2
    assert len(result.suspects) == 1
    assert s.suspect <= result.suspects.iloc[0]["score"] < s.same
    assert "同一类别" in result.suspects.iloc[0]["reason"]


def test_unrelated_problems_of_one_company_are_neither_merged_nor_suspect(config):
    rows = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", category="B1",
            description="龙山大道路灯亮化工程竣工后拖欠工程款120万元"),
        row(config, PETITION, company="鑫源市政工程有限公司", category="B1",
            description="城东片区公厕改造项目验收资料被退回，保证金一直未退"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 2 and len(result.suspects) == 0


def test_credit_code_beats_names(config):
    text = "广阳路雨污分流改造工程拖欠工程款86万元，企业多次催要未果。"
    same_code = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", uscc="91410425MA44XXXX1A", category="B1", description=text),
        row(config, PETITION, company="河南鑫源城市建设集团", uscc="91410425MA44XXXX1A", category="B1", description=text),
    ])
    assert len(set(keys_of(merge_rows(same_code, no_items(), no_decisions(), config)))) == 1
    other_code = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", uscc="91410425MA44XXXX1A", category="B1", description=text),
        row(config, PETITION, company="鑫源市政工程有限公司", uscc="91410425MA55YYYY2B", category="B1", description=text),
    ])
    assert len(set(keys_of(merge_rows(other_code, no_items(), no_decisions(), config)))) == 2
    one_code = frame([
        row(config, HOUSING, company="鑫源市政工程有限公司", uscc="91410425MA44XXXX1A", category="B1", description=text),
        row(config, PETITION, company="郏县鑫源市政工程有限公司", category="B1", description=text),
    ])
    assert len(set(keys_of(merge_rows(one_code, no_items(), no_decisions(), config)))) == 1


def existing(*records: dict) -> pd.DataFrame:
    base = {"category": "", "company": "", "uscc": "", "description": "", "case_no": "", "departments": "",
            "status": "整改中"}
    return pd.DataFrame([{**base, **r} for r in records])


def test_carried_item_id_goes_to_that_item(config):
    items = existing({"item_id": "JX-2026-0007", "category": "B3", "company": "天瑞牧业有限公司",
                      "description": "养殖场划入禁养区需搬迁，补偿未到位", "departments": "县农业农村局"})
    rows = frame([row(config, "县农业农村局", item_id="JX-2026-0007", company="天瑞牧业有限公司", category="B3",
                      description="完全不同的写法：企业反映搬迁补偿问题")])
    result = merge_rows(rows, items, no_decisions(), config)
    assert keys_of(result) == ["JX-2026-0007"]
    assert list(result.items["item_key"]) == ["JX-2026-0007"]


def test_rows_match_existing_items_and_prefer_their_own_department(config):
    text = "广阳路雨污分流改造工程竣工验收后拖欠工程款86万元，企业多次催要未果。"
    items = existing(
        {"item_id": "JX-2026-0001", "category": "B1", "company": "鑫源市政工程有限公司", "description": text,
         "departments": HOTLINE},
        {"item_id": "JX-2026-0002", "category": "B1", "company": "鑫源市政工程有限公司", "description": text,
         "departments": HOUSING},
        {"item_id": "JX-2026-0003", "category": "A1", "company": "恒达路桥有限公司", "description": "执行案件",
         "case_no": "（2022）豫0425执88号", "departments": COURT})
    rows = frame([
        row(config, HOUSING, company="郏县鑫源市政工程有限责任公司", category="B1", description=text),
        row(config, "县交通运输局", company="恒达路桥有限公司", category="A1", case_no="(2022)豫0425执字第88号",
            description="东环路工程款执行案"),
        row(config, FINANCE, company="新宇置业有限公司", category="B5", description="安置房回购款未付"),
    ])
    result = merge_rows(rows, items, no_decisions(), config)
    assert keys_of(result) == ["JX-2026-0002", "JX-2026-0003", "new:1"]
    assert result.items.set_index("item_key").loc["JX-2026-0003", "departments"] == ["县交通运输局"]
    suspect_pairs = set(zip(result.suspects["key_a"], result.suspects["key_b"]))
    assert ("JX-2026-0001", "JX-2026-0002") in suspect_pairs


def test_transitive_matches_end_in_one_key(config):
    rows = frame([
        row(config, COURT, company="恒达路桥有限公司", category="A1", case_no="（2022）豫0425执88号",
            description="恒达路桥申请执行东环路工程款88万元"),
        row(config, "县交通运输局", company="郏县恒达路桥有限责任公司", category="A1", case_no="(2022)豫0425执88号",
            description="东环路道路拓宽工程款88万元法院强制执行中"),
        row(config, HOTLINE, company="恒达路桥有限公司", category="A1",
            description="东环路道路拓宽工程款88万元法院强制执行中，企业来电催办"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 1
    assert result.items.iloc[0]["departments"] == sorted([COURT, "县交通运输局", HOTLINE])


def test_two_rows_of_one_department_stay_two_items(config):
    text = "广阳路雨污分流改造工程竣工验收后拖欠工程款86万元"
    rows = frame([row(config, HOUSING, row_no=4, company="鑫源市政工程有限公司", category="B1", description=text),
                  row(config, HOUSING, row_no=5, company="鑫源市政工程有限公司", category="B1", description=text)])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 2
    assert "同一单位" in result.suspects.iloc[0]["reason"]


def test_different_case_numbers_are_two_items(config):
    rows = frame([
        row(config, COURT, company="恒达路桥有限公司", category="A1", case_no="（2022）豫0425执88号",
            description="东环路工程款执行案"),
        row(config, COURT, company="恒达路桥有限公司", category="A1", case_no="（2022）豫0425执89号",
            description="东环路工程款执行案"),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert len(set(keys_of(result))) == 2 and len(result.suspects) == 0


# --- conflict rule ------------------------------------------------------------------------------

def test_precedence_responsible_then_latest_and_empty_never_wins(config):
    text = "广阳路雨污分流改造工程竣工验收后拖欠工程款86万元"
    rows = frame([
        row(config, PETITION, file_time=30, company="鑫源市政工程有限公司", category="B1", description=text + "。",
            amount=90.0, status="未启动", owner_person="王强", measures="信访局已转办"),
        row(config, HOUSING, file_time=10, row_no=4, company="鑫源市政工程有限公司", category="B1",
            description=text, amount=86.0, status="整改中", owner_person=""),
        row(config, FINANCE, file_time=20, row_no=7, company="鑫源市政工程有限公司", category="B1",
            description=text + "，企业多次催要", amount=float("nan"), status="已办结", owner_person=""),
    ])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    item = result.items.iloc[0]
    assert len(result.items) == 1
    assert item["status"] == "已办结"            # responsible departments first, then the latest file
    assert item["amount"] == 86.0                # the later row left it empty; empty never wins
    assert item["owner_person"] == "王强"         # only the intake row has it
    assert item["description"] == text + "，企业多次催要"
    status = result.conflicts[result.conflicts["field"] == "整改状态"].iloc[0]
    assert status["chosen"] == "已办结" and status["changes_number_or_status"]
    assert item["sources"] == sorted(item["sources"]) and len(item["sources"]) == 3


def test_sources_of_a_csv_have_an_empty_sheet(config):
    rows = frame([row(config, FINANCE, company="新宇置业有限公司", category="B5", description="回购款未付",
                      row_no=12, file="财政局.csv", sheet="")])
    assert merge_rows(rows, no_items(), no_decisions(), config).items.iloc[0]["sources"] == ["财政局.csv::12"]


def test_item_ids_and_order_are_stable_for_new_items(config):
    rows = frame([row(config, FINANCE, company=f"企业{n}有限公司", category="B5", description=f"第{n}项回购款未付")
                  for n in range(3)])
    result = merge_rows(rows, no_items(), no_decisions(), config)
    assert keys_of(result) == ["new:1", "new:2", "new:3"]
    assert list(result.items["item_key"]) == ["new:1", "new:2", "new:3"]
    assert not result.absorbed and result.conflicts.empty and result.suspects.empty


def test_empty_input(config):
    result = merge_rows(frame([]).reindex(columns=list(row(config, FINANCE))), no_items(), no_decisions(), config)
    assert result.items.empty and result.rows.empty and result.suspects.empty


# --- office corrections -------------------------------------------------------------------------

def decisions(*records: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"action": a, "item_id": i, "other": o, "value": "", "note": ""} for a, i, o in records])


def test_merge_decision_absorbs_the_other_item(config):
    items = existing(
        {"item_id": "JX-2026-0001", "category": "B1", "company": "鑫源市政工程有限公司", "description": "路灯工程款未付",
         "departments": HOUSING},
        {"item_id": "JX-2026-0002", "category": "B5", "company": "鑫源市政有限公司", "description": "亮化项目资金没到位",
         "departments": FINANCE})
    rows = frame([row(config, HOUSING, item_id="JX-2026-0001", company="鑫源市政工程有限公司", category="B1",
                      description="路灯工程款未付"),
                  row(config, FINANCE, item_id="JX-2026-0002", company="鑫源市政有限公司", category="B5",
                      description="亮化项目资金没到位")])
    result = merge_rows(rows, items, decisions(("merge", "JX-2026-0001", "JX-2026-0002")), config)
    assert keys_of(result) == ["JX-2026-0001", "JX-2026-0001"]
    assert result.absorbed == {"JX-2026-0002": "JX-2026-0001"}
    assert result.items.iloc[0]["corrected"] == "人工合并"
    assert result.items.iloc[0]["departments"] == sorted([HOUSING, FINANCE])
    assert result.suspects.empty


def test_merged_away_id_carried_later_goes_to_the_item_that_absorbed_it(config):
    items = existing({"item_id": "JX-2026-0001", "category": "B1", "company": "鑫源市政工程有限公司",
                      "description": "路灯工程款未付", "departments": f"{HOUSING}、{FINANCE}"})
    rows = frame([row(config, FINANCE, item_id="JX-2026-0002", company="鑫源市政有限公司", category="B5",
                      description="亮化项目资金没到位"),
                  row(config, FINANCE, item_id="JX-2026-0099", company="新宇置业有限公司", category="B5",
                      description="安置房回购款未付")])
    merges = decisions(("merge", "JX-2026-0001", "JX-2026-0002"), ("merge", "JX-2026-0002", "JX-2026-0001"))
    result = merge_rows(rows, items, merges, config)
    assert keys_of(result) == ["JX-2026-0001", "new:1"]      # an unknown 问题编号 starts a new item
    assert result.absorbed == {}                              # 0002 was absorbed in an earlier period


def test_keep_apart_decision_silences_the_suspect(config):
    text = "2020年鑫源市政承接龙山大道路灯亮化工程，工程款120万元至今未付。"
    items = existing({"item_id": "JX-2026-0001", "category": "B1", "company": "鑫源市政工程有限公司",
                      "description": text, "departments": HOUSING},
                     {"item_id": "JX-2026-0002", "category": "B5", "company": "鑫源市政工程有限公司",
                      "description": text, "departments": HOTLINE})
    rows = frame([row(config, HOUSING, company="鑫源市政工程有限公司", category="B1", description=text),
                  row(config, HOTLINE, company="鑫源市政工程有限公司", category="B5", description=text)])
    before = merge_rows(rows, items, no_decisions(), config)
    assert len(before.suspects) == 1
    after = merge_rows(rows, items, decisions(("keep_apart", "JX-2026-0002", "JX-2026-0001")), config)
    assert after.suspects.empty
    assert keys_of(after) == ["JX-2026-0001", "JX-2026-0002"]


def test_split_decision_keeps_a_department_out_of_an_item(config):
    text = "广阳路雨污分流改造工程竣工验收后拖欠工程款86万元"
    items = existing({"item_id": "JX-2026-0001", "category": "B1", "company": "鑫源市政工程有限公司",
                      "description": text, "departments": f"{HOUSING}、{PETITION}"})
    rows = frame([row(config, HOUSING, item_id="JX-2026-0001", company="鑫源市政工程有限公司", category="B1",
                      description=text),
                  row(config, PETITION, item_id="JX-2026-0001", company="鑫源市政工程有限公司", category="B1",
                      description=text)])
    joined = merge_rows(rows, items, no_decisions(), config)
    assert keys_of(joined) == ["JX-2026-0001", "JX-2026-0001"]
    result = merge_rows(rows, items, decisions(("split", "JX-2026-0001", "信访局")), config)
    assert keys_of(result) == ["JX-2026-0001", "new:1"]
    corrected = result.items.set_index("item_key")["corrected"]
    assert corrected["new:1"] == "人工拆分" and corrected["JX-2026-0001"] == "人工拆分"
    assert result.suspects.empty


def test_category_and_closing_decisions_pass_through(config):
    rows = frame([row(config, FINANCE, company="新宇置业有限公司", category="B5", description="安置房回购款未付")])
    result = merge_rows(rows, no_items(), decisions(("set_category", "JX-2026-0009", ""),
                                                    ("confirm_closed", "JX-2026-0009", "")), config)
    assert keys_of(result) == ["new:1"] and result.items.iloc[0]["corrected"] == ""


# --- labelled synthetic set ---------------------------------------------------------------------

TRADES = ("鑫源 恒达 宏图 金桥 中原 天瑞 广源 宏发 瑞丰 长青 华隆 兴达 润泽 鸿运 安泰 龙腾 嘉禾 盛世 通达 永盛 "
          "福瑞 华鑫 汇丰 祥和 东方 德润 隆基 锦程 新宇 博远 卓越 昌盛 聚力 顺发 金泰 万通 宏昌 鼎盛 豫龙 汝河").split()
INDUSTRIES = "建筑工程 市政工程 路桥建设 水利工程 商贸 牧业 物流 电气设备 园林绿化 置业 环保科技 建材 劳务服务".split()
PLACES = "广阳路 龙山大道 文化路 长青路 东环路 西环路 鸿运路 安良路 产业集聚区 城东片区 城西片区 老城区 茨芭镇 堂街镇".split()
PROJECTS = ("道路改造工程 雨污分流改造工程 老旧小区改造项目 饮水安全工程 道路硬化工程 教学楼建设项目 污水处理厂建设项目 "
            "标准化厂房建设项目 卫生院改扩建项目 灌溉工程 集中供热项目 公共租赁住房项目 河道综合治理工程 "
            "农贸市场改造项目 公厕改造项目 路灯亮化工程 体育公园建设项目 冷链物流园项目 光伏发电项目").split()
DETAILS = ("竣工验收后", "合同约定的", "经审计确认的", "按协议应付的", "招商引资时承诺的", "分期付款中的")
SYNONYMS = (("拖欠", "欠付"), ("工程款", "工程价款"), ("企业", "公司"), ("涉及金额", "涉案金额"), ("至今", "迄今"),
            ("未支付", "没有支付"), ("多次", "反复"), ("反映", "反应"))
CASE_LETTERS = {"A1": "执", "A2": "民初"}


def company_variant(trade: str, industry: str, rng: random.Random) -> str:
    prefix = rng.choice(("", "", "郏县", "河南省", "平顶山市", "河南省平顶山市郏县"))
    suffix = rng.choice(("有限公司", "有限责任公司"))
    name = prefix + trade + industry + suffix
    return name.replace(industry, f"{industry} ") if rng.random() < 0.1 else name


def signal_words(config, code: str, rng: random.Random) -> list[str]:
    strong = [w for w, weight in config.category(code).words if weight >= 3 and len(w) >= 2]
    return rng.sample(strong, 2)


def describe(facts: dict, rng: random.Random, reworded: bool) -> str:
    """A department's wording of the facts; re-reports reorder, drop and add phrases and use synonyms."""
    company = facts["short"] if reworded else facts["company"]
    w1, w2 = facts["words"] if not reworded or rng.random() < 0.5 else facts["words"][::-1]
    amount = facts["amount"] if not reworded or rng.random() < 0.5 else f"约{round(facts['amount'])}"
    if not reworded:
        text = (f"{facts['year']}年{company}承接{facts['project']}，{facts['detail']}{facts['money']}{w1}，"
                f"存在{w2}等问题，涉及金额{amount}万元，企业多次反映至今未支付。")
    else:
        text = rng.choice((
            f"{company}反映：{facts['project']}{facts['detail']}{facts['money']}因{w1}、{w2}，{amount}万元至今未支付",
            f"经核实，{facts['project']}（{company}承建）{w2}，{w1}，拖欠{facts['money']}{amount}万元",
            f"{company}来电称{facts['year']}年承接的{facts['project']}{facts['money']}{w1}{w2}，涉及{amount}万元，请求协调解决",
        ))
        for a, b in SYNONYMS:
            if rng.random() < 0.3:
                text = text.replace(a, b)
    if rng.random() < 0.3:
        text = text.replace("，", ",").replace("：", ":")
    return text


def labelled_rows(config, n_items: int, seed: int) -> tuple[pd.DataFrame, list[int]]:
    """Rows of a period with the true item of each: re-reports by the court and the intake offices,
    and several distinct problems (some of the same category) of one company."""
    rng = random.Random(seed)
    responsible = [d for d in config.department_names if d not in (COURT, PETITION, HOTLINE)]
    companies: list[tuple[str, str, str]] = []
    rows, truth, case_seq = [], [], 100
    for item in range(n_items):
        if companies and rng.random() < 0.3:
            trade, industry, uscc = rng.choice(companies)     # another problem of a known company
        else:
            trade, industry = rng.choice(TRADES) + str(item), rng.choice(INDUSTRIES)
            uscc = f"91410425MA{item:07d}X"
            companies.append((trade, industry, uscc))
        code = rng.choice([c.code for c in config.categories])
        case_seq += rng.randint(1, 9)
        case_no = f"（{rng.randint(2019, 2024)}）豫0425{CASE_LETTERS[code]}{case_seq}号" if code in CASE_LETTERS else ""
        facts = {"company": trade + industry + "有限公司", "short": trade + industry, "year": rng.randint(2016, 2023),
                 "project": rng.choice(PLACES) + rng.choice(PROJECTS), "detail": rng.choice(DETAILS),
                 "money": rng.choice(("工程款", "回购款", "补偿款", "奖励资金", "质保金")),
                 "amount": round(rng.uniform(3, 900), 1), "words": signal_words(config, code, rng)}
        reporters = [rng.choice(responsible)]
        if case_no and rng.random() < 0.8:
            reporters.append(COURT)
        elif not case_no:
            reporters += [d for d, p in ((PETITION, 0.3), (HOTLINE, 0.2)) if rng.random() < p]
        for n, dep in enumerate(reporters):
            reworded = n > 0
            case_text = case_no
            if reworded and case_no and rng.random() < 0.5:
                case_text = case_no.replace("（", "(").replace("）", ")").replace("执", "执字第")
            rows.append(row(config, dep, file_time=float(rng.randint(1, 50)), row_no=len(rows) + 4,
                            company=company_variant(trade, industry, rng),
                            uscc=uscc if rng.random() < 0.5 else "", category=code, case_no=case_text,
                            description=describe(facts, rng, reworded), amount=facts["amount"]))
            truth.append(item)
    return frame(rows), truth


def pair_scores(keys: list[str], truth: list[int]) -> tuple[float, float, int, int]:
    def pairs(labels):
        groups = defaultdict(list)
        for i, label in enumerate(labels):
            groups[label].append(i)
        return {p for g in groups.values() for p in combinations(g, 2)}
    predicted, true = pairs(keys), pairs(truth)
    hits = len(predicted & true)
    return hits / max(len(predicted), 1), hits / max(len(true), 1), len(predicted), len(true)


def test_labelled_synthetic_set_precision_and_recall(config):
    rows, truth = labelled_rows(config, n_items=2500, seed=7)
    result = merge_rows(rows, no_items(), no_decisions(), config)
    precision, recall, predicted, true = pair_scores(keys_of(result), truth)
    assert set(result.items["item_key"]) == set(keys_of(result))          # every row ends in one item
    assert sum(len(s) for s in result.items["sources"]) == len(rows)
    print(f"\n[merge labelled set] rows={len(rows)} true pairs={true} predicted pairs={predicted} "
          f"precision={precision:.4f} recall={recall:.4f} suspects={len(result.suspects)}")
    assert len(rows) > 3000
    assert precision >= 0.98
    assert recall >= 0.95


def test_referral_naming_the_responsible_department_merges_at_the_suspect_score():
    from pipeline.core.config import load_config
    from pipeline.merge.match import merge_rows
    import pandas as pd
    config = load_config(config_path())
    base = {"sheet": "", "file_time": 0.0, "category": "B4", "category_inferred": False, "category_reason": "",
            "uscc": "", "case_no": "", "item_id": "", "amount": float("nan"), "paid": float("nan"), "status": "整改中"}
    dept = {**base, "file": "商务局.xlsx", "row": 5, "department": "县商务局", "owner_unit": "",
            "company": "郏县金桥食品有限公司",
            "description": "2018年招商引资签约时承诺的厂房建设补贴及三年租金减免至今未兑现,企业多次反映。"}
    hotline = {**base, "file": "12345.csv", "row": 3, "department": "县政务服务和大数据管理局",
               "company": "金桥食品有限责任公司", "owner_unit": "县商务局",
               "description": "来电反映:企业落户郏县时答应的厂房补贴和租金减免至今没有兑现,请求落实招商承诺。"}
    other_owner = {**hotline, "owner_unit": "县财政局"}
    empty = pd.DataFrame(columns=["item_id", "category", "company", "uscc", "description", "case_no", "departments", "status"])
    merged = merge_rows(pd.DataFrame([dept, hotline]), empty, pd.DataFrame(), config)
    assert merged.rows["item_key"].nunique() == 1
    apart = merge_rows(pd.DataFrame([dept, other_owner]), empty, pd.DataFrame(), config)
    assert apart.rows["item_key"].nunique() == 2 and len(apart.suspects) == 1
