"""The column mapper and the ledgers people really write: headers in their own words, several data
sheets, numbered and unit rows, parent groups, repeated headers, a unit above the table, non-ledgers.

TUNING is the set the mapper's words and weights were tuned on; the held-out evaluation that was
written afterwards and never tuned on is tests/test_mapping_heldout.py.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline.core import findings as fnd
from pipeline.cli import main
from pipeline.intake.columns import map_columns
from pipeline.core.config import load_config
from pipeline.intake.files import read_file
from pipeline.validate import validate
from tests.ledgerfiles import write_book, write_ledger
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
LINE = "填报单位：县住建局  填报人：张三  填报日期：2026年11月24日"


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


TUNING = {  # header → key, none of them in config.yaml
    "企业（单位）名称*": "company", "问题简述": "description", "完成期限": "deadline", "目前进展": "status",
    "社会统一信用代码": "uscc", "立案时间": "occurred_on", "销号时间": "closed_on", "牵头领导": "owner_person",
    "已兑现金额": "paid", "涉案金额（元）": "amount", "问题类别（请选择）": "category", "整改时限（格式：2021-12-31）": "deadline",
    "问题\n描述": "description", "*企业名称": "company", "执行法院名称": "court", "处置措施及进展": "measures",
}


# The first held-out set: measured once, untouched, at 137/148 = 92.6 % (variants) and 324/352 = 92.0 %
# (layouts) with the mapper as first written; after that its failures were looked at, so it is tuning now.
TUNING_V1 = {
    "seq": ["序", "排序号", "顺序", "行号", "序列号"],
    "item_id": ["问题代码", "事项编码", "问题编码", "台账问题编号", "信用办编号", "事项号"],
    "category": ["问题种类", "问题性质类别", "所属类别", "类别（下拉选择）", "问题所属类型", "失信问题类型", "类型（A1-B5）"],
    "company": ["企业全称", "涉事企业名称", "涉及企业（市场主体）", "企业单位名称", "市场主体全称", "受损企业名称", "公司名称",
                "债权企业"],
    "uscc": ["统一社会信用代码（18位）", "社会统一代码", "企业统一社会信用代码", "信用代码（必填）", "统一社会代码",
             "企业信用代码号", "纳税人识别号"],
    "company_type": ["企业所有制性质", "企业规模类型", "市场主体性质", "企业类别（民营/国有）", "企业归属类型", "所属企业类型"],
    "sector": ["所在领域", "所属行业领域", "行业类别", "涉及行业", "领域分类", "工程领域"],
    "source": ["问题发现来源", "信息来源", "线索渠道", "来源渠道", "问题渠道", "发现途径", "反映来源"],
    "description": ["问题基本情况描述", "简要情况", "问题简介", "事项概述", "存在的主要问题", "情况简述", "问题内容描述",
                    "具体情况", "失信问题简述", "问题及诉求"],
    "case_no": ["案件号", "法院案件编号", "判决书案号", "裁判文书案号", "执行案件号", "诉讼案件号", "立案案号"],
    "court": ["审理法院名称", "执行法院（审理法院）", "管辖法院", "受理法院名称", "承办法院", "审判法院"],
    "amount": ["涉及资金（万元）", "欠付金额（万元）", "涉及金额数", "标的金额（元）", "涉案资金", "拖欠金额", "涉及款项",
               "金额合计"],
    "occurred_on": ["问题发生时间", "立案受理日期", "发生年月", "产生时间", "起始日期", "案件立案日期", "问题产生日期"],
    "owner_unit": ["责任主体单位", "主责部门", "承办单位（部门）", "牵头责任单位", "负责单位", "整改责任单位", "主管部门"],
    "owner_person": ["具体负责人", "包案责任人", "联系领导", "责任人姓名", "包保责任人", "分管领导"],
    "approach": ["处理方法", "化解办法", "解决方式", "处置方法", "办理方式", "化解途径"],
    "measures": ["整改措施及进展", "具体整改措施", "化解措施及进度", "解决措施", "工作举措", "整改方案", "下步措施", "推进措施"],
    "deadline": ["整改完成时限", "计划完成时间", "化解完成期限", "预计完成时间", "限期整改时间", "整改截止日期"],
    "status": ["办结状态", "目前状态", "办理进度", "整改进展状态", "是否已办结", "化解进度", "当前整改状态"],
    "paid": ["已兑现金额（万元）", "已支付（万元）", "已偿还金额", "已拨付资金", "已化解资金", "已履行金额", "已付款金额"],
    "closed_on": ["实际办结日期", "销号日期", "结案日期", "实际完成日期", "完成化解时间", "办结销号时间"],
    "note": ["备注栏", "其他说明", "附注", "补充说明", "备注说明"],
}



def test_the_first_held_out_set_now_a_tuning_set(config, tmp_path, capsys):
    from tests.test_mapping_heldout import variant_accuracy
    right, total, wrong = variant_accuracy(TUNING_V1, config, tmp_path)
    with capsys.disabled():
        print(f"\n调参集（原第一留出集）表头变体：{right}/{total} = {right / total:.1%}；错误：{'；'.join(wrong) or '无'}")
    assert right / total >= 0.97


def test_tuning_headers_map_to_their_keys(config):
    got = {h: map_columns({0: [h]}, {}, config)[0].key for h in TUNING}
    assert got == TUNING


def test_content_decides_when_the_header_says_nothing(config):
    headers = {0: ["甲"], 1: ["乙"], 2: ["丙"], 3: ["丁"]}
    samples = {0: ["郏县宏图市政工程有限公司", "郏县永盛粮油有限公司", "平顶山市恒达商贸有限公司"],
               1: ["91410425MA44Y8XX0Q", "914104257932012345", "91410425MA44Y8XX0Q"],
               2: ["（2021）豫0425执123号", "(2022)豫0425行初15号", "（2020）豫0425执456号"],
               3: ["整改中", "已办结", "未启动"]}
    from pipeline.core.normalise import check_uscc
    samples[1] = [c for c in samples[1] if check_uscc(c)[1] is None] * 3 or samples[1]
    mapped = map_columns(headers, samples, config)
    assert mapped[0].key == "company" and mapped[2].key == "case_no" and mapped[3].key == "status"
    assert all(m.how == "单元格内容" for m in mapped.values() if m.key)


UNFAMILIAR = ["序号", "涉及企业全称", "统一代码（18位）", "问题简要描述", "执行案号", "标的金额（元）", "目前进展情况",
              "化解期限", "当前状态", "包案领导"]
ROW = [1, "郏县宏图市政工程有限公司", "91410425MA44Y8XX0Q", "工程款拖欠至今未付", "（2021）豫0425执123号", 125000,
       "分期支付", datetime(2026, 12, 31), "整改中", "王五"]


def test_all_unfamiliar_but_meaningful_headers_are_mapped_and_rows_accepted(tmp_path, config, capsys):
    path = write_book(tmp_path / "县住建局台账.xlsx", {"台账": [[LINE], UNFAMILIAR, ROW, [2, *ROW[1:3], "补贴未兑现", *ROW[4:]]]})
    result = read_file(path, config)
    keys = {t: k for t, k in result.files[0].columns.items()}
    assert keys == {"序号": "seq", "涉及企业全称": "company", "统一代码(18位)": "uscc", "问题简要描述": "description",
                    "执行案号": "case_no", "标的金额(元)": "amount", "目前进展情况": "measures", "化解期限": "deadline",
                    "当前状态": "status", "包案领导": "owner_person"}
    assert result.rows.iloc[0]["amount_unit"] == "元"
    _, found = validate(result.rows, config)
    assert not (found["severity"] == fnd.ERROR).any()
    assert main(["check", str(path), "--config", str(config_path())]) == 0
    out = capsys.readouterr().out
    assert "[说明] 第4列“问题简要描述”按“问题描述”读取：表头“问题简要描述”的用词与“问题描述”相近" in out
    assert "“为空”" not in out


def test_a_weak_guess_is_a_warning_and_unusable_headers_are_listed(tmp_path, config):
    header = ["企业名称", "问题描述", "联系电话", "办理结果"]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], header, ["甲公司", "拖欠", "13800000000", "好"]]})
    found = read_file(path, config).findings
    guessed = found[found["code"] == "column_guessed"]
    assert list(guessed["value"]) == ["办理结果"] and set(guessed["severity"]) == {fnd.WARNING}
    unmapped = found[found["code"] == "unmapped_column"]
    assert list(unmapped["value"]) == ["联系电话"] and "第3列" in unmapped["message"].iloc[0]


def test_three_data_sheets_are_all_read_and_skipped_sheets_say_why(tmp_path, config):
    case_header = ["序号", "申请执行人", "案号", "简要案情", "执行标的", "状态"]
    dispute = ["序号", "企业名称", "问题类别", "问题描述", "整改状态"]
    sheets = {"填表说明": [["请按要求填写"]],
              "执行案件": [[LINE], case_header, [1, "甲公司", "（2021）豫0425执1号", "判决生效后未履行", 10, "整改中"]],
              "诉讼案件": [[LINE], case_header, [1, "乙公司", "（2022）豫0425行初2号", "行政诉讼尚未判决", 5, "整改中"],
                       [2, "丙公司", "（2022）豫0425民初3号", "合同纠纷被诉", 6, "未启动"]],
              "纠纷": [[LINE], dispute, [1, "丁公司", "B5", "财政资金紧张未兑付", "整改中"]],
              "下拉": [["A1"], ["A2"]]}
    path = write_book(tmp_path / "县住建局.xlsx", sheets, hidden=("下拉",))
    result = read_file(path, config)
    src = result.files[0]
    assert src.sheets == ["执行案件", "诉讼案件", "纠纷"] and src.rows_read == 4
    assert list(zip(result.rows["sheet"], result.rows["row"])) == [("执行案件", 3), ("诉讼案件", 3), ("诉讼案件", 4), ("纠纷", 3)]
    skipped = result.findings[result.findings["code"] == "sheet_skipped"]
    assert set(skipped["sheet"]) == {"填表说明", "下拉"} and set(skipped["severity"]) == {fnd.NOTE}
    from pipeline.classify import classify
    clean, _ = classify(validate(result.rows, config)[0], config)
    assert list(clean["category"]) == ["A1", "A2", "A2", "B5"]  # the case sheets have no category column


@pytest.mark.parametrize("marker", [[1, 2, 3, 4, 5], ["（一）", "（二）", "（三）", "（四）", "（五）"], ["1", "2", "3", "4", "5"],
                                    ["甲", "乙", "丙", 1, 2], ["甲", "乙", 1, 2, 3]])
def test_a_row_of_column_numbers_under_the_header_is_no_data_row(tmp_path, config, marker):
    header = ["序号", "企业名称", "问题描述", "涉及金额", "整改状态"]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], header, marker, [1, "甲公司", "拖欠", 3, "整改中"]]})
    result = read_file(path, config)
    assert list(result.rows["row"]) == [4] and result.files[0].rows_read == 1


def test_stems_then_numbers_then_units_under_the_header_are_no_data_rows(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "欠款金额", "已付款", "整改状态"]
    rows = [[LINE], header, ["甲", "乙", 1, 2, 3, 4], [None, None, None, "万元", "万元"],
            [1, "甲公司", "拖欠", 3, 1, "整改中"], [2, "乙公司", "欠款", 4, 0, "未启动"]]
    result = read_file(write_book(tmp_path / "县住建局.xlsx", {"台账": rows}), config)
    assert list(result.rows["row"]) == [5, 6] and result.rows.iloc[0]["amount_unit"] == "万元"


def test_a_units_row_sets_the_unit_and_is_no_data_row(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "涉及金额", "发生日期", "整改状态"]
    units = [None, None, None, "元", "年月日", None]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], header, units, [1, "甲公司", "拖欠", 30000, 20211115, "整改中"]]})
    result = read_file(path, config)
    assert list(result.rows["row"]) == [4] and result.rows.iloc[0]["amount_unit"] == "元"


def test_unit_written_above_the_table_applies_to_amounts_without_their_own(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "涉及金额", "已兑付金额（万元）", "整改状态"]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], ["单位：元"], header, [1, "甲公司", "拖欠", 30000, 1, "整改中"]]})
    row = read_file(path, config).rows.iloc[0]
    assert (row["amount_unit"], row["paid_unit"]) == ("元", "万元")


def test_a_header_repeated_further_down_is_no_data_row(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "整改状态"]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], header, [1, "甲公司", "拖欠", "整改中"], header,
                                                         [2, "乙公司", "欠款", "整改中"]]})
    assert list(read_file(path, config).rows["row"]) == [3, 5]


def test_any_parent_group_over_child_headers(tmp_path, config):
    upper = ["序号", "企业基本情况", None, None, "问题基本情况", None, None, "整改状态"]
    lower = [None, "名称", "统一社会信用代码", "企业类型", "类别", "描述", "金额", None]
    data = [1, "甲公司", None, "中小企业", "B1", "拖欠工程款", 3, "整改中"]
    path = write_book(tmp_path / "县住建局.xlsx", {"台账": [[LINE], upper, lower, data]},
                      merges={"台账": ["A2:A3", "B2:D2", "E2:G2", "H2:H3"]})
    result = read_file(path, config)
    row = result.rows.iloc[0]
    assert list(result.rows["row"]) == [4]
    assert (row["company"], row["company_type"], row["category"], row["description"], row["amount"], row["status"]) == (
        "甲公司", "中小企业", "B1", "拖欠工程款", 3, "整改中")
    assert result.files[0].columns["企业基本情况 / 名称"] == "company"


GENERIC = ["序号", "定值类型", "时间", "状态", "金额", "备注"]


def test_a_workbook_that_is_no_ledger_is_rejected_whole_and_its_department_is_reminded(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = [[i, "A", datetime(2020, 1, 1), "正常", i * 1.5, ""] for i in range(1, 2559)]
    write_book(inbox / "县水利局台账.xlsx", {"Sheet1": [GENERIC, *rows]})
    write_ledger(inbox / "住建局.xlsx", load_config(config_path()), "县住房和城乡建设局",  # an inbox with only a
                 [{"company": "经排查无相关问题"}], date(2026, 11, 25))                       # non-ledger stops the run
    out = tmp_path / "out"
    assert main(["run", "--config", str(config_path()), "--inbox", str(inbox), "--outbox", str(out),
                 "--db", str(tmp_path / "l.sqlite"), "--as-of", "2026-11-26"]) == 0
    manifest = json.loads((out / "2026-W48" / "run.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["name"] == "县水利局台账.xlsx")
    assert (entry["disposition"], entry["rows_read"], manifest["totals"]["rows_rejected"]) == ("rejected", 0, 0)
    assert entry["reason"].startswith("这不是政务失信问题排查整治台账：只识别出") and "“企业名称”" in entry["reason"]
    deps = manifest["departments"]
    assert "县水利局" in deps["missing"] and "县水利局" in deps["returned"] and "县水利局" not in deps["reported"]
    from pipeline.mail.mailbox import missing_departments
    from pipeline.store import Store
    cfg = load_config(config_path(), {"outbox": str(out)})
    with Store(tmp_path / "l.sqlite") as store:
        assert "县水利局" in missing_departments(cfg, store.run_summary("2026-W48"))  # remind reminds it
    import openpyxl as xl
    summary = xl.load_workbook(out / "2026-W48" / manifest["outputs"]["summary_xlsx"])["报送情况"]
    text = " ".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    assert "已报送但被退回的单位（1 个" in text and "县水利局" in text


def test_run_json_lists_the_sheets_read_and_the_mapping(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_book(inbox / "县住建局台账.xlsx", {"台账": [[LINE], UNFAMILIAR, ROW]})
    out = tmp_path / "out"
    main(["run", "--config", str(config_path()), "--inbox", str(inbox), "--outbox", str(out),
          "--db", str(tmp_path / "l.sqlite"), "--as-of", "2026-11-26"])
    entry = json.loads((out / "2026-W48" / "run.json").read_text(encoding="utf-8"))["files"][0]
    assert entry["sheets"] == ["台账"] and entry["columns"]["问题简要描述"] == "description"
    wb = openpyxl.load_workbook(out / "2026-W48" / "feedback" / "县住房和城乡建设局.xlsx")
    text = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    assert "第4列“问题简要描述”按“问题描述”读取：表头“问题简要描述”的用词与“问题描述”相近" in text and "说明" in text
    assert "按表头用词" not in text and "→" not in text  # the mapper's terms are not the clerk's


# --- rules added after the blind set (tests/data/blind) was scored; examples of our own ---------------

WORDED = {  # header → key: the word before the head decides, or a core word the first mapper lacked
    "计划办结日期": "deadline", "预计化解时间": "deadline", "拟完成时间": "deadline", "完成节点": "deadline",
    "实际完成时间": "closed_on", "实际化解日期": "closed_on", "解决时间": "closed_on", "发生时间": "occurred_on",
    "责任处室": "owner_unit", "主责科室": "owner_unit", "负责股室": "owner_unit", "整改责任主体": "owner_unit",
    "处置意见": "measures", "下步打算": "measures", "来访形式": "source", "纠纷案由": "description",
    "承诺完成时间": "deadline", "化解完成时间": "closed_on", "已偿还金额": "paid", "已执行到位金额": "paid",
    "行业类型": "sector", "来源方式": "source", "处理情况": "measures", "整改落实情况": "measures",
    "经济类型": "company_type", "企业属性": "company_type", "债权单位": "company", "审判机关": "court",
    "问题详情": "description", "问题归类": "category", "判决书编号": "case_no", "拖欠资金（万元）": "amount",
    "所有制形式": "company_type",
}


def test_qualifiers_and_core_words_decide_the_key(config):
    got = {h: map_columns({0: [h]}, {}, config)[0].key for h in WORDED}
    assert got == WORDED


def test_a_planned_date_is_the_deadline_beside_a_closing_date(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "整改状态", "预计办结日期", "实际办结日期"]
    rows = [[LINE], header, [1, "甲公司", "拖欠工程款", "整改中", "2026年12月31日", None],
            [2, "乙公司", "拖欠货款", "已办结", "2026-11-30", datetime(2026, 11, 20)]]
    result = read_file(write_book(tmp_path / "县住建局.xlsx", {"台账": rows}), config)
    assert result.files[0].columns["预计办结日期"] == "deadline" and result.files[0].columns["实际办结日期"] == "closed_on"


def test_a_name_column_without_company_names_is_no_company_column(config):
    """工程名称 names a project; the companies are under 承建单位, which is then no 责任单位 either."""
    headers = {0: ["工程名称"], 1: ["承建单位"], 2: ["问题描述"], 3: ["责任单位"]}
    samples = {0: ["城南污水管网改造工程", "第三中学塑胶操场", "乡村道路硬化"],
               1: ["平顶山市路通建设有限公司", "郏县绿源园林有限公司", "河南华兴建筑工程有限公司"],
               2: ["工程款拖欠两年", "质保金未退", "尾款未付"], 3: ["县交通运输局", "县教体局", "县交通运输局"]}
    keys = {c: m.key for c, m in map_columns(headers, samples, config).items()}
    assert keys == {0: None, 1: "company", 2: "description", 3: "owner_unit"}
    del headers[3], samples[3]  # no 责任单位 column: 承建单位 over companies is still the company
    assert map_columns(headers, samples, config)[1].key == "company"


def test_a_unit_column_over_offices_of_government_bodies_is_the_owner_unit(config):
    headers = {0: ["企业名称"], 1: ["经办部门"], 2: ["问题描述"]}
    samples = {0: ["甲有限公司", "乙有限公司", "丙合作社"], 1: ["县水利局工管股", "王集乡财政所", "县市政工程处"],
               2: ["拖欠", "欠款", "未兑现"]}
    assert map_columns(headers, samples, config)[1].key == "owner_unit"
    samples[1] = ["张三", "李四", "王五"]  # 经办部门 over people's names is no unit
    assert map_columns(headers, samples, config)[1].key != "owner_unit"


def test_petition_forms_are_the_source(config):
    mapped = map_columns({0: ["来访形式"], 1: ["渠道类别"]}, {0: ["来信", "来访", "网上信访"], 1: ["来访", "来信", "来访"]}, config)
    assert mapped[0].key == "source"


def test_a_sheet_with_only_the_company_among_other_ledger_columns_is_read_too(tmp_path, config):
    dispute = ["序号", "企业名称", "问题类别", "问题描述", "整改状态"]
    suits = ["序号", "起诉企业", "案号", "标的额", "立案日期", "受理法院"]  # nothing that describes
    sheets = {"纠纷": [[LINE], dispute, [1, "甲公司", "B1", "新官不理旧账", "整改中"]],
              "诉讼": [[LINE], suits, [1, "乙公司", "（2026）豫0425民初7号", 12, datetime(2026, 3, 1), "县人民法院"]],
              "统计": [["问题类别", "件数", "金额"], ["B1", 1, 3]]}
    result = read_file(write_book(tmp_path / "县住建局.xlsx", sheets), config)
    assert result.files[0].sheets == ["纠纷", "诉讼"] and list(result.rows["sheet"]) == ["纠纷", "诉讼"]
    assert result.rows.iloc[1]["case_no"] == "（2026）豫0425民初7号"
    _, found = validate(result.rows, config)
    assert "问题描述" in " ".join(found[found["code"] == "row_column_absent"]["message"])  # said, not `…为空`


WORKS = ["序号", "工程名称", "承建单位", "合同价（万元）", "开工时间", "存在问题", "责任人"]
WORK_ROWS = [[1, "城南污水管网改造工程", "平顶山市路通建设有限公司", 820.5, datetime(2026, 3, 2), "拆迁未完成", "李四"],
             [2, "第三中学塑胶操场", "郏县绿源园林有限公司", 96, datetime(2026, 5, 9), "雨季停工", "王五"]]


@pytest.mark.parametrize("title, header, disposition", [
    ("郏县城区道路工程推进情况一览表", WORKS, "rejected"),
    (None, WORKS, "rejected"),  # no title: the file name 县交通局工程进度统计表 says it
    ("郏县交通运输局政务失信问题排查台账", WORKS, "processed"),
    ("郏县城区道路工程推进情况一览表", [*WORKS, "问题类别"], "processed"),  # a column only a ledger has
])
def test_a_table_of_another_kind_is_rejected_whole_though_its_columns_look_like_a_ledger(
        tmp_path, config, title, header, disposition):
    rows = [*([[title]] if title else []), ["填报单位：县交通运输局"], header,
            *[r + (["B5"] if len(header) > len(WORKS) else []) for r in WORK_ROWS]]
    result = read_file(write_book(tmp_path / "县交通局工程进度统计表.xlsx", {"进度": rows}), config)
    src = result.files[0]
    assert src.disposition == disposition
    if disposition == "rejected":
        assert src.reason.startswith("这不是政务失信问题排查整治台账：标题“") and src.rows_read == 0


def test_content_contradicts_a_typed_guess_and_free_text_under_a_progress_header_is_the_measures(config):
    headers = {0: ["企业名称"], 1: ["问题描述"], 2: ["办理进展"], 3: ["是否解决"], 4: ["欠款情况（万元）"], 5: ["发生时间"]}
    samples = {0: ["甲有限公司", "乙有限公司", "丙合作社"], 1: ["拖欠工程款", "质保金未退", "尾款未付"],
               2: ["已与企业对账，列入明年预算", "已协调财政分期拨付", "正在核算工程量"], 3: ["是", "否", "否"],
               4: ["见附件", "双方有争议", "待审计"], 5: [44561, 20211115, "2021年12月底"]}
    keys = {c: m.key for c, m in map_columns(headers, samples, config).items()}
    assert keys == {0: "company", 1: "description", 2: "measures", 3: "status", 4: None, 5: "occurred_on"}
    samples[2] = ["执行中", "已执结", "正在推进"]  # clerk wording of a status is still a status
    keys = {c: m.key for c, m in map_columns(headers, samples, config).items()}
    assert keys[2] == "status" and keys[3] != "status"


def test_a_list_of_companies_is_no_ledger_but_a_ledger_missing_its_description_column_is(tmp_path, config):
    companies = ["序号", "企业名称", "统一社会信用代码", "法定代表人", "注册地址", "成立日期"]
    rows = [[LINE], companies, [1, "甲有限公司", "91410425MA44Y8XX0Q", "张三", "郏县城关镇", datetime(2015, 3, 1)]]
    src = read_file(write_book(tmp_path / "县住建局企业信息.xlsx", {"Sheet1": rows}), config).files[0]
    assert src.disposition == "rejected" and src.reason.startswith("这不是政务失信问题排查整治台账：只识别出")
    ledger = ["序号", "企业名称", "问题类别", "补充", "整改状态"]  # no description column found
    rows = [[LINE], ledger, [1, "甲有限公司", "B5", "欠", "整改中"], [2, "乙有限公司", "B1", "拖", "未启动"]]
    result = read_file(write_book(tmp_path / "县住建局台账.xlsx", {"台账": rows}), config)
    assert result.files[0].disposition == "processed" and result.files[0].rows_read == 2
    assert "description" not in result.files[0].columns.values()


def test_a_sheet_named_like_instructions_is_read_when_it_holds_a_ledger(tmp_path, config):
    header = ["序号", "企业名称", "问题描述", "整改状态"]
    sheets = {"填表说明": [["一、企业名称填全称"], ["二、整改状态从下拉列表选择"]],
              "排查情况说明": [[LINE], header, [1, "甲公司", "拖欠工程款", "整改中"]]}
    result = read_file(write_book(tmp_path / "县住建局.xlsx", sheets), config)
    assert result.files[0].sheets == ["排查情况说明"] and result.files[0].rows_read == 1
    skipped = result.findings[result.findings["code"] == "sheet_skipped"]
    assert list(skipped["sheet"]) == ["填表说明"]
