"""Every command has help, and the README shows every command."""
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["run", "template", "check", "history", "restore", "fetch-mail", "release", "remind"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and out.startswith("用法：") and "显示本帮助并退出" in out


def test_readme_shows_every_command_and_both_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"python -m pipeline {command}" in readme, command
    assert "pip install -e . && .venv/bin/python -m pipeline run --inbox examples" in readme
    assert 'pip install -e ".[test]" && .venv/bin/python -m pytest' in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -e ".[test]"' in ci and "python -m pytest" in ci
