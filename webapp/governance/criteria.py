"""The service's own check of a model, beside pydmn's: every rule of a criteria table (a decision
table whose rows are findings, webapp.serving.determination) says which section of the policy it
applies and what it tells the reviewer. A rule added in a modeler starts with empty cells; served
as it is, its finding would be cited without a section, or say nothing."""
from __future__ import annotations

import pydmn
from pydmn import DMNError
from pydmn.analysis import Finding
from webapp.serving.determination import CITED, CRITERIA_COLUMNS

CODE = "criteria-uncited"
EMPTY = ("", "null", '""', "''")


def findings(source) -> list[Finding]:
    """One error per rule of a criteria table whose section or text cell is empty; none for a model
    that does not read (pydmn's validation reports that)."""
    try:
        definitions = pydmn.read(source)
    except DMNError:
        return []
    out = []
    for name, decision in definitions.decisions.items():
        table = decision.expression
        outputs = [clause.name for clause in getattr(table, "outputs", None) or ()]
        if getattr(table, "rules", None) is None or not CRITERIA_COLUMNS <= set(outputs):
            continue
        for rule in table.rules:
            missing = [column for column in CITED
                       if " ".join(rule.output_entries[outputs.index(column)].split()) in EMPTY]
            if missing:
                out.append(Finding(
                    "error", CODE, f"a rule of the criteria table {name!r} has no {' and no '.join(missing)}: "
                    "every finding cites the section of the policy it applies and says why, in words",
                    element_id=table.id, rule_ids=(rule.id or "",), table=name, rows=(rule.index,),
                    column=missing[0]))
    return out
