"""A model's request contract: what callers send, what the service supplies itself, and where retired
fields went. It is read from `<model id>.contract.yaml` beside the model in the models directory;
a model without one takes every input data from the caller, every field present (possibly null).

    version: 2.0.0                      # the contract's semver; the OpenAPI document's info.version
    supplied_by_service:                # input data the caller never sends
      Determination Date: today         # the service's date (UTC) on the day it determines
    in_effect_on: Request.request_date  # the date that picks the version in effect (webapp.serving.registry);
                                        #   without it, or when a request leaves it unknown, the service's date
    required:                           # the fields every request carries (present, possibly null);
      Request: [request_date, ...]      #   any other field of the data dictionary may be left out
    retired:                            # fields of earlier contracts: sending one is a 422 that says
      Request.labeled_split_dose: ...   #   where the fact lives now

Fields added to the data dictionary after the contract's version are absent from `required`, so a
caller written against that version keeps working: absent means unknown, which the model pends on.

`<model id>.example.json` beside it is the model's example request: /openapi.json shows it as the
example of every body that carries the model's inputs (what Swagger UI's "Try it out" sends).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from webapp.store.stamps import today

SERVICE_VALUES = {"today": today}


class ContractError(ValueError):
    """A contract file that cannot be used, with a message naming the file and the entry."""


@dataclass(frozen=True)
class Contract:
    version: str = "1.0.0"
    supplied_by_service: dict = field(default_factory=dict)    # input data name -> kind
    required: dict | None = None                               # input data name -> frozenset of fields
    retired: dict = field(default_factory=dict)                # "Input.field" -> where the fact lives now
    in_effect_on: str | None = None                            # "Input.field": the request's date
    example: dict | None = None                                # the model's example request

    def request_date(self, inputs: dict) -> dt.date | None:
        """The date of a (validated) request that picks the version in effect, if the request has one."""
        if not self.in_effect_on:
            return None
        value = inputs
        for name in self.in_effect_on.split("."):
            value = value.get(name) if isinstance(value, dict) else None
        return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None

    def optional_fields(self, input_name: str, fields) -> frozenset:
        """The fields of one input data a request may leave out."""
        if self.required is None or input_name not in self.required:
            return frozenset()
        return frozenset(fields) - self.required[input_name]

    def service_inputs(self, today: dt.date | None = None) -> dict:
        """The values the service supplies for one determination; `today` replays a recorded day."""
        return {name: today if today is not None and kind == "today" else SERVICE_VALUES[kind]()
                for name, kind in self.supplied_by_service.items()}

    def replay(self, recorded: dict) -> tuple[dict, dict, dict | None]:
        """A recorded case (an audit record's inputs) as (what the caller sent, the service's values,
        errors): the day it was determined on is replayed; a case recorded without it is determined
        today."""
        request = {k: v for k, v in recorded.items() if k not in self.supplied_by_service}
        supplied = self.service_inputs()
        for name, kind in self.supplied_by_service.items():
            value = recorded.get(name)
            if kind == "today" and value is not None:
                try:
                    supplied[name] = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
                except ValueError:
                    return request, supplied, {name: [f"not a date: {value!r}"]}
        return request, supplied, None

    def retired_errors(self, body) -> dict:
        """marshmallow-shaped errors for every retired field a request still sends."""
        errors: dict = {}
        if not isinstance(body, dict):
            return errors
        for path, where in self.retired.items():
            parent, _, name = path.rpartition(".")
            holder = body.get(parent) if parent else body
            if isinstance(holder, dict) and name in holder:
                errors.setdefault(parent, {})[name] = [f"retired in contract {self.version}: {where}"]
        return errors


NONE = Contract()


def contract_file(models_dir: Path, model_id: str) -> Path:
    return Path(models_dir) / f"{model_id}.contract.yaml"


def example_file(contract_path: Path) -> Path:
    return contract_path.with_name(contract_path.name.removesuffix(".contract.yaml") + ".example.json")


def _example(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContractError(f"{path.name}: not readable JSON: {exc}") from None


def load(path: Path) -> Contract:
    """The contract in `path`, or the default (everything from the caller) when there is none."""
    if not path.is_file():
        return Contract(example=_example(example_file(path)))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ContractError(f"{path.name}: not readable YAML: {exc}") from None
    version = str(data.get("version", "1.0.0"))
    service = data.get("supplied_by_service") or {}
    unknown = {kind for kind in service.values() if kind not in SERVICE_VALUES}
    if unknown:
        raise ContractError(f"{path.name}: supplied_by_service kinds must be {', '.join(SERVICE_VALUES)}, "
                            f"not {', '.join(sorted(map(str, unknown)))}")
    required = data.get("required")
    return Contract(version, dict(service),
                    None if required is None else {name: frozenset(names or ()) for name, names in required.items()},
                    {str(k): str(v) for k, v in (data.get("retired") or {}).items()},
                    str(data["in_effect_on"]) if data.get("in_effect_on") else None, _example(example_file(path)))
