"""Effective dates (issue 22 §5): a version has an effective date, may be published ahead of it, and a
request is determined by the version in effect on its request date; the answer and its citations name
that version and date. Dates are computed from today (model v3 accepts a request dated tomorrow,
one day past the service's date), never from a fake clock."""
import datetime as dt

import pytest

from support.apps import CAR_T, CAR_T_ID, make_app
from support.people import as_

M = f"/api/v1/models/{CAR_T_ID}"
TODAY = dt.datetime.now(dt.timezone.utc).date()
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def car_t(tmp_path, database):
    made = make_app(tmp_path, models=(CAR_T,), database=database)
    yield made.test_client()
    made.extensions["audit"].close()


def _approved(client, content: str, effective_date=None) -> dict:
    """A draft of `content` saved and submitted by ann, approved by cat (with `effective_date`, if given)."""
    draft = client.post(f"{M}/versions", json={"content": content, "comment": "dated"}, headers=as_("ann")).json
    assert client.post(f"{M}/versions/{draft['number']}:submit", json={"sha256": draft["sha256"]},
                       headers=as_("ann")).status_code == 200
    digest = client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat")).json["digest"]
    body = {"sha256": draft["sha256"], "evidence": digest, "comment": "ok"}
    if effective_date is not None:
        body["effective_date"] = effective_date.isoformat()
    approved = client.post(f"{M}/versions/{draft['number']}:approve", json=body, headers=as_("cat"))
    assert approved.status_code == 200, approved.json
    return approved.json


def _publish(client, version: dict, effective_date=None):
    body = {"sha256": version["sha256"]}
    if effective_date is not None:
        body["effective_date"] = effective_date.isoformat()
    return client.post(f"{M}/versions/{version['number']}:publish", json=body, headers=as_("cat"))


def _determine(client, base_request, request_date: dt.date) -> dict:
    body = {**base_request, "Request": {**base_request["Request"], "request_date": request_date.isoformat()}}
    response = client.post("/api/v1/car-t/determinations", json=body, headers=as_("eve"))
    assert response.status_code == 200, response.json
    return response.json


def _window(days: int) -> str:
    """The CAR-T model with another transplant window: an edit that is not a contract change."""
    source = CAR_T.read_text()
    cell = '<outputEntry id="LiteralExpression_PolicyParameters_1_transplant_window_days">\n          <text>100</text>'
    assert cell in source
    return source.replace(cell, cell.replace(">100<", f">{days}<"))


def _citations(answer: dict) -> set[str]:
    return {f["citation"] for f in answer["findings"] + answer["criteria_met"]}


def test_the_seed_is_in_effect_from_the_date_its_model_states(car_t, base_request):
    listing = car_t.get(f"{M}/versions", headers=as_("eve")).json
    assert listing["in_effect"] == [{"number": 1, "effective_date": "2026-04-15"}]
    assert listing["versions"][0]["effective_date"] == "2026-04-15"
    answer = _determine(car_t, base_request, TODAY)
    assert (answer["version_number"], answer["effective_date"]) == (1, "2026-04-15")


def test_a_version_effective_tomorrow_serves_only_requests_dated_from_tomorrow(car_t, base_request):
    version = _approved(car_t, _window(90), TOMORROW)
    assert version["effective_date"] == TOMORROW.isoformat()
    published = _publish(car_t, version)
    assert published.status_code == 200, published.json
    assert published.json["state"] == "published" and published.json["effective_date"] == TOMORROW.isoformat()

    today = _determine(car_t, base_request, TODAY)
    assert (today["version_number"], today["effective_date"]) == (1, "2026-04-15")
    assert _citations(today) and all(c.endswith("effective 2026-04-15") for c in _citations(today))

    tomorrow = _determine(car_t, base_request, TOMORROW)
    assert tomorrow["version_number"] == version["number"] and tomorrow["model_version"] == version["sha256"]
    assert tomorrow["effective_date"] == TOMORROW.isoformat()
    assert tomorrow["determination"] == "medically_appropriate"     # tomorrow is on or after its date
    assert _citations(tomorrow) and all(c.endswith(f"effective {TOMORROW}") for c in _citations(tomorrow))
    assert not any("2026-04-15" in c for c in _citations(tomorrow))

    listing = car_t.get(f"{M}/versions", headers=as_("eve")).json
    assert listing["serving"] == 1        # in effect today
    assert listing["in_effect"] == [{"number": 1, "effective_date": "2026-04-15"},
                                    {"number": version["number"], "effective_date": TOMORROW.isoformat()}]
    assert [v["state"] for v in listing["versions"]] == ["published", "published"]


def test_publish_names_the_date_and_a_version_effective_today_retires_the_one_before(car_t, base_request):
    version = _approved(car_t, _window(90))
    assert version["effective_date"] == "2026-04-15"       # the date the model's Policy Parameters state
    assert _publish(car_t, version, TODAY).status_code == 200
    answer = _determine(car_t, base_request, TODAY)
    assert (answer["version_number"], answer["effective_date"]) == (version["number"], TODAY.isoformat())
    # a request dated before today goes to the version in effect then, which is the seed's
    earlier = _determine(car_t, base_request, TODAY - dt.timedelta(days=1))
    assert earlier["version_number"] == 1
    states = {v["number"]: v["state"] for v in car_t.get(f"{M}/versions", headers=as_("eve")).json["versions"]}
    assert states == {1: "published", version["number"]: "published"}
    # published again from the seed's own date, version 1 leaves the timeline
    again = _approved(car_t, _window(80))
    assert _publish(car_t, again, dt.date(2026, 4, 15)).status_code == 200
    listing = car_t.get(f"{M}/versions", headers=as_("eve")).json
    assert listing["in_effect"] == [{"number": again["number"], "effective_date": "2026-04-15"}]
    assert {v["number"]: v["state"] for v in listing["versions"]} == {
        1: "retired", version["number"]: "retired", again["number"]: "published"}


def test_a_scheduled_version_is_withdrawn_by_rolling_back_to_the_one_in_effect(car_t, base_request):
    version = _approved(car_t, _window(90), TOMORROW)
    assert _publish(car_t, version).status_code == 200
    back = car_t.post(f"{M}/versions/1:rollback", json={"reason": "not yet"}, headers=as_("max"))
    assert back.status_code == 200, back.json
    assert _determine(car_t, base_request, TOMORROW)["version_number"] == 1
    states = {v["number"]: v["state"] for v in car_t.get(f"{M}/versions", headers=as_("eve")).json["versions"]}
    assert states == {1: "published", version["number"]: "retired"}


def test_a_contract_change_serves_at_publish_and_cannot_wait_for_a_date(car_t):
    source = CAR_T.read_text()
    field = '<itemComponent id="ItemComponent_tRequest_product"'
    assert field in source
    # a new optional field of Request: the request schema changes (a minor: the model declares 2.1.0)
    changed = source.replace(field, '<itemComponent id="ItemComponent_tRequest_referral" name="referral">'
                                    '<typeRef>string</typeRef></itemComponent>' + field).replace(
        "<definitions ", '<definitions xmlns:contract="https://healthplan.example/dmn/contract" contract:version="2.1.0" ', 1)
    version = _approved(car_t, changed, TOMORROW)
    refused = _publish(car_t, version)
    assert refused.status_code == 409
    assert _publish(car_t, version, TODAY).status_code == 200


def test_an_effective_date_must_be_a_date(car_t):
    version = _approved(car_t, _window(90))
    response = car_t.post(f"{M}/versions/{version['number']}:publish",
                          json={"sha256": version["sha256"], "effective_date": "tomorrow"}, headers=as_("cat"))
    assert response.status_code == 422
