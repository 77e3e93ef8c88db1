"""create_app(config): the Flask application factory."""
from __future__ import annotations

import logging
import signal
import threading
import time
import uuid

from flask import Flask, g, request

from webapp import errors
from webapp.audit import AuditStore
from webapp.auth import parse_keys
from webapp.config import load_config
from webapp.registry import ModelRegistry, model_findings
from webapp.scenarios import check_model

log = logging.getLogger("webapp.access")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(load_config(config))
    app.json.sort_keys = False
    app.extensions["api_keys"] = parse_keys(app.config["API_KEYS"])
    audit = AuditStore(app.config["DATABASE_URL"])
    app.extensions["audit"] = audit
    registry = ModelRegistry(app.config["MODELS_DIR"], app.config["VAR_DIR"],
                             scenario_check=app.config.get("SCENARIO_CHECK", check_model),
                             on_version=audit.note_version, validation=model_findings)
    app.extensions["model_registry"] = registry
    outcome = registry.reload(by="startup")
    for model_id, problems in outcome["rejected"].items():
        log.warning("model %s rejected at start: %s", model_id, "; ".join(map(str, problems))[:500])

    errors.register(app)
    from webapp.api import car_t, evaluations, export, health, models
    from webapp import openapi
    for module in (health, models, car_t, evaluations, export, openapi):
        app.register_blueprint(module.bp)
    _access_log(app)
    _sighup(app)
    return app


def _access_log(app: Flask) -> None:
    """Request id, route, status and timing; never bodies or patient data."""
    @app.before_request
    def _start():
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
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


def _sighup(app: Flask) -> None:
    # Without gunicorn (flask dev server, `serve --dev`), SIGHUP reloads in place; gunicorn's
    # master handles SIGHUP itself by restarting workers, which load the directory anew.
    if app.config.get("INSTALL_SIGHUP") and threading.current_thread() is threading.main_thread():
        registry = app.extensions["model_registry"]
        signal.signal(signal.SIGHUP, lambda *_: registry.reload(by="SIGHUP"))
