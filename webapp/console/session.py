"""The console's sign-in: an API key, once, for a signed session cookie (HttpOnly, SameSite=Strict)
that names the key's hash, never the key; and a CSRF token for every state change.

The API accepts the session in place of `Authorization` (webapp.auth asks `session_digest`), so the
console calls the same API as everyone, with the same roles. A request that changes state with the
session and without the session's CSRF token (header `X-CSRF-Token`, or the form field `csrf`) is
refused: SameSite=Strict already keeps other sites' requests from carrying the cookie, and the
token holds even where a browser ignores SameSite. The key is re-checked on every request, so
removing it from CAR_T_API_KEYS ends its sessions; a session also ends after SESSION_HOURS.

The cookie's signing secret must be the same in every gunicorn worker: CAR_T_SECRET_KEY, else a
file var/console-secret (0600) that the first process to start creates whole (written aside, then
linked into place) and every other process reads.
"""
from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from flask import current_app, request, session

from webapp.auth import hash_key
from webapp.errors import ApiError
from webapp.files import private_dir

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"


def shared_secret(var_dir: str) -> str:
    configured = os.environ.get("CAR_T_SECRET_KEY")
    if configured:
        return configured
    path = private_dir(Path(var_dir)) / "console-secret"
    if not path.exists():
        aside = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(aside, path)        # fails if another process got there first: its secret wins
        except FileExistsError:
            pass
        finally:
            os.unlink(aside)
    return path.read_text().strip()


def configure(app) -> None:
    app.config.update(SECRET_KEY=shared_secret(app.config["VAR_DIR"]), SESSION_COOKIE_NAME="car_t_console",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_SECURE=app.config["SECURE_COOKIES"])
    app.extensions["session_digest"] = session_digest


def csrf_token() -> str:
    """The session's CSRF token (made on first use, before sign-in too: the sign-in form has it)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(expected, sent)


def sign_in(key: str) -> bool:
    digest = hash_key(key.strip())
    if not any(hmac.compare_digest(known, digest) for known in current_app.extensions["api_keys"]):
        return False
    session.clear()
    session.update(digest=digest, at=int(time.time()), csrf=secrets.token_urlsafe(32))
    return True


def sign_out() -> None:
    session.clear()


def signed_in() -> tuple[str, frozenset] | None:
    """(caller id, roles) of the session's key, if it is signed in, unexpired and still configured."""
    digest = session.get("digest")
    if not digest or time.time() - session.get("at", 0) > current_app.config["SESSION_HOURS"] * 3600:
        return None
    for known, roles in current_app.extensions["api_keys"].items():
        if hmac.compare_digest(known, digest):
            return digest[:12], roles
    return None


def session_digest() -> str | None:
    """For webapp.auth: the signed-in key's hash; 403 for a state change without the CSRF token."""
    if signed_in() is None:
        return None
    if request.method not in SAFE_METHODS and not csrf_ok(request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "the console's CSRF token is missing or wrong: reload the page",
                       {CSRF_HEADER: ["missing or wrong"]})
    return session["digest"]
