"""Each test's own project folder: config.yaml copied into the test's tmp_path, so every relative path in it
(inbox, outbox, data/, corrections/, logs/) resolves inside the temporary folder, never in the working copy."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_current: Path | None = None
_shared: Path | None = None


def make_project(folder: Path) -> Path:
    """A project folder with the repository's config.yaml and an empty inbox; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "config.yaml", folder / "config.yaml")
    (folder / "inbox").mkdir(exist_ok=True)
    return folder / "config.yaml"


def use(config: Path | None) -> None:
    global _current
    _current = config


def config_path() -> Path:
    """The current test's copy of config.yaml (set up by the autouse fixture in conftest)."""
    global _shared
    if _current is not None:
        return _current
    if _shared is None:  # a module- or session-scoped fixture: one shared temporary project, removed at exit
        folder = Path(tempfile.mkdtemp(prefix="pipeline-tests-"))
        atexit.register(shutil.rmtree, folder, True)
        _shared = make_project(folder)
    return _shared
