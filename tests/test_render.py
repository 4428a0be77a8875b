"""The 通报 as LibreOffice lays it out: positions read back from the rendered PDF (pdfminer.six).

Skipped only when LibreOffice (soffice) is not installed. Checked on the sample report and on the
week-2 report of the two-week county scenario (tests/scenario.py): the 版记's last rule on the 版心
bottom of the last page, no header broken inside a word, no run of empty lines at the foot of a body
page, and the landscape pages' numbers where the portrait pages have theirs.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.reports.word import convert_pdf, write_report
from tests.test_figures import make_input

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                reason="LibreOffice (soffice) is not installed")

pdfminer = pytest.importorskip("pdfminer.high_level")
from pdfminer.layout import LTChar, LTCurve, LTTextLine  # noqa: E402

PT_PER_MM = 72 / 25.4
TYPE_AREA_BOTTOM = 35 * PT_PER_MM  # the portrait 版心 ends 35 mm above the sheet's bottom edge
LINE = 28.95
GLYPH_TO_LINE_BOTTOM = 6  # pt from the bottom of a 3号 line's glyphs to the bottom of its 28.95 pt line


def render(docx_path: Path) -> Path:
    note = convert_pdf(docx_path, timeout=300)
    pdf = docx_path.with_suffix(".pdf")
    assert pdf.is_file(), note
    return pdf


def _walk(el):
    yield el
    if hasattr(el, "__iter__") and not isinstance(el, LTChar):
        for child in el:
            yield from _walk(child)


class Page:
    def __init__(self, layout):
        self.width, self.height = layout.width, layout.height
        items = list(_walk(layout))
        self.lines = [e for e in items if isinstance(e, LTTextLine) and e.get_text().strip()]
        self.chars = [e for e in items if isinstance(e, LTChar)]
        # horizontal rules as wide as the 版心 (LibreOffice draws table borders as thin paths)
        self.rules = [e for e in items if isinstance(e, LTCurve) and e.height < 2 and abs(e.width - 156 * PT_PER_MM) < 6]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def text(self) -> str:
        return "\n".join(line.get_text().strip() for line in self.lines)


def pages(pdf: Path) -> list[Page]:
    return [Page(p) for p in pdfminer.extract_pages(str(pdf))]


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> list[Page]:
    return pages(render(write_report(tmp_path_factory.mktemp("render") / "通报.docx", make_input())))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from tests.scenario import build

    return build(tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="module")
def scenario_pdf(scenario) -> list[Page]:
    return pages(render(next(scenario.run_dir(2).glob("*.docx"))))


@pytest.fixture(params=["sample", "scenario"])
def rendered(request) -> list[Page]:
    return request.getfixturevalue(f"{request.param}_pdf")


def test_imprint_last_rule_sits_on_the_type_area_bottom_of_the_last_page(rendered):
    last = rendered[-1]
    assert "印发" in last.text() and not last.landscape
    assert not any("印发" in p.text() for p in rendered[:-1])
    bottom = min(r.y0 for r in last.rules)
    assert TYPE_AREA_BOTTOM - 1 <= bottom <= TYPE_AREA_BOTTOM + 5 * PT_PER_MM, (bottom - TYPE_AREA_BOTTOM) / PT_PER_MM


def test_no_header_breaks_inside_a_word(rendered):
    lines = [line.get_text().strip() for p in rendered for line in p.lines]
    lines = [t for t in lines if len(t) <= 8]  # table header lines (body lines are long and may start anywhere)
    assert "（万元）" in lines
    broken = [t for t in lines if t.endswith(("（万", "涉及金", "已兑", "整改状", "问题类", "问题编"))
              or t.startswith(("元）", "万元）", "额", "态", "别"))]
    assert not broken, broken


def test_no_run_of_empty_lines_at_the_foot_of_a_body_page(rendered):
    """Each page of the body before the 署名 page is filled to less than three lines from the 版心
    bottom (two is what widow control and a heading kept with its text may leave)."""
    signature = next(n for n, p in enumerate(rendered) if "附件：" in p.text())
    for n, page in enumerate(rendered[:signature]):
        text = [line for line in page.lines if line.y0 > TYPE_AREA_BOTTOM - 5]  # not the page number
        empty = (min(line.y0 for line in text) - GLYPH_TO_LINE_BOTTOM - TYPE_AREA_BOTTOM) / LINE
        assert empty < 3, f"page {n + 1}: {empty:.1f} lines empty"


def test_landscape_pages_are_numbered_where_the_portrait_pages_are(rendered):
    """Turned with its top to the left, a landscape page shows its number 7 mm below the 版心, one
    character in from the right edge on odd pages and from the left edge on even pages."""
    land = [(n, p) for n, p in enumerate(rendered, 1) if p.landscape]
    assert land
    for number, page in land:
        digits = [c for c in page.chars if c.get_text() == str(number)[-1] and c.x1 < 30 * PT_PER_MM]
        assert digits, f"page {number}: no page number at the left edge"
        mark = [c for c in page.chars if c.get_text() == "—" and c.x1 < 30 * PT_PER_MM]
        top_mm = [(page.height - c.y1) / PT_PER_MM for c in mark]
        end_mm = [(page.height - c.y0) / PT_PER_MM for c in mark]
        assert max(c.x1 for c in mark) / PT_PER_MM == pytest.approx(28, abs=1.5)
        if number % 2:
            assert max(end_mm) == pytest.approx(210 - 26 - 14 / PT_PER_MM, abs=1.5)
        else:
            assert min(top_mm) == pytest.approx(28 + 14 / PT_PER_MM, abs=1.5)


def test_every_open_item_of_the_scenario_is_on_the_appendix_pages(scenario, scenario_pdf):
    import csv
    import re

    with open(scenario.run_dir(2) / "ledger.csv", encoding="utf-8-sig", newline="") as fh:
        open_ = sorted(r["item_id"] for r in csv.DictReader(fh) if r["status"] != "已办结")
    text = "\n".join(p.text() for p in scenario_pdf if p.landscape)
    assert sorted(re.findall(r"JX-\d{4}-\d{4}", text)) == open_ and len(open_) > 200


def test_the_summary_workbook_prints_as_a_clerk_reads_it(scenario):
    """Week 2 of the county scenario, the summary workbook through LibreOffice (issue 10 item 8): every page
    landscape and headed by its sheet's name; each ledger page fitted to the width with the header repeated
    (问题编号 to 标记, the detail columns not printed); 分单位 on one page with its 合计 row; the missing units
    as rows of 报送情况."""
    import json

    run_dir = scenario.run_dir(2)
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    book = render(run_dir / manifest["outputs"]["summary_xlsx"])
    sheets: dict[str, list[Page]] = {}
    for page in pages(book):
        assert page.landscape
        top = max(page.lines, key=lambda line: (line.y1, -line.x0))  # the page header: the sheet's name
        sheets.setdefault(top.get_text().strip(), []).append(page)
    assert list(sheets) == ["汇总", "分单位", "总台账", "本期新增", "本期办结", "逾期问题", "疑似重复", "数据问题", "报送情况"]
    assert len(sheets["总台账"]) > 3
    for name in ("总台账", "本期新增", "本期办结", "逾期问题"):
        for n, page in enumerate(sheets[name], start=1):
            text = page.text()
            assert all(h in text for h in ("问题编号", "企业名称", "上期状态", "本期兑付变化", "标记")), (name, n)
            assert "统一社会信用代码" not in text and "来源行" not in text, (name, n)
    units = sheets["分单位"]
    assert len(units) == 1 and "合计" in units[0].text() and "本期是否报送" in units[0].text()
    chase = sheets["报送情况"][-1].text()
    assert all(unit in chase for unit in manifest["departments"]["missing"]) and "未报送" in chase
    assert "本期无" in sheets["数据问题"][0].text()
