"""Issue 23 §3: answers a caller can afford (the trace only with `?trace=true`), retries that are safe
(`Idempotency-Key`, the IETF httpapi draft's rules) and the caller's own case reference (`X-Case-Id`) on
the audit record; on SQLite and PostgreSQL."""
import datetime as dt
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from support.apps import CAR_T, ROOT, make_app
from support.people import as_, key_id_of
from support.threads import in_threads
from webapp.api import car_t
from webapp.store import audit, chain, chain_verify, idempotency
from webapp.store.errors import Unavailable

REQUEST = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
OTHER = {**REQUEST, "Request": {**REQUEST["Request"], "pharmacy_approved": None}}
ROUTE, BATCH = "/api/v1/car-t/determinations", "/api/v1/car-t/determinations:batch"
KEPT = {"evaluation_id", "model_id", "model_version", "determination", "disposition", "findings", "failed_criteria",
        "missing_documentation", "criteria_met", "reasons"}


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, models=(CAR_T,), database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def _records(client, query=""):
    page = client.get(f"/api/v1/evaluations?limit=1000&{query}", headers=as_("ida"))
    assert page.status_code == 200, page.json
    return page.json["items"]


def _post(client, body=REQUEST, path=ROUTE, person="eve", **headers):
    return client.post(path, json=body, headers={**as_(person), **headers})


# -- the trace, opt-in ---------------------------------------------------------------------------------
def test_the_trace_is_sent_only_when_asked_for_and_the_record_keeps_it(client):
    plain, traced = _post(client), client.post(f"{ROUTE}?trace=true", json=REQUEST, headers=as_("eve"))
    assert plain.status_code == traced.status_code == 200
    assert KEPT <= set(plain.json) and "trace" not in plain.json and set(traced.json) == set(plain.json) | {"trace"}
    assert {k: v for k, v in traced.json.items() if k not in ("trace", "evaluation_id")} == \
        {k: v for k, v in plain.json.items() if k != "evaluation_id"}
    assert "Determination" in traced.json["trace"] and plain.json["reasons"]
    assert len(plain.data) * 2 < len(traced.data)
    assert set(_post(client, path=f"{ROUTE}?trace=false").json) == set(plain.json)
    records = {r["id"]: r for r in _records(client)}
    # the audit record's matched rules come from the trace, whether or not it was sent
    assert records[plain.json["evaluation_id"]]["matched_rules"] == records[traced.json["evaluation_id"]]["matched_rules"]
    assert records[plain.json["evaluation_id"]]["matched_rules"]["Determination"]
    assert client.post(f"{ROUTE}?trace=maybe", json=REQUEST, headers=as_("eve")).status_code == 422


def test_a_batch_sends_each_trace_only_when_asked_for(client):
    plain = _post(client, {"cases": [REQUEST, OTHER]}, BATCH).json["results"]
    traced = client.post(f"{BATCH}?trace=1", json={"cases": [REQUEST]}, headers=as_("eve")).json["results"]
    assert all(KEPT <= set(a) and "trace" not in a for a in plain) and set(traced[0]) == set(plain[0]) | {"trace"}


# -- Idempotency-Key -------------------------------------------------------------------------------------
def test_the_same_key_and_body_answer_the_same_with_one_record(client):
    first = _post(client, **{"Idempotency-Key": '"order-1"'})
    again = _post(client, **{"Idempotency-Key": '"order-1"'})
    bare = _post(client, **{"Idempotency-Key": "order-1"})      # the same key, sent unquoted
    assert first.status_code == again.status_code == bare.status_code == 200
    assert first.data == again.data == bare.data
    assert [r["id"] for r in _records(client)] == [first.json["evaluation_id"]]


def test_a_key_is_the_callers_own(client):
    eve = _post(client, person="eve", **{"Idempotency-Key": "k"})
    fay = _post(client, person="fay", **{"Idempotency-Key": "k"})
    assert eve.json["evaluation_id"] != fay.json["evaluation_id"] and len(_records(client)) == 2


def test_the_same_key_with_another_request_is_422(client):
    assert _post(client, **{"Idempotency-Key": "k"}).status_code == 200
    for other in (_post(client, OTHER, **{"Idempotency-Key": "k"}),
                  client.post(f"{ROUTE}?trace=true", json=REQUEST, headers={**as_("eve"), "Idempotency-Key": "k"}),
                  _post(client, **{"Idempotency-Key": "k", "X-Case-Id": "UM-7"})):
        assert other.status_code == 422 and other.json["code"] == "invalid_input", other.json
    assert len(_records(client)) == 1


def test_a_retry_while_the_first_is_running_is_409(client, monkeypatch):
    """The retry is sent from inside the first request's evaluation: the first is running, for certain."""
    retries = []

    def determine_with_a_retry(*args, **kwargs):
        if not retries:
            retries.append(_post(client, **{"Idempotency-Key": "k"}))
        return determine(*args, **kwargs)
    determine = car_t.determine
    monkeypatch.setattr(car_t, "determine", determine_with_a_retry)
    first = _post(client, **{"Idempotency-Key": "k"})
    assert first.status_code == 200
    assert retries[0].status_code == 409 and retries[0].json["code"] == "conflict"
    assert [r["id"] for r in _records(client)] == [first.json["evaluation_id"]]
    assert _post(client, **{"Idempotency-Key": "k"}).data == first.data


def test_two_requests_racing_with_one_key_make_one_determination(app):
    def send():
        response = _post(app.test_client(), **{"Idempotency-Key": "raced"})
        return response.status_code, response.json
    results = in_threads(send, 2) + in_threads(send, 2)
    answered = {body["evaluation_id"] for status, body in results if status == 200}
    assert {status for status, _ in results} <= {200, 409}
    records = _records(app.test_client())
    assert len(answered) == 1 and [r["id"] for r in records] == list(answered)


def test_a_failed_request_frees_its_key(client, monkeypatch):
    def unavailable(*args, **kwargs):
        raise Unavailable("not now", {"audit": ["test"]})
    monkeypatch.setattr(car_t, "determine", unavailable)
    assert _post(client, **{"Idempotency-Key": "k"}).status_code == 503
    monkeypatch.undo()
    assert _post(client, **{"Idempotency-Key": "k"}).status_code == 200 and len(_records(client)) == 1


def test_a_key_holds_for_24_hours(client, monkeypatch):
    first = _post(client, **{"Idempotency-Key": "k"})
    later = first_use = dt.datetime.now(dt.timezone.utc)
    monkeypatch.setattr(idempotency, "now", lambda: later)
    later = first_use + idempotency.TTL - dt.timedelta(minutes=1)
    assert _post(client, OTHER, **{"Idempotency-Key": "k"}).status_code == 422
    assert _post(client, **{"Idempotency-Key": "k"}).data == first.data
    later = first_use + idempotency.TTL + dt.timedelta(minutes=1)
    fresh = _post(client, OTHER, **{"Idempotency-Key": "k"})
    assert fresh.status_code == 200 and fresh.json["determination"] != first.json["determination"]
    assert len(_records(client)) == 2


@pytest.mark.parametrize("statement, refused", [("UPDATE idempotency_keys SET body = '{}'", "append-only"),
                                                ("DELETE FROM idempotency_keys", "kept 24 hours")])
@pytest.mark.parametrize("owner", [True, False], ids=["owner", "service"])
def test_a_kept_answer_cannot_be_rewritten_or_deleted_within_its_24_hours(client, database, statement, refused,
                                                                          owner):
    """Even the tables' owner is stopped by the triggers (the service's login has no UPDATE grant either)."""
    kept = _post(client, **{"Idempotency-Key": "k"})
    with database.connect(owner=owner) as conn, pytest.raises(DBAPIError, match=refused + "|permission denied"):
        conn.execute(text(statement))
    assert _post(client, **{"Idempotency-Key": "k"}).data == kept.data


def _insert_claim(database, key, at, phases=("started", "answered")):
    with database.connect(owner=True) as conn:
        for phase in phases:
            conn.execute(idempotency.idempotency_keys.insert().values(
                key_id=key, claim=1, phase=phase, fingerprint="f", at=at, status=200, body="{}"))
        conn.commit()


def _stored_keys(database):
    with database.connect() as conn:
        return {row.key_id for row in conn.execute(select(idempotency.idempotency_keys.c.key_id))}


def test_expired_keys_are_deleted_by_the_service_and_live_ones_kept(app, client, database):
    """Their kept answers are about members: the service's own login deletes them (PostgreSQL grants it
    DELETE on this table alone), on a process's first claim."""
    now = dt.datetime.now(dt.timezone.utc)
    _insert_claim(database, "expired", now - idempotency.KEPT - dt.timedelta(minutes=5))
    _insert_claim(database, "expiring", now - idempotency.TTL - dt.timedelta(minutes=5))
    _insert_claim(database, "answered-while-pruned", now - idempotency.KEPT - dt.timedelta(minutes=5), ("started",))
    _insert_claim(database, "answered-while-pruned", now - idempotency.TTL, ("answered",))
    live = _post(client, **{"Idempotency-Key": "live"})
    assert _stored_keys(database) == {"expiring", "answered-while-pruned",
                                      idempotency.key_id(key_id_of("eve"), "live")}
    assert app.extensions["idempotency"].prune() == 0
    assert _post(client, **{"Idempotency-Key": "live"}).data == live.data


def test_a_claim_whose_start_was_pruned_is_expired(app):
    store = app.extensions["idempotency"]
    database_now = dt.datetime.now(dt.timezone.utc)
    with store.engine.begin() as conn:
        conn.execute(idempotency.idempotency_keys.insert().values(
            key_id=idempotency.key_id("c", "k"), claim=1, phase="answered", fingerprint="f", at=database_now,
            status=200, body="{}"))
    claim = store.claim("c", "k", "another request")
    assert isinstance(claim, idempotency.Claim) and claim.number == 2


def test_a_failed_prune_does_not_fail_the_request(client, app, monkeypatch, caplog):
    def fails():
        raise idempotency.SQLAlchemyError("database is locked")
    monkeypatch.setattr(app.extensions["idempotency"], "prune", fails)
    assert _post(client, **{"Idempotency-Key": "k"}).status_code == 200
    assert "expired idempotency keys were not deleted" in caplog.text


@pytest.mark.parametrize("key", ['""', '"unclosed', "tab\there", "x" * 256, "caf\u00e9"])
def test_a_key_outside_its_syntax_is_400(client, key):
    headers = {**as_("eve"), "Idempotency-Key": key.encode("utf-8").decode("latin-1")}
    r = client.post(ROUTE, json=REQUEST, headers=headers)
    assert r.status_code == 400 and r.json["code"] == "bad_request" and _records(client) == []


def test_a_batch_is_answered_once_per_key(client):
    body = {"cases": [REQUEST, OTHER]}
    first, again = (_post(client, body, BATCH, **{"Idempotency-Key": "b"}) for _ in range(2))
    assert first.status_code == 200 and first.data == again.data and len(_records(client)) == 2


# -- X-Case-Id ------------------------------------------------------------------------------------------
def test_the_callers_case_reference_is_kept_and_searchable(app, client):
    one = _post(client, **{"X-Case-Id": "UM-2026-0001"}).json
    two = _post(client, OTHER, **{"X-Case-Id": "UM 2026/0002"}).json
    none = _post(client).json
    batch = _post(client, {"cases": [REQUEST, OTHER]}, BATCH, **{"X-Case-Id": "BATCH-9"}).json["results"]
    assert [r["id"] for r in _records(client, "case_id=UM-2026-0001")] == [one["evaluation_id"]]
    assert [r["id"] for r in _records(client, "case_id=UM%202026/0002")] == [two["evaluation_id"]]
    # one batch is one instant: its records come in id order
    assert [r["id"] for r in _records(client, "case_id=BATCH-9")] == sorted(a["evaluation_id"] for a in batch)
    assert _records(client, "case_id=UM-2026") == []
    record = client.get(f"/api/v1/evaluations/{one['evaluation_id']}", headers=as_("ida")).json
    assert record["case_id"] == "UM-2026-0001"
    assert client.get(f"/api/v1/evaluations/{none['evaluation_id']}", headers=as_("ida")).json["case_id"] is None
    # the reference is part of the chained content: the chain verifies, and a record without it would not
    store = app.extensions["audit"]
    assert chain_verify.verify(store.engine, [store.heads.path]).clean
    with store.engine.connect() as conn:
        row = dict(conn.execute(select(audit.evaluations).where(
            audit.evaluations.c.id == one["evaluation_id"])).mappings().one())
    assert row["chain_hash"] == chain.link(row["chain_prev"], chain.evaluation_digest(row))
    assert row["chain_hash"] != chain.link(row["chain_prev"], chain.evaluation_digest({**row, "case_id": None}))


@pytest.mark.parametrize("case_id", ["", " leading", "trailing ", "bell\x07", "caf\u00e9", "x" * 201])
def test_a_case_reference_outside_its_syntax_is_400(client, case_id):
    r = client.post(ROUTE, json=REQUEST, headers={**as_("eve"), "X-Case-Id": case_id})
    assert r.status_code == 400 and r.json["code"] == "bad_request" and _records(client) == []
