"""A program as a user of the pydmn library writes it: load the CAR-T model, evaluate its example,
read the results, evaluate FEEL alone, validate the model. tests/typing/test_pydmn_types.py
type-checks it with mypy --strict --disallow-any-expr (the public API must carry its types to a strict caller) and
runs it. Its names are inferred, not declared: an Any from pydmn is then an error here. Prints
one JSON object."""
import json
import sys
from decimal import Decimal
from pathlib import Path

import pydmn
from pydmn import feel
from pydmn.analysis import has_errors, validate


def determination(model: pydmn.Model, inputs: dict[str, object]) -> tuple[str, list[str]]:
    result = model.evaluate(inputs, budget=pydmn.Budget(steps=1_000_000))
    decision = result.decisions["Determination"]
    rules = [f"{r.rule_id}:{r.index}" for r in decision.matched_rules]
    kinds = [m.kind for m in result.messages]
    assert result.succeeded, kinds
    value: str = str(result["Determination"])
    return value, rules


def main(model_path: Path, example_path: Path) -> None:
    model = pydmn.load(model_path)
    name = model.name
    value, rules = determination(model, json.loads(example_path.read_text()))  # type: ignore[misc]  # JSON is Any
    total = feel.evaluate("a + b", {"a": 1, "b": 2})  # type: ignore[misc]  # variables: any Python values
    in_range = feel.unary_test("[1..5]", 3)
    findings = validate(model_path)
    summary = {"model": name, "determination": value, "rules": len(rules),
               "total": str(total) if isinstance(total, Decimal) else None,
               "in_range": in_range, "errors": has_errors(findings)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
