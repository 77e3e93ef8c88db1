"""The CAR-T endpoint on the real policy model (decisions/), with the scenarios' base case."""
import json
import shutil
from pathlib import Path

import pytest

from support.apps import make_app
from support.people import as_
from support.problems import by_field

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
CASE = json.loads((Path(__file__).parents[2] / "docs" / "examples" / "car-t-request.json").read_text())
H = as_("fay")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cart")
    (tmp / "decisions").mkdir()
    # With its scenarios, so the start-up gate (validation + scenarios) runs on the real model.
    shutil.copy(MODEL.with_name(f"{MODEL.stem}.scenarios.yaml"), tmp / "decisions")
    return make_app(tmp, (MODEL,)).test_client()


def test_base_case_is_appropriate_and_audited(client):
    r = client.post("/api/v1/car-t/determinations?trace=true", json=CASE, headers=H)
    assert r.status_code == 200
    assert r.json["determination"] == "medically_appropriate" and r.json["failed_criteria"] == []
    assert r.json["disposition"] == "approve" and r.json["findings"] == []
    assert "Determination" in r.json["trace"] and len(r.json["model_version"]) == 64
    rec = client.get(f"/api/v1/evaluations/{r.json['evaluation_id']}", headers=H).json
    assert rec["outputs"]["determination"] == "medically_appropriate" and rec["outputs"]["disposition"] == "approve"


def test_missing_section_is_422(client):
    bad = {k: v for k, v in CASE.items() if k != "History"}
    r = client.post("/api/v1/car-t/determinations", json=bad, headers=H)
    assert r.status_code == 422 and "History" in by_field(r.json)


def test_values_outside_the_data_dictionary_ranges_are_422(client):
    for section, field, value in (("Request", "infusions_requested", 0), ("Documentation", "karnofsky", 500),
                                  ("Documentation", "ecog", 9)):
        bad = json.loads(json.dumps(CASE))
        bad[section][field] = value
        r = client.post("/api/v1/car-t/determinations", json=bad, headers=H)
        assert r.status_code == 422 and field in by_field(r.json)[section]


def test_dates_are_checked_and_reach_the_engine_as_dates(client):
    bad = json.loads(json.dumps(CASE))
    bad["Request"]["request_date"] = "2026-02-30"
    r = client.post("/api/v1/car-t/determinations", json=bad, headers=H)
    assert r.status_code == 422 and "request_date" in by_field(r.json)["Request"]
    ok = client.post("/api/v1/car-t/determinations", json=CASE, headers=H).json
    rec = client.get(f"/api/v1/evaluations/{ok['evaluation_id']}", headers=H).json
    assert rec["inputs"]["Request"]["request_date"] == CASE["Request"]["request_date"]


def test_batch_in_order_and_failure_declines(client):
    declined = json.loads(json.dumps(CASE))
    declined["Assessment"]["organ_function_adequate"] = False
    r = client.post("/api/v1/car-t/determinations:batch", json={"cases": [CASE, declined]}, headers=H)
    results = r.json["results"]
    assert r.status_code == 200 and results[0]["determination"] == "medically_appropriate"
    assert results[1]["determination"] != "medically_appropriate"
    too_many = client.post("/api/v1/car-t/determinations:batch", json={"cases": [CASE] * 1001}, headers=H)
    assert too_many.status_code == 422


def test_empty_batch_and_oversized_body(client):
    r = client.post("/api/v1/car-t/determinations:batch", json={"cases": []}, headers=H)
    assert r.status_code == 200 and r.json == {"results": []}
    huge = b'{"cases": [' + b'{}, ' * 800_000 + b'{}]}'
    r = client.post("/api/v1/car-t/determinations:batch", data=huge,
                    headers={**H, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json["code"] == "payload_too_large"
