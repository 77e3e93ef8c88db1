"""Decision services (and logic-less BKMs) as FEEL-callable functions.

A decision service is invoked with its input data and input decisions as parameters (DMN 1.5
§10.4: input data first, then input decisions); input decisions supplied as parameters are not
evaluated. One output decision gives its value, several give a context by decision name.
"""
from __future__ import annotations

from pydmn.errors import Message
from pydmn.feel.values import FeelFunction
from pydmn.model import elements as el
from pydmn.model.types import coerce


class DecisionServiceFunction(FeelFunction):
    def __init__(self, model, service: el.DecisionService, graph):
        self.model = model
        self.service = service
        self.name = service.name
        self.element_id = service.id
        ns = model.namespace

        def resolve(hrefs, kinds):
            out = []
            for href in hrefs:
                key, (unit, element) = graph.resolve(model, href, service, kinds)
                out.append((key, unit, element))
            return out
        self.input_data = resolve(service.input_data, (el.InputData,))
        self.input_decisions = resolve(service.input_decisions, (el.Decision,))
        self.outputs = resolve(service.output_decisions, (el.Decision,))
        resolve(service.encapsulated_decisions, (el.Decision,))
        self.params = [e.name for _, _, e in self.input_data + self.input_decisions]
        self.result_type = model._type(service.type_ref, service)
        self.ns = ns

    def invoke(self, args, named, scope):
        from pydmn.evaluation.engine import Run, _to_feel
        if named is None:
            if len(args) != len(self.params):
                scope.messages.append(Message(
                    "error", "invalid-argument",
                    f"decision service {self.name} takes {len(self.params)} arguments, "
                    f"got {len(args)}", self.element_id))
                return None
            named = dict(zip(self.params, args))
        unknown = set(named) - set(self.params)
        if unknown:
            scope.messages.append(Message("error", "invalid-argument",
                                          f"decision service {self.name} has no parameter "
                                          f"{sorted(unknown)[0]!r}", self.element_id))
            return None
        by_ns: dict = {}
        overrides = {}
        for group in (self.input_data, self.input_decisions):
            for key, unit, element in group:
                arg = _to_feel(named.get(element.name))
                types = unit.input_types if group is self.input_data else unit.decision_types
                value = coerce(arg, types[element.name], scope, self.element_id)
                if value is None and arg is not None:
                    return None      # a non-conforming parameter: the service is not invoked
                if group is self.input_data:
                    by_ns.setdefault(key[0], {})[element.name] = value
                else:
                    overrides[key] = value
        run = Run(by_ns, scope.messages, overrides)
        run.root = None       # only declared input data, no free variables
        values = {}
        for key, unit, element in self.outputs:
            values[element.name] = unit._decision(run, element).value
        result = next(iter(values.values())) if len(values) == 1 else values
        return coerce(result, self.result_type, scope, self.element_id)


class _NullFunction(FeelFunction):
    def __init__(self, name, element_id):
        self.name = name
        self.element_id = element_id
        self.params = ()

    def invoke(self, args, named, scope):
        return None


def null_function(name, element_id):
    """A BKM without encapsulated logic: invocable, always null (DMN allows such stubs)."""
    return _NullFunction(name, element_id)
