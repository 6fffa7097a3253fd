"""Time and size limits on work done with student input.

Every parse and comparison runs under ``run_limited``. It uses an interval timer
(``setitimer``) in the main thread of the process it runs in, which is where work
runs both in a single-process ``grade`` and in the worker processes of
``grade --jobs N`` (each worker executes tasks in its own main thread). The timer
raises ``BudgetExceeded`` inside the running Python code; the reader refuses the
inputs that could spend long inside one C call (huge integers, exponent towers)
before they are built, so a Python-level interrupt is enough.

Outside the main thread (an embedding application calling the library from a
thread) signals cannot be used, so the work runs in a forked child process that
is killed at the deadline.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from typing import Any, Callable, TypeVar

from grader.errors import BudgetExceeded

T = TypeVar("T")

# A submission file larger than this is refused before it is read.
MAX_FILE_BYTES = 2_000_000
_REPEAT_SECONDS = 0.05  # how soon a lost alarm is raised again


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def run_limited(fn: Callable[..., T], *args: Any, seconds: float, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)``; raise ``BudgetExceeded`` if it takes longer than ``seconds``.

    Nested calls keep the earliest deadline: an inner budget never extends the outer one.
    """
    if seconds <= 0:
        raise BudgetExceeded("no time left in the budget")
    if not _in_main_thread():
        return _run_in_child(fn, args, kwargs, seconds)

    previous_handler = signal.getsignal(signal.SIGALRM)
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:
        return fn(*args, **kwargs)  # the outer budget is tighter and already armed

    def on_alarm(signum: int, frame: Any) -> None:
        raise BudgetExceeded(f"took longer than {seconds:g} s")

    started = time.monotonic()
    signal.signal(signal.SIGALRM, on_alarm)
    # Repeating: an exception raised while Python runs a garbage-collection callback is dropped,
    # so a single alarm can be lost; the next tick raises again until the work stops.
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_remaining:
            # Re-arm the outer budget with what is left of it (at least a tick, so it still fires).
            signal.setitimer(signal.ITIMER_REAL, max(outer_remaining - (time.monotonic() - started), 0.001), _REPEAT_SECONDS)


def _child(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as exc:  # reported to the parent, which re-raises it
        conn.send(("error", exc))
    finally:
        conn.close()


def run_in_child(fn: Callable[[], T], seconds: float) -> T:
    """``fn()`` in a forked child, whose only thread is its main thread (so budgets inside work);
    killed at ``seconds`` (``BudgetExceeded``). What ``fn`` returns or raises must pickle."""
    return _run_in_child(fn, (), {}, seconds)


def _run_in_child(fn: Callable[..., T], args: tuple, kwargs: dict, seconds: float) -> T:
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise BudgetExceeded(f"took longer than {seconds:g} s")
        status, value = parent.recv()
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if status == "error":
        raise value
    return value
