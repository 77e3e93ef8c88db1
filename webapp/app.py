"""create_app(config): the Flask application factory."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import signal
import threading
import time
import uuid
from functools import partial

from flask import Flask, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from webapp import console, ehr
from webapp.api import errors, headers, metrics
from webapp.serving import budgets
from webapp.store import chain_heads, migrate
from webapp.store.audit import AuditStore
from webapp.store.idempotency import IdempotencyStore
from webapp.api.auth import check_access
from webapp.config import api_keys, load_config
from webapp.api.openapi import create_api, docs_bp
from webapp.governance import validation
from webapp.serving.registry import ModelRegistry
from webapp.store.sessions import service_started
from webapp.governance.scenarios import check_model, scenario_file_of
from webapp.store.versions import VersionStore

log = logging.getLogger("webapp.access")

# A caller's X-Request-Id is kept when it is an HTTP token (RFC 9110) of at most 64 characters: it is
# logged, answered and quoted to operators, so no control character, quote or space gets through.
_REQUEST_ID = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(load_config(config))
    budgets.check(app.config)
    app.json.sort_keys = False
    app.extensions["api_keys"] = api_keys(app.config)
    if app.config["UPGRADE_DATABASE"]:        # this process starts the service (not a gunicorn worker)
        migrate.upgrade(app.config["DATABASE_URL"])
        service_started(app.config["DATABASE_URL"])
    audit = AuditStore(app.config["DATABASE_URL"], chain_heads.location(
        app.config["DATABASE_URL"], app.config["VAR_DIR"], app.config["AUDIT_HEAD_FILE"]))
    audit.start_head_file()
    app.extensions["audit"] = audit
    app.extensions["versions"] = store = VersionStore(audit.engine, audit.heads)
    # no request outlives the worker timeout: a claim older than it was left by a worker that died
    app.extensions["idempotency"] = IdempotencyStore(
        audit.engine, lease=dt.timedelta(seconds=app.config["WORKER_TIMEOUT_S"]))
    registry = ModelRegistry(app.config["MODELS_DIR"], app.config["VAR_DIR"], store,
                             scenario_check=app.config.get("SCENARIO_CHECK", partial(
                                 check_model, budget=budgets.evaluation(app.config))),
                             on_version=audit.note_version, validation=validation.gate,
                             poll_s=app.config["SERVING_POLL_S"], scenario_file=scenario_file_of)
    app.extensions["model_registry"] = registry
    outcome = registry.start()
    for model_id, problems in outcome["rejected"].items():
        log.warning("model %s rejected at start: %s", model_id, "; ".join(map(str, problems))[:500])

    errors.register(app)
    headers.register(app)
    _request_id(app)
    _limit_chunked_bodies(app)
    app.before_request(check_access)
    api = create_api(app)
    app.extensions["openapi_api"] = api
    from webapp.api import car_t, draft_work, evaluations, export, health, models, versions
    for module in (health, models, car_t, evaluations, export, versions, draft_work):
        api.register_blueprint(module.bp)
    ehr.register(app, api)
    app.register_blueprint(docs_bp)
    app.register_blueprint(metrics.bp)
    console.register(app)
    _sighup(app)
    return app


def _request_id(app: Flask) -> None:
    """Every answer carries a request id, and one JSON line per request names it, the caller's person,
    the route, status, duration and the model version evaluated: never a body or an input value.
    The same figures feed the metrics (webapp.api.metrics)."""
    @app.before_request
    def _start():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        response.headers["X-Request-Id"] = g.get("request_id", "")
        route = metrics.endpoint()
        metrics.answered(route, response.status_code, seconds)
        if log.isEnabledFor(logging.INFO):
            caller = g.get("caller")
            evaluated = g.get("evaluated")
            log.info(json.dumps({
                "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
                "request_id": g.get("request_id"), "person": caller.name if caller else None,
                "key_id": caller.key_id if caller else None, "method": request.method, "endpoint": route,
                "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
                "model": evaluated[0] if evaluated else None, "model_version": evaluated[1] if evaluated else None}))
        return response


def _limit_chunked_bodies(app: Flask) -> None:
    """A chunked body has no Content-Length for werkzeug to check against MAX_CONTENT_LENGTH, and
    werkzeug then cuts the body at the limit without a word (the JSON became "malformed"). Read
    such a body here, one byte past the limit at most: over it is a 413; under it the body is handed
    on with its length, like any other."""
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            limit = app.config["MAX_CONTENT_LENGTH"]
            data = environ["wsgi.input"].read(limit + 1)
            environ["webapp.body_too_large"] = len(data) > limit
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data[:limit]), str(min(len(data), limit))
        return inner(environ, start_response)

    app.wsgi_app = wsgi_app

    @app.before_request
    def _refuse_oversized():
        if request.environ.get("webapp.body_too_large"):
            raise RequestEntityTooLarge()


def _sighup(app: Flask) -> None:
    # Without gunicorn (flask dev server), SIGHUP reloads in place; gunicorn's master handles
    # SIGHUP itself by restarting workers, which load the directory anew.
    if app.config.get("INSTALL_SIGHUP") and threading.current_thread() is threading.main_thread():
        registry = app.extensions["model_registry"]
        signal.signal(signal.SIGHUP, lambda *_: registry.reload(by="SIGHUP"))
