"""The policy endpoint's `reasons` follow the convention of docs/policy-interpretation.md (section 1):
only rules whose finding the determination reports become reasons, each with its policy section."""
import copy
import shutil
from pathlib import Path

import pytest
import yaml

from webapp.app import create_app
from webapp.auth import hash_key

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
BASE = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())["base_inputs"]
H = {"Authorization": "Bearer k"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reasons")
    (tmp / "decisions").mkdir()
    shutil.copy(MODEL, tmp / "decisions" / MODEL.name)
    app = create_app({"MODELS_DIR": str(tmp / "decisions"), "VAR_DIR": str(tmp / "var"),
                      "DATABASE_URL": f"sqlite:///{tmp / 'audit.db'}",
                      "API_KEYS": f"{hash_key('k')}:evaluate,audit"})
    return app.test_client()


def _determine(client, **changes):
    case = copy.deepcopy(BASE)
    for section, facts in changes.items():
        case[section].update(facts)
    response = client.post("/api/v1/car-t/determinations", json=case, headers=H)
    assert response.status_code == 200, response.json
    return response.json


def test_appropriate_request_has_no_reasons(client):
    answer = _determine(client)
    assert answer["determination"] == "medically_appropriate"
    assert answer["reasons"] == []


def test_not_applicable_is_explained_by_its_gate_alone(client):
    # The clinical rules also match (prior infusion, MDT does not recommend), but the criteria do not apply.
    answer = _determine(client, Request={"pharmacy_approved": False},
                        History={"prior_car_t_infusion": True}, Assessment={"mdt_recommends": False})
    assert answer["determination"] == "policy_not_applicable"
    assert [(r["decision"], r["policy_section"]) for r in answer["reasons"]] == [
        ("Policy Applicability", "Policy applicability")]


def test_every_failed_and_missing_item_has_a_reason_with_its_section(client):
    answer = _determine(client, History={"prior_car_t_infusion": True},
                        Assessment={"organ_function_adequate": False}, Documentation={"cbc": False})
    assert answer["determination"] == "criteria_not_met"
    sections = sorted(r["policy_section"] for r in answer["reasons"])
    assert sections == ["Guideline I.E.1", "Statement I.A", "Statement I.C"]
    assert all(r["text"] for r in answer["reasons"])


def test_reasons_are_the_determinations_own_reasons(client):
    answer = _determine(client, Assessment={"mdt_evaluated": None}, Documentation={"hiv_test": False})
    returned = answer["trace"]["Determination"]["value"]["reasons"]
    assert sorted(r["text"] for r in answer["reasons"]) == sorted(returned)
