"""郏县政务失信问题排查整治台账 pipeline: intake → validate → classify → merge → store → reports."""

__version__ = "0.1.0"
