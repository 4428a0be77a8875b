"""The project's own GB/T 9704-2012 structural checks of a generated 通报 .docx.

Read back from the file's XML only (python-docx), so the suite needs nothing outside the repository.
`problems(path)` returns one line per broken rule (empty when the document passes); `assert_gongwen`
fails a test with all of them. The shared checker (../shared/tools/check_gongwen.py) is an extra
that `shared_checker` runs only when it is present.

The numbers are GB/T 9704-2012's (shared/reference/gbt9704.md): A4, 天头 37 mm, 订口 28 mm, 版心
156 x 225 mm, 22 lines of 28 characters, 3号仿宋 body, 2号小标宋 title, 黑体/楷体 headings,
"— 1 —" page numbers in 4号宋体, odd pages right and even pages left, one character in.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
SHARED_CHECKER = ROOT.parent / "shared" / "tools" / "check_gongwen.py"

PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}  # portrait; a landscape page turns them
LANDSCAPE_MARGINS_MM = {"top": 28.0, "bottom": 26.0, "left": 35.0, "right": 37.0}  # the same 版心 on the sheet
TOLERANCE_MM = 1.0
TYPE_AREA_MM = (156.0, 225.0)
LINE_TWIPS = 579           # 28.95 pt: 22 lines fill the 225 mm 版心
CHAR_SPACING_TWIPS = -5    # 16 pt characters at 15.75 pt: 28 per 156 mm line
BODY_PT, TITLE_PT, SMALL_PT = 16.0, 22.0, 14.0
MM_PER_TWIP = 25.4 / 1440
FAMILIES = {"仿宋": ("仿宋", "fangsong"), "黑体": ("黑体", "simhei"), "楷体": ("楷", "kaiti"),
            "小标宋": ("小标宋", "xiaobiaosong"), "宋体": ("宋体", "simsun")}
DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")
CN_DATE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")
HEAD1 = re.compile(r"^[一二三四五六七八九十]+、")
HEAD2 = re.compile(r"^（[一二三四五六七八九十]+）")


def family(name: str | None) -> str | None:
    low = (name or "").lower()
    if "小标宋" in low or "xiaobiaosong" in low:
        return "小标宋"
    return next((fam for fam, keys in FAMILIES.items() if fam != "小标宋" and any(k in low for k in keys)), None)


class Styles:
    """Effective run properties the way Word resolves them: defaults, paragraph style chain, character
    style, direct formatting (enough for the styles this project writes)."""

    def __init__(self, document):
        root = document.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
        defaults = root.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        self.defaults = rpr.find(qn("w:rPr")) if rpr is not None else None
        self.default_para = next((sid for sid, s in self.by_id.items()
                                  if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")),
                                 None)

    def chain(self, sid: str | None) -> list:
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.append(self.by_id[sid])
            based = self.by_id[sid].find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return out[::-1]

    @staticmethod
    def _merge(props: dict, rpr) -> None:
        if rpr is None:
            return
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for slot in ("eastAsia", "ascii"):
                if fonts.get(qn(f"w:{slot}Theme")):
                    props[slot] = "(theme)"
                elif fonts.get(qn(f"w:{slot}")):
                    props[slot] = fonts.get(qn(f"w:{slot}"))
        size = rpr.find(qn("w:sz"))
        if size is not None:
            props["size"] = int(size.get(qn("w:val"))) / 2
        colour = rpr.find(qn("w:color"))
        if colour is not None:
            props["color"] = colour.get(qn("w:val")).upper()
        bold = rpr.find(qn("w:b"))
        if bold is not None:
            props["bold"] = bold.get(qn("w:val"), "true") not in ("0", "false")

    def paragraph_style(self, p) -> str | None:
        ps = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        sid = ps.get(qn("w:val")) if ps is not None else None
        return sid if sid in self.by_id else self.default_para

    def run(self, r, p) -> dict:
        props: dict = {"size": 10.0}
        self._merge(props, self.defaults)
        for style in self.chain(self.paragraph_style(p)):
            self._merge(props, style.find(qn("w:rPr")))
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            rstyle = rpr.find(qn("w:rStyle"))
            if rstyle is not None:
                for style in self.chain(rstyle.get(qn("w:val"))):
                    self._merge(props, style.find(qn("w:rPr")))
            self._merge(props, rpr)
        return props

    def paragraph(self, p) -> dict:
        """The properties of the paragraph's first run with text (else of its style)."""
        for r in p.iter(qn("w:r")):
            if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip():
                return self.run(r, p)
        return self.run(p.makeelement(qn("w:r"), {}), p)


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def blocks(document):
    """(kind, element, section index) for every top-level paragraph and table, in order."""
    out, section = [], 0
    for el in document.element.body.iterchildren():
        if el.tag == qn("w:p"):
            out.append(("p", el, section))
            section += el.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None
        elif el.tag == qn("w:tbl"):
            out.append(("tbl", el, section))
    return out


# ---------------------------------------------------------------- the checks

def check_pages(document, out: list[str]) -> None:
    for n, s in enumerate(document.sections, 1):
        w, h = s.page_width.mm, s.page_height.mm
        landscape = w > h
        want = PAGE_MM[::-1] if landscape else PAGE_MM
        if abs(w - want[0]) > TOLERANCE_MM or abs(h - want[1]) > TOLERANCE_MM:
            out.append(f"page.size: section {n} is {w:.1f}x{h:.1f} mm, not A4")
        if landscape != (s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE):
            out.append(f"page.size: section {n} orientation attribute disagrees with its size")
        margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
        for side, mm in margins.items():
            got = getattr(s, f"{side}_margin").mm
            if abs(got - mm) > TOLERANCE_MM:
                out.append(f"page.margins: section {n} {side} {got:.1f} mm, want {mm:.0f} mm")
        grid = s._sectPr.find(qn("w:docGrid"))
        if grid is None or grid.get(qn("w:linePitch")) != str(LINE_TWIPS):
            out.append(f"layout.grid: section {n} docGrid linePitch is not {LINE_TWIPS} (22 lines)")
        elif grid.get(qn("w:charSpace")) not in (None, "0"):
            out.append(f"layout.grid: section {n} has a character grid (LibreOffice packs 14 a line)")
        if not 18 <= s.footer_distance.mm <= 30:
            out.append(f"page.footer: section {n} footer distance {s.footer_distance.mm:.1f} mm (page number 7 mm "
                       "below the 版心)")


def check_grid(document, styles: Styles, out: list[str]) -> None:
    normal = styles.by_id.get(styles.default_para)
    ppr, rpr = normal.find(qn("w:pPr")), normal.find(qn("w:rPr"))
    spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
    if spacing is None or spacing.get(qn("w:line")) != str(LINE_TWIPS) or spacing.get(qn("w:lineRule")) != "exact":
        out.append("layout.lines: Normal is not exactly 28.95 pt (22 lines a page)")
    chars = rpr.find(qn("w:spacing")) if rpr is not None else None
    if chars is None or chars.get(qn("w:val")) != str(CHAR_SPACING_TWIPS):
        out.append("layout.chars: Normal has no -0.25 pt character spacing (28 characters a line)")


def check_fonts(document, styles: Styles, out: list[str]) -> None:
    for part in [document.styles.element, document.element] + [s.footer._element for s in document.sections]:
        for fonts in part.iter(qn("w:rFonts")):
            if any(k.split("}")[-1].endswith("Theme") or k.endswith("}cstheme") for k in fonts.attrib):
                out.append("fonts.theme: a theme font attribute (Word would use the theme's Japanese font)")
                return
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is None or lang.get(qn("w:eastAsia")) != "zh-CN":
        out.append("fonts.lang: the theme language is not zh-CN")


def _para_font(styles: Styles, p) -> tuple[str | None, float]:
    props = styles.paragraph(p)
    return family(props.get("eastAsia")), props.get("size", 0)


def find_masthead(document, styles: Styles) -> dict:
    """Indices (into the top-level paragraphs) of the 版头 elements, title, 主送, 署名/日期."""
    paras = [el for kind, el, _ in blocks(document) if kind == "p"]
    found: dict = {"paras": paras}
    texts = [text_of(p).strip() for p in paras]
    found["docno"] = next((i for i, t in enumerate(texts) if DOC_NUMBER.match(t)), None)
    found["issuer"] = next((i for i in range(found["docno"] or 0) if texts[i]), None)
    start = (found["docno"] or 0) + 1
    found["title"] = next((i for i in range(start, len(texts)) if texts[i]), None)
    found["addressee"] = next((i for i in range(start, len(texts)) if texts[i].endswith("：")), None)
    found["date"] = next((i for i, t in enumerate(texts) if CN_DATE.match(t)), None)
    return found


def check_masthead(document, styles: Styles, out: list[str]) -> None:
    m = find_masthead(document, styles)
    paras = m["paras"]
    if m["docno"] is None:
        out.append("masthead.docno: no 发文字号 like 郏信用办〔2026〕15号")
        return
    if m["issuer"] is None:
        out.append("masthead.issuer: no 发文机关标志 above the 发文字号")
    else:
        issuer = styles.paragraph(paras[m["issuer"]])
        if issuer.get("color") not in ("FF0000", "C00000") or family(issuer.get("eastAsia")) != "小标宋":
            out.append(f"masthead.issuer: not red 小标宋 ({issuer.get('color')}, {issuer.get('eastAsia')})")
        if _jc(document, styles, paras[m["issuer"]]) != "center":
            out.append("masthead.issuer: not centred")
    docno = paras[m["docno"]]
    border = _effective_ppr(styles, docno, "pBdr")
    bottom = border.find(qn("w:bottom")) if border is not None else None
    if bottom is None or bottom.get(qn("w:color")) != "FF0000":
        out.append("masthead.separator: no red rule under the 发文字号")
    elif int(bottom.get(qn("w:space"), "0")) not in range(10, 13):
        out.append("masthead.separator: the red rule is not 4 mm under the 发文字号")
    if _para_font(styles, docno) != ("仿宋", BODY_PT):
        out.append("masthead.docno: 发文字号 not 3号仿宋")
    if m["title"] is None:
        out.append("title: no title")
    else:
        title = styles.paragraph(paras[m["title"]])
        if family(title.get("eastAsia")) != "小标宋" or title.get("size") != TITLE_PT or title.get("bold"):
            out.append(f"title.format: title not 2号小标宋 without bold ({title})")
        if _jc(document, styles, paras[m["title"]]) != "center":
            out.append("title.format: title not centred")
    if m["addressee"] is None:
        out.append("addressee: no 主送机关 ending with a full-width colon")
    if m["date"] is None:
        out.append("date: no 成文日期 like 2026年11月26日")


def _effective_ppr(styles: Styles, p, tag: str):
    ppr = p.find(qn("w:pPr"))
    el = ppr.find(qn(f"w:{tag}")) if ppr is not None else None
    if el is not None:
        return el
    for style in reversed(styles.chain(styles.paragraph_style(p))):
        sppr = style.find(qn("w:pPr"))
        if sppr is not None and sppr.find(qn(f"w:{tag}")) is not None:
            return sppr.find(qn(f"w:{tag}"))
    return None


def _jc(document, styles: Styles, p) -> str | None:
    jc = _effective_ppr(styles, p, "jc")
    return jc.get(qn("w:val")) if jc is not None else None


def check_body(document, styles: Styles, out: list[str]) -> None:
    """Body paragraphs between the 主送机关 and the 成文日期: 3号仿宋, headings 黑体 / 楷体, black text."""
    m = find_masthead(document, styles)
    if m["addressee"] is None or m["date"] is None:
        return
    heads = {1: 0, 2: 0}
    for p in m["paras"][m["addressee"] + 1:m["date"]]:
        text = text_of(p).strip()
        if not text:
            continue
        runs = [r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]
        first = styles.run(runs[0], p)
        for r in runs:
            colour = styles.run(r, p).get("color")
            if colour not in (None, "AUTO", "000000"):
                out.append(f"text.color: body text in colour {colour}: {text[:20]}")
        level = 1 if HEAD1.match(text) else 2 if HEAD2.match(text) else 0
        want = {1: "黑体", 2: "楷体", 0: "仿宋"}[level]
        if level:
            heads[level] += 1
        if text.startswith(("表", "附件")) or styles.paragraph_style(p) == "GWCaption":
            continue
        if (family(first.get("eastAsia")), first.get("size")) != (want, BODY_PT):
            out.append(f"heading.l{level}" if level else "body.font")
            out[-1] += f": 「{text[:16]}」 is {first.get('eastAsia')} {first.get('size')} pt, want 3号{want}"
        if level == 2 and "。" in text[:-1]:
            rest = [r for r in runs if styles.run(r, p) is not first and family(styles.run(r, p).get("eastAsia")) == "仿宋"]
            if not rest:
                out.append(f"heading.l2: inline heading 「{text[:16]}」 has no 仿宋 text after its 。")
    if not heads[1]:
        out.append("heading.l1: no 一、 headings in the body")


def check_closing(document, styles: Styles, out: list[str]) -> None:
    m = find_masthead(document, styles)
    if m["date"] is None:
        return
    paras = m["paras"]
    date_p, sig_p = paras[m["date"]], paras[m["date"] - 1]
    if not text_of(sig_p).strip():
        out.append("signature: no 发文机关署名 directly above the 成文日期")
    if _para_font(styles, date_p) != ("仿宋", BODY_PT):
        out.append("date.layout: 成文日期 not 3号仿宋")


def check_imprint(document, styles: Styles, out: list[str]) -> None:
    """The 版记: 抄送 and 印发 lines in 4号仿宋 between black rules as wide as the 版心."""
    lines = []
    for part in [document.element.body] + [s.footer._element for s in document.sections[-1:]]:
        for p in part.iter(qn("w:p")):
            text = text_of(p).strip()
            if text.startswith("抄送：") or re.search(r"\d{4}年[1-9]\d?月[1-9]\d?日印发$", text):
                lines.append((p, text))
    if not any(t.endswith("印发") for _, t in lines):
        out.append("imprint: no 印发机关和印发日期 line")
        return
    for p, text in lines:
        if _para_font(styles, p) != ("仿宋", SMALL_PT):
            out.append(f"imprint: 「{text[:12]}」 not 4号仿宋")
        if text.startswith("抄送：") and not text.endswith("。"):
            out.append("imprint: the 抄送 line does not end with 。")
    last = lines[-1][0]
    tbl = next(last.iterancestors(qn("w:tbl")), None)
    if tbl is None:
        out.append("imprint: the 版记 lines are not ruled (no table)")
        return
    borders = tbl.find(qn("w:tblPr") + "/" + qn("w:tblBorders"))
    sizes = {side: borders.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "bottom", "insideH")} \
        if borders is not None else {}
    if sizes != {"top": "8", "bottom": "8", "insideH": "6"}:
        out.append(f"imprint: rules not thick-thin-thick (0.35/0.25 mm): {sizes}")
    width = int(tbl.find(qn("w:tblPr") + "/" + qn("w:tblW")).get(qn("w:w"))) * MM_PER_TWIP
    if abs(width - TYPE_AREA_MM[0]) > TOLERANCE_MM:
        out.append(f"imprint: rules {width:.1f} mm wide, not the 156 mm 版心")


def check_page_numbers(document, styles: Styles, out: list[str]) -> None:
    if not document.settings.odd_and_even_pages_header_footer:
        out.append("footer.odd_even: no separate odd and even page footers")
    for n, s in enumerate(document.sections, 1):
        if s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE:
            continue  # its numbers are placed where the portrait pages have them (checked by the tests)
        for footer, side in ((s.footer, "right"), (s.even_page_footer, "left")):
            numbered = [p for p in footer._element.iter(qn("w:p"))
                        if any((i.text or "").strip() == "PAGE" for i in p.iter(qn("w:instrText")))]
            if not numbered:
                out.append(f"footer.page_field: section {n} {side}-side footer has no PAGE field")
                continue
            p = numbered[0]
            shown = "".join(t.text or "" if t.tag == qn("w:t") else "{PAGE}" for t in p.iter(qn("w:t"), qn("w:instrText")))
            shown = re.sub(r"\{PAGE\}\d*", "{PAGE}", shown)
            if not re.fullmatch(r"— \{PAGE\} —", shown.strip()):
                out.append(f"footer.page_style: section {n} page number reads 「{shown}」, want 「— 1 —」")
            if _jc(document, styles, p) != side:
                out.append(f"footer.odd_even: section {n} page number not on the {side}")
            ind = _effective_ppr(styles, p, "ind")
            if ind is None or abs(int(ind.get(qn(f"w:{side}"), "0")) - SMALL_PT * 20) > 20:
                out.append(f"footer.odd_even: section {n} page number not one 4号 character in from the {side}")
            for r in p.iter(qn("w:r")):
                props = styles.run(r, p)
                if family(props.get("ascii")) != "宋体" or props.get("size") != SMALL_PT:
                    out.append(f"footer.page_font: section {n} page number not 4号宋体 ({props})")
                    break


def check_tables(document, styles: Styles, out: list[str]) -> None:
    sections = document.sections
    for n, (kind, el, sec) in enumerate(blocks(document)):
        if kind != "tbl" or "印发" in "".join(t.text or "" for t in el.iter(qn("w:t"))):
            continue
        s = sections[min(sec, len(sections) - 1)]
        limit = TYPE_AREA_MM[1] if s.page_width > s.page_height else TYPE_AREA_MM[0]
        grid = sum(int(c.get(qn("w:w"))) for c in el.iter(qn("w:gridCol"))) * MM_PER_TWIP
        width = el.find(qn("w:tblPr") + "/" + qn("w:tblW"))
        stated = int(width.get(qn("w:w"))) * MM_PER_TWIP if width is not None and width.get(qn("w:type")) == "dxa" else 0
        if max(grid, stated) > limit + 0.5:
            out.append(f"tables.width: a table is {max(grid, stated):.1f} mm wide, the 版心 {limit:.0f} mm")
        rows = el.findall(qn("w:tr"))
        if len(rows) >= 2 and rows[0].find(qn("w:trPr") + "/" + qn("w:tblHeader")) is None:
            out.append("tables.header: a data table's first row is not a repeated header row")


CHECKS = (check_pages, check_grid, check_fonts, check_masthead, check_body, check_closing, check_imprint,
          check_page_numbers, check_tables)


def problems(path: Path) -> list[str]:
    document = docx.Document(str(path))
    styles = Styles(document)
    out: list[str] = []
    check_pages(document, out)
    for check in CHECKS[1:]:
        check(document, styles, out)
    return out


def assert_gongwen(path: Path) -> None:
    found = problems(path)
    assert not found, "GB/T 9704 problems:\n" + "\n".join(found)


def shared_checker(path: Path) -> subprocess.CompletedProcess | None:
    """The shared checker's verdict when ../shared is beside the repository, else None."""
    if not SHARED_CHECKER.is_file():
        return None
    return subprocess.run([sys.executable, str(SHARED_CHECKER), str(path)], capture_output=True, text=True, timeout=120)
