"""The DTR questionnaire of one coverage assertion, and the answers of a completed one read back.

The Questionnaire is made from the determination's own pends (webapp.ehr.coverage_information
.provider_pends): one group per missing guideline item or unknown fact the provider supplies, whose
text is the finding's `needed` and citation, asking each input field the finding's facts name (the
mapping's `questionnaire.derived` names the fields behind a fact that is a decision). A documentation
item is a boolean attestation with an optional attachment; a fact is asked in its data dictionary
type. The matching QuestionnaireResponse is pre-filled on the server with what the EHR had already
sent (no CQL runs anywhere). Each question's linkId is the field's path, so a completed response maps
back onto the request field by field (`answers`), and the next order-sign determines again.

Canonical: `<CAR_T_EHR_AUDIENCE>/Questionnaire/<questionnaire.id>|<coverage-assertion-id>`: the
content is the assertion's, so its version is the assertion's id.
"""
from __future__ import annotations


from webapp.ehr.coverage_information import provider_pends
from webapp.ehr.mapping import Mapping, input_fields
from webapp.store.stamps import now

DTR = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition"
NONE_SUFFIX = ".none"
ATTACHMENT_SUFFIX = ".attachment"


def url(base: str, mapping: Mapping) -> str:
    return f"{base.rstrip('/')}/Questionnaire/{mapping.questionnaire['id']}"


def canonical(base: str, mapping: Mapping, assertion_id: str) -> str:
    return f"{url(base, mapping)}|{assertion_id}"


def asked_fields(finding: dict, mapping: Mapping, known: dict) -> list[str]:
    """The input fields a finding asks the provider about, in the order its facts name them."""
    asks = mapping.questionnaire.get("asks", [])
    derived = mapping.questionnaire.get("derived", {})
    found: list[str] = []
    for fact in finding.get("facts") or []:
        expression = fact.get("expression") or ""
        names = [p for p in known if p in expression]
        names += [n for decision, names_ in derived.items() if decision in expression for n in names_]
        for name in names:
            if name not in found and (name in asks or name.split(".")[0] in asks):
                found.append(name)
    return found


def build(record: dict, model, service_inputs, mapping: Mapping, base: str, coverage: str,
          orders: list[str], patient: str) -> tuple[dict, dict] | None:
    """(Questionnaire, pre-filled QuestionnaireResponse) of an audited determination; None when it
    asks the provider for nothing."""
    assertion = record["id"]
    known = input_fields(model, service_inputs)
    descriptions = _descriptions(model, service_inputs)
    values = _flat(record["inputs"])
    groups, responses, seen = [], [], set()
    for number, finding in enumerate(provider_pends(record["outputs"]), 1):
        names = [n for n in asked_fields(finding, mapping, known) if n not in seen]
        if not names:
            continue
        seen.update(names)
        questions = [q for n in names for q in _questions(n, known[n], descriptions.get(n, n))]
        groups.append({"linkId": f"finding-{number}", "type": "group", "required": True,
                       "text": f"{finding['needed'] or finding['text']} ({finding['citation']})", "item": questions})
        answered = [a for n in names for a in _prefilled(n, known[n], values.get(n))]
        if answered:
            responses.append({"linkId": f"finding-{number}", "item": answered})
    if not groups:
        return None
    link = canonical(base, mapping, assertion)
    questionnaire = {
        "resourceType": "Questionnaire", "id": f"{mapping.questionnaire['id']}-{assertion}",
        "url": url(base, mapping), "version": assertion, "name": "CarTDocumentation",
        "title": mapping.questionnaire.get("title", "Documentation"), "status": "active",
        "subjectType": ["Patient"], "date": _now(), "item": groups}
    response = {
        "resourceType": "QuestionnaireResponse", "id": f"{mapping.questionnaire['id']}-{assertion}-response",
        "extension": [{"url": f"{DTR}/qr-context", "valueReference": {"reference": coverage}}]
                     + [{"url": f"{DTR}/qr-context", "valueReference": {"reference": order}} for order in orders]
                     + [{"url": f"{DTR}/intendedUse", "valueCodeableConcept": {"coding": [{
                         "system": "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp", "code": "withpa"}]}}],
        "questionnaire": link, "status": "in-progress", "subject": {"reference": patient},
        "authored": _now(), "author": {"display": "CAR-T decision service (pre-filled from the EHR's data)"}}
    if responses:
        response["item"] = responses
    return questionnaire, response


def answers(responses: list[dict], base: str, mapping: Mapping, model, service_inputs) -> dict:
    """{field path: value} of the completed responses to this service's questionnaire, the newest
    answer of each field winning."""
    prefix = url(base, mapping) + "|"
    known = input_fields(model, service_inputs)
    mine = sorted((r for r in responses if str(r.get("questionnaire", "")).startswith(prefix)
                   and r.get("status") in ("completed", "amended")), key=lambda r: str(r.get("authored", "")))
    found: dict = {}
    for response in mine:
        found.update(_read(response.get("item") or [], known))
    return found


# -- questions ---------------------------------------------------------------------------------
def _questions(name: str, dtype, text: str) -> list[dict]:
    if dtype.is_collection and dtype.element is not None and dtype.element.fields:
        return [{"linkId": name + NONE_SUFFIX, "type": "boolean", "text": f"None: {text}"},
                {"linkId": name, "type": "group", "repeats": True, "text": text,
                 "item": [{"linkId": f"{name}.{part}", **_typed(sub), "text": part.replace("_", " ")}
                          for part, sub in dtype.element.fields.items()]}]
    question = {"linkId": name, **_typed(dtype), "text": text}
    if name.startswith("Documentation.") and dtype.base == "boolean":
        question["text"] = f"Attest that the record documents it: {text}"
        return [question, {"linkId": name + ATTACHMENT_SUFFIX, "type": "attachment",
                           "text": "The document (optional)"}]
    return [question]


def _typed(dtype) -> dict:
    if dtype.allowed_values and dtype.base == "string":
        return {"type": "choice", "answerOption": [{"valueCoding": {"code": str(v)}} for v in dtype.allowed_values]}
    return {"type": {"boolean": "boolean", "date": "date", "number": "integer"}.get(dtype.base, "string")}


def _prefilled(name: str, dtype, value) -> list[dict]:
    """What the EHR already sent for a question, as the response's pre-filled answer."""
    if value is None:
        return []
    origin = [{"url": f"{DTR}/information-origin", "extension": [{"url": "source", "valueCode": "auto"}]}]
    if isinstance(value, list):
        if not value:
            return [{"linkId": name + NONE_SUFFIX, "answer": [{"valueBoolean": True, "extension": origin}]}]
        return [{"linkId": name, "item": [
            {"linkId": f"{name}.{part}", "answer": [{**_answer(dtype.element.fields[part], v), "extension": origin}]}
            for part, v in item.items() if v is not None]} for item in value if any(v is not None for v in item.values())]
    return [{"linkId": name, "answer": [{**_answer(dtype, value), "extension": origin}]}]


def _answer(dtype, value) -> dict:
    if dtype.allowed_values and dtype.base == "string":
        return {"valueCoding": {"code": str(value)}}
    key = {"boolean": "valueBoolean", "date": "valueDate", "number": "valueInteger"}.get(dtype.base, "valueString")
    return {key: value}


# -- reading answers back ---------------------------------------------------------------------
def _read(items: list[dict], known: dict) -> dict:
    found: dict = {}
    groups: dict[str, list] = {}
    for item in items:
        link = item.get("linkId", "")
        if link in known and known[link].is_collection:
            groups.setdefault(link, []).append(_structure(item.get("item") or [], link))
        elif link.endswith(NONE_SUFFIX) and link[:-len(NONE_SUFFIX)] in known:
            if _first(item) is True:
                found.setdefault(link[:-len(NONE_SUFFIX)], [])
        elif link in known and item.get("answer"):
            found[link] = _first(item)
        if item.get("item") and not (link in known and known[link].is_collection):
            found.update(_read(item["item"], known))
    for link, structures in groups.items():
        listed = [s for s in structures if any(v is not None for v in s.values())]
        if listed:
            found[link] = listed
    return found


def _structure(items: list[dict], group: str) -> dict:
    return {item["linkId"][len(group) + 1:]: _first(item) for item in items
            if str(item.get("linkId", "")).startswith(group + ".")}


def _first(item: dict):
    for answer in item.get("answer") or []:
        for key, value in answer.items():
            if key == "valueCoding":
                return (value or {}).get("code")
            if key.startswith("value"):
                return value
    return None


def _flat(inputs: dict) -> dict:
    return {f"{name}.{k}": v for name, group in inputs.items() if isinstance(group, dict) for k, v in group.items()}


def _descriptions(model, service_inputs) -> dict:
    """{"Input.field": its data dictionary description}."""
    found = {}
    items = model.definitions.item_definitions
    for name in model.definitions.input_data:
        if name in service_inputs:
            continue
        type_name = model.data_type(name).name
        item = items.get(type_name)
        for component in (item.components if item is not None else []):
            found[f"{name}.{component.name}"] = (component.description or component.name).strip()
    return found


def _now() -> str:
    return now().isoformat(timespec="seconds")
