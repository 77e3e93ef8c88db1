"""What an operator watches (issue 23 §4): /metrics for a key with the `audit` or `admin` role, added
up over gunicorn's workers, and one JSON line per request that never holds an input value."""
import json
import logging
import os
import re
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.apps import CAR_T, CAR_T_ID, DATA
from support.people import key_of, key_spec
from support.servers import Server, publish
from webapp.store.audit import AuditStore, AuditUnavailable

ROUTE = "/api/v1/car-t/determinations"


def _value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` in Prometheus' text format; 0 when absent."""
    for line in text.splitlines():
        found = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if found and found[1] == name and dict(re.findall(r'(\w+)="([^"]*)"', found[2] or "")) == labels:
            return float(found[3])
    return 0.0


def _scrape(client, auth, person="ida"):
    answer = client.get("/metrics", headers=auth(person))
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("person, status", [("ida", 200), ("max", 200), ("eve", 403), ("ann", 403), (None, 401)])
def test_metrics_need_the_audit_or_admin_role(client, auth, person, status):
    assert client.get("/metrics", headers=auth(person) if person else {}).status_code == status


def test_requests_are_counted_by_route_and_status_with_their_latency(client, auth):
    before = _scrape(client, auth)
    good = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
    assert client.post("/api/v1/models/simpletable/evaluate", json=good, headers=auth("eve")).status_code == 200
    assert client.post("/api/v1/models/simpletable/evaluate", json={"inputs": {"Age": "x"}},
                       headers=auth("eve")).status_code == 422
    assert client.get("/no/such/page/4242").status_code == 404
    after = _scrape(client, auth)
    route = "/api/v1/models/<model>/evaluate"
    for status in ("200", "422"):
        labels = {"method": "POST", "endpoint": route, "status": status}
        assert _value(after, "car_t_http_requests_total", **labels) - _value(before, "car_t_http_requests_total", **labels) == 1
    unmatched = {"method": "GET", "endpoint": "<unmatched>", "status": "404"}
    assert _value(after, "car_t_http_requests_total", **unmatched) - _value(before, "car_t_http_requests_total", **unmatched) == 1
    assert "/no/such/page" not in after            # a route's pattern, never the URL a caller sent
    count = ("car_t_http_request_duration_seconds_count", {"method": "POST", "endpoint": route})
    assert _value(after, count[0], **count[1]) - _value(before, count[0], **count[1]) == 2
    assert _value(after, "car_t_http_request_duration_seconds_bucket", method="POST", endpoint=route, le="+Inf") >= 2


def test_an_audit_write_failure_is_counted_and_no_determination(tmp_path, auth, base_request, monkeypatch):
    from support.apps import make_app
    client = make_app(tmp_path, models=(CAR_T,)).test_client()
    before = _scrape(client, auth)

    def full(self, rows):
        raise AuditUnavailable("OperationalError")
    monkeypatch.setattr(AuditStore, "record", full)
    assert client.post(ROUTE, json=base_request, headers=auth("eve")).status_code == 503
    after = _scrape(client, auth)
    assert _value(after, "car_t_audit_write_failures_total") - _value(before, "car_t_audit_write_failures_total") == 1
    outcome = {"determination": "medically_appropriate", "disposition": "approve"}
    assert _value(after, "car_t_determinations_total", **outcome) == _value(before, "car_t_determinations_total", **outcome)


def test_an_access_line_is_json_and_holds_no_input_value(tmp_path, auth, base_request, caplog):
    from support.apps import make_app
    client = make_app(tmp_path, models=(CAR_T,)).test_client()
    caplog.set_level(logging.INFO, logger="webapp.access")
    bad = {**base_request, "Request": {**base_request["Request"], "member_birth_date": "PATIENT-SECRET-4242"}}
    assert client.post(ROUTE, json=bad, headers={**auth("eve"), "X-Request-Id": "rid-1"}).status_code == 422
    assert client.post(ROUTE, json=base_request, headers={**auth("eve"), "X-Request-Id": "rid-2"}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "webapp.access"]
    refused, answered = (json.loads(line) for line in lines)
    assert (refused["request_id"], refused["status"], refused["person"]) == ("rid-1", 422, "Eve")
    assert answered == {**answered, "request_id": "rid-2", "person": "Eve", "method": "POST", "endpoint": ROUTE,
                        "status": 200, "model": CAR_T_ID, "model_version": 1}
    assert answered["duration_ms"] >= 0 and answered["key_id"] and answered["time"].endswith("+00:00")
    values = {str(v) for v in _leaves(base_request) if len(str(v)) >= 4} | {"PATIENT-SECRET-4242"}
    logged = [json.dumps({k: v for k, v in json.loads(line).items() if k != "time"}) for line in lines]  # today's date
    assert values and not [v for v in values for line in logged if v in line]


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def _workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_two_workers_add_up_in_one_scrape(tmp_path, base_request):
    """Each worker in turn serves every request (the other one stopped); one scrape, answered by
    either, counts them all, and the serving version follows a publish."""
    server = Server(tmp_path, workers=2, models=(CAR_T, DATA / "simpletable.dmn"),
                    env_extra={"CAR_T_API_KEYS": key_spec(), "LOG_LEVEL": "info"})
    try:
        assert server.ready() == 200
        workers = _workers(server.proc.pid)
        while len(workers) < 2:        # the second may still be forking
            workers = _workers(server.proc.pid)
        served = {}
        for running, stopped in (workers, workers[::-1]):
            os.kill(stopped, signal.SIGSTOP)
            try:
                served[running] = [server.post(ROUTE, base_request, key_of("eve"))["determination"] for _ in range(3)]
            finally:
                os.kill(stopped, signal.SIGCONT)
        assert set(served) == set(workers)
        text = _metrics(server, "ida")
        assert _value(text, "car_t_http_requests_total", method="POST", endpoint=ROUTE, status="200") == 6
        assert _value(text, "car_t_determinations_total", determination="medically_appropriate",
                      disposition="approve") == 6
        assert _value(text, "car_t_serving_version", model=CAR_T_ID) == 1
        assert _value(text, "car_t_serving_version", model="simpletable") == 1
        publish(server, "simpletable", (DATA / "simpletable.dmn").read_text().replace(
            "</definitions>", "<!-- v2 --></definitions>"), key_of("ann"), key_of("cat"))
        assert _value(_metrics(server, "max"), "car_t_serving_version", model="simpletable") == 2
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text().splitlines()
    access = [json.loads(line) for line in log if line.startswith("{")]
    assert len([a for a in access if a["endpoint"] == ROUTE and a["status"] == 200]) == 6
    assert {a["person"] for a in access if a["endpoint"] == ROUTE} == {"Eve"}


def _metrics(server, person) -> str:
    request = urllib.request.Request(server.base + "/metrics", headers={"Authorization": f"Bearer {key_of(person)}"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        return answer.read().decode()


def test_the_metrics_directory_is_emptied_at_each_start(tmp_path):
    stale = tmp_path / "var" / "metrics" / "counter_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"from a previous run")
    server = Server(tmp_path, workers=1, env_extra={"CAR_T_API_KEYS": key_spec()})
    try:
        assert server.ready() == 200
        assert not stale.exists()
        with pytest.raises(urllib.error.HTTPError) as refused:
            _metrics(server, "eve")
        assert refused.value.code == 403
    finally:
        server.stop()
