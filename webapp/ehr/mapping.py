"""A model's declared FHIR mapping (`<model id>.fhir.yaml` beside the model): which draft orders the
model answers, the product an order names, what to query from the EHR, and each input field read
from FHIR R4 with FHIRPath (fhirpathpy) as the file's header describes. Extraction turns the FHIR a
request carries into the model's request body; the service's own gate (webapp.api.common) then checks
it like any other body. A field no rule gives a value stays null: not known, never false.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import yaml
from antlr4 import CommonTokenStream, InputStream, Token
from antlr4.error.ErrorListener import ErrorListener
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models
from fhirpathpy.parser.generated.FHIRPathLexer import FHIRPathLexer
from fhirpathpy.parser.generated.FHIRPathParser import FHIRPathParser

R4 = models["r4"]
CONVERSIONS = ("date", "integer", "string")
VARIABLES = ("order", "patient", "coverage")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MappingError(ValueError):
    """A mapping file that cannot be used, with a message naming the file and the entry."""


def mapping_file(models_dir: Path, model_id: str) -> Path:
    return Path(models_dir) / f"{model_id}.fhir.yaml"


@dataclass(frozen=True)
class Rule:
    kind: str                       # when | path | each | plan | order
    text: str = ""                  # the FHIRPath as written (errors and the audit name it)
    run: Callable | None = None
    value: object = None            # when: the value it gives
    source: str = ""                # plan: the fact; order: what of the order
    convert: str | None = None
    table: dict | None = None       # map: code -> value
    latest: bool = False
    fields: dict = field(default_factory=dict)     # each: component -> Rule (a path rule)


@dataclass
class Mapping:
    path: Path
    select: Callable
    product: Callable
    queries: list[str]
    collections: dict[str, Callable]
    fields: dict[str, list[Rule]]
    questionnaire: dict

    def is_order(self, resource: dict) -> bool:
        return _truthy(self.select(resource, {}))

    def product_of(self, resource: dict) -> str | None:
        found = [v for v in self.product(resource, {}) if isinstance(v, str)]
        return found[0] if found else None

    def check(self, model, service_inputs) -> None:
        """Every field, component and questionnaire entry the file names exists in the model's data
        dictionary, and none is an input the service supplies itself."""
        known = input_fields(model, service_inputs)
        for name, rules in self.fields.items():
            if name not in known:
                raise MappingError(f"{self.path.name}: fields.{name}: the model has no input field {name!r}")
            for rule in rules:
                if rule.kind == "each":
                    element = known[name].element
                    components = element.fields if element is not None else {}
                    unknown = sorted(set(rule.fields) - set(components))
                    if not components or unknown:
                        raise MappingError(f"{self.path.name}: fields.{name}: 'each' needs a list of structures "
                                           f"with components {sorted(components)}, not {unknown or 'a plain field'}")
        inputs = {name.split(".")[0] for name in known}
        for entry in self.questionnaire.get("asks", []):
            if entry not in known and entry not in inputs:
                raise MappingError(f"{self.path.name}: questionnaire.asks: {entry!r} is not an input or field of the model")
        for decision, names in self.questionnaire.get("derived", {}).items():
            if decision not in model.definitions.decisions:
                raise MappingError(f"{self.path.name}: questionnaire.derived: the model has no decision {decision!r}")
            for name in names:
                if name not in known:
                    raise MappingError(f"{self.path.name}: questionnaire.derived.{decision}: no input field {name!r}")

    def prepare(self, bundle: dict, variables: dict) -> dict:
        """The variables every rule of one request sees: `variables` and each collection's value."""
        return {**variables, **{name: run(bundle, variables) for name, run in self.collections.items()}}

    def extract(self, bundle: dict, variables: dict, plan: dict, product: str | None,
                answers: dict) -> tuple[dict, dict]:
        """({field path: value}, {field path: where it came from}) for every field a rule or an answer
        gives; the others are left out (unknown)."""
        values, sources = {}, {}
        for name, rules in self.fields.items():
            for rule in rules:
                found = _apply(rule, bundle, variables, plan, product)
                if found is not None:
                    values[name] = found
                    sources[name] = _origin(rule)
                    break
        for name, value in answers.items():
            if name not in values and value is not None:
                values[name] = value
                sources[name] = "questionnaire"
        return values, sources


def input_fields(model, service_inputs) -> dict:
    """{"Input.field": DataType} of every field a request may carry."""
    fields_ = {}
    for name in model.definitions.input_data:
        if name in service_inputs:
            continue
        for component, dtype in (model.data_type(name).fields or {}).items():
            fields_[f"{name}.{component}"] = dtype
    return fields_


def request_body(values: dict, model, service_inputs) -> dict:
    """The request body the gate checks: every field the model's inputs have, null where not known."""
    body = {}
    for path, _ in input_fields(model, service_inputs).items():
        name, component = path.split(".", 1)
        body.setdefault(name, {})[component] = values.get(path)
    return body


def load(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{Path(path).name}: not readable YAML: {exc}") from None
    name = Path(path).name
    orders = data.get("orders") or {}
    if not orders.get("select") or not orders.get("product"):
        raise MappingError(f"{name}: orders.select and orders.product are required")
    collections = {}
    for collection, text in (data.get("collections") or {}).items():
        if collection in VARIABLES or "%order" in str(text):
            raise MappingError(f"{name}: collections.{collection}: not {', '.join(VARIABLES)}, and not of %order "
                               "(a collection is one request's, whatever the order)")
        collections[collection] = _compile(name, f"collections.{collection}", str(text))
    fields_ = {}
    variables = (*VARIABLES, *collections)
    for field_name, rules in (data.get("fields") or {}).items():
        if not isinstance(rules, list) or not rules:
            raise MappingError(f"{name}: fields.{field_name}: a list of rules")
        fields_[field_name] = [_rule(name, field_name, r, variables) for r in rules]
    questionnaire = data.get("questionnaire") or {}
    if not questionnaire.get("id"):
        raise MappingError(f"{name}: questionnaire.id is required")
    return Mapping(Path(path), _compile(name, "orders.select", orders["select"]),
                   _compile(name, "orders.product", orders["product"]), list(data.get("queries") or []),
                   collections, fields_, questionnaire)


class _Refuse(ErrorListener):
    def syntaxError(self, recognizer, symbol, line, column, message, error):
        raise ValueError(f"column {column + 1}: {message}")


def _compile(file: str, where: str, text: str, variables=VARIABLES) -> Callable:
    """The compiled expression. fhirpathpy's own parser recovers from syntax errors (and runs what is
    left), so the grammar it uses parses the text first, strictly and to its end, and the compiled
    expression is tried once on an empty Bundle."""
    try:
        lexer = FHIRPathLexer(InputStream(text))
        parser = FHIRPathParser(CommonTokenStream(lexer))
        for recognizer in (lexer, parser):
            recognizer.removeErrorListeners()
            recognizer.addErrorListener(_Refuse())
        parser.expression()
        if parser.getTokenStream().LA(1) != Token.EOF:
            raise ValueError(f"unexpected {parser.getTokenStream().LT(1).text!r} after the expression")
        compiled = compile_fhirpath(text, R4)
        compiled({"resourceType": "Bundle", "type": "collection"}, {name: [] for name in variables})
    except Exception as exc:      # the ANTLR runtime's and fhirpathpy's errors have no common base
        raise MappingError(f"{file}: {where}: not FHIRPath: {exc}") from None
    return compiled


def _rule(file: str, field_name: str, spec, variables) -> Rule:
    where = f"fields.{field_name}"
    if not isinstance(spec, dict):
        raise MappingError(f"{file}: {where}: a rule is a mapping")
    convert = spec.get("as")
    if convert is not None and convert not in CONVERSIONS:
        raise MappingError(f"{file}: {where}: as: one of {', '.join(CONVERSIONS)}")
    table = spec.get("map")
    if table is not None and not isinstance(table, dict):
        raise MappingError(f"{file}: {where}: map: a mapping of code to value")
    if "when" in spec:
        if "value" not in spec:
            raise MappingError(f"{file}: {where}: 'when' needs a 'value'")
        return Rule("when", spec["when"], _compile(file, where, spec["when"], variables), value=spec["value"])
    if "path" in spec:
        return Rule("path", spec["path"], _compile(file, where, spec["path"], variables), convert=convert, table=table,
                    latest=bool(spec.get("latest")))
    if "each" in spec:
        components = {k: _rule(file, f"{field_name}.{k}", v, variables) for k, v in (spec.get("fields") or {}).items()}
        if not components or any(c.kind != "path" for c in components.values()):
            raise MappingError(f"{file}: {where}: 'each' needs fields, each a 'path' rule")
        return Rule("each", spec["each"], _compile(file, where, spec["each"], variables), fields=components)
    if "plan" in spec:
        return Rule("plan", source=str(spec["plan"]))
    if spec.get("order") == "product":
        return Rule("order", source="product")
    raise MappingError(f"{file}: {where}: a rule has when, path, each, plan or order: product")


def _origin(rule: Rule) -> str:
    return {"plan": f"plan:{rule.source}", "order": "order:product"}.get(rule.kind, f"fhir:{rule.text}")


def _apply(rule: Rule, bundle: dict, variables: dict, plan: dict, product):
    if rule.kind == "plan":
        return plan.get(rule.source)
    if rule.kind == "order":
        return product
    found = rule.run(bundle, variables)
    if rule.kind == "when":
        return rule.value if _truthy(found) else None
    if rule.kind == "path":
        return _value(rule, found)
    items = [item for item in found if isinstance(item, dict)]
    if not items:
        return None
    return [{name: _value(sub, sub.run(item, variables)) for name, sub in rule.fields.items()} for item in items]


def _truthy(found: list) -> bool:
    return bool(found) and not all(item is False for item in found)


def _value(rule: Rule, found: list):
    values = [_converted(rule, v) for v in found]
    values = [v for v in values if v is not None]
    if not values:
        return None
    if rule.latest:
        return max(values)
    return values[0]


def _converted(rule: Rule, value):
    if rule.table is not None:
        value = rule.table.get(str(value))
    if value is None or rule.convert is None:
        return value
    if rule.convert == "date":
        text = value.get("start") if isinstance(value, dict) else str(value)
        return text[:10] if isinstance(text, str) and _DATE.match(text) else None
    if rule.convert == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, Decimal, float)) and Decimal(str(value)) == Decimal(str(value)).to_integral_value():
            return int(value)
        return value if isinstance(value, (int, Decimal, float)) else None      # the gate names a fraction
    return str(value)
