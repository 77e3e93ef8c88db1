"""What the EHR channel's views share: its settings, the plan lookup, the FHIR mapping of each model
version (loaded from the models directory and checked against that version's data dictionary once),
and the query of the EHR's FHIR server."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from webapp.ehr import fhir_query, mapping as fhir_mapping, plan as plans
from webapp.ehr.hook_request import HookRequest
from webapp.ehr.resources import problems, reference_to
from webapp.api.errors import ApiError

log = logging.getLogger("webapp.ehr")


@dataclass
class Gathered:
    resources: list[dict]
    coverage_failed: bool


@dataclass
class Channel:
    models_dir: str
    audience: str
    fhir_server: str
    query_seconds: float
    plan: object
    _mappings: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: dict) -> "Channel":
        return cls(config["MODELS_DIR"], config["EHR_AUDIENCE"], config["EHR_FHIR_SERVER"],
                   config["EHR_QUERY_SECONDS"], plans.configured(config["EHR_PLAN_LOOKUP"]))

    def mapping(self, entry) -> fhir_mapping.Mapping:
        """The FHIR mapping of the serving model version; a 503 naming the problem when there is none
        or it does not fit the model."""
        key = (entry.id, entry.version)
        if key not in self._mappings:
            try:
                loaded = fhir_mapping.load(fhir_mapping.mapping_file(self.models_dir, entry.id))
                loaded.check(entry.model, entry.contract.supplied_by_service)
            except fhir_mapping.MappingError as exc:
                raise ApiError(503, "the model's FHIR mapping cannot be used", {"mapping": [str(exc)]}) from None
            self._mappings[key] = loaded
        return self._mappings[key]

    def gather(self, request: HookRequest, queries: list[str], need_coverage: bool, need_patient: bool) -> Gathered:
        """What the EHR's FHIR server adds, when the request lets us ask it (its fhirServer is the one
        configured for the EHR, and it sent a token): the mapping's queries, and the Coverage and
        Patient prefetch did not carry. Resources that are not valid FHIR are left out."""
        if not (request.token and fhir_query.allowed(request.fhir_server, self.fhir_server)):
            return Gathered([], need_coverage)
        wanted = [request.query(q) for q in queries]
        coverage = request.query("Coverage?patient={{context.patientId}}&status=active")
        if need_coverage:
            wanted.append(coverage)
        if need_patient:
            wanted.append(request.query("Patient/{{context.patientId}}"))
        results = fhir_query.search(request.fhir_server, request.token, wanted, self.query_seconds)
        found = []
        for query, resources in results.items():
            for resource in resources or []:
                if problems(resource, query):
                    log.warning("EHR query %s: a resource that is not valid FHIR R4 was left out", query.split("?")[0])
                else:
                    found.append(resource)
        return Gathered(found, need_coverage and results.get(coverage) is None)


def merged(*groups: list[dict]) -> list[dict]:
    """Resources from several sources, each once (by type and id; the first source wins)."""
    seen, out = set(), []
    for group in groups:
        for resource in group:
            key = reference_to(resource) or id(resource)
            if key not in seen:
                seen.add(key)
                out.append(resource)
    return out
