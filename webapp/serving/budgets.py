"""The service's evaluation budgets: every path that evaluates a model (determinations, batch,
evaluate, review, scenarios, impact, rerun) gives each evaluation a `pydmn.Budget` from the settings
(webapp/config.py), and each budget stays below gunicorn's worker timeout, so a version that loops on
one request's input ends that request with a JSON answer instead of taking the worker down.

- `EVALUATION_STEPS`: the work of one evaluation (pydmn counts it: iterations, calls, sizes built).
- `EVALUATION_BUDGET_S`: the wall clock of a request's evaluations in the worker (one deadline for
  all the cases of a batch), and of each evaluation in a child process or on a Dask worker.
- `VALIDATION_BUDGET_S`, `REVIEW_BUDGET_S`: a child process's whole work on uploaded content
  (webapp.governance.bounded), with `CHILD_MEMORY_MB` of memory.

Past the steps a request is 422 (the same request would exceed them again); past the clock it is 503
(a busy machine may answer it later).
"""
from __future__ import annotations

import logging
import time

import pydmn
from webapp.store.errors import Invalid, Unavailable

log = logging.getLogger("webapp.serving.budgets")

# The settings that must each stay below the worker timeout.
BELOW_WORKER_TIMEOUT = ("EVALUATION_BUDGET_S", "VALIDATION_BUDGET_S", "REVIEW_BUDGET_S")


class BudgetConfigError(ValueError):
    """A budget setting the service cannot run with (one line for the operator)."""


def check(config: dict) -> None:
    """Refuse to start with a budget the worker timeout would cut short (an HTML 500 instead of
    the budget's JSON answer)."""
    timeout = config["WORKER_TIMEOUT_S"]
    if config["EVALUATION_STEPS"] < 1:
        raise BudgetConfigError(f"CAR_T_EVALUATION_STEPS must be at least 1, not {config['EVALUATION_STEPS']}")
    for name in BELOW_WORKER_TIMEOUT:
        if not 0 < config[name] < timeout:
            raise BudgetConfigError(f"CAR_T_{name.removesuffix('_S')} is {config[name]:g} s: it must be more than 0 "
                                    f"and less than the worker timeout, CAR_T_WORKER_TIMEOUT ({timeout:g} s)")


def evaluation(config: dict) -> pydmn.Budget:
    """The budget of one evaluation on its own (a scenario, an audited case, a rerun case)."""
    return pydmn.Budget(steps=config["EVALUATION_STEPS"], seconds=config["EVALUATION_BUDGET_S"])


def request(config: dict) -> pydmn.Budget:
    """The budget of each evaluation of the request being served: the steps each, and one deadline
    for them all (a batch's cases included), counted from now."""
    seconds = config["EVALUATION_BUDGET_S"]
    return pydmn.Budget(steps=config["EVALUATION_STEPS"], seconds=seconds, deadline=time.monotonic() + seconds)


def describe(budget: pydmn.Budget, exceeded: str) -> str:
    """What an evaluation went past (`Result.exceeded`), naming the budget and its setting."""
    if exceeded == "steps":
        return f"more than {budget.steps:,} steps, its evaluation budget (CAR_T_EVALUATION_STEPS)"
    return f"not finished within {budget.seconds:g} s, its evaluation budget (CAR_T_EVALUATION_BUDGET)"


def refuse(result, budget: pydmn.Budget, entry, case: str | None = None) -> None:
    """Nothing, or the request's answer when its evaluation went past its budget: Invalid past the
    steps (the same request would exceed them again), Unavailable past the clock (a busy machine
    may answer it later), naming the budget (and the case of a batch). Logged without the inputs."""
    if result.exceeded is None:
        return
    why = describe(budget, result.exceeded)
    log.warning("model=%s version=%s evaluation over its budget: %s%s", entry.id, entry.version[:12],
                result.exceeded, f" (case {case})" if case is not None else "")
    where = f"case {case}" if case is not None else "the request"
    message = f"the model version {entry.number or entry.version[:12]} cannot answer {where}: {why}"
    errors = {"cases": {case: [why]}} if case is not None else {"evaluation": [why]}
    raise (Invalid if result.exceeded == "steps" else Unavailable)(message, errors)
