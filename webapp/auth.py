"""API keys with roles, hashed at rest, sent as `Authorization: Bearer <key>`; who may call what.

Keys are 32 random bytes, so a plain SHA-256 is enough: a slow hash defends guessable
passwords, and a 256-bit random key cannot be guessed; SHA-256 keeps the check off the hot path.

Access is deny by default: `check_access` runs before every request and lets a request through
without a key only when its view is marked `public`; `require(role)` names the role a view needs,
and an unmarked view needs a valid key of any role. The OpenAPI document's `security` entries are
read from the same markers, so the documentation cannot disagree with the check.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, g, request

from webapp.errors import ApiError

ROLES = ("evaluate", "audit", "author", "approver", "admin")
ANY_KEY = "any"          # the marker of a view any valid key may call
PUBLIC = "public"


class KeyConfigError(ValueError):
    """A malformed key entry, with a message fit for one line of a terminal or a log."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its hash."""
    key = "cts_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


def parse_roles(text: str) -> frozenset:
    roles = [r.strip() for r in text.split(",") if r.strip()]
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise KeyConfigError(f"unknown role {', '.join(map(repr, unknown))}: roles are {', '.join(ROLES)}")
    if not roles:
        raise KeyConfigError(f"no role given: roles are {', '.join(ROLES)}")
    return frozenset(roles)


def parse_keys(spec) -> dict[str, frozenset]:
    """`hash:role,role;hash:role` (or a dict {hash: roles}) -> {hash: roles}."""
    if isinstance(spec, dict):
        return {h: frozenset(r) for h, r in spec.items()}
    keys = {}
    entries = [part.strip() for part in (spec or "").split(";") if part.strip()]
    for number, item in enumerate(entries, 1):
        digest, colon, roles = item.partition(":")
        digest = digest.strip().lower()
        if not colon or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise KeyConfigError(f"CAR_T_API_KEYS entry {number}: expected '<sha256 hex of the key>:<role>,<role>'"
                                 " (python -m webapp keys prints one)")
        try:
            keys[digest] = parse_roles(roles)
        except KeyConfigError as exc:
            raise KeyConfigError(f"CAR_T_API_KEYS entry {number}: {exc}") from None
    return keys


def _caller() -> tuple[str, frozenset]:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        digest = hash_key(key.strip())
    else:
        # A console user's browser sends no key: its signed session names the key's hash
        # (webapp.console.session, which also checks the CSRF token of every state change).
        session_digest = current_app.extensions.get("session_digest")
        digest = session_digest() if session_digest else None
        if digest is None:
            raise ApiError(401, "an API key is required: Authorization: Bearer <key>")
    for known, roles in current_app.extensions["api_keys"].items():
        if hmac.compare_digest(known, digest):
            return digest[:12], roles
    raise ApiError(401, "unknown API key")


def access_of(view) -> str:
    return getattr(view, "access", ANY_KEY)


def check_access() -> None:
    """before_request: 401 without a valid key, 403 without the view's role."""
    view = current_app.view_functions.get(request.endpoint)
    access = access_of(view) if view is not None else PUBLIC   # unmatched URLs answer 404/405
    if access == PUBLIC:
        return
    g.caller, g.roles = _caller()
    if access != ANY_KEY and access not in g.roles:
        raise ApiError(403, f"this API key lacks the {access!r} role")


def require(role: str):
    """Mark a view as needing `role` (checked by check_access before the view runs)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def mark(view):
        view.access = role
        return view
    return mark


def public(view):
    view.access = PUBLIC
    return view
