"""A table column's value domain cut into finitely many "atoms" on which every cell is exact.

Finite domains (booleans, enumerated allowed values) are their values. Ordered columns (numbers,
dates) are cut at every bound any cell of the column mentions: points p1 < ... < pn and the open
segments between them. Every cell of that column is then a union of whole atoms, so overlap, gap
and subsumption questions become set questions on atoms, and are exact.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from pydmn.analysis.cells import UNKNOWN, Cell, contains, values_of
from pydmn.feel.values import FeelValue


@dataclass(frozen=True, slots=True)
class Atom:
    kind: str              # "point" | "between" | "other" | "null"
    low: FeelValue = None     # between: exclusive bounds, None = unbounded
    high: FeelValue = None

    @property
    def example(self):
        """A value inside the atom (a representative for reports)."""
        if self.kind == "point":
            return self.low
        if self.kind in ("other", "null"):
            return None
        low, high = self.low, self.high
        sample = low if low is not None else high
        if isinstance(sample, dt.date):
            if low is None:
                return high - dt.timedelta(days=1)
            if high is None:
                return low + dt.timedelta(days=1)
            return low + (high - low) // 2
        if low is None and high is None:
            return Decimal(0)
        if low is None:
            return high - 1
        if high is None:
            return low + 1
        return (low + high) / 2

    def describe(self) -> str:
        if self.kind == "point":
            return feel_text(self.low)
        if self.kind == "other":
            return "any other value"
        if self.kind == "null":
            return "null"
        if self.low is None and self.high is None:
            return "any value"
        if self.low is None:
            return f"< {feel_text(self.high)}"
        if self.high is None:
            return f"> {feel_text(self.low)}"
        return f"({feel_text(self.low)}..{feel_text(self.high)})"


def feel_text(value) -> str:
    """FEEL literal text of a value: what a reviewer reads in reports (never a Python repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dt.datetime):
        return f'date and time("{value.isoformat()}")'
    if isinstance(value, dt.date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, dt.time):
        return f'time("{value.isoformat()}")'
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(feel_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {feel_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[^\W\d]\w*", name) else feel_text(name)


def _kind_key(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def _ordered_atoms(points: list) -> list[Atom]:
    points = sorted(set(points))
    atoms: list[Atom] = []
    previous = None
    for p in points:
        if not (isinstance(p, dt.date) and previous is not None and (p - previous).days <= 1):
            atoms.append(Atom("between", previous, p))    # dates are discrete: (d, d+1) is empty
        atoms.append(Atom("point", p, p))
        previous = p
    atoms.append(Atom("between", previous, None))
    return atoms


NULL = Atom("null")


def column_atoms(cells: list, finite: list | None = None, base: str | None = None) -> list[Atom]:
    """The atoms of one column, null last. `finite` is the closed list of allowed values."""
    return _value_atoms(cells, finite, base) + [NULL]


def _value_atoms(cells: list, finite: list | None, base: str | None) -> list[Atom]:
    if base == "boolean" and finite is None:
        finite = [True, False]
    if finite is not None:
        return [Atom("point", v, v) for v in dict.fromkeys(finite)]
    by_kind: dict[str, list] = {}
    for cell in cells:
        for value in values_of(cell):
            by_kind.setdefault(_kind_key(value), []).append(value)
    if base in ("number", "date") and not by_kind:
        return [Atom("between", None, None)]
    atoms: list[Atom] = []
    for kind, values in by_kind.items():
        if kind in ("number", "date"):
            atoms.extend(_ordered_atoms(values))
        else:
            atoms.extend(Atom("point", v, v) for v in dict.fromkeys(values))
    if base == "boolean" or set(by_kind) == {"boolean"}:
        present = {a.low for a in atoms}
        atoms.extend(Atom("point", v, v) for v in (True, False) if v not in present)
    elif not any(k in ("number", "date") for k in by_kind):
        atoms.append(Atom("other"))       # strings not named in any cell
    return atoms


def _atom_in(test, atom: Atom) -> bool:
    if atom.kind in ("other", "null"):
        return False
    return contains(test, atom.example)


def cell_atoms(cell, atoms: list[Atom]) -> frozenset[int] | None:
    """Indices of the atoms the cell matches, or None when the cell is UNKNOWN."""
    if cell is UNKNOWN:
        return None
    assert isinstance(cell, Cell)
    if cell.any:
        return frozenset(range(len(atoms)))
    values = [i for i, a in enumerate(atoms) if a.kind != "null"]
    nulls = [i for i, a in enumerate(atoms) if a.kind == "null"]
    hit = {i for i in values if any(_atom_in(t, atoms[i]) for t in cell.tests)}
    if cell.negated:
        hit = set(values) - hit
        # FEEL: not("a") holds for null (null = "a" is false), not(< 5) does not (null < 5 is null)
        if not cell.has_null and all(t.is_point for t in cell.tests):
            hit.update(nulls)
    elif cell.has_null:
        hit.update(nulls)
    return frozenset(hit)


def describe_atoms(atoms: list[Atom], chosen) -> str:
    """Readable FEEL-like text of a set of atoms, joining neighbouring ordered atoms into ranges."""
    runs: list[list[int]] = []
    for i in sorted(chosen):
        ordered = atoms[i].kind == "between" or (atoms[i].kind == "point" and isinstance(
            atoms[i].low, (Decimal, dt.date)) and not isinstance(atoms[i].low, bool))
        if runs and ordered and runs[-1][-1] == i - 1 and runs[-1][0] >= 0:
            runs[-1].append(i)
        else:
            runs.append([i] if ordered else [-1, i])
    parts = []
    for run in runs:
        if run[0] == -1 or len(run) == 1:
            parts.append(atoms[run[-1]].describe())
            continue
        first, last = atoms[run[0]], atoms[run[-1]]
        if first.kind == "point":
            low, low_open = first.low, False
        else:
            low, low_open = first.low, True
        if last.kind == "point":
            high, high_open = last.low, False
        else:
            high, high_open = last.high, True
        if low is None and high is None:
            parts.append("any value")
        elif low is None:
            parts.append(f"{'<' if high_open else '<='} {feel_text(high)}")
        elif high is None:
            parts.append(f"{'>' if low_open else '>='} {feel_text(low)}")
        else:
            parts.append(f"{'(' if low_open else '['}{feel_text(low)}..{feel_text(high)}"
                         f"{')' if high_open else ']'}")
    return ", ".join(parts)
