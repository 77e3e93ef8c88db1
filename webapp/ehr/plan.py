"""The plan's own facts about a member, which an EHR cannot know: the payer's plug-in point.

The model needs five facts only the plan holds (line of business, whether the member's product covers
CAR-T and, for a DSNP member, whether Medicaid does, whether eMedNY criteria exist, and the Health Plan
Pharmacy's approval). The EHR channel asks a `PlanLookup` for them with the one Coverage the EHR sent.
`PlanFile` answers from a YAML file (the tests' and a pilot's); a payer plugs in its eligibility and
pharmacy systems by passing its own object with the same three members as `EHR_PLAN_LOOKUP` to
create_app (docs/ehr.md). A fact the plan does not know is null, which the model pends on for the plan
(supplied_by plan_eligibility, plan_pharmacy), never for the provider.

    payer:
      name: Acme Health Plan                 # the cards' source.label
      payors: [Organization/acme-payer]      # Coverage.payor references (or identifier system|value)
    plans:                                   # Coverage.class of type 'plan': its value
      gold: {line_of_business: commercial, product_covers_service: true}
    members:                                 # Coverage.identifier of type MB, else subscriberId
      "88800933501": {pharmacy_approved: {Q2041: true, Q2042: false}}
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import yaml

FACTS = ("line_of_business", "product_covers_service", "medicaid_covers_service", "emedny_criteria_exist")


class PlanLookup(Protocol):
    name: str

    def insures(self, coverage: dict) -> bool:
        """Whether the Coverage names this plan as its payor (else the EHR called the wrong payer)."""

    def facts(self, coverage: dict, product: str | None) -> dict | None:
        """{fact: value} for the member the Coverage names (FACTS and pharmacy_approved for the
        product's HCPCS code; a fact left out is not known), or None when the plan has no such member."""


class PlanConfigError(ValueError):
    """A plan file that cannot be used."""


def member_id(coverage: dict) -> str | None:
    for identifier in coverage.get("identifier") or []:
        codes = [c.get("code") for c in ((identifier.get("type") or {}).get("coding") or [])]
        if "MB" in codes and identifier.get("value"):
            return identifier["value"]
    return coverage.get("subscriberId")


def coverage_class(coverage: dict, kind: str) -> str | None:
    for entry in coverage.get("class") or []:
        if kind in [c.get("code") for c in ((entry.get("type") or {}).get("coding") or [])]:
            return entry.get("value")
    return None


class PlanFile:
    def __init__(self, path):
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise PlanConfigError(f"CAR_T_EHR_PLAN: {Path(path).name}: not readable YAML: {exc}") from None
        payer = data.get("payer") or {}
        if not payer.get("name") or not payer.get("payors"):
            raise PlanConfigError(f"CAR_T_EHR_PLAN: {Path(path).name}: payer.name and payer.payors are required")
        self.name = str(payer["name"])
        self._payors = [str(p) for p in payer["payors"]]
        self._plans = data.get("plans") or {}
        self._members = {str(k): v or {} for k, v in (data.get("members") or {}).items()}

    def insures(self, coverage: dict) -> bool:
        for payor in coverage.get("payor") or []:
            reference = payor.get("reference") or ""
            identifier = payor.get("identifier") or {}
            if any(reference == p or reference.endswith("/" + p) for p in self._payors):
                return True
            if f"{identifier.get('system')}|{identifier.get('value')}" in self._payors:
                return True
        return False

    def facts(self, coverage: dict, product: str | None) -> dict | None:
        member = self._members.get(member_id(coverage) or "")
        if member is None:
            return None
        plan = self._plans.get(coverage_class(coverage, "plan") or "") or {}
        found = {name: plan[name] for name in FACTS if name in plan}
        approvals = member.get("pharmacy_approved") or {}
        if product is not None and product in approvals:
            found["pharmacy_approved"] = approvals[product]
        return found


class NoPlan:
    """No plan configured: every member is taken as found and every plan fact is unknown (the model
    pends on it for the plan)."""
    name = "Health plan"

    def insures(self, coverage: dict) -> bool:
        return True

    def facts(self, coverage: dict, product: str | None) -> dict:
        return {}


def configured(setting) -> PlanLookup:
    """EHR_PLAN_LOOKUP: a PlanLookup object, a plan file's path, or empty (NoPlan)."""
    if not setting:
        return NoPlan()
    if isinstance(setting, (str, Path)):
        return PlanFile(setting)
    return setting
