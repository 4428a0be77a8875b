"""The scheduling files in ops/: each does what ops/README.md says it does."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

OPS = Path(__file__).resolve().parents[1] / "ops"


def _commands(text: str) -> list[str]:
    return re.findall(r"-m pipeline ([\w-]+)", text)


def test_windows_batch_is_ascii_crlf_fetches_then_runs_and_pauses_only_by_hand():
    data = (OPS / "run-weekly.bat").read_bytes()
    text = data.decode("ascii")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert _commands(text) == ["fetch-mail", "run"]
    assert 'cd /d "%~dp0.."' in text and r".venv\Scripts\python.exe" in text
    by_hand = text.split('if /i "%~1"=="/nopause" (', 1)[1].split("exit /b %RC%", 1)[0]
    assert "pause" in by_hand.split(") else (", 1)[1] and "pause" not in by_hand.split(") else (", 1)[0]


def test_task_registration_has_a_bom_and_calls_the_batch_weekly():
    data = (OPS / "register-task.ps1").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "run-weekly.bat" in text and "/nopause" in text
    assert "Register-ScheduledTask" in text and "-Weekly" in text and "[System.DayOfWeek]::Friday" in text
    assert "schtasks /Create /SC WEEKLY" in text


def test_systemd_pair_runs_weekly_and_a_failed_fetch_does_not_stop_the_run():
    service = (OPS / "jiaxian-ledger.service").read_text(encoding="utf-8")
    timer = (OPS / "jiaxian-ledger.timer").read_text(encoding="utf-8")
    starts = re.findall(r"^ExecStart=(.*)$", service, re.MULTILINE)
    assert [_commands(s) for s in starts] == [["fetch-mail"], ["run"]]
    assert starts[0].startswith("-") and not starts[1].startswith("-")
    assert "Type=oneshot" in service and "EnvironmentFile=" in service
    assert re.search(r"^OnCalendar=Fri \*-\*-\* 09:00:00", timer, re.MULTILINE)
    assert "Unit=jiaxian-ledger.service" in timer and "Persistent=true" in timer


def test_cron_line_is_weekly_and_valid_shell():
    line, = [l for l in (OPS / "crontab.example").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    fields = line.split(None, 5)
    assert fields[:5] == ["0", "9", "*", "*", "5"]
    assert _commands(fields[5]) == ["fetch-mail", "run"]
    subprocess.run(["sh", "-n", "-c", fields[5]], check=True, timeout=10)


def test_guide_names_every_file_and_the_configured_folders():
    guide = (OPS / "README.md").read_text(encoding="utf-8")
    for f in OPS.iterdir():
        if f.name not in ("README.md", ".gitattributes"):
            assert f"`{f.name}`" in guide, f.name
    paths = yaml.safe_load((OPS.parent / "config.yaml").read_text(encoding="utf-8"))["paths"]
    for key in ("inbox", "outbox", "archive", "quarantine", "logs", "database"):
        assert f"`{paths[key]}" in guide, key
    assert "password_env" in guide and "mail.replies" in guide
