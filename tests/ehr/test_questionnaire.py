"""The DTR questionnaire's questions in the data dictionary's types, and a completed response read back
onto the request: booleans, dates, numbers, a choice of the allowed values, and the transplant history
as a repeating group of type and date, or none; only responses to this service's questionnaire count,
the newest answer winning."""
import pydmn
import pytest

from support.apps import ROOT
from webapp.ehr import mapping, questionnaire

MODEL = pydmn.load(str(ROOT / "decisions" / "car-t-candidate-selection.dmn"))
SERVICE = {"Determination Date"}
BASE = "https://payer.example.org/car-t"
URL = f"{BASE}/Questionnaire/car-t-candidate-selection"


@pytest.fixture(scope="module")
def table():
    return mapping.load(ROOT / "decisions" / "car-t-candidate-selection.fhir.yaml")


def response(*items, status="completed", authored="2026-12-01T00:00:00Z", version="a-1"):
    return {"resourceType": "QuestionnaireResponse", "questionnaire": f"{URL}|{version}", "status": status,
            "authored": authored, "item": [{"linkId": "finding-1", "item": list(items)}]}


def answer(link, **value):
    return {"linkId": link, "answer": [value]}


def read(table, *responses):
    return questionnaire.answers(list(responses), BASE, table, MODEL, SERVICE)


def test_each_type_is_read_back_onto_its_field(table):
    found = read(table, response(
        answer("Assessment.mdt_evaluated", valueBoolean=True),
        answer("Assessment.deterioration_onset_days_after_apheresis", valueInteger=12),
        answer("History.immunosuppression_stop_date", valueDate="2026-10-01"),
        answer("History.systemic_immunosuppression", valueCoding={"code": "stopped"}),
        answer("Documentation.cbc.attachment", valueAttachment={"url": "Binary/1"})))
    assert found == {"Assessment.mdt_evaluated": True, "Assessment.deterioration_onset_days_after_apheresis": 12,
                     "History.immunosuppression_stop_date": "2026-10-01", "History.systemic_immunosuppression": "stopped"}


def test_the_transplant_history_is_a_list_of_type_and_date_or_none(table):
    def transplant(kind, date):
        return {"linkId": "History.transplants", "item": [
            answer("History.transplants.type", valueCoding={"code": kind}),
            answer("History.transplants.date", valueDate=date)]}
    found = read(table, response(transplant("allogeneic_hct", "2026-09-01"), transplant("autologous_hct", "2024-03-12")))
    assert found["History.transplants"] == [{"type": "allogeneic_hct", "date": "2026-09-01"},
                                            {"type": "autologous_hct", "date": "2024-03-12"}]
    assert read(table, response(answer("History.transplants.none", valueBoolean=True)))["History.transplants"] == []
    assert "History.transplants" not in read(table, response(answer("History.transplants.none", valueBoolean=False)))


def test_only_completed_responses_to_this_questionnaire_count_and_the_newest_wins(table):
    older = response(answer("Assessment.mdt_recommends", valueBoolean=False), authored="2026-11-01T00:00:00Z")
    newer = response(answer("Assessment.mdt_recommends", valueBoolean=True), authored="2026-12-01T00:00:00Z")
    draft = response(answer("Assessment.mdt_evaluated", valueBoolean=True), status="in-progress")
    foreign = dict(response(answer("Assessment.organ_function_adequate", valueBoolean=True)),
                   questionnaire="https://other.example.org/Questionnaire/x|1")
    assert read(table, newer, older, draft, foreign) == {"Assessment.mdt_recommends": True}


def test_questions_take_the_data_dictionary_types(table):
    record = {"id": "a-1", "inputs": {"History": {"transplants": None, "systemic_immunosuppression": None},
                                      "Documentation": {"cbc": False}},
              "outputs": {"findings": [
                  {"id": "DATA-II", "kind": "data", "supplied_by": "provider", "needed": "The history.",
                   "citation": "Medical Policy 7.02.11, Statement II", "text": "t",
                   "facts": [{"expression": "Transplant Facts.allogeneic_hct"},
                             {"expression": "History.systemic_immunosuppression"}]},
                  {"id": "GL-I.E.1", "kind": "documentation", "supplied_by": "provider", "needed": "A CBC.",
                   "citation": "Medical Policy 7.02.11, Guideline I.E.1", "text": "t",
                   "facts": [{"expression": "Documentation.cbc"}]},
                  {"id": "DATA-DISCLAIMER", "kind": "data", "supplied_by": "plan_eligibility", "needed": "LOB",
                   "citation": "c", "text": "t", "facts": [{"expression": "Request.line_of_business"}]}]}}
    built, prefilled = questionnaire.build(record, MODEL, SERVICE, table, BASE, "Coverage/1", ["ServiceRequest/2"],
                                           "Patient/3")
    items = {q["linkId"]: q for group in built["item"] for q in group["item"]}
    assert [g["text"] for g in built["item"]] == ["The history. (Medical Policy 7.02.11, Statement II)",
                                                  "A CBC. (Medical Policy 7.02.11, Guideline I.E.1)"]
    assert items["History.systemic_immunosuppression"]["type"] == "choice"
    assert {o["valueCoding"]["code"] for o in items["History.systemic_immunosuppression"]["answerOption"]} == \
        {"none", "ongoing", "stopped"}
    transplants = items["History.transplants"]
    assert transplants["repeats"] and [q["type"] for q in transplants["item"]] == ["choice", "date"]
    assert items["Documentation.cbc"]["type"] == "boolean" and items["Documentation.cbc.attachment"]["type"] == "attachment"
    assert "Request.line_of_business" not in items                      # the plan's, never the provider's
    (group,) = prefilled["item"]
    assert group["item"][0]["linkId"] == "Documentation.cbc" and group["item"][0]["answer"][0]["valueBoolean"] is False
