"""`pydmn.Model`: a compiled DMN model, frozen once built (pydmn.evaluation.builder), and its
evaluation. Evaluation never raises except for caller mistakes (an unknown decision name) and,
in strict mode, the first error. Each call evaluates under a budget of its own
(pydmn.feel.budget)."""
from __future__ import annotations

from threading import get_ident
from collections.abc import Iterable, Mapping
from typing import Any

from pydmn.errors import EvaluationError, EvaluationFailed, Message, StrictMessages
from pydmn.evaluation.compiled import CompiledModel
from pydmn.evaluation.result import DecisionResult, Result
from pydmn.evaluation.run import Run, decide, input_value
from pydmn.feel.budget import DEFAULT, Budget, OverBudget, begin, current, end
from pydmn.feel.scope import Scope
from pydmn.feel.values import FeelValue


class Model(CompiledModel):
    """What a loaded model holds (CompiledModel) and the requests over it."""

    def evaluate(self, inputs: Mapping[str, Any] | None = None,
                 decision: str | Iterable[str] | None = None,
                 namespaces: Mapping[str, Mapping[str, Any]] | None = None, strict: bool = False,
                 budget: Budget = DEFAULT) -> Result:
        """Evaluate all decisions, or only `decision` (a name or list of names) and what it needs.

        Inputs of an imported model are given nested under its import name
        (`{"modelA": {"Person name": "Ann"}}`, recursively for its own imports), or by
        namespace in `namespaces`. `strict` raises EvaluationFailed at the first error.
        `budget` bounds the work of this call: past it the decision at work fails with a
        `limit` message and `Result.exceeded` says which limit.
        """
        defs = self.definitions
        wanted = list(defs.decisions) if decision is None else (
            [decision] if isinstance(decision, str) else list(decision))
        for name in wanted:
            if name not in defs.decisions:
                raise EvaluationError(f"no decision named {name!r} in model {self.name!r}")
        by_ns: Mapping[str, Mapping[str, Any]]
        if self.imports or namespaces:
            routed = {ns: dict(values) for ns, values in (namespaces or {}).items()}
            self._route(dict(inputs or {}), routed)
            by_ns = routed
        else:
            by_ns = {self.namespace: inputs or {}}
        result = Result()
        run = Run(by_ns, StrictMessages() if strict else result.messages, root=self.namespace)
        # budget.begin and budget.end, their common case inline: the hot path of every request
        meter = current()
        if meter is None or meter.budget is not None or meter.owner != get_ident():
            meter = begin(budget)
        else:
            meter.budget = budget
        try:
            for name in wanted:
                decide(self, run, defs.decisions[name])
        finally:
            if meter.armed or meter._token is not None:
                result.steps, result.exceeded = end(meter)
            else:
                meter.budget = None
        if strict:
            result.messages.extend(run.messages)
        ns, results = self.namespace, run.results
        for name, d in defs.decisions.items():
            result.decisions[name] = results.get((ns, name)) or DecisionResult(name, d.id)
        return result

    def _route(self, given: dict[str, Any], by_ns: dict[str, dict[str, Any]]) -> None:
        """File the caller's inputs by namespace: a dict under an import's name (that no input
        data of this model is called) holds the imported model's inputs."""
        for prefix, sub in self.imports.items():
            if isinstance(given.get(prefix), dict) and prefix not in self.definitions.input_data:
                sub._route(dict(given.pop(prefix)), by_ns)
        by_ns.setdefault(self.namespace, {}).update(given)

    def invoke(self, name: str, params: Mapping[str, Any] | None = None, strict: bool = False,
               budget: Budget = DEFAULT) -> FeelValue:
        """Call a BKM or decision service by name with named parameters, under `budget`."""
        return self.invoke_with_messages(name, params, strict, budget)[0]

    def invoke_with_messages(self, name: str, params: Mapping[str, Any] | None = None,
                             strict: bool = False,
                             budget: Budget = DEFAULT) -> tuple[FeelValue, list[Message]]:
        fn = self.functions.get(name)
        if fn is None:
            raise EvaluationError(f"no business knowledge model or decision service named "
                                  f"{name!r} in model {self.name!r}")
        scope = Scope(messages=StrictMessages() if strict else [])
        meter = begin(budget)
        try:
            value = fn.invoke(None, {k: input_value(v, k, scope) for k, v in
                                     (params or {}).items()}, scope)
        except (EvaluationFailed, MemoryError):
            raise
        except OverBudget as exc:
            value = exc.report(scope)
        except RecursionError:
            value = scope.report("limit", "recursion too deep")
        except Exception as exc:     # noqa: BLE001 - evaluation never raises: a defect is reported
            value = scope.report("internal", f"internal error: {type(exc).__name__}: {exc}")
        finally:
            end(meter)
        return value, list(scope.messages)

