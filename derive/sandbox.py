"""Run checks in child processes that are killed when their time is up.

A check is untrusted in the sense that matters here: a statement can make sympy run for
minutes or allocate gigabytes. Each task runs in a forked child with a memory cap; the
parent waits on a pipe with a deadline and kills the child when it passes. Up to
`workers` children run at once. Results come back pickled; a task that crashes, runs out
of memory or time becomes an outcome, never an exception in the parent.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from derive.budget import forget_deadlines

MEMORY_LIMIT_BYTES = 6 * 1024**3
CHILD_MARGIN = 3.0  # a child outlives its deadline by this much only if its parent cannot kill it
WATCH_SECONDS = 0.25  # how often a child's watchdog looks at its parent
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Outcome:
    """`status` is "ok" (with `value`), "timeout", or "crash" (with `message`)."""

    status: str
    value: Any = None
    message: str = ""
    seconds: float = 0.0


@dataclass
class _Running:
    key: Any
    pid: int
    fd: int
    started: float
    deadline: float
    chunks: list[bytes]


def run_isolated(fn: Callable[..., Any], *args: Any, timeout: float) -> Outcome:
    """Run `fn(*args)` in a child process, at most `timeout` seconds."""
    results: dict[Any, Outcome] = {}
    run_many([(0, fn, args)], workers=1, timeout=timeout, on_done=results.__setitem__)
    return results[0]


def run_many(
    tasks: Iterable[tuple[Any, Callable[..., Any], tuple[Any, ...]]],
    *,
    workers: int,
    timeout: float | Callable[[Any], float],
    on_done: Callable[[Any, Outcome], None],
) -> None:
    """Run every task, `workers` at a time, calling `on_done(key, outcome)` as each ends.
    Tasks are taken from `tasks` only as workers free up, so a stream of them is never
    held in memory; `timeout` is seconds per task, or a function of the task's key."""
    if not hasattr(os, "fork"):  # no isolation available: run in process, soft budgets only
        for key, fn, args in tasks:
            on_done(key, _in_process(fn, args))
        return
    seconds = timeout if callable(timeout) else (lambda _key: timeout)
    pending = iter(tasks)
    exhausted = False
    running: dict[int, _Running] = {}
    try:
        while not exhausted or running:
            while not exhausted and len(running) < max(1, workers):
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                key, fn, args = task
                child = _start(key, fn, args, seconds(key))
                running[child.fd] = child
            if running:
                _collect(running, on_done)
    finally:
        for child in running.values():  # interrupted (Ctrl-C): leave no child behind
            _kill(child)


def _start(key: Any, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> _Running:
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            forget_deadlines()
            _watch(parent, timeout + CHILD_MARGIN)
            payload = _compute(fn, args)
            with contextlib.suppress(OSError):
                view = memoryview(payload)
                while view:
                    written = os.write(write_fd, view)
                    view = view[written:]
        finally:  # whatever happens, never unwind into the parent's frames copied here
            os._exit(0)
    os.close(write_fd)
    now = time.monotonic()
    return _Running(key, pid, read_fd, now, now + timeout, [])


def _watch(parent: int, seconds: float) -> None:
    """Make this child end with its parent and within its own wall-clock limit, even if
    the parent is killed with SIGKILL and can no longer kill it: on Linux the kernel sends
    SIGKILL when the parent dies (PR_SET_PDEATHSIG); everywhere, a watchdog thread checks
    the parent and the clock, and a CPU limit stops code that never lets the thread run."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    with contextlib.suppress(ValueError, OSError):
        limit = math.ceil(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    end = time.monotonic() + seconds

    def watchdog() -> None:
        while os.getppid() == parent and time.monotonic() < end:
            time.sleep(WATCH_SECONDS)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watchdog, daemon=True).start()


def _compute(fn: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    start = time.monotonic()
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    try:
        outcome = Outcome("ok", fn(*args), seconds=time.monotonic() - start)
    except MemoryError:
        outcome = Outcome("crash", message="ran out of memory", seconds=time.monotonic() - start)
    except BaseException as exc:  # the child reports every failure; the parent decides
        outcome = Outcome("crash", message=f"{type(exc).__name__}: {exc}")
    try:
        return pickle.dumps(outcome)
    except Exception as exc:  # an unpicklable result is a bug worth seeing
        return pickle.dumps(Outcome("crash", message=f"result could not be sent: {exc}"))


def _collect(running: dict[int, _Running], on_done: Callable[[Any, Outcome], None]) -> None:
    now = time.monotonic()
    wait = max(0.0, min(child.deadline for child in running.values()) - now)
    readable, _, _ = select.select(list(running), [], [], min(wait, 0.5))
    for fd in readable:
        child = running[fd]
        chunk = os.read(fd, 1 << 20)
        if chunk:
            child.chunks.append(chunk)
            continue
        del running[fd]
        os.close(fd)
        os.waitpid(child.pid, 0)
        on_done(child.key, _decode(child))
    now = time.monotonic()
    for fd, child in list(running.items()):
        if now >= child.deadline:
            del running[fd]
            _kill(child)
            on_done(child.key, Outcome("timeout", seconds=now - child.started))


def _decode(child: _Running) -> Outcome:
    data = b"".join(child.chunks)
    if not data:
        return Outcome(
            "crash", message="the check process died", seconds=time.monotonic() - child.started
        )
    try:
        return pickle.loads(data)
    except Exception as exc:
        return Outcome("crash", message=f"unreadable result: {exc}")


def _kill(child: _Running) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    with contextlib.suppress(OSError):
        os.close(child.fd)


def _in_process(fn: Callable[..., Any], args: tuple[Any, ...]) -> Outcome:
    start = time.monotonic()
    try:
        return Outcome("ok", fn(*args), seconds=time.monotonic() - start)
    except Exception as exc:
        return Outcome("crash", message=f"{type(exc).__name__}: {exc}")
