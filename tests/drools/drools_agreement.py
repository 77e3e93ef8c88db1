"""Does a model mean the same on pydmn and on Drools (the Apache KIE engine)? Every decision's
value and status, for a list of inputs, each disagreement classified by its cause.

Each input is a JSON body, as a caller sends it. pydmn gets it the way the service's evaluation
endpoint does (webapp.serving.jsonvalues.parse_body, then the model's input schema; a body the schema
refuses is answered 422 and counted as refused, not compared); Drools gets the same text.

    python tests/drools/drools_agreement.py [MODEL] --generated 3000 --seed 19    (make drools)

Classes of disagreement (docs/feel.md, "Agreement with Drools", says how each was decided):
- `input-type-constraint`: Drools turns an input expression's typeRef allowed values into the
  column's input values and fails the table on a value outside them, null included.
- `absent-input-data`: an input data not given at all; Drools skips every decision requiring it,
  pydmn binds null and warns (`missing-input`).
- `empty-collect`: a COLLECT table without aggregation that no rule matches: Drools gives [],
  pydmn null (DMN 1.6 10.3.2.10: "null if no default output value is specified"); a COUNT
  table likewise gives 0 on Drools.
- `null-list-item`: otherwise unexplained, in an input with a null item in a list. A filter
  naming an item's components (`transplants[type = "allogeneic_hct"]`) finds none on a null
  item: pydmn reports the unresolved name (the decision fails), Drools says nothing; and
  `sort` with a function that returns null for the null item's date is null on pydmn, sorted
  on Drools.
- `unexplained`: anything else; never expected.
A decision that differs only because a decision it requires differed counts under that one's
class, as a cascade.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pydmn
from drools_executor import Executor
from drools_inputs import Generator, scenario_cases
from pydmn import YearsMonths, parse_date_and_time, parse_duration, parse_time
from pydmn.analysis import validate
from webapp.serving.jsonvalues import BodyError, parse_body
from webapp.serving.inputs import inputs_schema, validate_inputs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"

CLASSES = ("input-type-constraint", "absent-input-data", "empty-collect", "null-list-item", "unexplained")


def warned_empty_collects(path) -> frozenset:
    """The decisions validation reports as leaning on an empty COLLECT: the only places the
    comparison tolerates Drools' [] against pydmn's null, because the committee has been told."""
    return frozenset(f.table for f in validate(path) if f.code == "portability-empty-collect")


# -- values -----------------------------------------------------------------------------------
def same_value(ours, theirs) -> bool:
    """pydmn's FEEL value against Drools' JSON for it. The JSON loses FEEL's kinds, so pydmn's
    value says how to read Drools' text; each reading below is the only one Drools' serializer
    allows for that kind."""
    if ours is None:
        return theirs is None
    if isinstance(ours, bool):
        # Before numbers: Python's True == 1, FEEL's true is no number.
        return isinstance(theirs, bool) and ours == theirs
    if isinstance(ours, Decimal):
        # Both engines compute decimal128 (34 digits); Drools writes BigDecimal as a JSON number
        # (1E+2 and 100 alike), read here as a Decimal: equal as numbers, not as text.
        return isinstance(theirs, Decimal) and not isinstance(theirs, bool) and ours == theirs
    if isinstance(ours, str):
        return isinstance(theirs, str) and ours == theirs
    if isinstance(ours, dt.datetime):
        # A date and time is ISO text (Jackson's JavaTimeModule), offsets and zone ids included.
        return isinstance(theirs, str) and parse_date_and_time(theirs) == ours
    if isinstance(ours, dt.date):
        # A LocalDate is its ISO text, YYYY-MM-DD.
        return isinstance(theirs, str) and theirs == ours.isoformat()
    if isinstance(ours, dt.time):
        return isinstance(theirs, str) and parse_time(theirs) == ours
    if isinstance(ours, (dt.timedelta, YearsMonths)):
        # Java's Duration writes PT26H where FEEL writes P1DT2H: compared as durations.
        return isinstance(theirs, str) and parse_duration(theirs) == ours
    if isinstance(ours, list):
        # In rule order on both engines (a COLLECT's "arbitrary order" is rule order on each).
        return (isinstance(theirs, list) and len(ours) == len(theirs)
                and all(same_value(a, b) for a, b in zip(ours, theirs)))
    if isinstance(ours, dict):
        # A context: the same keys, each value the same; key order is not part of the value.
        return (isinstance(theirs, dict) and ours.keys() == theirs.keys()
                and all(same_value(v, theirs[k]) for k, v in ours.items()))
    # Ranges and functions have no JSON form on Drools' side that could be compared.
    return False


# -- one input --------------------------------------------------------------------------------
@dataclasses.dataclass
class Disagreement:
    case: str
    decision: str
    kind: str                 # one of CLASSES
    cascade: bool             # differs only because a decision it requires differs
    ours: tuple               # (status, value)
    theirs: tuple             # (status, value, messages)


def _drools_messages(answer: dict, decision: dict) -> list[str]:
    """Drools puts a decision's messages partly on the decision, partly at the top, by sourceId."""
    own = [m.get("message", "") for m in decision.get("messages") or []]
    return own + [m.get("message", "") for m in answer.get("messages") or []
                  if m.get("sourceId") == decision.get("decisionId")]


def _has_null_item(value) -> bool:
    if isinstance(value, list):
        return any(v is None or _has_null_item(v) for v in value)
    if isinstance(value, dict):
        return any(_has_null_item(v) for v in value.values())
    return False


class Comparison:
    """Compares one model on both engines, input after input, and keeps the figures."""

    def __init__(self, model_path: Path, executor, tolerate: frozenset = frozenset()):
        """`tolerate`: decisions at which the empty-COLLECT divergence is known and reported by
        validation (a portability warning): counted as tolerated, not as agreement."""
        self.xml = Path(model_path).read_text(encoding="utf-8")
        self.model = pydmn.load(model_path)
        self.schema = inputs_schema(self.model, False, "Inputs")
        self.executor = executor
        self.tolerate = tolerate
        self.inputs = self.refused = self.decisions = self.agreed = 0
        self.tolerated: Counter = Counter()
        self.disagreements: list[Disagreement] = []
        self.examples: dict[str, tuple[str, str]] = {}      # class -> (case, JSON input)
        self._null_items = False
        self.seconds = 0.0

    def run(self, cases) -> "Comparison":
        started = time.perf_counter()
        for title, body in cases:
            self.one(title, body)
        self.seconds += time.perf_counter() - started
        return self

    def one(self, title: str, body: str) -> None:
        try:
            data = parse_body(body.encode())
        except BodyError:
            self.refused += 1
            return
        loaded, errors = validate_inputs(self.schema, data)
        if errors:
            self.refused += 1
            return
        result = self.model.evaluate(loaded)
        answer = self.executor.evaluate(self.xml, body)
        self.inputs += 1
        theirs = {d["decisionName"]: d for d in answer["decisionResults"]}
        self._null_items = _has_null_item(data)
        found: dict[str, Disagreement] = {}
        for name, ours in result.decisions.items():        # requirements before what needs them
            self.decisions += 1
            drools = theirs.get(name)
            status = drools["evaluationStatus"].lower() if drools else "absent"
            value = drools.get("result") if drools else None
            if status == ours.status and same_value(ours.value, value):
                self.agreed += 1
                continue
            kind, cascade = self._classify(name, ours, drools, answer, found)
            found[name] = Disagreement(title, name, kind, cascade, (ours.status, ours.value),
                                       (status, value, _drools_messages(answer, drools) if drools else []))
            if self._tolerated(found[name]):
                self.tolerated[name] += 1
                continue
            self.disagreements.append(found[name])
            self.examples.setdefault(kind, (title, body))

    def _classify(self, name, ours, drools, answer, found) -> tuple[str, bool]:
        if drools is None:
            return "unexplained", False
        messages = _drools_messages(answer, drools)
        status = drools["evaluationStatus"]
        if status == "FAILED" and any("does not match any of the valid values" in m for m in messages):
            return "input-type-constraint", False
        if status == "SKIPPED" and any(re.match(r"Required dependency '.*' not found", m) for m in messages):
            return "absent-input-data", False
        if self._empty_collect(name, ours, drools.get("result")):
            return "empty-collect", False
        # A cascade takes its class from what it waited for: the decisions Drools names as the
        # reason it skipped, then the required ones that differ; a tolerated empty COLLECT only
        # when nothing else differs upstream.
        blockers = re.findall(r"as it depends on decision '(.*?)'", " ".join(messages))
        blockers += [link.element.name for link in self.model.requirements.get(name, ())
                     if link.kind == "decision"]
        upstream = [found[b] for b in blockers if b in found]
        if upstream:
            chosen = next((d for d in upstream if not self._tolerated(d)), upstream[0])
            return chosen.kind, True
        return ("null-list-item" if self._null_items else "unexplained"), False

    def _tolerated(self, d: Disagreement) -> bool:
        return d.kind == "empty-collect" and not d.cascade and d.decision in self.tolerate

    def _empty_collect(self, name, ours, value) -> bool:
        """No rule matched in a COLLECT table: pydmn's null against Drools' [] (or 0 for COUNT)."""
        table = self.model.definitions.decisions[name].expression
        if getattr(table, "hit_policy", None) != "COLLECT" or ours.matched_rules or ours.value is not None:
            return False
        if table.aggregation is None:
            return value == []
        return table.aggregation == "COUNT" and value == 0

    @property
    def unresolved(self) -> list[Disagreement]:
        """What the model must still change: every class but an absent input data, which no
        model can write around (Drools refuses to evaluate without it) and the service's
        determination endpoint never lets through."""
        return [d for d in self.disagreements if d.kind != "absent-input-data"]

    # -- figures --------------------------------------------------------------------------------
    def by_class(self) -> dict[str, dict]:
        out = {}
        for kind in CLASSES:
            rows = [d for d in self.disagreements if d.kind == kind]
            if rows:
                out[kind] = {"decisions": len(rows), "cascaded": sum(d.cascade for d in rows),
                             "inputs": len({d.case for d in rows}),
                             "where": Counter(d.decision for d in rows if not d.cascade)}
        return out

    def figures(self) -> str:
        lines = [f"inputs compared: {self.inputs} (refused by the input schema, not compared: {self.refused})",
                 f"decisions compared: {self.decisions}",
                 f"agreements: {self.agreed}",
                 f"known divergence at constructs validate warns about (empty COLLECT): "
                 f"{sum(self.tolerated.values())}" + (f" {dict(self.tolerated)}" if self.tolerated else ""),
                 f"disagreements: {len(self.disagreements)} in "
                 f"{len({d.case for d in self.disagreements})} inputs"]
        for kind, row in self.by_class().items():
            where = ", ".join(f"{n} {c}" for n, c in row["where"].most_common())
            lines.append(f"  {kind}: {row['decisions']} decisions ({row['cascaded']} by cascade) in "
                         f"{row['inputs']} inputs; at {where}")
            lines.append(f"    e.g. {self.examples[kind][0]}: {self.examples[kind][1]}")
        lines.append(f"seconds: {self.seconds:.1f}")
        return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", type=Path, default=MODEL)
    parser.add_argument("--generated", type=int, default=3000, help="generated inputs (besides the scenarios)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--absent", type=int, default=0,
                        help="more generated inputs, each without one input data (the absent-input-data class)")
    args = parser.parse_args(argv)
    model = pydmn.load(args.model)
    xml = args.model.read_text(encoding="utf-8")
    cases = scenario_cases(args.model, model) + Generator(model, xml, args.seed).inputs(args.generated)
    cases += Generator(model, xml, args.seed + 1).without_one_input(args.absent)
    with Executor() as executor:
        comparison = Comparison(args.model, executor, warned_empty_collects(args.model)).run(cases)
    print(f"{args.model.name}: {len(cases)} inputs ({args.generated} generated with seed {args.seed}, "
          f"{args.absent} without one input data)")
    print(comparison.figures())
    return 0 if not comparison.unresolved else 1


if __name__ == "__main__":
    sys.exit(main())
