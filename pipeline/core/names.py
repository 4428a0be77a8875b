"""File names: how an input's name is shown, and how names derived from it are made safe.

An inbox name may be anything the file system holds: bytes that are not UTF-8 (a GBK name from an
archive unzipped on Linux arrives as surrogate escapes), control or direction-override characters,
245 bytes long. Every input keeps its real path; its *display name* (run.json, sources, reports) is
text that can be written anywhere. Names the pipeline derives (feedback workbooks, archived copies,
quarantine notes, mail attachments) are cleaned of characters Windows or Linux refuse, and shortened
to a byte limit with a short hash of the full name, so two long names never become one.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

MAIL_INDEX = ".mail-index.json"  # the mail fetcher's record in the inbox (pipeline/mail/mailbox.py)
HELD_FOLDER = "held"  # quarantine/held/: files from unregistered mail senders (pipeline/mail/mailbox.py)
_OWN_FILES = re.compile(re.escape(MAIL_INDEX) + r"(\.part)?|\.[0-9a-f]{16}\.part")
NAME_BYTES = 255  # the longest name (in UTF-8 bytes) ext4, NTFS and most file systems accept
DERIVED_BYTES = 120  # derived names stay short: Windows paths are limited to 260 characters in all
UNSAFE = re.compile(r'[<>:"/\\|?*]')
_HASH_CHARS = 8


def invisible(ch: str) -> bool:
    """Control, format (e.g. the right-to-left override that disguises an extension), surrogate,
    private-use, unassigned and line-separator characters."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def is_own_file(name: str) -> bool:
    """Files the pipeline itself keeps in the inbox: the mail index and attachments being written."""
    return bool(_OWN_FILES.fullmatch(name))


def display_name(name: str) -> str:
    """The name of an input as text. Bytes that are not UTF-8 are read as GB18030 (the GBK family:
    what Chinese Windows writes into zip archives); invisible characters become `_`."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raw = os.fsencode(name)
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("gb18030", errors="replace")
    name = unicodedata.normalize("NFC", name)
    return fit_name("".join("_" if invisible(ch) else ch for ch in name))  # GBK → UTF-8 grows by half


def extension(name: str) -> str:
    """The lower-case extension, also of a name that is nothing else (`.xlsx`), which Path.suffix misses."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def display_names(raw: list[str]) -> list[str]:
    """The display names of a run's inputs, unique (the name is the key of an input's rows and
    findings): a name shown as it is keeps it; a converted name or a later repeat is numbered."""
    shown = [display_name(n) for n in raw]
    order = sorted(range(len(raw)), key=lambda i: shown[i] != raw[i])  # stable: exact names first
    out = [""] * len(raw)
    for i, name in zip(order, unique_names([shown[i] for i in order])):
        out[i] = name
    return out


def unique_names(names: list[str]) -> list[str]:
    """The names in order, a later repeat numbered `stem(1).ext`, `stem(2).ext`… (as an archived copy
    is), never taking another name of the list."""
    taken, used, out = set(names), set(), []
    for name in names:
        candidate, n = name, 0
        while candidate in used or (candidate != name and candidate in taken):
            n += 1
            candidate = numbered(name, n)
        used.add(candidate)
        out.append(candidate)
    return out


def split_suffix(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10 or " " in suffix:
        return name, ""
    return stem, "." + suffix


def fit_name(name: str, max_bytes: int = NAME_BYTES) -> str:
    """`name` if it fits in `max_bytes` of UTF-8; else its stem cut on a character boundary plus
    `~` and a hash of the whole name, the extension kept."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, suffix = split_suffix(name)
    tag = "~" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    room = max_bytes - len((tag + suffix).encode("utf-8"))
    return _cut(stem, max(room, 1)) + tag + suffix


def output_name(text: str, suffix: str = "", max_bytes: int = DERIVED_BYTES) -> str:
    """A name derived from `text` that is safe on Windows and Linux: no path separators, reserved or
    invisible characters, no trailing dot or space, within `max_bytes` with `suffix`."""
    clean = UNSAFE.sub("_", "".join("_" if invisible(ch) else ch for ch in display_name(text)))
    clean = clean.strip(" .") or "_"
    return fit_name(clean + suffix, max_bytes)


def numbered(name: str, n: int, max_bytes: int = NAME_BYTES) -> str:
    """`stem(n).ext`, fitted to `max_bytes`."""
    stem, suffix = split_suffix(name)
    tag = f"({n}){suffix}"
    return _cut(stem, max_bytes - len(tag.encode("utf-8"))) + tag


def with_extra(name: str, extra: str, max_bytes: int = NAME_BYTES) -> str:
    """`name` + `extra` (e.g. `.原因.txt`), the name shortened when the two do not fit."""
    return fit_name(name, max_bytes - len(extra.encode("utf-8"))) + extra


def _cut(text: str, max_bytes: int) -> str:
    return text.encode("utf-8", "surrogatepass")[: max(max_bytes, 0)].decode("utf-8", errors="ignore")
