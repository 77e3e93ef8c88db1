"""Each threshold and standing fact is one cell of Policy Parameters (or of the product table): edit it in a
copy of the model and the outcomes, the reason texts and the citations follow, with no trace of the old
value left in any answer. The rules the scenario file names not_reachable are reached here."""
import pytest
from lxml import etree

import pydmn
from policy_requests import MODEL, SPEC, allo, engine_inputs
from webapp.serving.determination import shape


def edited(cell_id: str, text: str):
    """The model with one cell (an output entry, by id) rewritten."""
    root = etree.fromstring(MODEL.read_bytes())
    [cell] = root.xpath("//*[@id=$id]/*[local-name()='text']", id=cell_id)
    cell.text = text
    return pydmn.load(etree.tostring(root))


def parameter(name: str, text: str):
    return edited(f"LiteralExpression_PolicyParameters_1_{name}", text)


@pytest.fixture(scope="module")
def committed():
    return pydmn.load(MODEL)


def answer(model, inputs=None, **changes):
    result = model.evaluate(inputs if inputs is not None else engine_inputs(model, **changes))
    body = shape(model, result, "Determination")
    body["texts"] = " ".join(item["text"] for item in body["findings"] + body["criteria_met"])
    body["citations"] = {item["citation"] for item in body["findings"] + body["criteria_met"]}
    body["rules"] = {r["rule_id"] for r in body["reasons"]}
    return body


def ids(body):
    return sorted(f["id"] for f in body["findings"])


def test_the_transplant_window(committed):
    model = parameter("transplant_window_days", "90")
    day_95 = allo("2026-01-26")
    assert answer(committed, **day_95)["determination"] == "not_medically_necessary"
    moved = answer(model, **day_95)
    assert (moved["determination"], ids(moved)) == ("medically_appropriate", [])
    assert "outside the 90-day transplant window" in moved["texts"] and "100" not in moved["texts"]
    day_85 = answer(model, **allo("2026-02-05"))
    assert ids(day_85) == ["II"] and "85 days before the request date (2026-05-01), within the 90-day" in day_85["texts"]


def test_the_deterioration_window(committed):
    model = parameter("deterioration_window_days", "21")
    onset = {"Assessment": {"deterioration_expected": True, "deterioration_onset_days_after_apheresis": 25}}
    assert ids(answer(committed, **onset)) == ["I.C.2"]
    moved = answer(model, **onset)
    assert moved["determination"] == "medically_appropriate" and "after the window of day 0 to day 21" in moved["texts"]
    early = answer(model, Assessment={"deterioration_expected": True, "deterioration_onset_days_after_apheresis": 21})
    assert ids(early) == ["I.C.2"] and "within the window of day 0 to day 21" in early["texts"]
    assert "28" not in early["texts"]
    unknown = answer(model, Assessment={"deterioration_expected": None})
    assert "within 21 days after apheresis" in unknown["texts"]


def test_the_immunosuppression_window(committed):
    model = parameter("immunosuppression_window_weeks", "2")
    stopped_20_days = allo("2025-06-01", systemic_immunosuppression="stopped", immunosuppression_stop_date="2026-04-11")
    assert ids(answer(committed, **stopped_20_days)) == ["II"]
    moved = answer(model, **stopped_20_days)
    assert moved["determination"] == "medically_appropriate"
    assert "outside the 2-week window" in moved["texts"] and "4-week" not in moved["texts"]
    recent = answer(model, **allo("2025-06-01", systemic_immunosuppression="stopped",
                                  immunosuppression_stop_date="2026-04-21"))
    assert ids(recent) == ["II"] and "10 days before the request, within the 2-week" in recent["texts"]


def test_the_effective_date(committed):
    model = parameter("effective_date", 'date("2026-05-10")')
    assert answer(committed)["determination"] == "medically_appropriate"
    moved = answer(model)
    assert (moved["determination"], moved["disposition"]) == ("policy_not_applicable", "not_under_this_policy")
    assert ids(moved) == ["APPLICABILITY-EFFECTIVE-DATE"] and "effective date (2026-05-10)" in moved["texts"]
    later = answer(model, today="2026-05-10", Request={"request_date": "2026-05-10"})
    assert later["determination"] == "medically_appropriate"
    assert later["citations"] and all(c.endswith("effective 2026-05-10") for c in later["citations"])
    assert "2026-04-15" not in later["texts"]


MEDICARE = {"Request": {"line_of_business": "medicare_advantage"}}


def test_the_medicare_national_coverage_decision(committed):
    # NCD 110.24 exists, so the Product Disclaimer sends Medicare products to it; were it withdrawn, the
    # committee clears the parameter and this policy applies to them.
    governed = answer(committed, **MEDICARE)
    assert ids(governed) == ["DISCLAIMER-MEDICARE-NCD-LCD"] and "NCD 110.24" in governed["texts"]
    withdrawn = answer(parameter("medicare_national_coverage_decision", "false"), **MEDICARE)
    assert withdrawn["determination"] == "medically_appropriate"
    assert "DecisionRule_PolicyApplicability_19" in withdrawn["rules"]
    blank = answer(parameter("medicare_national_coverage_decision", "null"), **MEDICARE)
    assert ids(blank) == ["DATA-DISCLAIMER"] and blank["disposition"] == "pend_for_information"
    assert [f["supplied_by"] for f in blank["findings"]] == ["plan_configuration"]
    assert "DecisionRule_PolicyApplicability_14" in blank["rules"]


def test_the_lansky_age_limit(committed):
    lansky_at_17 = {"Request": {"member_birth_date": "2009-03-01"}, "Documentation": {"karnofsky": None, "lansky": 70}}
    assert ids(answer(committed, **lansky_at_17)) == ["GL-I.D"]
    moved = answer(parameter("lansky_age_limit_years", "18"), **lansky_at_17)
    assert moved["determination"] == "medically_appropriate" and "Lansky 70" in moved["texts"]
    at_19 = answer(parameter("lansky_age_limit_years", "18"), Request={"member_birth_date": "2007-03-01"},
                   Documentation={"karnofsky": None, "lansky": 70})
    assert ids(at_19) == ["GL-I.D"] and "under 18" in at_19["texts"] and "16" not in at_19["texts"]


def test_the_slack_for_time_zones(committed):
    tomorrow = {"Request": {"request_date": "2026-05-03"}}          # the scenario file determines on 2026-05-02
    assert answer(committed, **tomorrow)["determination"] == "medically_appropriate"
    strict = answer(parameter("request_date_slack_days", "0"), **tomorrow)
    assert ids(strict) == ["INCONSISTENT-REQUEST-DATE"] and "at most 0 day ahead" in strict["texts"]


def test_a_product_whose_labeling_permits_use_after_a_recent_allogeneic_transplant(committed):
    recent = allo("2026-04-01")
    assert ids(answer(committed, **recent)) == ["II"]
    model = edited("LiteralExpression_CARTProduct_1_permits_after_allogeneic_transplant", "true")
    permitted = answer(model, **recent)
    assert permitted["determination"] == "medically_appropriate"
    assert "DecisionRule_AllogeneicTransplantExclusion_11" in permitted["rules"]
    assert "the labeling of Yescarta (axicabtagene ciloleucel) permits" in permitted["texts"]


def test_the_model_run_without_the_services_date_pends_for_the_configuration(committed):
    inputs = {**engine_inputs(committed), "Determination Date": None}
    body = answer(committed, inputs)
    assert ids(body) == ["DATA-DETERMINATION-DATE"] and body["disposition"] == "pend_for_information"
    assert [f["supplied_by"] for f in body["findings"]] == ["plan_configuration"]
    assert "DecisionRule_PolicyApplicability_22" in body["rules"]


def test_every_rule_the_scenarios_cannot_reach_is_reached_here():
    assert set(SPEC["not_reachable"]) == {
        "DecisionRule_PolicyApplicability_14", "DecisionRule_PolicyApplicability_19",
        "DecisionRule_PolicyApplicability_22", "DecisionRule_AllogeneicTransplantExclusion_11"}
