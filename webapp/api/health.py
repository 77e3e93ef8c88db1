"""/healthz (process alive) and /readyz (models loaded and audit store reachable)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Process alive.
    ---
    get:
      tags: [health]
      responses:
        200: {content: {application/json: {schema: {type: object}}}}
    """
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Models loaded and audit store reachable.
    ---
    get:
      tags: [health]
      responses:
        200: {content: {application/json: {schema: {type: object}}}}
        503: {content: {application/json: {schema: {type: object}}}}
    """
    models = len(current_app.extensions["model_registry"].entries)
    audit = current_app.extensions["audit"].ping()
    ready = models > 0 and audit
    response = jsonify({"status": "ready" if ready else "not ready", "models": models, "audit": audit})
    response.status_code = 200 if ready else 503
    return response
