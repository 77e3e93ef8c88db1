"""Each threshold is one cell of Policy Parameters: edit it in a copy of the model and the outcomes, the
reason texts and the citations follow, with no trace of the old value left in any answer."""
import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from lxml import etree

import pydmn
from webapp.determination import shape

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
BASE = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())["base_inputs"]


def edited(name: str, text: str):
    """The model with one Policy Parameters output cell rewritten."""
    root = etree.fromstring(MODEL.read_bytes())
    [cell] = root.xpath("//*[@id=$id]/*[local-name()='text']", id=f"LiteralExpression_PolicyParameters_1_{name}")
    cell.text = text
    return pydmn.load(etree.tostring(root))


@pytest.fixture(scope="module")
def committed():
    return pydmn.load(MODEL)


def answer(model, **changes):
    case = copy.deepcopy(BASE)
    for section, facts in changes.items():
        case[section].update(facts)
    case = {section: {k: dt.date.fromisoformat(v) if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v)
                      else v for k, v in facts.items()} for section, facts in case.items()}
    body = shape(model, model.evaluate(case), "Determination")
    body["texts"] = " ".join(item["text"] for item in body["findings"] + body["criteria_met"])
    body["citations"] = {item["citation"] for item in body["findings"] + body["criteria_met"]}
    return body


def ids(body):
    return sorted(f["id"] for f in body["findings"])


def allo(date, **more):
    return {"History": {"transplant_type": "allogeneic_hct", "transplant_date": date, **more}}


def test_the_transplant_window(committed):
    model = edited("transplant_window_days", "90")
    day_95 = allo("2026-01-26")
    assert answer(committed, **day_95)["determination"] == "not_medically_necessary"
    moved = answer(model, **day_95)
    assert (moved["determination"], ids(moved)) == ("medically_appropriate", [])
    assert "more than 90 days before the request" in moved["texts"] and "100" not in moved["texts"]
    day_85 = answer(model, **allo("2026-02-05"))
    assert ids(day_85) == ["II"] and "within 90 days before the request" in day_85["texts"]


def test_the_deterioration_window(committed):
    model = edited("deterioration_window_days", "21")
    onset = {"Assessment": {"deterioration_expected": True, "deterioration_onset_days_after_apheresis": 25}}
    assert ids(answer(committed, **onset)) == ["I.C.2"]
    moved = answer(model, **onset)
    assert moved["determination"] == "medically_appropriate" and "after the 21-day window" in moved["texts"]
    early = answer(model, Assessment={"deterioration_expected": True, "deterioration_onset_days_after_apheresis": 21})
    assert ids(early) == ["I.C.2"] and "within the 21-day window" in early["texts"] and "28" not in early["texts"]
    unknown = answer(model, Assessment={"deterioration_expected": None})
    assert "within 21 days after apheresis" in unknown["texts"]


def test_the_immunosuppression_window(committed):
    model = edited("immunosuppression_window_weeks", "2")
    stopped_20_days = allo("2025-06-01", systemic_immunosuppression="stopped",
                           immunosuppression_stop_date="2026-04-11")
    assert ids(answer(committed, **stopped_20_days)) == ["II"]
    moved = answer(model, **stopped_20_days)
    assert moved["determination"] == "medically_appropriate"
    assert "within 2 weeks" in moved["texts"] and "4 weeks" not in moved["texts"]
    recent = answer(model, **allo("2025-06-01", systemic_immunosuppression="stopped",
                                  immunosuppression_stop_date="2026-04-21"))
    assert ids(recent) == ["II"] and "stopped within 2 weeks" in recent["texts"]


def test_the_effective_date(committed):
    model = edited("effective_date", 'date("2026-05-10")')
    assert answer(committed)["determination"] == "medically_appropriate"
    moved = answer(model)
    assert (moved["determination"], moved["disposition"]) == ("policy_not_applicable", "not_under_this_policy")
    assert ids(moved) == ["APPLICABILITY-EFFECTIVE-DATE"] and "effective date (2026-05-10)" in moved["texts"]
    later = answer(model, Request={"request_date": "2026-05-10"})
    assert later["determination"] == "medically_appropriate"
    assert later["citations"] and all(c.endswith("effective 2026-05-10") for c in later["citations"])
    assert "2026-04-15" not in later["texts"]
