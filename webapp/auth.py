"""API keys with roles, hashed at rest, sent as `Authorization: Bearer <key>`.

Keys are 32 random bytes, so a plain SHA-256 is enough: a slow hash defends guessable
passwords, and a 256-bit random key cannot be guessed; SHA-256 keeps the check off the hot path.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from flask import current_app, g, request

from webapp.errors import ApiError

ROLES = ("evaluate", "audit", "admin")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its hash."""
    key = "cts_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


def parse_keys(spec) -> dict[str, frozenset]:
    """`hash:role,role;hash:role` (or a dict {hash: roles}) -> {hash: roles}."""
    if isinstance(spec, dict):
        return {h: frozenset(r) for h, r in spec.items()}
    keys = {}
    for item in filter(None, (part.strip() for part in (spec or "").split(";"))):
        digest, _, roles = item.partition(":")
        wanted = frozenset(r.strip() for r in roles.split(",") if r.strip())
        unknown = wanted - set(ROLES)
        if unknown or len(digest) != 64:
            raise ValueError(f"bad API key entry (roles must be among {', '.join(ROLES)})")
        keys[digest.lower()] = wanted
    return keys


def caller_roles() -> tuple[str, frozenset]:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "an API key is required: Authorization: Bearer <key>")
    digest = hash_key(key.strip())
    for known, roles in current_app.extensions["api_keys"].items():
        if hmac.compare_digest(known, digest):
            return digest[:12], roles
    raise ApiError(401, "unknown API key")


def require(role: str):
    """Decorator: the caller's key must carry `role` (401 without a valid key, 403 without the role)."""
    def wrap(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            caller, roles = caller_roles()
            if role not in roles:
                raise ApiError(403, f"this API key lacks the {role!r} role")
            g.caller = caller
            return view(*args, **kwargs)
        checked.required_role = role
        return checked
    return wrap
