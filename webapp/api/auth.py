"""API keys with roles, hashed at rest, sent as `Authorization: Bearer <key>`; who may call what.

Access is deny by default: `check_access` runs before every request and lets a request through
without a key only when its view is marked `public`; `require(role)` names the role a view needs,
and an unmarked view needs a valid key of any role. The OpenAPI document's `security` entries are
read from the same markers, so the documentation cannot disagree with the check.

Keys and the people holding them are webapp.store.keys; a view that approves or publishes needs a
named key (`require(..., named=True)`): four eyes needs to know who is who.
"""
from __future__ import annotations

import hmac

from flask import current_app, g, request

from webapp.api.errors import ApiError
from webapp.store.keys import ROLES, Caller, hash_key

ANY_KEY = "any"          # the marker of a view any valid key may call
PUBLIC = "public"
EHR_JWT = "ehr-jwt"      # the marker of a view an EHR calls with its signed JWT (webapp.ehr), not a key


def identify(digest: str) -> Caller | None:
    """The caller a key's hash names, if the key is configured."""
    for known, key in current_app.extensions["api_keys"].items():
        if hmac.compare_digest(known, digest):
            return Caller(digest[:12], key.name, key.roles)
    return None


def _caller() -> Caller:
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
    caller = identify(digest)
    if caller is None:
        raise ApiError(401, "unknown API key")
    return caller


def access_of(view) -> str:
    return getattr(view, "access", ANY_KEY)


def check_access() -> None:
    """before_request: 401 without a valid key, 403 without the view's role."""
    view = current_app.view_functions.get(request.endpoint)
    access = access_of(view) if view is not None else PUBLIC   # unmatched URLs answer 404/405
    if access == PUBLIC:
        return
    if access == EHR_JWT:
        ehr = current_app.extensions.get("ehr_auth")
        if ehr is None:
            raise ApiError(401, "the EHR channel is not configured (CAR_T_EHR_JWKS, CAR_T_EHR_ISSUER, CAR_T_EHR_AUDIENCE)")
        g.caller = ehr.caller()
        return
    g.caller = _caller()
    if access != ANY_KEY and g.caller.roles.isdisjoint((access,) if isinstance(access, str) else access):
        needed = f"the {access!r} role" if isinstance(access, str) else " or ".join(f"{r!r}" for r in access) + " role"
        raise ApiError(403, f"this API key lacks {needed}")
    if getattr(view, "named", False) and g.caller.name is None:
        raise ApiError(403, "this API key names nobody: four eyes needs to know who approves and publishes; "
                            "use a key made with `python -m webapp keys --name`")


def require(*roles: str, named: bool = False):
    """Mark a view as needing one of `roles`, and with `named` a key that names its holder (checked
    by check_access before the view runs)."""
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")

    def mark(view):
        view.access = roles[0] if len(roles) == 1 else roles
        view.named = named
        return view
    return mark


def public(view):
    view.access = PUBLIC
    return view


def ehr_jwt(view):
    """Mark a view as called by the EHR with its JWT (webapp.ehr.jwt_auth checks it)."""
    view.access = EHR_JWT
    return view
