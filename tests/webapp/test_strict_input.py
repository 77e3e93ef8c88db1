"""Strict input: only JSON, every key once, booleans that are booleans, numbers FEEL can hold, values
within what the model allows (with the model's own range in the message), and a batch body that
is `{"cases": [...]}` and nothing else. Each is a 4xx in the one envelope, and records nothing."""
import json

import pytest

from support.apps import make_app
from support.problems import by_field

EVAL = "/api/v1/models/ranges/evaluate"
CASE = {"count": 2, "score": 5, "odd": 3, "requested": "2026-05-01", "flag": True, "details": {"a": 1}}


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, models=("simpletable.dmn", "ranges.dmn"))


def _post(client, auth, inputs, path=EVAL):
    return client.post(path, json={"inputs": {"Case": inputs}}, headers=auth())


def _raw(client, auth, data, content_type="application/json", path=EVAL):
    return client.post(path, data=data, headers={**auth(), "Content-Type": content_type})


def _nothing_recorded(app):
    assert app.extensions["audit"].list()[0] == 0


def test_a_valid_case_is_answered(client, auth):
    r = _post(client, auth, CASE)
    assert r.status_code == 200, r.json
    assert r.json["decisions"]["Total"]["value"] == 7


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
def test_a_boolean_is_only_true_false_or_null(app, client, auth, value):
    r = _post(client, auth, {**CASE, "flag": value})
    assert r.status_code == 422
    assert "true, false or null" in by_field(r.json)["inputs"]["Case"]["flag"][0]
    _nothing_recorded(app)


def test_booleans_of_the_simple_model_too(client, auth):
    r = client.post("/api/v1/models/simpletable/evaluate",
                    json={"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": 1}}, headers=auth())
    assert r.status_code == 422 and "isAffordable" in by_field(r.json)["inputs"]


@pytest.mark.parametrize("field, value, allowed", [
    ("count", 0, "[1..10]"), ("count", 11, "[1..10]"), ("count", -1, "[1..10]"),
    ("score", -0.5, ">= 0"), ("odd", 2, None), ("requested", "2026-04-14", '>= date("2026-04-15")'),
])
def test_values_outside_the_models_allowed_values_name_the_field_and_the_range(app, client, auth,
                                                                               field, value, allowed):
    r = _post(client, auth, {**CASE, field: value})
    assert r.status_code == 422, r.json
    message = by_field(r.json)["inputs"]["Case"][field][0]
    assert allowed is None or allowed in message
    _nothing_recorded(app)


def test_allowed_bounds_are_allowed(client, auth):
    for count in (1, 10):
        assert _post(client, auth, {**CASE, "count": count}).status_code == 200
    assert _post(client, auth, {**CASE, "requested": "2026-04-15"}).status_code == 200


def test_ranges_are_documented_from_the_model(client, auth):
    schema = client.get("/api/v1/models/ranges", headers=auth()).json["inputs_schema"]
    case = next(v for k, v in schema["$defs"].items() if k != "Inputs")
    assert case["properties"]["count"]["minimum"] == 1 and case["properties"]["count"]["maximum"] == 10
    assert case["properties"]["score"]["minimum"] == 0


@pytest.mark.parametrize("text, path", [
    ('{"inputs": {"Case": {"count": 1e999999999}}}', ["inputs", "Case", "count"]),
    ('{"inputs": {"Case": {"count": 1, "details": {"x": -1e-999999}}}}', ["inputs", "Case", "details", "x"]),
    ('{"inputs": {"Case": {"count": NaN}}}', ["inputs", "Case", "count"]),
    ('{"inputs": {"Case": {"details": {"x": Infinity}}}}', ["inputs", "Case", "details", "x"]),
    ('{"inputs": {"Case": {"count": ' + "9" * 7000 + '}}}', ["inputs", "Case", "count"]),
])
def test_a_number_feel_cannot_hold_is_422_naming_the_field(app, client, auth, text, path):
    r = _raw(client, auth, text)
    assert r.status_code == 422, r.json
    node = by_field(r.json)
    for step in path:
        node = node[step]
    assert node == ["not a FEEL number"]
    _nothing_recorded(app)


def test_a_key_given_twice_is_400(app, client, auth):
    r = _raw(client, auth, '{"inputs": {"Case": {"count": 1, "count": 2}}}')
    assert r.status_code == 400 and "count" in by_field(r.json)[""][0]
    _nothing_recorded(app)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_not_sent_as_json_is_415(app, client, auth, content_type):
    r = _raw(client, auth, json.dumps({"inputs": {"Case": CASE}}), content_type)
    assert r.status_code == 415 and r.json["code"] == "unsupported_media_type"
    _nothing_recorded(app)


def test_no_content_type_is_415(client, auth):
    r = client.post(EVAL, data=b'{"inputs": {}}', headers=auth())
    assert r.status_code == 415


def test_unknown_members_of_the_body_are_refused(client, auth):
    r = client.post(EVAL, json={"inputs": {"Case": CASE}, "extra": 1}, headers=auth())
    assert r.status_code == 422 and "extra" in by_field(r.json)
