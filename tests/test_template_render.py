"""The template opens in a real spreadsheet program: LibreOffice converts it to PDF.

The workbook always has to open with openpyxl; where LibreOffice is installed it must also convert.
The test is never skipped.
"""
import shutil
import subprocess
from pathlib import Path

import openpyxl

from pipeline.core.config import load_config
from pipeline.template import GUIDE_SHEET, LISTS_SHEET, write_template
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


def test_template_opens_in_libreoffice_or_at_least_in_openpyxl(tmp_path):
    config = load_config(config_path())
    path = write_template(tmp_path / "模板.xlsx", config, "县财政局")  # no items: the blank ledger
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [config.ledger.sheet_name, GUIDE_SHEET, LISTS_SHEET]
    soffice = shutil.which("soffice")
    if soffice:
        profile = (tmp_path / "profile").as_uri()
        done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                               "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                              capture_output=True, timeout=180)
        pdf = tmp_path / "模板.pdf"
        assert done.returncode == 0 and pdf.is_file(), done.stderr.decode(errors="replace")
        assert pdf.read_bytes()[:5] == b"%PDF-"
        # the blank ledger on one A3 page, the 填表说明 on one A4 page; the hidden list sheet is not printed
        assert _pages(pdf) == 2, "the 填表说明 must fit its page"


def _pages(pdf: Path) -> int:
    from pdfminer.high_level import extract_pages

    return sum(1 for _ in extract_pages(str(pdf)))
