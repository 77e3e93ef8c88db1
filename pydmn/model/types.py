"""Item definitions resolved into `DataType`s, and the spec's conformance and coercion rules.

DMN 1.5 10.3.2.9.4: a value bound to a variable of a declared type (an input, a decision's or
BKM's result, a parameter, a context entry) is converted where the spec allows - a singleton list
to its item, an item to a singleton list, a date to the date and time of its midnight UTC - and
otherwise must conform to the type, or it becomes null with a "type-mismatch" error. A value that
conforms but lies outside the type's allowed values or constraint becomes null with a
"not-allowed" error. Inputs given as strings for temporal types are parsed, because JSON and the
TCK carry dates as text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Literal

from pydmn.errors import ModelError
from pydmn.feel import widedates
from pydmn.feel.budget import FREE_ITEMS, charge
from pydmn.feel.builtins.temporal_parse import (
    parse_date, parse_date_and_time, parse_duration, parse_time,
)
from pydmn.feel.scope import Scope
from pydmn.feel.typecheck import TYPE_NAMES
from pydmn.feel.values import FeelValue, YearsMonths, kind_of
from pydmn.model.elements import ItemDefinition
from pydmn.model.typerefs import TypeRefs

# Compiled unary tests of allowed values or a type constraint (pydmn.feel.UnaryTests).
Constraint = Callable[[Scope, FeelValue], "bool | None"]

# A typeRef of Null constrains nothing a value could be.
BUILTIN_TYPES = {**TYPE_NAMES, "Null": "Any", "feel.Null": "Any"}


@dataclass(slots=True, eq=False)
class DataType:
    """A resolved type. `element` is the item type of a collection."""
    base: str = "Any"
    name: str | None = None
    is_collection: bool = False
    fields: dict[str, "DataType"] = field(default_factory=dict)
    allowed_values: list[FeelValue] | None = None
    allowed_values_text: str | None = None
    element: "DataType | None" = None
    constraint: Constraint | None = None         # compiled unary tests of the allowed values
    constraints: list[Constraint] = field(default_factory=list)   # inherited from referenced types
    result: "DataType | None" = None       # a function type's output type (functionItem)
    # The one Python type whose values conform without further checks (False: none), worked
    # out on first use, once loading has finished shaping the type.
    plain: type | Literal[False] | None = None

    def __repr__(self) -> str:
        return f"DataType({self.name or self.base}{'[]' if self.is_collection else ''})"

    def allows(self, value: FeelValue) -> bool:
        """Whether a FEEL value of this type's base kind meets its allowed values and type
        constraints (null always does: a constraint never turns unknown into a violation)."""
        return _allowed(value, self)


ANY = DataType("Any")


def literal_list(text: str | None) -> list | None:
    """The allowed values as a Python list when they are a plain list of string/number literals."""
    if not text or not text.strip():
        return None
    parts = re.findall(r'\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*(?:,|$)', text)
    rebuilt = ",".join(parts)
    if re.sub(r"\s", "", rebuilt) != re.sub(r"\s", "", text):
        return None
    return [p[1:-1].replace('\\"', '"') if p.startswith('"') else Decimal(p) for p in parts]


class TypeSystem:
    """Resolves typeRefs of one model (and its imports, under `prefix.Name`)."""

    def __init__(self, item_definitions: dict[str, ItemDefinition],
                 compile_tests: Callable[[str, str | None], Constraint],
                 file: str | None = None):
        self.items = item_definitions
        self.compile_tests = compile_tests
        self.file = file
        self.refs = TypeRefs(item_definitions, self.from_item, self._not_item, file)
        self.imports: dict[str, "TypeSystem"] = {}     # import prefix -> that model's types

    def resolve(self, type_ref: str | None) -> DataType:
        return self.refs(type_ref) if type_ref else ANY

    def _not_item(self, type_ref: str) -> DataType:
        if type_ref in BUILTIN_TYPES:
            return DataType(BUILTIN_TYPES[type_ref], name=type_ref)
        if "." in type_ref and type_ref.split(".", 1)[0] in self.imports:
            prefix, rest = type_ref.split(".", 1)
            return self.imports[prefix].resolve(rest)
        return self.feel_type(type_ref)

    def is_instance(self, value: FeelValue, type_ref: str) -> bool:
        """`value instance of type_ref` for an item definition (False when none has that name):
        the kind and structure of the value, not the type's constraints (DMN 1.5 10.3.2.9)."""
        try:
            dtype = self.resolve(type_ref)
        except ModelError:
            return False
        return value is not None and conforms(value, dtype)

    def feel_type(self, text: str) -> DataType:
        """FEEL type syntax in a typeRef: list<T>, context<...>, function<...>, range<T>."""
        m = re.fullmatch(r"\s*list\s*<(.*)>\s*", text)
        if m:
            inner = self.resolve(m.group(1).strip())
            return DataType("list", name=text, is_collection=True, element=inner)
        m = re.fullmatch(r"\s*(context|function|range)\s*<.*", text, re.S)
        if m:
            return DataType(m.group(1), name=text)
        raise ModelError(f"unknown type reference {text!r}", file=self.file)

    def from_item(self, item: ItemDefinition) -> DataType:
        if item.function_item is not None:
            output = item.function_item.output_type_ref
            single = DataType("function", name=item.name,
                              result=self.resolve(output) if output else None)
        elif item.components:
            single = DataType("context", name=item.name)
            for comp in item.components:
                single.fields[comp.name] = self.from_item(comp)
        elif item.type_ref:
            ref = self.resolve(item.type_ref)
            single = DataType(ref.base, name=item.name, is_collection=ref.is_collection,
                              fields=ref.fields, element=ref.element,
                              allowed_values=ref.allowed_values,
                              allowed_values_text=ref.allowed_values_text,
                              constraints=[*ref.constraints,
                                           *([ref.constraint] if ref.constraint else [])])
        else:
            single = DataType("Any", name=item.name)
        # DMN 1.5 7.3.2: allowedValues (deprecated) applies to each item of a collection;
        # typeConstraint to the value as declared, so to a collection as a whole.
        type_constraint = (self.compile_tests(item.type_constraint, item.id)
                           if item.type_constraint else None)
        if item.allowed_values:
            single.allowed_values_text = item.allowed_values
            single.allowed_values = literal_list(item.allowed_values)
            single.constraint = self.compile_tests(item.allowed_values, item.id)
        if item.is_collection:
            single.name = f"{item.name} item"
            return DataType("list", name=item.name, is_collection=True, element=single,
                            allowed_values=single.allowed_values,
                            allowed_values_text=single.allowed_values_text,
                            constraints=[type_constraint] if type_constraint else [])
        if type_constraint:
            single.constraints = [*single.constraints, type_constraint]
        return single


_TEXT_FORMS = {"date": parse_date, "time": parse_time, "date and time": parse_date_and_time,
               "days and time duration": parse_duration,
               "years and months duration": parse_duration, "duration": parse_duration}


def base_conforms(value: FeelValue, base: str) -> bool:
    if base == "Any" or value is None:
        return True
    k = kind_of(value)
    if base == "duration":
        return k in ("days and time duration", "years and months duration")
    return base == k


def conforms(value: FeelValue, dtype: DataType) -> bool:
    """Whether the value is of the type as it stands: kind and structure, no conversion, no
    constraint (what `instance of` asks)."""
    if value is None or dtype is ANY:
        return True
    if dtype.is_collection:
        element = dtype.element or ANY
        return isinstance(value, list) and all(conforms(v, element) for v in value)
    if not base_conforms(value, dtype.base):
        return False
    if dtype.fields:
        return isinstance(value, dict) and all(
            name in value and conforms(value[name], ftype) for name, ftype in dtype.fields.items())
    return True


class _Refused(Exception):
    """A value that does not conform (kind "type-mismatch") or is not allowed ("not-allowed")."""

    def __init__(self, kind: str):
        self.kind = kind


def coerce(value: FeelValue, dtype: DataType, scope: Scope | None, element_id: str | None = None,
           convert_text: bool = False) -> FeelValue:
    """The value as bound to a variable of `dtype`, or None with an error on the scope."""
    if value is None or dtype is ANY or type(value) is dtype.plain:
        return value
    try:
        return _coerce(value, dtype, convert_text)
    except _Refused as refused:
        if scope is not None:
            what = ("does not conform to type" if refused.kind == "type-mismatch"
                    else "is not among the allowed values of type")
            scope.report(refused.kind, f"a value of kind {kind_of(value)} {what} "
                                       f"{dtype.name or dtype.base}", element_id)
        return None


_PLAIN = {"number": Decimal, "string": str, "boolean": bool, "date": dt.date,
          "date and time": dt.datetime, "time": dt.time, "days and time duration": dt.timedelta,
          "years and months duration": YearsMonths}


def _plain_type(dtype: DataType) -> type | Literal[False]:
    if dtype.is_collection or dtype.fields or dtype.constraint or dtype.constraints:
        return False
    return _PLAIN.get(dtype.base, False)


def _allowed(value: FeelValue, dtype: DataType) -> bool:
    """Whether the value meets the type's allowed values and constraints. They are tested in a
    scope of their own: only their verdict counts, not their messages."""
    if value is None or (dtype.constraint is None and not dtype.constraints):
        return True
    scope = Scope()
    return all(test(scope, value) is True
               for test in (*dtype.constraints, dtype.constraint) if test is not None)


_UTC_MIDNIGHT = dt.time(tzinfo=dt.timezone.utc)


def _coerce(value: FeelValue, dtype: DataType, convert_text: bool) -> FeelValue:
    if value is None:
        return None
    plain = dtype.plain
    if plain is None:
        plain = dtype.plain = _plain_type(dtype)
    if type(value) is plain:
        return value
    if dtype.is_collection:
        element = dtype.element or ANY
        if isinstance(value, list):
            if len(value) > FREE_ITEMS or element.is_collection:     # nested: shared sublists
                charge(len(value))
            out = [_coerce(item, element, convert_text) for item in value]
        else:       # to singleton list
            out = [_coerce(value, element, convert_text)]
        if not _allowed(out, dtype):
            raise _Refused("not-allowed")
        return out
    if isinstance(value, list) and dtype.base not in ("Any", "list"):
        # from singleton list (once: [[10]] does not conform to number)
        if len(value) == 1 and not isinstance(value[0], list):
            return _coerce(value[0], dtype, convert_text)
        raise _Refused("type-mismatch")
    if convert_text and isinstance(value, str) and dtype.base in _TEXT_FORMS:
        value = _TEXT_FORMS[dtype.base](value)
        if value is None:
            raise _Refused("type-mismatch")
    if dtype.base == "date and time" and kind_of(value) == "date":
        # from date to date and time: its midnight UTC
        value = widedates.make_datetime(value, _UTC_MIDNIGHT)
    if not base_conforms(value, dtype.base):
        raise _Refused("type-mismatch")
    if dtype.fields:
        if not isinstance(value, dict):
            raise _Refused("type-mismatch")
        fields = dict(value)
        for name, ftype in dtype.fields.items():
            if name in value:
                fields[name] = _coerce(value[name], ftype, convert_text)
            elif convert_text:
                fields[name] = None        # an input structure may omit optional components
            else:
                raise _Refused("type-mismatch")
        value = fields
    if not _allowed(value, dtype):
        raise _Refused("not-allowed")
    return value
