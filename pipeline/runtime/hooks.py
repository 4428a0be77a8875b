"""The test hook (tests/test_resilience.py): with PIPELINE_STALL_AT=<stage> the run waits at that stage
(intake, merge, outputs, commit, archive) so a test can kill it exactly there. Unset in real use."""
from __future__ import annotations

import logging
import os
import sys

STALL_ENV = "PIPELINE_STALL_AT"
log = logging.getLogger(__name__)


def stall(stage: str) -> None:
    """Log the stage reached, then wait for a line on standard input (or its end)."""
    if os.environ.get(STALL_ENV) == stage:
        log.warning("测试暂停点：%s", stage)
        if sys.stdin:
            sys.stdin.readline()
