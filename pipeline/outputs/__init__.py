"""The run's files: run.json manifest, ledger.csv/rejected.csv, feedback workbooks, the xlsx writer."""
