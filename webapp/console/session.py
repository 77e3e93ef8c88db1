"""The console's sign-in: an API key, once, for a session (webapp.store.sessions: a row of the database,
named by a random token the signed cookie holds; HttpOnly, SameSite=Strict); and a CSRF token for
every state change.

The API accepts the session in place of `Authorization` (webapp.api.auth asks `session_digest`), so the
console calls the same API as everyone, with the same roles. A request that changes state with the
session and without the session's CSRF token (header `X-CSRF-Token`, or the form field `csrf`) is
refused: SameSite=Strict already keeps other sites' requests from carrying the cookie, and the
token holds even where a browser ignores SameSite. The key is re-checked on every request, so
removing it from CAR_T_API_KEYS ends its sessions; signing out, a restart of the service and
SESSION_HOURS end a session on the server, so a copied cookie is worth nothing after them.

The cookie's signing secret (it signs the CSRF token of a signed-out visitor too) must be the same
in every gunicorn worker: CAR_T_SECRET_KEY, else a file var/console-secret (0600) that the first
process to start creates whole (written aside, then linked into place) and every other process reads.
"""
from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flask import current_app, g, request, session

from webapp.api.auth import identify

from webapp.store.keys import Caller, hash_key
from webapp.api.errors import ApiError
from webapp.store.files import private_dir
from webapp.store.sessions import SessionStore

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
    app.extensions["sessions"] = SessionStore(app.extensions["audit"].engine)


def csrf_token() -> str:
    """The session's CSRF token (made on first use, before sign-in too: the sign-in form has it)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(expected, sent)


def _store():
    return current_app.extensions["sessions"]


def sign_in(key: str) -> bool:
    digest = hash_key(key.strip())
    if identify(digest) is None:
        return False
    session.clear()
    session.update(sid=_store().open(digest), csrf=secrets.token_urlsafe(32))
    return True


def sign_out() -> None:
    if session.get("sid"):
        _store().close(session["sid"])
    session.clear()


def _signed_in_key() -> str | None:
    """The hash of the session's key while the session is alive (asked once per request)."""
    if "session_key" not in g:
        token = session.get("sid")
        g.session_key = _store().key_of(token, current_app.config["SESSION_HOURS"]) if token else None
    return g.session_key


def signed_in() -> Caller | None:
    """The caller of the session's key, if it is signed in, alive and the key still configured."""
    digest = _signed_in_key()
    return identify(digest) if digest else None


def session_digest() -> str | None:
    """For webapp.api.auth: the signed-in key's hash; 403 for a state change without the CSRF token."""
    digest = _signed_in_key()
    if digest is None:
        return None
    if request.method not in SAFE_METHODS and not csrf_ok(request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "the console's CSRF token is missing or wrong: reload the page",
                       {CSRF_HEADER: ["missing or wrong"]})
    return digest
