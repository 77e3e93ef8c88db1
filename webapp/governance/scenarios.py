"""Policy scenarios that travel with a DMN model: load, run, and report rule coverage.

A scenario file (``*.scenarios.yaml`` beside the model) names its model, a complete set of
``base_inputs`` and a list of scenarios that override only the facts they are about, so an analyst
reads each scenario as "the complete request, except ...".

A scenario's ``expected`` names what the answer must say. When the decision's value is a context, its
keys are compared; otherwise the answer is the CAR-T answer of webapp.serving.determination (determination,
disposition, and the findings and criteria met, compared by id as lists without regard to order).

Every scenario goes through the service's own request gate (webapp.serving.inputs, with the model's contract,
webapp.serving.contract), exactly as a request would: one that the service refuses with a 422 expects
``rejected``, the paths of the fields refused, and the model is not evaluated on it. The values the
service supplies itself come from the file: ``today`` (the file's, or a scenario's own) is the
determination date.

Each scenario is evaluated under the service's evaluation budget (webapp.serving.budgets); the first one
past it fails naming the budget, and the scenarios after it are not run: the model cannot serve as
it is, and each would cost a whole budget more.
"""
from __future__ import annotations

import copy
import datetime
import decimal
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import pydmn
from webapp.serving import budgets
from webapp.serving import contract as contracts
from webapp.serving.determination import DECISION, shape
from webapp.serving.inputs import inputs_schema, validate_inputs
from webapp.store.errors import Invalid

LIST_FIELDS = ("findings", "failed_criteria", "missing_documentation", "criteria_met")


@dataclass
class Outcome:
    title: str
    section: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    exceeded: str | None = None         # the evaluation went past its budget (pydmn Result.exceeded)


@dataclass
class Report:
    model_path: Path
    outcomes: list[Outcome]
    unexercised: dict[str, list[str]]   # decision name -> rule ids no scenario matched
    # rule ids the file declares not reachable (with the committed parameters) that a scenario reached
    reached_unreachable: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def over_budget(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.exceeded]


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _as_json(value):
    """YAML reads an unquoted 2026-05-01 as a date; a request carries JSON text, so the gate gets text."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Gate:
    """The service's request gate for one model: its schema and contract, built once per file run."""

    def __init__(self, spec: dict, model, folder: Path):
        self.contract = contracts.load(contracts.contract_file(folder, Path(spec.get("model", "")).stem))
        self.schema = inputs_schema(model, True, "ScenarioInputs", self.contract)
        self.today = spec.get("today")

    def inputs(self, spec: dict, scenario: dict) -> tuple[dict | None, list[str]]:
        """(the engine's inputs, []) for an accepted scenario, (None, refused paths) otherwise."""
        raw = _as_json(_merge(spec.get("base_inputs", {}), scenario.get("inputs", {})))
        loaded, errors = validate_inputs(self.schema, raw, self.contract)
        if errors:
            return None, _paths(errors)
        today = _as_json(scenario.get("today", self.today))
        return {**loaded, **self.contract.service_inputs(datetime.date.fromisoformat(today) if today else None)}, []


def _paths(errors: dict, prefix: str = "") -> list[str]:
    """`Request.infusions_requested` for each refused field; a list item's field is named without its index."""
    found = set()
    for key, value in errors.items():
        index = isinstance(key, int) or str(key).isdigit()
        path = prefix if index else (f"{prefix}.{key}" if prefix else str(key))
        if isinstance(value, dict):
            found.update(_paths(value, path))
        else:
            found.add(path)
    return sorted(found)


def scenario_files(path: Path) -> list[Path]:
    path = Path(path)
    return sorted(path.glob("*.scenarios.yaml")) if path.is_dir() else [path]


def run_file(path: Path, budget: pydmn.Budget = pydmn.Budget()) -> Report:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    model_path = Path(path).parent / spec["model"]
    return run_spec(spec, pydmn.load(model_path), model_path, budget)


def scenario_file_of(model_path: Path) -> Path:
    """Scenarios travel beside their model: decisions/<stem>.scenarios.yaml."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.scenarios.yaml")


def check_model(model_id: str, model, path: Path, budget: pydmn.Budget = pydmn.Budget()) -> list[str]:
    """The service's reload gate: one text per failing scenario; [] when all pass or there are none.

    Runs the scenarios on the model object being loaded (not on the file again), so what is
    checked is exactly what will serve, each under `budget`.
    """
    file = scenario_file_of(path)
    if not file.is_file():
        return []
    try:
        spec = yaml.safe_load(file.read_text(encoding="utf-8"))
        report = run_spec(spec, model, Path(path), budget)
    except Exception as exc:    # a broken scenario file must reject the model, not crash the reload
        return [f"{file.name}: cannot run scenarios ({type(exc).__name__}: {exc})"]
    return [f"scenario {o.title!r} [{o.section}]: {'; '.join(o.problems)}" for o in report.failed]


def scenario_inputs(model_path: Path, model, file: Path | None = None) -> list[tuple[str, dict]] | None:
    """(title, the engine's inputs) of every scenario beside the model (or in `file`) that the request
    gate accepts; None when the model has no scenario file."""
    file = file or scenario_file_of(model_path)
    if not file.is_file():
        return None
    return spec_inputs(yaml.safe_load(file.read_text(encoding="utf-8")), model, Path(file).parent)


def spec_inputs(spec: dict, model, folder: Path) -> list[tuple[str, dict]]:
    """(title, the engine's inputs) of every scenario of `spec` that the request gate accepts."""
    gate = Gate(spec, model, folder)
    cases = [(s["title"], gate.inputs(spec, s)[0]) for s in spec["scenarios"]]
    return [(title, inputs) for title, inputs in cases if inputs is not None]


@dataclass(frozen=True)
class ScenarioFile:
    """A model's scenario file as a draft holds it: its bytes, the name it has beside the model, and
    the folder of the model's contract (the request gate's)."""
    name: str
    data: bytes
    folder: Path

    @property
    def spec(self) -> dict:
        return yaml.safe_load(self.data.decode("utf-8"))


def read_spec(data: bytes) -> dict:
    """The scenario file's content, or Invalid saying what is wrong with it (a draft stores only a
    file the runner can read: a mapping with a list of scenarios, each a mapping with a title)."""
    try:
        spec = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Invalid(f"the scenarios are not YAML: {exc}", {"scenarios": [str(exc)]}) from None
    problems = []
    if not isinstance(spec, dict) or not isinstance(spec.get("scenarios"), list):
        problems.append("a scenario file is a mapping whose `scenarios` is a list")
    else:
        for n, scenario in enumerate(spec["scenarios"], 1):
            if not isinstance(scenario, dict) or not str(scenario.get("title") or "").strip():
                problems.append(f"scenario {n} needs a title")
            elif not isinstance(scenario.get("inputs", {}), dict):
                problems.append(f"scenario {scenario['title']!r}: its inputs are a mapping of the facts it changes")
            elif "expected" not in scenario:
                problems.append(f"scenario {scenario['title']!r} needs the expected answer")
        titles = [s.get("title") for s in spec["scenarios"] if isinstance(s, dict)]
        problems += [f"two scenarios are titled {t!r}" for t in sorted({t for t in titles if titles.count(t) > 1})]
    if problems:
        raise Invalid("the scenarios cannot be saved: " + "; ".join(problems), {"scenarios": problems})
    return spec


class _Dumper(yaml.SafeDumper):
    """The API reads JSON numbers as Decimal (exact); YAML writes them as the numbers they are."""


_Dumper.add_representer(decimal.Decimal, lambda dumper, value: dumper.represent_int(int(value))
                        if value == value.to_integral_value() else dumper.represent_float(float(value)))


def dump_spec(spec: dict) -> bytes:
    """The YAML of a scenario file, in the order it was written (as the files in decisions/ are)."""
    return yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120).encode("utf-8")


def with_scenarios(data: bytes, scenarios: list) -> bytes:
    """The scenario file `data` holding `scenarios` instead of its own (its base inputs, date and
    the rest kept)."""
    out = dump_spec({**read_spec(data), "scenarios": scenarios})
    read_spec(out)      # each scenario as the runner needs it
    return out


def beside(data: bytes, model_file: Path) -> bytes:
    """The scenario file as it is written beside `model_file`: its `model` names that file."""
    return dump_spec({**read_spec(data), "model": Path(model_file).name})


def run_spec(spec: dict, model, model_path: Path, budget: pydmn.Budget = pydmn.Budget()) -> Report:
    decision = spec.get("decision", DECISION)
    gate = Gate(spec, model, Path(model_path).parent)
    matched: set[str] = set()
    outcomes = []
    for position, scenario in enumerate(spec["scenarios"], 1):
        inputs, rejected = gate.inputs(spec, scenario)
        if rejected:
            # The service refuses such a request (422) before any evaluation, so the scenario does too.
            outcomes.append(_compare(scenario, {"rejected": rejected}))
            continue
        result = model.evaluate(inputs, budget=budget)
        if result.exceeded:
            left = len(spec["scenarios"]) - position
            outcomes.append(Outcome(scenario["title"], scenario.get("section", ""), False, [
                f"evaluation budget exceeded: {budgets.describe(budget, result.exceeded)}"
                + (f"; the {left} scenario(s) after it did not run" if left else "")], result.exceeded))
            break
        for decision_result in result.decisions.values():
            matched.update(m.rule_id for m in decision_result.matched_rules)
        outcomes.append(_compare(scenario, _answer(model, result, decision)))
    # Rules that wait on a change of Policy Parameters or of a fact table cannot be reached by any
    # request; the file names them with the reason, and a scenario reaching one shows the list is stale.
    unreachable = set(spec.get("not_reachable") or {})
    return Report(model_path, outcomes, _unexercised(model, matched | unreachable), sorted(unreachable & matched))


def _answer(model, result, decision: str):
    value = result[decision]
    if isinstance(value, dict):
        return value
    body = shape(model, result, decision)
    summary = {key: [item["id"] for item in body[key]] for key in LIST_FIELDS}
    return {"determination": body["determination"], "disposition": body["disposition"], **summary}


def _compare(scenario: dict, actual) -> Outcome:
    expected_all = scenario.get("expected", {})
    if not isinstance(expected_all, dict):
        # A decision with a plain value (not a context): `expected` is that value.
        got = actual.get("determination") if isinstance(actual, dict) else actual
        same = got == expected_all
        problems = [] if same else [f"expected {expected_all!r}, got {got!r}"]
        return Outcome(scenario["title"], scenario.get("section", ""), same, problems)
    problems = []
    if "rejected" in actual and "rejected" not in expected_all:
        problems.append(f"rejected by the data dictionary: {actual['rejected']!r}")
    for key, expected in expected_all.items():
        got = actual.get(key)
        if key in LIST_FIELDS or key == "rejected":
            same = sorted(got or []) == sorted(expected or [])
        else:
            same = got == expected
        if not same:
            problems.append(f"{key}: expected {expected!r}, got {got!r}")
    return Outcome(scenario["title"], scenario.get("section", ""), not problems, problems)


def _unexercised(model, matched: set[str]) -> dict[str, list[str]]:
    missing = {}
    for name, decision in model.definitions.decisions.items():
        rules = getattr(decision.expression, "rules", None)
        if rules:
            ids = [r.id for r in rules if r.id not in matched]
            if ids:
                missing[name] = ids
    return missing
