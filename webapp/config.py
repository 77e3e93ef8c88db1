"""Service settings: defaults, overridden by environment variables, overridden by create_app(config)."""
from __future__ import annotations

import os
from pathlib import Path

from webapp.serving.determination import DECISION

# Where the models and the var directory are by default: the checkout this package sits in (make run),
# or, for an installed wheel, the directory the service is started from.
_CHECKOUT = Path(__file__).resolve().parent.parent
HOME = _CHECKOUT if (_CHECKOUT / "decisions").is_dir() else Path.cwd()


def load_config(overrides: dict | None = None) -> dict:
    var = Path(os.environ.get("CAR_T_VAR_DIR", HOME / "var"))
    config = {
        "MODELS_DIR": os.environ.get("CAR_T_MODELS_DIR", str(HOME / "decisions")),
        "VAR_DIR": str(var),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{var / 'audit.sqlite3'}"),
        # gunicorn's master upgrades the schema before forking (webapp/gunicorn_conf.py) and tells
        # its workers so; any other process (tests, flask run) upgrades it itself.
        "UPGRADE_DATABASE": os.environ.get("CAR_T_DATABASE_UPGRADED") != "1",
        # "hash:role,role;hash:role" - sha256 hex of each key, never the key itself.
        "API_KEYS": os.environ.get("CAR_T_API_KEYS", ""),
        "MAX_CONTENT_LENGTH": int(os.environ.get("CAR_T_MAX_BODY", 2 * 1024 * 1024)),
        # Wall-clock seconds the analysis of one uploaded model may take before it is 422.
        "VALIDATION_BUDGET_S": float(os.environ.get("CAR_T_VALIDATION_BUDGET", 20)),
        # Wall-clock seconds for building a draft's evidence pack (validation, diff, scenarios and
        # the newest IMPACT_CASES audited determinations under both versions).
        "REVIEW_BUDGET_S": float(os.environ.get("CAR_T_REVIEW_BUDGET", 45)),
        # The work one evaluation may do, in pydmn's steps (a CAR-T determination takes 250 at most),
        # and the wall-clock seconds of a request's evaluations (webapp.serving.budgets).
        "EVALUATION_STEPS": int(os.environ.get("CAR_T_EVALUATION_STEPS", 100_000)),
        "EVALUATION_BUDGET_S": float(os.environ.get("CAR_T_EVALUATION_BUDGET", 20)),
        # Megabytes of address space a child process working on uploaded content may add (webapp.governance.bounded).
        "CHILD_MEMORY_MB": int(os.environ.get("CAR_T_CHILD_MEMORY", 1024)),
        # gunicorn's worker timeout (webapp/gunicorn_conf.py): every budget above stays below it.
        "WORKER_TIMEOUT_S": int(os.environ.get("CAR_T_WORKER_TIMEOUT", 60)),
        "IMPACT_CASES": int(os.environ.get("CAR_T_IMPACT_CASES", 1000)),
        # Drafts one author may have in progress (draft, submitted, approved) over all models: a
        # version is never deleted, so each new one is kept for good.
        "DRAFTS_PER_AUTHOR": int(os.environ.get("CAR_T_DRAFTS_PER_AUTHOR", 20)),
        # Seconds between a worker's checks of the database for a version published through another
        # replica (webapp.serving.registry); on one host a publish is seen by the next request anyway.
        "SERVING_POLL_S": float(os.environ.get("CAR_T_SERVING_POLL", 1.0)),
        # The console's session cookie: Secure when served over TLS (behind a proxy that terminates it).
        "SECURE_COOKIES": os.environ.get("CAR_T_SECURE_COOKIES") == "1",
        "SESSION_HOURS": float(os.environ.get("CAR_T_SESSION_HOURS", 8)),
        # Where the audit chains' heads are written at every append (webapp/store/chain_heads.py); empty:
        # beside the SQLite file, or var/audit-chain-head with PostgreSQL.
        "AUDIT_HEAD_FILE": os.environ.get("CAR_T_AUDIT_HEAD_FILE", ""),
        "CAR_T_MODEL": os.environ.get("CAR_T_MODEL", "car-t-candidate-selection"),
        "CAR_T_DECISION": DECISION,
        # The EHR channel (webapp.ehr, docs/ehr.md): the EHR's JWK set (a URL or a file), the issuer of its
        # JWTs, the base URL it calls us at (each JWT's aud is that plus the path), the FHIR server we may
        # query with a hook's token, seconds all of one hook's queries may take, the plan file.
        "EHR_JWKS": os.environ.get("CAR_T_EHR_JWKS", ""),
        "EHR_ISSUER": os.environ.get("CAR_T_EHR_ISSUER", ""),
        "EHR_AUDIENCE": os.environ.get("CAR_T_EHR_AUDIENCE", ""),
        "EHR_FHIR_SERVER": os.environ.get("CAR_T_EHR_FHIR_SERVER", ""),
        "EHR_QUERY_SECONDS": float(os.environ.get("CAR_T_EHR_QUERY_SECONDS", 2)),
        "EHR_PLAN_LOOKUP": os.environ.get("CAR_T_EHR_PLAN", ""),
    }
    if overrides:
        config.update(overrides)
    return config
