"""What a new version of a model does to its callers: the change of the request contract (the
request schema, webapp.serving.inputs, under the contract file, webapp.serving.contract) from the
version that serves to a draft, field by field, and the contract version that change needs (semver).

A field added is a minor change (absent means unknown: it is optional in the request), as is a
field made optional or a range or list of values widened; a field removed, one narrowed (fewer
allowed values, a smaller range, another type) or one made required breaks a caller written against
the serving contract: a major change. A draft declares its contract version in the model, an
extension attribute of its `<definitions>`:

    <definitions ... xmlns:contract="https://healthplan.example/dmn/contract" contract:version="3.0.0">

A draft that declares none keeps the serving version's; one whose declared version is below what
its change needs cannot be submitted or published (webapp.governance.drafts).
"""
from __future__ import annotations

from marshmallow import fields, validate

from webapp.serving.contract import Contract
from webapp.serving.inputs import inputs_schema

CONTRACT_NS = "https://healthplan.example/dmn/contract"
VERSION_ATTRIBUTE = f"{{{CONTRACT_NS}}}version"
BREAKING = ("removed", "narrowed", "required")


def declared_version(model, contract: Contract) -> str:
    """The contract version a model declares, else its contract file's."""
    return model.definitions.extension_attributes.get(VERSION_ATTRIBUTE) or contract.version


def _semver(text: str) -> tuple[int, int, int]:
    parts = (text.split("-")[0].split("+")[0].split(".") + ["0", "0"])[:3]
    return tuple(int(p) if p.isdigit() else 0 for p in parts)


def needed(serving: str, changes: list[dict]) -> str:
    """The lowest contract version the changes need after `serving`."""
    major, minor, patch = _semver(serving)
    if any(c["kind"] in BREAKING for c in changes):
        return f"{major + 1}.0.0"
    if changes:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch}"


def _kind(field: fields.Field) -> str:
    return type(field.inner if isinstance(field, fields.List) else field).__name__ + (
        "[]" if isinstance(field, fields.List) else "") + (f":{field.base}" if hasattr(field, "base") else "")


def _choices(field: fields.Field):
    for v in field.validators:
        if isinstance(v, validate.OneOf):
            return set(v.choices)
    return None


def _bounds(field: fields.Field):
    for v in field.validators:
        if isinstance(v, validate.Range):
            return v.min, v.max
    return None


def _compare(old: dict, new: dict, path: str, out: list[dict]) -> None:
    for name in old.keys() - new.keys():
        out.append({"kind": "removed", "field": f"{path}{name}", "detail": "no longer in the request"})
    for name in new.keys() - old.keys():
        if new[name].required:
            out.append({"kind": "required", "field": f"{path}{name}", "detail": "new and required"})
        else:
            out.append({"kind": "added", "field": f"{path}{name}", "detail": "new, optional (absent is not known)"})
    for name in sorted(old.keys() & new.keys()):
        a, b, where = old[name], new[name], f"{path}{name}"
        if isinstance(a, fields.Nested) and isinstance(b, fields.Nested):
            _compare(a.schema.fields, b.schema.fields, f"{where}.", out)
            continue
        if _kind(a) != _kind(b):
            out.append({"kind": "narrowed", "field": where, "detail": f"type {_kind(a)} became {_kind(b)}"})
            continue
        if b.required and not a.required:
            out.append({"kind": "required", "field": where, "detail": "made required"})
        elif a.required and not b.required:
            out.append({"kind": "widened", "field": where, "detail": "made optional"})
        was, now = _choices(a), _choices(b)
        if was != now:
            lost = sorted(map(str, (was or set()) - (now or set()))) if now is not None else []
            out.append({"kind": "narrowed" if (was is None and now is not None) or lost else "widened",
                        "field": where, "detail": f"allowed values {sorted(map(str, was or []))} became "
                                                  f"{sorted(map(str, now or []))}"})
        if _bounds(a) != _bounds(b):
            out.append({"kind": _range_change(_bounds(a), _bounds(b)), "field": where,
                        "detail": f"range {_bounds(a)} became {_bounds(b)}"})


def _range_change(old, new) -> str:
    """narrowed when the new range leaves out a number the old one allowed."""
    if new is None:
        return "widened"
    old = old or (None, None)
    low = new[0] is not None and (old[0] is None or new[0] > old[0])
    high = new[1] is not None and (old[1] is None or new[1] < old[1])
    return "narrowed" if low or high else "widened"


def change(serving_model, draft_model, contract: Contract) -> dict:
    """{"serving", "declared", "needed", "changes", "errors"}: the request contract's change from the
    serving version to the draft; `errors` says why the draft's declared version does not do."""
    old = inputs_schema(serving_model, True, "Serving", contract).fields
    new = inputs_schema(draft_model, True, "Draft", contract).fields
    changes: list[dict] = []
    _compare(old, new, "", changes)
    serving, declared = declared_version(serving_model, contract), declared_version(draft_model, contract)
    need = needed(serving, changes)
    errors = []
    if _semver(declared) < _semver(need):
        broken = [c for c in changes if c["kind"] in BREAKING]
        what = ("breaks callers of contract " + serving + " (" + "; ".join(f"{c['field']}: {c['kind']}" for c in broken)
                + f"): declare a new contract major, contract:version=\"{need}\" on the model's definitions"
                if broken else f"changes contract {serving} compatibly: declare contract:version=\"{need}\" "
                               "on the model's definitions")
        errors.append(f"the draft's request contract {what}")
    return {"serving": serving, "declared": declared, "needed": need, "changes": changes, "errors": errors}
