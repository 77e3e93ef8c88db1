"""The names FEEL text of a model may use, so the parser can read names with spaces and other
special characters (`Monthly Salary`, `Applicant's age`) as one name. The engine compiles with
these names and validation parses with the same ones, so both read FEEL alike."""
from __future__ import annotations

from typing import Iterable, Mapping

from pydmn.model import elements as el
from pydmn.model.walk import expressions


def feel_names(defs: el.Definitions,
               imported: Mapping[str, Iterable[str]] | None = None) -> frozenset[str]:
    """Every name the model defines: item definitions and their components, DRG elements,
    import names, context entries, function parameters, relation columns, iteration variables
    and decision table outputs. `imported` maps an import name to the names of the model it
    names; those are known as `import name.name` too.

    Dotted parameter names (`Person.Gender`) are left out: model-wide they would shadow paths,
    so the compiler adds them only inside their function."""
    names: set[str | None] = {i.name for i in defs.imports}    # None discarded below
    items = list(defs.item_definitions.values())
    while items:
        item = items.pop()
        names.add(item.name)
        items.extend(item.components)
    for group in (defs.input_data, defs.decisions, defs.bkms, defs.decision_services):
        names.update(group)
    for _, e in expressions(defs):
        if isinstance(e, el.Context):
            names.update(entry.variable.name for entry in e.entries if entry.variable is not None)
        elif isinstance(e, el.FunctionDefinition):
            names.update(p.name for p in e.parameters if p.name and "." not in p.name)
        elif isinstance(e, el.Relation):
            names.update(c.name for c in e.columns)
        elif isinstance(e, el.Iteration):
            names.add(e.iterator_variable)
        elif isinstance(e, el.DecisionTable):
            names.update(o.name for o in e.outputs if o.name)
    for prefix, theirs in (imported or {}).items():
        theirs = list(theirs)
        names.update(theirs)
        names.update(f"{prefix}.{n}" for n in theirs)
    names.discard("")
    return frozenset(n for n in names if n is not None)
