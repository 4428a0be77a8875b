"""Odd file names: every inbox name gets a disposition and names derived from it are safe.

The inbox is built with real names on the file system: GBK bytes (as an archive unzipped on Linux
leaves them), 245-byte names, dot names, control characters and symlinks, beside good ledgers."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from pipeline.core import names
from pipeline.core.config import load_config
from pipeline.intake.files import list_inputs, read_inputs
from tests.ledgerfiles import write_ledger
from tests.test_resilience import GOOD_ROWS, P48, W48, ledger_bytes, make_office, manifest, run, tree
from tests.workspace import config_path

posix_only = pytest.mark.skipif(os.name == "nt", reason="names that are not UTF-8 and symlinks need a POSIX file system")
APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 64
LONG_A = "附" * 79 + "甲" + ".xlsx"   # 245 bytes in UTF-8
LONG_B = "附" * 79 + "乙" + ".xlsx"   # the same first 237 bytes


def rows_for(company: str) -> list[dict]:
    return [{**r, "company": r["company"].replace("郏县", company)} for r in GOOD_ROWS]


def raw_path(folder: Path, raw: bytes) -> Path:
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))


# --- the functions ---------------------------------------------------------------------------------

def test_display_name_reads_gbk_bytes_and_hides_invisible_characters():
    gbk = os.fsdecode("县水利局台账.xlsx".encode("gbk")) if os.name != "nt" else "县水利局台账.xlsx"
    assert names.display_name(gbk) == "县水利局台账.xlsx"
    assert names.display_name("台账\u202excod.xlsx") == "台账_xcod.xlsx"
    assert names.display_name("a\x07b.xlsx") == "a_b.xlsx"
    assert names.display_name("县住建局.xlsx") == "县住建局.xlsx"
    grown = os.fsdecode(("县商务局" + "台账" * 48 + ".xlsx").encode("gbk"))  # 200 bytes in GBK, 300 in UTF-8
    if os.name != "nt":
        shown = names.display_name(grown)
        assert shown.startswith("县商务局台账") and shown.endswith(".xlsx") and len(shown.encode()) <= names.NAME_BYTES


def test_fit_name_keeps_the_extension_and_long_names_apart():
    a, b = names.fit_name(LONG_A, 120), names.fit_name(LONG_B, 120)
    assert a != b and a.endswith(".xlsx") and b.endswith(".xlsx")
    assert len(a.encode("utf-8")) <= 120 and len(b.encode("utf-8")) <= 120
    assert names.fit_name("短名.xlsx", 120) == "短名.xlsx"


def test_output_name_is_safe_on_windows_and_linux():
    made = names.output_name('未识别单位-a/b\\c:d*?"<>|\x00\u202e. ', ".xlsx")
    assert made == "未识别单位-a_b_c_d________.xlsx"


def test_numbered_and_extra_names_fit_the_file_system():
    assert names.numbered("台账.xlsx", 2) == "台账(2).xlsx"
    assert len(names.numbered("长" * 84 + ".xlsx", 12).encode("utf-8")) <= names.NAME_BYTES
    note = names.with_extra(LONG_A, ".原因.txt")
    assert note.endswith(".xlsx.原因.txt") and len(note.encode("utf-8")) <= names.NAME_BYTES


def test_unique_names_number_repeats_without_taking_another_inputs_name():
    assert names.unique_names(["a.xlsx", "a.xlsx", "a(1).xlsx", "b.csv", "a.xlsx"]) == \
        ["a.xlsx", "a(2).xlsx", "a(1).xlsx", "b.csv", "a(3).xlsx"]


def test_a_name_shown_as_it_is_keeps_it_before_a_converted_one():
    assert names.display_names(["a\x07.xlsx", "a_.xlsx", "b.xlsx", "b.xlsx"]) == \
        ["a_(1).xlsx", "a_.xlsx", "b.xlsx", "b(1).xlsx"]


def test_dot_files_are_listed_except_the_pipelines_own(tmp_path):
    for name in (".商务局.xlsx", "._商务局.xlsx", ".mail-index.json", ".0123456789abcdef.part", "a.xlsx", ".xlsx"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in list_inputs([tmp_path])] == ["._商务局.xlsx", ".xlsx", ".商务局.xlsx", "a.xlsx"]


# --- one inbox, every odd name, good files beside them --------------------------------------------

@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    base = make_office(root / "office", archive=True)
    config = load_config(base / "config.yaml")
    inbox = base / "inbox"
    expect: dict[str, tuple[str, int]] = {}   # display name -> (disposition, rows read)

    def ledger(name: str, department: str, company: str, disposition="processed", rows=2, raw: bytes | None = None):
        path = raw_path(inbox, raw) if raw else inbox / name
        write_ledger(path, config, department, rows_for(company), date(2026, 11, 25))
        expect[name] = (disposition, rows)
        return path

    ledger("住建局.xlsx", "县住房和城乡建设局", "郏县住建")
    ledger("县水利局台账.xlsx", "县水利局", "郏县水利", raw="县水利局台账.xlsx".encode("gbk"))
    ledger("\ufffd\ufffd.xlsx", "县交通运输局", "郏县交通", raw=b"\xff\xfe.xlsx")  # neither UTF-8 nor GBK
    grown = ("县信访局" + "来信" * 48 + ".xlsx").encode("gbk")  # 200 bytes; as UTF-8 it would not fit
    ledger(names.display_name(os.fsdecode(grown)), "县信访局", "郏县信访", raw=grown)
    ledger("换行_台账.xlsx", "县自然资源局", "郏县自然", raw="换行\n台账.xlsx".encode())
    ledger(LONG_A, "某某不存在局", "郏县甲", "rejected", 0)
    ledger(LONG_B, "又一个不存在局", "郏县乙", "rejected", 0)
    ledger(".商务局台账.xlsx", "县商务局", "郏县商务")
    (inbox / "._商务局台账.xlsx").write_bytes(APPLE_DOUBLE)
    expect["._商务局台账.xlsx"] = ("ignored", 0)
    ledger("县司法局_台账.xlsx", "县司法局", "郏县司法一", "superseded", 0)
    os.utime(inbox / "县司法局_台账.xlsx", (1_700_000_000, 1_700_000_000))
    ledger("县司法局_台账(1).xlsx", "县司法局", "郏县司法二", raw="县司法局\x07台账.xlsx".encode())  # shown with _
    outside = root / "outside"
    outside.mkdir()
    write_ledger(outside / "secret.xlsx", config, "县财政局", rows_for("郏县机密"), date(2026, 11, 25))
    (inbox / "外部链接.xlsx").symlink_to(outside / "secret.xlsx")
    (inbox / "文件夹链接.xlsx").symlink_to(outside, target_is_directory=True)
    (inbox / "断开的链接.xlsx").symlink_to(inbox / "不存在.xlsx")
    (inbox / "内部链接.xlsx").symlink_to("住建局.xlsx")
    expect.update({"外部链接.xlsx": ("ignored", 0), "文件夹链接.xlsx": ("ignored", 0),
                   "断开的链接.xlsx": ("ignored", 0), "内部链接.xlsx": ("ignored", 0)})
    entries = len(os.listdir(os.fsencode(inbox)))
    code = run(base, W48)
    first = manifest(base, P48) if code == 0 else None
    return {"base": base, "code": code, "expect": expect, "entries": entries, "run": first,
            "ledger": ledger_bytes(base, P48) if code == 0 else None, "outside": outside}


@posix_only
def test_every_odd_name_gets_a_disposition_and_the_run_completes(odd):
    assert odd["code"] == 0
    files = odd["run"]["files"]
    assert len(files) == odd["entries"] == len(odd["expect"])
    got = {f["name"]: (f["disposition"], f["rows_read"]) for f in files}
    assert got == odd["expect"]
    reasons = {f["name"]: f["reason"] for f in files}
    assert "收件箱以外" in reasons["外部链接.xlsx"] and "文件夹" in reasons["文件夹链接.xlsx"]
    assert "不存在" in reasons["断开的链接.xlsx"] and "住建局.xlsx" in reasons["内部链接.xlsx"]
    assert "苹果" in reasons["._商务局台账.xlsx"]
    text = odd["ledger"].decode("utf-8-sig")
    assert "郏县机密" not in text  # the file outside the inbox was never read
    for company in ("郏县住建", "郏县水利", "郏县交通", "郏县商务", "郏县司法二", "郏县信访", "郏县自然"):
        assert company in text


@posix_only
def test_feedback_names_of_long_names_are_short_and_distinct(odd):
    feedback = sorted(p.name for p in (odd["base"] / "outbox" / P48 / "feedback").iterdir())
    unknown = [n for n in feedback if n.startswith("未识别单位-")]
    assert len(unknown) == 2 and all(len(n.encode("utf-8")) <= names.DERIVED_BYTES for n in unknown)
    assert {"县水利局.xlsx", "县交通运输局.xlsx", "县商务局.xlsx", "县司法局.xlsx"} <= set(feedback)


@posix_only
def test_archiving_keeps_every_input_under_a_name_that_fits(odd):
    base = odd["base"]
    assert os.listdir(base / "inbox") == []
    quarantined = tree(base / "quarantine" / P48)
    assert {LONG_A, LONG_B} <= set(quarantined)
    notes = [n for n in quarantined if n.endswith(".原因.txt")]
    assert len(notes) == 2 and all(len(n.encode("utf-8")) <= names.NAME_BYTES for n in notes)
    archived = set(os.listdir(base / "archive" / P48))
    assert {"县水利局台账.xlsx", ".商务局台账.xlsx", "外部链接.xlsx"} <= archived
    assert (base / "archive" / P48 / "外部链接.xlsx").is_symlink()  # moved as a link, never copied
    assert (odd["outside"] / "secret.xlsx").is_file()


@posix_only
def test_a_rerun_of_the_odd_inbox_is_identical(odd):
    base = odd["base"]
    assert run(base, W48) == 0
    assert ledger_bytes(base, P48) == odd["ledger"]
    again = {f["name"]: (f["disposition"], f["rows_read"]) for f in manifest(base, P48)["files"]}
    assert again == {f["name"]: (f["disposition"], f["rows_read"]) for f in odd["run"]["files"]}


@posix_only
def test_read_inputs_names_are_unique(tmp_path):
    config = load_config(config_path())
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write_ledger(a / "县水利局.xlsx", config, "县水利局", rows_for("郏县一"))
    write_ledger(b / "县水利局.xlsx", config, "县水利局", rows_for("郏县二"))
    os.utime(a / "县水利局.xlsx", (1_700_000_000, 1_700_000_000))
    intake = read_inputs(list_inputs([a, b]), config)
    assert {f.path.parent.name: f.name for f in intake.files} == {"a": "县水利局.xlsx", "b": "县水利局(1).xlsx"}
    assert set(intake.rows["file"]) == {"县水利局(1).xlsx"}  # one department: the later file only
    json.dumps([f.name for f in intake.files], ensure_ascii=False).encode("utf-8")
