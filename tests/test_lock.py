"""Two runs at once are impossible, and a run that dies releases the lock."""
import subprocess
import sys

import pytest

from pipeline.core.errors import RunError
from pipeline.runtime.lock import run_lock, run_locks

HOLD = "import sys,time; from pathlib import Path; from pipeline.runtime.lock import run_lock\n" \
       "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n"


def hold_in_child(path):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_second_run_is_refused_while_first_holds_the_lock(tmp_path):
    lock = tmp_path / "run.lock"
    child = hold_in_child(lock)
    try:
        with pytest.raises(RunError) as info:
            with run_lock(lock):
                pass
        assert "另一次运行正在进行" in info.value.lines[0]
        assert info.value.exit_code == 1
    finally:
        child.kill()
        child.wait()


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    lock = tmp_path / "run.lock"
    child = hold_in_child(lock)
    child.kill()
    child.wait()
    with run_lock(lock, wait_seconds=5):
        assert lock.exists()


def test_lock_waits_for_a_run_that_ends(tmp_path):
    lock = tmp_path / "run.lock"
    child = hold_in_child(lock)
    killer = subprocess.Popen([sys.executable, "-c", f"import os,time; time.sleep(1); os.kill({child.pid}, 9)"])
    with run_lock(lock, wait_seconds=30):
        pass
    killer.wait()
    child.wait()


def test_run_locks_take_every_lock_and_a_file_named_twice_once(tmp_path):
    db_lock, outbox_lock = tmp_path / "ledger.sqlite.lock", tmp_path / "outbox" / ".run.lock"
    with run_locks([db_lock, outbox_lock, tmp_path / "outbox" / ".." / "outbox" / ".run.lock"]):
        child = subprocess.run([sys.executable, "-c", HOLD, str(outbox_lock)], capture_output=True, text=True, timeout=60)
        assert child.returncode != 0 and "另一次运行正在进行" in child.stderr  # held by this process


def test_run_locks_are_refused_when_any_one_is_held(tmp_path):
    child = hold_in_child(tmp_path / "outbox.lock")
    try:
        with pytest.raises(RunError):
            with run_locks([tmp_path / "db.lock", tmp_path / "outbox.lock"]):
                pass
        with run_lock(tmp_path / "db.lock"):  # the first lock was released again
            pass
    finally:
        child.kill()
        child.wait()
