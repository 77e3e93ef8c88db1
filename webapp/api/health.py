"""/healthz (process alive) and /readyz (models loaded and audit store reachable): the only
endpoints that take no key, for load balancers and orchestrators."""
from __future__ import annotations

from flask import current_app

from webapp.api.common import Blueprint
from webapp.api.schemas import HealthSchema, ReadySchema
from webapp.auth import public

bp = Blueprint("health", __name__, description="Liveness and readiness (no key needed)")


@bp.get("/healthz")
@public
@bp.response(200, HealthSchema)
def healthz():
    """Process alive."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
@bp.response(200, ReadySchema)
@bp.alt_response(503, schema=ReadySchema, description="no model serves, or the audit store cannot be reached")
def readyz():
    """Models loaded and audit store reachable; each model's serving version, fallback and rejection."""
    registry = current_app.extensions["model_registry"]
    models = registry.status()
    audit = current_app.extensions["audit"].ping()
    ready = bool(models) and audit
    return {"status": "ready" if ready else "not ready", "audit": audit, "models": models}, 200 if ready else 503
