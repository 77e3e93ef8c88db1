"""The headers a caller sends about its own request: `Idempotency-Key` (a retry answered once, webapp.api.idempotency)
and `X-Case-Id` (its own case reference, kept on the audit record). A value outside their syntax is a 400
naming the header; neither value is ever written to the log (a case reference may lead to a patient)."""
from __future__ import annotations

import re

from flask import request

from webapp.api.errors import ApiError
from webapp.store.audit import CASE_ID_MAX

KEY_MAX = 255
# The draft makes the key a Structured Field String (RFC 8941: "..." with \" and \\ escapes); a bare
# value of the same visible characters, as many clients send it, is read as the same key. One pattern,
# in the OpenAPI document too: 1 to KEY_MAX characters once unescaped.
KEY_PATTERN = (rf'^(?:"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){{1,{KEY_MAX}}})"'
               rf'|([\x21\x23-\x5b\x5d-\x7e]{{1,{KEY_MAX}}}))$')
# visible ASCII, inner spaces allowed
CASE_ID_PATTERN = rf"^[\x21-\x7e](?:[\x20-\x7e]{{0,{CASE_ID_MAX - 2}}}[\x21-\x7e])?$"
_KEY, _CASE_ID = re.compile(KEY_PATTERN), re.compile(CASE_ID_PATTERN)

IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string", "pattern": KEY_PATTERN},
    "description": "makes a retry safe (IETF httpapi Idempotency-Key draft): for 24 hours the same key with the same "
                   "request answers the first answer again, with no second determination; with another request it is "
                   "422, while the first is still being answered 409. A Structured Field String (`\"...\"`), or the "
                   f"same characters bare; at most {KEY_MAX} characters; each caller's keys are its own."}
CASE_ID_PARAMETER = {
    "in": "header", "name": "X-Case-Id", "required": False, "schema": {"type": "string", "pattern": CASE_ID_PATTERN},
    "description": "the caller's own case reference, kept on the audit record (GET /api/v1/evaluations?case_id=...); "
                   f"visible ASCII and inner spaces, at most {CASE_ID_MAX} characters"}


def idempotency_key() -> str | None:
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    found = _KEY.fullmatch(value)
    if found is None:
        raise ApiError(400, "Idempotency-Key must be a string of 1 to 255 visible ASCII characters",
                       {"Idempotency-Key": ["not a Structured Field String of 1 to 255 characters"]})
    quoted, bare = found.groups()
    return re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare


def case_id() -> str | None:
    value = request.headers.get("X-Case-Id")
    if value is None:
        return None
    if not _CASE_ID.fullmatch(value):
        raise ApiError(400, f"X-Case-Id must be 1 to {CASE_ID_MAX} visible ASCII characters (inner spaces allowed)",
                       {"X-Case-Id": [f"not 1 to {CASE_ID_MAX} visible ASCII characters"]})
    return value
