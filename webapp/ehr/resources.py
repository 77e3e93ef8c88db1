"""FHIR R4 resources as the EHR sends them: each checked against the FHIR structure (fhir.resources'
R4B models, which R4 content fits) and kept as plain JSON for FHIRPath; a Bundle given where
resources are expected stands for its entries."""
from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from webapp.api.errors import ApiError


class InvalidResource(ValueError):
    """A resource that is not valid FHIR R4: `errors` maps each offending element to its reason."""

    def __init__(self, errors: dict):
        super().__init__("not valid FHIR R4")
        self.errors = errors


def problems(resource, where: str) -> dict:
    """{element path: [reasons]} of what makes `resource` invalid FHIR; empty when it is valid."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return {where: ["not a FHIR resource (an object with a resourceType)"]}
    try:
        model = get_fhir_model_class(resource["resourceType"])
    except (ValueError, KeyError):
        return {f"{where}.resourceType": [f"not a FHIR R4 resource type: {resource['resourceType'][:64]!r}"]}
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        found: dict = {}
        for error in exc.errors()[:20]:
            path = ".".join(str(part) for part in (where, *error["loc"]))
            found.setdefault(path, []).append(error["msg"])
        return found
    return {}


def checked(resource, where: str) -> dict:
    """`resource` when it is valid FHIR R4; else a 400 naming each offending element."""
    found = problems(resource, where)
    if found:
        raise ApiError(400, "the request carries a resource that is not valid FHIR R4", found)
    return resource


def contents(resource: dict) -> list[dict]:
    """The resources a value stands for: a Bundle's entries (an OperationOutcome a client sent for a
    prefetch it could not do stands for nothing), or the resource itself."""
    kind = resource.get("resourceType")
    if kind == "Bundle":
        return [e["resource"] for e in resource.get("entry") or [] if isinstance(e.get("resource"), dict)
                and e["resource"].get("resourceType") != "OperationOutcome"]
    if kind == "OperationOutcome":
        return []
    return [resource]


def bundle_of(resources: list[dict]) -> dict:
    """The collection Bundle the mapping's FHIRPath runs on."""
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def reference_to(resource: dict) -> str | None:
    if resource.get("id"):
        return f"{resource['resourceType']}/{resource['id']}"
    return None


def refers_to(reference: dict | None, kind: str, ident: str | None) -> bool:
    """Whether a Reference names `kind/ident` (relative or absolute)."""
    text = (reference or {}).get("reference") or ""
    return bool(ident) and (text == f"{kind}/{ident}" or text.endswith(f"/{kind}/{ident}"))
