"""The EHR channel's blueprint: its routes (webapp.ehr.hooks, webapp.ehr.dtr) answer every error as a
FHIR OperationOutcome (webapp.ehr.outcome), as CRD and DTR clients expect."""
from __future__ import annotations

from webapp.api.common import Blueprint
from webapp.ehr import outcome

bp = Blueprint("ehr", __name__, description="The EHR channel: Da Vinci CRD (CDS Hooks 2.0) and DTR for CAR-T orders")
outcome.register(bp)

OUTCOME = {outcome.FHIR_JSON: {"schema": {"type": "object", "required": ["resourceType", "issue"], "properties": {
    "resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array", "items": {"type": "object"}}}}}}
