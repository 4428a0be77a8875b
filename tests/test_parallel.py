"""Feedback workbooks written by worker processes are the same as those written one by one."""
from __future__ import annotations

from pathlib import Path

import docx
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
    outputs, documents = {}, {}
    for workers in (1, 2):
        path = write_synth_config(config, truth.departments, tmp_path / f"config{workers}.yaml")
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["run"]["feedback_workers"] = workers
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        out = tmp_path / f"out{workers}"
        assert main(["run", "--config", str(path), "--inbox", str(tmp_path / "inbox"), "--outbox", str(out),
                     "--db", str(out / "db.sqlite"), "--as-of", "2026-11-26"]) == 0
        outputs[workers] = sorted((out / "2026-W48" / "feedback").glob("*.xlsx"))
        documents[workers] = out / "2026-W48"
    serial, parallel = outputs[1], outputs[2]
    assert [p.name for p in serial] == [p.name for p in parallel] and len(serial) >= 52
    for a, b in list(zip(serial, parallel))[:5]:
        assert cells(a) == cells(b)
    # the 通报 and the summary workbook, written by another worker, are the same too
    (one,), (two,) = (list(documents[w].glob("政务失信问题台账汇总*.xlsx")) for w in (1, 2))
    assert cells(one) == cells(two)
    (one,), (two,) = (list(documents[w].glob("*.docx")) for w in (1, 2))
    assert [p.text for p in docx.Document(str(one)).paragraphs] == [p.text for p in docx.Document(str(two)).paragraphs]


# --- runtime/parallel.run_jobs: forked workers share the jobs, results and errors come back ---

import multiprocessing  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402

import pytest  # noqa: E402

from pipeline.core.errors import PipelineError, RunError  # noqa: E402
from pipeline.runtime.parallel import can_fork, run_jobs  # noqa: E402

needs_fork = pytest.mark.skipif(not can_fork(), reason="workers are forked processes (Linux)")


def _meeting(barrier, i):
    """A job that returns only once another process is running a job too (two workers at once)."""
    def job():
        barrier.wait(timeout=20)
        return i, os.getpid()
    return job


@needs_fork
def test_two_workers_run_jobs_at_once_and_results_keep_the_jobs_order():
    barrier = multiprocessing.get_context("fork").Barrier(2)
    jobs = [_meeting(barrier, 0), _meeting(barrier, 1)] + [lambda i=i: (i, os.getpid()) for i in range(2, 12)]
    results = run_jobs(jobs, workers=2)
    assert [i for i, _ in results] == list(range(12))
    assert len({pid for _, pid in results[:2]}) == 2  # the first two ran in two processes
    assert os.getpid() in {pid for _, pid in results}  # this process is one of the workers


def test_a_command_leaves_the_collector_as_it_found_it(tmp_path):
    import gc

    config = load_config(config_path())
    truth = generate_inbox(tmp_path / "inbox", config, departments=3, rows_per_file=2, seed=5)
    path = write_synth_config(config, truth.departments, tmp_path / "config.yaml")
    gc.unfreeze()
    assert main(["run", "--config", str(path), "--inbox", str(tmp_path / "inbox"), "--outbox", str(tmp_path / "out"),
                 "--db", str(tmp_path / "db.sqlite"), "--as-of", "2026-11-26"]) == 0
    assert gc.get_freeze_count() == 0  # nothing stays frozen out of the collection in a long-lived process


def test_one_worker_runs_every_job_here_in_order():
    seen = []
    results = run_jobs([lambda i=i: seen.append(i) or i * i for i in range(5)], workers=1)
    assert results == [0, 1, 4, 9, 16] and seen == [0, 1, 2, 3, 4]


def _in_the_worker(action):
    """A job that waits until two processes run it at once, then calls `action` in the worker (not here)."""
    parent = os.getpid()
    barrier = multiprocessing.get_context("fork").Barrier(2)

    def job():
        barrier.wait(timeout=20)
        if os.getpid() != parent:
            action()
        return "here"
    return job


def _raise(exc):
    def action():
        raise exc
    return action


@needs_fork
def test_an_error_in_a_worker_is_raised_here_with_every_line():
    job = _in_the_worker(_raise(PipelineError(["第一行", "第二行"])))
    with pytest.raises(PipelineError) as caught:
        run_jobs([job, job, lambda: "later"], workers=2)
    assert caught.value.lines == ["第一行", "第二行"]
    assert "在并行处理的子进程中" in caught.value.__notes__[0] and "def action" not in caught.value.lines[0]


@needs_fork
def test_an_os_error_in_a_worker_keeps_its_errno_and_file():
    job = _in_the_worker(_raise(OSError(27, "File too large", "通报.docx")))
    with pytest.raises(OSError) as caught:
        run_jobs([job, job], workers=2)
    assert (caught.value.errno, caught.value.filename) == (27, "通报.docx")
    assert "in action" in caught.value.__notes__[0]  # the worker's traceback, for the log


@needs_fork
def test_a_worker_that_dies_is_a_run_error_not_a_missing_file():
    job = _in_the_worker(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(RunError, match="子进程意外退出"):
        run_jobs([job, job, lambda: None], workers=2)


class _TwoPartError(Exception):
    """An exception that pickles but cannot be rebuilt from its args (as some libraries' are)."""

    def __init__(self, what, where):
        super().__init__(f"{what} in {where}")


@needs_fork
def test_an_error_that_cannot_be_rebuilt_here_is_a_run_error_and_every_worker_is_waited_for():
    job = _in_the_worker(_raise(_TwoPartError("bad", "通报")))
    with pytest.raises(RunError, match="并行处理的结果无法传回.*where"):
        run_jobs([job, job], workers=2)
    assert multiprocessing.active_children() == []


def _sleep_in_the_worker(seconds):
    def action():
        import time

        time.sleep(seconds)
    return _in_the_worker(action)


@needs_fork
def test_an_interrupt_while_waiting_for_a_worker_stops_the_worker_before_it_goes_on():
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        job = _sleep_in_the_worker(60)
        signal.setitimer(signal.ITIMER_REAL, 1.0)  # this process waits for the worker by then
        with pytest.raises(KeyboardInterrupt):
            run_jobs([job, job], workers=2)
        assert multiprocessing.active_children() == []  # the worker is not left writing on
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        for child in multiprocessing.active_children():
            child.kill()


@needs_fork
def test_a_ctrl_c_in_a_worker_prints_no_traceback_on_the_console(capfd):
    job = _in_the_worker(lambda: os.kill(os.getpid(), signal.SIGINT))  # Ctrl-C reaches the worker too
    with pytest.raises(RunError, match="子进程意外退出"):
        run_jobs([job, job], workers=2)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
