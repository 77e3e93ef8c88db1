"""DTR's POST /Questionnaire/$questionnaire-package (DTR 2.2.0): Parameters in (the coverage, the
order, the questionnaire canonical and/or the CRD context: the coverage-assertion-id), Parameters out
with one Bundle per questionnaire: the Questionnaire made from the assertion's own pends and its
pre-filled QuestionnaireResponse (webapp.ehr.questionnaire). The assertion is this EHR's audited
determination: another EHR's id is unknown here."""
from __future__ import annotations

from flask import current_app, g

from webapp.api.car_t import policy
from webapp.api.common import json_body
from webapp.api.auth import ehr_jwt
from webapp.ehr import examples, questionnaire
from webapp.ehr.blueprint import OUTCOME, bp
from webapp.ehr.outcome import FHIR_JSON, information
from webapp.ehr.resources import checked, reference_to
from webapp.api.errors import ApiError

_PARAMETERS = {"type": "object", "required": ["resourceType"], "properties": {
    "resourceType": {"const": "Parameters"}, "parameter": {"type": "array", "items": {"type": "object"}}}}


@bp.post("/Questionnaire/$questionnaire-package")
@ehr_jwt
@bp.doc(requestBody={"required": True, "content": {FHIR_JSON: {"schema": _PARAMETERS,
                                                               "example": examples.QUESTIONNAIRE_PACKAGE}}},
        responses={"200": {"description": "Parameters: a packagebundle (Questionnaire and pre-filled QuestionnaireResponse), "
                                          "or an outcome saying nothing more is needed",
                           "content": {FHIR_JSON: {"schema": _PARAMETERS}}},
                   "400": {"description": "not the operation's Parameters", "content": OUTCOME},
                   "404": {"description": "no coverage assertion of this EHR with that id", "content": OUTCOME}})
def questionnaire_package():
    """DTR: the questionnaire package of a CAR-T coverage assertion."""
    entry, _ = policy()
    channel = current_app.extensions["ehr"]
    mapping = channel.mapping(entry)
    parameters = checked(json_body(), "body")
    if parameters.get("resourceType") != "Parameters":
        raise ApiError(400, "$questionnaire-package takes a Parameters resource", {"resourceType": ["not Parameters"]})
    given = {}
    for parameter in parameters.get("parameter") or []:
        given.setdefault(parameter.get("name"), []).append(parameter)
    coverages = [p.get("resource") for p in given.get("coverage", []) if isinstance(p.get("resource"), dict)]
    if len(coverages) != 1:
        raise ApiError(400, "$questionnaire-package takes one coverage", {"parameter.coverage": [f"{len(coverages)} given"]})
    assertion = _assertion(given, questionnaire.url(channel.audience, mapping))
    record = current_app.extensions["audit"].get(assertion)
    if record is None or not record["endpoint"].startswith("car_t.crd.") or record["caller"] != g.caller.key_id:
        raise ApiError(404, "no coverage assertion of this EHR has that id", {"parameter.context": [assertion]})
    crd = record["outputs"]["crd"]
    orders = [reference_to(p["resource"]) for p in given.get("order", []) if isinstance(p.get("resource"), dict)]
    built = questionnaire.build(record, entry.model, entry.contract.supplied_by_service, mapping, channel.audience,
                                reference_to(coverages[0]) or crd["coverage"], [o for o in orders if o] or [crd["order"]],
                                crd["patient"])
    if built is None:
        notice = information(f"Medical Policy 7.02.11 needs nothing more from the provider for this order "
                             f"(determination {record['outputs']['determination']})")
        out = {"resourceType": "Parameters", "parameter": [{"name": "outcome", "resource": notice}]}
    else:
        package = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in built]}
        out = {"resourceType": "Parameters", "parameter": [{"name": "packagebundle", "resource": package}]}
    return current_app.response_class(current_app.json.dumps(out), mimetype=FHIR_JSON)


def _assertion(given: dict, our_url: str) -> str:
    """The coverage-assertion-id: the context, else the version of this service's questionnaire."""
    for parameter in given.get("context", []):
        if isinstance(parameter.get("valueString"), str) and parameter["valueString"]:
            return parameter["valueString"]
    for parameter in given.get("questionnaire", []):
        canonical = str(parameter.get("valueCanonical") or "")
        if canonical.startswith(our_url + "|"):
            return canonical.split("|", 1)[1]
    raise ApiError(400, "$questionnaire-package needs the context (the coverage-assertion-id CRD gave) or this "
                        "service's questionnaire canonical", {"parameter.context": ["missing"]})
