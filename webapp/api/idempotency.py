"""A determination under the caller's `Idempotency-Key` (webapp.store.idempotency keeps the keys): the
first request with a key is answered and its answer kept; the same request again gets that answer, with
no second determination or audit record; another request with the key is 422, and the same one while
the first is still being answered 409."""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Callable

from flask import Response, current_app, g

from webapp.api.caller_headers import idempotency_key
from webapp.api.common import built_answer
from webapp.store.errors import Unavailable
from webapp.store.idempotency import Kept

log = logging.getLogger("webapp.api.idempotency")


def fingerprint(endpoint: str, request: dict) -> str:
    """What a key stands for: the endpoint and the request (its JSON body and the headers and query
    that shape the answer), key order and spacing aside."""
    text = json.dumps({"endpoint": endpoint, **request}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def once(endpoint: str, request: dict, respond: Callable[[], dict]) -> Response:
    """`respond()`'s answer, given once per key: the kept answer when the key's request was answered."""
    key = idempotency_key()
    if key is None:
        return built_answer(respond())
    store = current_app.extensions["idempotency"]
    claim = store.claim(g.caller.key_id, key, fingerprint(endpoint, request))
    if isinstance(claim, Kept):
        return current_app.response_class(claim.body, status=claim.status, mimetype="application/json")
    try:
        response = built_answer(respond())
    except Exception:
        _release(store, claim)
        raise
    try:
        store.answered(claim, response.status_code, response.get_data(as_text=True))
    except Unavailable as exc:
        # The determination is made and recorded: the caller gets it. A retry within the lease is 409,
        # after it a new determination.
        log.warning("request_id=%s the answer to an Idempotency-Key was not kept: %s", g.get("request_id", ""),
                    exc.errors)
    return response


def _release(store, claim) -> None:
    """The request failed: a retry with the key may determine afresh (or, if even this write fails,
    once the lease is over)."""
    try:
        store.released(claim)
    except Unavailable as exc:
        log.warning("request_id=%s an Idempotency-Key was not released: %s", g.get("request_id", ""), exc.errors)
