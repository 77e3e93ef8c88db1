"""Cases for re-determination, planned and read in partitions: a file of requests (JSON lines, CSV
or Parquet) or the audit store's records of a model.

`plan` runs where the job starts: it splits the source into partitions of about `size` cases
without holding them (it streams over the file's line ends, reads Parquet's metadata, or streams
the audit keys) and counts them. `read` runs on a worker: it yields one partition's cases, one at a
time, so neither side's memory grows with the number of cases.

Formats, all in the model's data dictionary (the body a caller sends to the service):
- JSON lines: one request per line, either the inputs object itself or `{"id": ..., "inputs": {...}}`.
- CSV: a header of dotted field paths (`Request.request_date`, `Documentation.karnofsky`), one
  request per line (no line breaks inside values), an optional `id` column; an empty cell is null,
  and each cell is read as its field's type says (true/false, a number, text).
- Parquet (a file or a directory of files): a column per input data (structs), or dotted columns
  as in CSV, or an `inputs` struct column; an optional `id` column.
A case's id is its `id` when given, else `<file>:<line>` (the line number from 1, the header
counted) or `<file>:<row>` (Parquet, from 0). A line that is not JSON, or not an object, is a
case with that error, reported like a request the schema refuses.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator

from marshmallow import fields

from webapp.store.audit import AuditStore
from webapp.serving.redetermine import Case, Impact, case_from_record
from webapp.serving.jsonvalues import BodyError, parse_body
from webapp.serving.inputs import ExactNumber, StrictBoolean

AUDIT = "audit"
# The endpoints whose records hold a determination (webapp/api/car_t.py, and the EHR channel's hooks, webapp/ehr).
DETERMINATION_ENDPOINTS = ("car_t.determination", "car_t.batch", "car_t.crd.order-sign", "car_t.crd.order-select")
_BLOCK = 1 << 24


@dataclass(frozen=True)
class Partition:
    """One worker task's share: `kind` and what locates it (a byte range and its first line, row
    groups, or a key range of the audit store), and how many cases it holds."""
    kind: str
    where: str
    count: int
    start: object = None
    end: object = None
    first: int = 0
    extra: object = None


def plan(source: str, size: int, model_id: str | None = None, database_url: str | None = None,
         since: dt.datetime | None = None) -> tuple[list[Partition], int]:
    """The partitions of `source` ("audit" or a file path) and the number of cases."""
    if source == AUDIT:
        return _plan_audit(database_url, model_id, since, size)
    path = Path(source)
    kind = _kind(path)
    if kind == "parquet":
        return _plan_parquet(path, size)
    return _plan_lines(path, kind, size)


def read(partition: Partition, schema) -> Iterator[Case | Impact]:
    """The partition's cases; an unreadable one comes as an Impact carrying its error."""
    return _READERS[partition.kind](partition, schema)


def _kind(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() in (".parquet", ".pq"):
        return "parquet"
    if path.suffix.lower() == ".csv":
        return "csv"
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise ValueError(f"{path.name}: give a .jsonl, .csv or .parquet file (or a directory of .parquet)")


# -- files of lines: JSON lines and CSV ------------------------------------------------------------
def _plan_lines(path: Path, kind: str, size: int) -> tuple[list[Partition], int]:
    """Byte ranges of `size` lines each (a blank line is counted, and skipped when read)."""
    partitions, offset, line_end, line, in_part = [], 0, 0, 1, 0
    with path.open("rb") as f:
        if kind == "csv":
            offset = line_end = len(f.readline())
            line = 2
        start, first = offset, line
        while block := f.read(_BLOCK):
            position = block.find(b"\n")
            while position >= 0:
                line, in_part, line_end = line + 1, in_part + 1, offset + position + 1
                if in_part == size:
                    partitions.append(Partition(kind, str(path), in_part, start, line_end, first))
                    start, first, in_part = line_end, line, 0
                position = block.find(b"\n", position + 1)
            offset += len(block)
    if offset > line_end:         # a last line without its line end
        in_part += 1
    if in_part:
        partitions.append(Partition(kind, str(path), in_part, start, offset, first))
    return partitions, sum(p.count for p in partitions)


def _lines(partition: Partition) -> Iterator[tuple[int, bytes]]:
    with open(partition.where, "rb") as f:
        f.seek(partition.start)
        number = partition.first
        for raw in io.BufferedReader(_Window(f, partition.end - partition.start)):
            yield number, raw
            number += 1


class _Window(io.RawIOBase):
    """The bytes of an open file up to a limit, as a stream."""

    def __init__(self, f, limit: int):
        self.f, self.left = f, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        data = self.f.read(min(len(buffer), self.left))
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)


def _read_jsonl(partition: Partition, schema) -> Iterator[Case | Impact]:
    name = Path(partition.where).name
    for number, raw in _lines(partition):
        if not raw.strip():
            continue
        case_id = f"{name}:{number}"
        try:
            body = parse_body(raw)
        except BodyError as exc:
            yield Impact(case_id, None, None, {"json": [exc.message]})
            continue
        if isinstance(body, dict) and set(body) <= {"id", "inputs"} and isinstance(body.get("inputs"), dict):
            yield Case(str(body["id"]) if body.get("id") is not None else case_id, body["inputs"])
        else:
            yield Case(case_id, body)


def _read_csv(partition: Partition, schema) -> Iterator[Case | Impact]:
    name = Path(partition.where).name
    with open(partition.where, newline="", encoding="utf-8") as f:
        header = next(csv.reader([f.readline()]))
    cells = _cell_readers(schema, header)
    for number, raw in _lines(partition):
        text = raw.decode("utf-8")
        if not text.strip():
            continue
        row = next(csv.reader([text]))
        case_id = f"{name}:{number}"
        if len(row) != len(header):
            yield Impact(case_id, None, None, {"csv": [f"{len(row)} cells, the header has {len(header)}"]})
            continue
        values = dict(zip(header, row))
        given = values.pop("id", "")
        yield Case(given or case_id, _nest({k: cells[k](v) for k, v in values.items()}))


def _cell_readers(schema, header: list[str]) -> dict:
    """How each column's text becomes a JSON value: by its field's type in the model's schema."""
    found = {}
    for column in header:
        field = _field_at(schema, column.split("."))
        if isinstance(field, StrictBoolean):
            found[column] = _boolean_cell
        elif isinstance(field, ExactNumber):
            found[column] = _number_cell
        elif isinstance(field, fields.List):
            found[column] = _json_cell
        else:
            found[column] = lambda text: text or None
    return found


def _field_at(schema, path: list[str]):
    fields_ = schema.fields
    field = None
    for key in path:
        field = fields_.get(key) if fields_ is not None else None
        fields_ = field.schema.fields if isinstance(field, fields.Nested) else None
    return field


def _boolean_cell(text: str):
    lowered = text.strip().lower()
    return {"true": True, "false": False, "": None}.get(lowered, text)   # anything else: the schema says no


def _json_cell(text: str):
    """A list in a CSV cell is JSON (`[{"type": "allogeneic_hct", "date": "2026-04-01"}]`)."""
    if not text.strip():
        return None
    try:
        return parse_body(text.encode())
    except BodyError:
        return text          # the schema refuses it, naming the field


def _number_cell(text: str):
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return text


def _nest(flat: dict) -> dict:
    out: dict = {}
    for dotted, value in flat.items():
        target = out
        *parents, last = dotted.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = value
    return out


# -- Parquet -----------------------------------------------------------------------------------------
def _parquet_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def _plan_parquet(path: Path, size: int) -> tuple[list[Partition], int]:
    """Row groups, gathered until a partition holds at least `size` rows (a row group is the
    smallest unit Parquet reads, so a file written in large row groups gives large partitions)."""
    import pyarrow.parquet as pq
    partitions = []
    for file in _parquet_files(path):
        meta = pq.ParquetFile(file).metadata
        groups, rows, first = [], 0, 0
        for index in range(meta.num_row_groups):
            groups.append(index)
            rows += meta.row_group(index).num_rows
            if rows >= size:
                partitions.append(Partition("parquet", str(file), rows, first=first, extra=tuple(groups)))
                first, groups, rows = first + rows, [], 0
        if groups:
            partitions.append(Partition("parquet", str(file), rows, first=first, extra=tuple(groups)))
    return partitions, sum(p.count for p in partitions)


def _read_parquet(partition: Partition, schema) -> Iterator[Case | Impact]:
    import pyarrow.parquet as pq
    name = Path(partition.where).name
    reader = pq.ParquetFile(partition.where)
    number = partition.first
    for group in partition.extra:
        for row in reader.read_row_group(group).to_pylist():
            case_id = f"{name}:{number}"
            number += 1
            given = row.pop("id", None)
            inputs = row["inputs"] if set(row) == {"inputs"} else _nest(row)
            yield Case(str(given) if given is not None else case_id, _json_values(inputs))


def _json_values(value):
    """Parquet's values as the JSON a caller would send: numbers exact, dates as ISO text."""
    if isinstance(value, dict):
        return {k: _json_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_values(v) for v in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


# -- the audit store -----------------------------------------------------------------------------------
def _plan_audit(url: str, model_id: str, since, size: int) -> tuple[list[Partition], int]:
    store = AuditStore(url)
    try:
        starts, count = store.partition_keys(model_id, since, DETERMINATION_ENDPOINTS, size)
    finally:
        store.close()
    ends = starts[1:] + [None]
    partitions = [Partition(AUDIT, url, min(size, count - i * size), start, end, extra=(model_id, since))
                  for i, (start, end) in enumerate(zip(starts, ends))]
    return partitions, count


def _read_audit(partition: Partition, schema) -> Iterator[Case | Impact]:
    model_id, since = partition.extra
    store = AuditStore(partition.where)
    try:
        for record in store.records_between(model_id, since, DETERMINATION_ENDPOINTS,
                                            partition.start, partition.end):
            yield case_from_record(record)
    finally:
        store.close()


_READERS = {"jsonl": _read_jsonl, "csv": _read_csv, "parquet": _read_parquet, AUDIT: _read_audit}
