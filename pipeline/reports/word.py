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
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import docx.text.paragraph
import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from pipeline.reports import charts
from pipeline.core.config import Config
from pipeline.reports.figures import (
    HEADINGS,
    ReportInput,
    cn_date,
    compute_figures,
    fmt_amount,
    fmt_rate,
    rate,
    slow_rule,
)
from pipeline.core.text import is_missing

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "report"
LINE = 28.95  # pt: 22 lines in the 225 mm 版心 (579 twips)
BODY_PT, TITLE_PT, SMALL_PT = 16, 22, 14
TITLE_LINE = 35  # pt: the exact line of 2号 titles
IMPRINT_LINE_PT = LINE  # a 版记 line keeps the body's line pitch
PICTURE_EXTRA_PT = 1.5  # a picture's paragraph: its line is the picture plus the 2 pt paragraph mark's descent
TEXT_WIDTH_MM = 156
TWIPS_PER_MM = 1440 / 25.4
RED = "FF0000"
FANGSONG, HEITI, KAITI, XBS, SONG, LATIN = (
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "方正小标宋简体",
    "宋体",
    "Times New Roman",
)
HEAD1 = re.compile(r"^[一二三四五六七八九十]+、")
HEAD2 = re.compile(r"^（[一二三四五六七八九十]+）")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
CHAR_SPACING_TWIPS = -5  # -0.25 pt: 16 pt characters at a 15.75 pt pitch, 28 to the 156 mm line
RPR_AFTER_SPACING = (
    "w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout".split()
)


# ---------------------------------------------------------------- entry points


def write_report(path: Path, inp: ReportInput, figures: dict | None = None) -> Path:
    """Write the 通报 .docx for the period and return its path; `figures` saves recomputing them."""
    figures = figures or compute_figures(inp)
    wording = Wording(inp, figures)
    doc = new_document(inp.ctx.config)
    _masthead(doc, inp)
    _body(doc, wording.body_lines(), figures, wording)
    _closing(doc, inp, wording)
    _attachment_list(doc, inp, figures, wording)
    used = _attachment_charts(doc, figures, wording)
    _imprint(doc, inp, used)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def convert_pdf(docx_path: Path, timeout: int = 180) -> str:
    """Convert the .docx to PDF beside it with LibreOffice; return a one-line note for the user."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return f"未找到 LibreOffice（soffice），未生成 PDF 版通报；Word 版见 {docx_path.name}"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx_path.parent),
            str(docx_path),
        ]
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
        self.named = inp.ctx.config.report.named_units
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)),
            undefined=jinja2.StrictUndefined,
            lstrip_blocks=True,
            autoescape=False,
        )  # lines left empty by tags are dropped
        self.env.filters.update(wan=fmt_amount, pct=fmt_rate, delta=_delta, cndate=cn_date, units=self.units)

    def units(self, names, all: bool = False) -> str:  # noqa: A002 - the template's word
        """Unit names joined with 、: at most report.named_units of them, then 等N个单位."""
        names = list(names)
        if len(names) <= 1:
            return "".join(names)
        shown = names if all else names[: self.named]
        return "、".join(shown) + f"等{len(names)}个单位"

    def body_lines(self) -> list[str]:
        text = self.env.get_template("report.j2").render(**self._context())
        return [line.strip() for line in text.splitlines() if line.strip()]

    def labels(self):
        return self.env.get_template("labels.j2").make_module({})

    def _context(self) -> dict:
        f, config = self.figures, self.inp.ctx.config
        report, t = config.report, f["totals"]
        cats, units = f["categories"][:-1], f["units"]
        top = max(cats, key=lambda c: c["items"]) if cats else {"items": 0}
        slow_min, slow_rate = slow_rule(config)
        return {
            "f": f,
            "t": t,
            "d": f["departments"],
            "tr": f["trend"],
            "cats": cats,
            "units": units,
            "top_cat": {**top, "share": rate(top["items"], t["items"])},
            "open_status": [
                {"status": s, "items": n} for s, n in t["by_status"].items() if s != config.closed_status and n
            ],
            "all_done": [u["unit"] for u in units if u["open"] == 0],
            "none_done": [u["unit"] for u in units if u["closed"] == 0],
            "tied": any(u["tied"] for u in units),
            "slow_min": slow_min,
            "slow_rate": slow_rate,
            "named": self.named,
            "returned_total": sum(r["rows"] for r in f["returned_rows"]),
            "reply_date": self.inp.ctx.as_of + timedelta(days=report.reply_days),
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
    _remember_style_ids(doc)
    _footers(doc)
    doc.core_properties.author = config.office.name
    doc.core_properties.title = config.office.report_title
    return doc


def _remember_style_ids(doc: DocxDocument) -> None:
    """python-docx finds a named style by scanning every style, each time a paragraph or table names it (a
    sixth of the 通报's time); the ids do not change once the styles are made, so each name is looked up once."""
    part = doc.part
    lookup, known = part.get_style_id, {}

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):
            return lookup(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in known:
            known[key] = lookup(style_or_name, style_type)
        return known[key]

    part.get_style_id = get_style_id  # type: ignore[method-assign]


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
    for slot, name in (
        ("eastAsia", east_asia),
        ("ascii", ascii_ or east_asia),
        ("hAnsi", ascii_ or east_asia),
        ("cs", ascii_ or east_asia),
    ):
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
    later = PPR_ORDER[PPR_ORDER.index(tag) + 1 :]
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
    "GWFigure": ("图片", FANGSONG, LATIN, 2, {"flush": True, "align": "center", "line": 0, "free": True}),
    "GWTable": ("表格文字", FANGSONG, LATIN, 12, {"flush": True, "line": 15, "free": True}),
    "GWTableHead": ("表格标题行", HEITI, HEITI, 12, {"flush": True, "line": 15, "free": True, "align": "center"}),
    "GWTableSmall": ("表格文字（小）", FANGSONG, LATIN, 10.5, {"flush": True, "line": 13.5, "free": True}),
    "GWTableHeadSmall": (
        "表格标题行（小）",
        HEITI,
        HEITI,
        10.5,
        {"flush": True, "line": 13.5, "free": True, "align": "center"},
    ),
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
    _section_footers(doc, doc.sections[0])


def _section_footers(doc: DocxDocument, section) -> None:
    """Page numbers "— 1 —": odd pages right, even pages left, one 4号 character in (GB/T 9704 7.5)."""
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        for child in list(p._p):
            if child.tag != qn("w:pPr"):
                p._p.remove(child)
        p.style = doc.styles["页码"]
        p.alignment = ALIGN[side]
        setattr(p.paragraph_format, f"{side}_indent", Pt(SMALL_PT))
        _page_number_runs(p)


def _page_number_runs(p) -> None:
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")


# Where a portrait page has its number, seen on a landscape page turned with its top to the left
# (GB/T 9704 ch. 8: the table head at the 订口 of odd pages and at the 切口 of even pages, the page
# number where the other pages have it): mm from the landscape page's left edge to the upper edge of
# the figures (7 mm below the 版心), and along the page from its top edge.
LANDSCAPE_NUMBER_X_MM = 35 - 7
NUMBER_BOX_MM = (6, 40)  # across, along
ODD_END_MM = 210 - 26 - SMALL_PT * 25.4 / 72  # odd pages: ends one character inside the 版心's right edge
EVEN_START_MM = 28 + SMALL_PT * 25.4 / 72  # even pages: starts one character inside its left edge


def _landscape_footers(doc: DocxDocument, section) -> None:
    """The page numbers of a landscape section, turned a quarter right (layout-flow:vertical) in a
    text box placed on the page where the portrait pages have their numbers, so the printed sheet
    shows them there. A VML shape: Word, WPS and LibreOffice place it alike (LibreOffice drops the
    offsets of a DrawingML shape in the footer of a section's first page), and a floating shape
    leaves the footer its height."""
    across, along = NUMBER_BOX_MM
    x = LANDSCAPE_NUMBER_X_MM - across
    for n, (footer, odd) in enumerate(((section.footer, True), (section.even_page_footer, False))):
        footer.is_linked_to_previous = False
        el = footer._element
        for child in list(el):
            el.remove(child)
        y = (ODD_END_MM - along) if odd else EVEN_START_MM
        box = parse_xml(
            f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
            '<w:pPr><w:pStyle w:val="GWPageNumber"/></w:pPr><w:r><w:pict>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f'<v:shape id="GWPageNumber{n + 1}" type="#_x0000_t202" filled="f" stroked="f" style="position:absolute;'
            f"margin-left:{x:.2f}mm;margin-top:{y:.2f}mm;width:{across:.2f}mm;height:{along:.2f}mm;"
            'mso-position-horizontal-relative:page;mso-position-vertical-relative:page;layout-flow:vertical;z-index:2">'
            '<v:textbox inset="0,0,0,0" style="layout-flow:vertical"><w:txbxContent>'
            f'<w:p><w:pPr><w:pStyle w:val="GWPageNumber"/><w:jc w:val="{"right" if odd else "left"}"/></w:pPr></w:p>'
            "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        )
        el.append(box)
        inner = box.find(".//" + qn("w:txbxContent")).find(qn("w:p"))
        _page_number_runs(docx.text.paragraph.Paragraph(inner, footer))


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
    office = inp.ctx.config.office
    mark = office.issuer_mark
    issuer = doc.add_paragraph(mark, style="发文机关标志")
    issuer.paragraph_format.space_before = Mm(35)  # top edge 35 mm below the 版心 top (7.2.4)
    size = _issuer_size(mark)
    issuer.runs[0].font.size = Pt(size)
    issuer.paragraph_format.line_spacing = Pt(round(size * 1.3, 1))
    docno = doc.add_paragraph(f"{office.doc_prefix}〔{inp.ctx.as_of.year}〕{inp.doc_number}号", style="发文字号")
    docno.paragraph_format.space_before = Pt(2 * LINE)  # 空二行 below the issuer mark (7.2.5)
    _red_rule(docno)
    title = doc.add_paragraph("\n".join(title_lines(f"{office.report_title}（第{inp.issue_no}期）")), style="公文标题")
    title.paragraph_format.space_before = Pt(2 * LINE)  # 空二行 below the red rule (7.3.1)
    addressee = doc.add_paragraph(office.recipients, style="主送机关")
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
    ppr.insert_element_before(bdr, *(f"w:{t}" for t in PPR_ORDER[PPR_ORDER.index("pBdr") + 1 :]))


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

CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (heading ordinals)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def number_headings(lines: list[str]) -> list[str]:
    """Template lines "# 标题" / "## 标题。正文" numbered 一、 / （一）; a "#" heading with nothing
    under it (every point of the section left out) is left out too."""
    kept = [
        line
        for n, line in enumerate(lines)
        if not (line.startswith("# ") and (n + 1 == len(lines) or lines[n + 1].startswith("# ")))
    ]
    out, first, second = [], 0, 0
    for line in kept:
        if line.startswith("# "):
            first, second = first + 1, 0
            out.append(f"{cn_ordinal(first)}、{line[2:].strip()}")
        elif line.startswith("## "):
            second += 1
            out.append(f"（{cn_ordinal(second)}）{line[3:].strip()}")
        else:
            out.append(line)
    return out


def _body(doc: DocxDocument, lines: list[str], figures: dict, wording: Wording) -> None:
    labels = wording.labels()
    tables = {
        "categories": lambda: _category_table(doc, figures),
        "departments": lambda: _department_table(doc, figures, labels),
    }
    for line in number_headings([x for x in lines if not x.startswith("@table") or _has_rows(x, figures)]):
        if line.startswith("@table"):
            name, _, caption = line.removeprefix("@table").partition("|")
            doc.add_paragraph(caption.strip(), style="表图题")
            tables[name.strip()]()
        else:
            add_text(doc, line)


def _has_rows(line: str, figures: dict) -> bool:
    return "departments" not in line.split("|")[0] or bool(figures["units"])


def add_text(doc: DocxDocument, line: str) -> None:
    """One paragraph; the ordinal decides the style (一、 黑体, （一） 楷体 up to the first 。)."""
    line = cell_text(line)  # names and descriptions from the ledgers: no character XML cannot hold
    if HEAD1.match(line):
        doc.add_paragraph(line, style="公文一级标题")
    elif HEAD2.match(line):
        cut = line.find("。")
        if 0 <= cut < len(line) - 1:
            p = doc.add_paragraph()
            p.add_run(line[: cut + 1], style="公文二级标题字符")
            p.add_run(line[cut + 1 :])
        else:
            doc.add_paragraph(line, style="公文二级标题")
    else:
        doc.add_paragraph(line)


def _heads(keys: list[str]) -> list[str]:
    """The shared table headings (figures.HEADINGS), a unit in brackets on its own line (`涉及金额|（万元）`)."""
    return [HEADINGS[k].replace("（", "|（") for k in keys]


def _category_table(doc: DocxDocument, figures: dict) -> None:
    heads = _heads(["category", "items", "amount", "paid", "closed", "rate", "overdue"])
    rows = [
        [
            f"{c['code']} {c['short']}".strip(),
            c["items"],
            fmt_amount(c["amount"]),
            fmt_amount(c["paid"]),
            c["closed"],
            fmt_rate(c["rate"]),
            c["overdue"],
        ]
        for c in figures["categories"]
    ]
    add_table(doc, heads, rows, ["left"] + ["center"] * 6)


def _department_table(doc: DocxDocument, figures: dict, labels) -> None:
    heads = _heads(["rank", "unit", "items", "closed", "open", "rate", "overdue"])
    rows = [
        [
            f"{labels.tied}{u['rank']}" if u["tied"] else u["rank"],
            u["unit"] + (f"\n{labels.carried}" if u["carried"] else ""),
            u["items"],
            u["closed"],
            u["open"],
            fmt_rate(u["rate"]),
            u["overdue"],
        ]
        for u in figures["units"]
    ]
    t = figures["totals"]
    rows.append(
        [
            "",
            labels.total_row,
            sum(u["items"] for u in figures["units"]),
            t["closed"],
            t["open"],
            fmt_rate(t["closing_rate"]),
            t["overdue"],
        ]
    )
    add_table(doc, heads, rows, ["center", "left"] + ["center"] * 5)


# ---------------------------------------------------------------- tables


class Group:
    """A row spanning the whole table: the heading of a group of rows (a unit in 附件1)."""

    def __init__(self, text: str):
        self.text = text


CELL_PAD_MM = 2.4  # 1 mm cell margin each side, and the rules


ASCII_EM = 0.62  # digits and Latin letters: 0.5 em in Times New Roman, up to 0.64 in a renderer's substitute


def text_mm(text: str, pt: float) -> float:
    """Width of one line of table text: Han and full-width characters one em, ASCII ASCII_EM."""
    return sum(ASCII_EM if ord(ch) < 128 else 1.0 for ch in text) * pt * 25.4 / 72


def fit_widths(
    heads: list[str], rows: list[list], total_mm: float, pt: float, flexible: tuple[int, ...] = ()
) -> tuple[list[float], list[str]]:
    """Column widths from the content, and the headers with line breaks only between their words.

    A header is written with | between the words it may break at ("涉及金额|（万元）"); its column is at
    least as wide as its longest word, so no header breaks inside a word. A column that is not
    flexible is as wide as its widest cell line; the flexible ones (long text) share what is left in
    proportion to their content. Any width left over is shared so the table fills the 版心.
    """
    count = len(heads)
    words = [h.split("|") for h in heads]
    head_min = [max(text_mm(w, pt) for w in ws) + CELL_PAD_MM for ws in words]
    natural = [0.0] * count
    for row in rows:
        if isinstance(row, Group):
            continue
        for c, value in enumerate(row):
            natural[c] = max(natural[c], max((text_mm(line, pt) for line in cell_text(value).split("\n")), default=0))
    natural = [n + CELL_PAD_MM for n in natural]
    widths = [max(head_min[c], natural[c]) if c not in flexible else 0.0 for c in range(count)]
    room = total_mm - sum(widths)
    for n, c in enumerate(flexible):  # each but the last: its content, up to 30 % of the room; the last the rest
        want = max(head_min[c], natural[c])
        cap = 0.3 * room if n < len(flexible) - 1 else room - sum(widths[f] for f in flexible[:n])
        widths[c] = max(head_min[c], min(want, cap))
    left = total_mm - sum(widths)
    if left > 0:  # fill the 版心: the last flexible column, else every column alike
        share = list(flexible[-1:]) or list(range(count))
        for c in share:
            widths[c] += left / len(share)
    shown = ["\n".join(_wrap_words(ws, widths[c] - CELL_PAD_MM, pt)) for c, ws in enumerate(words)]
    return widths, shown


def _wrap_words(words: list[str], width_mm: float, pt: float) -> list[str]:
    lines = [words[0]]
    for word in words[1:]:
        if text_mm(lines[-1] + word, pt) <= width_mm + 0.01:
            lines[-1] += word
        else:
            lines.append(word)
    return lines


TABLE_PT = {False: 12.0, True: 10.5}


def add_table(
    doc: DocxDocument,
    heads: list[str],
    rows: list,
    aligns: list[str],
    small: bool = False,
    total_mm: float = TEXT_WIDTH_MM,
    flexible: tuple[int, ...] = (),
):
    """A bordered table fitting the 版心: column widths from the content, header row repeated on
    every page, rows that never split; a Group row spans the table and stays with the next row.

    Rows are appended as XML (one parse per row), never through table.cell(r, c), which is quadratic.
    """
    widths, shown = fit_widths(heads, rows, total_mm, TABLE_PT[small], flexible)
    twips = _twips(widths, total_mm)
    table = doc.add_table(rows=0, cols=len(heads))
    tbl = table._tbl
    _table_properties(tbl, sum(twips))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips):
        col.set(qn("w:w"), str(width))
    body, head = ("GWTableSmall", "GWTableHeadSmall") if small else ("GWTable", "GWTableHead")
    xml = [_row_xml(shown, twips, ["center"] * len(heads), head, header=True)]
    for row in rows:
        if isinstance(row, Group):
            xml.append(_group_xml(row.text, sum(twips), len(twips), head))
        else:
            xml.append(_row_xml(row, twips, aligns, body))
    for row_xml in xml:
        tbl.append(parse_xml(row_xml))
    return table


def _twips(widths_mm: list[float], total_mm: float = TEXT_WIDTH_MM) -> list[int]:
    """Column widths in twips, trimmed so they never add up to more than the 版心."""
    twips = [int(w * TWIPS_PER_MM) for w in widths_mm]
    limit = int(total_mm * TWIPS_PER_MM)
    while sum(twips) > limit:
        widest = twips.index(max(twips))
        twips[widest] -= min(sum(twips) - limit, twips[widest] // 2)
    return twips


def _table_properties(tbl, width: int) -> None:
    tblpr = tbl.tblPr
    for child in list(tblpr):
        if child.tag != qn("w:tblStyle"):
            tblpr.remove(child)
    tblpr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{width}" w:type="dxa"/>'))
    tblpr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="center"/>'))
    tblpr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )
    tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    tblpr.append(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/>'
            '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        )
    )
    tblpr.append(
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        )
    )


def _row_xml(values: list, twips: list[int], aligns: list[str], style: str, header: bool = False) -> str:
    trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{align}"/></w:pPr>{_runs_xml(value)}</w:p></w:tc>'
        for value, w, align in zip(values, twips, aligns)
    )
    return f"<w:tr {nsdecls('w')}>{trpr}{cells}</w:tr>"


def _group_xml(text: str, width: int, span: int, style: str) -> str:
    return (
        f'<w:tr {nsdecls("w")}><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
        f'<w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>'
        f'<w:jc w:val="left"/></w:pPr>{_runs_xml(text)}</w:p></w:tc></w:tr>'
    )


def _runs_xml(value) -> str:
    """Cell text as runs; line breaks kept; text is only ever text (a leading = is not a formula here)."""
    text = cell_text(value)
    parts = [f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\n")]
    return "<w:r>" + "<w:br/>".join(parts) + "</w:r>" if text else ""


def cell_text(value) -> str:
    if is_missing(value):
        return ""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
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
    name = inp.ctx.config.office.name
    day = cn_date(inp.ctx.as_of)
    sig_right, date_right = signature_indents(name, day)
    signature = doc.add_paragraph(name, style="发文机关署名")
    signature.paragraph_format.space_before = Pt(LINE)  # 空一行 below the 附件说明 (7.3.5)
    signature.paragraph_format.keep_with_next = True
    _set_ppr(signature._p.get_or_add_pPr(), "ind", firstLine=0, firstLineChars=0, **_chars_indent("right", sig_right))
    date_p = doc.add_paragraph(day, style="成文日期")
    _set_ppr(date_p._p.get_or_add_pPr(), "ind", firstLine=0, firstLineChars=0, **_chars_indent("right", date_right))


DATE_RIGHT_CHARS = 4  # 成文日期 右空四字 (7.3.5.1)


def signature_indents(name: str, day: str) -> tuple[float, float]:
    """Right indents (characters) of 署名 and 成文日期 (7.3.5.1): the date 右空四字 and the 署名
    centred over it; a 署名 too long to be centred so goes flush right and the date is centred under it."""
    n, w = _text_width(name), _text_width(day)
    sig_right = DATE_RIGHT_CHARS + w / 2 - n / 2
    if sig_right >= 0:
        return sig_right, float(DATE_RIGHT_CHARS)
    return 0.0, n / 2 - w / 2


# ---------------------------------------------------------------- 附件

LANDSCAPE_MARGINS_MM = (28, 26, 35, 37)  # top, bottom, left, right: the portrait 版心 turned on the same sheet
LANDSCAPE_WIDTH_MM = 225
LIST_KEYS = ("item_id", "category", "company", "description", "amount", "status", "deadline", "owner_person")
LIST_HEADS = {
    "item_id": "问题编号",
    "category": "问题|类别",
    "amount": "涉及金额|（万元）",
    "status": "整改|状态",
    "deadline": "整改时限",
    "owner_person": "责任人",
}
CLAUSE_END = "。；！？"
CLAUSE_MARK = "，、：；。！？"


def _attachment_head(doc: DocxDocument, number: int, title: str, new_page: bool = True) -> None:
    mark = doc.add_paragraph(f"附件{number}", style="附件标识")
    mark.paragraph_format.page_break_before = new_page or None
    heading = doc.add_paragraph(title, style="附件标题")
    heading.paragraph_format.space_before = Pt(LINE)
    heading.paragraph_format.space_after = Pt(LINE / 2)


def _attachment_list(doc: DocxDocument, inp: ReportInput, figures: dict, wording: Wording) -> None:
    """附件1: every open item, grouped by 责任单位, in a landscape section when the table is wide."""
    config, report = inp.ctx.config, inp.ctx.config.report
    labels = wording.labels()
    groups = figures["open_by_unit"]
    keys = [k for k in LIST_KEYS if k != "owner_person" or report.show_persons]
    heads = [LIST_HEADS.get(k) or config.column(k).name for k in keys]
    chars = report.description_chars
    rows: list = []
    for g in groups:
        rows.append(
            Group(labels.list_unit.format(**g) + (labels.list_unit_overdue.format(**g) if g["overdue"] else "") + "）")
        )
        rows += [[_list_value(item, k, chars, labels) for k in keys] for item in g["rows"]]
    flexible = (keys.index("company"), keys.index("description"))
    natural, _ = fit_widths(heads, rows, 0, TABLE_PT[True])
    wide = bool(groups) and sum(natural) > TEXT_WIDTH_MM  # the content wants more than the portrait 版心
    if wide:
        _new_section(doc, landscape=True)
    _attachment_head(doc, 1, labels.attachment_list, new_page=not wide)
    if not groups:
        doc.add_paragraph(labels.list_empty)
        return
    aligns = ["center" if k in ("item_id", "category", "amount", "deadline", "status") else "left" for k in keys]
    doc.add_paragraph(labels.list_note, style="表注").paragraph_format.keep_with_next = True
    add_table(
        doc, heads, rows, aligns, small=True, total_mm=LANDSCAPE_WIDTH_MM if wide else TEXT_WIDTH_MM, flexible=flexible
    )


def _list_value(item: dict, key: str, chars: int, labels):
    value = item.get(key)
    if key == "amount":
        return "" if value is None else fmt_amount(value)
    if key == "deadline":
        text = cell_text(value)
        return f"{text}\n{labels.list_overdue.format(days=item['days'])}" if item.get("overdue") and text else text
    if key == "description":
        return shorten(str(value or ""), chars)
    return value


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at the end of a sentence or clause (never inside a word);
    a text with no such boundary in its first half is cut before a run of ASCII letters or digits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [i for i, ch in enumerate(head) if ch in CLAUSE_END]
    marks = [i for i, ch in enumerate(head) if ch in CLAUSE_MARK]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1] + 1]
    if marks and marks[-1] >= limit // 2:
        return head[: marks[-1]] + "……"
    cut = limit - 1
    while (
        cut > 0 and head[cut - 1].isascii() and head[cut - 1].isalnum() and text[cut].isascii() and text[cut].isalnum()
    ):
        cut -= 1
    return text[: cut or limit - 1] + "……"


def _new_section(doc: DocxDocument, landscape: bool) -> None:
    """A new section on a new page: landscape for a wide table (GB/T 9704 ch. 8), portrait after it."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Mm(m) for m in LANDSCAPE_MARGINS_MM
        )
        _landscape_footers(doc, section)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Mm(37),
            Mm(35),
            Mm(28),
            Mm(26),
        )
        _section_footers(doc, section)


def _attachment_charts(doc: DocxDocument, figures: dict, wording: Wording) -> float:
    """附件2 on a portrait page of its own section; returns the height (pt) it takes on that page."""
    labels = wording.labels()
    _new_section(doc, landscape=False)
    _attachment_head(doc, 2, labels.attachment_charts, new_page=False)
    used = LINE + LINE + TITLE_LINE + LINE / 2  # 附件2 line, the title with its space above and below
    cats = figures["categories"][:-1]
    png = charts.category_chart([f"{c['code']} {c['short']}" for c in cats], [c["open"] for c in cats])
    used += _figure(
        doc,
        png,
        labels.caption_category_chart,
        ["问题类别", "未办结问题数"],
        [[f"{c['code']} {c['short']}", c["open"]] for c in cats],
    )
    series = figures["trend"]["series"]
    if len(series) >= 2:
        names = [_period_label(p) for p in series]
        png = charts.trend_chart(names, [p.get("open", 0) for p in series], [p.get("closed", 0) for p in series])
        used += _figure(
            doc,
            png,
            labels.caption_trend_chart,
            ["期次", "未办结", "已办结"],
            [[n, p.get("open", 0), p.get("closed", 0)] for n, p in zip(names, series)],
        )
    return used


def _period_label(point: dict) -> str:
    day = point.get("as_of")
    return f"{day.month}月{day.day}日" if isinstance(day, date) else str(point["period"])


FIGURE_WIDTH_MM = 150
TABLE_ROW_PT = 15 + 2  # a one-line row of the 12 pt table style: 15 pt line, rules and rounding


def _figure(doc: DocxDocument, png: bytes | None, caption: str, heads: list[str], rows: list[list]) -> float:
    """The chart as a picture; without a Chinese font for the chart, the same numbers as a table.
    Returns the height (pt) taken, caption included."""
    if png is None:
        add_table(doc, heads, rows, ["left"] + ["center"] * (len(heads) - 1))
        height = TABLE_ROW_PT * (len(rows) + 1)
    else:
        shape = doc.add_paragraph(style="图片").add_run().add_picture(io.BytesIO(png), width=Mm(FIGURE_WIDTH_MM))
        height = shape.height.pt + PICTURE_EXTRA_PT
    doc.add_paragraph(caption, style="表图题").paragraph_format.keep_with_next = False
    return height + LINE


# ---------------------------------------------------------------- 版记

PAGE_PT = 225 * 72 / 25.4  # the 版心 height
IMPRINT_SLACK_PT = 5  # the last rule this much above the 版心 bottom: rounding in Word and LibreOffice
IMPRINT_ROW_PT = IMPRINT_LINE_PT + 1  # a 版记 line with its rule


def _imprint(doc: DocxDocument, inp: ReportInput, used: float) -> None:
    """抄送 and 印发 lines between thick-thin-thick rules, the last rule on the 版心 bottom of the last
    page (7.4). An empty paragraph of exact height fills the page above it: Word, WPS and LibreOffice
    all honour exact line heights, where LibreOffice ignores a table floated to the page bottom. The
    last page is 附件2, whose height `used` is known; when the 版记 does not fit there it gets a page
    of its own."""
    office = inp.ctx.config.office
    width, one = int(TEXT_WIDTH_MM * TWIPS_PER_MM), SMALL_PT * 20  # 空一字 of 4号 text
    rows, lines = [], 1
    if office.cc:
        cc = f"抄送：{office.cc}"
        rows.append(_imprint_row([cc], width, f'<w:ind w:left="{4 * one}" w:right="{one}" w:hanging="{3 * one}"/>'))
        lines += imprint_lines(cc)
    printed = [office.printer or office.name, f"{cn_date(inp.ctx.as_of)}印发"]
    rows.append(
        _imprint_row(
            printed,
            width,
            f'<w:ind w:left="{one}" w:right="{one}"/>',
            tabs=f'<w:tabs><w:tab w:val="right" w:pos="{width - one}"/></w:tabs>',
        )
    )
    height = lines * IMPRINT_ROW_PT + 1  # and the 1 pt paragraph that ends the document
    gap = PAGE_PT - used - height - IMPRINT_SLACK_PT
    spacer = doc.add_paragraph(style="版记")
    if gap < 1:  # no room on 附件2's page: the 版记 alone at the bottom of the next page
        spacer.paragraph_format.page_break_before = True
        gap = PAGE_PT - height - IMPRINT_SLACK_PT
    spacer.paragraph_format.line_spacing_rule, spacer.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(gap)
    doc.element.body.append(parse_xml(_imprint_table(rows, width)))
    doc.element.body.append(doc.element.body.sectPr)  # keep sectPr last
    end = doc.add_paragraph(style="版记")  # a table may not end the document body: a hairline paragraph
    end.paragraph_format.line_spacing_rule, end.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
    if not end.runs:
        end.add_run().font.size = Pt(1)


def imprint_lines(text: str) -> int:
    """Lines a 抄送 text takes: 29 characters of 4号 on the first line, 26 after the hanging colon."""
    width = _text_width(text)
    return 1 if width <= 29 else 1 + math.ceil((width - 29) / 26)


def _imprint_table(rows: list[str], width: int) -> str:
    rule = '<w:{0} w:val="single" w:sz="{1}" w:space="0" w:color="000000"/>'
    borders = (
        rule.format("top", 8)
        + '<w:left w:val="nil"/>'
        + rule.format("bottom", 8)
        + '<w:right w:val="nil"/>'
        + rule.format("insideH", 6)
        + '<w:insideV w:val="nil"/>'
    )
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:jc w:val="center"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
        f'</w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def _imprint_row(parts: list[str], width: int, ind: str, tabs: str = "") -> str:
    """One 版记 line; several parts are separated by a tab (印发机关 left, 印发日期 right)."""
    runs = "<w:r><w:tab/></w:r>".join(f'<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in parts)
    return (
        f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="GWImprint"/><w:keepNext/>{tabs}{ind}</w:pPr>{runs}</w:p></w:tc></w:tr>'
    )
