"""The Word 通报: GB/T 9704 structure read back from the generated file (tests/gongwen.py), the wording."""
from __future__ import annotations

import os
import dataclasses
import re
import stat
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from pipeline.reports import charts
from pipeline.core.config import load_config
from pipeline.reports.figures import compute_figures, fmt_amount, fmt_rate
from pipeline.reports.word import (TWIPS_PER_MM, convert_pdf, fit_widths, imprint_lines, shorten,
                                  signature_indents, text_mm, title_lines, write_report)
from tests.gongwen import assert_gongwen, problems, shared_checker
from tests.test_figures import ITEMS, make_input
from tests.workspace import config_path

TEXT_WIDTH_TWIPS = 156 * 1440 / 25.4
JAPANESE_FONTS = ("ＭＳ", "MS Mincho", "MS Gothic", "明朝", "ゴシック", "Meiryo", "Yu Mincho", "Yu Gothic", "游")


def config_with(**report):
    config = load_config(config_path())
    return dataclasses.replace(config, report=dataclasses.replace(config.report, **report))


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
    for table in tables[:2]:
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
    assert "附件：1.未办结政务失信问题清单" in texts and "2.政务失信问题统计图" in texts
    date_at = texts.index("2026年11月26日")
    assert texts[date_at - 1] == "郏县社会信用体系建设领导小组办公室"
    imprint = [t for t in document.tables if "印发" in t._tbl.xml][0]
    lines = [row.cells[0].text for row in imprint.rows]
    assert lines[0].startswith("抄送：") and lines[0].endswith("。")
    assert lines[-1] == "郏县社会信用体系建设领导小组办公室\t2026年11月26日印发"


def test_imprint_is_placed_by_an_exact_spacer_not_a_floating_table(document):
    """LibreOffice ignores a table floated to the page bottom; an exact-height paragraph above the
    版记 is honoured by Word, WPS and LibreOffice alike (the rendered position: tests/test_render.py)."""
    body = list(document.element.body.iterchildren())
    at = next(n for n, el in enumerate(body) if el.tag == qn("w:tbl") and "印发" in el.xml)
    assert body[at].find(".//" + qn("w:tblpPr")) is None
    spacer = body[at - 1].find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacer.get(qn("w:lineRule")) == "exact" and int(spacer.get(qn("w:line"))) > 20
    assert body[at + 1].tag == qn("w:p") and not "".join(body[at + 1].itertext()).strip()
    assert body[at + 1].find(qn("w:pPr")).find(qn("w:spacing")).get(qn("w:line")) == "20"  # 1 pt


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
    assert "县农业农村局（2项，办结率0.0%）" in text
    assert "本期共有3行数据" in text and "县住房和城乡建设局2行、县财政局1行" in text


def paragraphs_under(document, heading_start: str) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    at = next(n for n, t in enumerate(texts) if HEAD1_RE.match(t) and t[t.index("、") + 1:].startswith(heading_start))
    out = []
    for t in texts[at + 1:]:
        if HEAD1_RE.match(t) or t.startswith("附件："):
            break
        out.append(t)
    return out


HEAD1_RE = re.compile(r"^[一二三四五六七八九十]+、")
NOTHING = ("没有", "均已", "均通过", "均有", "暂无", "无逾期", "不存在")
META = ("本期为首期", "自下期起", "见汇总表", "汇总表", "见本期台账", "台账汇总", ".xlsx", "ledger", "run.json")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；：])", text) if len(s) > 6]


def test_problems_section_lists_problems_only(tmp_path):
    """A point with nothing to say is left out; with no problem at all the whole section goes and the
    later headings are renumbered."""
    inp = make_input()
    inp.summary["departments"]["missing"] = []
    inp.findings = inp.findings.iloc[0:0]
    doc = docx.Document(str(write_report(tmp_path / "clean.docx", inp)))
    points = paragraphs_under(doc, "存在的问题")
    assert [p[:3] for p in points if p.startswith("（")] == ["（一）", "（二）"]
    assert points[0].startswith("（一）逾期问题未办结。")
    assert [p for p in points if p.startswith("（二）")][0].startswith("（二）部分单位进展缓慢。")
    assert not any(word in p for p in points for word in NOTHING)
    none = make_input(rows=[r for r in ITEMS if r[8] == "已办结"])
    none.summary["departments"]["missing"] = []
    none.findings = none.findings.iloc[0:0]
    doc = docx.Document(str(write_report(tmp_path / "none.docx", none)))
    heads = [p.text for p in doc.paragraphs if p.style.name == "公文一级标题"]
    assert not any("存在的问题" in h for h in heads)
    assert heads[-1].startswith("四、下一步工作")


def test_no_sentence_twice_no_filler_no_meta_no_internal_pointers(report, document):
    paragraphs = [p.text for p in document.paragraphs]
    body = "\n".join(paragraphs[:paragraphs.index("2026年11月26日")])
    said = sentences(body)
    assert len(said) == len(set(said)), [s for s in said if said.count(s) > 1]
    assert body.count("四不两直") == 1
    assert not any(word in body for word in META + ("各单位均有办结事项",))
    text = body_text(document)
    assert not any(word in text for word in META)


def test_amounts_and_rates_have_one_decimal(document):
    text = body_text(document)
    amounts = re.findall(r"([\d,.]+)万元", text)
    assert amounts and all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d", a) for a in amounts), amounts
    rates = re.findall(r"([\d.]+)%", text)
    assert rates and all(re.fullmatch(r"\d+\.\d", r) for r in rates), rates
    cells = [c.text for t in data_tables(document)[:2] for row in t.rows[1:] for c in row.cells]
    assert "1,260.0" in cells or any(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d", c) for c in cells)


def test_next_steps_name_units_and_a_date_from_the_data(document):
    steps = "".join(paragraphs_under(document, "下一步工作"))
    f = compute_figures(make_input())
    assert "于2026年12月3日前" in steps  # as-of + report.reply_days
    assert all(u["unit"] in steps for u in f["overdue_units"][:5])
    assert all(u["unit"] in steps for u in f["slow_departments"][:5])
    assert "县司法局、白庙乡人民政府、县文化广电和旅游局等3个单位要于2026年12月3日前补报台账" in steps
    assert "四不两直" in steps


def test_key_items_are_the_largest_open_ones_marked_when_overdue(document):
    text = "\n".join(paragraphs_under(document, "各单位进展情况"))
    f = compute_figures(make_input())
    assert "（二）重点事项。未办结问题中涉及金额最大的5项" in text
    listed = [line for line in text.split("\n") if re.match(r"^\d\.", line)]
    assert [line.split("（")[1].split("，")[0] for line in listed] == [k["item_id"] for k in f["key_items"]]
    for line, k in zip(listed, f["key_items"]):
        assert ("已逾期" in line) == k["overdue"]


def test_ties_are_ranked_together_and_carried_units_marked(tmp_path):
    inp = make_input()
    inp.summary["departments"]["missing"] = ["县财政局"]
    inp.ledger.loc[inp.ledger["owner_unit"] == "县财政局", "last_reported"] = "2026-W47"
    doc = docx.Document(str(write_report(tmp_path / "carried.docx", inp)))
    rows = [[c.text for c in r.cells] for r in data_tables(doc)[1].rows[1:-1]]
    f = compute_figures(inp)
    assert [r[0] for r in rows] == [f"并列{u['rank']}" if u["tied"] else str(u["rank"]) for u in f["units"]]
    carried = [r[1] for r in rows if "数据沿用上期" in r[1]]
    assert carried == ["县财政局\n（数据沿用上期）"]
    text = body_text(doc)
    assert "表2中县财政局的数据沿用上期（本期未报送台账）。" in text and "办结率相同的并列" in text


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


def appendix_rows(doc) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in data_tables(doc)[2].rows[1:]]


def test_appendix_lists_every_open_item_grouped_by_unit(document):
    rows = appendix_rows(document)
    f = compute_figures(make_input())
    groups = [r[0] for r in rows if len(set(r)) == 1]
    assert groups == [g["unit"] + f"（{g['items']}项" + (f"，逾期{g['overdue']}项" if g["overdue"] else "") + "）"
                      for g in f["open_by_unit"]]
    ids = [r[0] for r in rows if len(set(r)) > 1]
    assert sorted(ids) == sorted(row[0] for row in ITEMS if row[8] != "已办结")
    assert "JX-2026-0004" not in ids  # closed items are counted in the body, not listed
    overdue = {r[0]: r[6] for r in rows if len(set(r)) > 1}
    assert overdue["JX-2026-0010"] == "2026-07-31\n已逾期118天" and overdue["JX-2026-0008"] == "2027-03-31"
    assert all(not re.search(r"\d{4}\.\d", c) for r in rows for c in r)  # never 2027.2.8


def test_appendix_has_no_cap(tmp_path):
    many = [(f"JX-2026-{i:04d}", "B1", f"郏县测试企业{i}有限公司", unit, unit, float(i), 0.0,
             date(2027, 1, 1), "整改中", "部门自查", "中小企业", "住建")
            for i in range(1, 451) for unit in [("县财政局", "茨芭镇人民政府", "县水利局")[i % 3]]]
    doc = docx.Document(str(write_report(tmp_path / "big.docx", make_input(rows=many))))
    rows = appendix_rows(doc)
    assert len([r for r in rows if len(set(r)) > 1]) == 450
    assert [r[0] for r in rows if len(set(r)) == 1] == ["县财政局（150项）", "县水利局（150项）", "茨芭镇人民政府（150项）"]


def test_wide_appendix_is_a_landscape_section_numbered_like_the_other_pages(document):
    sections = document.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    land = sections[1]
    assert (round(land.page_width.mm), round(land.page_height.mm)) == (297, 210)
    widths = sum(int(c.get(qn("w:w"))) for c in data_tables(document)[2]._tbl.tblGrid.findall(qn("w:gridCol")))
    assert 156 < widths * 25.4 / 1440 <= 225.5
    for footer, odd in ((land.footer, True), (land.even_page_footer, False)):
        shape = footer._element.find(".//{urn:schemas-microsoft-com:vml}shape")
        style = dict(part.split(":") for part in shape.get("style").split(";"))
        assert style["mso-position-horizontal-relative"] == style["mso-position-vertical-relative"] == "page"
        assert style["layout-flow"] == "vertical"
        x, y, cx, cy = (float(style[k].removesuffix("mm")) for k in ("margin-left", "margin-top", "width", "height"))
        assert x + cx == pytest.approx(28, abs=0.1)  # the figures' upper edge 7 mm below the turned 版心
        end = 210 - 26 - 14 * 25.4 / 72
        assert (y + cy if odd else y) == pytest.approx(end if odd else 28 + 14 * 25.4 / 72, abs=0.1)
        instr = "".join(i.text for i in footer._element.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
    for s in (sections[0], sections[2]):
        assert s.footer.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_narrow_appendix_stays_portrait(tmp_path):
    few = [("JX-2026-0001", "B1", "郏县某公司", "县财政局", "县财政局", 1.0, 0.0, date(2027, 1, 1), "整改中",
            "部门自查", "中小企业", "住建")]
    inp = make_input(rows=few)
    inp.ledger["description"] = "款未付。"
    doc = docx.Document(str(write_report(tmp_path / "narrow.docx", inp)))
    assert all(s.orientation == WD_ORIENT.PORTRAIT for s in doc.sections)
    assert_gongwen(tmp_path / "narrow.docx")


def test_descriptions_are_shortened_at_a_sentence_or_clause_boundary():
    long = "2019年企业承接广阳路雨污分流改造工程，竣工验收后工程款1,234.5万元未按合同约定支付，因财政资金紧张，企业多次反映未果。"
    short = shorten(long, 48)
    assert short == "2019年企业承接广阳路雨污分流改造工程，竣工验收后工程款1,234.5万元未按合同约定支付……"
    assert shorten("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3, 40).endswith("……")
    word = shorten("款" * 35 + "Contract2019ABC" + "款" * 20, 40)
    assert word == "款" * 35 + "……"  # not inside the Latin word
    assert shorten("很长的描述" * 30, 48).endswith("……") and len(shorten("很长的描述" * 30, 48)) <= 49


def test_long_descriptions_are_cut_in_the_appendix(tmp_path):
    inp = make_input()
    inp.ledger.loc[0, "description"] = "很长的描述，" * 30
    doc = docx.Document(str(write_report(tmp_path / "long.docx", inp)))
    cell = [r[3] for r in appendix_rows(doc) if r[0] == inp.ledger.loc[0, "item_id"]][0]
    assert cell.endswith("很长的描述……") and len(cell) <= 48 + 1


def test_first_period_has_no_meta_sentence_and_no_trend_chart(tmp_path):
    doc = docx.Document(str(write_report(tmp_path / "first.docx", make_input(history_periods=1))))
    text = body_text(doc)
    assert "与上期相比，问题总数" not in text and "本期为首期" not in text and "自下期起" not in text
    assert len(doc.inline_shapes) == 1
    assert len(docx.Document(str(write_report(tmp_path / "later.docx", make_input()))).inline_shapes) == 2


def test_empty_ledger_still_gives_a_complete_report(tmp_path):
    inp = make_input(rows=[], history_periods=1)
    inp.summary["departments"]["missing"] = []
    inp.findings = inp.findings.iloc[0:0]
    path = write_report(tmp_path / "empty.docx", inp)
    doc = docx.Document(str(path))
    text = body_text(doc)
    assert "截至目前，各单位均未排查出政务失信问题。" in text and "目前没有未办结的问题。" in text
    heads = [p.text for p in doc.paragraphs if p.style.name == "公文一级标题"]
    assert heads == ["一、总体进展情况", "二、问题分类情况", "三、下一步工作"]
    for head in heads:  # every section says something
        at = [p.text for p in doc.paragraphs].index(head)
        assert doc.paragraphs[at + 1].text.strip() and doc.paragraphs[at + 1].style.name != "公文一级标题"
    assert_gongwen(path)
    assert_shared_checker_passes(path)


# ---------------------------------------------------------------- helpers, charts, PDF

def test_title_is_split_into_a_trapezoid_on_whole_words():
    lines = title_lines("关于全县政务失信问题专项治理工作进展情况的通报（第15期）")
    assert lines == ["关于全县政务失信问题专项治理工作", "进展情况的通报（第15期）"]
    assert title_lines("关于某事的通报（第1期）") == ["关于某事的通报（第1期）"]


def test_signature_centred_over_a_date_four_characters_from_the_right():
    # a name short enough: the date 右空四字 and the 署名 centred over it (7.3.5.1)
    sig, day = signature_indents("郏县信用办", "2026年11月26日")
    assert day == 4.0 and sig + 5 / 2 == pytest.approx(day + 7 / 2)
    # the 17-character name cannot be centred over a date 右空四字: it goes flush right, the date
    # centred under it (still more than four characters from the right)
    sig, day = signature_indents("郏县社会信用体系建设领导小组办公室", "2026年11月26日")
    assert sig == 0.0 and day + 7 / 2 == pytest.approx(17 / 2) and day >= 4


def test_signature_and_date_paragraphs_carry_the_indents(document):
    sig = next(p for p in document.paragraphs if p.style.name == "发文机关署名")
    day = next(p for p in document.paragraphs if p.style.name == "成文日期")
    s, d = signature_indents(sig.text, day.text)
    assert int(sig._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) or 0) == round(s * 100)
    assert int(day._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) or 0) == round(d * 100)


def test_table_headers_break_only_between_words(document):
    """Columns are sized from their content: a header never breaks inside a word (涉及金额（万|元）)."""
    for n, table in enumerate(data_tables(document)):
        widths = [int(c.get(qn("w:w"))) / TWIPS_PER_MM for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        pt = 10.5 if n == 2 else 12
        for cell, width in zip(table.rows[0].cells, widths):
            for line in cell.text.split("\n"):
                assert line in ("问题", "类别", "涉及金额", "（万元）", "已兑付", "整改", "状态") or "\n" not in cell.text
                assert text_mm(line, pt) <= width - 2.0, (line, width)
    heads = [c.text for c in data_tables(document)[0].rows[0].cells]
    assert "涉及金额\n（万元）" in heads or "涉及金额（万元）" in heads


def test_fit_widths_gives_each_column_its_content():
    widths, heads = fit_widths(["问题编号", "涉及金额|（万元）", "问题描述"],
                               [["JX-2026-0001", "12,949.0", "描述" * 40]], 156, 12, flexible=(2,))
    assert heads[1] == "涉及金额\n（万元）"
    assert widths[0] >= text_mm("JX-2026-0001", 12) and sum(widths) == pytest.approx(156)
    assert widths[1] >= text_mm("涉及金额", 12) and widths[1] < text_mm("涉及金额（万元）", 12)


def test_imprint_line_count():
    assert imprint_lines("抄送：县委办公室。") == 1
    assert imprint_lines("抄送：" + "县" * 60 + "。") == 3


def test_charts_are_png_with_every_character_in_the_font():
    bars = charts.category_chart(["A1 被执行未履行", "B3 政策规划调整"], [3, 0])
    lines = charts.trend_chart(["11月19日", "11月26日"], [5, 3], [1, 4])
    assert bars.startswith(b"\x89PNG") and lines.startswith(b"\x89PNG")
    assert "NotoSansSC" in charts.font_path().name
    font = charts._font(40)
    missing = font.getmask("\U0010fffd").getbbox()  # a code point no font has: its .notdef box
    texts = {c for fig in (charts.category_figure(["A1 被执行未履行"], [1]), charts.trend_figure(["11月19日", "11月26日"], [5, 3], [1, 4]))
             for lab in fig.labels for c in lab.text if not c.isspace()}
    assert {c for c in texts if font.getmask(c).getbbox() == missing and font.getlength(c) == font.getlength("\U0010fffd")} == set()


def test_charts_have_no_title_labelled_data_and_a_legend_clear_of_the_lines():
    bars = charts.category_figure(["A1 被执行未履行", "B3 政策规划调整"], [3, 0])
    trend = charts.trend_figure(["11月19日", "11月26日", "12月3日"], [5, 3, 3], [1, 4, 3])
    for fig in (bars, trend):
        assert {lab.role for lab in fig.labels} <= {"tick", "value", "axis", "legend"}  # no title
    assert bars.texts("value") == ["3", "0"]
    assert sorted(trend.texts("value")) == sorted(["5", "3", "3", "1", "4", "3"])
    assert trend.texts("legend") == ["未办结", "已办结"]
    assert trend.legend.y1 <= trend.plot.y0  # above the plot area: no line can run under it
    for fig in (bars, trend):
        boxes = [lab.box for lab in fig.labels]
        assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1:])
        assert all(0 <= b.x0 and b.x1 <= charts.WIDTH and 0 <= b.y0 and b.y1 <= charts.HEIGHT for b in boxes)
    for b in (lab.box for lab in trend.labels if lab.role == "value"):  # data labels inside the plot, off its axes
        assert trend.plot.y0 <= b.y0 and b.y1 <= trend.plot.y1 and b.x0 > trend.plot.x0


def test_many_weeks_turn_their_labels_and_still_nothing_overlaps():
    weeks = [f"{m}月{d}日" for m, d in [(11, 5), (11, 12), (11, 19), (11, 26), (12, 3), (12, 10), (12, 17), (12, 24)]]
    trend = charts.trend_figure(weeks, [50, 60, 58, 70, 66, 64, 60, 0], [0, 10, 20, 22, 35, 40, 52, 60])
    ticks = [lab for lab in trend.labels if lab.role == "tick" and lab.text in weeks]
    assert len(ticks) == 8 and all(lab.angle == 30 for lab in ticks)
    boxes = [lab.box for lab in trend.labels]
    assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1:])
    assert all(b.y1 <= charts.HEIGHT and b.x0 >= 0 for b in boxes)


@pytest.mark.parametrize("count", [10, 20, 52])
def test_a_long_series_labels_every_few_weeks_and_nothing_overlaps(count):
    """The series is every period so far: after a year, 52 weeks on one 150 mm chart."""
    from datetime import timedelta

    weeks = [f"{d.month}月{d.day}日" for d in (date(2025, 12, 4) + timedelta(7 * i) for i in range(count))]
    opened, closed = [12345 - 40 * i for i in range(count)], [100 * i for i in range(count)]
    trend = charts.trend_figure(weeks, opened, closed)
    boxes = [lab.box for lab in trend.labels]
    assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1:])
    assert all(0 <= b.x0 and b.x1 <= charts.WIDTH and 0 <= b.y0 and b.y1 <= charts.HEIGHT for b in boxes)
    shown = [lab.text for lab in trend.labels if lab.role == "tick" and lab.text in weeks]
    assert shown[-1] == weeks[-1] and len(shown) >= 5  # this week always, and enough weeks to read the axis
    stride = weeks.index(shown[1]) - weeks.index(shown[0])
    assert shown == weeks[::-1][::stride][::-1]  # evenly, counted back from this week
    values = trend.texts("value")
    assert str(opened[-1]) in values and str(closed[-1]) in values  # this week's numbers are labelled
    assert len(values) == 2 * len(shown)  # each labelled week has both its numbers
    trend.png()


def test_a_category_name_too_long_for_the_chart_is_shortened_not_a_failed_run():
    name = "A1 " + "因政策规划调整导致项目无法继续实施的历史遗留问题" * 3  # a long `short` in config.yaml
    bars = charts.category_figure([name, "B3 政策规划调整"], [3, 12])
    assert bars.plot.x1 - bars.plot.x0 >= 0.45 * charts.WIDTH  # the bars keep about half the picture
    (long,) = [lab for lab in bars.labels if lab.role == "tick" and lab.text.startswith("A1")]
    assert long.text.endswith("…") and name.startswith(long.text[:-1])
    assert "B3 政策规划调整" in bars.texts("tick")
    boxes = [lab.box for lab in bars.labels]
    assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1:])
    assert all(0 <= b.x0 and b.x1 <= charts.WIDTH and 0 <= b.y0 and b.y1 <= charts.HEIGHT for b in boxes)
    assert charts.category_chart([name], [3]).startswith(b"\x89PNG")


def test_ticks_are_round_numbers_from_zero():
    assert charts.nice_ticks(5.75) == [0, 1, 2, 3, 4, 5]
    assert charts.nice_ticks(46) == [0, 10, 20, 30, 40]
    assert charts.nice_ticks(805) == [0, 200, 400, 600, 800]
    assert all(3 <= len(charts.nice_ticks(t)) <= 8 for t in (3, 9, 15, 64, 130, 999, 12345))


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
