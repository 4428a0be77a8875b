"""Item 10 of issue 13: control characters typed or pasted into a ledger never reach ledger.csv or the database."""
from __future__ import annotations

import re
import sqlite3

from pipeline.core.config import load_config
from pipeline.core.text import printable
from tests.ledgerfiles import write_ledger
from tests.test_resilience import P48, W48, make_office, run

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def test_printable_keeps_tab_and_newline_and_drops_every_other_control_character():
    assert printable("甲\x00乙\x07丙\x1b[31m丁\t戊\n己\r\n庚\r辛\x7f") == "甲乙丙[31m丁\t戊\n己\n庚\n辛"
    assert printable("普通文字") == "普通文字"


def test_control_characters_are_removed_from_ledger_csv_and_the_database(tmp_path):
    base = make_office(tmp_path)
    config = load_config(base / "config.yaml")
    rows = [{"category": "B1", "company": "郏县\x07宏达\x1b建筑有限公司", "amount": 86, "status": "整改中",
             "description": "工程尾款\x00至今\x0b未支付\x1f\x7f，另有\t说明"}]
    write_ledger(base / "inbox" / "住建局台账.xlsx", config, "住建局", rows)

    assert run(base, W48) == 0

    text = (base / "outbox" / P48 / "ledger.csv").read_text(encoding="utf-8-sig")
    assert "郏县宏达建筑有限公司" in text and "工程尾款至今" in text
    assert not CONTROL.search(text)
    db = sqlite3.connect(base / "ledger.sqlite")
    try:
        cells = [v for table in ("snapshots", "files") for row in db.execute(f"SELECT * FROM {table}")
                 for v in row if isinstance(v, str)]
    finally:
        db.close()
    assert any("郏县宏达建筑有限公司" in v for v in cells)
    assert not [v for v in cells if CONTROL.search(v)]
