"""Item definitions resolved into `DataType`s, and the spec's conformance and coercion rules.

DMN 1.5 §10.3.2.9.4: a value that does not conform to its declared type becomes null (with a
type-mismatch message) except for the two implicit conversions the spec allows - a singleton list
to its element and an element to a singleton list. Inputs given as strings for temporal types are
parsed, because JSON and the TCK carry dates as text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from pydmn.errors import Message, ModelError
from pydmn.feel.scope import Scope
from pydmn.feel.values import FeelFunction, Range, YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime
from pydmn.model.elements import ItemDefinition

# Every spelling of the built-in types across DMN 1.1 - 1.6, mapped to its FEEL name.
BUILTIN_TYPES = {
    "number": "number", "string": "string", "boolean": "boolean", "date": "date",
    "time": "time", "date and time": "date and time", "dateTime": "date and time",
    "days and time duration": "days and time duration",
    "dayTimeDuration": "days and time duration",
    "years and months duration": "years and months duration",
    "yearMonthDuration": "years and months duration",
    "duration": "duration", "Any": "Any", "context": "context", "list": "list",
    "function": "function", "range": "range", "Null": "Any",
}


@dataclass(slots=True, eq=False)
class DataType:
    """A resolved type. `element` is the item type of a collection."""
    base: str = "Any"
    name: str | None = None
    is_collection: bool = False
    fields: dict[str, "DataType"] = field(default_factory=dict)
    allowed_values: list | None = None
    allowed_values_text: str | None = None
    element: "DataType | None" = None
    constraint: Callable | None = None     # compiled unary tests of the allowed values
    constraints: list = field(default_factory=list)   # inherited from referenced types
    # The one Python type whose values conform without further checks (False: none), worked
    # out on first use, once loading has finished shaping the type.
    plain: Any = None

    def __repr__(self) -> str:
        return f"DataType({self.name or self.base}{'[]' if self.is_collection else ''})"


ANY = DataType("Any")


def kind(value) -> str:
    """FEEL kind name of a value, enough for conformance checks."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (dt.datetime, WideDateTime)):
        return "date and time"
    if isinstance(value, (dt.date, WideDate)):
        return "date"
    if isinstance(value, (dt.time, FineTime)):
        return "time"
    if isinstance(value, dt.timedelta):
        return "days and time duration"
    if isinstance(value, YearsMonths):
        return "years and months duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    if isinstance(value, Range):
        return "range"
    if isinstance(value, FeelFunction):
        return "function"
    return "Any"


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

    def __init__(self, item_definitions: dict[str, ItemDefinition], compile_tests: Callable,
                 file: str | None = None):
        self.items = item_definitions
        self.compile_tests = compile_tests
        self.file = file
        self.cache: dict[str, DataType] = {}
        self.resolving: set[str] = set()
        self.imports: dict[str, "TypeSystem"] = {}     # import prefix -> that model's types

    def resolve(self, type_ref: str | None) -> DataType:
        if not type_ref:
            return ANY
        found = self.cache.get(type_ref)
        if found is not None:
            return found
        if type_ref in self.items:
            if type_ref in self.resolving:
                raise ModelError(f"item definition {type_ref!r} refers to itself",
                                 file=self.file, element_id=self.items[type_ref].id)
            self.resolving.add(type_ref)
            try:
                result = self.from_item(self.items[type_ref])
            finally:
                self.resolving.discard(type_ref)
        elif type_ref in BUILTIN_TYPES:
            result = DataType(BUILTIN_TYPES[type_ref], name=type_ref)
        elif "." in type_ref and type_ref.split(".", 1)[0] in self.imports:
            prefix, rest = type_ref.split(".", 1)
            result = self.imports[prefix].resolve(rest)
        else:
            result = self.feel_type(type_ref)
        self.cache[type_ref] = result
        return result

    def is_instance(self, value, type_ref: str) -> bool:
        """`value instance of type_ref` for an item definition (False when none has that name)."""
        try:
            dtype = self.resolve(type_ref)
        except ModelError:
            return False
        if value is None:
            return False
        return _coerce(value, dtype, Scope(), False) == (True, value)

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
            single = DataType("function", name=item.name)
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


def temporal_from_text(base: str, text: str):
    """Parse a date/time/duration string with the FEEL built-ins (lazy: FEEL loads after us)."""
    try:
        from pydmn.feel.builtins import BUILTINS
    except ImportError:
        return None
    fn = {"date": "date", "time": "time", "date and time": "date and time",
          "days and time duration": "duration", "years and months duration": "duration",
          "duration": "duration"}[base]
    try:
        return BUILTINS[fn].invoke([text], None, None)
    except Exception:       # a malformed string is a non-conforming value, not a crash
        return None


def base_conforms(value, base: str) -> bool:
    k = kind(value)
    if base == "Any" or k == "Null":
        return True
    if base == k:
        return True
    if base == "duration":
        return k in ("days and time duration", "years and months duration")
    return False


def coerce(value, dtype: DataType, scope, element_id: str | None = None,
           convert_text: bool = False) -> Any:
    """Return the value conforming to `dtype`, or None with a type-mismatch message."""
    if value is None or dtype is ANY or type(value) is dtype.plain:
        return value
    ok, result = _coerce(value, dtype, scope, convert_text)
    if ok:
        return result
    if scope is not None:
        scope.messages.append(Message(
            "error", "type-mismatch",
            f"value of kind {kind(value)} does not conform to type "
            f"{dtype.name or dtype.base}", element_id))
    return None


_PLAIN = {"number": Decimal, "string": str, "boolean": bool, "date": dt.date,
          "date and time": dt.datetime, "time": dt.time, "days and time duration": dt.timedelta,
          "years and months duration": YearsMonths}


def _plain_type(dtype: DataType):
    if dtype.is_collection or dtype.fields or dtype.constraint or dtype.constraints:
        return False
    return _PLAIN.get(dtype.base, False)


def _allowed(value, dtype: DataType, scope) -> bool:
    for test in [*dtype.constraints, dtype.constraint]:
        if test is not None and value is not None and test(scope, value) is not True:
            return False
    return True


def _coerce(value, dtype: DataType, scope, convert_text: bool):
    if value is None:
        return True, None
    plain = dtype.plain
    if plain is None:
        plain = dtype.plain = _plain_type(dtype)
    if type(value) is plain:
        return True, value
    if dtype.is_collection:
        if not isinstance(value, list):
            # An element where a collection is expected becomes a singleton list.
            ok, item = _coerce(value, dtype.element or ANY, scope, convert_text)
            out = [item] if ok else None
        else:
            out = []
            for item in value:
                ok, conv = _coerce(item, dtype.element or ANY, scope, convert_text)
                if not ok:
                    return False, None
                out.append(conv)
        if out is None or not _allowed(out, dtype, scope):
            return False, None
        return True, out
    if isinstance(value, list) and dtype.base not in ("Any", "list"):
        # A singleton list where an element is expected becomes its element (once: [[10]]
        # does not conform to number).
        if len(value) == 1 and not isinstance(value[0], list):
            return _coerce(value[0], dtype, scope, convert_text)
        return False, None
    if convert_text and isinstance(value, str) and dtype.base in (
            "date", "time", "date and time", "days and time duration",
            "years and months duration", "duration"):
        parsed = temporal_from_text(dtype.base, value)
        if parsed is None:
            return False, None
        value = parsed
    if not base_conforms(value, dtype.base):
        return False, None
    if dtype.fields:
        if not isinstance(value, dict):
            return False, None
        out = dict(value)
        for name, ftype in dtype.fields.items():
            if name in value:
                ok, conv = _coerce(value[name], ftype, scope, convert_text)
                if not ok:
                    return False, None
                out[name] = conv
            elif convert_text:
                out[name] = None        # an input structure may omit optional components
            else:
                return False, None
        value = out
    if not _allowed(value, dtype, scope):
        return False, None
    return True, value
