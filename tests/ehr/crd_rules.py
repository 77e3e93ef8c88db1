"""The rules a CRD answer must keep, read independently of the code that builds it: the
coverage-information invariants as CRD's StructureDefinition states them in FHIRPath (run with
fhirpathpy on the extension), its required parts and value sets, and the hook response's rules for
cards and systemActions (CRD cards.md, CDS Hooks 2.0)."""
from fhirpathpy import evaluate
from fhirpathpy.models import models

from webapp.ehr.resources import problems

EXTENSION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
VALUES = {
    "covered": {"covered", "not-covered", "conditional", "indeterminate"},
    "pa-needed": {"no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"},
    "doc-needed": {"clinical", "admin", "patient", "conditional", "indeterminate"},
    "doc-purpose": {"withpa", "withclaim", "withorder", "retain-doc", "OTH"},
    "info-needed": {"performer", "location", "timeframe", "contract-window", "detail-code", "OTH"},
}
# CRD 2.1+ (crd-ci-q1 .. q6), and the rule the issue names for 'indeterminate'.
INVARIANTS = {
    "questionnaire needs doc-needed":
        "extension.where(url = 'questionnaire').exists() implies extension.where(url = 'doc-needed').exists()",
    "not-covered has no pa-needed":
        "extension.where(url = 'covered' and value = 'not-covered').exists() implies extension.where(url = 'pa-needed').exists().not()",
    "conditional needs info-needed":
        "extension.where((url = 'covered' or url = 'pa-needed' or url = 'doc-needed') and value = 'conditional').count() >= 1 "
        "implies extension.where(url = 'info-needed').exists()",
    "info-needed only with conditional":
        "extension.where(url = 'info-needed').exists() implies "
        "extension.where((url = 'covered' or url = 'pa-needed' or url = 'doc-needed') and value = 'conditional').exists()",
    "satisfied is never withpa":
        "(extension.where(url = 'pa-needed' and value = 'satisfied').exists() and extension.where(url = 'doc-purpose').exists()) "
        "implies extension.where(url = 'doc-purpose').all(value != 'withpa')",
    "satisfied iff satisfied-pa-id":
        "extension.where(url = 'pa-needed' and value = 'satisfied').exists() = extension.where(url = 'satisfied-pa-id').exists()",
    "info-needed OTH needs a reason":
        "extension.where(url = 'info-needed' and value = 'OTH').exists() implies extension.where(url = 'reason').exists()",
    "indeterminate needs a reason":
        "extension.where(value = 'indeterminate').exists() implies extension.where(url = 'reason').exists()",
}
ONCE = ("coverage", "covered", "date", "coverage-assertion-id")
CARD_TYPES = {"coverage-info", "claim", "insurance", "limits", "network", "appropriate-use", "cost",
              "therapy-alternatives-opt", "therapy-alternatives-req", "clinical-reminder", "duplicate-therapy",
              "contraindication", "guideline", "off-guideline"}


def violations(extension: dict) -> list[str]:
    """Every rule the coverage-information extension breaks (empty: none)."""
    found = []
    if extension.get("url") != EXTENSION:
        found.append("not the coverage-information extension")
    parts = extension.get("extension") or []
    for name in ONCE:
        if sum(1 for p in parts if p.get("url") == name) != 1:
            found.append(f"{name} exactly once")
    for part in parts:
        allowed = VALUES.get(part.get("url"))
        if allowed is not None and part.get("valueCode") not in allowed:
            found.append(f"{part['url']}: {part.get('valueCode')!r} is not in its value set")
    ids = [p.get("valueString") for p in parts if p.get("url") == "coverage-assertion-id"]
    if not all(isinstance(i, str) and i for i in ids):
        found.append("coverage-assertion-id is a non-empty string")
    for rule, expression in INVARIANTS.items():
        if evaluate(extension, expression, {}, models["r4"]) != [True]:
            found.append(rule)
    return found


def response_violations(answer: dict) -> list[str]:
    """Every rule of a CRD hook response the answer breaks."""
    found = []
    if not isinstance(answer.get("cards"), list):
        found.append("cards is a list")
    for card in answer.get("cards") or []:
        if not card.get("uuid"):
            found.append("a card has a uuid")
        if not card.get("summary") or len(card["summary"]) > 140:
            found.append("a card's summary has 1 to 140 characters")
        if card.get("indicator") not in ("info", "warning", "critical"):
            found.append("a card's indicator is info, warning or critical")
        source = card.get("source") or {}
        if not source.get("label"):
            found.append("a card's source has a label (the insurer)")
        if (source.get("topic") or {}).get("code") not in CARD_TYPES:
            found.append("a card's source.topic is a CRD card type")
        if (source.get("topic") or {}).get("code") == "coverage-info":
            found.append("coverage information is never a card")
    for action in answer.get("systemActions") or []:
        resource = action.get("resource") or {}
        if action.get("type") != "update":
            found.append("a systemAction is an update")
        if problems(resource, "systemAction.resource"):
            found.append(f"the updated order is valid FHIR R4: {problems(resource, 'resource')}")
        mine = [e for e in resource.get("extension") or [] if e.get("url") == EXTENSION]
        if len(mine) != 1:
            found.append("each updated order carries one coverage-information for the coverage")
        for extension in mine:
            found += violations(extension)
    return found
