"""Re-determination of cases under a model version: what each case was answered, what it would be
answered now, and how many moved from one determination to another.

One function, `redetermine`, serves both the bulk `rerun` (webapp/bulk/rerun.py, on Dask workers, one
partition at a time) and the console's "impact on real cases". A case goes through what a request
goes through: the version's input schema and the model's contract (webapp.serving.inputs, webapp.serving.contract:
required fields as on the CAR-T endpoint), the engine, and the answer's shaping (webapp.serving.determination).
A recorded case is determined on the day it was recorded (its determination date), any other today.
A case the version's schema refuses is reported with its errors, never evaluated, never a crash;
a case the version cannot determine within the evaluation budget (webapp.serving.budgets) is reported with the
budget under "evaluation".

    version = ModelVersion("car-t-candidate-selection", Path("draft.dmn").read_bytes())
    impacts = list(redetermine((case_from_record(r) for r in records), version))
    for line in summary_lines(transitions(impacts)):
        print(line)        # "412 documentation_incomplete -> medically_appropriate"
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

import pydmn

from webapp.serving import budgets
from webapp.serving.contract import NONE as NO_CONTRACT, Contract
from webapp.serving.determination import DECISION, shape
from webapp.serving.inputs import inputs_schema, validate_inputs
from webapp.store.stamps import sha256

INVALID = "invalid"     # the new side of a transition when the version's schema refused the case
NONE = "none"           # the old side when there was nothing to compare with


@dataclass(frozen=True)
class Outcome:
    """What a UM team acts on: the determination, the disposition and the findings' ids."""
    determination: str | None
    disposition: str | None
    findings: tuple[str, ...]

    @classmethod
    def of(cls, answer: dict) -> "Outcome":
        """From an answer body or the outputs of an audit record. Records written before findings
        were objects (model v1) list finding ids under failed_criteria and missing_documentation."""
        listed = answer.get("findings")
        if listed is None:
            listed = (answer.get("failed_criteria") or []) + (answer.get("missing_documentation") or [])
        ids = tuple(f["id"] if isinstance(f, dict) else str(f) for f in listed)
        return cls(answer.get("determination"), answer.get("disposition"), ids)


@dataclass(frozen=True)
class Case:
    """One request: an id, its inputs as JSON (the body's `inputs` object, as sent or as recorded),
    and what it was answered, when known (an audit record); None lets the baseline version say."""
    id: str
    inputs: object
    old: Outcome | None = None


@dataclass(frozen=True)
class Impact:
    """One case's result: the old and the new outcome; `errors` (schema messages by field) when the
    version refused the case, and then `new` is None."""
    case_id: str
    old: Outcome | None
    new: Outcome | None
    errors: dict | None = None

    @property
    def transition(self) -> tuple[str, str]:
        old = (self.old.determination or NONE) if self.old else NONE
        new = (self.new.determination or NONE) if self.new else INVALID
        return old, new


class ModelVersion:
    """A model version ready to determine cases: loaded once, its input schema built once."""

    def __init__(self, model_id: str, source: bytes, decision: str = DECISION,
                 contract: Contract = NO_CONTRACT):
        self.model_id = model_id
        self.sha256 = sha256(source)
        self.model = pydmn.load(source)
        if decision not in self.model.definitions.decisions:
            raise ValueError(f"model {model_id} ({self.sha256[:12]}) has no decision {decision!r}")
        self.decision = decision
        self.contract = contract
        self.schema = inputs_schema(self.model, True, "Inputs", contract)

    def determine(self, inputs, budget: pydmn.Budget = pydmn.Budget()) -> tuple[Outcome | None, dict | None]:
        """(outcome, None), or (None, errors) when the inputs do not pass the version's schema or
        the engine fails on them or goes past `budget` (errors under "evaluation")."""
        if not isinstance(inputs, dict):
            return None, {"inputs": ["not an object"]}
        request, supplied, errors = self.contract.replay(inputs)
        if errors:
            return None, errors
        loaded, errors = validate_inputs(self.schema, request, self.contract)
        if errors:
            return None, errors
        try:
            result = self.model.evaluate({**loaded, **supplied}, budget=budget)
        except Exception as exc:      # one bad case must not stop a million; it is reported
            return None, {"evaluation": [f"{type(exc).__name__}: {exc}"]}
        if result.exceeded:
            return None, {"evaluation": [f"evaluation budget exceeded: {budgets.describe(budget, result.exceeded)}"]}
        return Outcome.of(shape(self.model, result, self.decision)), None


def redetermine(cases: Iterable[Case], version: ModelVersion, baseline: ModelVersion | None = None,
                budget: pydmn.Budget = pydmn.Budget()) -> Iterator[Impact]:
    """Each case determined under `version`, beside its old outcome: the case's own (`Case.old`,
    what was answered), else the `baseline` version's determination of it, else none; each
    evaluation under `budget`. Lazy: one case at a time, so a caller streams any number of them."""
    same = baseline is not None and baseline.sha256 == version.sha256
    for case in cases:
        new, errors = version.determine(case.inputs, budget)
        old = case.old
        if old is None and baseline is not None:
            old = new if same else baseline.determine(case.inputs, budget)[0]
        yield Impact(case.id, old, new, errors)


def case_from_record(record: dict) -> Case:
    """An audit record (webapp.store.audit: `get`, `list`) as a case, with what was answered."""
    return Case(record["id"], record["inputs"], Outcome.of(record["outputs"]))


def transitions(impacts: Iterable[Impact]) -> Counter:
    """How many cases went from each old determination to each new one, unchanged ones included."""
    return Counter(impact.transition for impact in impacts)


def summary_lines(counts: Counter) -> list[str]:
    """`412 documentation_incomplete -> medically_appropriate`, changes first, largest first."""
    ordered = sorted(counts.items(), key=lambda item: (item[0][0] == item[0][1], -item[1], item[0]))
    return [f"{n} {old} -> {new}" + (" (unchanged)" if old == new else "") for (old, new), n in ordered]
