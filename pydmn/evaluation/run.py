"""One evaluation request: its state (`Run`) and the walk of the requirements graph, depth first,
each required decision evaluated once per request."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from pydmn.errors import EvaluationFailed, Message, StrictMessages
from pydmn.evaluation.compiled import CompiledModel
from pydmn.evaluation.decision_table import CompiledTable
from pydmn.evaluation.result import DecisionResult
from pydmn.feel.budget import OverBudget, current
from pydmn.feel.operators import to_feel
from pydmn.feel.scope import Scope
from pydmn.feel.values import FeelValue
from pydmn.model import elements as el
from pydmn.model.types import coerce


_NONE: Mapping[tuple[str, str], FeelValue] = MappingProxyType({})


@dataclass(slots=True)
class Run:
    inputs: Mapping[str, Mapping[str, Any]]   # namespace -> the values given for that model's input data
    messages: list[Message]       # the request's messages (StrictMessages in strict mode)
    root: str | None              # the namespace whose undeclared inputs are free variables
    # decisions by (namespace, name): names are unique in a model, ids may be missing
    overrides: Mapping[tuple[str, str], FeelValue] = field(default_factory=lambda: _NONE)  # -> a decision's value (a service's input)
    results: dict[tuple[str, str], DecisionResult] = field(default_factory=dict)
    bases: dict[str, Scope] = field(default_factory=dict)    # namespace -> Scope of its input values


def input_value(value, name: str, scope: Scope, element_id: str | None = None):
    """A caller's value as FEEL holds it; null with an error when FEEL has no such value.
    The message names the input, never the value (it may be patient data)."""
    try:
        return to_feel(value)
    except TypeError:
        return scope.report("invalid-type", f"input {name!r} is not a FEEL value", element_id)
    except RecursionError:
        return scope.report("limit", f"input {name!r} is nested too deeply", element_id)


def base_scope(model: CompiledModel, run: Run) -> Scope:
    """The scope of a model's input data (and, for the root model, free variables) in a run."""
    base = run.bases.get(model.namespace)
    if base is not None:
        return base
    given = run.inputs.get(model.namespace, {})
    values: dict = {}
    base = model.knowledge.child(values)        # filled below with FEEL values
    base.messages = run.messages
    input_data = model.definitions.input_data
    if run.root == model.namespace:
        # Free variables (inputs no inputData declares) stay visible, as Camunda-style models
        # expect.
        for k, v in given.items():
            if k not in input_data:
                values[k] = input_value(v, k, base)
    for name, data in input_data.items():
        try:
            values[name] = (coerce(input_value(given[name], name, base, data.id),
                                   model.input_types[name], base, data.id, convert_text=True)
                            if name in given else None)
        except OverBudget as exc:       # a long list input: its conversion is charged too
            values[name] = exc.report(base, data.id)
    run.bases[model.namespace] = base
    return base


def _not_given(run: Run, link) -> None:
    """A required input data the caller did not give is null, and a warning names it (once
    per request)."""
    message = Message("missing-input", f"input {link.variable!r} was not given", link.element.id)
    if message not in run.messages:
        run.messages.append(message)


def decide(model: CompiledModel, run: Run, d: el.Decision) -> DecisionResult:
    """The decision's result in this run, evaluating first what it requires, deepest first
    (iteratively: a requirements chain may be as long as a model is large)."""
    wanted = (model.namespace, d.name)
    if wanted in run.results or _evaluate(model, run, d):     # nothing left to evaluate first
        return run.results[wanted]
    stack, expanded = [(model, d, False)], set()
    while stack:
        unit, decision, ready = stack.pop()
        key = (unit.namespace, decision.name)
        if key in run.results:
            continue
        if ready:       # pushed below what it requires, which is evaluated by now
            _evaluate(unit, run, decision)
            continue
        if key in expanded:
            continue
        expanded.add(key)
        stack.append((unit, decision, True))
        if key not in run.overrides:
            stack.extend((unit if link.prefix is None else unit.imports[link.prefix],
                          link.element, False) for link in unit.requirements[decision.name]
                         if isinstance(link.element, el.Decision))   # the links of kind "decision"
    return run.results[wanted]


def _ran_out(messages) -> bool:
    """Whether the budget of the running evaluation ran out while these messages were made."""
    meter = current()
    if meter is None or meter.exceeded is None:
        return False
    text = meter.text()
    return any(m.kind == "limit" and m.text == text for m in messages)


def _evaluate(model: CompiledModel, run: Run, d: el.Decision) -> bool:
    """Evaluate the decision if every decision it requires has a result (False if not)."""
    key = (model.namespace, d.name)
    if key in run.overrides:
        run.results[key] = DecisionResult(d.name, d.id, run.overrides[key], "succeeded")
        return True
    nested: dict[str, dict] = {}
    values: dict[str, Any] = {}
    given = run.inputs.get(model.namespace, ())
    for link in model.requirements[d.name]:
        kind, namespace, element, prefix = link
        name = element.name
        if kind == "input" and prefix is None:     # in the base scope
            if name not in given:
                _not_given(run, link)
            continue
        owner = model if prefix is None else model.imports[prefix]
        if kind == "decision":
            required = run.results.get((namespace, name))
            if required is None:
                return False
            value = required.value
        elif kind == "input":
            if name not in run.inputs.get(namespace, ()):
                _not_given(run, link)
            value = base_scope(owner, run).variables[name]
        else:
            continue
        if prefix:
            nested.setdefault(prefix, dict(owner.functions))[name] = value
            values[link.variable] = value
        else:
            values[name] = value
    values.update(nested)
    messages: list = StrictMessages() if isinstance(run.messages, StrictMessages) else []
    scope = base_scope(model, run).child(values)
    scope.messages = messages
    fn = model.logic[d.name]
    matched: list = []
    inputs: tuple = ()
    try:
        if isinstance(fn, CompiledTable):
            value, matched, inputs = fn.run(scope)
        else:
            value = fn(scope)
        value = coerce(value, model.decision_types[d.name], scope, d.id)
    except (EvaluationFailed, MemoryError):   # strict mode's first error; the process's memory
        raise
    except OverBudget as exc:
        value = exc.report(scope, d.id)
    except RecursionError:
        value = scope.report("limit", "recursion too deep", d.id)
    except Exception as exc:    # noqa: BLE001 - evaluation never raises: a defect is reported
        value = scope.report("internal", f"internal error: {type(exc).__name__}: {exc}", d.id)
    failed = bool(messages) and any(m.severity == "error" for m in messages)
    if failed and _ran_out(messages):
        value = None        # not what a boxed context or loop had built when the budget ran out
    run.results[key] = DecisionResult(d.name, d.id, value, "failed" if failed else "succeeded",
                                      messages, list(matched), inputs)
    run.messages.extend(messages)
    return True
