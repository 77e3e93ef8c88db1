"""API keys with roles, hashed at rest, sent as `Authorization: Bearer <key>`; who may call what.

Keys are 32 random bytes, so a plain SHA-256 is enough: a slow hash defends guessable
passwords, and a 256-bit random key cannot be guessed; SHA-256 keeps the check off the hot path.

Access is deny by default: `check_access` runs before every request and lets a request through
without a key only when its view is marked `public`; `require(role)` names the role a view needs,
and an unmarked view needs a valid key of any role. The OpenAPI document's `security` entries are
read from the same markers, so the documentation cannot disagree with the check.

A key belongs to a named person (`python -m webapp keys --name`), and this module is the one place
that says who a caller is (`Caller`): the person acts (the lifecycle and four eyes name them), the
key's id is what the audit trail records beside the name. One person may hold several keys; four
eyes compares people. A key configured without a name (the entries written before keys had names)
still works under its id, as a person of its own, but cannot approve or publish
(`require(..., named=True)`): four eyes needs to know who is who.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import current_app, g, request

from webapp.api.errors import ApiError

ROLES = ("evaluate", "audit", "author", "approver", "admin")
ANY_KEY = "any"          # the marker of a view any valid key may call
PUBLIC = "public"
EHR_JWT = "ehr-jwt"      # the marker of a view an EHR calls with its signed JWT (webapp.ehr), not a key


NAME_LIMIT = 64          # the width of the actor columns (webapp.store.versions)


class KeyConfigError(ValueError):
    """A malformed key entry, with a message fit for one line of a terminal or a log."""


@dataclass(frozen=True)
class Key:
    """A configured key: its roles and the name of the person it belongs to (None: not named)."""
    roles: frozenset
    name: str | None = None


@dataclass(frozen=True)
class Caller:
    """Who made a request: the key's id (the first 12 hex digits of its hash), its holder's name and
    its roles."""
    key_id: str
    name: str | None
    roles: frozenset

    @property
    def person(self) -> str:
        """Who acts, as the lifecycle records it: the name; a key without one stands for itself."""
        return self.name or self.key_id

    @property
    def identities(self) -> frozenset:
        """Every way this person may have been recorded: by name, and by this key's id (records
        made before the key was given a name)."""
        return frozenset({self.person, self.key_id})


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


def parse_name(text: str) -> str:
    """A key holder's name: what four eyes compares and every record shows."""
    name = " ".join(text.split())
    if not name:
        raise KeyConfigError("the name is empty: give the name of the person the key belongs to")
    if len(name) > NAME_LIMIT or ";" in name or not name.isprintable():
        raise KeyConfigError(f"the name {name[:NAME_LIMIT]!r} must be at most {NAME_LIMIT} printable "
                             "characters without ';'")
    if re.fullmatch(r"[0-9a-f]{12}", name):
        raise KeyConfigError(f"the name {name!r} looks like a key's id: give the person's name")
    return name


def parse_keys(spec: str) -> dict[str, Key]:
    """`hash:role,role:Name;hash:role` -> {hash: Key}. The name (everything after the second
    colon) may be left out: such a key works, but cannot approve or publish."""
    keys = {}
    entries = [part.strip() for part in (spec or "").split(";") if part.strip()]
    for number, item in enumerate(entries, 1):
        digest, colon, rest = item.partition(":")
        roles, named, name = rest.partition(":")
        digest = digest.strip().lower()
        if not colon or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise KeyConfigError(f"CAR_T_API_KEYS entry {number}: expected '<sha256 hex of the key>:<role>,<role>:"
                                 "<name>' (python -m webapp keys --name prints one)")
        try:
            keys[digest] = Key(parse_roles(roles), parse_name(name) if named else None)
        except KeyConfigError as exc:
            raise KeyConfigError(f"CAR_T_API_KEYS entry {number}: {exc}") from None
    return keys


def key_entry(digest: str, roles, name: str) -> str:
    """The CAR_T_API_KEYS entry of a key."""
    return f"{digest}:{','.join(r for r in ROLES if r in roles)}:{parse_name(name)}"


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
    if access != ANY_KEY and access not in g.caller.roles:
        raise ApiError(403, f"this API key lacks the {access!r} role")
    if getattr(view, "named", False) and g.caller.name is None:
        raise ApiError(403, "this API key names nobody: four eyes needs to know who approves and publishes; "
                            "use a key made with `python -m webapp keys --name`")


def require(role: str, named: bool = False):
    """Mark a view as needing `role`, and with `named` a key that names its holder (checked by
    check_access before the view runs)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def mark(view):
        view.access = role
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
