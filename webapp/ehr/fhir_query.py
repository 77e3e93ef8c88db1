"""Querying the EHR's FHIR server with the access token a hook request carries (CDS Hooks' FHIR
resource access): only the server configured for the EHR (CAR_T_EHR_FHIR_SERVER), never a URL a
request names otherwise, every query of one request within one deadline, and no page outside that
server. A query that fails or is late leaves its facts unknown; the answer never waits past the
deadline (CRD's 5 s, 90% of the time, is for the whole hook)."""
from __future__ import annotations

import concurrent.futures
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

log = logging.getLogger("webapp.ehr")

PAGE_LIMIT = 8 * 1024 * 1024
MAX_PAGES = 5


class QueryFailed(Exception):
    """A query the answer cannot do without (the Coverage) failed or was late."""


def allowed(fhir_server: str | None, configured: str | None) -> bool:
    """Whether the request's fhirServer is the server configured for the EHR."""
    if not fhir_server or not configured:
        return False
    return fhir_server.rstrip("/") == configured.rstrip("/")


def search(base: str, token: str, queries: list[str], seconds: float) -> dict[str, list[dict] | None]:
    """{query: resources, or None when it failed or was late}, all started at once."""
    deadline = time.monotonic() + seconds
    results: dict[str, list[dict] | None] = {q: None for q in queries}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(queries)) or 1)
    try:
        futures = {pool.submit(_pages, base, token, q, deadline): q for q in queries}
        done, _ = concurrent.futures.wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        for future in done:
            query = futures[future]
            try:
                results[query] = future.result()
            except (OSError, ValueError, urllib.error.URLError) as exc:
                log.warning("EHR query %s failed: %s", query.split("?")[0], type(exc).__name__)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results


def _pages(base: str, token: str, query: str, deadline: float) -> list[dict]:
    root = base.rstrip("/") + "/"
    url = urllib.parse.urljoin(root, query)
    found: list[dict] = []
    for _ in range(MAX_PAGES):
        data = _get(url, token, deadline)
        if data.get("resourceType") != "Bundle":
            return found + ([data] if data.get("resourceType") not in (None, "OperationOutcome") else [])
        found += [e["resource"] for e in data.get("entry") or []
                  if isinstance(e.get("resource"), dict) and e["resource"].get("resourceType") != "OperationOutcome"]
        following = [link.get("url") for link in data.get("link") or [] if link.get("relation") == "next"]
        if not following or not str(following[0]).startswith(root):
            return found          # a next page elsewhere is never followed
        url = following[0]
    return found


def _get(url: str, token: str, deadline: float) -> dict:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("past the deadline")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                   "Accept": "application/fhir+json"})
    with urllib.request.urlopen(request, timeout=remaining) as response:
        body = response.read(PAGE_LIMIT + 1)
    if len(body) > PAGE_LIMIT:
        raise ValueError("page too large")
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a FHIR resource")
    return data
