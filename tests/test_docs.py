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


def test_architecture_names_every_module_of_the_tree_and_no_other():
    """docs/architecture.md matches `ls pipeline/`: every module is described, every path it names exists."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = {p.relative_to(ROOT / "pipeline").as_posix() for p in (ROOT / "pipeline").rglob("*.py")
               if p.name != "__init__.py"}
    described = {m for m in modules if f"`{m}`" in text or f"`{m.split('/')[-1]}`" in text
                 or re.search(rf"\b{re.escape(m.split('/')[-1])}\b", text.split("## Modules")[0])}
    assert modules - described == set()
    for path in re.findall(r"`((?:pipeline|tests)/[\w/]+\.py)`", text):
        assert (ROOT / path).exists(), path
    packages = {p.parent.name for p in (ROOT / "pipeline").glob("*/__init__.py")}
    for package in packages:
        assert f"{package}/" in text, package


def test_every_finding_code_of_the_catalogue_is_made_somewhere():
    """A message no code path can produce is dead text a clerk will never see; the catalogue holds none."""
    import re

    from pipeline.core.findings import CATALOGUE

    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "pipeline").rglob("*.py")
                        if p.name != "findings.py")
    named = set(re.findall(r'"([a-z_]+)"', sources))
    assert sorted(code for code in CATALOGUE if code not in named) == []
