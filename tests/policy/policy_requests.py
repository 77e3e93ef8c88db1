"""CAR-T requests for the policy tests: the scenario file's complete request, changed where a test says,
passed through the service's own request gate (schema and contract), so every test evaluates what the
service would."""
import copy
from pathlib import Path

import yaml

from webapp.governance.scenarios import Gate

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SPEC = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())
BASE = SPEC["base_inputs"]


def request(**changes) -> dict:
    """The complete request with some facts changed (JSON, as a caller sends it)."""
    case = copy.deepcopy(BASE)
    for section, facts in changes.items():
        case[section].update(facts)
    return case


def engine_inputs(model, today: str | None = None, **changes) -> dict:
    """What the engine evaluates for that request: refused requests raise."""
    scenario = {"inputs": changes, **({"today": today} if today else {})}
    inputs, refused = Gate(SPEC, model, MODEL.parent).inputs(SPEC, scenario)
    if refused:
        raise ValueError(f"the gate refuses {refused}")
    return inputs


def allo(date, **more):
    """History with one allogeneic HCT on `date`."""
    return {"History": {"transplants": [{"type": "allogeneic_hct", "date": date}], **more}}
