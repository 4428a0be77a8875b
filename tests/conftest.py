"""Every test works in its own temporary project folder; the session fails if the working copy changed."""
from __future__ import annotations

import subprocess

import pytest

from tests import workspace

# untracked-but-ignored files the tooling itself makes; anything else appearing means a test wrote here
_TOOLING = (".venv/", ".pytest_cache/", "__pycache__/", ".egg-info/", ".hypothesis/")


def _status() -> set[str] | None:
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                              cwd=workspace.ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode:
        return None
    return {line for line in done.stdout.splitlines() if not any(t in line for t in _TOOLING)}


@pytest.fixture(autouse=True)
def project(tmp_path_factory):
    """The test's own copy of config.yaml in a fresh folder (tests/workspace.config_path())."""
    config = workspace.make_project(tmp_path_factory.mktemp("project"))
    workspace.use(config)
    yield config
    workspace.use(None)


@pytest.fixture(scope="session", autouse=True)
def working_copy_untouched():
    before = _status()
    yield
    after = _status()
    if before is not None and after is not None and after != before:
        changed = sorted(after ^ before)
        pytest.fail("测试改动了工作副本（git status 变化）：" + "; ".join(changed[:20]), pytrace=False)


def pytest_collection_modifyitems(items):
    """Tests that start another Python process are `slow`: `pytest -m "not slow"` runs the fast ones alone."""
    import inspect

    for item in items:
        fn = getattr(item, "function", None)
        try:
            source = inspect.getsource(fn) if fn else ""
        except (OSError, TypeError):
            source = ""
        if "subprocess" in source or "sys.executable" in source:
            item.add_marker(pytest.mark.slow)
