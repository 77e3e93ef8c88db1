"""A version's effective date and the model's policy parameter that carries it.

The date lives in the version record (webapp.store.versions: the serving row and the steps that
named it). The model reads it as `Policy Parameters.effective_date`, the cell every applicability
rule and every citation reads; the service writes the record's date into that cell of the model it
loads (never into the stored content, whose sha256 is what was approved), so what the answer cites
is the date the version is in effect from. A model file states a date in that cell for runs outside
the service (its scenarios, `python -m webapp evaluate`) and for the version seeded from it.
"""
from __future__ import annotations

import datetime as dt

from lxml import etree
from pydmn import feel

PARAMETERS = "Policy Parameters"
COLUMN = "effective_date"


def _cell(root):
    """The effective-date output entry of Policy Parameters' single rule, or None."""
    for decision in root.iterfind("{*}decision"):
        if decision.get("name") != PARAMETERS:
            continue
        table = decision.find("{*}decisionTable")
        if table is None:
            return None
        names = [o.get("name") for o in table.iterfind("{*}output")]
        rules = table.findall("{*}rule")
        if COLUMN not in names or len(rules) != 1:
            return None
        entries = rules[0].findall("{*}outputEntry")
        column = names.index(COLUMN)
        return entries[column].find("{*}text") if column < len(entries) else None
    return None


def _root(source: bytes):
    return etree.fromstring(source, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def declared(source: bytes) -> dt.date | None:
    """The date a model's own Policy Parameters cell states, if it states one."""
    try:
        cell = _cell(_root(source))
    except etree.XMLSyntaxError:
        return None
    if cell is None or not cell.text:
        return None
    try:
        value = feel.evaluate(cell.text)
    except Exception:   # a cell that is not a plain date states no date
        return None
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def with_date(source: bytes, date: dt.date | None) -> bytes:
    """The model with its Policy Parameters cell saying `date` (unchanged without a date or a cell)."""
    if date is None:
        return source
    root = _root(source)
    cell = _cell(root)
    if cell is None:
        return source
    cell.text = f'date("{date.isoformat()}")'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
