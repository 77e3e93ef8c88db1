"""What content becomes before it is stored as a draft: a model saved by the KIE editor (DMN
1.4-1.6) is rewritten as DMN 1.3, the version dmn-js edits (webapp.normalize's conversion), and the
result is validated. Content is untrusted, so the work runs in a child process under the validation
budget (webapp.bounded). A draft with validation errors is stored (work in progress is saved) but
cannot be submitted; a file with a DTD, or one too complex to analyse in time, is refused."""
from __future__ import annotations

import logging

from flask import current_app, g
from lxml import etree

from pydmn import MODEL_VERSIONS, ModelError
from webapp import bounded
from webapp.api.export import REFUSED, report
from webapp.errors import ApiError
from webapp.normalize import normalize

log = logging.getLogger("webapp.drafts")


def _dmn_version(data: bytes) -> str | None:
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return MODEL_VERSIONS.get(etree.QName(root).namespace)


def prepare(data: bytes) -> dict:
    """{"content", "normalised_from", "note", "report"}: the bytes to store and their findings."""
    found = report(data)
    if any(f["code"] in REFUSED for f in found["findings"]):
        return {"content": data, "normalised_from": None, "note": None, "report": found}
    version, note, content = _dmn_version(data), None, data
    if version in ("1.4", "1.5", "1.6"):
        try:
            content = normalize(data)
            found = report(content)
        except ModelError as exc:
            note = f"kept as DMN {version}, which dmn-js cannot edit: {exc}"
    return {"content": content, "normalised_from": version if content is not data else None,
            "note": note, "report": found}


def checked(data: bytes) -> dict:
    """prepare(data) under the budget; 422 for a refused or too complex model."""
    budget = current_app.config["VALIDATION_BUDGET_S"]
    try:
        prepared = bounded.run(prepare, data, seconds=budget)
    except bounded.OverBudget:
        raise ApiError(422, f"model too complex: its analysis did not finish within the {budget:g} s budget",
                       {"content": ["model too complex"]}) from None
    except bounded.ChildFailed as exc:
        log.error("request_id=%s draft analysis failed: %s", g.get("request_id", ""), exc.args[-1])
        raise ApiError(500, "internal error: quote the request id to the operators") from None
    refused = [f["message"] for f in prepared["report"]["findings"] if f["code"] in REFUSED]
    if refused:
        raise ApiError(422, "the model is refused: " + "; ".join(refused), {"content": refused})
    return prepared
