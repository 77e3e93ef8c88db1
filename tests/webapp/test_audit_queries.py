"""Audit queries take instants: `from` and `to` with a UTC offset mean that instant (converted to
UTC), not the same clock reading in UTC; an empty or malformed bound is a 422."""
import datetime as dt
from urllib.parse import quote

import pytest
from support.problems import by_field

GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
EVAL = "/api/v1/models/simpletable/evaluate"


@pytest.fixture
def recorded(client, auth):
    evaluation_id = client.post(EVAL, json=GOOD, headers=auth("evaluate")).json["evaluation_id"]
    record = client.get(f"/api/v1/evaluations/{evaluation_id}", headers=auth("audit")).json
    return evaluation_id, dt.datetime.fromisoformat(record["created_at"])


def _ids(client, auth, **bounds):
    query = "&".join(f"{k}={quote(v)}" for k, v in bounds.items())
    r = client.get(f"/api/v1/evaluations?{query}", headers=auth("audit"))
    assert r.status_code == 200, r.json
    return [item["id"] for item in r.json["items"]]


def _at(instant: dt.datetime, hours: int) -> str:
    """The same instant written with another UTC offset."""
    return instant.astimezone(dt.timezone(dt.timedelta(hours=hours))).isoformat()


@pytest.mark.parametrize("hours", [5, -7, 14, -12])
def test_bounds_with_an_offset_are_the_instant_they_name(client, auth, recorded, hours):
    evaluation_id, created = recorded
    minute = dt.timedelta(minutes=1)
    assert _ids(client, auth, **{"from": _at(created - minute, hours)}) == [evaluation_id]
    assert _ids(client, auth, **{"from": _at(created + minute, hours)}) == []
    assert _ids(client, auth, to=_at(created + minute, hours)) == [evaluation_id]
    assert _ids(client, auth, to=_at(created - minute, hours)) == []


def test_a_bound_without_an_offset_is_utc(client, auth, recorded):
    evaluation_id, created = recorded
    naive = (created - dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    assert _ids(client, auth, **{"from": naive}) == [evaluation_id]


@pytest.mark.parametrize("query", ["to=", "from=", "from=yesterday", "to=2026-13-01T00:00:00Z",
                                   "limit=0", "limit=1001", "offset=-1",
                                   # valid dates whose instant in UTC falls in year 0 or 10000
                                   "from=0001-01-01T00:00:00%2B14:00", "to=9999-12-31T23:00:00-14:00"])
def test_bad_query_parameters_are_422(client, auth, query):
    r = client.get(f"/api/v1/evaluations?{query}", headers=auth("audit"))
    assert r.status_code == 422 and r.json["code"] == "invalid_input" and by_field(r.json)["query"]
