"""Everything a person reads is Chinese: argparse's own errors, YAML syntax errors, config ranges."""
from __future__ import annotations

import re

import pytest
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.core.errors import ConfigError
from tests.workspace import config_path

ENGLISH = re.compile(r"[A-Za-z]{4,}")
ALLOWED = {"python", "pipeline", "config", "yaml", "inbox", "outbox", "files", "item_id", "help", "rollback",
           "history", "template", "check", "restore", "fetch", "mail", "release", "remind", "number", "department",
           "output", "bogus", "frob", "YAML"}


def _words(text: str) -> set[str]:
    return {w for w in ENGLISH.findall(text) if w.lower() not in {a.lower() for a in ALLOWED}}


@pytest.mark.parametrize("argv, said", [
    (["check"], "缺少必填参数：files"),
    (["frob"], "命令“frob”无效"),
    (["run", "--bogus"], "无法识别的参数：--bogus"),
    (["run", "--doc-number", "x"], "应为整数"),
    (["run", "--as-of"], "后面需要填一个值"),
])
def test_argparse_errors_are_chinese(argv, said, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert said in err and not _words(err.split("：", 1)[1]), err


@pytest.mark.parametrize("text, line, said", [
    ("paths:\n  inbox: inbox\n outbox: x\n", 3, "缩进"),
    ("version: 1\n\tpaths: x\n", 2, "制表符"),
    ("version: 1\npaths x\nrun: 1\n", 2, "缺少冒号"),
    ("version: 1\nzero_report_phrases: [无, 没有\nrun: 3\n", 2, "方括号"),
    ("version: 1\nrun: {a: 1\nx: 2\n", 2, "花括号"),
])
def test_yaml_syntax_errors_are_chinese_with_the_right_line(tmp_path, text, line, said):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = info.value.lines[0]
    assert f"第{line}行" in message and said in message, message
    assert not _words(message), message


def test_outside_the_project_folder_says_to_use_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["history", "JX-2026-0001"]) == 2
    assert "--config" in capsys.readouterr().err


@pytest.mark.parametrize("section, key, value", [
    ("mapping", "min_score", 120), ("merge", "same_item_score", -5), ("classification", "fuzzy_threshold", 101),
    ("run", "keep_db_backups", -1), ("intake", "max_workers", 0), ("classification", "min_margin", -2),
])
def test_config_values_out_of_range_exit_2_at_start(tmp_path, capsys, section, key, value):
    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    raw[section][key] = value
    if key == "same_item_score":
        raw["merge"]["suspect_score"] = -10
    path = config_path().parent / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["run", "--config", str(path), "--inbox", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{section}.{key}" in err and str(value) in err


def test_check_on_an_editor_lock_file_exits_0(tmp_path, capsys):
    lock = tmp_path / "~$财政局.xlsx"
    lock.write_bytes(b"\x00" * 162)
    assert main(["check", str(lock), "--config", str(config_path())]) == 0
    assert "~$财政局.xlsx" in capsys.readouterr().out


def test_history_prints_yes_no_and_one_source_row_per_line(tmp_path, capsys):
    from pipeline.core.config import load_config as load
    from tests.ledgerfiles import write_ledger
    from tests.test_resilience import GOOD_ROWS, W47, cli_args, make_office

    base = make_office(tmp_path)
    write_ledger(base / "inbox" / "财政局.xlsx", load(base / "config.yaml"), "县财政局", GOOD_ROWS)
    write_ledger(base / "inbox" / "住建局.xlsx", load(base / "config.yaml"), "县住建局", GOOD_ROWS[:1])
    assert main(cli_args(base, W47)) == 0
    capsys.readouterr()
    assert main(["history", "JX-2026-0001", "--config", str(base / "config.yaml"),
                 "--db", str(base / "ledger.sqlite")]) == 0
    out = capsys.readouterr().out
    assert "逾期：否" in out or "逾期：是" in out
    assert "True" not in out and "False" not in out
    assert not any(len(line) > 160 for line in out.splitlines()), out
