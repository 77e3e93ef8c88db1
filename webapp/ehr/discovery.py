"""The CDS Hooks discovery document: the CRD services this service offers, the prefetch each wants
and the CRD version. Prefetch is only what every call needs (CRD): the patient and the one Coverage;
the draft orders come in the hook's context, and the clinical data only a CAR-T order needs is
queried with the request's token (webapp.ehr.fhir_query) or read from whatever resources the request
carries."""
from __future__ import annotations

from dataclasses import dataclass

CRD_VERSION = "2.2"
PREFETCH = {"patient": "Patient/{{context.patientId}}",
            "coverage": "Coverage?patient={{context.patientId}}&status=active"}


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    primary: bool          # CRD: a primary hook answers coverage information and may ask for documentation
    title: str
    description: str


SERVICES = {s.id: s for s in (
    Service("car-t-order-sign", "order-sign", True, "CAR-T coverage requirements (Medical Policy 7.02.11)",
            "Coverage, prior authorization and the documentation Medical Policy 7.02.11 needs for each CAR-T order "
            "being signed (HCPCS Q2041-Q2058, CPT 38225-38228), from the policy's own decision tables."),
    Service("car-t-order-select", "order-select", False, "CAR-T coverage (Medical Policy 7.02.11), on selection",
            "Coverage and prior authorization for a CAR-T order as it is selected; documentation is asked at signing."),
)}

CONFIGURATION_OPTIONS = [
    {"code": "coverage-info", "type": "boolean", "name": "Coverage Information", "default": True,
     "description": "Whether CAR-T is covered, needs prior authorization, and which documentation Medical Policy "
                    "7.02.11 asks for (as coverage-information on the order)"},
    {"code": "off-guideline", "type": "boolean", "name": "Off Guideline", "default": True,
     "description": "A card naming the criteria of Medical Policy 7.02.11 an order does not meet"},
    {"code": "max-cards", "type": "integer", "name": "Maximum cards", "default": 10,
     "description": "The most cards returned in one answer"},
]


def document() -> dict:
    return {"services": [{
        "hook": s.hook, "id": s.id, "title": s.title, "description": s.description, "prefetch": PREFETCH,
        "extension": {"davinci-crd.version": [CRD_VERSION], "davinci-crd.configuration-options": CONFIGURATION_OPTIONS},
    } for s in SERVICES.values()]}
