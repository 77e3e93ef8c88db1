"""Broken copies of the CAR-T model, made by mutating whatever the model holds today.

Nothing here knows the model's rows or field names: each helper finds its target (an input
expression that reads `Input.field`, a name in a literal expression, an enumerated item
definition used by a table column) and returns the mutated XML with what it changed.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from pydmn.analysis import engine_names
from pydmn import decision_tables as tables_of
from pydmn.feel import ast
from pydmn.feel.parser import parse_expression
from pydmn.model import elements as el
from pydmn.model.reader import parse_definitions

MODEL = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"


def model_bytes() -> bytes:
    return MODEL.read_bytes()


def definitions():
    return parse_definitions(model_bytes())


def tree():
    return etree.fromstring(model_bytes())


def by_id(root, ident):
    return root.xpath("//*[@id=$id]", id=ident)[0]


def text_child(node):
    return next(c for c in node if etree.QName(c).localname == "text")


def dump(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def typo(name: str) -> str:
    """A one-letter typo: the second-to-last letter dropped (`mdt_recommends` -> `mdt_recommeds`)."""
    return name[:-2] + name[-1]


def input_paths(defs=None):
    """(table name, input clause, input data name, field) of input expressions that read a field
    of an input data element (`Assessment.mdt_recommends`)."""
    defs = defs or definitions()
    found = []
    for name, _, table in tables_of(defs):
        for clause in table.inputs:
            for data in defs.input_data:
                m = re.search(rf"(?<![\w.]){re.escape(data)}\.(\w+)", clause.text)
                if m:
                    found.append((name, clause, data, m.group(1)))
    return found


def _names(node):
    """Name nodes of a FEEL AST, in source order."""
    out = []

    def walk(n):
        if isinstance(n, ast.Name):
            out.append(n)
        for slot in getattr(type(n), "__slots__", ()):
            value = getattr(n, slot)
            for v in (value if isinstance(value, tuple) else (value,)):
                if isinstance(v, tuple):
                    for w in v:
                        if isinstance(w, ast.Node):
                            walk(w)
                elif isinstance(v, ast.Node):
                    walk(v)
    walk(node)
    return sorted(out, key=lambda n: n.pos)


def literal_expression_names(defs=None):
    """(literal expression, Name node) for names in the model's literal expressions that the
    model defines (requirements, context entries), not FEEL's built-in functions."""
    defs = defs or definitions()
    names = engine_names(defs, {})
    own = set(defs.decisions) | set(defs.input_data)

    def walk(e, entries):
        if isinstance(e, el.LiteralExpression) and e.id:
            for n in _names(parse_expression(e.text, names)):
                if n.name in own or n.name in entries:
                    yield e, n
        elif isinstance(e, el.Context):
            seen = set(entries)
            for entry in e.entries:
                yield from walk(entry.value, seen)
                if entry.variable is not None:
                    seen.add(entry.variable.name)
    for d in defs.decisions.values():
        yield from walk(d.expression, set())


def misspell_at(root, element_id: str, position: int, name: str):
    """Replace `name` at `position` in an element's text with its typo; the new text."""
    node = text_child(by_id(root, element_id))
    text = node.text
    assert text[position:position + len(name)] == name
    node.text = text[:position] + typo(name) + text[position + len(name):]
    return node


def enumerated_cells(defs=None):
    """(item definition, table, rule, input index, cell value) for table input cells holding one
    string literal of an item definition's enumerated allowed values."""
    defs = defs or definitions()
    items = {name: i for name, i in defs.item_definitions.items()
             if i.allowed_values and not i.is_collection and '"' in i.allowed_values}
    out = []
    for _, owner, table in tables_of(defs):
        for c, clause in enumerate(table.inputs):
            ref = clause.type_ref if clause.type_ref in items else _read_type(defs, clause.text)
            if ref in items:
                for rule in table.rules:
                    m = re.fullmatch(r'\s*"(\w+)"\s*', rule.input_entries[c])
                    if m:
                        out.append((items[ref], table, rule, c, m.group(1)))
    return out


def _read_type(defs, text: str):
    """The item definition a plain path (`Request.line_of_business`) reads, through the data dictionary."""
    head, *fields = [part.strip() for part in text.split(".")]
    ref = getattr(defs.input_data.get(head), "type_ref", None)
    for field in fields:
        item = defs.item_definitions.get(ref or "")
        ref = next((c.type_ref for c in (item.components if item else ()) if c.name == field), None)
    return ref


def as_dmn15(data: bytes) -> bytes:
    """The model in the DMN 1.5 namespaces (typeConstraint exists from 1.5 on)."""
    return (data.replace(b"https://www.omg.org/spec/DMN/20191111/MODEL/",
                         b"https://www.omg.org/spec/DMN/20230324/MODEL/")
            .replace(b"https://www.omg.org/spec/DMN/20191111/DMNDI/",
                     b"https://www.omg.org/spec/DMN/20230324/DMNDI/")
            .replace(b"https://www.omg.org/spec/DMN/20191111/FEEL/",
                     b"https://www.omg.org/spec/DMN/20230324/FEEL/"))
