"""The run folder is written under a temporary name and swapped into place only at the end."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path


class RunFolder:
    """outbox/.<period>.partial while writing; commit() keeps the previous folder aside as
    outbox/.<period>.previous-<timestamp> and renames the new one to outbox/<period>."""

    def __init__(self, final: Path):
        self.final = final
        self.tmp = final.parent / f".{final.name}.partial"
        clean_leftovers(final.parent)
        self.tmp.mkdir(parents=True)

    def commit(self) -> Path:
        if self.final.exists():
            aside = self.final.parent / f".{self.final.name}.previous-{time.strftime('%Y%m%d-%H%M%S')}"
            os.replace(self.final, aside)
        os.replace(self.tmp, self.final)
        return self.final


def clean_leftovers(outbox: Path) -> list[Path]:
    """Remove the half-written folders a killed run left behind (never a finished one)."""
    removed = []
    for path in outbox.glob(".*.partial"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
