"""The service through the Flask test client, on a TCK model (0004-simpletable-U)."""
from sqlalchemy import text
from support.problems import by_field

GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
EVAL = "/api/v1/models/simpletable/evaluate"


def test_models_listing_and_detail(client, auth):
    models = client.get("/api/v1/models", headers=auth("evaluate")).json["models"]
    assert [m["id"] for m in models] == ["simpletable"]
    assert models[0]["decisions"] == ["Approval Status"] and len(models[0]["version"]) == 64
    detail = client.get("/api/v1/models/simpletable", headers=auth("audit")).json
    assert "Age" in str(detail["inputs_schema"])
    assert client.get("/api/v1/models/simpletable/dmn", headers=auth("author")).data.startswith(b"<?xml")
    assert client.get("/api/v1/models/nope", headers=auth()).status_code == 404


def test_evaluate_answers_and_records(client, auth):
    r = client.post(EVAL, json=GOOD, headers=auth("evaluate"))
    assert r.status_code == 200
    d = r.json["decisions"]["Approval Status"]
    assert d["value"] == "Approved" and d["status"] == "succeeded" and d["matched_rules"][0]["index"] == 1
    rec = client.get(f"/api/v1/evaluations/{r.json['evaluation_id']}", headers=auth("audit"))
    assert rec.status_code == 200
    assert rec.json["inputs"] == GOOD["inputs"] and rec.json["outputs"] == {"Approval Status": "Approved"}
    page = client.get("/api/v1/evaluations?model=simpletable", headers=auth("audit")).json
    assert page["total"] == 1 and page["items"][0]["id"] == r.json["evaluation_id"]


def test_declined_rule(client, auth):
    r = client.post(EVAL, json={"inputs": {"Age": 10, "RiskCategory": "High", "isAffordable": False}},
                    headers=auth())
    assert r.json["decisions"]["Approval Status"]["value"] == "Declined"


def test_auth(client, auth):
    assert client.post(EVAL, json=GOOD).status_code == 401
    assert client.post(EVAL, json=GOOD, headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = client.post(EVAL, json=GOOD, headers=auth("audit"))
    assert r.status_code == 403 and r.json["code"] == "forbidden"
    assert client.get("/api/v1/evaluations", headers=auth("evaluate")).status_code == 403
    assert client.post("/api/v1/models:reload", headers=auth("evaluate")).status_code == 403


def test_validation_errors_name_every_field_and_record_nothing(client, app, auth):
    r = client.post(EVAL, json={"inputs": {"Age": "old", "isAffordable": 3, "Extra": 1}}, headers=auth())
    assert r.status_code == 422
    assert set(r.json) == {"type", "title", "status", "detail", "code", "errors", "request_id"}
    assert set(by_field(r.json)["inputs"]) == {"Age", "isAffordable", "Extra"}
    bad = client.post(EVAL, data=b"{not json", headers={**auth(), "Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json["status"] == 400
    assert client.post(EVAL, json={**GOOD, "decisions": ["Nope"]}, headers=auth()).status_code == 404
    big = client.post(EVAL, data=b"{" + b" " * (2 * 1024 * 1024) + b"}", headers={**auth(), "Content-Type": "application/json"})
    assert big.status_code == 413 and big.json["code"] == "payload_too_large"
    assert app.extensions["audit"].list()[0] == 0


def test_audit_store_down_gives_503_and_no_answer(client, app, auth, database):
    assert client.post(EVAL, json=GOOD, headers=auth()).status_code == 200
    store = app.extensions["audit"]
    store.close()
    database.make_unavailable()
    r = client.post(EVAL, json=GOOD, headers=auth())
    assert r.status_code == 503 and "decisions" not in r.json and r.json["code"] == "unavailable"


def test_audit_writes_are_committed_and_readable(client, app, auth, database):
    ids = [client.post(EVAL, json=GOOD, headers=auth()).json["evaluation_id"] for _ in range(3)]
    assert database.stored_ids() == ids      # another connection sees them: committed
    page = client.get("/api/v1/evaluations?from=2000-01-01T00:00:00Z", headers=auth("audit")).json
    assert page["total"] == 3 and page["items"][0]["created_at"].endswith("+00:00")


def test_audit_is_append_only(app, client, auth, database):
    client.post(EVAL, json=GOOD, headers=auth())
    with database.connect(owner=True) as con:
        if database.name == "sqlite":
            assert con.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        try:
            con.execute(text("DELETE FROM evaluations"))
            raise AssertionError("delete allowed")
        except Exception as exc:
            assert "append-only" in str(exc)


def test_reload_keeps_last_good(app, client, auth):
    models = app.config["MODELS_DIR"]
    version = client.get("/api/v1/models", headers=auth()).json["models"][0]["version"]
    with open(f"{models}/simpletable.dmn", "wb") as f:
        f.write(b"<definitions>broken")
    r = client.post("/api/v1/models:reload", headers=auth())
    assert r.status_code == 422 and "simpletable" in by_field(r.json)["rejected"]
    assert client.get("/api/v1/models", headers=auth()).json["models"][0]["version"] == version
    assert client.post(EVAL, json=GOOD, headers=auth()).status_code == 200


def test_health_and_openapi(client, auth):
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.") and "/api/v1/car-t/determinations" in doc["paths"]
    assert client.get("/docs").status_code == 200


def test_logs_carry_no_body(client, caplog, auth):
    import logging
    caplog.set_level(logging.INFO, logger="webapp.access")
    client.post(EVAL, json={"inputs": {"Age": 4242, "RiskCategory": "Low", "isAffordable": True}}, headers=auth())
    text = caplog.text
    assert '"endpoint": "/api/v1/models/<model>/evaluate"' in text and "4242" not in text
