"""Held-out evaluation of the column mapper, written after the mapper and never tuned on.

Part 1: 150+ header variants over every standard column, none of them a name or synonym in
config.yaml; each is put into an otherwise standard ledger (real cell content under it) and must be
mapped to its key. Part 2: 20+ workbooks of different layouts (title lines, numbered rows, grouped
headers, several sheets, shuffled and extra columns, unit lines), every column counted. The figure
is printed (`pytest -s tests/test_mapping_heldout.py`) and quoted in the README.
"""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.core.config import load_config
from pipeline.intake.files import read_file
from pipeline.core.text import header_key
from tests.ledgerfiles import write_book as write
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
LINE = "填报单位：县住建局  填报人：张三  联系电话：0375-5000000  填报日期：2026年11月24日"

VARIANTS = {  # second held-out set (the first, tests/test_mapping.py TUNING_V1, became tuning once looked at)
    "seq": ["序次", "顺序号码", "编排序号", "No", "行次", "序号（自动生成）", "排名"],
    "item_id": ["台账事项编号", "问题台账编号（信用办填写）", "问题事项编码", "事项唯一编号", "编号（勿改）", "问题标识号"],
    "category": ["失信类别", "问题类别名称", "案件纠纷类别", "所属问题类别", "问题归类", "类别代码", "问题分类（A1—B5）"],
    "company": ["企业（个体户）名称", "涉及市场主体名称", "相关企业名称", "投诉企业", "企业名（全称）", "市场主体名", "被拖欠企业",
                "申请执行企业"],
    "uscc": ["统一社会信用代码/注册号", "企业代码", "社会信用代码（18位）", "信用代码号", "主体代码", "统一信用代码"],
    "company_type": ["企业经济类型", "企业登记类型", "主体性质", "企业性质类别", "市场主体类别", "企业所有制"],
    "sector": ["问题所属领域", "涉及领域类别", "行业分类", "所属行业类别", "项目领域", "领域（工程/非工程）"],
    "source": ["问题线索来源渠道", "问题来源渠道", "来源方式", "线索来源方式", "发现渠道", "问题来源途径"],
    "description": ["问题情况简述", "问题具体情况", "简要问题描述", "问题概况", "事项简述", "基本案情", "情况描述",
                    "问题主要内容", "存在问题描述", "问题说明"],
    "case_no": ["案号（法院）", "执行（诉讼）案号", "案件字号", "判决案号", "民事案号", "案号（如有）", "执行案件案号"],
    "court": ["受理（审理）法院", "执行法院名称", "审理机关", "一审法院", "管辖人民法院", "法院名称"],
    "amount": ["涉及款项金额（元）", "涉及资金金额", "合同金额", "欠付资金（万元）", "欠付款项", "拖欠款项（万元）", "涉及资金数额", "标的金额",
               "争议金额"],
    "occurred_on": ["发生日期（立案日期）", "问题发生日期", "立案时间（发生时间）", "受理时间", "形成时间", "问题形成日期",
                    "发生时间/立案时间"],
    "owner_unit": ["责任单位（部门）", "具体责任单位", "主要责任单位", "承办责任单位", "责任科室", "负责部门"],
    "owner_person": ["责任人（包案领导）", "包案人", "具体责任人姓名", "分包领导", "责任领导姓名", "主要负责人"],
    "approach": ["处理方式（一企一议等）", "处置办法", "化解方式方法", "处理途径", "解决办法", "办理途径"],
    "measures": ["整改措施及成效", "化解工作措施", "整改措施（已采取的）", "主要整改措施", "已采取措施", "整改举措", "处理措施", "具体化解措施"],
    "deadline": ["整改时限（年月日）", "完成时限要求", "计划办结时间", "化解时限要求", "承诺完成时间", "整改完成期限"],
    "status": ["整改状态（未启动/整改中/已办结）", "办理状态情况", "当前进展状态", "整改办理状态", "是否化解", "整改进度情况",
               "办结情况"],
    "paid": ["已兑付（万元）", "已支付款项（元）", "已兑付资金", "已兑现资金", "已付款项", "已清偿金额", "已到位资金", "已结算金额"],
    "closed_on": ["办结日期（已办结的填写）", "实际办结时间", "化解完成日期", "销号时间", "办结时间（年月日）", "结案时间"],
    "note": ["其他需要说明的事项", "备注（其他）", "附加说明", "备考", "其它说明", "备注事项"],
}

ROWS = [  # what clerks write under the standard columns
    {"seq": 1, "item_id": "JX-2026-0011", "category": "A1 政府作为被执行人尚未执行完毕的案件", "company": "郏县宏图市政工程有限公司",
     "uscc": "91410425MA44Y8XX09", "company_type": "中小企业", "sector": "住建", "source": "法院",
     "description": "县城道路改造工程款经判决生效后至今未支付", "case_no": "（2021）豫0425执123号", "court": "郏县人民法院",
     "amount": 125.5, "occurred_on": datetime(2021, 3, 2), "owner_unit": "县住房和城乡建设局", "owner_person": "张三",
     "approach": "一企一议", "measures": "已与企业协商分期支付方案", "deadline": datetime(2026, 12, 31), "status": "整改中",
     "paid": 20, "closed_on": None, "note": "无"},
    {"seq": 2, "item_id": "JX-2026-0012", "category": "B5 财政资金紧张导致合同承诺无法兑现问题", "company": "平顶山市恒达商贸有限公司",
     "uscc": "914104257932012345", "company_type": "非公有制企业", "sector": "非工程建设", "source": "部门自查",
     "description": "招商引资协议约定的奖励资金因财政紧张未兑现", "case_no": "", "court": "", "amount": 60,
     "occurred_on": datetime(2022, 5, 10), "owner_unit": "县财政局", "owner_person": "李四", "approach": "一事一议",
     "measures": "列入明年预算分两年支付", "deadline": datetime(2027, 6, 30), "status": "未启动", "paid": 0,
     "closed_on": None, "note": ""},
    {"seq": 3, "item_id": "", "category": "B1 违反契约精神、不兑现承诺、“新官不理旧账”等侵害市场主体权益问题",
     "company": "郏县永盛粮油合作社", "uscc": "", "company_type": "其他", "sector": "其他工程建设", "source": "企业反映",
     "description": "前任领导承诺的配套道路建设换届后无人认账", "case_no": "", "court": "", "amount": 35.2,
     "occurred_on": datetime(2020, 9, 1), "owner_unit": "县交通运输局", "owner_person": "王五", "approach": "同事同议",
     "measures": "已完成道路建设并验收", "deadline": datetime(2025, 12, 31), "status": "已办结", "paid": 35.2,
     "closed_on": datetime(2025, 11, 20), "note": "企业已确认"},
]


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


def standard_names(config) -> dict[str, str]:
    return {c.key: c.name for c in config.columns}


def mapped_keys(path: Path, config) -> dict[str, str]:
    """header text as the mapper reported it → key, over every sheet read."""
    return read_file(path, config).files[0].columns


def test_no_variant_is_listed_in_config(config):
    listed = {header_key(x) for c in config.columns for x in (c.name, *c.synonyms)}
    assert not [v for vs in VARIANTS.values() for v in vs if header_key(v) in listed]
    assert sum(len(v) for v in VARIANTS.values()) >= 150 and set(VARIANTS) == set(config.column_keys)


def variant_accuracy(variants: dict[str, list[str]], config, folder: Path) -> tuple[int, int, list[str]]:
    """Each variant in an otherwise standard ledger with real content: (right, total, what went wrong)."""
    names = standard_names(config)
    keys = list(names)
    right, wrong = 0, []
    for key, texts in variants.items():
        for n, variant in enumerate(texts):
            header = [variant if k == key else names[k] for k in keys]
            path = write(folder / f"{key}{n}.xlsx", {"台账": [[LINE], header, *[[r[k] for k in keys] for r in ROWS]]})
            mapped = read_file(path, config).files[0].columns
            text = next((t for t in mapped if header_key(t) == header_key(variant)), None)
            if text is not None and mapped[text] == key:
                right += 1
            else:
                wrong.append(f"{variant}→{mapped.get(text) if text else None}（应为 {key}，第{keys.index(key) + 1}列）")
    return right, right + len(wrong), wrong


def test_held_out_header_variants(config, tmp_path, capsys):
    right, total, wrong = variant_accuracy(VARIANTS, config, tmp_path)
    with capsys.disabled():
        print(f"\n留出集表头变体：{right}/{total} = {right / total:.1%} 识别正确；错误：{'；'.join(wrong) or '无'}")
    assert right / total >= 0.98


def layouts(config) -> list[tuple[str, dict, dict, dict[str, str]]]:
    """(name, sheets, merges, expected header → key) for each layout."""
    names = standard_names(config)
    rnd = random.Random(9)
    out = []

    def table(keys: list[str], heads: list[str], rows=ROWS) -> list[list]:
        return [heads, *[[r.get(k, "") if k in r else "x" for k in keys] for r in rows]]

    def pick(i: int) -> tuple[list[str], list[str], dict[str, str]]:
        keys = [k for k in names if rnd.random() < 0.8 or k in ("company", "description", "status")]
        rnd.shuffle(keys)
        heads = [VARIANTS[k][(i + j) % len(VARIANTS[k])] if rnd.random() < 0.6 else names[k] for j, k in enumerate(keys)]
        return keys, heads, dict(zip(heads, keys))

    for i in range(8):  # shuffled columns in clerks' words, under title and 填报单位 lines
        keys, heads, expected = pick(i)
        extra = ["联系电话", "经办人手机"][: i % 3]
        rows = [[*[r.get(k, "") for k in keys], *["13800000000"] * len(extra)] for r in ROWS]
        sheet = [["郏县政务失信问题排查整治台账"], [LINE], [*heads, *extra], *rows]
        out.append((f"shuffled{i}", {"台账": sheet}, {}, expected))
    for i in range(3):  # a row of column numbers under the header
        keys, heads, expected = pick(10 + i)
        numbers = list(range(1, len(keys) + 1)) if i != 1 else [f"（{'一二三四五六七八九十'[j % 10]}）" for j in range(len(keys))]
        out.append((f"numbered{i}", {"Sheet1": [[LINE], heads, numbers, *[[r[k] for k in keys] for r in ROWS]]}, {}, expected))
    for i in range(3):  # a units row and a unit line above the table
        keys, heads, expected = pick(20 + i)
        units = ["万元" if k in ("amount", "paid") else ("年月日" if k in ("occurred_on", "deadline", "closed_on") else None)
                 for k in keys]
        out.append((f"units{i}", {"台账": [[LINE], ["单位：万元"], heads, units, *[[r[k] for k in keys] for r in ROWS]]},
                    {}, expected))
    for i in range(3):  # parent groups over child headers
        upper = ["序号", "市场主体情况", None, None, "案件（纠纷）情况", None, None, None, "整改推进情况", None, None, "备注"]
        lower = [None, "名称", "代码", "性质", "类别", "简述", "案号", "金额", "措施", "期限", "进度", None]
        keys = ["seq", "company", "uscc", "company_type", "category", "description", "case_no", "amount",
                "measures", "deadline", "status", "note"]
        if i == 1:
            upper[1], lower[1:4] = "企业信息", ["企业名称", "统一社会信用代码", "企业类型"]
        if i == 2:
            upper[4], lower[4:8] = "问题情况", ["问题类型", "具体描述", "法院案号", "涉及金额（万元）"]
        parents = [next(u for u in reversed(upper[: j + 1]) if u) for j in range(len(upper))]
        expected = {(f"{parents[j]} / {lower[j]}" if lower[j] else upper[j]): k for j, k in enumerate(keys)}
        rows = [[r[k] for k in keys] for r in ROWS]
        merges = ["A2:A3", "B2:D2", "E2:H2", "I2:K2", "L2:L3"]
        out.append((f"grouped{i}", {"台账": [[LINE], upper, lower, *rows]}, {"台账": merges}, expected))
    for i in range(3):  # several data sheets (cases without a category column, disputes), plus an instruction sheet
        case_keys = ["seq", "company", "case_no", "court", "description", "amount", "occurred_on", "status"]
        case_heads = ["序号", "申请人（企业）", "案件编号", "审理法院名称", "案件简要情况", "标的额（万元）", "立案受理日期", "办理进度"]
        dispute_keys = ["seq", "company", "category", "description", "amount", "owner_unit", "deadline", "status"]
        dispute_heads = ["序号", "企业全称", "问题种类", "问题简介", "涉及资金", "主责部门", "计划完成时间", "目前状态"]
        sheets = {"填表说明": [["本表由各单位填写"]], "执行案件": [[LINE], *table(case_keys, case_heads)],
                  "诉讼案件": [[LINE], *table(case_keys, case_heads)], "纠纷": [[LINE], *table(dispute_keys, dispute_heads)]}
        if i == 2:
            del sheets["诉讼案件"]
        expected = {**dict(zip(case_heads, case_keys)), **dict(zip(dispute_heads, dispute_keys))}
        out.append((f"sheets{i}", sheets, {}, expected))
    return out


def test_held_out_layouts(config, tmp_path, capsys):
    cases = layouts(config)
    assert len(cases) >= 20
    right, total, wrong = 0, 0, []
    for name, sheets, merges, expected in cases:
        got = mapped_keys(write(tmp_path / f"县住建局{name}.xlsx", sheets, merges), config)
        got = {header_key(t): k for t, k in got.items()}
        for head, key in expected.items():
            total += 1
            if got.get(header_key(head)) == key:
                right += 1
            else:
                wrong.append(f"{name}:{head.split(' / ')[0]}→{got.get(header_key(head))}（应为 {key}）")
    with capsys.disabled():
        print(f"\n留出集工作簿（{len(cases)} 个版式）：{right}/{total} 列 = {right / total:.1%} 识别正确；错误：{'；'.join(wrong) or '无'}")
    assert right / total >= 0.98
