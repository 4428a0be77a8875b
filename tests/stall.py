"""Run `python -m pipeline …` and wait at one stage, for the kill tests (tests/test_resilience.py).

    python tests/stall.py <stage> <pipeline arguments…>

The stages (intake, merge, outputs, commit, archive) are the boundaries between the run's steps. This launcher
wraps the function that starts or ends each step, so the run logs `测试暂停点：<stage>` and waits for a line on
standard input (or its end) exactly there; the pipeline itself carries no test hook."""
from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MARK = "测试暂停点"
log = logging.getLogger("pipeline.run")


def pause(stage: str) -> None:
    log.warning("%s：%s", MARK, stage)
    sys.stdin.readline()


def before(owner, name: str, stage: str, when=lambda *a, **k: True) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if when(*args, **kwargs):
            pause(stage)
        return original(*args, **kwargs)
    setattr(owner, name, wrapper)


def after(owner, name: str, stage: str, when=lambda *a, **k: True) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            pause(stage)
        return result
    setattr(owner, name, wrapper)


def install(stage: str) -> None:
    import pipeline.run as run
    from pipeline.merge import match
    from pipeline.outputs import tables
    from pipeline.runtime import archive, workspace

    moved = []
    hooks = {
        "intake": lambda: before(run, "split_accepted", stage),           # every file listed and read
        "merge": lambda: after(match, "merge_rows", stage),               # items merged, nothing written
        "outputs": lambda: after(tables, "write_csv", stage,              # ledger.csv written into the .partial
                                 when=lambda frame, path, *a, **k: Path(path).name == "ledger.csv"),
        "commit": lambda: before(workspace.RunFolder, "commit", stage),   # database committed, folder not in place
        "archive": lambda: before(archive, "free_name", stage,            # one input moved, the others not yet
                                  when=lambda *a, **k: moved.append(1) or len(moved) == 2),
    }
    hooks[stage]()


if __name__ == "__main__":
    install(sys.argv[1])
    from pipeline.cli import main

    sys.exit(main(sys.argv[2:]))
