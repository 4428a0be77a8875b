"""Work of a run done by several processes at once: reading the inbox's files, writing the output files.

Where the operating system can fork (Linux), the workers are forked copies of this process: they inherit the
run's tables as they are, so nothing is copied or pickled on the way in, and each takes the next job from one
shared counter, so a long job (the 通报) and many short ones (a file to read, a feedback workbook) share the
cores evenly.
This process is one of the workers. Only each job's result comes back (pickled through a pipe). Elsewhere,
or with one worker, the jobs run here one after another; the files are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.core.errors import RunError

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def run_jobs(jobs: Sequence[Callable[[], Any]], workers: int) -> list[Any]:
    """Call every job once and return their results in the jobs' order. Jobs are started in their order by
    whichever worker is free, so the longest should come first. When a job raises, no worker starts another
    one, every worker is waited for, and the first exception is raised here."""
    workers = min(workers, len(jobs), os.cpu_count() or 1)
    if workers < 2 or not can_fork():
        return [job() for job in jobs]
    mp = multiprocessing.get_context("fork")
    # The objects so far stay out of every collection, in the workers (their pages stay shared, not copied)
    # and here for the rest of the command: later collections have far less to walk (measured: 0.3 s of CPU
    # in a county week). cli.main unfreezes them when the command ends, so a long-lived caller does not grow.
    gc.freeze()
    return _run_forked(jobs, workers, mp)


def _run_forked(jobs: Sequence[Callable[[], Any]], workers: int, mp) -> list[Any]:
    counter, failed = mp.Value("i", 0), mp.Value("b", 0)
    children = []
    try:
        for _ in range(workers - 1):
            receive, send = mp.Pipe(duplex=False)
            child = mp.Process(target=_child, args=(jobs, counter, failed, send, os.getpid()), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
        done, errors = _take_jobs(jobs, counter, failed)
        for child, receive in children:
            theirs, their_errors = _receive(child, receive)
            done.update(theirs)
            errors += their_errors
    except BaseException:  # this process failed or was interrupted (also while waiting for a worker): the
        failed.value = 1  # workers stop before the error goes on
        for child, receive in children:
            child.terminate()
            child.join()
            receive.close()
        raise
    if errors:
        raise min(errors, key=lambda e: e[0])[1]
    if len(done) < len(jobs):  # a worker ended without finishing the jobs it took
        raise RunError("并行处理的子进程意外退出；本次结果未保存")
    return [done[i] for i in range(len(jobs))]


def _take_jobs(jobs, counter, failed) -> tuple[dict[int, Any], list[tuple[int, BaseException]]]:
    done: dict[int, Any] = {}
    errors: list[tuple[int, BaseException]] = []
    while not failed.value:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= len(jobs):
            break
        try:
            done[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            failed.value = 1
            errors.append((i, exc))
    return done, errors


def _child(jobs, counter, failed, send, parent: int) -> None:
    try:
        _die_with_parent(parent)
        done, errors = _take_jobs(jobs, counter, failed)
        for _, exc in errors:  # the worker's traceback travels as a note: the log shows where it failed
            exc.add_note("在并行处理的子进程中：\n" + "".join(traceback.format_exception(exc)))
        try:
            send.send((done, errors))
        except Exception as exc:  # noqa: BLE001 - a result or an exception that cannot be pickled
            send.send(
                ({}, [(min([i for i, _ in errors] or [len(jobs)]), RunError(f"并行处理的结果无法传回（{exc}）"))])
            )
        send.close()
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the console: the parent reports it, once
        sys.exit(128 + 2)  # SIGINT; multiprocessing prints no traceback for an exit


def _receive(child, receive) -> tuple[dict[int, Any], list[tuple[int, BaseException]]]:
    try:
        done, errors = receive.recv()
    except EOFError:  # the worker died without a word (killed, out of memory)
        done, errors = {}, []
    except Exception as exc:  # noqa: BLE001 - cut off mid-message, or an exception that cannot be rebuilt here
        done, errors = {}, [(-1, RunError(f"并行处理的结果无法传回（{type(exc).__name__}：{exc}）"))]
    finally:
        receive.close()
    child.join()
    if child.exitcode and not errors:
        errors = [(-1, RunError(f"并行处理的子进程意外退出（退出码 {child.exitcode}）；本次结果未保存"))]
    return done, errors


def _die_with_parent(parent: int) -> None:
    """A worker whose parent was killed stops too, instead of writing on into a folder nobody will keep
    (also when the parent died before this line: the worker then belongs to another process)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, 9)  # SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
