"""One run context: config, as-of date, period, paths and the clock, injected everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline.core.config import Config


def wall_clock() -> datetime:
    """The time now: the one place the package reads the clock. A command reads it once (cli.main) and hands
    it down, as RunContext.now for a run; a function called without a time of its own falls back to this."""
    return datetime.now()


def period_of(as_of: date) -> str:
    """The reporting period: the ISO week of the as-of date, e.g. 2026-W48."""
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class RunContext:
    config: Config
    as_of: date
    now: datetime = field(default_factory=wall_clock)  # the run's clock: every time the run writes down

    @property
    def period(self) -> str:
        return period_of(self.as_of)

    def path(self, name: str) -> Path:
        return self.config.paths[name]

    @property
    def run_dir(self) -> Path:
        return self.path("outbox") / self.period
