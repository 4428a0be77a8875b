"""The Word 通报: GB/T 9704 structure read back from the generated file (tests/gongwen.py), the wording."""
from __future__ import annotations

import os
import stat
import sys
import warnings
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from pipeline import charts
from pipeline.config import load_config
from pipeline.figures import compute_figures, fmt_amount, fmt_rate
from pipeline.report_word import (convert_pdf, imprint_lines, signature_indents, title_lines,
                                  write_report)
from tests.gongwen import assert_gongwen, problems, shared_checker
from tests.test_figures import ITEMS, make_input
from tests.workspace import config_path

TEXT_WIDTH_TWIPS = 156 * 1440 / 25.4
JAPANESE_FONTS = ("ＭＳ", "MS Mincho", "MS Gothic", "明朝", "ゴシック", "Meiryo", "Yu Mincho", "Yu Gothic", "游")


def config_with(**report):
    config = load_config(config_path())
    config.raw["report"] = {**config.raw["report"], **report}
    return config


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return write_report(tmp_path_factory.mktemp("word") / "通报.docx", make_input())


@pytest.fixture(scope="module")
def document(report):
    return docx.Document(str(report))


def body_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def assert_shared_checker_passes(path: Path) -> None:
    """The shared checker, as an extra, when ../shared is beside the repository."""
    result = shared_checker(path)
    if result is not None:
        assert result.returncode == 0 and "[FAIL]" not in result.stdout, result.stdout


# ---------------------------------------------------------------- format

def test_page_is_a4_with_gbt9704_margins_and_grid(document):
    s = document.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch")), grid.get(qn("w:charSpace"))) == \
        ("lines", "579", None)
    assert document.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    normal = document.styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95)


def east_asia(style) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def test_styles_carry_chinese_fonts_in_the_east_asian_slot(document):
    styles = document.styles
    assert east_asia(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert east_asia(styles["公文一级标题"]) == "黑体"
    assert east_asia(styles["公文二级标题"]) == "楷体_GB2312"
    assert east_asia(styles["公文二级标题字符"]) == "楷体_GB2312"
    title = styles["公文标题"]
    assert east_asia(title) == "方正小标宋简体" and title.font.size.pt == 22 and not title.font.bold
    assert styles["发文机关标志"].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_no_theme_fonts_and_no_japanese_font_anywhere(report, document):
    lang = document.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    parts = [document.element, document.styles.element] + \
        [document.sections[0].footer._element, document.sections[0].even_page_footer._element]
    for part in parts:
        for rfonts in part.iter(qn("w:rFonts")):
            attrs = {k.split("}")[1]: v for k, v in rfonts.attrib.items()}
            assert not any(k.endswith("Theme") or k == "cstheme" for k in attrs), attrs
            assert not any(j in v for v in attrs.values() for j in JAPANESE_FONTS), attrs
        for lang_el in part.iter(qn("w:lang")):
            assert lang_el.get(qn("w:eastAsia")) in (None, "zh-CN")


def test_masthead_title_and_addressee(document):
    paras = [p for p in document.paragraphs if p.text.strip()]
    issuer, docno, title, addressee = paras[:4]
    assert issuer.text == "郏县社会信用体系建设领导小组办公室" and issuer.style.name == "发文机关标志"
    assert docno.text == "郏信用办〔2026〕15号"
    bottom = docno._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"
    assert title.text.replace("\n", "") == "关于全县政务失信问题专项治理工作进展情况的通报（第3期）"
    assert title.style.name == "公文标题"
    assert addressee.text == "各乡镇人民政府、街道办事处，县直有关部门单位："


def test_headings_present_in_order(document):
    heads = [p.text for p in document.paragraphs if p.style.name == "公文一级标题"]
    assert [h[:2] for h in heads] == ["一、", "二、", "三、", "四、", "五、"]
    assert heads[0] == "一、总体进展情况" and heads[-1] == "五、下一步工作"
    inline = [p for p in document.paragraphs if p.text.startswith("（一）按问题类别。")][0]
    assert inline.runs[0].style.name == "公文二级标题字符" and inline.runs[0].text == "（一）按问题类别。"
    assert inline.runs[1].style.name != "公文二级标题字符"


def test_page_numbers_odd_right_even_left(document):
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment == getattr(docx.enum.text.WD_ALIGN_PARAGRAPH, align.upper())
        rfonts = p.style.element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == "宋体" and p.style.font.size.pt == 14


def data_tables(document):
    return [t for t in document.tables if "印发" not in t._tbl.xml]  # the 版记 table is layout, not data


def test_tables_have_repeating_headers_and_fit_the_type_area(document):
    tables = data_tables(document)
    assert len(tables) >= 3
    for table in tables:
        first = table._tbl.findall(qn("w:tr"))[0]
        assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        grid = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert grid <= TEXT_WIDTH_TWIPS
        assert int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) <= TEXT_WIDTH_TWIPS


def test_gbt9704_structure_passes(report):
    assert_gongwen(report)
    assert_shared_checker_passes(report)


def test_signature_date_and_imprint(document):
    texts = [p.text for p in document.paragraphs]
    assert "附件：1.政务失信问题清单" in texts and "2.政务失信问题统计图" in texts
    date_at = texts.index("2026年11月26日")
    assert texts[date_at - 1] == "郏县社会信用体系建设领导小组办公室"
    imprint = [t for t in document.tables if "印发" in t._tbl.xml][0]
    lines = [row.cells[0].text for row in imprint.rows]
    assert lines[0].startswith("抄送：") and lines[0].endswith("。")
    assert lines[-1] == "郏县社会信用体系建设领导小组办公室\t2026年11月26日印发"


def _broken(report: Path, tmp_path: Path, change) -> list[str]:
    """problems() of a copy of the report after `change(document)`."""
    doc = docx.Document(str(report))
    change(doc)
    path = tmp_path / "broken.docx"
    doc.save(str(path))
    return problems(path)


def _first(doc, style):
    return next(p for p in doc.paragraphs if p.style.name == style)


def _set_colour(doc, text_start: str, colour: str):
    p = next(p for p in doc.paragraphs if p.text.startswith(text_start))
    p.runs[0].font.color.rgb = docx.shared.RGBColor.from_string(colour)


BREAKAGES = {
    "page.size": lambda d: setattr(d.sections[0], "page_height", docx.shared.Mm(279)),
    "page.margins": lambda d: setattr(d.sections[0], "left_margin", docx.shared.Mm(25)),
    "layout.grid": lambda d: d.sections[0]._sectPr.find(qn("w:docGrid")).set(qn("w:charSpace"), "-849"),
    "layout.lines": lambda d: setattr(d.styles["Normal"].paragraph_format, "line_spacing", docx.shared.Pt(29)),
    "masthead.issuer": lambda d: setattr(_first(d, "发文机关标志").style.font.color, "rgb",
                                         docx.shared.RGBColor(0, 0, 0)),
    "masthead.docno": lambda d: setattr(_first(d, "发文字号").runs[0], "text", "郏信用办[2026]015号"),
    "masthead.separator": lambda d: _first(d, "发文字号")._p.pPr.remove(_first(d, "发文字号")._p.pPr.find(qn("w:pBdr"))),
    "title.format": lambda d: setattr(d.styles["公文标题"].font, "bold", True),
    "heading.l1": lambda d: _set_font(d.styles["公文一级标题"], "宋体"),
    "heading.l2": lambda d: _set_font(d.styles["公文二级标题字符"], "黑体"),
    "body.font": lambda d: setattr(d.styles["Normal"].font, "size", docx.shared.Pt(15)),
    "text.color": lambda d: _set_colour(d, "截至", "0000FF"),
    "date": lambda d: setattr(_first(d, "成文日期").runs[0], "text", "二〇二六年十一月二十六日"),
    "imprint": lambda d: d.styles["版记"].font.__setattr__("size", docx.shared.Pt(16)),
    "footer.page_field": lambda d: [i.getparent().remove(i) for i in list(d.sections[0].footer._element.iter(qn("w:instrText")))],
    "footer.odd_even": lambda d: setattr(d.sections[0].even_page_footer.paragraphs[0], "alignment",
                                         docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT),
    "footer.page_font": lambda d: _set_font(d.styles["页码"], "Times New Roman", ascii_=True),
    "tables.width": lambda d: d.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))[0].set(qn("w:w"), "6000"),
    "tables.header": lambda d: d.tables[0]._tbl.findall(qn("w:tr"))[0].trPr.remove(
        d.tables[0]._tbl.findall(qn("w:tr"))[0].trPr.find(qn("w:tblHeader"))),
}


def _set_font(style, name: str, ascii_: bool = False):
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    rfonts.set(qn("w:ascii" if ascii_ else "w:eastAsia"), name)


@pytest.mark.parametrize("rule", sorted(BREAKAGES))
def test_each_gbt9704_check_fails_when_its_rule_breaks(report, tmp_path, rule):
    found = _broken(report, tmp_path, BREAKAGES[rule])
    assert any(p.startswith(rule) for p in found), found


# ---------------------------------------------------------------- content

def test_text_and_tables_agree_with_the_figures(document):
    f = compute_figures(make_input())
    t = f["totals"]
    text = body_text(document)
    assert f"累计排查出政务失信问题{t['items']}项" in text
    assert f"涉及金额{fmt_amount(t['amount'])}万元" in text and f"办结率{fmt_rate(t['closing_rate'])}" in text
    assert f"本期新增问题{t['new_items']}项，办结{t['closed_this_period']}项" in text
    assert "与上期相比，问题总数增加4项" in text
    categories, departments = data_tables(document)[:2]
    total = [c.text for c in categories.rows[-1].cells]
    assert total[:2] == ["合计", str(t["items"])] and total[4] == str(t["closed"])
    assert [r.cells[0].text.split()[0] for r in categories.rows[1:-1]] == [c.code for c in make_input().ctx.config.categories]
    dep_total = [c.text for c in departments.rows[-1].cells]
    assert dep_total[1] == "合计" and dep_total[2] == str(len(ITEMS))
    assert len(departments.rows) == len(f["units"]) + 2


def test_problem_section_names_missing_slow_overdue_and_returned(document):
    text = body_text(document)
    assert "县司法局、白庙乡人民政府、县文化广电和旅游局等3个单位本期未报送有效台账" in text
    assert "共有4项问题已超过整改时限仍未办结" in text and "已逾期118天" in text
    assert "县农业农村局（2项，办结率0%）" in text and "四不两直" in text
    assert "本期共有3行数据" in text and "县住房和城乡建设局2行、县财政局1行" in text


def test_formula_text_is_plain_text(report, document):
    cells = [c.text for t in data_tables(document) for r in t.rows for c in r.cells]
    assert any(c.startswith('=HYPERLINK("http://evil.example"') for c in cells)
    xml = document.element.xml
    assert "fldSimple" not in xml and "HYPERLINK" not in "".join(i.text for i in document.element.iter(qn("w:instrText")))


def test_persons_hidden_unless_configured(tmp_path, document):
    assert "13800001111" not in body_text(document) and "责任人" not in body_text(document)
    shown = docx.Document(str(write_report(tmp_path / "p.docx", make_input(config_with(show_persons=True)))))
    appendix = data_tables(shown)[2]
    assert "责任人" in [c.text for c in appendix.rows[0].cells]
    assert "王某某 13800001111" in body_text(shown)


def test_appendix_lists_open_items_only_when_configured(tmp_path):
    doc = docx.Document(str(write_report(tmp_path / "o.docx", make_input(config_with(appendix="open")))))
    appendix = data_tables(doc)[2]
    ids = [r.cells[0].text for r in appendix.rows[1:]]
    assert ids and "JX-2026-0004" not in ids and "JX-2026-0001" in ids
    assert len(ids) == sum(1 for row in ITEMS if row[8] != "已办结")
    assert "附件：1.未办结政务失信问题清单" in [p.text for p in doc.paragraphs]


def test_appendix_is_capped_with_a_pointer_to_the_workbook(tmp_path):
    many = [(f"JX-2026-{i:04d}", "B1", f"郏县测试企业{i}有限公司", "县财政局", "县财政局", float(i), 0.0,
             date(2027, 1, 1), "整改中", "部门自查", "中小企业", "住建") for i in range(1, 401)]
    inp = make_input(config_with(appendix_max_rows=300), rows=many)
    inp.summary["outputs"]["summary_xlsx"] = "政务失信问题台账汇总（2026-W48）.xlsx"
    doc = docx.Document(str(write_report(tmp_path / "big.docx", inp)))
    appendix = data_tables(doc)[2]
    assert len(appendix.rows) == 301
    notes = [p.text for p in doc.paragraphs if p.text.startswith("以上列出")]
    assert notes == ["以上列出前300项，其余100项见本期台账汇总表《政务失信问题台账汇总（2026-W48）.xlsx》。"]


def test_long_descriptions_are_cut_in_the_appendix(tmp_path):
    inp = make_input()
    inp.ledger.loc[0, "description"] = "很长的描述" * 30
    doc = docx.Document(str(write_report(tmp_path / "long.docx", inp)))
    cell = [r.cells[3].text for r in data_tables(doc)[2].rows if r.cells[0].text == inp.ledger.loc[0, "item_id"]][0]
    assert len(cell) == 61 and cell.endswith("…")


def test_first_period_says_so_and_has_no_trend_chart(tmp_path):
    doc = docx.Document(str(write_report(tmp_path / "first.docx", make_input(history_periods=1))))
    text = body_text(doc)
    assert "本期为首期通报" in text and "与上期相比，问题总数" not in text
    assert len(doc.inline_shapes) == 1
    assert len(docx.Document(str(write_report(tmp_path / "later.docx", make_input()))).inline_shapes) == 2


def test_empty_ledger_still_gives_a_complete_report(tmp_path):
    path = write_report(tmp_path / "empty.docx", make_input(rows=[], history_periods=1))
    doc = docx.Document(str(path))
    text = body_text(doc)
    assert "截至目前，各单位均未排查出政务失信问题。" in text
    assert "目前没有需要整改的问题。" in text and "本期没有需要列出的问题。" in text
    heads = [p.text for p in doc.paragraphs if p.style.name == "公文一级标题"]
    assert len(heads) == 5
    for n, head in enumerate(heads):  # every section says something
        at = [p.text for p in doc.paragraphs].index(head)
        assert doc.paragraphs[at + 1].text.strip() and doc.paragraphs[at + 1].style.name != "公文一级标题"
    assert_gongwen(path)
    assert_shared_checker_passes(path)


def test_nothing_to_report_sentences(tmp_path):
    inp = make_input()
    inp.summary["departments"]["missing"] = []
    inp.findings = inp.findings.iloc[0:0]
    text = body_text(docx.Document(str(write_report(tmp_path / "clean.docx", inp))))
    assert "所有应报送单位均已按时报送台账。" in text
    assert "本期报送的数据均通过校验，没有被退回的数据行。" in text


# ---------------------------------------------------------------- helpers, charts, PDF

def test_title_is_split_into_a_trapezoid_on_whole_words():
    lines = title_lines("关于全县政务失信问题专项治理工作进展情况的通报（第15期）")
    assert lines == ["关于全县政务失信问题专项治理工作", "进展情况的通报（第15期）"]
    assert title_lines("关于某事的通报（第1期）") == ["关于某事的通报（第1期）"]


def test_signature_and_date_positions():
    # 17-character name: 署名 右空二字, the date starts two characters right of the name
    sig, day = signature_indents("郏县社会信用体系建设领导小组办公室", "2026年11月26日")
    assert (sig, day) == (2.0, 10.0)
    assert 28 - day - 7 == (28 - sig - 17) + 2
    # a name shorter than the date: the date 右空二字, the name moves left to keep the offset
    sig, day = signature_indents("信用办", "2026年11月26日")
    assert day == 2.0 and 28 - day - 7 == (28 - sig - 3) + 2


def test_imprint_line_count():
    assert imprint_lines("抄送：县委办公室。") == 1
    assert imprint_lines("抄送：" + "县" * 60 + "。") == 3


def test_charts_draw_chinese_without_missing_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bars = charts.category_chart(["A1 被执行未履行", "B3 政策规划调整"], [3, 0], "各类未办结问题数量")
        lines = charts.trend_chart(["11月19日", "11月26日"], [5, 3], [1, 4], "各期未办结与已办结问题数量")
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]
    assert glyphs == []
    assert bars.startswith(b"\x89PNG") and lines.startswith(b"\x89PNG")
    assert "NotoSansSC" in charts.chinese_font().get_file()


def test_28_characters_per_line_without_a_character_grid(report):
    assert not [p for p in problems(report) if p.startswith("layout.")]
    result = shared_checker(report)
    if result is not None:
        assert result.returncode == 0 and "28 chars per 156mm line" in result.stdout


def test_pdf_without_libreoffice_is_a_note_not_a_failure(report, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    note = convert_pdf(report)
    assert "未找到 LibreOffice" in note and not report.with_suffix(".pdf").exists()


def test_pdf_is_written_beside_the_docx(report, monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "soffice"  # stands in for LibreOffice: writes <outdir>/<stem>.pdf
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\nimport sys, pathlib\nargs = sys.argv[1:]\n"
                    "out = pathlib.Path(args[args.index('--outdir') + 1]); src = pathlib.Path(args[-1])\n"
                    "(out / (src.stem + '.pdf')).write_bytes(b'%PDF-1.4 ' + src.read_bytes()[:2])\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / report.name
    target.write_bytes(report.read_bytes())
    note = convert_pdf(target)
    assert note == f"已生成 PDF 版通报：{target.with_suffix('.pdf').name}"
    assert target.with_suffix(".pdf").read_bytes() == b"%PDF-1.4 PK"
