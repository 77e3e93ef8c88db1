"""Decision services (and logic-less BKMs) as FEEL-callable functions.

A decision service is invoked with its input data and input decisions as parameters (DMN 1.5
§10.4: input data first, then input decisions); input decisions supplied as parameters are not
evaluated. One output decision gives its value, several give a context by decision name.
"""
from __future__ import annotations

from typing import Mapping

from pydmn.evaluation.graph import Link
from pydmn.evaluation.run import Run, decide, input_value
from pydmn.feel.budget import charge
from pydmn.feel.values import FeelFunction
from pydmn.model import elements as el
from pydmn.model.types import DataType, coerce


class DecisionServiceFunction(FeelFunction):
    """`models` maps namespaces to the compiled models the service's elements belong to; the
    builder fills it, so a service may name decisions of the model that is being built."""

    def __init__(self, service: el.DecisionService, input_data: list[Link],
                 input_decisions: list[Link], outputs: list[Link], result_type: DataType,
                 models: Mapping):
        self.name = service.name
        self.element_id = service.id
        self.input_data = input_data
        self.input_decisions = input_decisions
        # (namespace, decision): the builder links outputs of kind "decision", so all are kept
        self.outputs = [(link.namespace, link.element) for link in outputs
                        if isinstance(link.element, el.Decision)]
        self.params = [link.element.name for link in input_data + input_decisions]
        self.result_type = result_type
        self.models = models

    def invoke(self, args, named, scope):
        if named is None:
            if len(args) != len(self.params):
                return scope.report("invalid-argument",
                                    f"decision service {self.name} takes {len(self.params)} "
                                    f"arguments, got {len(args)}", self.element_id)
            named = dict(zip(self.params, args))
        unknown = set(named) - set(self.params)
        if unknown:
            return scope.report("invalid-argument", f"decision service {self.name} has no "
                                f"parameter {sorted(unknown)[0]!r}", self.element_id)
        charge(1)
        inputs: dict = {}
        overrides = {}
        for group in (self.input_data, self.input_decisions):
            for link in group:
                model = self.models[link.namespace]
                name = link.element.name
                arg = input_value(named.get(name), name, scope, self.element_id)
                types = model.input_types if group is self.input_data else model.decision_types
                value = coerce(arg, types[name], scope, self.element_id)
                if value is None and arg is not None:
                    return None      # a non-conforming parameter: the service is not invoked
                if group is self.input_data:
                    inputs.setdefault(link.namespace, {})[name] = value
                else:
                    overrides[link.key] = value
        # only the declared input data: no free variables
        run = Run(inputs, scope.messages, root=None, overrides=overrides)
        values = {decision.name: decide(self.models[namespace], run, decision).value
                  for namespace, decision in self.outputs}
        result = next(iter(values.values())) if len(values) == 1 else values
        return coerce(result, self.result_type, scope, self.element_id)


class NullFunction(FeelFunction):
    """A BKM without encapsulated logic: invocable, always null (DMN allows such stubs)."""

    def __init__(self, name: str, element_id: str | None):
        self.name = name
        self.element_id = element_id
        self.params = ()

    def invoke(self, args, named, scope):
        return None
