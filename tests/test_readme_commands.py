"""The README's demo command, then every everyday command in the order the README lists them, run as written
in a fresh project folder (config.yaml and examples/ copied; no ../shared)."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

from tests.workspace import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(after: str) -> list[str]:
    return re.findall(r"```\n(.*?)```", README.split(after, 1)[1], re.S)


def _commands() -> list[str]:
    demo = next(part.strip() for part in _blocks("## 两条命令")[0].split("&&") if "pipeline run" in part)
    everyday = [line.split("  #")[0].strip() for line in _blocks("## 日常使用")[0].splitlines()]
    return [demo] + [c for c in everyday if c]


def test_readme_commands_work_in_the_order_listed(tmp_path):
    project = tmp_path / "clone"
    project.mkdir()
    shutil.copy2(ROOT / "config.yaml", project / "config.yaml")
    shutil.copytree(ROOT / "examples", project / "examples")
    (project / "inbox").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    commands = _commands()
    assert len(commands) >= 7 and "rollback" in commands[-1]
    for command in commands:
        argv = shlex.split(command)
        argv[0] = sys.executable  # `python` / `.venv/bin/python`
        done = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, encoding="utf-8",
                              timeout=600)
        if argv[3] == "run" and "--inbox" not in argv:  # the inbox is empty here: said plainly, exit 1
            assert done.returncode == 1 and "收件箱为空" in done.stderr, (command, done.stderr)
            continue
        assert done.returncode == 0, (command, done.stdout, done.stderr)
