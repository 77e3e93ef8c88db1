"""The declared FHIR mapping (decisions/car-t-candidate-selection.fhir.yaml) read by webapp/ehr/mapping.py:
a fact the FHIR does not carry is unknown, never false; a record that says no is false; the file is
checked against the model's data dictionary, so a field the committee renames stops the channel with
its name instead of going unread."""
import copy
from pathlib import Path

import pydmn
import pytest
import yaml

from ehr_support import days_ago, fixture
from support.apps import ROOT
from webapp.ehr import mapping
from webapp.ehr.resources import bundle_of

MODEL = pydmn.load(str(ROOT / "decisions" / "car-t-candidate-selection.dmn"))
FILE = ROOT / "decisions" / "car-t-candidate-selection.fhir.yaml"
SERVICE = {"Determination Date"}
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


@pytest.fixture(scope="module")
def table():
    loaded = mapping.load(FILE)
    loaded.check(MODEL, SERVICE)
    return loaded


def extracted(table, *resources, order=None, plan=None, answers=None):
    bundle = bundle_of(list(resources))
    shared = table.prepare(bundle, {"patient": None, "coverage": None})
    values, _ = table.extract(bundle, {**shared, "order": order or {}}, plan or {}, None, answers or {})
    return values


def condition(code, verification="confirmed", clinical="active"):
    return {"resourceType": "Condition", "subject": {"reference": "Patient/123"},
            "code": {"coding": [{"system": ICD10, "code": code}]},
            "verificationStatus": {"coding": [{"code": verification}]}, "clinicalStatus": {"coding": [{"code": clinical}]}}


def test_no_record_leaves_every_fact_unknown(table):
    values = extracted(table)
    assert values == {}


def test_a_condition_on_record_is_true_a_refuted_one_false_and_none_unknown(table):
    assert extracted(table, condition("J44.9"))["History.copd"] is True
    assert extracted(table, condition("J44.9", verification="refuted"))["History.copd"] is False
    assert "History.copd" not in extracted(table, condition("J45.909"))
    assert extracted(table, condition("J44.9", verification="entered-in-error")).get("History.copd") is None


def test_gvhd_is_active_only_while_its_condition_is(table):
    assert extracted(table, condition("D89.811"))["History.active_gvhd"] is True
    assert extracted(table, condition("D89.811", clinical="resolved"))["History.active_gvhd"] is False


def test_the_transplant_history_is_every_transplant_with_type_and_date_or_unknown(table):
    record = [e["resource"] for e in fixture("clinical-record")["entry"]]
    allo = {"resourceType": "Procedure", "status": "completed", "subject": {"reference": "Patient/123"},
            "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "38240"}]},
            "performedPeriod": {"start": days_ago(80), "end": days_ago(79)}}
    transplants = extracted(table, *record, allo)["History.transplants"]
    assert sorted(transplants, key=lambda t: t["date"]) == [{"type": "autologous_hct", "date": "2024-03-12"},
                                                           {"type": "allogeneic_hct", "date": days_ago(80)}]
    assert "History.transplants" not in extracted(table)
    none = {"resourceType": "Procedure", "status": "completed", "subject": {"reference": "Patient/123"},
            "code": {"coding": [{"system": "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips",
                                 "code": "no-known-procedures"}]}}
    values = extracted(table, none)
    assert values["History.transplants"] == [] and values["History.prior_car_t_infusion"] is False


def test_immunosuppression_stopped_gives_the_latest_stop_date(table):
    def statement(end):
        return {"resourceType": "MedicationStatement", "status": "completed", "subject": {"reference": "Patient/123"},
                "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc", "code": "H02AB06"}]},
                "effectivePeriod": {"start": "2026-01-01", "end": end}}
    values = extracted(table, statement("2026-03-01"), statement("2026-06-30"))
    assert values["History.systemic_immunosuppression"] == "stopped"
    assert values["History.immunosuppression_stop_date"] == "2026-06-30"


def test_an_answer_of_the_questionnaire_fills_only_what_the_record_does_not_say(table):
    values = extracted(table, condition("J44.9"), answers={"History.copd": False, "Assessment.mdt_evaluated": True})
    assert values["History.copd"] is True and values["Assessment.mdt_evaluated"] is True


def test_the_plan_and_the_order_facts_come_from_their_own_sources(table):
    order = {"resourceType": "ServiceRequest", "authoredOn": "2026-12-01T09:30:00-05:00",
             "locationCode": [{"coding": [{"system": "https://www.cms.gov/Medicare/Coding/place-of-service-codes/"
                                           "Place_of_Service_Code_Set", "code": "21"}]}],
             "quantityQuantity": {"value": 2}}
    values = extracted(table, order, order=order, plan={"line_of_business": "medicaid", "pharmacy_approved": False})
    assert values["Request.request_date"] == "2026-12-01"
    assert values["Request.place_of_service"] == "inpatient" and values["Request.infusions_requested"] == 2
    assert (values["Request.line_of_business"], values["Request.pharmacy_approved"]) == ("medicaid", False)
    assert "Request.product_covers_service" not in values


def _broken(tmp_path, change) -> Path:
    data = yaml.safe_load(FILE.read_text())
    change(data)
    path = tmp_path / "car-t-candidate-selection.fhir.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize("change, says", [
    (lambda d: d["fields"].update({"History.smoker": copy.deepcopy(d["fields"]["History.copd"])}), "History.smoker"),
    (lambda d: d["fields"].update({"Determination Date.x": [{"plan": "x"}]}), "Determination Date.x"),
    (lambda d: d["questionnaire"]["derived"].update({"Smoking": ["History.copd"]}), "Smoking"),
    (lambda d: d["questionnaire"].update({"asks": ["Labs"]}), "Labs"),
])
def test_a_mapping_that_does_not_fit_the_model_is_refused_by_name(tmp_path, change, says):
    broken = mapping.load(_broken(tmp_path, change))
    with pytest.raises(mapping.MappingError, match=says):
        broken.check(MODEL, SERVICE)


@pytest.mark.parametrize("change, says", [
    (lambda d: d["fields"]["History.copd"][0].update({"when": "entry.resource.where("}), "not FHIRPath"),
    (lambda d: d["fields"]["History.copd"][0].update({"when": "%diagnoses contains 'J44.9' 'J43.9'"}), "after the expression"),
    (lambda d: d["fields"]["History.copd"][0].update({"when": "%diagnosis contains 'J44.9'"}), "undefined environment variable"),
    (lambda d: d["fields"]["Request.request_date"][0].update({"as": "datetime"}), "as: one of"),
    (lambda d: d["collections"].update({"order": "entry"}), "collections.order"),
    (lambda d: d["fields"]["History.copd"].append({"value": True}), "a rule has"),
])
def test_a_mapping_file_that_cannot_be_read_is_refused_by_entry(tmp_path, change, says):
    with pytest.raises(mapping.MappingError, match=says):
        mapping.load(_broken(tmp_path, change))
