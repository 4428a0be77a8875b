"""Shared foundations every stage uses: config, run context, errors, findings, text and value parsers."""
