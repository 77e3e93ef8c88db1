"""pydmn: a DMN 1.5 decision engine (FEEL, decision tables, boxed expressions).

    model = pydmn.load("policy.dmn", imports=["library.dmn"])
    result = model.evaluate({"Age": 42})
    result["Eligibility"]
    model.evaluate(inputs, budget=pydmn.Budget(steps=100_000, seconds=2))   # bounded work

The public API is the names in `__all__` here, the module `pydmn.feel` (FEEL alone) and
`pydmn.analysis` (validation, table analysis, diff). Every other module is internal and may
change without notice; docs/design.md describes the layers behind these names.
"""
from pydmn import feel
from pydmn.errors import (
    DMNError, EvaluationError, EvaluationFailed, FeelSyntaxError, Message, ModelError, SEVERITY,
)
from pydmn.evaluation.builder import load
from pydmn.evaluation.decision_table import MatchedRule
from pydmn.evaluation.model import Model
from pydmn.evaluation.result import DecisionResult, Result
from pydmn.feel.budget import Budget
from pydmn.feel.builtins.temporal_parse import (
    parse_date, parse_date_and_time, parse_duration, parse_time,
)
from pydmn.feel.operators import duration_text
from pydmn.feel.values import FeelFunction, Range, YearsMonths
from pydmn.model import elements
from pydmn.model.dmn13 import to_dmn13
from pydmn.model.namespaces import MODEL_VERSIONS
from pydmn.model.reader import read
from pydmn.model.types import DataType
from pydmn.model.walk import NamedTable, decision_tables

__all__ = ["load", "read", "Model", "Result", "DecisionResult", "MatchedRule", "DataType", "Budget",
           "decision_tables", "NamedTable", "elements", "to_dmn13", "MODEL_VERSIONS", "feel",
           "Message", "SEVERITY", "DMNError", "ModelError", "FeelSyntaxError", "EvaluationError",
           "EvaluationFailed", "YearsMonths", "Range", "FeelFunction", "duration_text",
           "parse_date", "parse_time", "parse_date_and_time", "parse_duration"]
