"""Feedback workbooks as a department's clerk opens them: each rule checked on the written .xlsx (openpyxl)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.core import findings as fnd
from pipeline.intake.files import SourceFile
from pipeline.outputs.feedback import FINDINGS_SHEET, RECEIPT_SHEET, ROWS_SHEET, Feedback, write_feedback
from tests.ledgerfiles import write_book, write_ledger
from tests.workspace import make_project

OFFICE = {"contact": "测试联系人", "phone": "0375-7654321", "weekly_deadline": "每周三中午前",
          "resubmit_deadline": "12月3日（周四）下班前"}
GOOD = {"category": "B1 违反契约精神、不兑现承诺、“新官不理旧账”等侵害市场主体权益问题", "company": "郏县通达建材有限公司",
        "description": "项目合同约定的工程款未按期支付", "amount": 12.5, "status": "整改中", "deadline": date(2027, 3, 31)}
INFERRED = {**GOOD, "category": "", "company": "郏县恒通物流有限公司", "case_no": "（2024）豫0425执88号",
            "description": "判决生效后未履行付款义务"}
NEGATIVE = {**GOOD, "company": "郏县宏发商贸有限公司", "amount": -3}
UNKNOWN_CATEGORY = {**GOOD, "company": "郏县远航机械有限公司", "category": "其他问题", "description": "因执行问题双方有争议"}
WORDY = {**GOOD, "company": "郏县鑫源置业有限公司", "description": "项目土地出让合同约定的基础设施配套未按期完成，企业多次反映。" * 4,
         "measures": "已召开专题会议研究，明确由县自然资源局牵头、县住建局配合，分期完成配套建设并书面答复企业。" * 2}
BAD_USCC = {**GOOD, "company": "郏县聚力农业开发有限公司", "uscc": "12345", "amount": -8}
UNFAMILIAR_HEAD = ["序号", "问题类型", "企业名称", "问题简要描述", "整改状态"]


@pytest.fixture(scope="module")
def feedback(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("feedback")
    path = make_project(root)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["office"].update(OFFICE)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    config = load_config(path)
    inbox = root / "inbox"
    write_ledger(inbox / "水利局台账.xlsx", config, "县水利局", [GOOD, INFERRED])           # 提醒 only
    write_ledger(inbox / "交通局台账.xlsx", config, "县交通运输局", [GOOD])                 # nothing at all
    write_ledger(inbox / "住建局台账.xlsx", config, "县住建局", [GOOD, NEGATIVE])            # one 错误, no 提醒
    write_ledger(inbox / "商务局台账.xlsx", config, "县商务局", [UNKNOWN_CATEGORY])         # category unknown
    write_ledger(inbox / "宇宙局台账.xlsx", config, "县宇宙管理局", [GOOD])                 # not in the registry
    write_ledger(inbox / "无名台账.xlsx", config, "", [GOOD])                             # no 填报单位 at all
    write_book(inbox / "财政局台账.xlsx", {"台账": [["填报单位：县财政局"], UNFAMILIAR_HEAD,
                                                  [1, "B1", "郏县华联超市有限公司", "合同款未按期支付", "整改中"]]})
    long_row = {**GOOD, "company": "郏县长文建设有限公司", "description": "合同款未付。" * 6000}  # cut in the feedback
    write_ledger(inbox / "司法局台账.xlsx", config, "县司法局", [long_row])
    write_ledger(inbox / "自然资源局台账.xlsx", config, "县自然资源局", [WORDY, BAD_USCC, GOOD])  # printed sheet
    assert main(["run", "--config", str(path), "--as-of", "2026-11-26"]) == 0
    return root / "outbox" / "2026-W48" / "feedback"


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def body(ws) -> str:
    return "\n".join(texts(ws))


def level_rows(ws, level: str) -> list[tuple]:
    return [row for row in ws.iter_rows(values_only=True) if len(row) > 1 and row[1] == level]


def test_a_receipt_says_all_passed_first_then_lists_the_reminders(feedback):
    wb = openpyxl.load_workbook(feedback / "县水利局.xlsx")
    assert wb.sheetnames == [RECEIPT_SHEET, ROWS_SHEET]
    lines = texts(wb[RECEIPT_SHEET])
    verdict = next(i for i, t in enumerate(lines) if "全部通过" in t)
    assert lines[verdict].startswith("全部通过") and "2 行" in lines[verdict]
    assert all(not t.startswith(("文件：", "全部通过")) for t in lines[verdict + 1:]) and \
        all(t.startswith(("县水利局 台账报送反馈", "文件：")) for t in lines[:verdict]), "the verdict comes first"
    reminders = level_rows(wb[RECEIPT_SHEET], "提醒")
    assert [r[0] for r in reminders] == [1] and "推断为 A1" in reminders[0][4]   # numbered, one row each
    assert "1 处提醒" in body(wb[RECEIPT_SHEET])
    assert lines.index(next(t for t in lines if "处提醒" in t)) > verdict


def test_no_zero_counts_and_no_pointer_to_a_missing_sheet(feedback):
    for path in feedback.glob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        text = body(wb.worksheets[0])
        assert "共发现" not in text and " 0 处" not in text and "退回 0 行" not in text, path.name
        assert "第二张表" not in text, path.name
        for sheet in ("“台账（按读取结果标注）”", "“问题清单”", "“回执”"):
            if sheet in text:
                assert sheet.strip("“”") in wb.sheetnames, (path.name, sheet)
    clean = openpyxl.load_workbook(feedback / "县交通运输局.xlsx")
    assert clean.sheetnames[0] == RECEIPT_SHEET and not level_rows(clean.worksheets[0], "提醒")
    assert "提醒" not in body(clean.worksheets[0])


def test_errors_name_the_resubmission_deadline_and_the_marked_sheet(feedback):
    wb = openpyxl.load_workbook(feedback / "县住房和城乡建设局.xlsx")
    assert wb.sheetnames == [FINDINGS_SHEET, ROWS_SHEET]
    text = body(wb[FINDINGS_SHEET])
    assert "本次报送有 1 处错误，所在的 1 行已退回" in text and "于12月3日（周四）下班前重新报送" in text
    assert "提醒" not in text.split("序号")[0], "no 提醒 to mention"
    assert f"“{ROWS_SHEET}”表" in text
    assert [r[1] for r in level_rows(wb[FINDINGS_SHEET], "错误")] == ["错误"]


def test_every_feedback_ends_with_the_office_contact_from_config(feedback):
    for path in feedback.glob("*.xlsx"):
        lines = texts(openpyxl.load_workbook(path).worksheets[0])
        assert lines[-1] == "如有疑问，请联系郏县社会信用体系建设领导小组办公室测试联系人，电话 0375-7654321。", path.name
    receipt = body(openpyxl.load_workbook(feedback / "县水利局.xlsx").worksheets[0])
    assert "下次报送时间：每周三中午前" in receipt


def test_an_unknown_department_is_told_it_is_not_in_the_registry(feedback):
    path = next(feedback.glob("未识别单位-*.xlsx"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [FINDINGS_SHEET]
    ws = wb.worksheets[0]
    text = body(ws)
    assert texts(ws)[0].startswith("县宇宙管理局 台账报送反馈")
    assert "“县宇宙管理局”不在全县单位名录中" in text and "改为名录中的本单位名称" in text and "列入名录" in text
    assert "全称" not in text and "完整台账" not in text and ROWS_SHEET not in text


def test_notes_and_messages_say_in_plain_words_why(feedback):
    notes = body(openpyxl.load_workbook(feedback / "县财政局.xlsx").worksheets[0])
    assert "第4列“问题简要描述”按“问题描述”读取：表头“问题简要描述”的用词与“问题描述”相近" in notes
    assert "第2列“问题类型”按“问题类别”读取：表头“问题类型”是“问题类别”的常见写法" in notes
    unknown = body(openpyxl.load_workbook(feedback / "县商务局.xlsx").worksheets[0])
    assert "“其他问题”无法识别" in unknown and "不足以确定" in unknown
    for path in feedback.glob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        text = "\n".join(body(ws) for ws in wb.worksheets) + "".join(
            c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment)
        for jargon in ("得分", "依据不足", "按表头", "单元格内容", "把握不大", "→", "ledger.csv", "run.json"):
            assert jargon not in text, (path.name, jargon)


def test_a_file_without_a_department_is_told_to_fill_it_in(feedback):
    ws = openpyxl.load_workbook(feedback / "未识别单位-无名台账.xlsx").worksheets[0]
    text = body(ws)
    assert texts(ws)[0].startswith("无名台账.xlsx 台账报送反馈")
    assert "表中没有填写填报单位" in text and "填写本单位名称（标准模板中从下拉列表选择）" in text


def _printed_columns(ws) -> list[str]:
    area = ws.print_area.replace("$", "").split("!")[-1]
    last = openpyxl.utils.cell.range_boundaries(area)[2]
    return [ws.cell(1, col).value for col in range(1, last + 1)]


def test_the_marked_rows_sheet_prints_the_columns_to_fix_on_a4_landscape(feedback):
    wb = openpyxl.load_workbook(feedback / "县自然资源局.xlsx")
    ws = wb[ROWS_SHEET]
    heads = [c.value for c in ws[1]]
    printed = _printed_columns(ws)
    # the row number, the identifying columns, the marked ones (the code and the amount), in the standard order
    assert printed == ["原行号", "问题编号", "企业名称", "统一社会信用代码", "问题描述", "涉及金额（万元）"]
    assert heads[len(printed):] and set(heads) >= {"案号", "备注", "文件"}, "the rest stay on screen"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9   # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "D2", "frozen through 企业名称"
    assert "县自然资源局" in ws.oddHeader.left.text
    # the note says which columns do not print, inside the print area
    text = body(ws)
    assert f"打印时只打印前 {len(printed)} 列" in text and "案号" in text.split("打印时只打印")[1]
    last_row = openpyxl.utils.cell.range_boundaries(ws.print_area.replace("$", "").split("!")[-1])[3]
    assert "不打印" in str(ws.cell(last_row, 1).value)


def test_the_marked_rows_sheet_wraps_long_text_and_rows_grow_with_it(feedback):
    ws = openpyxl.load_workbook(feedback / "县自然资源局.xlsx")[ROWS_SHEET]
    heads = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(heads)}
    rows = {ws.cell(r, col["企业名称"]).value: r for r in range(2, ws.max_row + 1)}
    wordy, short = rows["郏县鑫源置业有限公司"], rows["郏县通达建材有限公司"]
    for head in ("问题描述", "整改措施"):
        assert ws.cell(wordy, col[head]).alignment.wrap_text, head
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["问题描述"])].width <= 41
    tall, low = ws.row_dimensions[wordy].height, ws.row_dimensions[short].height
    assert tall >= 7 * 14.5 > low, (tall, low)   # 120 characters at 19 a line: 7 lines
    # marking unchanged: the bad code and the negative amount are filled and commented
    bad = rows["郏县聚力农业开发有限公司"]
    for head in ("统一社会信用代码", "涉及金额（万元）"):
        cell = ws.cell(bad, col[head])
        assert cell.fill.fgColor.rgb.endswith(("FF9999", "FFEB84")) and cell.comment, head


def test_a_department_with_two_files_prints_the_file_column(tmp_path):
    config = load_config(make_project(tmp_path))
    files = [SourceFile(Path(n), n, "", 0.0, 0, department="县水利局", rows_read=1, rows_accepted=1)
             for n in ("水利局台账一.xlsx", "水利局台账二.xlsx")]
    rows = pd.DataFrame([{**GOOD, "file": f.name, "sheet": "台账", "row": 4, "item_id": ""} for f in files])
    path = write_feedback(tmp_path / "县水利局.xlsx", Feedback("县水利局", files, rows, fnd.table()), config,
                          date(2026, 11, 26))
    ws = openpyxl.load_workbook(path)[ROWS_SHEET]
    assert _printed_columns(ws) == ["文件", "原行号", "问题编号", "企业名称", "问题描述"]
    assert ws.freeze_panes == "E2" and "文件" not in [c.value for c in ws[1]][5:]
    assert ws.page_setup.paperSize == 9 and "县水利局" in ws.oddHeader.left.text


def test_many_marked_columns_print_on_a3(tmp_path):
    config = load_config(make_project(tmp_path))
    sf = SourceFile(Path("台账.xlsx"), "台账.xlsx", "", 0.0, 0, department="县水利局", rows_read=1, rows_rejected=1)
    rows = pd.DataFrame([{**GOOD, "file": sf.name, "sheet": "台账", "row": 4, "item_id": ""}])
    marked = [c for c in config.columns if c.key not in ("seq", "item_id", "company", "description")]
    found = fnd.table([fnd.make("date_invalid", file=sf.name, sheet="台账", row=4, column=c.name, value="x")
                       for c in marked])
    path = write_feedback(tmp_path / "县水利局.xlsx", Feedback("县水利局", [sf], rows, found), config, date(2026, 11, 26))
    ws = openpyxl.load_workbook(path)[ROWS_SHEET]
    assert len(_printed_columns(ws)) == 4 + len(marked) and ws.page_setup.paperSize == 8
    assert "其余 1 列（文件）在表中右侧，不打印" in body(ws), "one file: its name is not printed"


def test_overdue_items_are_listed_longest_overdue_first_with_their_days():
    from datetime import date

    import pandas as pd

    from pipeline.outputs.feedbacks import _overdue_by_department

    ledger = pd.DataFrame({"item_id": ["JX-2026-0001", "JX-2026-0002", "JX-2026-0003"],
                           "company": ["甲公司", "乙公司", "丙公司"], "departments": ["县住建局", "县住建局、县信访局", "县住建局"],
                           "deadline": [date(2026, 11, 20), date(2026, 10, 31), date(2027, 1, 31)],
                           "overdue": [True, True, False]})
    got = _overdue_by_department(ledger, date(2026, 12, 3))
    assert got["县住建局"] == ["JX-2026-0002 乙公司：整改时限 2026-10-31，已逾期 33 天，尚未办结",
                            "JX-2026-0001 甲公司：整改时限 2026-11-20，已逾期 13 天，尚未办结"]
    assert got["县信访局"] == ["JX-2026-0002 乙公司：整改时限 2026-10-31，已逾期 33 天，尚未办结"]
