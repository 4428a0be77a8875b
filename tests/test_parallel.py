"""Feedback workbooks written by worker processes are the same as those written one by one."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from tests.synth import generate_inbox, write_synth_config
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


def cells(path: Path) -> list[list]:
    wb = openpyxl.load_workbook(path)
    return [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]


def test_parallel_feedback_equals_serial_feedback(tmp_path):
    config = load_config(config_path())
    truth = generate_inbox(tmp_path / "inbox", config, departments=52, rows_per_file=2, seed=3)
    outputs = {}
    for workers in (1, 2):
        path = write_synth_config(config, truth.departments, tmp_path / f"config{workers}.yaml")
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["run"]["feedback_workers"] = workers
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        out = tmp_path / f"out{workers}"
        assert main(["run", "--config", str(path), "--inbox", str(tmp_path / "inbox"), "--outbox", str(out),
                     "--db", str(out / "db.sqlite"), "--as-of", "2026-11-26"]) == 0
        outputs[workers] = sorted((out / "2026-W48" / "feedback").glob("*.xlsx"))
    serial, parallel = outputs[1], outputs[2]
    assert [p.name for p in serial] == [p.name for p in parallel] and len(serial) >= 52
    for a, b in list(zip(serial, parallel))[:5]:
        assert cells(a) == cells(b)
