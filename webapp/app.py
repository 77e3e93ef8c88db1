"""create_app(config): the Flask application factory."""
from __future__ import annotations

import io
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
from webapp.api import errors, headers
from webapp.serving import budgets
from webapp.store import chain_heads, migrate
from webapp.store.audit import AuditStore
from webapp.api.auth import check_access
from webapp.store.keys import parse_keys
from webapp.config import load_config
from webapp.api.openapi import create_api, docs_bp
from webapp.governance import validation
from webapp.serving.registry import ModelRegistry
from webapp.store.sessions import service_started
from webapp.governance.scenarios import check_model
from webapp.store.versions import VersionStore

log = logging.getLogger("webapp.access")

# A caller's X-Request-Id is kept when it is an HTTP token (RFC 9110) of at most 64 characters: a
# space or an "=" in it would forge fields of the access log line that quotes it.
_REQUEST_ID = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(load_config(config))
    budgets.check(app.config)
    app.json.sort_keys = False
    app.extensions["api_keys"] = parse_keys(app.config["API_KEYS"])
    if app.config["UPGRADE_DATABASE"]:        # this process starts the service (not a gunicorn worker)
        migrate.upgrade(app.config["DATABASE_URL"])
        service_started(app.config["DATABASE_URL"])
    audit = AuditStore(app.config["DATABASE_URL"], chain_heads.location(
        app.config["DATABASE_URL"], app.config["VAR_DIR"], app.config["AUDIT_HEAD_FILE"]))
    audit.start_head_file()
    app.extensions["audit"] = audit
    app.extensions["versions"] = store = VersionStore(audit.engine, audit.heads)
    registry = ModelRegistry(app.config["MODELS_DIR"], app.config["VAR_DIR"], store,
                             scenario_check=app.config.get("SCENARIO_CHECK", partial(
                                 check_model, budget=budgets.evaluation(app.config))),
                             on_version=audit.note_version, validation=validation.gate,
                             poll_s=app.config["SERVING_POLL_S"])
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
    from webapp.api import car_t, evaluations, export, health, models, versions
    for module in (health, models, car_t, evaluations, export, versions):
        api.register_blueprint(module.bp)
    ehr.register(app, api)
    app.register_blueprint(docs_bp)
    console.register(app)
    _sighup(app)
    return app


def _request_id(app: Flask) -> None:
    """Every answer carries a request id, and the access log names route, status and timing:
    never bodies or patient data."""
    @app.before_request
    def _start():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if log.isEnabledFor(logging.INFO):
            rule = request.url_rule.rule if request.url_rule else "<unmatched>"
            log.info("request_id=%s method=%s route=%s status=%d ms=%.2f", g.get("request_id"),
                     request.method, rule, response.status_code, elapsed)
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
