"""Service settings: defaults, overridden by environment variables, overridden by create_app(config).

Every variable is read through one of the readers below, so a value the service cannot use stops the
start with one line naming the variable (ConfigError), never a traceback; docs/deployment.md lists
every setting.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from webapp.serving.determination import DECISION
from webapp.store.keys import KeyConfigError, parse_keys

# Where the models and the var directory are by default: the checkout this package sits in (make run),
# or, for an installed wheel, the directory the service is started from.
_CHECKOUT = Path(__file__).resolve().parent.parent
HOME = _CHECKOUT if (_CHECKOUT / "decisions").is_dir() else Path.cwd()


class ConfigError(ValueError):
    """A setting the service cannot start with; its message is the one line an operator reads."""


def env_number(name: str, default, kind=int, minimum=0):
    """The variable `name` as a number of `kind` (int or float), at least `minimum`."""
    given = os.environ.get(name)
    if given is None or given.strip() == "":
        return default
    try:
        value = kind(given)
    except ValueError:
        raise ConfigError(f"{name}={given!r}: expected {'a whole number' if kind is int else 'a number'}") from None
    if not value >= minimum:       # also refuses nan
        raise ConfigError(f"{name}={given!r}: expected at least {minimum}")
    return value


def env_flag(name: str) -> bool:
    """The variable `name` as on (`1`) or off (`0` or unset)."""
    given = os.environ.get(name, "")
    if given not in ("", "0", "1"):
        raise ConfigError(f"{name}={given!r}: expected 1 (on) or 0 (off)")
    return given == "1"


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    given = os.environ.get(name) or default
    if given not in choices:
        raise ConfigError(f"{name}={given!r}: expected one of {', '.join(choices)}")
    return given


def _database_url(var: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{var / 'audit.sqlite3'}"
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        # never the value itself: a URL holds a password
        raise ConfigError("DATABASE_URL: expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE")
    return url


def api_keys(config: dict) -> dict:
    """The configured keys (webapp.store.keys.parse_keys); none at all is an error, since the
    service would answer every call 401."""
    try:
        keys = parse_keys(config["API_KEYS"])
    except KeyConfigError as exc:
        raise ConfigError(str(exc)) from None
    if not keys:
        raise ConfigError("CAR_T_API_KEYS: no key is configured; make one with `python -m webapp keys --name NAME` "
                          "(docs/deployment.md)")
    return keys


def server_settings() -> dict:
    """gunicorn's settings (webapp/gunicorn_conf.py); `serve` checks them before it starts gunicorn,
    which reads WEB_CONCURRENCY itself as it loads."""
    port = env_number("PORT", 8000)
    if port > 65535:
        raise ConfigError(f"PORT={port}: expected a port number, 0 to 65535")
    return {"host": os.environ.get("HOST", "").strip() or "127.0.0.1", "port": port,
            "workers": env_number("WEB_CONCURRENCY", multiprocessing.cpu_count(), minimum=1),
            "threads": env_number("WEB_THREADS", 1, minimum=1),
            "worker_class": env_choice("WEB_WORKER_CLASS", "sync", ("sync", "gthread")),
            "log_level": env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical"))}


def load_config(overrides: dict | None = None) -> dict:
    var = Path(os.environ.get("CAR_T_VAR_DIR", HOME / "var"))
    config = {
        "MODELS_DIR": os.environ.get("CAR_T_MODELS_DIR", str(HOME / "decisions")),
        "VAR_DIR": str(var),
        "DATABASE_URL": _database_url(var),
        # gunicorn's master upgrades the schema before forking (webapp/gunicorn_conf.py) and tells
        # its workers so; any other process (tests, flask run) upgrades it itself.
        "UPGRADE_DATABASE": os.environ.get("CAR_T_DATABASE_UPGRADED") != "1",
        # "hash:role,role;hash:role" - sha256 hex of each key, never the key itself.
        "API_KEYS": os.environ.get("CAR_T_API_KEYS", ""),
        "MAX_CONTENT_LENGTH": env_number("CAR_T_MAX_BODY", 2 * 1024 * 1024, minimum=1),
        # Wall-clock seconds the analysis of one uploaded model may take before it is 422.
        "VALIDATION_BUDGET_S": env_number("CAR_T_VALIDATION_BUDGET", 20.0, float),
        # Wall-clock seconds for building a draft's evidence pack (validation, diff, scenarios and
        # the newest IMPACT_CASES audited determinations under both versions).
        "REVIEW_BUDGET_S": env_number("CAR_T_REVIEW_BUDGET", 45.0, float),
        # The work one evaluation may do, in pydmn's steps (a CAR-T determination takes 250 at most),
        # and the wall-clock seconds of a request's evaluations (webapp.serving.budgets).
        "EVALUATION_STEPS": env_number("CAR_T_EVALUATION_STEPS", 100_000, minimum=1),
        "EVALUATION_BUDGET_S": env_number("CAR_T_EVALUATION_BUDGET", 20.0, float),
        # Megabytes of address space a child process working on uploaded content may add (webapp.governance.bounded).
        "CHILD_MEMORY_MB": env_number("CAR_T_CHILD_MEMORY", 1024, minimum=1),
        # gunicorn's worker timeout (webapp/gunicorn_conf.py): every budget above stays below it.
        "WORKER_TIMEOUT_S": env_number("CAR_T_WORKER_TIMEOUT", 60, minimum=1),
        "IMPACT_CASES": env_number("CAR_T_IMPACT_CASES", 1000),
        # Drafts one author may have in progress (draft, submitted, approved) over all models: a
        # version is never deleted, so each new one is kept for good.
        "DRAFTS_PER_AUTHOR": env_number("CAR_T_DRAFTS_PER_AUTHOR", 20, minimum=1),
        # Seconds between a worker's checks of the database for a version published through another
        # replica (webapp.serving.registry); on one host a publish is seen by the next request anyway.
        "SERVING_POLL_S": env_number("CAR_T_SERVING_POLL", 1.0, float),
        # The console's session cookie: Secure when served over TLS (behind a proxy that terminates it).
        "SECURE_COOKIES": env_flag("CAR_T_SECURE_COOKIES"),
        "SESSION_HOURS": env_number("CAR_T_SESSION_HOURS", 8.0, float, minimum=0.01),
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
        "EHR_QUERY_SECONDS": env_number("CAR_T_EHR_QUERY_SECONDS", 2.0, float, minimum=0.01),
        "EHR_PLAN_LOOKUP": os.environ.get("CAR_T_EHR_PLAN", ""),
    }
    if overrides:
        config.update(overrides)
    return config
