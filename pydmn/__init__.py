"""pydmn: a DMN 1.5 decision engine (FEEL, decision tables, boxed expressions).

    model = pydmn.load("policy.dmn")
    result = model.evaluate({"Age": 42})
    result["Eligibility"]
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydmn.errors import DMNError, EvaluationError, FeelSyntaxError, Message, ModelError
from pydmn.feel.values import FeelFunction, Range, YearsMonths

if TYPE_CHECKING:
    from pydmn.evaluation.engine import Model

__all__ = ["load", "Model", "Result", "DecisionResult", "MatchedRule", "DataType", "Message",
           "DMNError", "ModelError", "FeelSyntaxError", "EvaluationError", "YearsMonths", "Range",
           "FeelFunction", "parse_date", "parse_time", "parse_date_and_time", "parse_duration"]

_TEXT_PARSERS = ("parse_date", "parse_time", "parse_date_and_time", "parse_duration")


def load(source, imports=()) -> "Model":
    """Load a DMN model from a path, bytes or XML text; `imports` are the models it imports
    (Model objects, paths, bytes or text), matched by namespace. Raises ModelError."""
    from pydmn.evaluation.engine import Model
    return Model.load(source, imports=imports)


def __getattr__(name):
    # Lazy: the model layer needs the FEEL compiler, which `import pydmn.errors` should not.
    if name == "Model":
        from pydmn.evaluation.engine import Model
        return Model
    if name in ("Result", "DecisionResult", "MatchedRule"):
        from pydmn.evaluation import result
        return getattr(result, name)
    if name in _TEXT_PARSERS:     # FEEL's lexical forms: the value, or None for other text
        from pydmn.feel.builtins import temporal_parse
        return getattr(temporal_parse, name)
    if name == "DataType":
        from pydmn.model.types import DataType
        return DataType
    raise AttributeError(name)
