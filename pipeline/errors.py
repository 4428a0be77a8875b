"""Exceptions that carry their exit status; only the command line turns them into exits."""
from __future__ import annotations


class PipelineError(Exception):
    exit_code = 1

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class ConfigError(PipelineError):
    """A broken config.yaml or a bad option: exit 2, one Chinese line per problem."""
    exit_code = 2


class UsageError(PipelineError):
    exit_code = 2


class RunError(PipelineError):
    """The run could not complete (including another run holding the lock): exit 1."""
    exit_code = 1
