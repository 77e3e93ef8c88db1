"""`rerun` on Dask: every case of a file (JSON lines, CSV, Parquet) or of the audit store determined
again, written per case to Parquet files readable by their owner only, and summarised; the same
answers as the in-process re-determination, partition by partition."""
import csv
import hashlib
import datetime as dt
import json
import shutil
import stat
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from support.apps import CAR_T, CAR_T_CONTRACT
from support.budget_models import looping_on, request_with
from webapp.bulk import cases
from webapp.store.audit import AuditStore
from webapp.cli import main
from webapp.serving.determination import audit_outputs, shape
from webapp.serving.redetermine import Case, ModelVersion, redetermine, transitions
from webapp.bulk.rerun import rerun
from webapp.store.errors import Invalid, NotFound
from webapp.bulk.synthetic import Synthesizer

CAR_T_ID = "car-t-candidate-selection"


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(scope="module")
def car_t(car_t_source):
    return ModelVersion(CAR_T_ID, car_t_source, contract=CAR_T_CONTRACT)


@pytest.fixture(scope="module")
def requests(car_t, base_request):
    return list(Synthesizer(car_t.schema, base=base_request).requests(seed=4, start=0, stop=120))


def _flatten(data, prefix=""):
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _rows(out: Path) -> dict:
    """The per-case output, by case id; and every file of it is the owner's alone."""
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    parts = sorted((out / "cases").glob("part-*.parquet"))
    for path in [*parts, out / "summary.json", out / "summary.txt"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    rows = [r for p in parts for r in pq.read_table(p).to_pylist()]
    by_id = {r["case_id"]: r for r in rows}
    assert len(by_id) == len(rows)
    return by_id


def _expected(version, baseline, named_cases) -> dict:
    return {i.case_id: i for i in redetermine(named_cases, version, baseline)}


def _assert_same(rows: dict, expected: dict):
    assert set(rows) == set(expected)
    for case_id, impact in expected.items():
        row = rows[case_id]
        for side, outcome in (("old", impact.old), ("new", impact.new)):
            assert row[f"{side}_determination"] == (outcome.determination if outcome else None), case_id
            assert row[f"{side}_disposition"] == (outcome.disposition if outcome else None), case_id
            assert tuple(row[f"{side}_findings"] or ()) == (outcome.findings if outcome else ()), case_id
        assert (row["errors"] is not None) == (impact.errors is not None)


def test_json_lines_on_two_workers(tmp_path, scheduler, car_t, requests, car_t_source):
    source = tmp_path / "requests.jsonl"
    lines = [json.dumps(r) for r in requests[:50]] + ["not json", '{"Request": 3}', ""] + \
            [json.dumps({"id": f"ext-{i}", "inputs": r}) for i, r in enumerate(requests[50:])]
    source.write_text("\n".join(lines))           # the last line without its line end
    out = tmp_path / "out"
    summary = rerun(CAR_T_ID, car_t_source, str(source), out, baseline=car_t_source,
                    scheduler=scheduler, size=17, progress=False, terms=CAR_T_CONTRACT)
    named = [Case(f"requests.jsonl:{n + 1}", r) for n, r in enumerate(requests[:50])] + \
            [Case(f"ext-{i}", r) for i, r in enumerate(requests[50:])]
    expected = _expected(car_t, car_t, named)
    rows = _rows(out)
    assert list(json.loads(rows["requests.jsonl:51"]["errors"])) == ["json"]
    assert json.loads(rows["requests.jsonl:52"]["errors"])["Request"]
    del rows["requests.jsonl:51"], rows["requests.jsonl:52"]
    _assert_same(rows, expected)
    assert summary["cases"] == 122 and summary["invalid"] == 2 and summary["workers"] == 2
    assert summary["partitions"] == 8
    counts = transitions(expected.values()) + Counter({("none", "invalid"): 2})
    assert {(t["old"], t["new"]): t["cases"] for t in summary["transitions"]} == dict(counts)
    assert (out / "summary.txt").read_text().splitlines() == summary["lines"]


def test_a_new_version_changes_what_it_changes(tmp_path, scheduler, car_t, requests, car_t_source):
    """A version whose effective date is a month later: the requests dated in between are no
    longer under the policy, and only they move."""
    text = car_t_source.decode()
    stricter = text.replace('date("2026-04-15")', 'date("2026-05-15")', 1)
    assert stricter != text, "the effective date is no longer written as it was: update this test"
    source = tmp_path / "requests.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in requests) + "\n")
    summary = rerun(CAR_T_ID, stricter.encode(), str(source), tmp_path / "out", baseline=car_t_source,
                    scheduler=scheduler, size=40, progress=False, terms=CAR_T_CONTRACT)
    new = ModelVersion(CAR_T_ID, stricter.encode(), contract=CAR_T_CONTRACT)
    expected = _expected(new, car_t, [Case(f"requests.jsonl:{n + 1}", r) for n, r in enumerate(requests)])
    _assert_same(_rows(tmp_path / "out"), expected)
    moved = {(t["old"], t["new"]): t["cases"] for t in summary["transitions"] if t["old"] != t["new"]}
    assert moved and all(new_ == "policy_not_applicable" for _, new_ in moved), moved
    assert summary["changed"] >= sum(moved.values())


def test_csv_and_parquet(tmp_path, scheduler, car_t, requests, car_t_source):
    flat = [_flatten(r) for r in requests[:30]]
    header = ["id", *flat[0]]
    with (tmp_path / "requests.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i, row in enumerate(flat):
            writer.writerow([f"c{i}", *("" if v is None else str(v).lower() if isinstance(v, bool)
                                        else json.dumps(v) if isinstance(v, list) else v     # a list cell is JSON
                                        for v in row.values())])
        writer.writerow(["bad", *(["maybe"] * (len(header) - 1))])
    pq.write_table(pa.Table.from_pylist([{"id": f"p{i}", **r} for i, r in enumerate(requests[30:])]),
                   tmp_path / "requests.parquet", row_group_size=25)
    for name, ids in (("requests.csv", [f"c{i}" for i in range(30)]),
                      ("requests.parquet", [f"p{i}" for i in range(90)])):
        out = tmp_path / f"out-{name}"
        chunk = requests[:30] if name.endswith("csv") else requests[30:]
        summary = rerun(CAR_T_ID, car_t_source, str(tmp_path / name), out, baseline=car_t_source,
                        scheduler=scheduler, size=10, progress=False, terms=CAR_T_CONTRACT)
        rows = _rows(out)
        if name.endswith("csv"):
            assert json.loads(rows.pop("bad")["errors"])["Request"]
            assert summary["invalid"] == 1
        _assert_same(rows, _expected(car_t, car_t, [Case(i, r) for i, r in zip(ids, chunk)]))


def test_from_the_audit_store(tmp_path, scheduler, database, car_t, requests, car_t_source):
    """Records of the model's determinations since an instant, each beside what it was answered."""
    store = AuditStore(database.url)
    records = []
    for i, request in enumerate(requests[:40]):
        inputs = {**car_t.schema.load(request), **CAR_T_CONTRACT.service_inputs()}
        body = shape(car_t.model, car_t.model.evaluate(inputs), "Determination")
        outputs = audit_outputs(body)
        if i % 3 == 0:        # what a previous version answered differently
            outputs = dict(outputs, determination="documentation_incomplete")
        records.append({"id": f"e{i:03d}", "model_id": CAR_T_ID, "model_version": "v", "caller": "c",
                        "endpoint": "car_t.batch" if i % 2 else "car_t.determination",
                        "inputs": request, "outputs": outputs, "matched_rules": {}})
    store.record(records[:10])
    since = dt.datetime.now(dt.timezone.utc)
    store.record(records[10:])
    store.record([dict(records[0], id="other-model", model_id="other"),
                  dict(records[0], id="other-endpoint", endpoint="models.evaluate")])
    store.close()
    out = tmp_path / "out"
    summary = rerun(CAR_T_ID, car_t_source, cases.AUDIT, out, since=since, database_url=database.url,
                    scheduler=scheduler, size=7, progress=False, terms=CAR_T_CONTRACT)
    rows = _rows(out)
    assert set(rows) == {r["id"] for r in records[10:]}
    recorded = [Case(r["id"], r["inputs"], cases.case_from_record(
        {"id": r["id"], "inputs": r["inputs"], "outputs": r["outputs"]}).old) for r in records[10:]]
    expected = _expected(car_t, None, recorded)
    _assert_same(rows, expected)
    changed = sum(i.old != i.new for i in expected.values())
    assert summary["cases"] == 30 and summary["changed"] == changed and 0 < changed < 30


def test_plan_covers_every_line_once(tmp_path):
    source = tmp_path / "r.jsonl"
    source.write_bytes(b"".join(b'{"n": %d}\n' % i for i in range(103)) + b'{"n": 103}')
    partitions, total = cases.plan(str(source), 10)
    assert total == 104 and [p.count for p in partitions] == [10] * 10 + [4]
    assert [p.first for p in partitions] == list(range(1, 105, 10))
    assert partitions[0].start == 0 and partitions[-1].end == source.stat().st_size
    assert all(a.end == b.start for a, b in zip(partitions, partitions[1:]))
    seen = [c.inputs["n"] for p in partitions for c in cases.read(p, None)]
    assert seen == list(range(104))


def test_the_command(tmp_path, car_t, requests, car_t_source, monkeypatch):
    """`python -m webapp rerun` on a local cluster of its own, against the version serving now."""
    models = tmp_path / "decisions"
    models.mkdir()
    (models / f"{CAR_T_ID}.dmn").write_bytes(car_t_source)
    shutil.copy(CAR_T.with_name(f"{CAR_T_ID}.contract.yaml"), models)
    monkeypatch.setenv("CAR_T_MODELS_DIR", str(models))
    monkeypatch.setenv("CAR_T_VAR_DIR", str(tmp_path / "var"))
    source = tmp_path / "r.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in requests[:20]) + "\n")
    result = CliRunner().invoke(main, ["rerun", "--model", CAR_T_ID, "--version", car_t.sha256,
                                       "--from", str(source), "--workers", "2", "--partition-size", "8"])
    assert result.exit_code == 0, result.output
    assert "20 cases (0 refused by the version's schema, 0 changed)" in result.output
    [out] = (tmp_path / "var" / "rerun").iterdir()
    assert len(_rows(out)) == 20
    unknown = CliRunner().invoke(main, ["rerun", "--model", CAR_T_ID, "--version", "0" * 64, "--from", str(source)])
    assert unknown.exit_code == 2 and "no version 000000000000" in unknown.output


def test_a_case_past_the_evaluation_budget_is_written_with_the_budget(tmp_path, car_t_source, monkeypatch):
    """`rerun` evaluates each case under the service's evaluation budget (CAR_T_EVALUATION_STEPS):
    the case the version loops on is written with the budget in its errors, and the job goes on."""
    models = tmp_path / "decisions"
    models.mkdir()
    (models / f"{CAR_T_ID}.dmn").write_bytes(car_t_source)
    shutil.copy(CAR_T.with_name(f"{CAR_T_ID}.contract.yaml"), models)
    version = tmp_path / "looping.dmn"
    version.write_text(looping_on(car_t_source.decode(), 7))
    monkeypatch.setenv("CAR_T_MODELS_DIR", str(models))
    monkeypatch.setenv("CAR_T_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CAR_T_EVALUATION_STEPS", "20000")
    source = tmp_path / "r.jsonl"
    source.write_text("\n".join(json.dumps(request_with(n)) for n in (1, 7, 2)) + "\n")
    result = CliRunner().invoke(main, ["rerun", "--model", CAR_T_ID, "--version", str(version), "--from", str(source),
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    [out] = (tmp_path / "var" / "rerun").iterdir()
    rows = _rows(out)
    assert json.loads(rows["r.jsonl:2"]["errors"]) == {"evaluation": [
        "evaluation budget exceeded: more than 20,000 steps, its evaluation budget (CAR_T_EVALUATION_STEPS)"]}
    assert rows["r.jsonl:2"]["new_determination"] is None
    assert [rows[f"r.jsonl:{n}"]["errors"] for n in (1, 3)] == [None, None]
    assert rows["r.jsonl:1"]["new_determination"] == rows["r.jsonl:1"]["old_determination"] is not None


def test_versions_are_found_in_the_database_then_in_the_models_directory(tmp_path, car_t_source):
    from sqlalchemy import create_engine
    from webapp.store import migrate
    from webapp.bulk.rerun import version_source
    from webapp.store.versions import VersionStore
    url = f"sqlite:///{tmp_path / 'var' / 'audit.sqlite3'}"
    models = tmp_path / "decisions"
    models.mkdir()
    (models / f"{CAR_T_ID}.dmn").write_bytes(b"<the file>")
    config = {"DATABASE_URL": url, "MODELS_DIR": str(models), "VAR_DIR": str(tmp_path / "var")}
    assert version_source(CAR_T_ID, None, config) == b"<the file>"         # no database yet
    migrate.upgrade(url)
    engine = create_engine(url)
    store = VersionStore(engine)
    store.seed({CAR_T_ID: car_t_source}, "first start")
    draft = car_t_source.replace(b"2026-04-15", b"2026-05-15")
    store.create(CAR_T_ID, draft, "author", "later effective date", "upload")
    engine.dispose()
    assert version_source(CAR_T_ID, None, config) == car_t_source           # serving: version 1
    assert version_source(CAR_T_ID, "2", config) == draft
    assert version_source(CAR_T_ID, hashlib.sha256(draft).hexdigest(), config) == draft
    assert version_source(CAR_T_ID, hashlib.sha256(b"<the file>").hexdigest(), config) == b"<the file>"
    with pytest.raises(NotFound, match="no version 3"):
        version_source(CAR_T_ID, "3", config)
    with pytest.raises(Invalid, match="give a DMN file"):
        version_source(CAR_T_ID, "latest", config)


def test_the_local_cluster_runs_without_the_workers_profiler():
    """Dask's statistical profiler keeps a call tree of every stack it samples: with the engine's
    many distinct stacks a worker's memory grew with the number of cases (282 MB at 100,000,
    420 MB at 1,000,000)."""
    import dask
    from webapp.bulk.rerun import _cluster
    client, cluster = _cluster(None, 1)
    try:
        enabled = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        assert list(enabled.values()) == [False]
    finally:
        client.close()
        cluster.close()
    assert dask.config.get("distributed.worker.profile.enabled") is True     # this process's unchanged


def test_the_local_cluster_takes_only_clients_holding_its_credentials():
    """Issue 20 §4: the scheduler `rerun` started listened on 127.0.0.1 without authentication, and a
    local process ran code through it (as the user running rerun, with its access to the audit trail)."""
    from distributed import Client
    from distributed.security import Security
    from webapp.bulk.rerun import _cluster
    client, cluster = _cluster(None, 1)
    try:
        assert client.submit(sum, [1, 2]).result() == 3                      # the run's own client
        addresses = [cluster.scheduler_address, *client.scheduler_info()["workers"]]
        for address in addresses:
            with pytest.raises(OSError):                                      # plain TCP
                Client(address.replace("tls://", "tcp://"), timeout=60)
            with pytest.raises(OSError, match="certificate"):                 # TLS with other credentials
                Client(address.replace("tcp://", "tls://"), security=Security.temporary(), timeout=60)
        assert all(a.startswith("tls://127.0.0.1:") for a in addresses), addresses
        nodes = [client.scheduler_info()["services"], *(w["services"] for w in client.scheduler_info()["workers"].values())]
        for port in (node["dashboard"] for node in nodes):           # their HTTP, outside TLS, serves nothing
            for path in ("/info/main/workers.html", "/health", "/metrics"):
                with pytest.raises(urllib.error.HTTPError, match="404"):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60)
    finally:
        client.close()
        cluster.close()
