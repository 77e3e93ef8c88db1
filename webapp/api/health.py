"""/healthz (process alive) and /readyz (models loaded, audit store readable and writable): the
only endpoints that take no key, for load balancers and orchestrators."""
from __future__ import annotations

from flask import current_app

from webapp.store import chain_verify
from webapp.api.common import Blueprint
from webapp.api.schemas import HealthSchema, ReadySchema
from webapp.api.auth import public

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
@bp.alt_response(503, schema=ReadySchema, description=(
    "no model serves, or the audit store cannot be read or written (a full disk, a write lock held)"))
def readyz():
    """Models loaded and the audit store readable and writable now (a write is tried and rolled
    back); each model's serving version, fallback and rejection; the last `audit verify` (a broken
    chain is reported here, and does not stop the service)."""
    registry = current_app.extensions["model_registry"]
    models = registry.status()
    store = current_app.extensions["audit"]
    problem = store.unwritable() if store.ping() else "cannot be read"
    ready = bool(models) and problem is None
    return {"status": "ready" if ready else "not ready", "audit": problem is None, "audit_problem": problem,
            "models": models, "audit_verification": chain_verify.last(store.engine)}, 200 if ready else 503
