"""Work on uploaded models under a time budget, in a child process that is killed when the budget
runs out, and with a memory cap. A thread cannot be stopped and a sync worker serves one request at
a time, so a model crafted to be slow to analyse would otherwise hold the worker (and every request
queued behind it) for as long as the analysis takes. The child is forked: it starts at once with
the worker's loaded modules, and whatever it does to its memory is gone when it exits. Its address
space may grow by `memory_mb` past the worker's (RLIMIT_AS): past that an allocation fails in the
child alone, which answers that it ran out instead of growing until the host's OOM killer picks a
process."""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
import traceback

from webapp.store.errors import Invalid

_FORK = multiprocessing.get_context("fork")


class OverBudget(Exception):
    """The work did not finish within its time budget (the child was killed), or ran out of the
    memory it may use; the message says which, and the budget."""


class ChildFailed(Exception):
    """The work raised in the child (message: the exception type and text) or the child died."""


def _cap_memory(megabytes: float) -> None:
    """Let this process's address space grow by `megabytes` at most, past what it maps now."""
    with open("/proc/self/status") as f:
        mapped_kb = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
    limit = mapped_kb * 1024 + int(megabytes * 1024 * 1024)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(conn, fn, args, memory_mb):
    try:
        if memory_mb is not None:
            _cap_memory(memory_mb)
        conn.send(("ok", fn(*args)))
    except MemoryError:             # what fn held is freed by now: the answer fits
        conn.send(("memory",))
    except BaseException as exc:    # reported to the parent, which decides what it means
        conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


def run(fn, *args, seconds: float, memory_mb: float | None = None):
    """fn(*args) in a forked child whose address space grows by `memory_mb` at most; its
    (picklable) result, or OverBudget / ChildFailed."""
    parent_end, child_end = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_child, args=(child_end, fn, args, memory_mb), daemon=True)
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
    if outcome[0] == "memory":
        raise OverBudget(f"more than {memory_mb:g} MB of memory")
    if outcome[0] == "error":
        raise ChildFailed(outcome[1], outcome[2])
    return outcome[1]


def within_budget(fn, *args, seconds: float, memory_mb: int, too_slow: str, field: str):
    """fn(*args) on content a caller sent, in the child under its budget: past the clock or the
    memory cap an Invalid naming `too_slow`, the budget, and `field` (the same content would fail
    again); a fault in the child raises ChildFailed for the caller to log."""
    try:
        return run(fn, *args, seconds=seconds, memory_mb=memory_mb)
    except OverBudget as exc:
        raise Invalid(f"{too_slow}: {exc}, its budget", {field: [too_slow]}) from None
