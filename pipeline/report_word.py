"""The official Word 通报 (情况通报) in GB/T 9704-2012 format.

Layout follows shared/reference/gbt9704.md: A4, margins 37/35/28/26 mm, 22 lines x 28 characters,
red 发文机关标志 and separator, 2号小标宋 title, 3号仿宋 body with 黑体/楷体 headings, 附件说明,
署名 and 成文日期, odd/even page numbers "— 1 —" and the 版记. Every font is set in styles, with the
eastAsia slot filled and theme fonts removed, so Word never falls back to a Japanese theme font.
The wording is in templates/report/*.j2; this module only lays out what they say.
"""
from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from . import charts
from .config import Config
from .figures import (CLOSED, ReportInput, cn_date, compute_figures, fmt_amount, fmt_rate, rate, responsible_unit,
                      slow_rule)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "report"
LINE = 28.95            # pt: 22 lines in the 225 mm 版心 (579 twips)
BODY_PT, TITLE_PT, SMALL_PT = 16, 22, 14
TEXT_WIDTH_MM = 156
TWIPS_PER_MM = 1440 / 25.4
RED = "FF0000"
FANGSONG, HEITI, KAITI, XBS, SONG, LATIN = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体", "Times New Roman"
HEAD1 = re.compile(r"^[一二三四五六七八九十]+、")
HEAD2 = re.compile(r"^（[一二三四五六七八九十]+）")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
             "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
             "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
             "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()
CHAR_SPACING_TWIPS = -5  # -0.25 pt: 16 pt characters at a 15.75 pt pitch, 28 to the 156 mm line
RPR_AFTER_SPACING = "w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout".split()
# Appendix columns: ledger key -> width in mm; the description takes what is left of 156 mm.
LIST_WIDTHS = {"item_id": 25, "category": 9, "company": 20, "description": 0, "amount": 14, "unit": 19,
               "deadline": 21, "status": 14, "owner_person": 14}  # mm; 问题编号 and dates fit on one line
DESCRIPTION_CHARS = 60  # longer descriptions are cut in the appendix; the summary workbook has them whole


# ---------------------------------------------------------------- entry points

def write_report(path: Path, inp: ReportInput, figures: dict | None = None) -> Path:
    """Write the 通报 .docx for the period and return its path; `figures` saves recomputing them."""
    figures = figures or compute_figures(inp)
    wording = Wording(inp, figures)
    doc = new_document(inp.ctx.config)
    _masthead(doc, inp)
    _body(doc, wording.body_lines(), figures, wording)
    _closing(doc, inp, wording)
    _attachment_list(doc, inp, wording)
    _attachment_charts(doc, figures, wording)
    _imprint(doc, inp)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def convert_pdf(docx_path: Path, timeout: int = 180) -> str:
    """Convert the .docx to PDF beside it with LibreOffice; return a one-line note for the user."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return f"未找到 LibreOffice（soffice），未生成 PDF 版通报；Word 版见 {docx_path.name}"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"PDF 转换失败（{type(exc).__name__}），Word 版见 {docx_path.name}"
    pdf = docx_path.with_suffix(".pdf")
    return f"已生成 PDF 版通报：{pdf.name}" if pdf.is_file() else f"PDF 转换失败，Word 版见 {docx_path.name}"


# ---------------------------------------------------------------- wording (jinja2 templates)

class Wording:
    """The templates, rendered with the figures; filters format numbers the official way."""

    def __init__(self, inp: ReportInput, figures: dict, folder: Path = TEMPLATES):
        self.inp, self.figures = inp, figures
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined,
                                      lstrip_blocks=True, autoescape=False)  # lines left empty by tags are dropped
        self.env.filters.update(wan=fmt_amount, pct=fmt_rate, delta=_delta, cndate=cn_date)

    def body_lines(self) -> list[str]:
        text = self.env.get_template("report.j2").render(**self._context())
        return [line.strip() for line in text.splitlines() if line.strip()]

    def labels(self, shown: int = 0, rest: int = 0):
        report = self.inp.ctx.config.section("report")
        workbook = (self.inp.summary.get("outputs") or {}).get("summary_xlsx") or ""
        return self.env.get_template("labels.j2").make_module(
            {"appendix": report.get("appendix", "all"), "shown": shown, "rest": rest, "workbook": workbook,
             "description_chars": DESCRIPTION_CHARS})

    def _context(self) -> dict:
        f, config = self.figures, self.inp.ctx.config
        report, t = config.section("report"), f["totals"]
        cats, units = f["categories"][:-1], f["units"]
        top = max(cats, key=lambda c: c["items"]) if cats else {"items": 0}
        slow_min, slow_rate = slow_rule(config)
        return {
            "f": f, "t": t, "d": f["departments"], "tr": f["trend"], "cats": cats, "units": units,
            "top_cat": {**top, "share": rate(top["items"], t["items"])},
            "open_status": [{"status": s, "items": n} for s, n in t["by_status"].items() if s != CLOSED and n],
            "all_done": [u["unit"] for u in units if u["open"] == 0],
            "none_done": [u["unit"] for u in units if u["closed"] == 0],
            "key_limit": float(report.get("key_item_amount", 100)),
            "slow_min": slow_min, "slow_rate": slow_rate,
            "returned_total": sum(r["rows"] for r in f["returned_rows"]),
            "next_steps": list(report.get("next_steps") or []),
        }


def _delta(n: int) -> str:
    return "持平" if n == 0 else (f"增加{n}项" if n > 0 else f"减少{-n}项")


# ---------------------------------------------------------------- document, styles, footers

def new_document(config: Config) -> DocxDocument:
    """An empty A4 document with the GB/T 9704 page, grid, styles and odd/even page numbers."""
    doc = Document()
    _page_setup(doc)
    _language(doc)
    _styles(doc)
    _footers(doc)
    doc.core_properties.author = config.section("office").get("name", "")
    doc.core_properties.title = config.section("office").get("report_title", "")
    return doc


def _page_setup(doc: DocxDocument) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    s.header_distance, s.footer_distance = Mm(15), Mm(25)
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        s._sectPr.append(grid)
    # 22 lines by the line grid; 28 characters per line by -0.25 pt character spacing on Normal (see
    # _styles) rather than Word's character grid (charSpace -849), which LibreOffice lays out at only
    # 14 characters per line: this way Word, WPS and LibreOffice all show 28.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)


def _language(doc: DocxDocument) -> None:
    """Chinese theme language and explicit default fonts: python-docx's template says ja-JP."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True
    styles = doc.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        _strip_theme(rfonts)
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG, LATIN)
    for el in styles.iter(qn("w:lang")):
        el.set(qn("w:eastAsia"), "zh-CN")


def _strip_theme(rfonts) -> None:
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _set_fonts(rpr, east_asia: str, ascii_: str | None = None) -> None:
    """Fill every font slot: Han text uses eastAsia, digits and Latin use ascii/hAnsi."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0 if rpr.find(qn("w:rStyle")) is None else 1, rfonts)
    _strip_theme(rfonts)
    for slot, name in (("eastAsia", east_asia), ("ascii", ascii_ or east_asia), ("hAnsi", ascii_ or east_asia),
                       ("cs", ascii_ or east_asia)):
        rfonts.set(qn(f"w:{slot}"), name)


def _chars_indent(side: str, chars: float) -> dict:
    """An indent in characters (Word, WPS) and the same in twips (LibreOffice reads only these)."""
    if not chars:
        return {}
    return {side: round(chars * BODY_PT * 20), f"{side}Chars": round(chars * 100)}


def _set_ppr(ppr, tag: str, **attrs) -> None:
    """Replace one w:pPr child, inserted in schema order (a plain append can make Word drop it)."""
    old = ppr.find(qn(f"w:{tag}"))
    if old is not None:
        ppr.remove(old)
    el = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    later = PPR_ORDER[PPR_ORDER.index(tag) + 1:]
    ppr.insert_element_before(el, *(f"w:{t}" for t in later))


# Paragraph styles: id -> (name, eastAsia font, ascii font, size pt, options)
STYLES: dict[str, tuple] = {
    "GWHeading1": ("公文一级标题", HEITI, HEITI, BODY_PT, {"keep": True, "outline": 0}),
    "GWHeading2": ("公文二级标题", KAITI, KAITI, BODY_PT, {"keep": True, "outline": 1}),
    "GWIssuer": ("发文机关标志", XBS, XBS, 24, {"flush": True, "align": "center", "color": RED, "free": True}),
    "GWDocNo": ("发文字号", FANGSONG, LATIN, BODY_PT, {"flush": True, "align": "center"}),
    "GWTitle": ("公文标题", XBS, XBS, TITLE_PT, {"flush": True, "align": "center", "line": 35, "free": True}),
    "GWAddressee": ("主送机关", FANGSONG, LATIN, BODY_PT, {"flush": True}),
    "GWCaption": ("表图题", HEITI, HEITI, BODY_PT, {"flush": True, "align": "center", "keep": True}),
    "GWAttachNote": ("附件说明", FANGSONG, LATIN, BODY_PT, {}),
    "GWAttachMore": ("附件说明续行", FANGSONG, LATIN, BODY_PT, {"flush": True, "left_chars": 5}),
    "GWSignature": ("发文机关署名", FANGSONG, LATIN, BODY_PT, {"flush": True, "align": "right"}),
    "GWDate": ("成文日期", FANGSONG, LATIN, BODY_PT, {"flush": True, "align": "right"}),
    "GWAttachMark": ("附件标识", HEITI, HEITI, BODY_PT, {"flush": True}),
    "GWAttachTitle": ("附件标题", XBS, XBS, TITLE_PT, {"flush": True, "align": "center", "line": 35, "free": True}),
    "GWNote": ("表注", FANGSONG, LATIN, 12, {"flush": True, "line": 20, "free": True}),
    "GWFigure": ("图片", FANGSONG, LATIN, BODY_PT, {"flush": True, "align": "center", "line": 0, "free": True}),
    "GWTable": ("表格文字", FANGSONG, LATIN, 12, {"flush": True, "line": 15, "free": True}),
    "GWTableHead": ("表格标题行", HEITI, HEITI, 12, {"flush": True, "line": 15, "free": True, "align": "center"}),
    "GWTableSmall": ("表格文字（小）", FANGSONG, LATIN, 9, {"flush": True, "line": 11.5, "free": True}),
    "GWTableHeadSmall": ("表格标题行（小）", HEITI, HEITI, 9, {"flush": True, "line": 11.5, "free": True, "align": "center"}),
    "GWImprint": ("版记", FANGSONG, LATIN, SMALL_PT, {"flush": True, "free": True}),
    "GWPageNumber": ("页码", SONG, SONG, SMALL_PT, {"flush": True, "line": 0, "free": True}),
}
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG, LATIN)
    normal.font.size = Pt(BODY_PT)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    normal.element.get_or_add_rPr().insert_element_before(spacing, *(f"w:{t}" for t in RPR_AFTER_SPACING))
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)
    normal.element.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "200")
    _set_ppr(normal.element.get_or_add_pPr(), "jc", val="both")
    for sid, (name, east, latin, size, opts) in STYLES.items():
        _paragraph_style(doc, sid, name, east, latin, size, opts)
    char = doc.styles.add_style("公文二级标题字符", WD_STYLE_TYPE.CHARACTER)
    char.element.set(qn("w:styleId"), "GWHeading2Char")
    _set_fonts(char.element.get_or_add_rPr(), KAITI, KAITI)


def _paragraph_style(doc: DocxDocument, sid: str, name: str, east: str, latin: str, size: float, opts: dict) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), sid)
    style.base_style = doc.styles["Normal"]
    _set_fonts(style.element.get_or_add_rPr(), east, latin)
    style.font.size = Pt(size)
    if opts.get("color"):
        style.font.color.rgb = RGBColor.from_string(opts["color"])
    pf = style.paragraph_format
    if "line" in opts:
        if opts["line"]:
            pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(opts["line"])
        else:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.keep_with_next = opts.get("keep") or None
    if opts.get("align"):
        pf.alignment = ALIGN[opts["align"]]
    ppr = style.element.get_or_add_pPr()
    if opts.get("free"):  # off the document grid: own line height and natural character width
        _set_ppr(ppr, "snapToGrid", val="0")
    if opts.get("flush"):
        _set_ppr(ppr, "ind", firstLine=0, firstLineChars=0, **_chars_indent("left", opts.get("left_chars", 0)))
    if "outline" in opts:
        _set_ppr(ppr, "outlineLvl", val=opts["outline"])


def _footers(doc: DocxDocument) -> None:
    """Page numbers "— 1 —": odd pages right, even pages left, one 4号 character in (GB/T 9704 7.5)."""
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = ALIGN[side]
        setattr(p.paragraph_format, f"{side}_indent", Pt(SMALL_PT))
        p.add_run("— ")
        _field(p, "PAGE", "1")
        p.add_run(" —")


def _field(paragraph, code: str, shown: str) -> None:
    for kind in ("begin", None, "separate", shown, "end"):
        run = paragraph.add_run()
        if kind in ("begin", "separate", "end"):
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        else:
            run.text = kind


# ---------------------------------------------------------------- 版头 and title

def _masthead(doc: DocxDocument, inp: ReportInput) -> None:
    office = inp.ctx.config.section("office")
    mark = office["issuer_mark"]
    issuer = doc.add_paragraph(mark, style="发文机关标志")
    issuer.paragraph_format.space_before = Mm(35)  # top edge 35 mm below the 版心 top (7.2.4)
    size = _issuer_size(mark)
    issuer.runs[0].font.size = Pt(size)
    issuer.paragraph_format.line_spacing = Pt(round(size * 1.3, 1))
    docno = doc.add_paragraph(f"{office['doc_prefix']}〔{inp.ctx.as_of.year}〕{inp.doc_number}号", style="发文字号")
    docno.paragraph_format.space_before = Pt(2 * LINE)  # 空二行 below the issuer mark (7.2.5)
    _red_rule(docno)
    title = doc.add_paragraph("\n".join(title_lines(f"{office['report_title']}（第{inp.issue_no}期）")), style="公文标题")
    title.paragraph_format.space_before = Pt(2 * LINE)  # 空二行 below the red rule (7.3.1)
    addressee = doc.add_paragraph(office["recipients"], style="主送机关")
    addressee.paragraph_format.space_before = Pt(LINE)


def _issuer_size(mark: str) -> float:
    """The largest whole-point size up to 36 pt that fits the mark on one 156 mm line with some air."""
    width = _text_width(mark)
    return float(max(16, min(36, math.floor(0.93 * TEXT_WIDTH_MM / 25.4 * 72 / max(width, 1)))))


def _red_rule(paragraph) -> None:
    """The red 版头分隔线: a bottom border 4 mm (11 pt) under the 发文字号, as wide as the 版心 (7.2.7)."""
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "11"), ("color", RED)):
        bottom.set(qn(f"w:{key}"), value)
    bdr.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(bdr, *(f"w:{t}" for t in PPR_ORDER[PPR_ORDER.index("pBdr") + 1:]))


def _text_width(text: str) -> float:
    """Width in Han characters: ASCII letters and digits count half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def title_lines(title: str, per_line: int = 20) -> list[str]:
    """Split a long title into two lines, the upper one longer (梯形), breaking after a whole word."""
    total = _text_width(title)
    if total <= per_line:
        return [title]
    words = ("工作", "治理", "情况", "问题", "整治", "进展", "的通报", "通报")
    fits = [k for k in range(1, len(title)) if total / 2 < _text_width(title[:k]) <= per_line]
    good = [k for k in fits if title[:k].endswith(words)]
    k = (good or fits or [len(title) // 2])[0]
    return [title[:k], title[k:]]


# ---------------------------------------------------------------- body

def _body(doc: DocxDocument, lines: list[str], figures: dict, wording: Wording) -> None:
    tables = {"categories": lambda: _category_table(doc, figures), "departments": lambda: _department_table(doc, figures)}
    for line in lines:
        if line.startswith("@table"):
            name, _, caption = line.removeprefix("@table").partition("|")
            if _has_rows(name.strip(), figures):
                doc.add_paragraph(caption.strip(), style="表图题")
                tables[name.strip()]()
        else:
            add_text(doc, line)


def _has_rows(name: str, figures: dict) -> bool:
    return name != "departments" or bool(figures["units"])


def add_text(doc: DocxDocument, line: str) -> None:
    """One paragraph; the ordinal decides the style (一、 黑体, （一） 楷体 up to the first 。)."""
    if HEAD1.match(line):
        doc.add_paragraph(line, style="公文一级标题")
    elif HEAD2.match(line):
        cut = line.find("。")
        if 0 <= cut < len(line) - 1:
            p = doc.add_paragraph()
            p.add_run(line[:cut + 1], style="公文二级标题字符")
            p.add_run(line[cut + 1:])
        else:
            doc.add_paragraph(line, style="公文二级标题")
    else:
        doc.add_paragraph(line)


def _category_table(doc: DocxDocument, figures: dict) -> None:
    heads = ["问题类别", "事项数", "涉及金额（万元）", "已兑付（万元）", "已办结", "办结率", "逾期"]
    rows = [[f"{c['code']} {c['short']}".strip(), c["items"], fmt_amount(c["amount"]), fmt_amount(c["paid"]),
             c["closed"], fmt_rate(c["rate"]), c["overdue"]] for c in figures["categories"]]
    add_table(doc, heads, rows, [38, 14, 27, 27, 16, 19, 15], ["left"] + ["center"] * 6)


def _department_table(doc: DocxDocument, figures: dict) -> None:
    heads = ["排名", "责任单位", "事项数", "已办结", "未办结", "办结率", "逾期"]
    rows = [[u["rank"], u["unit"], u["items"], u["closed"], u["open"], fmt_rate(u["rate"]), u["overdue"]]
            for u in figures["units"]]
    t = figures["totals"]
    rows.append(["", "合计", sum(u["items"] for u in figures["units"]), t["closed"], t["open"],
                 fmt_rate(t["closing_rate"]), t["overdue"]])
    add_table(doc, heads, rows, [12, 52, 18, 18, 18, 20, 18], ["center", "left"] + ["center"] * 5)


# ---------------------------------------------------------------- tables

def add_table(doc: DocxDocument, heads: list[str], rows: list[list], widths_mm: list[float], aligns: list[str],
              small: bool = False):
    """A bordered table fitting the 版心: fixed column widths, header row repeated on every page.

    Rows are appended as XML (one parse per row), never through table.cell(r, c), which is quadratic.
    """
    twips = _twips(widths_mm)
    table = doc.add_table(rows=0, cols=len(heads))
    tbl = table._tbl
    _table_properties(tbl, sum(twips))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips):
        col.set(qn("w:w"), str(width))
    body, head = ("GWTableSmall", "GWTableHeadSmall") if small else ("GWTable", "GWTableHead")
    tbl.append(parse_xml(_row_xml(heads, twips, ["center"] * len(heads), head, header=True)))
    for row in rows:
        tbl.append(parse_xml(_row_xml(row, twips, aligns, body)))
    return table


def _twips(widths_mm: list[float]) -> list[int]:
    """Column widths in twips, trimmed so they never add up to more than the 156 mm 版心."""
    twips = [int(w * TWIPS_PER_MM) for w in widths_mm]
    limit = int(TEXT_WIDTH_MM * TWIPS_PER_MM)
    if sum(twips) > limit:
        twips[-1] -= sum(twips) - limit
    return twips


def _table_properties(tbl, width: int) -> None:
    tblpr = tbl.tblPr
    for child in list(tblpr):
        if child.tag != qn("w:tblStyle"):
            tblpr.remove(child)
    tblpr.append(parse_xml(
        f'<w:tblW {nsdecls("w")} w:w="{width}" w:type="dxa"/>'))
    tblpr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="center"/>'))
    tblpr.append(parse_xml(
        f'<w:tblBorders {nsdecls("w")}>' + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))
    tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tblpr.append(parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/>'
                           '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'))
    tblpr.append(parse_xml(f'<w:tblLook {nsdecls("w")} w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                           'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'))


def _row_xml(values: list, twips: list[int], aligns: list[str], style: str, header: bool = False) -> str:
    trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{align}"/></w:pPr>{_runs_xml(value)}</w:p></w:tc>'
        for value, w, align in zip(values, twips, aligns))
    return f'<w:tr {nsdecls("w")}>{trpr}{cells}</w:tr>'


def _runs_xml(value) -> str:
    """Cell text as runs; line breaks kept; text is only ever text (a leading = is not a formula here)."""
    text = cell_text(value)
    parts = [f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\n")]
    return "<w:r>" + "<w:br/>".join(parts) + "</w:r>" if text else ""


def cell_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year}.{value.month}.{value.day}"
    return XML_INVALID.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- 附件说明, 署名, 成文日期

def _closing(doc: DocxDocument, inp: ReportInput, wording: Wording) -> None:
    labels = wording.labels()
    names = [labels.attachment_list, labels.attachment_charts]
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the 署名 page must show body text (7.3.5)
    first = doc.add_paragraph(f"附件：1.{names[0]}", style="附件说明")
    first.paragraph_format.space_before = Pt(LINE)  # 空一行 below the body (7.3.4)
    first.paragraph_format.keep_with_next = True
    for n, name in enumerate(names[1:], 2):
        doc.add_paragraph(f"{n}.{name}", style="附件说明续行").paragraph_format.keep_with_next = True
    name = inp.ctx.config.section("office")["name"]
    day = cn_date(inp.ctx.as_of)
    sig_right, date_right = signature_indents(name, day)
    signature = doc.add_paragraph(name, style="发文机关署名")
    signature.paragraph_format.space_before = Pt(LINE)  # 空一行 below the 附件说明 (7.3.5.3)
    signature.paragraph_format.keep_with_next = True
    _set_ppr(signature._p.get_or_add_pPr(), "ind", firstLine=0, firstLineChars=0, **_chars_indent("right", sig_right))
    date_p = doc.add_paragraph(day, style="成文日期")
    _set_ppr(date_p._p.get_or_add_pPr(), "ind", firstLine=0, firstLineChars=0, **_chars_indent("right", date_right))


def signature_indents(name: str, day: str) -> tuple[float, float]:
    """Right indents (characters) of 署名 and 成文日期 without a seal: 署名 右空二字, the date starting
    two characters right of the 署名's first character; a date longer than the name goes 右空二字 (7.3.5.3)."""
    n, w = _text_width(name), _text_width(day)
    date_right = n - w
    if date_right >= 2:
        return 2.0, date_right
    return w + 4 - n, 2.0


# ---------------------------------------------------------------- 附件

def _attachment_head(doc: DocxDocument, number: int, title: str) -> None:
    mark = doc.add_paragraph(f"附件{number}", style="附件标识")
    mark.paragraph_format.page_break_before = True
    heading = doc.add_paragraph(title, style="附件标题")
    heading.paragraph_format.space_before = Pt(LINE)
    heading.paragraph_format.space_after = Pt(LINE / 2)


def _attachment_list(doc: DocxDocument, inp: ReportInput, wording: Wording) -> None:
    config, report = inp.ctx.config, inp.ctx.config.section("report")
    items = list_items(inp)
    limit = int(report.get("appendix_max_rows", 300))
    labels = wording.labels(shown=min(limit, len(items)), rest=max(0, len(items) - limit))
    _attachment_head(doc, 1, labels.attachment_list)
    if not len(items):
        doc.add_paragraph(labels.list_empty)
        return
    keys = [k for k in LIST_WIDTHS if k != "owner_person" or report.get("show_persons")]
    heads = ["责任单位" if k == "unit" else config.column(k).name for k in keys]
    widths = [LIST_WIDTHS[k] for k in keys]
    widths[keys.index("description")] = TEXT_WIDTH_MM - sum(widths)
    aligns = ["center" if k in ("item_id", "category", "amount", "deadline", "status") else "left" for k in keys]
    rows = [[_list_value(row, k) for k in keys] for row in items.head(limit).to_dict("records")]
    add_table(doc, heads, rows, widths, aligns, small=True)
    doc.add_paragraph(labels.list_note, style="表注")
    if len(items) > limit:
        doc.add_paragraph(labels.list_more, style="表注")


def list_items(inp: ReportInput):
    """The ledger rows the appendix lists (all, or only open ones), with the resolved 责任单位."""
    ledger = inp.ledger
    if inp.ctx.config.section("report").get("appendix", "all") == "open":
        ledger = ledger[ledger["status"] != CLOSED]
    ledger = ledger.sort_values("item_id", kind="stable").copy()
    ledger["unit"] = [responsible_unit(o, d, inp.ctx.config) for o, d in zip(ledger["owner_unit"], ledger["departments"])]
    return ledger


def _list_value(row: dict, key: str):
    value = row.get(key)
    if key == "amount":
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt_amount(value)
    if key == "status" and row.get("overdue"):
        return f"{value}\n（逾期）"
    if key == "description":
        text = str(value or "")
        return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS] + "…"
    return value


def _attachment_charts(doc: DocxDocument, figures: dict, wording: Wording) -> None:
    labels = wording.labels()
    _attachment_head(doc, 2, labels.attachment_charts)
    cats = figures["categories"][:-1]
    png = charts.category_chart([f"{c['code']} {c['short']}" for c in cats], [c["open"] for c in cats],
                                labels.category_chart_title)
    _figure(doc, png, labels.caption_category_chart, ["问题类别", "未办结问题数"],
            [[f"{c['code']} {c['short']}", c["open"]] for c in cats])
    series = figures["trend"]["series"]
    if len(series) < 2:
        doc.add_paragraph(labels.trend_first)
        return
    names = [_period_label(p) for p in series]
    png = charts.trend_chart(names, [p.get("open", 0) for p in series], [p.get("closed", 0) for p in series],
                             labels.trend_chart_title)
    _figure(doc, png, labels.caption_trend_chart, ["期次", "未办结", "已办结"],
            [[n, p.get("open", 0), p.get("closed", 0)] for n, p in zip(names, series)])


def _period_label(point: dict) -> str:
    day = point.get("as_of")
    return f"{day.month}月{day.day}日" if hasattr(day, "month") else str(point["period"])


def _figure(doc: DocxDocument, png: bytes | None, caption: str, heads: list[str], rows: list[list]) -> None:
    """The chart as a picture; without a Chinese font for the chart, the same numbers as a table."""
    if png is None:
        add_table(doc, heads, rows, [TEXT_WIDTH_MM / len(heads)] * len(heads), ["left"] + ["center"] * (len(heads) - 1))
    else:
        doc.add_paragraph(style="图片").add_run().add_picture(io.BytesIO(png), width=Mm(150))
    doc.add_paragraph(caption, style="表图题").paragraph_format.keep_with_next = False


# ---------------------------------------------------------------- 版记

def _imprint(doc: DocxDocument, inp: ReportInput) -> None:
    """抄送 and 印发 lines between thick-thin-thick rules, floated to the bottom of the last page (7.4)."""
    office = inp.ctx.config.section("office")
    width, one = int(TEXT_WIDTH_MM * TWIPS_PER_MM), SMALL_PT * 20  # 空一字 of 4号 text
    rows, lines = [], 1
    if office.get("cc"):
        cc = f"抄送：{office['cc']}"
        rows.append(_imprint_row([cc], width, f'<w:ind w:left="{4 * one}" w:right="{one}" w:hanging="{3 * one}"/>'))
        lines += imprint_lines(cc)
    printed = [office.get("printer") or office["name"], f"{cn_date(inp.ctx.as_of)}印发"]
    rows.append(_imprint_row(printed, width, f'<w:ind w:left="{one}" w:right="{one}"/>',
                             tabs=f'<w:tabs><w:tab w:val="right" w:pos="{width - one}"/></w:tabs>'))
    top = round((225 * TWIPS_PER_MM) - lines * LINE * 20 - 60)  # LibreOffice ignores tblpYSpec: same place by offset
    doc.element.body.append(parse_xml(_imprint_table(rows, width, top)))
    doc.element.body.append(doc.element.body.sectPr)  # keep sectPr last
    doc.add_paragraph(style="版记")  # a table may not end the document body


def imprint_lines(text: str) -> int:
    """Lines a 抄送 text takes: 29 characters of 4号 on the first line, 26 after the hanging colon."""
    width = _text_width(text)
    return 1 if width <= 29 else 1 + math.ceil((width - 29) / 26)


def _imprint_table(rows: list[str], width: int, top: int) -> str:
    rule = '<w:{0} w:val="single" w:sz="{1}" w:space="0" w:color="000000"/>'
    borders = (rule.format("top", 8) + '<w:left w:val="nil"/>' + rule.format("bottom", 8) + '<w:right w:val="nil"/>'
               + rule.format("insideH", 6) + '<w:insideV w:val="nil"/>')
    return (f'<w:tbl {nsdecls("w")}><w:tblPr>'
            '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
            f'w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom" w:tblpY="{top}"/>'
            f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
            f'</w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{"".join(rows)}</w:tbl>')


def _imprint_row(parts: list[str], width: int, ind: str, tabs: str = "") -> str:
    """One 版记 line; several parts are separated by a tab (印发机关 left, 印发日期 right)."""
    runs = '<w:r><w:tab/></w:r>'.join(f'<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in parts)
    return (f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="GWImprint"/>{tabs}{ind}</w:pPr>{runs}</w:p></w:tc></w:tr>')
