# -*- coding: utf-8 -*-
"""Self-check of blind2: re-read every workbook with openpyxl and check it against answer_key.json."""
import datetime as dt
import json
import os
import sys

import openpyxl
from openpyxl.utils import column_index_from_string

HERE = os.path.dirname(os.path.abspath(__file__))
key = json.load(open(os.path.join(HERE, "answer_key.json"), encoding="utf-8"))
USCC_CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
bad = []


def uscc_ok(s):
    if not isinstance(s, str) or len(s) != 18 or any(c not in USCC_CH for c in s):
        return False
    t = sum(USCC_CH.index(c) * w for c, w in zip(s, W))
    return USCC_CH[(31 - t % 31) % 31] == s[17]


for name, f in key["files"].items():
    path = os.path.join(HERE, "inbox", name)
    assert os.path.exists(path), name
    if f["format"] == "lock":
        continue
    wb = openpyxl.load_workbook(path)
    assert [s["name"] for s in f["sheets"]] == wb.sheetnames, (name, wb.sheetnames)
    for s in f["sheets"]:
        ws = wb[s["name"]]
        if s["role"] == "hidden":
            assert ws.sheet_state == "hidden", (name, s["name"])
        else:
            assert ws.sheet_state == "visible", (name, s["name"])
        if s["role"] == "empty":
            assert ws.max_row == 1 and ws["A1"].value is None
        if s["role"] != "data":
            continue
        leaf = s["header_rows"][-1]
        for cd in s["column_details"]:
            c = column_index_from_string(cd["col"])
            v = ws.cell(leaf, c).value
            if v is None:  # vertically merged from the row above
                v = ws.cell(s["header_rows"][0], c).value
                assert cd["parent"] is None
            else:
                if cd["parent"]:
                    # the parent must be found on the first header row, left of or at this column
                    p = None
                    for cc in range(c, 0, -1):
                        if ws.cell(s["header_rows"][0], cc).value:
                            p = ws.cell(s["header_rows"][0], cc).value
                            break
                    assert p == cd["parent"], (name, cd, p)
            if v != cd["header"]:
                bad.append((name, s["name"], cd["col"], v, cd["header"]))
        assert list(s["columns"]) == [cd["header"] for cd in s["column_details"]], name
        # data rows must hold something besides the 序号
        seq_cols = [column_index_from_string(cd["col"]) for cd in s["column_details"] if cd["key"] == "seq"]
        cols = [column_index_from_string(cd["col"]) for cd in s["column_details"]]
        for r in s["data_row_numbers"]:
            vals = [ws.cell(r, c).value for c in cols if c not in seq_cols]
            assert any(v not in (None, "") for v in vals), (name, s["name"], r)
        # no other row under the header looks like a data row except the listed non-data rows
        skip = set(s["data_row_numbers"]) | set(s.get("footer_rows", [])) | set(s.get("section_rows", []))
        for k in ("numbered_row", "unit_row", "total_row", "zero_row"):
            if s.get(k):
                skip.add(s[k])
        for r in range(leaf + 1, ws.max_row + 1):
            if r in skip:
                continue
            vals = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
            assert all(v in (None, "") for v in vals), (name, s["name"], r, vals)
        # values: uscc validity and amounts
        colkey = {cd["key"]: column_index_from_string(cd["col"]) for cd in s["column_details"] if cd["key"]}
        units = s.get("amount_units", {})
        hdr_of = {cd["key"]: cd["header"] for cd in s["column_details"] if cd["key"]}
        for row in s["rows"]:
            v = row["values"]
            if "uscc" in v and v["uscc"]:
                assert uscc_ok(v["uscc"]) == v["uscc_valid"], (name, row)
                assert ws.cell(row["excel_row"], colkey["uscc"]).value == v["uscc"]
            for k, vk in (("amount", "amount_wan"), ("paid", "paid_wan")):
                if k in colkey and v.get(vk) is not None:
                    cell = ws.cell(row["excel_row"], colkey[k]).value
                    if isinstance(cell, str):
                        num = float(cell.replace("万元", "").replace("元", ""))
                        if cell.endswith("元") and not cell.endswith("万元"):
                            num /= 10000
                    else:
                        num = cell / 10000 if units[hdr_of[k]] == "yuan" else cell
                    assert abs(num - v[vk]) < 1e-6, (name, row["excel_row"], cell, v[vk])
            if "case_no" in colkey:
                assert ws.cell(row["excel_row"], colkey["case_no"]).value == v.get("case_no"), (name, row)
print("checked", len(key["files"]), "files;", "header mismatches:", len(bad))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
