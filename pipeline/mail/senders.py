"""Intake's mail findings: a file that came by mail knows the department whose mailbox sent it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.names import MAIL_INDEX


def sender_findings(files: list, inbox: Path) -> pd.DataFrame:
    """Fill each file's `sender_department`; when it and the 填报单位 disagree, the 填报单位 wins (a 提醒)."""
    if not any((folder / MAIL_INDEX).exists() for folder in {inbox, *(sf.path.parent for sf in files)}):
        for sf in files:  # no mail record anywhere: nothing came by mail (and the mail module stays unloaded)
            sf.sender_department = None
        return fnd.table([])
    from pipeline.mail.mailbox import sender_department

    out = []
    for sf in files:
        sf.sender_department = sender_department(sf.path, inbox)
        if sf.department and sf.sender_department and sf.sender_department != sf.department:
            out.append(
                fnd.make(
                    "sender_mismatch",
                    file=sf.name,
                    department=sf.department,
                    value=sf.department,
                    detail=sf.sender_department,
                )
            )
    return fnd.table(out)
