"""Decision table analysis, as the KIE and Trisotech modelers do it, on plain table data.

Checks: overlapping rules under UNIQUE (and under ANY when outputs differ), gaps (input combinations
no rule covers, reported with an example input), rules that can never fire (empty, masked under
FIRST or PRIORITY, redundant under ANY), and for PRIORITY / OUTPUT ORDER the output value order.
Cells the cell reader cannot analyse are UNKNOWN and are counted so that no finding is unproven:
as "matches nothing" where a finding needs a match, as "matches everything" where it needs none.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence, TypeAlias

from pydmn.analysis.cells import UNKNOWN, literal, parse_cell, split_top
from pydmn.analysis.domains import Atom, cell_atoms, column_atoms, describe_atoms, feel_text
from pydmn.analysis.findings import Finding
from pydmn.analysis.locations import SourceMap
from pydmn.model import elements as el

MAX_GAPS = 10
MAX_OVERLAPS = 50
STEP_BUDGET = 200_000      # region splits per table; a pathological table stops, reported as info

SINGLE_HIT = {"UNIQUE", "ANY", "PRIORITY", "FIRST"}

ColumnInfo: TypeAlias = "tuple[str | None, list | None]"
"""An input column's base type and its finite list of allowed values (None: unknown, not finite)."""


def literal_list(text: str | None) -> list | None:
    """The values of an input/output values list of plain literals, else None."""
    if not text or not text.strip():
        return None
    values = [literal(p) for p in split_top(text.strip())]
    return None if any(v is UNKNOWN for v in values) else values


def _rule_name(rule: el.Rule) -> str:
    return f"rule {rule.index}" + (f" ({rule.id})" if rule.id else "")


def _norm(text: str | None) -> str:
    value = literal(text or "")
    return feel_text(value) if value is not UNKNOWN else re.sub(r"\s+", " ", (text or "").strip())


class TableAnalysis:
    """Analyse one decision table. `column_info(input_clause)` gives (base type, finite values)."""

    def __init__(self, table: el.DecisionTable, element_id: str | None = None,
                 column_info: Callable[[el.InputClause], ColumnInfo] | None = None,
                 name: str | None = None, smap: SourceMap | None = None, file: str | None = None):
        self.table = table
        self.smap = smap or SourceMap(None)
        self.file = file
        self.element_id = element_id or table.id
        self.name = name or table.label or self.element_id or "decision table"
        self.rules = list(table.rules)
        self.steps = 0
        self.incomplete = False
        self.columns: list[list[Atom]] = []          # per input: atoms
        # rule x column: the atoms a cell matches (None: UNKNOWN)
        self.sets: list[list[frozenset[int] | None]] = [[None] * len(table.inputs) for _ in self.rules]
        for c, clause in enumerate(table.inputs):
            base, finite = column_info(clause) if column_info else (None, None)
            if finite is None:
                finite = literal_list(clause.input_values)
            cells = [parse_cell(r.input_entries[c] if c < len(r.input_entries) else "-")
                     for r in self.rules]
            atoms = column_atoms(cells, finite, base)
            self.columns.append(atoms)
            for r, cell in enumerate(cells):
                self.sets[r][c] = cell_atoms(cell, atoms)

    # -- building blocks ----------------------------------------------------------------------
    def _full(self, r: int) -> list[frozenset]:
        """Rule r's region, UNKNOWN cells widened to the whole column."""
        return [s if s is not None else frozenset(range(len(self.columns[c])))
                for c, s in enumerate(self.sets[r])]

    def _exact(self, r: int) -> list[frozenset] | None:
        """Rule r's region when every cell is known, else None."""
        known = [s for s in self.sets[r] if s is not None]
        return known if len(known) == len(self.sets[r]) else None

    def _uncovered(self, region: list[frozenset], covers: list[list[frozenset]],
                   limit: int) -> list[list[frozenset]] | None:
        """Sub-regions of `region` that no region of `covers` touches (at most `limit`), or None
        when the search ran out of its step budget (the caller then reports nothing)."""
        found: list[list[frozenset]] = []
        # per column and atom, the set of covering regions that contain it, as an int bit set
        masks = []
        for c in range(len(region)):
            column: dict[int, int] = {}
            for i, cover in enumerate(covers):
                for atom in cover[c]:
                    column[atom] = column.get(atom, 0) | (1 << i)
            masks.append(column)
        # rules covering all of region[c:] for every remaining column: a live one ends the branch
        everything = (1 << len(covers)) - 1
        suffix_full = [everything] * (len(region) + 1)
        for c in range(len(region) - 1, -1, -1):
            full = 0
            for i, cover in enumerate(covers):
                if region[c] <= cover[c]:
                    full |= 1 << i
            suffix_full[c] = suffix_full[c + 1] & full
        budget = [STEP_BUDGET // 10]

        def walk(col: int, active: int, prefix: list[frozenset]) -> None:
            if len(found) >= limit or budget[0] < 0:
                return
            budget[0] -= 1
            if not active:
                found.append(prefix + region[col:])
                return
            if col == len(region) or active & suffix_full[col]:
                return
            groups: dict[int, list[int]] = {}
            for atom in sorted(region[col]):
                groups.setdefault(masks[col].get(atom, 0) & active, []).append(atom)
            # fewest live rules first: that is where gaps are, so the search ends early
            for key, atoms in sorted(groups.items(), key=lambda kv: (kv[0].bit_count(), kv[1][0])):
                walk(col + 1, key, prefix + [frozenset(atoms)])

        if all(region):
            walk(0, everything, [])
        self.steps += STEP_BUDGET // 10 - budget[0]
        if budget[0] < 0:
            self.incomplete = True
            return None
        return found

    def _example(self, region: list[frozenset]) -> dict:
        """One concrete input per column (FEEL text) inside the region."""
        out = {}
        for c, atoms in enumerate(region):
            atom = self.columns[c][min(atoms)]
            out[self._column(c)] = {"other": "any other value", "null": "null"}.get(
                atom.kind, feel_text(atom.example) if atom.kind in ("point", "between") else "")
        return out

    def _describe(self, region: list[frozenset]) -> str:
        parts = []
        for c, atoms in enumerate(region):
            if len(atoms) == len(self.columns[c]) or all(
                    a in atoms for a, atom in enumerate(self.columns[c]) if atom.kind != "null"):
                continue
            parts.append(f"{self._column(c)}: {describe_atoms(self.columns[c], atoms)}")
        return "; ".join(parts) or "any input"

    def _column(self, c: int) -> str:
        clause = self.table.inputs[c]
        return clause.label or clause.text or f"input {c + 1}"

    def _outputs(self, r: int) -> tuple[str, ...]:
        return tuple(_norm(t) for t in self.rules[r].output_entries)

    def _finding(self, severity: str, code: str, message: str, rules: Sequence[int] = (),
                 example: dict | None = None, cell: tuple[str, int] | None = None,
                 masked_by: Sequence[int] = ()) -> Finding:
        """A finding about `rules` (indices); `cell` = (tag, index) names the cell at fault,
        tag "inputEntry" or "outputEntry"."""
        line, column = self.table.line, None
        if cell is not None:
            tag, c = cell
            column = self._column(c) if tag == "inputEntry" else self._output(c)
        if rules:
            first = self.rules[rules[0]]
            line = first.line if cell is None else self.smap.cell(first, cell[0], cell[1])
        return Finding(severity, code, f"{self.name}: {message}", self.element_id,
                       tuple(self.rules[r].id or "" for r in rules), line, self.file, example,
                       table=self.name, rows=tuple(self.rules[r].index for r in rules),
                       column=column, masked_by=tuple(self.rules[r].id or "" for r in masked_by))

    def _output(self, c: int) -> str:
        o = self.table.outputs[c]
        return o.name or o.label or self.name

    # -- checks -------------------------------------------------------------------------------
    def overlaps(self) -> list[Finding]:
        policy = self.table.hit_policy
        if policy not in ("UNIQUE", "ANY"):
            return []
        findings: list[Finding] = []
        for i in range(len(self.rules)):
            a = self._exact(i)
            for j in range(i + 1, len(self.rules)):
                b = self._exact(j)
                if a is None or b is None or len(findings) >= MAX_OVERLAPS:
                    continue
                common = [x & y for x, y in zip(a, b)]
                if not all(common):
                    continue
                if policy == "ANY" and self._outputs(i) == self._outputs(j):
                    continue
                pair = f"{_rule_name(self.rules[i])} and {_rule_name(self.rules[j])}"
                what = (f"{pair} overlap under hit policy UNIQUE" if policy == "UNIQUE" else
                        f"{pair} overlap with different outputs under hit policy ANY")
                example = self._example(common)
                findings.append(self._finding("error", "overlap", f"{what} where "
                                              f"{self._describe(common)} (e.g. {_show(example)})",
                                              (i, j), example))
        return findings

    def gaps(self) -> list[Finding]:
        if self.table.hit_policy not in SINGLE_HIT:
            return []      # an empty list is a legitimate answer of multiple-hit tables
        if self.table.outputs and all(o.default_output for o in self.table.outputs):
            return []
        # null inputs are outside gap analysis: a table need not handle unknown facts
        whole = [frozenset(i for i, a in enumerate(atoms) if a.kind != "null") for atoms in self.columns]
        covers = [self._full(r) for r in range(len(self.rules))]
        findings = []
        for region in self._uncovered(whole, covers, MAX_GAPS) or []:
            example = self._example(region)
            # a gap only at string values no cell names is a note, not a defect: free text columns
            # without allowed values always have one
            unnamed = any(all(self.columns[c][a].kind == "other" for a in atoms)
                          for c, atoms in enumerate(region))
            findings.append(self._finding("info" if unnamed else "warning", "gap",
                                          f"no rule matches where {self._describe(region)} "
                                          f"(e.g. {_show(example)})", (), example))
        return findings

    def unmatched(self, admits: Callable | None = None) -> tuple[str, dict] | None:
        """(description, example) of inputs no rule matches, null values included (they reach
        a table whatever the analysis of gaps leaves out); None when every input matches a rule
        or the search could not tell. `admits(column, atom)` leaves out values the column's
        type refuses (they never reach the table)."""
        whole = [frozenset(i for i, atom in enumerate(atoms) if admits is None or admits(c, atom))
                 for c, atoms in enumerate(self.columns)]
        found = self._uncovered(whole, [self._full(r) for r in range(len(self.rules))], 1)
        if not found:
            return None
        return self._describe(found[0]), self._example(found[0])

    def dead_rules(self) -> list[Finding]:
        policy = self.table.hit_policy
        findings = []
        priority = self._priorities() if policy == "PRIORITY" else None
        for j in range(len(self.rules)):
            region = self._full(j)
            if not all(region) and self._exact(j) is not None:
                empty = next(c for c, atoms in enumerate(region) if not atoms)
                findings.append(self._finding("warning", "dead-rule", f"{_rule_name(self.rules[j])} "
                                              f"can never match: its cell in column "
                                              f"{self._column(empty)!r} matches no value", (j,),
                                              cell=("inputEntry", empty)))
                continue
            if policy == "FIRST":
                earlier = [i for i in range(j)]
                why = "under hit policy FIRST, earlier rules match every input it matches"
            elif policy == "PRIORITY" and priority is not None and (rank := priority[j]) is not None:
                earlier = [i for i, other in enumerate(priority)
                           if i != j and other is not None and other < rank]
                why = "every input it matches is also matched by rules of higher priority output"
            elif policy == "ANY":
                earlier = [i for i in range(len(self.rules))
                           if i != j and self._outputs(i) == self._outputs(j)
                           and (i < j or not self._same_region(i, j))]
                why = "redundant under hit policy ANY, rules with the same output cover every input it matches"
            else:
                continue
            exact = {i: e for i in earlier if (e := self._exact(i)) is not None}
            if self.steps > STEP_BUDGET:
                self.incomplete = True
                break
            if not exact or self._uncovered(region, list(exact.values()), 1) != []:
                continue
            masking = [i for i, e in exact.items() if all(x & y for x, y in zip(region, e))]
            findings.append(self._finding("warning", "dead-rule", f"{_rule_name(self.rules[j])} "
                                          f"can never fire: {why}: "
                                          + ", ".join(_rule_name(self.rules[i]) for i in masking),
                                          (j,), masked_by=masking))
        return findings

    def _same_region(self, i: int, j: int) -> bool:
        return self._exact(i) is not None and self._exact(i) == self._exact(j)

    def _priorities(self) -> list[tuple[int, ...] | None] | None:
        """Rank of each rule's outputs in the output values order (lexicographic over outputs)."""
        # outputs without an output values list do not take part in the priority (TCK 0118)
        orders = [literal_list(o.output_values) for o in self.table.outputs]
        if not orders or all(o is None for o in orders):
            return None
        ranks: list[tuple[int, ...] | None] = []
        for rule in self.rules:
            rank: list[int] = []
            for c, order in enumerate(orders):
                if order is None:
                    continue
                value = literal(rule.output_entries[c]) if c < len(rule.output_entries) else UNKNOWN
                if value is UNKNOWN or value not in order:
                    ranks.append(None)      # an output outside its order: the rule has no rank
                    break
                rank.append(order.index(value))
            else:
                ranks.append(tuple(rank))
        return ranks

    def output_order(self) -> list[Finding]:
        if self.table.hit_policy not in ("PRIORITY", "OUTPUT ORDER"):
            return []
        findings = []
        ordered = [o for o in self.table.outputs if literal_list(o.output_values) is not None]
        for o in self.table.outputs:
            order = literal_list(o.output_values)
            name = o.name or o.label or o.id or "output"
            if order is None and ordered:
                continue
            if order is None:
                findings.append(Finding("error", "output-order", f"{self.name}: hit policy "
                                        f"{self.table.hit_policy} needs a list of output values on "
                                        f"output {name!r} to order its results", o.id or self.element_id,
                                        (), o.line, self.file, table=self.name, column=name))
                continue
            c = self.table.outputs.index(o)
            for r, rule in enumerate(self.rules):
                value = literal(rule.output_entries[c]) if c < len(rule.output_entries) else UNKNOWN
                if value is not UNKNOWN and value not in order:
                    findings.append(self._finding("error", "output-order", f"output {name!r} value "
                                                  f"{feel_text(value)} is not among its output values "
                                                  "and has no priority", (r,), cell=("outputEntry", c)))
        return findings

    def run(self) -> list[Finding]:
        findings = self.overlaps() + self.gaps() + self.dead_rules() + self.output_order()
        if self.incomplete:
            findings.append(Finding("info", "analysis-incomplete", f"{self.name}: the table is too "
                                    "large to search exhaustively; gaps and masked rules may be "
                                    "missing", self.element_id, (), self.table.line, self.file,
                                    table=self.name))
        return findings


def _show(example: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in example.items()) or "any input"


def analyse_table(table: el.DecisionTable, element_id: str | None = None,
                  column_info: Callable[[el.InputClause], ColumnInfo] | None = None,
                  name: str | None = None, smap: SourceMap | None = None,
                  file: str | None = None) -> list[Finding]:
    return TableAnalysis(table, element_id, column_info, name, smap, file).run()
