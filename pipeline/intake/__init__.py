"""Intake: inbox files → sheets → mapped columns → raw data rows, with file-level findings."""
