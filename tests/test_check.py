"""`check` prints the findings `run` would give and changes nothing; its exit status says whether a file has a 错误."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.ledgerfiles import write_ledger
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"category": "B5", "company": "郏县永盛粮油有限公司", "description": "粮食仓储补贴因财政资金紧张未拨付",
        "amount": 30, "status": "整改中", "deadline": date(2027, 3, 31)}


def check(*files: Path) -> int:
    return main(["check", *map(str, files), "--config", str(config_path())])


def test_clean_file_exits_0_and_says_so(tmp_path, capsys):
    path = write_ledger(tmp_path / "财政局.xlsx", load_config(config_path()), "县财政局", [GOOD])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert check(path) == 0
    out = capsys.readouterr().out
    assert "县财政局" in out and "未发现问题" in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir()] == ["财政局.xlsx"]


def test_file_with_an_error_exits_1_and_names_row_column_value_and_fix(tmp_path, capsys):
    bad = {**GOOD, "deadline": "年底前"}
    path = write_ledger(tmp_path / "财政局.xlsx", load_config(config_path()), "县财政局", [GOOD, bad])
    assert check(path) == 1
    assert "第5行“整改时限”：“年底前”不是有效日期，请填写如 2021-12-31" in capsys.readouterr().out


def test_unreadable_file_exits_1_and_missing_file_is_usage_2(tmp_path, capsys):
    broken = tmp_path / "县财政局台账.xlsx"
    broken.write_bytes(b"not a workbook")
    assert check(broken) == 1
    assert check(tmp_path / "none.xlsx") == 2
    assert "找不到文件" in capsys.readouterr().err


def test_console_that_cannot_show_chinese_never_crashes(tmp_path):
    import os
    import subprocess
    import sys

    path = write_ledger(tmp_path / "财政局.xlsx", load_config(config_path()), "县财政局", [{**GOOD, "deadline": "年底前"}])
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "check", str(path), "--config", str(config_path())],
                          capture_output=True, env=env, cwd=ROOT)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"?" in done.stdout  # characters the console cannot show are replaced, not fatal
