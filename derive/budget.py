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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


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


def _alarm_usable() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def deadline(seconds: float, exception: type[BudgetExceeded] = BudgetExceeded) -> Iterator[None]:
    """Raise `exception` in this block after `seconds`, and again every 50 ms until the
    block is left (nested deadlines keep the earlier one, which raises its own). Outside
    the main thread it cannot interrupt and only the sandbox's hard limit applies."""
    if not _alarm_usable() or seconds <= 0:
        if seconds <= 0:
            raise BudgetExceeded
        yield
        return
    previous_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if previous_remaining and previous_remaining < seconds:
        yield  # an outer, earlier deadline already governs this block
        return

    def expire(signum: int, frame: object) -> None:
        # fire again soon until the block is left: code that catches the exception as if
        # it were its own (a nested step giving up) must not leave this block unlimited
        signal.setitimer(signal.ITIMER_REAL, REFIRE_SECONDS)
        raise exception

    old_handler = signal.signal(signal.SIGALRM, expire)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        while True:  # a re-fire landing in the clean-up must not leave the timer armed
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old_handler)
                if previous_remaining:
                    left = previous_remaining - (time.monotonic() - start)
                    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
                break
            except BudgetExceeded:
                continue
