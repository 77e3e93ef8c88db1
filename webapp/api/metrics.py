"""Prometheus metrics at /metrics (a key with the `audit` or `admin` role): requests by endpoint and
status, their latency, determinations by outcome and disposition, audit write failures, and the
version number each model serves.

Under gunicorn every worker writes its metrics to files in PROMETHEUS_MULTIPROC_DIR (the master sets
it and empties it at each start: webapp/gunicorn_conf.py), and /metrics, answered by any one worker,
adds them all up (prometheus-client's multiprocess mode); without it (one process: tests, flask run)
the process's own registry is read. Labels are routes and model ids, never a caller's values.
"""
from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess,
)

from webapp.api.auth import require

REQUESTS = Counter("car_t_http_requests_total", "Requests answered, by route and status",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("car_t_http_request_duration_seconds", "Time from the request's start to its answer, by route",
                    ["method", "endpoint"])
DETERMINATIONS = Counter("car_t_determinations_total", "CAR-T determinations answered (and audited), by outcome "
                         "and disposition", ["determination", "disposition"])
AUDIT_WRITE_FAILURES = Counter("car_t_audit_write_failures_total",
                               "Answers refused because their audit record could not be written")
# The most recent value any live worker set: the worker that answers /metrics sets it just before.
SERVING_VERSION = Gauge("car_t_serving_version", "The version number each model serves", ["model"],
                        multiprocess_mode="livemostrecent")

bp = Blueprint("metrics", __name__)


def endpoint() -> str:
    """The route's pattern (bounded, holds no caller's value); `<unmatched>` for a URL no route has."""
    return request.url_rule.rule if request.url_rule else "<unmatched>"


def determined(rows: list[dict]) -> None:
    """Count the CAR-T determinations among audit rows just written (their outputs name a disposition)."""
    for row in rows:
        outputs = row.get("outputs") or {}
        if "disposition" in outputs:
            DETERMINATIONS.labels(str(outputs.get("determination")), str(outputs["disposition"])).inc()


@bp.get("/metrics")
@require("audit", "admin")
def metrics():
    for entry in current_app.extensions["model_registry"]:
        if entry.number is not None:
            SERVING_VERSION.labels(entry.id).set(entry.number)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def answered(route: str, status: int, seconds: float) -> None:
    """Count one answered request (webapp.app calls it with what it logs)."""
    REQUESTS.labels(request.method, route, str(status)).inc()
    LATENCY.labels(request.method, route).observe(seconds)
