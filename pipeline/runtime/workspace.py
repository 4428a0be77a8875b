"""The run folder is written under a temporary name and swapped into place only at the end."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

from pipeline.core.context import wall_clock

PERIOD_FOLDER = re.compile(r"\d{4}-W\d{2}")
LOCK_NAME = ".run.lock"


class RunFolder:
    """outbox/.<period>.partial while writing; commit() keeps the previous folder aside as
    outbox/.<period>.previous-<timestamp> (the last `keep_previous` of them) and renames the new
    one to outbox/<period>."""

    def __init__(self, final: Path, keep_previous: int = 3, now: datetime | None = None):
        self.final = final
        self.now = now  # the run's clock: the time in the previous folder's name (None: the clock at commit)
        self.tmp = final.parent / f".{final.name}.partial"
        self.keep_previous = keep_previous
        clean_leftovers(final.parent)
        self.tmp.mkdir(parents=True)

    def abandon(self) -> None:
        """A failed run: its half-written folder goes at once (on a full disk, the space it took comes back)."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def commit(self) -> Path:
        if self.final.exists():
            os.replace(self.final, _aside_name(self.final, self.now or wall_clock()))
        os.replace(self.tmp, self.final)
        prune_previous(self.final, self.keep_previous)
        return self.final


def outbox_lock(outbox: Path) -> Path:
    """The outbox's run lock: a run removes other runs' half-written folders, so one outbox, one run."""
    return Path(outbox) / LOCK_NAME


def finished_periods(outbox: Path) -> list[str]:
    """The periods with a finished run folder (`<outbox>/<period>/run.json`), sorted."""
    if not Path(outbox).is_dir():
        return []
    return sorted(
        p.name for p in Path(outbox).iterdir() if PERIOD_FOLDER.fullmatch(p.name) and (p / "run.json").is_file()
    )


def previous_folders(final: Path) -> list[Path]:
    """The folders a period's reruns kept aside, oldest first (the timestamps sort as text)."""
    return sorted(p for p in final.parent.glob(f".{final.name}.previous-*") if p.is_dir())


def prune_previous(final: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` kept-aside folders of the period."""
    folders = previous_folders(final)
    doomed = folders[: max(len(folders) - max(keep, 0), 0)]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed


def clean_leftovers(outbox: Path) -> list[Path]:
    """Remove the half-written folders a killed run left behind (never a finished one)."""
    removed = []
    for path in outbox.glob(".*.partial"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _aside_name(final: Path, now: datetime) -> Path:
    """A name no earlier folder has: two reruns within one second must not collide."""
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    path = final.parent / f".{final.name}.previous-{stamp}"
    n = 1
    while path.exists():
        path = final.parent / f".{final.name}.previous-{stamp}-{n}"
        n += 1
    return path
