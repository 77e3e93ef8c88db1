"""API keys and the people who hold them: the roles, a key's configuration entry
(`hash:role,role:Name`), and `Caller`, the one place that says who a caller is.

Keys are 32 random bytes, so a plain SHA-256 is enough: a slow hash defends guessable
passwords, and a 256-bit random key cannot be guessed; SHA-256 keeps the check off the hot path.

A key belongs to a named person (`python -m webapp keys --name`): the person acts (the lifecycle
and four eyes name them), the key's id is what the audit trail records beside the name. One person
may hold several keys; four eyes compares people. A key configured without a name (the entries
written before keys had names) still works under its id, as a person of its own, but cannot approve
or publish: four eyes needs to know who is who. webapp.api.auth checks them on each request.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

ROLES = ("evaluate", "audit", "author", "approver", "admin")


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
