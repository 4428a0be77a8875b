"""Mail intake, feedback replies and reminders, against real servers started here on localhost:
pymap (IMAP, in-memory backend) in a subprocess and aiosmtpd (SMTP) in a thread."""
from __future__ import annotations

import base64
import email
import email.policy
import imaplib
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
import yaml
from aiosmtpd.controller import Controller

from pipeline.mail import mailbox as mail
from pipeline.core.config import load_config
from pipeline.core.errors import ConfigError, RunError, UsageError
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "xyb", "secret-pass"
CST = timezone(timedelta(hours=8))


# --- servers ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pymap exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("pymap did not start")


@pytest.fixture(scope="module")
def imap_port():
    port = _free_port()
    code = "import sys; from pymap.main import main; sys.argv[0] = 'pymap'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(port), "--no-tls",
                             "dict", "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class _Store:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


@pytest.fixture
def smtp_server():
    store = _Store()
    controller = Controller(store, hostname="127.0.0.1", port=_free_port(), ready_timeout=10)
    controller.start()
    try:
        yield controller.port, store
    finally:
        controller.stop()


# --- config, mailbox, messages ----------------------------------------------------------------

def _config(tmp_path: Path, imap_port: int = 1, smtp_port: int = 1, **mail_overrides):
    raw = yaml.safe_load((config_path()).read_text(encoding="utf-8"))
    folder = "T" + uuid.uuid4().hex[:8]
    raw["mail"] = {
        "imap": {"host": "127.0.0.1", "port": imap_port, "tls": "none", "user": USER, "folder": folder,
                 "password_env": "TEST_JIAXIAN_IMAP_PW", "timeout": 10},
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "tls": "none", "user": "",
                 "password_env": "TEST_JIAXIAN_SMTP_PW", "from": "郏县信用办 <xyb@example.test>", "timeout": 10},
        "accept_unknown_senders": False, "replies": True, "reminders": True,
        "senders": {"zjj@example.test": "住建局", "slj@example.test": "县水利局"},
        "departments": {"县财政局": "czj@example.test"},
        **mail_overrides,
    }
    raw["mail"] = {k: v for k, v in raw["mail"].items() if v is not None}  # None: the key left out
    raw["paths"] = {k: str(tmp_path / k) for k in raw["paths"]}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def _imap(port: int) -> imaplib.IMAP4:
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    conn.login(USER, PASSWORD)
    return conn


def _deliver(config, port: int, *messages: bytes) -> None:
    conn = _imap(port)
    folder = config.mail.imap.folder
    try:
        conn.create(folder)
        for raw in messages:
            typ, _ = conn.append(folder, None, None, raw)
            assert typ == "OK"
    finally:
        conn.logout()


def _flags(config, port: int) -> dict[str, bool]:
    """Message-ID → seen, read without touching the flags."""
    conn = _imap(port)
    try:
        conn.select(config.mail.imap.folder, readonly=True)
        _, data = conn.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    finally:
        conn.logout()
    out = {}
    for item in data:
        if isinstance(item, tuple):
            msgid = email.message_from_bytes(item[1])["Message-ID"]
            out[msgid.strip()] = b"\\Seen" in item[0]
    return out


def _xlsx(text: str) -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _part(disposition: str, data: bytes, ctype: str = "application/octet-stream") -> str:
    body = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return (f"Content-Type: {ctype}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{body}")


def _message(sender: str, msgid: str, sent: datetime, parts: list[str], subject: str = "台账") -> bytes:
    text = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + \
        base64.encodebytes("附件是本周台账。".encode()).decode().replace("\n", "\r\n")
    body = "".join(f"--BOUNDARY\r\n{p}\r\n" for p in [text, *parts]) + "--BOUNDARY--\r\n"
    head = (f"From: {sender}\r\nTo: xyb@example.test\r\nSubject: {subject}\r\nMessage-ID: {msgid}\r\n"
            f"Date: {format_datetime(sent)}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=BOUNDARY\r\n\r\n")
    return (head + body).encode("utf-8")


def _gbk_word(name: str) -> str:
    return "=?GBK?B?" + base64.b64encode(name.encode("gbk")).decode() + "?="


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("TEST_JIAXIAN_IMAP_PW", PASSWORD)


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("..\\..\\Windows\\台账.xlsx", "台账.xlsx"),
    (".hidden.xlsx", "hidden.xlsx"),
    ("....xlsx", "附件.xlsx"),
    ("a..b.csv", "a.b.csv"),
    ('a<b>:c"|?*.xls', "a_b__c____.xls"),
    ("县\u202e住建\x00局\r\n.xlsx", "县住建局.xlsx"),
    ("CON.xlsx", "_CON.xlsx"),
    ("lpt1.csv", "_lpt1.csv"),
    ("台账. .xlsm", "台账.xlsm"),
])
def test_safe_name(given, expected):
    assert mail.safe_name(given) == expected


def test_safe_name_is_bounded_and_keeps_extension():
    name = mail.safe_name("台账" * 200 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode("utf-8")) <= 200


def _first_name(disposition: bytes) -> str | None:
    raw = (b"From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
           b"Content-Type: application/octet-stream\r\nContent-Disposition: " + disposition +
           b"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--XX--\r\n")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return next(mail.attachment_name(p) for p in msg.walk() if not p.is_multipart())


@pytest.mark.parametrize("disposition", [
    f'attachment; filename="{_gbk_word("县住建局镕台账.xlsx")}"'.encode(),
    f'attachment; filename={_gbk_word("县住建局镕台账.xlsx")}'.encode(),
    ('attachment; filename="=?GB2312?B?' + base64.b64encode("县住建局镕台账.xlsx".encode("gbk")).decode() + '?="').encode(),
    "attachment; filename*=UTF-8''%E5%8E%BF%E4%BD%8F%E5%BB%BA%E5%B1%80%E9%95%95%E5%8F%B0%E8%B4%A6.xlsx".encode(),
    "attachment; filename*0*=UTF-8''%E5%8E%BF%E4%BD%8F%E5%BB%BA%E5%B1%80; filename*1*=%E9%95%95%E5%8F%B0%E8%B4%A6.xlsx".encode(),
    'attachment; filename="=?UTF-8?Q?=E5=8E=BF=E4=BD=8F=E5=BB=BA=E5=B1=80=E9=95=95=E5=8F=B0=E8=B4=A6.xlsx?="'.encode(),
    'attachment; filename="县住建局镕台账.xlsx"'.encode("utf-8"),
    'attachment; filename="县住建局镕台账.xlsx"'.encode("gbk"),
])
def test_attachment_names_decode_to_chinese(disposition):
    assert _first_name(disposition) == "县住建局镕台账.xlsx"


# --- fetching ---------------------------------------------------------------------------------

def test_fetch_acceptance(tmp_path, imap_port, password):
    """Three messages: a GBK RFC 2047 name, two attachments (one RFC 2231), a path-traversal name;
    fetched twice: the expected files, safe, dated by the message, each message read, nothing twice."""
    config = _config(tmp_path, imap_port, accept_unknown_senders=True)
    inbox = config.paths["inbox"]
    t1, t2, t3 = (datetime(2026, 11, 23, 9, 0, tzinfo=CST) + timedelta(hours=h) for h in (0, 5, 26))
    data = {n: _xlsx(n) for n in ("住建", "水利1", "水利2", "passwd")}
    _deliver(config, imap_port,
             _message("县住建局 <ZJJ@example.test>", "<m1@example.test>", t1,
                      [_part(f'attachment; filename="{_gbk_word("县住建局台账.xlsx")}"', data["住建"])]),
             _message("slj@example.test", "<m2@example.test>", t2,
                      [_part("attachment; filename*=UTF-8''%E6%B0%B4%E5%88%A9%E5%B1%80%E5%8F%B0%E8%B4%A6.xlsx", data["水利1"]),
                       _part('attachment; filename="shuili-2.csv"', data["水利2"], "text/csv")]),
             _message("stranger@example.test", "<m3@example.test>", t3,
                      [_part('attachment; filename="../../etc/passwd.xlsx"', data["passwd"])]))

    first = mail.fetch_mail(config, inbox)
    second = mail.fetch_mail(config, inbox)

    files = sorted(p.name for p in inbox.iterdir() if not p.name.startswith("."))
    assert files == sorted(["县住建局台账.xlsx", "水利局台账.xlsx", "shuili-2.csv", "passwd.xlsx"])
    assert not (tmp_path / "etc").exists()
    assert first.messages == 3 and len(first.saved) == 4
    assert (inbox / "县住建局台账.xlsx").read_bytes() == data["住建"]
    assert (inbox / "passwd.xlsx").read_bytes() == data["passwd"]
    assert os.stat(inbox / "县住建局台账.xlsx").st_mtime == t1.timestamp()
    assert os.stat(inbox / "shuili-2.csv").st_mtime == t2.timestamp()
    assert os.stat(inbox / "passwd.xlsx").st_mtime == t3.timestamp()
    assert _flags(config, imap_port) == {"<m1@example.test>": True, "<m2@example.test>": True, "<m3@example.test>": True}
    assert second.messages == 0 and second.saved == []
    assert mail.sender_department(inbox / "县住建局台账.xlsx") == "县住房和城乡建设局"
    assert mail.sender_department(inbox / "shuili-2.csv") == "县水利局"
    assert mail.sender_department(inbox / "passwd.xlsx") is None


def test_still_unseen_message_is_not_saved_twice(tmp_path, imap_port, password):
    """Saved, then the server lost the \\Seen flag (or the fetch died before setting it)."""
    config = _config(tmp_path, imap_port)
    inbox = config.paths["inbox"]
    _deliver(config, imap_port, _message("zjj@example.test", "<again@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="a.xlsx"', _xlsx("a"))]))
    mail.fetch_mail(config, inbox)
    conn = _imap(imap_port)
    try:
        conn.select(config.mail.imap.folder)
        conn.store("1", "-FLAGS", "(\\Seen)")
    finally:
        conn.logout()
    assert _flags(config, imap_port) == {"<again@example.test>": False}

    again = mail.fetch_mail(config, inbox)

    assert again.messages == 1 and again.saved == []
    assert again.skipped == [("a.xlsx", "此前已收取")]
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == ["a.xlsx"]
    assert _flags(config, imap_port) == {"<again@example.test>": True}


def test_existing_file_is_never_overwritten(tmp_path, imap_port, password):
    config = _config(tmp_path, imap_port)
    inbox = config.paths["inbox"]
    inbox.mkdir(parents=True)
    (inbox / "台账.xlsx").write_bytes(b"someone else's file")
    (inbox / "台账(1).xlsx").write_bytes(b"and another")
    new = _xlsx("new")
    _deliver(config, imap_port, _message("zjj@example.test", "<new@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="台账.xlsx"', new)]))

    result = mail.fetch_mail(config, inbox)

    assert [p.name for p in result.saved] == ["台账(2).xlsx"]
    assert (inbox / "台账.xlsx").read_bytes() == b"someone else's file"
    assert (inbox / "台账(2).xlsx").read_bytes() == new


def test_messages_without_spreadsheets_stay_unread(tmp_path, imap_port, password):
    config = _config(tmp_path, imap_port)
    inbox = config.paths["inbox"]
    _deliver(config, imap_port, _message("zjj@example.test", "<pdf@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="通知.pdf"', b"%PDF-1.4")]))

    result = mail.fetch_mail(config, inbox)

    assert result.messages == 1 and result.saved == [] and result.held == []
    assert result.skipped == [("通知.pdf", "不是表格文件，未收取"), ("zjj@example.test《台账》", "没有表格附件，保持未读")]
    assert _flags(config, imap_port) == {"<pdf@example.test>": False}


def _ledger_bytes(tmp_path: Path, config, name: str, department: str, company: str, filled) -> bytes:
    from tests.ledgerfiles import write_ledger

    rows = [{"category": "B1", "company": company, "description": "工程尾款至今未支付", "amount": 86, "status": "整改中"}]
    return write_ledger(tmp_path / name, config, department, rows, filled).read_bytes()


def _run(tmp_path: Path, as_of: str) -> int:
    from pipeline.cli import main

    return main(["run", "--config", str(tmp_path / "config.yaml"), "--as-of", as_of])


def _outbox(tmp_path: Path, name: str) -> Path:
    return tmp_path / "outbox" / "2026-W48" / name


def test_a_stranger_never_replaces_a_department_ledger_without_the_office_release(tmp_path, imap_port, password, capsys):
    """The attack of issue 13: an unregistered address sends a 住建局 ledger with a future 填报日期."""
    from pipeline.cli import main
    from tests.test_resilience import read_sheet

    config = _config(tmp_path, imap_port, replies=False, accept_unknown_senders=None)  # the default
    real = _ledger_bytes(tmp_path, config, "real.xlsx", "县住房和城乡建设局", "郏县恒达商贸有限公司", date(2026, 11, 24))
    forged = _ledger_bytes(tmp_path, config, "forged.xlsx", "住建局", "郏县冒名实业有限公司", date(2026, 12, 31))
    _deliver(config, imap_port,
             _message("zjj@example.test", "<real@example.test>", datetime(2026, 11, 24, 9, tzinfo=CST),
                      [_part('attachment; filename="住建局台账.xlsx"', real)]),
             _message("attacker@evil.test", "<forged@evil.test>", datetime(2026, 11, 25, 9, tzinfo=CST),
                      [_part('attachment; filename="住建局台账（更正）.xlsx"', forged)], subject="更正台账"))

    fetched = mail.fetch_mail(config, config.paths["inbox"])

    held_dir = tmp_path / "quarantine" / "held"
    assert [p.name for p in fetched.saved] == ["住建局台账.xlsx"]
    assert [(p.name, who) for p, who in fetched.held] == [("住建局台账（更正）.xlsx", "attacker@evil.test")]
    assert (held_dir / "住建局台账（更正）.xlsx").read_bytes() == forged
    assert not (config.paths["inbox"] / "住建局台账（更正）.xlsx").exists()
    assert "待放行：住建局台账（更正）.xlsx（发件人 attacker@evil.test）" in "\n".join(fetched.lines())
    assert _flags(config, imap_port) == {"<real@example.test>": True, "<forged@evil.test>": True}
    assert mail.fetch_mail(config, config.paths["inbox"]).messages == 0

    assert _run(tmp_path, "2026-11-26") == 0
    first = json.loads(_outbox(tmp_path, "run.json").read_text(encoding="utf-8"))
    ledger = _outbox(tmp_path, "ledger.csv").read_bytes()
    assert [f["name"] for f in first["files"]] == ["住建局台账.xlsx"]
    assert [(h["name"], h["sender"], h["subject"]) for h in first["held"]] == [
        ("住建局台账（更正）.xlsx", "attacker@evil.test", "更正台账")]
    assert "冒名" not in ledger.decode("utf-8-sig") and "恒达" in ledger.decode("utf-8-sig")
    sheet = read_sheet(_outbox(tmp_path, first["outputs"]["summary_xlsx"]), "报送情况")
    held_row = next(row for row in sheet if "住建局台账（更正）.xlsx" in row)
    assert "待放行" in held_row and any("attacker@evil.test" in str(c) for c in held_row)

    capsys.readouterr()
    assert main(["release", "--config", str(tmp_path / "config.yaml")]) == 0  # lists, moves nothing
    assert "住建局台账（更正）.xlsx　发件人 attacker@evil.test" in capsys.readouterr().out
    assert (held_dir / "住建局台账（更正）.xlsx").exists()
    assert main(["release", "--config", str(tmp_path / "config.yaml"), "住建局台账（更正）.xlsx"]) == 0
    released = config.paths["inbox"] / "住建局台账（更正）.xlsx"
    assert released.read_bytes() == forged and not any(held_dir.iterdir())
    assert released.stat().st_mtime == datetime(2026, 11, 25, 9, tzinfo=CST).timestamp()

    assert _run(tmp_path, "2026-11-26") == 0  # released: read, but its future 填报日期 does not make it the later file
    second = json.loads(_outbox(tmp_path, "run.json").read_text(encoding="utf-8"))
    states = {f["name"]: f["disposition"] for f in second["files"]}
    assert states == {"住建局台账.xlsx": "processed", "住建局台账（更正）.xlsx": "superseded"}
    assert second["held"] == []
    assert _outbox(tmp_path, "ledger.csv").read_bytes() == ledger
    feedback = read_sheet(_outbox(tmp_path, "feedback/县住房和城乡建设局.xlsx"), "回执")  # a 提醒 only: a receipt
    assert any("填报日期 2026-12-31 晚于统计日期 2026-11-26" in str(c) for row in feedback for c in row)


def test_release_refuses_a_name_that_is_not_held(tmp_path):
    config = _config(tmp_path)
    with pytest.raises(UsageError, match="没有待放行的文件"):
        mail.release(config, ["nothing.xlsx"])


def test_release_all_never_overwrites_an_inbox_file(tmp_path, capsys):
    from pipeline.cli import main

    config = _config(tmp_path)
    held, inbox = tmp_path / "quarantine" / "held", config.paths["inbox"]
    held.mkdir(parents=True)
    inbox.mkdir()
    (held / "台账.xlsx").write_bytes(b"held one")
    (held / "另一份.csv").write_bytes(b"held two")
    (inbox / "台账.xlsx").write_bytes(b"already here")
    assert main(["release", "--config", str(tmp_path / "config.yaml"), "--all"]) == 0
    assert (inbox / "台账.xlsx").read_bytes() == b"already here"
    assert (inbox / "台账(1).xlsx").read_bytes() == b"held one" and (inbox / "另一份.csv").read_bytes() == b"held two"
    assert list(held.iterdir()) == [] and "已放行：台账.xlsx" in capsys.readouterr().out


def test_unknown_senders_go_straight_to_the_inbox_when_the_office_accepts_them(tmp_path, imap_port, password):
    config = _config(tmp_path, imap_port, accept_unknown_senders=True)
    _deliver(config, imap_port, _message("who@example.test", "<who@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="台账.xlsx"', _xlsx("x"))]))
    result = mail.fetch_mail(config, config.paths["inbox"])
    assert [p.name for p in result.saved] == ["台账.xlsx"] and result.held == []


def test_wrong_password_is_a_run_error(tmp_path, imap_port):
    config = _config(tmp_path, imap_port)
    with pytest.raises(RunError, match="登录失败"):
        mail.fetch_mail(config, config.paths["inbox"], password="wrong")


def test_unreachable_server_is_a_run_error(tmp_path, password):
    config = _config(tmp_path, _free_port())
    with pytest.raises(RunError, match="无法连接收件服务器"):
        mail.fetch_mail(config, config.paths["inbox"])


def test_missing_password_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_JIAXIAN_IMAP_PW", raising=False)
    config = _config(tmp_path)
    with pytest.raises(ConfigError, match="TEST_JIAXIAN_IMAP_PW"):
        mail.fetch_mail(config, config.paths["inbox"])


def test_mail_settings_report_every_problem(tmp_path):
    imap = {"host": "127.0.0.1", "port": 1, "tls": "tls", "user": USER, "password": "plain",
            "password_env": "TEST_JIAXIAN_IMAP_PW"}
    smtp = {"port": 1, "tls": "none", "user": "", "password_env": "TEST_JIAXIAN_SMTP_PW"}
    with pytest.raises(ConfigError) as err:  # when config.yaml is loaded
        _config(tmp_path, senders={"a@b": "不存在局"}, departments={"某某局": "x@y"}, imap=imap, smtp=smtp)
    text = "\n".join(err.value.lines)
    for expected in ("mail.imap.tls", "mail.imap.password", "mail.smtp.host", "不存在局", "某某局"):
        assert expected in text


def test_sender_department_follows_a_moved_file(tmp_path, imap_port, password):
    config = _config(tmp_path, imap_port)
    inbox = config.paths["inbox"]
    _deliver(config, imap_port, _message("slj@example.test", "<mv@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="水利.xlsx"', _xlsx("slj"))]))
    mail.fetch_mail(config, inbox)
    archived = tmp_path / "archive" / "2026-W48" / "水利(1).xlsx"
    archived.parent.mkdir(parents=True)
    (inbox / "水利.xlsx").rename(archived)
    other = inbox / "手工放入.xlsx"
    other.write_bytes(_xlsx("by hand"))

    assert mail.sender_department(archived, inbox) == "县水利局"
    assert mail.sender_department(archived) is None
    assert mail.sender_department(other) is None


# --- sending ----------------------------------------------------------------------------------

def _feedback_book(path: Path, warnings: int, errors: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("问题清单")
    for col, head in enumerate(["文件", "行号", "列", "级别", "说明"]):
        ws.write_string(4, col, head)
    for i, level in enumerate(["提醒"] * warnings + ["错误"] * errors):
        ws.write_row(5 + i, 0, ["a.xlsx", str(5 + i), "整改状态", level, "请按提醒核对"])
    wb.close()


def _summary() -> dict:
    return {"period": "2026-W48", "files": [
        {"name": "县住建局台账.xlsx", "department": "县住房和城乡建设局", "disposition": "processed",
         "reason": "", "rows_read": 12, "rows_accepted": 10, "rows_rejected": 2},
        {"name": "财政.xlsx", "department": "县财政局", "disposition": "zero_report", "reason": "",
         "rows_read": 0, "rows_accepted": 0, "rows_rejected": 0},
        {"name": "交通.xlsx", "department": "县交通运输局", "disposition": "processed", "reason": "",
         "rows_read": 3, "rows_accepted": 3, "rows_rejected": 0},
        {"name": "~$x.xlsx", "department": None, "disposition": "ignored", "reason": "", "rows_read": 0,
         "rows_accepted": 0, "rows_rejected": 0}],
        "departments": {"missing": ["县水利局", "县商务局"]}}


def test_send_feedback(tmp_path, smtp_server):
    port, store = smtp_server
    config = _config(tmp_path, smtp_port=port)
    run_dir = tmp_path / "outbox" / "2026-W48"
    _feedback_book(run_dir / "feedback" / "县住房和城乡建设局.xlsx", warnings=3, errors=2)
    _feedback_book(run_dir / "feedback" / "县财政局.xlsx", warnings=0, errors=0)
    _feedback_book(run_dir / "feedback" / "县交通运输局.xlsx", warnings=0, errors=0)

    lines = mail.send_feedback(config, run_dir, _summary(), warnings={"县住建局台账.xlsx": 3})

    got = {tuple(rcpt): msg for rcpt, msg in store.messages}
    assert set(got) == {("zjj@example.test",), ("czj@example.test",)}
    zjj = got[("zjj@example.test",)]
    attachment = next(zjj.iter_attachments())
    assert attachment.get_filename() == "县住房和城乡建设局.xlsx"
    assert attachment.get_param("name") == "县住房和城乡建设局.xlsx"
    assert "=?utf-8?b?" in dict(attachment.raw_items())["Content-Type"]
    assert attachment.get_content() == (run_dir / "feedback" / "县住房和城乡建设局.xlsx").read_bytes()
    body = zjj.get_body(("plain",)).get_content()
    assert "共 12 行，收录 10 行，退回 2 行" in body
    assert "另有 3 处提醒" in body
    assert "每周四下班前" in body and "完整的台账" in body
    assert "县住房和城乡建设局" in str(zjj["Subject"]) and "2026-W48" in str(zjj["Subject"])
    receipt = got[("czj@example.test",)].get_body(("plain",)).get_content()
    assert "零报告" in receipt and "全部收录" in receipt and "重新发送" not in receipt
    assert "未发送：县交通运输局 没有登记邮箱（mail.departments）" in lines
    assert sum(line.startswith("已发送") for line in lines) == 2


def test_feedback_reaches_the_recorded_sender_of_an_unidentified_file(tmp_path, smtp_server):
    port, store = smtp_server
    config = _config(tmp_path, smtp_port=port)
    inbox, run_dir = config.paths["inbox"], tmp_path / "outbox" / "2026-W48"
    inbox.mkdir(parents=True)
    (inbox / "无名.xlsx").write_bytes(b"bytes")
    index = mail.MailIndex(inbox)
    index.add("无名.xlsx", "无名.xlsx", mail._Envelope("<u@x>", "who@example.test", None, None, "s"),
              mail._sha256(inbox / "无名.xlsx"))
    _feedback_book(run_dir / "feedback" / "未识别单位-无名.xlsx", warnings=0, errors=0)
    summary = {"period": "2026-W48", "files": [{"name": "无名.xlsx", "department": None, "disposition": "rejected",
                                                 "reason": "无法识别填报单位"}]}

    mail.send_feedback(config, run_dir, summary)

    (rcpt, msg), = store.messages
    assert rcpt == ["who@example.test"]
    assert "无法识别填报单位" in msg.get_body(("plain",)).get_content()


def test_replies_off_sends_nothing(tmp_path, smtp_server):
    port, store = smtp_server
    config = _config(tmp_path, smtp_port=port, replies=False, reminders=False)
    run_dir = tmp_path / "outbox" / "2026-W48"
    _feedback_book(run_dir / "feedback" / "县住房和城乡建设局.xlsx", warnings=0, errors=0)

    lines = mail.send_feedback(config, run_dir, _summary()) + mail.send_reminders(config, ["县水利局"], "2026-W48", "周四")

    assert store.messages == []
    assert all("false" in line for line in lines) and len(lines) == 2


def test_send_reminders(tmp_path, smtp_server):
    port, store = smtp_server
    config = _config(tmp_path, smtp_port=port)

    lines = mail.send_reminders(config, _summary(), "2026-W48", "11月26日（周四）下班")

    (rcpt, msg), = store.messages
    assert rcpt == ["slj@example.test"]
    body = msg.get_body(("plain",)).get_content()
    assert "县水利局" in body and "2026-W48" in body and "11月26日（周四）下班前" in body and "零报告" in body
    assert "未催报：县商务局 没有登记邮箱（mail.departments）" in lines


def test_smtp_login_uses_the_password_from_the_environment(tmp_path, smtp_server, monkeypatch):
    port, _ = smtp_server
    config = _config(tmp_path, smtp_port=port)
    config = replace(config, mail=replace(config.mail, smtp=replace(config.mail.smtp, user="xyb")))
    monkeypatch.delenv("TEST_JIAXIAN_SMTP_PW", raising=False)
    with pytest.raises(ConfigError, match="TEST_JIAXIAN_SMTP_PW"):
        mail.send_reminders(config, ["县水利局"], "2026-W48", "周四")


def test_missing_departments(tmp_path):
    from pipeline.store import Store

    config = _config(tmp_path)
    with Store(tmp_path / "ledger.sqlite") as store:
        assert mail.missing_departments(config, store.run_summary("2026-W48")) == config.department_names
        store.save_period("2026-W48", date(2026, 11, 26), pd.DataFrame(), [], pd.DataFrame(),
                          {"departments": {"missing": ["县商务局"]}}, 1, closed=0)
        assert mail.missing_departments(config, store.run_summary("2026-W48")) == ["县商务局"]


def test_the_shipped_config_has_a_valid_mail_section_with_sending_off():
    config = load_config(config_path())
    settings = mail.mail_settings(config)
    assert settings.replies is False and settings.reminders is False
    assert settings.accept_unknown_senders is False  # strangers' files wait for the office
    assert "password" not in config.raw["mail"]["imap"] and settings.imap.password_env


def test_mail_limits_every_skipped_attachment_listed(tmp_path, imap_port, password):
    """Size judged before the body is fetched; at most max_attachments spreadsheets; a .jpg beside an .xlsx listed."""
    config = _config(tmp_path, imap_port, max_message_mb=0.05, max_attachments=2)
    inbox = config.paths["inbox"]
    when = datetime(2026, 11, 24, tzinfo=CST)
    big = os.urandom(80_000)
    _deliver(config, imap_port,
             _message("zjj@example.test", "<many@example.test>", when,
                      [_part(f'attachment; filename="台账{i}.xlsx"', _xlsx(str(i))) for i in range(3)]
                      + [_part('attachment; filename="现场照片.jpg"', b"\xff\xd8\xff", "image/jpeg")]),
             _message("zjj@example.test", "<big@example.test>", when, [_part('attachment; filename="大.xlsx"', big)]))

    result = mail.fetch_mail(config, inbox)

    assert sorted(p.name for p in result.saved) == ["台账0.xlsx", "台账1.xlsx"]
    reasons = dict(result.skipped)
    assert reasons["台账2.xlsx"] == "一封邮件最多收取 2 个表格附件，其余未收取"
    assert reasons["现场照片.jpg"] == "不是表格文件，未收取"
    big_line = [why for what, why in result.skipped if what.startswith("邮件 UID")]
    assert len(big_line) == 1 and "0.05 MB 的上限" in big_line[0]
    assert not (inbox / "大.xlsx").exists()
    assert _flags(config, imap_port)["<big@example.test>"] is False
    assert any("跳过：现场照片.jpg" in line for line in result.lines())


def _body(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def test_a_refused_mail_gets_one_reply_saying_why(tmp_path, imap_port, smtp_server, password):
    """Too big, too many spreadsheets, not a spreadsheet: the sender receives one reply naming what was not
    taken and what to do; a second fetch (the big message is still unread) sends nothing again; mail sent by
    a machine, and a message without any attachment, get no reply."""
    port, store = smtp_server
    config = _config(tmp_path, imap_port, port, max_message_mb=0.05, max_attachments=2)
    inbox = config.paths["inbox"]
    when = datetime(2026, 11, 24, 9, tzinfo=CST)
    auto = _message("zjj@example.test", "<auto@example.test>", when, [_part('attachment; filename="a.pdf"', b"%PDF")])
    auto = auto.replace(b"MIME-Version", b"Auto-Submitted: auto-replied\r\nMIME-Version", 1)
    _deliver(config, imap_port,
             _message("县住建局 <zjj@example.test>", "<many@example.test>", when,
                      [_part(f'attachment; filename="台账{i}.xlsx"', _xlsx(str(i))) for i in range(3)]
                      + [_part('attachment; filename="现场照片.jpg"', b"\xff\xd8\xff", "image/jpeg")],
                      subject="住建局本周台账"),
             _message("slj@example.test", "<big@example.test>", when,
                      [_part('attachment; filename="大.xlsx"', os.urandom(80_000))], subject="水利局台账"),
             _message("stranger@example.test", "<pdf@example.test>", when,
                      [_part('attachment; filename="台账扫描件.pdf"', b"%PDF-1.4")], subject="扫描件"),
             _message("zjj@example.test", "<text@example.test>", when, [], subject="只有正文"),
             auto)

    first = mail.fetch_mail(config, inbox)
    second = mail.fetch_mail(config, inbox)

    replies = {to[0]: msg for to, msg in store.messages}
    assert sorted(replies) == ["slj@example.test", "stranger@example.test", "zjj@example.test"]
    assert len(store.messages) == 3  # once per message, though the big one and the pdf stay unread
    many, big, pdf = (_body(replies[a]) for a in ("zjj@example.test", "slj@example.test", "stranger@example.test"))
    assert replies["zjj@example.test"]["Subject"] == "来件未能全部收取：住建局本周台账"
    assert replies["zjj@example.test"]["In-Reply-To"] == "<many@example.test>"
    assert replies["zjj@example.test"]["Auto-Submitted"] == "auto-replied"
    assert many.startswith("县住房和城乡建设局：") and "11月24日" in many
    assert "最多收取 2 个表格附件" in many and "台账2.xlsx" in many and "另发一封邮件" in many
    assert "现场照片.jpg" in many and "不是表格文件" in many and ".xlsx" in many
    assert "台账0.xlsx、台账1.xlsx 已收到" in many and "郏县社会信用体系建设领导小组办公室" in many
    assert "超过了本邮箱单封邮件 0.05 MB 的上限" in big and "分成几封邮件发送" in big and "压缩" in big
    assert "台账扫描件.pdf" in pdf and "只发送 Excel 表格" in pdf and "已收到" not in pdf
    assert "{" not in many + big + pdf and "\n\n\n" not in many
    assert sum(line.startswith("  已发送：") for line in first.lines()) == 3
    assert any("未回复" in line and "自动发送" in line for line in first.replies)
    assert second.replies == [] and second.messages == 4  # big, pdf, text-only and auto: still unread
    index = json.loads((inbox / mail.INDEX_NAME).read_text(encoding="utf-8"))
    assert sorted(r["message_id"] for r in index["replies"] if r["sent"]) == [
        "<big@example.test>", "<many@example.test>", "<pdf@example.test>"]
    assert {r["message_id"]: r["reasons"] for r in index["replies"]}["<many@example.test>"] == [
        "too_many", "not_spreadsheet"]
    assert sorted(p.name for p in result_files(inbox)) == ["台账0.xlsx", "台账1.xlsx"]


def result_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


def test_no_refusal_reply_when_replies_are_off_and_a_failed_reply_waits_for_the_next_fetch(
        tmp_path, imap_port, smtp_server, password):
    port, store = smtp_server
    config = _config(tmp_path, imap_port, _free_port(), replies=True)
    _deliver(config, imap_port, _message("zjj@example.test", "<jpg@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="照片.jpg"', b"\xff\xd8\xff", "image/jpeg")]))
    down = mail.fetch_mail(config, config.paths["inbox"])  # the SMTP server is not there
    assert any("未能回复" in line and "下次收取邮件时再发" in line for line in down.lines())

    config = replace(config, mail=replace(config.mail, replies=False))
    off = mail.fetch_mail(config, config.paths["inbox"])
    assert off.replies == ["未回复 1 封未能全部收取的邮件：config.yaml 中 mail.replies 为 false，请另行告知发件单位。"]

    config = replace(config, mail=replace(config.mail, replies=True, smtp=replace(config.mail.smtp, port=port)))
    on = mail.fetch_mail(config, config.paths["inbox"])
    assert [to for to, _ in store.messages] == [["zjj@example.test"]] and "照片.jpg" in _body(store.messages[0][1])
    assert on.replies and mail.fetch_mail(config, config.paths["inbox"]).replies == []


def test_a_non_ascii_password_is_one_chinese_line_and_nothing_is_fetched(tmp_path, imap_port, monkeypatch, capsys):
    """A password (授权码) typed with Chinese characters, against the real IMAP server: one line, exit 1, the
    message left unread, nothing written into the inbox."""
    from pipeline.cli import main

    config = _config(tmp_path, imap_port)
    _deliver(config, imap_port, _message("zjj@example.test", "<pw@example.test>", datetime(2026, 11, 24, tzinfo=CST),
                                         [_part('attachment; filename="台账.xlsx"', _xlsx("x"))]))
    monkeypatch.setenv("TEST_JIAXIAN_IMAP_PW", "授权码secret")
    capsys.readouterr()
    assert main(["fetch-mail", "--config", str(tmp_path / "config.yaml")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert "密码" in err[0] and "TEST_JIAXIAN_IMAP_PW" in err[0] and "中文" in err[0], err
    assert _flags(config, imap_port) == {"<pw@example.test>": False}
    assert not any(config.paths["inbox"].iterdir())


def test_letters_are_signed_with_the_office_name_from_config():
    """The office that signs a letter is config.yaml's office.name, not a name written into the code."""
    assert mail.reminder_text("县水利局", "2026-W48", "周四", "某县信用办").splitlines()[-2:] == [
        "某县信用办", mail.AUTOMATIC]
    body = mail.feedback_text("县水利局", [], {"period": "2026-W48"}, 0, "周四", "", "某县信用办")
    assert body.splitlines()[-2:] == ["某县信用办", mail.AUTOMATIC] and "郏县" not in body
