"""The inbox after a run: inputs archived or quarantined per period, and given back by a rollback.
Nothing an office gave is ever deleted (only the run's own 原因 notes, on a rollback); a name already taken
gets a number."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime
from pathlib import Path

from pipeline.core.names import fit_name, numbered, with_extra
from pipeline.intake.files import REASON_NOTE


def archive_inputs(inbox: Path, archive: Path, quarantine: Path, files: list) -> list[str]:
    """After the commit: inbox files go to `archive`, rejected ones to `quarantine` with a text file giving
    the reason (both folders are the period's); a locked file, or one replaced since it was read, stays
    where it is for the next run."""
    inbox = inbox.resolve()
    moved = {"archive": 0, "quarantine": 0}
    for sf in files:
        locked = sf.reason_code == "file_locked" or sf.name.startswith("~$")  # held by Excel: leave it where it is
        if sf.path.parent.resolve() != inbox or locked or not _unchanged(sf):
            continue
        kind = "quarantine" if sf.disposition == "rejected" else "archive"
        target = free_name((quarantine if kind == "quarantine" else archive) / fit_name(sf.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(sf.path), str(target))  # a symlink moves as the link, never as what it points at
        if kind == "quarantine":
            note = target.with_name(with_extra(target.name, REASON_NOTE))
            note.write_text(f"{sf.name}：{sf.reason}\n", encoding="utf-8")
        moved[kind] += 1
    return [f"已将 {moved['archive']} 个来件移入 {archive}，{moved['quarantine']} 个无法读取的来件移入 {quarantine}"]


def _unchanged(sf) -> bool:
    """The file still holds the bytes this run read (a department may have sent a new version meanwhile)."""
    if sf.path.is_symlink():  # never read through: the link itself is what was listed
        return not sf.sha256 and sf.path.lstat().st_size == sf.size
    try:
        data = sf.path.read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == sf.sha256 if sf.sha256 else len(data) == sf.size


def set_aside(outbox: Path, period: str, now: datetime) -> Path | None:
    """A rolled-back period's run folder renamed to outbox/.<period>.rolled-back-<time>."""
    folder = outbox / period
    if not folder.is_dir():
        return None
    aside = free_name(outbox / f".{period}.rolled-back-{now:%Y%m%d-%H%M%S}")
    os.replace(folder, aside)
    return aside


def return_archived(archived: Path, inbox: Path, quarantined: Path | None = None) -> list[Path]:
    """The files a period archived, and those it quarantined as unreadable, moved back into the inbox, as they
    were before the run; only the run's own 原因 notes beside the quarantined files go. Files held from
    unregistered mail senders (quarantine/held/) were never the run's: they stay held."""
    returned = []
    for folder in (archived, quarantined):
        if folder is None or not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            if folder == quarantined and f.name.endswith(REASON_NOTE) and f.is_file():
                f.unlink()
            elif f.is_file() or f.is_symlink():
                target = free_name(inbox / f.name)
                shutil.move(str(f), str(target))
                returned.append(target)
    return returned


def free_name(path: Path) -> Path:
    n, candidate = 1, path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(numbered(path.name, n))
        n += 1
    return candidate
