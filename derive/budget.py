"""Time budgets that really stop a computation.

sympy's `simplify` can run for minutes and has no time limit of its own. Inside one
process, `deadline` interrupts the main thread with SIGALRM (a `BudgetExceeded` that
derives from BaseException, so no `except Exception` inside sympy can swallow it; it
never leaves derive, which catches it where the budget was set). Every check also runs
in a child process that the parent kills when the claim's whole budget is spent
(`derive.sandbox`), so even code that ignores signals cannot hang derive.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


class BudgetExceeded(BaseException):
    """The time given to a step ran out."""


class StepTimeout(BudgetExceeded):
    """A step's own deadline ran out (not an outer one): the step may give up and the
    check go on."""


class Budget:
    """A wall-clock allowance, shared by the steps of one check."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    @property
    def remaining(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.start))

    @property
    def spent(self) -> float:
        return time.monotonic() - self.start

    def share(self, fraction: float, *, at_least: float = 0.05) -> float:
        """A slice of what remains, for one step."""
        return max(min(at_least, self.remaining), self.remaining * fraction)


REFIRE_SECONDS = 0.05  # after a deadline expires, how soon it fires again if swallowed


@dataclass(eq=False)
class _Open:
    """A deadline whose block has not been left yet."""

    expiry: float  # time.monotonic() at which it expires
    exception: type[BudgetExceeded]
    state: tuple[Any, ...] = ()  # the libraries' global settings when it was entered


def _library_state() -> tuple[Any, ...]:
    """The global settings mpmath and sympy keep between calls: mpmath's working
    precision, sympy's automatic evaluation. An expiry that lands between a library's
    setting and resetting of one (inside `workprec`'s exit) would leave it changed for
    every later decision in the process, so each deadline puts them back when left."""
    mpmath = sys.modules.get("mpmath")
    parameters = sys.modules.get("sympy.core.parameters")
    return (
        mpmath.mp.prec if mpmath else None,
        tuple(vars(parameters.global_parameters).items()) if parameters else None,
    )


def _restore(state: tuple[Any, ...]) -> None:
    precision, settings = state
    mpmath = sys.modules.get("mpmath")
    parameters = sys.modules.get("sympy.core.parameters")
    if mpmath is not None:
        mpmath.mp.prec = precision if precision is not None else DEFAULT_PRECISION
    if parameters is not None:
        for name, value in settings if settings is not None else DEFAULT_SETTINGS:
            setattr(parameters.global_parameters, name, value)


DEFAULT_PRECISION = 53  # mpmath's, in bits
DEFAULT_SETTINGS = (("evaluate", True), ("distribute", True), ("exp_is_pow", False))


_open: list[_Open] = []  # outermost first; one ITIMER_REAL serves them all
_saved_handler: Any = None


def _alarm_usable() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


def _first_expired() -> _Open | None:
    now = time.monotonic()
    return next((entry for entry in _open if entry.expiry <= now), None)


def _arm() -> None:
    """Set the one timer to the earliest open expiry (or clear it)."""
    if not _open:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    left = min(entry.expiry for entry in _open) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _fire(signum: int, frame: object) -> None:
    due = _first_expired()
    if due is None:  # woken early (a timer set by an inner block that has been left)
        _arm()
        return
    # fire again soon while the expired block is open: code that catches the exception as
    # if it were its own (a nested step giving up) must not leave that block unlimited
    signal.setitimer(signal.ITIMER_REAL, REFIRE_SECONDS)
    raise due.exception


def reraise_expired() -> None:
    """Raise the exception of an open deadline that has expired, if any. A handler that
    catches a step's `BudgetExceeded` calls this first: the expiry it caught may be an
    outer deadline's, which must reach the block that set it."""
    due = _first_expired()
    if due is not None:
        raise due.exception


@contextmanager
def deadline(seconds: float, exception: type[BudgetExceeded] = BudgetExceeded) -> Iterator[None]:
    """Raise `exception` in this block after `seconds`. Deadlines nest: each keeps its own
    expiry, the earliest one fires first, and an expired outer deadline fires again every
    50 ms until its block is left, whatever inner code catches. Outside the main thread it
    cannot interrupt and only the sandbox's hard limit applies."""
    if seconds <= 0:
        raise exception
    if not _alarm_usable():
        yield
        return
    global _saved_handler
    entry = _Open(time.monotonic() + seconds, exception, _library_state())
    try:  # entered inside the try: an alarm landing here still finds the block's clean-up
        if not _open:
            _saved_handler = signal.signal(signal.SIGALRM, _fire)
        _open.append(entry)
        _arm()
        yield
    finally:
        while True:  # a re-fire landing in the clean-up must not leave the timer armed
            try:
                if entry in _open:
                    _restore(entry.state)
                    _open.remove(entry)
                if _open:
                    _arm()
                else:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, _saved_handler or signal.SIG_DFL)
                break
            except BudgetExceeded:
                continue


def forget_deadlines() -> None:
    """In a forked child: the parent's open deadlines are not the child's (timers are not
    inherited across fork, the list would be)."""
    _open.clear()
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
