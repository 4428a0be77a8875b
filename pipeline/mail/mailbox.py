"""Mail: collect ledger attachments from the office mailbox (IMAP); send feedback and reminders (SMTP).

Every saved attachment is recorded in `<inbox>/.mail-index.json` (sender, department, Message-ID,
date, sha256), which makes a second fetch a no-op and lets `sender_department` name the department
whose mailbox sent a file. A message is marked read only when all its attachments are on disk.

Only senders registered for a department (`mail.senders`) reach the inbox: attachments from any
other address are held in `<quarantine>/held/` and change nothing until the office releases them
(`release`, or by moving the file into the inbox); every run lists them (run.json `held`, 报送情况).
Set `mail.accept_unknown_senders: true` to take them straight into the inbox instead.

A message that cannot be taken in whole (over `mail.max_message_mb`, more than `mail.max_attachments`
spreadsheets, an attachment that is not a spreadsheet) gets one reply saying why and what to do
(templates/mail/refused.j2), when `mail.replies` is on; the index records it, so never twice. Mail sent
by a machine (Auto-Submitted, Precedence bulk/list, mailing lists, no-reply addresses) gets none.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import hashlib
import imaplib
import json
import logging
import mimetypes
import os
import re
import smtplib
import ssl
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.header import decode_header
from email import encoders
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Iterator

from pipeline.core.config import Config, MailServer, MailSettings, mail_problems
from pipeline.core.context import wall_clock
from pipeline.core.errors import ConfigError, RunError, UsageError
from pipeline.core.findings import disposition_text
from pipeline.core.names import HELD_FOLDER, MAIL_INDEX, UNSAFE, fit_name, invisible

log = logging.getLogger(__name__)

INDEX_NAME = MAIL_INDEX
_RAW_NAME = re.compile(r'(?:^|;)\s*(?:file)?name\s*=\s*"?([^";]+)"?', re.IGNORECASE)
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_NAME_BYTES = 200


@dataclass
class FetchResult:
    saved: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, reason)
    messages: int = 0  # unseen messages looked at
    held: list[tuple[Path, str]] = field(default_factory=list)  # (file, sender) from unregistered senders
    replies: list[str] = field(default_factory=list)  # what became of the refusal replies

    def lines(self) -> list[str]:
        out = [f"查看未读邮件 {self.messages} 封，收取附件 {len(self.saved)} 个。"]
        out += [f"  已保存：{p.name}" for p in self.saved]
        if self.held:
            out.append(
                f"  另有 {len(self.held)} 个附件来自未登记的发件邮箱，已存入 {self.held[0][0].parent}，"
                f"未处理，等待信用办确认："
            )
            out += [f"  待放行：{p.name}（发件人 {sender}）" for p, sender in self.held]
            out.append(f"  {RELEASE_HINT}")
        out += [f"  跳过：{what}（{why}）" for what, why in self.skipped]
        out += [f"  {line}" for line in self.replies]
        return out


RELEASE_HINT = (
    "确认是本县单位报送的，运行 python -m pipeline release 文件名 放行（或把文件移入收件箱）；"
    "常用的发件邮箱可登记在 config.yaml 的 mail.senders 中"
)


@dataclass(frozen=True)
class _Envelope:
    message_id: str
    sender: str
    department: str | None
    sent: datetime | None
    subject: str
    automatic: bool = False  # sent by a machine: never answered (RFC 3834)


@dataclass
class Refusal:
    """What one message lost: the reason for a reply to its sender."""

    env: _Envelope
    too_big: tuple[float, float] | None = None  # (size MB, limit MB): the whole message left unread
    too_many: list[str] = field(default_factory=list)  # spreadsheets over max_attachments
    limit: int = 0
    not_sheets: list[str] = field(default_factory=list)  # attachments that are not spreadsheets
    saved: list[str] = field(default_factory=list)  # this message's attachments that were taken
    held: bool = False  # ... into quarantine/held/, for the office to release

    def __bool__(self) -> bool:
        return bool(self.too_big or self.too_many or self.not_sheets)


# --- settings ---------------------------------------------------------------------------------


def mail_settings(config: Config) -> MailSettings:
    """config.mail. A `mail:` section in config.yaml was checked when the config was loaded; a config without
    one loads (mail is optional), and the mail commands then raise ConfigError listing what is missing."""
    if not (config.mail.imap.host and config.mail.smtp.host):  # only without the section: hosts are required
        raise ConfigError(mail_problems({}, config.department))
    return config.mail


def _secret(server: MailServer, given: str | None, needed: bool = True) -> str | None:
    if given is not None or not needed:
        return given
    env = server.password_env
    value = os.environ.get(env) if env else None
    if not value:
        raise ConfigError(f"未设置邮箱密码：请设置环境变量 {env or '（mail 中的 password_env）'}")
    return value


def sender_map(config: Config) -> dict[str, str]:
    """Sender address (lower case) → canonical department."""
    return {a.strip().lower(): dep for a, d in config.mail.senders if (dep := config.department(d))}


def department_addresses(config: Config) -> dict[str, str]:
    """Canonical department → address: `mail.departments`, else the first sender address of that department."""
    out: dict[str, str] = {}
    for address, dep in sender_map(config).items():
        out.setdefault(dep, address)
    for dep, address in config.mail.departments:
        out[config.department(dep) or dep] = address.strip()
    return out


# --- attachment names -------------------------------------------------------------------------


def safe_name(name: str, fallback: str = "附件") -> str:
    """A file name safe on Windows and Linux: no directories, control characters, reserved
    characters, `..` or leading dot; the extension kept; at most 200 bytes in UTF-8."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not invisible(ch))
    stem, dot, suffix = UNSAFE.sub("_", name).rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = re.sub(r"\.{2,}", ".", stem).strip(" .") or fallback
    suffix = suffix.strip(" .")
    if stem.split(".")[0].upper() in _DEVICES:
        stem = f"_{stem}"
    suffix = f".{suffix}" if suffix else ""
    return fit_name(stem + suffix, _MAX_NAME_BYTES)


def attachment_name(part: Message) -> str | None:
    """The decoded file name of a MIME part (RFC 2231 and RFC 2047, GB2312 read as GB18030)."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError):
        name = None
    if name and "=?" not in name and not _garbled(name):
        return name
    for header in ("Content-Disposition", "Content-Type"):
        raw = _raw_header(part, header)
        match = _RAW_NAME.search(raw)
        if match and "*=" not in match.group(0):
            return decode_words(_eight_bit(match.group(1).strip()))
    return name


def _garbled(text: str) -> bool:
    return "\ufffd" in text or any("\udc80" <= ch <= "\udcff" for ch in text)


def _eight_bit(text: str) -> str:
    """Raw 8-bit header text (parsed with surrogate escapes) decoded as UTF-8, else GB18030."""
    if not _garbled(text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _raw_header(part: Message, header: str) -> str:
    for key, value in part.raw_items():
        if key.lower() == header.lower():
            return re.sub(r"\r?\n[ \t]+", " ", str(value))
    return ""


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words; the GB family is decoded as GB18030 (mailers label GBK as GB2312)."""
    if "=?" not in text:
        return text
    text = re.sub(r"\?=\s+=\?", "?==?", text)
    parts = []
    for chunk, charset in decode_header(text):
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        parts.append(chunk.decode(_codec(charset), errors="replace"))
    return "".join(parts)


def _codec(charset: str | None) -> str:
    charset = (charset or "ascii").lower()
    if charset in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"):
        return "gb18030"
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


# --- fetching ---------------------------------------------------------------------------------


def fetch_mail(config: Config, inbox: Path, password: str | None = None, now: datetime | None = None) -> FetchResult:
    """Save the spreadsheet attachments of unseen messages into `inbox`; mark a message read once
    all of its attachments are on disk. Attachments saved before are not saved again. `now`: the command's
    clock, the time recorded in the mail index."""
    mail = mail_settings(config)
    imap = mail.imap
    secret = _secret(imap, password)
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    index, result, refusals = MailIndex(inbox, now), FetchResult(), []
    with _imap_session(imap, secret or "") as conn:
        for uid in _unseen(conn):
            result.messages += 1
            refusal = _take_message(conn, uid, config, mail, index, result)
            if refusal:
                refusals.append(refusal)
    result.replies = reply_to_refusals(config, index, refusals)
    return result


@contextmanager
def _imap_session(imap: MailServer, password: str) -> Iterator[imaplib.IMAP4]:
    host, port, mode, timeout = imap.host, imap.port, imap.tls, imap.timeout
    try:
        if mode == "ssl":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                host, port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        else:
            conn = imaplib.IMAP4(host, port, timeout=timeout)
            if mode == "starttls":
                conn.starttls(ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise RunError(f"无法连接收件服务器 {host}:{port}（{exc}），请检查网络和 mail.imap 设置")
    try:
        _imap_open(conn, imap, password)
        yield conn
    finally:
        _quietly(conn.logout)


def _not_ascii(server: MailServer, section: str, password: str | None) -> RunError:
    """imaplib and smtplib send the user name and password as ASCII: say which one holds other characters."""
    if password and not password.isascii():
        return RunError(
            f"邮箱密码中含有中文或全角字符，服务器无法接受；请检查环境变量 {server.password_env} "
            "中的密码（授权码），只能是英文字母、数字和半角符号。未收发任何邮件。"
        )
    return RunError(
        f"邮箱用户名 mail.{section}.user 中含有中文或全角字符，服务器无法接受；请改为完整的邮箱地址。未收发任何邮件。"
    )


def _imap_open(conn: imaplib.IMAP4, imap: MailServer, password: str) -> None:
    try:
        conn.login(imap.user, password)
    except UnicodeEncodeError:
        raise _not_ascii(imap, "imap", password)
    except imaplib.IMAP4.error:
        raise RunError(f"邮箱登录失败：请检查 mail.imap.user 和环境变量 {imap.password_env} 中的密码（授权码）")
    folder = imap.folder
    typ, _ = conn.select(_quote(folder))
    if typ != "OK":
        raise RunError(f"邮箱中没有文件夹“{folder}”，请检查 mail.imap.folder")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quietly(action) -> None:
    try:
        action()
    except (OSError, imaplib.IMAP4.error):
        pass


def _unseen(conn: imaplib.IMAP4) -> list[bytes]:
    typ, data = conn.uid("SEARCH", "UNSEEN")  # no charset argument, as imaplib's search(None, …) sends
    if typ != "OK":
        raise RunError("收件服务器拒绝了查询未读邮件的请求")
    return (data[0] or b"").split()


def _raw_message(conn: imaplib.IMAP4, uid: bytes) -> bytes | None:
    typ, data = conn.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    if typ != "OK":
        return None
    return next((item[1] for item in data if isinstance(item, tuple) and len(item) > 1), None)


def _raw_header_block(conn: imaplib.IMAP4, uid: bytes) -> bytes:
    """Only the header of a message (who sent it), for one too big to fetch."""
    typ, data = conn.uid("FETCH", uid.decode(), "(BODY.PEEK[HEADER])")
    found = next((item[1] for item in data or [] if isinstance(item, tuple) and len(item) > 1), None)
    return found if typ == "OK" and found else b""


def _size(conn: imaplib.IMAP4, uid: bytes) -> int | None:
    typ, data = conn.uid("FETCH", uid.decode(), "(RFC822.SIZE)")
    found = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(d if isinstance(d, bytes) else d[0] for d in data or [] if d))
    return int(found.group(1)) if typ == "OK" and found else None


def _take_message(
    conn: imaplib.IMAP4, uid: bytes, config: Config, mail: MailSettings, index: "MailIndex", result: FetchResult
) -> Refusal | None:
    """Save one message's spreadsheets; what it lost, for a reply to its sender."""
    limit_mb = mail.max_message_mb
    size = _size(conn, uid)
    if size is not None and size > limit_mb * 1024 * 1024:  # judged before the body is fetched into memory
        result.skipped.append(
            (
                f"邮件 UID {uid.decode()}（{size / 1024 / 1024:.1f} MB）",
                f"超过单封邮件 {limit_mb:g} MB 的上限，未收取，保持未读；请联系发件单位压缩或分开发送",
            )
        )
        head = _raw_header_block(conn, uid)
        if not head:
            return None
        env = _envelope(email.message_from_bytes(head, policy=email.policy.default), head, config)
        return Refusal(env, too_big=(size / 1024 / 1024, limit_mb))
    raw = _raw_message(conn, uid)
    if raw is None:
        result.skipped.append((f"邮件 UID {uid.decode()}", "无法读取邮件内容，保持未读"))
        return None
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    env = _envelope(msg, raw, config)
    refusal = Refusal(env)
    label = f"{env.sender or '未知发件人'}《{env.subject}》"
    parts = _spreadsheets(msg, config, mail.max_attachments, result, refusal)
    hold = env.department is None and not mail.accept_unknown_senders
    folder = held_folder(config) if hold else index.folder
    if not parts:
        result.skipped.append((label, "没有表格附件，保持未读"))
    elif all([_save(index, env, name, data, result, folder) for name, data in parts]):
        conn.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
        refusal.saved, refusal.held = [name for name, _ in parts], hold
        return refusal
    else:
        return None  # a file could not be written here: the message stays unread and is tried again
    log.info("邮件 %s 保持未读：%s", label, result.skipped[-1][1] if result.skipped else "")
    return refusal


def _envelope(msg: EmailMessage, raw: bytes, config: Config) -> _Envelope:
    sender = parseaddr(_header(msg, "From"))[1].strip().lower()
    message_id = _header(msg, "Message-ID").strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    return _Envelope(
        message_id,
        sender,
        sender_map(config).get(sender),
        _sent(_header(msg, "Date")),
        _header(msg, "Subject") or "无主题",
        _automatic(msg, sender),
    )


_MACHINE_SENDER = re.compile(r"^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)([+.\-@]|$)")


def _automatic(msg: EmailMessage, sender: str) -> bool:
    """Mail a machine sent (RFC 3834): answering it would only start a loop of robots."""
    auto = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    return (
        (bool(auto) and auto != "no")
        or precedence in ("bulk", "list", "junk")
        or bool(_header(msg, "List-Id"))
        or not sender
        or bool(_MACHINE_SENDER.match(sender))
    )


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except (ValueError, LookupError, TypeError):
        return ""


def _sent(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.astimezone()


def _spreadsheets(
    msg: EmailMessage, config: Config, limit: int, result: FetchResult, refusal: Refusal | None = None
) -> list[tuple[str, bytes]]:
    """The spreadsheet attachments, at most `limit`; every other attachment is listed in `result.skipped`
    (and in `refusal`, for the reply)."""
    types = {t.lower() for t in config.intake.file_types}
    out: list[tuple[str, bytes]] = []
    for part in msg.walk():
        name = None if part.is_multipart() else attachment_name(part)
        if not name:
            continue
        if Path(safe_name(name)).suffix.lower() not in types:
            result.skipped.append((name, "不是表格文件，未收取"))
            if refusal is not None:
                refusal.not_sheets.append(name)
        elif len(out) >= limit:
            result.skipped.append((name, f"一封邮件最多收取 {limit} 个表格附件，其余未收取"))
            if refusal is not None:
                refusal.too_many.append(name)
                refusal.limit = limit
        else:
            payload = part.get_payload(decode=True)
            out.append((name, payload if isinstance(payload, bytes) else b""))
    return out


def _save(index: "MailIndex", env: _Envelope, name: str, data: bytes, result: FetchResult, folder: Path) -> bool:
    """Write one attachment into `folder`: the inbox, or the held folder for an unregistered sender."""
    digest = hashlib.sha256(data).hexdigest()
    if index.has(env.message_id, name, digest):
        result.skipped.append((name, "此前已收取"))
        return True
    held = folder != index.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = _write_new(folder, safe_name(name), data, digest)
        if env.sent:
            os.utime(path, (env.sent.timestamp(), env.sent.timestamp()))
    except OSError as exc:
        result.skipped.append((name, f"保存失败（{exc}），邮件保持未读，下次再收"))
        return False
    index.add(path.name, name, env, digest, held=held)
    if held:
        result.held.append((path, env.sender or "未知"))
    else:
        result.saved.append(path)
    log.info(
        "%s附件 %s（发件人 %s，单位 %s）",
        "暂存（待放行）" if held else "收取",
        path.name,
        env.sender,
        env.department or "未登记",
    )
    return True


def _write_new(folder: Path, name: str, data: bytes, digest: str) -> Path:
    """Write via a hidden temp file and fsync, then link it to the first free name (never overwrite).
    A file of that name with the same bytes (saved before the index was updated) is reused."""
    tmp = folder / f".{digest[:16]}.part"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        return _link_free(tmp, folder / name, digest)
    finally:
        tmp.unlink(missing_ok=True)


def _link_free(tmp: Path, target: Path, digest: str) -> Path:
    n, candidate = 1, target
    while True:
        try:
            _place(tmp, candidate)
            _sync_dir(candidate.parent)
            return candidate
        except FileExistsError:
            if _sha256(candidate) == digest:
                return candidate
        candidate = target.with_name(f"{target.stem}({n}){target.suffix}")
        n += 1


def _place(tmp: Path, target: Path) -> None:
    """Give the temp file its name without ever replacing a file: a hard link on POSIX;
    on Windows a rename, which refuses an existing target."""
    if os.name == "nt":
        os.rename(tmp, target)
    else:
        os.link(tmp, target)


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


# --- the record of saved attachments ----------------------------------------------------------


class MailIndex:
    """`<inbox>/.mail-index.json`: one record per saved attachment, rewritten atomically."""

    def __init__(self, folder: Path, now: datetime | None = None):
        self.folder = Path(folder)
        self.now = now  # the command's clock; None: the clock at each record
        self.path = self.folder / INDEX_NAME
        data = _read_index(self.path)
        self.records: list[dict] = list(data.get("files") or [])
        self.replies: list[dict] = list(data.get("replies") or [])  # refusal replies sent, one per message
        self._keys = {(r.get("message_id"), r.get("attachment"), r.get("sha256")) for r in self.records}

    def replied(self, message_id: str) -> bool:
        return any(r.get("message_id") == message_id for r in self.replies)

    def add_reply(self, env: _Envelope, reasons: list[str], sent: bool = True) -> None:
        self.replies.append(
            {
                "message_id": env.message_id,
                "to": env.sender,
                "subject": env.subject,
                "reasons": reasons,
                "sent": sent,
                "sent_at": self._stamp(),
            }
        )
        self._write()

    def has(self, message_id: str, attachment: str, digest: str) -> bool:
        return (message_id, attachment, digest) in self._keys

    def add(self, saved: str, attachment: str, env: _Envelope, digest: str, held: bool = False) -> None:
        self.records.append(
            {
                "file": saved,
                "attachment": attachment,
                "sender": env.sender,
                "department": env.department,
                "message_id": env.message_id,
                "date": env.sent.isoformat() if env.sent else None,
                "sha256": digest,
                "saved_at": self._stamp(),
                "subject": env.subject,
                "held": held,
            }
        )
        self._keys.add((env.message_id, attachment, digest))
        self._write()

    def released(self, held_name: str, digest: str, saved: str) -> None:
        """A held file now in the inbox as `saved`."""
        for record in self.records:
            if record.get("held") and record.get("file") == held_name and record.get("sha256") == digest:
                record.update(file=saved, held=False, released_at=self._stamp())
        self._write()

    def _stamp(self) -> str:
        """The time of a record, in UTC."""
        return (self.now or wall_clock()).astimezone(timezone.utc).isoformat(timespec="seconds")

    def _write(self) -> None:
        tmp = self.path.with_name(self.path.name + ".part")
        data = {"version": 1, "files": self.records, **({"replies": self.replies} if self.replies else {})}
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def _read_index(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RunError(f"邮件收取记录 {path} 无法读取（{exc}），请修复或改名后重试")
    return data if isinstance(data, dict) else {}


def _read_records(path: Path) -> list[dict]:
    return list(_read_index(path).get("files") or [])


def mail_record(path: Path, inbox: Path | None = None) -> dict | None:
    """The index record of a saved file: same name and bytes, else same bytes (the file was moved
    or renamed, e.g. archived), else the latest record of that name."""
    path = Path(path)
    folders = [path.parent] + ([Path(inbox)] if inbox and Path(inbox).resolve() != path.parent.resolve() else [])
    records = [r for folder in folders for r in _read_records(folder / INDEX_NAME)]
    if not records:
        return None
    digest = _sha256(path)
    for test in (
        lambda r: r.get("file") == path.name and r.get("sha256") == digest,
        lambda r: r.get("sha256") == digest,
        lambda r: r.get("file") == path.name,
    ):
        found = [r for r in records if test(r)]
        if found:
            return found[-1]
    return None


def sender_department(path: Path, inbox: Path | None = None) -> str | None:
    """The department whose mailbox sent this file (from `mail.senders`), or None."""
    record = mail_record(path, inbox)
    return record.get("department") if record else None


# --- files held from unregistered senders -----------------------------------------------------


def held_folder(config: Config) -> Path:
    return config.paths["quarantine"] / HELD_FOLDER


def held_files(config: Config) -> list[dict]:
    """The files waiting for the office's release, with who sent them (for run.json and 报送情况)."""
    folder, inbox = held_folder(config), config.paths["inbox"]
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        record = mail_record(path, inbox) or {}
        sender = record.get("sender") or "未知"
        out.append(
            {
                "name": path.name,
                "path": str(path),
                "sender": sender,
                "date": record.get("date"),
                "subject": record.get("subject") or "",
                "reason": f"发件邮箱 {sender} 未登记（mail.senders），未处理，等待信用办确认后放行",
            }
        )
    return out


def release(config: Config, names: list[str], now: datetime | None = None) -> list[tuple[Path, Path]]:
    """Move held files into the inbox (never over a file there); every held file when `names` is empty.
    The next run reads them like any other file (the 填报单位 decides the department). `now`: the command's
    clock, the time of the release in the mail index."""
    folder, inbox = held_folder(config), config.paths["inbox"]
    waiting = {f["name"] for f in held_files(config)}
    unknown = [n for n in names if n not in waiting]
    if unknown:
        raise UsageError(
            [f"{folder} 中没有待放行的文件“{n}”" for n in unknown]
            + [f"待放行的文件：{'、'.join(sorted(waiting)) or '无'}"]
        )
    inbox.mkdir(parents=True, exist_ok=True)
    index, moved = MailIndex(inbox, now), []
    for name in names or sorted(waiting):
        source = folder / name
        data, stat = source.read_bytes(), source.stat()
        digest = hashlib.sha256(data).hexdigest()
        target = _write_new(inbox, name, data, digest)  # a copy, so the quarantine may be on another disk
        os.utime(target, (stat.st_atime, stat.st_mtime))  # the mail's time still orders the submissions
        source.unlink()
        index.released(name, digest, target.name)
        moved.append((source, target))
    return moved


# --- sending ----------------------------------------------------------------------------------


def send_feedback(
    config: Config, run_dir: Path, summary: dict, warnings: dict[str, int] | None = None, password: str | None = None
) -> list[str]:
    """Mail each department that sent a file its `feedback/<department>.xlsx`. Off unless `mail.replies`.
    `warnings`: file name -> its 提醒 findings (the run's RunResult.warnings)."""
    mail = mail_settings(config)
    if not mail.replies:
        return ["未发送反馈邮件：config.yaml 中 mail.replies 为 false。"]
    messages, lines = feedback_messages(config, Path(run_dir), summary, warnings or {})
    return lines + _send_all(mail.smtp, messages, password)


def feedback_messages(
    config: Config, run_dir: Path, summary: dict, warnings: dict[str, int]
) -> tuple[list[Message], list[str]]:
    """The feedback emails of a run (not sent), and lines for departments that cannot be mailed."""
    from pipeline.outputs.feedback import feedback_name

    mail, addresses = config.mail, department_addresses(config)
    groups: dict[str, list[dict]] = {}
    for f in summary.get("files") or []:
        if f.get("disposition") != "ignored":
            groups.setdefault(feedback_name(f.get("department"), f["name"]), []).append(f)
    messages, lines = [], []
    for name, files in groups.items():
        to = addresses.get(name) or _recorded_sender(config, files)
        attachment = run_dir / "feedback" / f"{name}.xlsx"
        if not to:
            lines.append(f"未发送：{name} 没有登记邮箱（mail.departments）")
        elif not attachment.is_file():
            lines.append(f"未发送：{name} 的反馈表 {attachment.name} 不存在")
        else:
            count = sum(int(warnings.get(f["name"], 0)) for f in files)
            body = feedback_text(
                name, files, summary, count, config.office.resubmit_by, config.office.contact_line, config.office.name
            )
            messages.append(
                _message(mail, to, f"台账报送反馈（{summary.get('period', '')}）：{name}", body, attachment)
            )
    return messages, lines


def _recorded_sender(config: Config, files: list[dict]) -> str | None:
    inbox = config.paths.get("inbox")
    for f in files:
        record = mail_record(inbox / f["name"], inbox) if inbox else None
        if record and record.get("sender"):
            return record["sender"]
    return None


AUTOMATIC = "（本邮件由台账汇总程序自动发送）"  # the last line of every letter the program sends


def feedback_text(
    department: str, files: list[dict], summary: dict, warnings: int, deadline: str, contact: str = "", office: str = ""
) -> str:

    lines = [
        f"{department}：",
        "",
        f"贵单位报送的政务失信问题排查整治台账（{summary.get('period', '')}）已收到，处理结果如下：",
    ]
    for f in files:
        text = f"  文件“{f['name']}”：{disposition_text(f.get('disposition'))}"
        if f.get("disposition") == "processed":
            text += f"，共 {f.get('rows_read', 0)} 行，收录 {f.get('rows_accepted', 0)} 行，退回 {f.get('rows_rejected', 0)} 行"
        lines.append(text + (f"（{f['reason']}）" if f.get("reason") else "") + "。")
    returned = sum(int(f.get("rows_rejected") or 0) for f in files)
    lines.append(f"  另有 {warnings} 处提醒（已收录，请核对）。" if warnings else "  没有需要核对的提醒。")
    lines += ["", "详细情况见附件反馈表：红色为错误（整行退回），黄色为提醒，批注写明了如何修改。"]
    if returned or any(f.get("disposition") == "rejected" for f in files):
        lines.append(
            f"请按反馈表改正后，于{deadline or '下次报送截止前'}将本单位完整的台账（不是只报改正的行）重新发送到本邮箱。"
        )
    else:
        lines.append("本次报送的数据已全部收录，感谢配合。下次报送时请继续使用完整台账，更新整改进展。")
    if contact:
        lines.append(contact)
    return "\n".join(lines + ["", office, AUTOMATIC] if office else lines + ["", AUTOMATIC])


def send_reminders(
    config: Config, summary_or_missing: list[str] | dict, period: str, deadline_text: str, password: str | None = None
) -> list[str]:
    """催报: mail the departments still missing this period. Off unless `mail.reminders`."""
    mail = mail_settings(config)
    if not mail.reminders:
        return ["未发送催报邮件：config.yaml 中 mail.reminders 为 false。"]
    missing = summary_or_missing
    if isinstance(missing, dict):
        missing = (missing.get("departments") or {}).get("missing") or []
    messages, lines = reminder_messages(config, list(missing), period, deadline_text)
    return lines + _send_all(mail.smtp, messages, password)


def reminder_messages(
    config: Config, missing: list[str], period: str, deadline_text: str
) -> tuple[list[Message], list[str]]:
    mail, addresses = config.mail, department_addresses(config)
    messages, lines = [], []
    for dep in missing:
        name = config.department(dep) or dep
        if not addresses.get(name):
            lines.append(f"未催报：{name} 没有登记邮箱（mail.departments）")
            continue
        messages.append(
            _message(
                mail,
                addresses[name],
                f"催报：请报送{period}政务失信问题排查整治台账",
                reminder_text(name, period, deadline_text, config.office.name),
            )
        )
    return messages, lines


def reminder_text(department: str, period: str, deadline_text: str, office: str = "") -> str:
    return "\n".join(
        [
            f"{department}：",
            "",
            f"截至目前，贵单位尚未报送本期（{period}）政务失信问题排查整治台账。",
            f"请于{deadline_text}前将本单位最新的完整台账（使用标准模板）发送到本邮箱；"
            "经排查未发现问题的，请报送零报告（在台账中填写“经排查无相关问题”）。",
            "",
            *([office] if office else []),
            AUTOMATIC,
        ]
    )


def missing_departments(config: Config, summary: dict | None) -> list[str]:
    """Departments missing in a period's summary (Store.run_summary); every registry department if the
    period has not run (None)."""
    if summary is None:
        return config.department_names
    return list((summary.get("departments") or {}).get("missing") or [])


def reply_to_refusals(
    config: Config, index: MailIndex, refusals: list[Refusal], password: str | None = None
) -> list[str]:
    """One reply per refused message, saying what was not taken and what to do; recorded in the index so a
    message still unread at the next fetch is not answered again. Only when `mail.replies` is on."""
    mail = config.mail
    waiting = [r for r in refusals if r and not index.replied(r.env.message_id)]
    if not waiting:
        return []
    if not mail.replies:
        return [
            f"未回复 {len(waiting)} 封未能全部收取的邮件：config.yaml 中 mail.replies 为 false，请另行告知发件单位。"
        ]
    lines, messages = [], {}
    for refusal in waiting:
        if refusal.env.automatic:  # recorded as answered, so it is noted once
            lines.append(f"未回复：{refusal.env.sender or '未知发件人'}《{refusal.env.subject}》是自动发送的邮件")
            index.add_reply(refusal.env, _reasons(refusal), sent=False)
            continue
        msg = _message(
            mail, refusal.env.sender, f"来件未能全部收取：{refusal.env.subject}", refusal_text(config, refusal)
        )
        msg["In-Reply-To"] = msg["References"] = refusal.env.message_id
        msg["Auto-Submitted"] = "auto-replied"
        messages[id(msg)] = (msg, refusal)
    sent = lambda msg: index.add_reply(messages[id(msg)][1].env, _reasons(messages[id(msg)][1]))  # noqa: E731
    try:
        lines += _send_all(mail.smtp, [m for m, _ in messages.values()], password, on_sent=sent)
    except (RunError, ConfigError) as exc:  # the attachments are saved; the reply waits for the next fetch
        lines.append(f"未能回复未收取的邮件（{exc.lines[0]}），下次收取邮件时再发")
    return lines


def _reasons(refusal: Refusal) -> list[str]:
    return (
        (["too_big"] if refusal.too_big else [])
        + (["too_many"] if refusal.too_many else [])
        + (["not_spreadsheet"] if refusal.not_sheets else [])
    )


def refusal_text(config: Config, refusal: Refusal) -> str:
    """The reply's body, from templates/mail/refused.j2."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        lstrip_blocks=True,
        trim_blocks=True,
        autoescape=False,
    )
    sent = refusal.env.sent
    size_mb, limit_mb = refusal.too_big or (0.0, 0.0)
    text = env.get_template("refused.j2").render(
        addressee=refusal.env.department or "您好",
        subject=refusal.env.subject,
        sent=f"{sent.month}月{sent.day}日" if sent else "",
        office=config.office.name,
        file_types="、".join(t for t in config.intake.file_types if t in (".xlsx", ".xls", ".csv"))
        or "、".join(config.intake.file_types),
        too_big={"size_mb": f"{size_mb:.1f}", "limit_mb": f"{limit_mb:g}"} if refusal.too_big else None,
        too_many={"names": refusal.too_many, "limit": refusal.limit} if refusal.too_many else None,
        not_sheets=refusal.not_sheets,
        saved=refusal.saved,
        held=refusal.held,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


MAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"


def _message(mail: MailSettings, to: str, subject: str, body: str, attachment: Path | None = None) -> Message:
    sender_name, sender_addr = parseaddr(mail.smtp.sender or mail.smtp.user)
    msg = MIMEMultipart() if attachment is not None else MIMEText(body, "plain", "utf-8")
    msg["From"] = formataddr((Header(sender_name, "utf-8").encode(), sender_addr)) if sender_name else sender_addr
    msg["To"] = to
    msg["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]  # a Header folds long Chinese subjects
    msg["Message-ID"] = make_msgid(domain=(sender_addr.rpartition("@")[2] or None))
    msg["Date"] = formatdate(localtime=True)
    if attachment is not None:
        msg.attach(MIMEText(body, "plain", "utf-8"))
        msg.attach(_attachment(attachment))
    return msg


def _attachment(path: Path) -> MIMEBase:
    """The file name both as RFC 2231 (standard) and as an RFC 2047 `name` (what Outlook, Foxmail
    and webmail in China read), so no client shows a garbled or generic name."""
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    part = MIMEBase(*ctype.split("/", 1))
    part.set_payload(path.read_bytes())
    encoders.encode_base64(part)
    part.set_param("name", Header(path.name, "utf-8").encode())
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", path.name))
    return part


def _send_all(smtp: MailServer, messages: list[Message], password: str | None, on_sent=None) -> list[str]:
    if not messages:
        return []
    secret = _secret(smtp, password, needed=bool(smtp.user))
    lines = []
    with _smtp_session(smtp, secret) as conn:
        for msg in messages:
            try:
                conn.send_message(msg)
                lines.append(f"已发送：{msg['To']}《{msg['Subject']}》")
                if on_sent:
                    on_sent(msg)
            except smtplib.SMTPException as exc:
                lines.append(f"发送失败：{msg['To']}《{msg['Subject']}》（{exc}）")
    return lines


@contextmanager
def _smtp_session(smtp: MailServer, password: str | None) -> Iterator[smtplib.SMTP]:
    host, port = smtp.host, smtp.port
    try:
        conn = _smtp_connect(smtp, host, port)
        if smtp.user:
            conn.login(smtp.user, password or "")
    except UnicodeEncodeError:
        raise _not_ascii(smtp, "smtp", password)
    except smtplib.SMTPAuthenticationError:
        raise RunError(f"发件邮箱登录失败：请检查 mail.smtp.user 和环境变量 {smtp.password_env} 中的密码")
    except (OSError, smtplib.SMTPException) as exc:
        raise RunError(f"无法连接发件服务器 {host}:{port}（{exc}），请检查网络和 mail.smtp 设置")
    try:
        yield conn
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _smtp_connect(smtp: MailServer, host: str, port: int) -> smtplib.SMTP:
    mode, timeout = smtp.tls, smtp.timeout
    if mode == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    conn = smtplib.SMTP(host, port, timeout=timeout)
    if mode == "starttls":
        conn.starttls(context=ssl.create_default_context())
    return conn
