"""What content becomes before it is stored as a draft: a model saved by the KIE editor (DMN
1.4-1.6) is rewritten as DMN 1.3, the version dmn-js edits (webapp.normalize's conversion), and the
result is validated. Content is untrusted, so the work runs in a child process under the validation
budget (webapp.bounded). A draft with validation errors is stored (work in progress is saved) but
cannot be submitted; a file with a DTD, or one too complex to analyse in time, is refused."""
from __future__ import annotations

from flask import current_app
from lxml import etree

from pydmn import MODEL_VERSIONS, ModelError
from webapp.api.common import within_budget
from webapp.api.export import REFUSED, refuse_unsafe, report
from webapp.normalize import normalize


def _dmn_version(data: bytes) -> str | None:
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return MODEL_VERSIONS.get(etree.QName(root).namespace)


def prepare(data: bytes) -> dict:
    """{"content", "normalised_from", "note", "report"}: the bytes to store and their findings."""
    found = report(data)
    if any(f["code"] in REFUSED for f in found["findings"]):     # refused by checked(), after the child
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
    prepared = within_budget(prepare, data, seconds=current_app.config["VALIDATION_BUDGET_S"],
                             too_slow="model too complex", field="content")
    refuse_unsafe(prepared["report"], "content")
    return prepared
