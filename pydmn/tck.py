"""DMN TCK runner: `python -m pydmn.tck PATH... [--csv FILE]`.

Reads test files per the TCK's testCases.xsd next to their models, evaluates every test case and
compares result nodes. Numbers compare as Decimals, equal or within a relative 1e-10 - the other
TCK runners accept a small tolerance because expected values of irrational results (sqrt, exp,
xsd:double) are written with fewer digits than Decimal128 computes. Counting is per result node.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydmn
from pydmn import DMNError, YearsMonths

TC_NS = "http://www.omg.org/spec/DMN/20160719/testcase"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
TOLERANCE = Decimal("1e-8")


@dataclass
class ResultNode:
    name: str
    expected: Any
    error_result: bool = False
    typed: bool = True


@dataclass
class TestCase:
    id: str
    inputs: dict
    namespaces: dict
    results: list[ResultNode]
    invocable: str | None = None
    kind: str = "decision"
    description: str | None = None


@dataclass
class TestFile:
    path: Path
    model_name: str
    cases: list[TestCase]

    @property
    def folder(self) -> str:
        return f"{self.path.parent.parent.name}/{self.path.parent.name}"

    @property
    def level(self) -> str:
        return self.path.parent.parent.name


@dataclass
class NodeOutcome:
    folder: str
    file: str
    case: str
    node: str
    status: str          # SUCCESS | FAILURE | ERROR
    expected: Any = None
    actual: Any = None
    detail: str = ""
    level: str = ""


# ---- reading test files -----------------------------------------------------------------------

def _tag(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _children(node, name=None):
    return [c for c in node if isinstance(c.tag, str) and (name is None or _tag(c) == name)]


def parse_scalar(text: str, xsi_type: str | None):
    text = text or ""
    kind = (xsi_type or "").split(":")[-1]
    if kind in ("decimal", "double", "float", "integer", "int", "long", "short"):
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            return None
    if kind == "boolean":
        return text.strip() == "true"
    parse = {"date": pydmn.parse_date, "dateTime": pydmn.parse_date_and_time,
             "time": pydmn.parse_time, "duration": pydmn.parse_duration}.get(kind)
    if parse is not None:
        parsed = _xsd_temporal(kind, text.strip())
        # FEEL's own reading for the forms Python cannot hold natively
        return parsed if parsed is not None else parse(text.strip())
    return text


_DURATION = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def _zone(text: str):
    """Split a trailing zone (Z, +hh:mm, +hh:mm:ss, @Region/City) off an xsd time text."""
    if "@" in text:
        body, zone = text.split("@", 1)
        return body, ZoneInfo(zone)
    if text.endswith("Z"):
        return text[:-1], dt.timezone.utc
    m = re.search(r"[+-]\d\d:\d\d(?::\d\d)?$", text)
    if m and (len(text) > 10 or ":" in text[:m.start()]):
        sign = 1 if m.group()[0] == "+" else -1
        hours, minutes, seconds = (int(p) for p in (m.group()[1:].split(":") + ["0"])[:3])
        return text[:m.start()], dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes,
                                                                 seconds=seconds))
    return text, None


def _xsd_temporal(kind: str, text: str):
    """Expected values of the TCK as FEEL's Python kinds (None: leave it to the built-ins)."""
    if kind in ("dateTime", "time") and re.search(r"\.\d{7}", text):
        return None     # beyond the microsecond: the built-ins keep nanoseconds
    try:
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "dateTime":
            body, tz = _zone(text)
            value = dt.datetime.fromisoformat(body)
            return value.replace(tzinfo=tz) if tz is not None else value
        if kind == "time":
            body, tz = _zone(text)
            clock = dt.time.fromisoformat(body)
            return clock.replace(tzinfo=tz) if tz is not None else clock
        if kind == "duration":
            m = _DURATION.fullmatch(text)
            if not m or text in ("P", "-P") or text.endswith("T"):
                return None
            sign = -1 if m.group(1) else 1
            y, mo, d, h, mi = (int(g or 0) for g in m.groups()[1:6])
            sec = Decimal(m.group(7) or 0)
            ym = m.group(2) is not None or m.group(3) is not None
            dtime = any(g is not None for g in m.groups()[3:7])
            if ym and not dtime:
                return YearsMonths(sign * (12 * y + mo))
            if ym:
                return None
            return sign * dt.timedelta(days=d, hours=h, minutes=mi, seconds=float(sec))
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return None


def parse_value(node):
    """A valueType element (value / component* / list) -> FEEL value."""
    if node.get(XSI + "nil") == "true":
        return None
    value = next(iter(_children(node, "value")), None) if _tag(node) != "value" else None
    if _tag(node) == "value" or value is None and not _children(node):
        if node.get(XSI + "nil") == "true":
            return None
        if _children(node):     # a <value> holding nested structure (rare)
            return parse_value_children(node)
        return parse_scalar(node.text, node.get(XSI + "type"))
    return parse_value_children(node)


def parse_value_children(node):
    value = _children(node, "value")
    if value:
        return parse_value(value[0])
    lst = _children(node, "list")
    if lst:
        return [parse_value(item) for item in _children(lst[0], "item")]
    comps = _children(node, "component")
    if comps:
        return {c.get("name"): parse_value(c) for c in comps}
    return None


def read_test_file(path: Path) -> TestFile:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                  remove_comments=True)).getroot()
    model_name = next((c.text for c in _children(root, "modelName")), None) or ""
    cases = []
    for tc in _children(root, "testCase"):
        inputs: dict[str, object] = {}
        namespaces: dict[str, dict[str, object]] = {}     # an imported model's inputs, by namespace
        for inp in _children(tc, "inputNode"):
            value = parse_value_children(inp) if not inp.get(XSI + "nil") else None
            if inp.get("namespace"):
                namespaces.setdefault(inp.get("namespace"), {})[inp.get("name")] = value
            else:
                inputs[inp.get("name")] = value
        results = []
        for rn in _children(tc, "resultNode"):
            expected = next(iter(_children(rn, "expected")), None)
            results.append(ResultNode(rn.get("name"),
                                      parse_value_children(expected) if expected is not None
                                      else None,
                                      rn.get("errorResult") == "true"))
        desc = next((c.text for c in _children(tc, "description")), None)
        cases.append(TestCase(tc.get("id") or "", inputs, namespaces, results,
                              tc.get("invocableName"), tc.get("type") or "decision", desc))
    return TestFile(path, model_name, cases)


def find_test_files(paths) -> list[Path]:
    """The test files named or under the folders named; a path that holds none is an error, so a
    missing checkout fails a run instead of passing it with nothing tested."""
    found = []
    for p in map(Path, paths):
        if p.is_file():
            found.append(p)
            continue
        under = sorted(p.rglob("*-test-*.xml")) if p.is_dir() else []
        if not under:
            raise FileNotFoundError(f"no TCK test file (*-test-*.xml) at {p}")
        found.extend(under)
    return sorted(set(found))


# ---- comparing --------------------------------------------------------------------------------

def same(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, Decimal):
        if not isinstance(actual, Decimal):
            return False
        if expected == actual:
            return True
        try:
            return abs(expected - actual) <= TOLERANCE * max(Decimal(1), abs(expected))
        except InvalidOperation:
            return False
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and set(expected) == set(actual) and all(
            same(v, actual[k]) for k, v in expected.items())
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, (dt.datetime, dt.time)):
        if (expected.tzinfo is None) != (actual.tzinfo is None):
            return False
        return expected.replace(tzinfo=None) == actual.replace(tzinfo=None) and \
            _zone_key(expected) == _zone_key(actual)
    return expected == actual


def _zone_key(value):
    """A named zone compares by name, a fixed offset by the offset (Z and +00:00 agree)."""
    tz = value.tzinfo
    if tz is None:
        return None
    if isinstance(tz, ZoneInfo):
        return tz.key
    try:
        return tz.utcoffset(None if isinstance(value, dt.time) else value)
    except Exception:
        return str(tz)


def show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


# ---- running ----------------------------------------------------------------------------------

_model_cache: dict = {}


def load_model(test: TestFile):
    """The test file's model with every other .dmn of its folder available as an import."""
    key = (str(test.path.parent), test.model_name)
    if key not in _model_cache:
        folder = test.path.parent
        others = [p for p in sorted(folder.glob("*.dmn")) if p.name != test.model_name]
        try:
            _model_cache[key] = pydmn.load(folder / test.model_name, imports=others,
                                           lenient=True)
        except DMNError as exc:
            _model_cache[key] = exc
    return _model_cache[key]


def run_case(test: TestFile, case: TestCase) -> list[NodeOutcome]:
    base = dict(folder=test.folder, file=test.path.stem, case=case.id, level=test.level)
    model = load_model(test)
    if isinstance(model, Exception):
        return [NodeOutcome(node=r.name, status="ERROR", expected=r.expected,
                            detail=f"model not loaded: {model}", **base) for r in case.results]
    outcomes = []
    if case.kind in ("decisionService", "bkm") and case.invocable:
        value, messages = model.invoke_with_messages(case.invocable, case.inputs)
        service = model.definitions.decision_services.get(case.invocable)
        several = service is not None and len(service.output_decisions) > 1
        actual_of = (lambda name: value.get(name) if several and isinstance(value, dict)
                     else value)
    else:
        names = [r.name for r in case.results]
        decisions = [n for n in names if n in model.definitions.decisions]
        result = model.evaluate(case.inputs, decision=decisions or None,
                                namespaces=case.namespaces)
        messages = result.messages

        def actual_of(name):
            return result.decisions[name].value if name in result.decisions else _Missing(name)
    for node in case.results:
        actual = actual_of(node.name)
        if isinstance(actual, _Missing):
            outcomes.append(NodeOutcome(node=node.name, status="ERROR", expected=node.expected,
                                        detail="no such decision", **base))
            continue
        internal = [m.text for m in messages if m.kind == "internal"]
        ok = same(node.expected, actual) and not internal
        detail = "" if ok else "; ".join(internal or [m.text for m in messages[:3]])
        outcomes.append(NodeOutcome(node=node.name, status="SUCCESS" if ok else "FAILURE",
                                    expected=node.expected, actual=actual, detail=detail, **base))
    return outcomes


class _Missing:
    def __init__(self, name):
        self.name = name


def run_paths(paths) -> list[NodeOutcome]:
    outcomes = []
    for path in find_test_files(paths):
        try:
            test = read_test_file(path)
        except Exception as exc:     # an unreadable test file counts as one ERROR
            outcomes.append(NodeOutcome(folder=f"{path.parent.parent.name}/{path.parent.name}",
                                        file=path.stem, case="*", node="*", status="ERROR",
                                        detail=f"test file not read: {exc}",
                                        level=path.parent.parent.name))
            continue
        for case in test.cases:
            outcomes.extend(run_case(test, case))
    return outcomes


def summary(outcomes: list[NodeOutcome]) -> list[str]:
    lines = []
    for level in sorted({o.level for o in outcomes}):
        mine = [o for o in outcomes if o.level == level]
        passed = sum(o.status == "SUCCESS" for o in mine)
        non_null = [o for o in mine if o.expected is not None]
        nn_passed = sum(o.status == "SUCCESS" for o in non_null)
        lines.append(f"{level}: {passed} passed, {len(mine) - passed} failed "
                     f"(non-null expected: {nn_passed}/{len(non_null)})")
    return lines


def write_csv(outcomes: list[NodeOutcome], target) -> None:
    cases: dict = {}
    for o in outcomes:
        key = (o.folder, o.file, o.case)
        prev = cases.get(key)
        rank = {"SUCCESS": 0, "FAILURE": 1, "ERROR": 2}
        if prev is None or rank[o.status] > rank[prev[0]]:
            cases[key] = (o.status, o.detail if o.status != "SUCCESS" else "")
    writer = csv.writer(target, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for (folder, file, case), (status, detail) in cases.items():
        writer.writerow([folder, file, case, status, detail])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pydmn.tck", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--csv", help="write TCK result lines to this file")
    parser.add_argument("--quiet", action="store_true", help="only the summary lines")
    args = parser.parse_args(argv)
    try:
        outcomes = run_paths(args.paths)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    out = sys.stdout
    if not args.quiet:
        for o in outcomes:
            if o.status != "SUCCESS":
                out.write(f"{o.status} {o.folder} {o.file} {o.case} {o.node}: expected "
                          f"{show(o.expected)}, got {show(o.actual)}"
                          f"{' - ' + o.detail if o.detail else ''}\n")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as fh:
            write_csv(outcomes, fh)
    for line in summary(outcomes):
        out.write(line + "\n")
    return 0 if all(o.status == "SUCCESS" for o in outcomes if o.level != "non-compliant") else 1


if __name__ == "__main__":
    sys.exit(main())
