"""Work on uploaded models under a time budget, in a child process that is killed when the budget
runs out. A thread cannot be stopped and a sync worker serves one request at a time, so a model
crafted to be slow to analyse would otherwise hold the worker (and every request queued behind
it) for as long as the analysis takes. The child is forked: it starts at once with the worker's
loaded modules, and whatever it does to its memory is gone when it exits."""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback

_FORK = multiprocessing.get_context("fork")


class OverBudget(Exception):
    """The work did not finish within its budget; the child was killed."""


class ChildFailed(Exception):
    """The work raised in the child (message: the exception type and text) or the child died."""


def _child(conn, fn, args):
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:    # reported to the parent, which decides what it means
        conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


def run(fn, *args, seconds: float):
    """fn(*args) in a forked child; its (picklable) result, or OverBudget / ChildFailed."""
    parent_end, child_end = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_child, args=(child_end, fn, args), daemon=True)
    child.start()
    child_end.close()
    try:
        deadline = time.monotonic() + seconds
        if not parent_end.poll(max(0.0, deadline - time.monotonic())):
            raise OverBudget(f"not finished within {seconds:g} s")
        try:
            outcome = parent_end.recv()
        except EOFError:
            raise ChildFailed("the child process died without an answer") from None
    finally:
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join()
        parent_end.close()
    if outcome[0] == "error":
        raise ChildFailed(outcome[1], outcome[2])
    return outcome[1]
