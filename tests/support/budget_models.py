"""The attacker's CAR-T version for the budget tests (tests/console/test_budgets.py and
tests/webapp/test_budget_server.py): the model as it is, except that reading the infusions requested
loops when they are a given count."""
import copy
import json

from .apps import ROOT

REQUEST = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
LOOP = "count(for i in 1..1000, j in 1..1000, k in 1..1000 return i)"


def looping_on(source: str, infusions: int) -> str:
    """The CAR-T model whose reading of the infusions requested loops when they are `infusions`."""
    text = "<text>Request.infusions_requested</text>"
    assert text in source, "the model no longer reads Request.infusions_requested as an input"
    return source.replace(text, f"<text>if Request.infusions_requested = {infusions} then {LOOP} "
                                f"else Request.infusions_requested</text>", 1)


def request_with(infusions: int) -> dict:
    """The documented example request, asking for `infusions`."""
    body = copy.deepcopy(REQUEST)
    body["Request"]["infusions_requested"] = infusions
    return body
