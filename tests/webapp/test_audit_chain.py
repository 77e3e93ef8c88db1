"""The audit trail's hash chains (issue 20 §5): every determination's record and every lifecycle step
carries its place in a chain, and `python -m webapp audit verify` names each row that was changed,
replaced, inserted or deleted, in the middle or at the tail, on SQLite and PostgreSQL; INSERT OR
REPLACE is refused; concurrent appends keep one chain; /readyz shows the last verification."""
import datetime as dt
import sqlite3
from types import SimpleNamespace

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from support.apps import make_app
from support.people import as_
from support.threads import in_threads
from webapp.store import chain, chain_heads, migrate
from webapp.store.audit import AuditStore
from webapp.cli import main
from webapp.api.errors import status_of
from webapp.store.errors import Unavailable

EVAL = "/api/v1/models/simpletable/evaluate"
M = "simpletable"


def _determine(client, auth, age=30):
    r = client.post(EVAL, json={"inputs": {"Age": age, "RiskCategory": "Low", "isAffordable": True}},
                    headers=auth("evaluate"))
    assert r.status_code == 200, r.json
    return r.json["evaluation_id"]


def _lifecycle(app, author="ann", approver="cat"):
    """A draft saved, submitted, approved and published: five steps (publishing retires version 1),
    after the seed's two."""
    store = app.extensions["versions"]
    content = store.content(store.get(M, 1).sha256).replace(b"&gt;=18", b"&gt;=21")
    draft = store.create(M, content, author, "adults from 21", "upload")
    store.submit(M, draft.number, draft.sha256, author, "")
    store.approve(M, draft.number, draft.sha256, approver, "looks good", evidence="e" * 64)
    return store.publish(M, draft.number, draft.sha256, approver, "")


@pytest.fixture
def traffic(app, client, auth):
    """Three determinations, a version's lifecycle, three more: ids of the records, oldest first."""
    ids = [_determine(client, auth, age) for age in (20, 30, 40)]
    _lifecycle(app)
    return ids + [_determine(client, auth, age) for age in (50, 60, 70)]


def _verify(tmp_path, database, *args):
    """`python -m webapp audit verify` as an operator runs it beside the service: (exit code, output)."""
    env = {"DATABASE_URL": database.url, "CAR_T_VAR_DIR": str(tmp_path / "var"), "CAR_T_AUDIT_HEAD_FILE": ""}
    result = CliRunner().invoke(main, ["audit", "verify", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _tamper(database, table, *statements):
    """What the tables' owner can do: lift the table's triggers, run the statements, put them back
    (PostgreSQL: ALTER TABLE ... DISABLE TRIGGER; SQLite: whoever holds the file drops them)."""
    with database.connect(owner=True) as con:
        if database.name == "postgresql":
            con.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            for statement, params in statements:
                con.execute(text(statement), params)
            con.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        else:
            triggers = con.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                                        "tbl_name = :t"), {"t": table}).all()
            for name, _ in triggers:
                con.execute(text(f"DROP TRIGGER {name}"))
            for statement, params in statements:
                con.execute(text(statement), params)
            for _, sql in triggers:
                con.execute(text(sql))
        con.commit()


def _row(database, table, where, params):
    with database.connect() as con:
        return con.execute(text(f"SELECT * FROM {table} WHERE {where}"), params).mappings().one()


def _rehash_records(database, start: int):
    """Recompute the chain columns of the records from position `start` to the tail, as a careful
    forger would."""
    with database.connect() as con:
        rows = con.execute(text("SELECT * FROM evaluations WHERE chain_seq >= :s ORDER BY chain_seq"),
                           {"s": start}).mappings().all()
        prev = con.execute(text("SELECT chain_hash FROM evaluations WHERE chain_seq = :s"), {"s": start - 1}).scalar()
    updates = []
    for row in rows:
        hashed = chain.link(prev, chain.evaluation_digest(_stamped(row, "created_at")))
        updates.append(("UPDATE evaluations SET chain_prev = :p, chain_hash = :h WHERE id = :i",
                        {"p": prev, "h": hashed, "i": row["id"]}))
        prev = hashed
    _tamper(database, "evaluations", *updates)
    return prev


def _stamped(row, column):
    """A row read with text(): SQLite gives its stamp as text; the chain hashes the instant."""
    row = dict(row)
    if isinstance(row[column], str):
        row[column] = dt.datetime.fromisoformat(row[column])
    return row


# -- an untouched store ---------------------------------------------------------------------------
def test_an_untouched_store_verifies_clean_and_readyz_says_so(app, client, auth, traffic, tmp_path, database):
    assert client.get("/readyz").json["audit_verification"] is None
    code, output = _verify(tmp_path, database)
    assert code == 0, output
    assert "audit chain intact: evaluations 6 rows (to position 6), version_steps 7 rows (to position 7)" in output
    shown = client.get("/readyz").json["audit_verification"]
    assert shown["clean"] is True and shown["problems"] == 0 and shown["rows"] == 13 and shown["at"]


def test_every_row_carries_its_place_and_each_append_writes_the_head_outside(app, client, auth, traffic,
                                                                             database, caplog):
    with database.connect() as con:
        rows = con.execute(text("SELECT id, chain_seq, chain_prev, chain_hash FROM evaluations "
                                "ORDER BY created_at, chain_seq")).all()
    assert [r.id for r in rows] == traffic and [r.chain_seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].chain_prev == chain.GENESIS
    assert all(r.chain_prev == before.chain_hash for before, r in zip(rows, rows[1:]))
    caplog.set_level("INFO", logger="webapp.store.audit")
    newest = _determine(client, auth)
    head = chain_heads.read(app.extensions["audit"].heads.path)["evaluations"]
    row = _row(database, "evaluations", "id = :i", {"i": newest})
    for kind in ("committed", "pending"):
        assert (head[kind].seq, head[kind].sha256) == (7, row["chain_hash"])
    assert f"audit chain head evaluations 7 {row['chain_hash']}" in caplog.text


# -- tampering, each named --------------------------------------------------------------------------
def test_a_changed_record_is_named(app, traffic, tmp_path, database):
    _tamper(database, "evaluations", ("UPDATE evaluations SET outputs = :o WHERE id = :i",
                                      {"o": '{"Approval Status":"Declined"}', "i": traffic[2]}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert f"evaluation {traffic[2]} (position 3) does not match its hash" in output
    assert "1 problem(s)" in output


def test_an_approvals_actor_rewritten_by_the_owner_is_named(app, traffic, tmp_path, database):
    """The owner on PostgreSQL disables the trigger, edits and enables it again (on SQLite, the file's
    holder drops and recreates it): the approval now names someone else."""
    approval = _row(database, "version_steps", "action = 'approved'", {})
    _tamper(database, "version_steps", ("UPDATE version_steps SET actor = 'dan' WHERE id = :i",
                                        {"i": approval["id"]}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert (f"step {approval['id']} (simpletable version 2, step 3: approved by dan) (position 5) "
            "does not match its hash") in output


def test_a_versions_row_edited_shows_in_each_of_its_steps(app, traffic, tmp_path, database):
    """A step is hashed with its version's row (model, number, origin, author): re-crediting the
    version to someone else shows."""
    version = app.extensions["versions"].get(M, 2)
    _tamper(database, "versions", ("UPDATE versions SET author = 'dan' WHERE id = :i", {"i": version.id}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert output.count("(simpletable version 2, step") == 4 and "4 problem(s)" in output


def test_a_record_rewritten_with_a_new_hash_is_named_by_the_row_after_it(app, traffic, tmp_path, database):
    row = _row(database, "evaluations", "id = :i", {"i": traffic[1]})
    forged = dict(_stamped(row, "created_at"), outputs='{"Approval Status":"Declined"}')
    _tamper(database, "evaluations", ("UPDATE evaluations SET outputs = :o, chain_hash = :h WHERE id = :i", {
        "o": forged["outputs"], "h": chain.link(row["chain_prev"], chain.evaluation_digest(forged)), "i": row["id"]}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert (f"evaluation {traffic[2]} (position 3) was chained to another hash than evaluation {traffic[1]}'s: "
            f"evaluation {traffic[1]} was rewritten or replaced") in output


def test_a_replaced_record_is_named(app, traffic, tmp_path, database):
    """Deleted and inserted again under the same id and place, with other outputs."""
    row = dict(_row(database, "evaluations", "id = :i", {"i": traffic[3]}))
    row["outputs"] = '{"Approval Status":"Declined"}'
    columns = ", ".join(row)
    _tamper(database, "evaluations", ("DELETE FROM evaluations WHERE id = :id", {"id": row["id"]}),
            (f"INSERT INTO evaluations ({columns}) VALUES ({', '.join(':' + c for c in row)})", row))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert f"evaluation {traffic[3]} (position 4) does not match its hash" in output


def test_rows_rewritten_up_to_the_tail_disagree_with_the_head_kept_outside(app, traffic, tmp_path, database):
    _tamper(database, "evaluations", ("UPDATE evaluations SET outputs = :o WHERE id = :i",
                                      {"o": '{"Approval Status":"Declined"}', "i": traffic[4]}))
    _rehash_records(database, 5)
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert f"evaluation {traffic[5]} (position 6) is not the row recorded at " in output
    assert "rows were rewritten up to the tail" in output


def test_the_log_names_the_first_rewritten_head_even_when_the_head_file_is_rewritten_too(
        app, client, auth, traffic, tmp_path, database, caplog):
    """Whoever holds the host can rewrite the head file as well; a log kept elsewhere still holds
    every head (`audit verify --log`)."""
    caplog.set_level("INFO", logger="webapp.store.audit")
    later = [_determine(client, auth, age) for age in (21, 22)]
    log = tmp_path / "service.log"
    log.write_text(caplog.text)
    _tamper(database, "evaluations", ("UPDATE evaluations SET outputs = :o WHERE id = :i",
                                      {"o": '{"Approval Status":"Declined"}', "i": later[0]}))
    tail = _rehash_records(database, 7)
    path = app.extensions["audit"].heads.path
    lines = [f"evaluations pending=8:{tail} committed=8:{tail}" if line.startswith("evaluations ") else line
             for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    assert _verify(tmp_path, database)[0] == 0          # the file alone is fooled
    code, output = _verify(tmp_path, database, "--log", str(log))
    assert code == 1
    assert f"evaluation {later[0]} (position 7) is not the row recorded at {log}:" in output


def test_a_forged_lifecycle_step_is_named(app, traffic, tmp_path, database):
    """The service's own login inserts an approval by someone who never gave it, chained exactly as
    the service would chain it: it lies beyond the newest head the service wrote outside."""
    draft = app.extensions["versions"].create(M, b"<definitions/>", "ann", "", "upload")
    head = _row(database, "version_steps", "chain_seq = (SELECT max(chain_seq) FROM version_steps)", {})
    step = {"version_id": draft.id, "seq": 2, "action": "approved", "state": "approved", "sha256": draft.sha256,
            "actor": "cat", "at": head["at"], "comment": "", "details": "{}"}
    version = {"model_id": M, "number": draft.number, "origin": "upload", "base_number": None, "author": "ann"}
    digest = chain.step_digest(version, _stamped(step, "at"))
    forged = dict(step, chain_seq=head["chain_seq"] + 1, chain_prev=head["chain_hash"],
                  chain_hash=chain.link(head["chain_hash"], digest))
    with database.connect() as con:       # the service's login: SELECT and INSERT
        con.execute(text(f"INSERT INTO version_steps ({', '.join(forged)}) VALUES "
                         f"({', '.join(':' + c for c in forged)})"), forged)
        con.commit()
        forged_id = con.execute(text("SELECT max(id) FROM version_steps")).scalar()
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert (f"version_steps: step {forged_id} (simpletable version {draft.number}, step 2: approved by cat) "
            f"lie beyond the newest head recorded outside the database (position {head['chain_seq']}, ") in output


def test_a_step_inserted_without_its_place_in_the_chain_is_refused(app, traffic, database):
    step = {"version_id": 1, "seq": 9, "action": "approved", "state": "approved", "sha256": "0" * 64,
            "actor": "cat", "at": "2026-01-01 00:00:00", "comment": "", "details": "{}"}
    with database.connect() as con:
        with pytest.raises(DBAPIError, match="chain|null value"):
            con.execute(text(f"INSERT INTO version_steps ({', '.join(step)}) VALUES "
                             f"({', '.join(':' + c for c in step)})"), step)


def test_deleting_the_newest_rows_shows(app, traffic, tmp_path, database):
    _tamper(database, "evaluations", ("DELETE FROM evaluations WHERE id IN (:a, :b)",
                                      {"a": traffic[4], "b": traffic[5]}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert "is position 6, and the chain ends at 4: the newest rows were deleted" in output


def test_deleting_a_row_in_the_middle_shows(app, traffic, tmp_path, database):
    _tamper(database, "evaluations", ("DELETE FROM evaluations WHERE id = :i", {"i": traffic[2]}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert (f"evaluations: position 3 is missing: rows deleted between evaluation {traffic[1]} and "
            f"evaluation {traffic[3]}") in output


def test_a_policy_versions_bytes_changed_show(app, traffic, tmp_path, database):
    sha = app.extensions["versions"].get(M, 2).sha256
    _tamper(database, "version_contents", ("UPDATE version_contents SET content = :c WHERE sha256 = :s",
                                           {"c": b"<definitions/>", "s": sha}))
    code, output = _verify(tmp_path, database)
    assert code == 1
    assert f"the content stored as {sha} does not hash to it" in output


def test_a_failed_verification_shows_on_readyz_and_the_service_still_serves(app, client, auth, traffic,
                                                                              tmp_path, database):
    _tamper(database, "evaluations", ("DELETE FROM evaluations WHERE id = :i", {"i": traffic[0]}))
    assert _verify(tmp_path, database)[0] == 1
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["audit_verification"]["clean"] is False and ready.json["audit_verification"]["problems"] >= 1
    _determine(client, auth)


def test_an_append_whose_head_cannot_be_written_outside_is_refused(app, tmp_path, database, auth):
    """A record or step no head outside the database vouches for would later read as forged: no
    answer, no row."""
    blocked = tmp_path / "heads"
    blocked.mkdir()                  # a directory where the file should be: not writable, even by root
    restarted = make_app(tmp_path, database=database, AUDIT_HEAD_FILE=str(blocked))
    try:
        client = restarted.test_client()
        r = client.post(EVAL, json={"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}},
                        headers=auth("evaluate"))
        assert r.status_code == 503
        with pytest.raises(Unavailable) as refused:
            restarted.extensions["versions"].create(M, b"<definitions/>", "ann", "", "upload")
        assert status_of(refused.value) == 503 and "head file" in refused.value.message
    finally:
        restarted.extensions["audit"].close()
    assert database.stored_ids() == []
    assert [v.number for v in app.extensions["versions"].list(M)] == [1]


# -- the head file brackets the tail: an append cut off between its two writes is no alarm -----------
def test_a_commit_whose_head_was_never_written_is_no_alarm(app, client, auth, traffic, tmp_path, database,
                                                          monkeypatch):
    """Killed after the commit, before the file's `committed` write: `pending` covers the row."""
    monkeypatch.setattr(chain_heads.HeadFile, "committed", lambda *args: None)
    _determine(client, auth)
    assert _verify(tmp_path, database)[0] == 0


def test_a_pending_append_that_never_committed_is_no_alarm(app, traffic, tmp_path, database):
    app.extensions["audit"].heads.pending("evaluations", 7, "f" * 64)
    assert _verify(tmp_path, database)[0] == 0


def test_a_store_without_its_head_file_cannot_vouch_for_its_tail(app, traffic, tmp_path, database):
    code, output = _verify(tmp_path, database, "--head-file", str(tmp_path / "elsewhere"))
    assert code == 1
    assert "evaluations: no head is recorded outside the database" in output


# -- INSERT OR REPLACE (SQLite) ---------------------------------------------------------------------
@pytest.fixture
def sqlite_app(tmp_path):
    """The service on its default store, a SQLite file, with records and a version's lifecycle."""
    made = make_app(tmp_path)
    client = made.test_client()
    for age in (20, 30):
        _determine(client, as_, age)
    _lifecycle(made)
    yield made
    made.extensions["audit"].close()


@pytest.mark.parametrize("table, key", [("evaluations", "id"), ("evaluations", "chain_seq"),
                                        ("version_steps", "id"), ("version_steps", "chain_seq"),
                                        ("serving", "id"), ("versions", "id")])
def test_insert_or_replace_is_refused(tmp_path, sqlite_app, table, key):
    """SQLite's REPLACE deletes the row it collides with without a DELETE trigger firing: this is
    how a determination and an approval's actor were rewritten."""
    db = tmp_path / "var" / "audit.sqlite3"
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        row = dict(con.execute(f"SELECT * FROM {table} ORDER BY {key} LIMIT 1").fetchone())
        before = [tuple(r) for r in con.execute(f"SELECT * FROM {table}")]
        changed = {c: v for c, v in row.items() if c == key or c not in ("id", "chain_seq")}
        if table == "evaluations":
            changed["outputs"] = '{"Approval Status":"Declined"}'
        elif table == "version_steps":
            changed["actor"], changed["seq"] = "dan", 99
        else:
            changed["actor" if table == "serving" else "author"] = "dan"
        for verb in ("INSERT OR REPLACE", "REPLACE"):
            with pytest.raises(sqlite3.IntegrityError, match=f"{table} is append-only"):
                con.execute(f"{verb} INTO {table} ({', '.join(changed)}) VALUES ({', '.join('?' * len(changed))})",
                            list(changed.values()))
        assert [tuple(r) for r in con.execute(f"SELECT * FROM {table}")] == before


def test_stored_content_is_never_replaced(tmp_path, sqlite_app):
    db = tmp_path / "var" / "audit.sqlite3"
    with sqlite3.connect(db) as con:
        sha, content = con.execute("SELECT sha256, content FROM version_contents").fetchone()
        con.execute("INSERT OR REPLACE INTO version_contents (sha256, content, at) VALUES (?, ?, ?)",
                    (sha, b"<definitions/>", "2026-01-01 00:00:00"))
        assert con.execute("SELECT content FROM version_contents WHERE sha256 = ?", (sha,)).fetchone()[0] == content


def test_the_evidence_an_approver_read_is_never_replaced(tmp_path, sqlite_app):
    store = sqlite_app.extensions["versions"]
    version = store.get(M, 2)
    digest, _ = store.put_review(version, "cat", {"read": "this"}, "a" * 64, "b" * 64)
    db = tmp_path / "var" / "audit.sqlite3"
    with sqlite3.connect(db) as con:
        for key in (digest, "f" * 64):     # the same digest, or another one for the same review key
            con.execute("INSERT OR REPLACE INTO reviews (digest, version_id, sha256, actor, at, evidence, "
                        "serving_sha256, scenarios_sha256) VALUES (?, ?, ?, 'dan', '2026-01-01 00:00:00', "
                        "'{\"read\":\"else\"}', ?, ?)", (key, version.id, version.sha256, "a" * 64, "b" * 64))
        assert con.execute("SELECT digest, actor, evidence FROM reviews").fetchall() == [
            (digest, "cat", '{"read":"this"}')]


# -- concurrent appends keep one chain ----------------------------------------------------------------
ROW = {"model_id": "m", "model_version": "v", "endpoint": "t", "caller": "c", "inputs": {"karnofsky": 80},
       "outputs": {"determination": "x"}, "matched_rules": {}}


def test_concurrent_appends_from_threads_keep_one_chain(app, tmp_path, database):
    """Eight writers, each with its own connection as processes have, append 25 records each (some in
    a batch) and a lifecycle step each, at once: each chain holds every row once, in one line."""
    head_file = app.extensions["audit"].heads.path
    stores = [AuditStore(database.url, head_file) for _ in range(8)]
    turns = iter(range(8))

    def work():
        n = next(turns)
        for i in range(20):
            stores[n].record([dict(ROW, id=f"{n}-{i}")])
        stores[n].record([dict(ROW, id=f"{n}-batch-{i}") for i in range(5)])
        app.extensions["versions"].create(f"model-{n}", b"<definitions/>", "ann", "", "upload")
    try:
        in_threads(work, 8)
    finally:
        for store in stores:
            store.close()
    with database.connect() as con:
        records = con.execute(text("SELECT chain_seq FROM evaluations ORDER BY chain_seq")).scalars().all()
        steps = con.execute(text("SELECT chain_seq FROM version_steps ORDER BY chain_seq")).scalars().all()
    assert records == list(range(1, 201)) and steps == list(range(1, 2 + 8 + 1))
    code, output = _verify(tmp_path, database)
    assert code == 0, output


def test_readiness_probes_among_appends_leave_the_chain_alone(app, tmp_path, database):
    """/readyz tries a record's write and rolls it back, in the chain's turn like an append: probes
    taken while records are appended neither fail nor leave a row."""
    stores = [AuditStore(database.url, app.extensions["audit"].heads.path) for _ in range(3)]
    turns = iter(range(6))

    def work():
        n = next(turns)
        if n < 3:
            for i in range(30):
                stores[n].record([dict(ROW, id=f"{n}-{i}")])
            return []
        return [app.extensions["audit"].unwritable() for _ in range(30)]
    try:
        problems = sum(in_threads(work, 6), [])
    finally:
        for store in stores:
            store.close()
    assert problems == [None] * 90
    code, output = _verify(tmp_path, database)
    assert code == 0 and "evaluations 90 rows" in output, output


def test_two_apps_on_one_postgresql_keep_one_chain_of_records_and_steps(tmp_path, postgres_database, auth):
    """Two replicas, each with its own var directory (its own head file, as on two hosts): records and
    lifecycle steps appended through both at once form one chain each; verify takes both head files."""
    apps = [make_app(tmp_path / name, database=postgres_database) for name in ("one", "two")]
    try:
        turns = iter([(app, n) for app in apps for n in range(3)])

        def work():
            app, n = next(turns)
            client = app.test_client()
            ids = [_determine(client, auth, 20 + i) for i in range(10)]
            app.extensions["versions"].create(f"model-{id(app)}-{n}", b"<definitions/>", "ann", "", "upload")
            return ids
        written = sum(in_threads(work, 6), [])
    finally:
        for app in apps:
            app.extensions["audit"].close()
    with postgres_database.connect() as con:
        positions = con.execute(text("SELECT chain_seq FROM evaluations ORDER BY chain_seq")).scalars().all()
        steps = con.execute(text("SELECT chain_seq FROM version_steps ORDER BY chain_seq")).scalars().all()
    assert len(written) == 60 and positions == list(range(1, 61))
    assert steps == list(range(1, len(steps) + 1)) and len(steps) == 2 + 6       # the seed's two, one per draft
    heads = [str(tmp_path / name / "var" / "audit-chain-head") for name in ("one", "two")]
    code, output = _verify(tmp_path / "one", postgres_database, "--head-file", heads[0], "--head-file", heads[1])
    assert code == 0, output


# -- rows from before the chain -----------------------------------------------------------------------
def test_rows_written_before_the_migration_join_the_chain_in_order(tmp_path):
    """A store at revision 0002 with records: the migration chains them as it finds them (by time),
    the service's start records the head outside the database, and appends follow on."""
    db = tmp_path / "var" / "audit.sqlite3"
    url = f"sqlite:///{db}"
    migrate.private_file(db)
    engine = create_engine(url)
    with engine.begin() as con:
        command.upgrade(migrate._config(con), "0002")
        for n, stamp in enumerate(["2026-01-03 00:00:00.000000", "2026-01-01 00:00:00.000000",
                                   "2026-01-02 00:00:00.000000"]):
            con.execute(text("INSERT INTO evaluations VALUES (:i, :t, 'm', 'v', 'e', 'c', '{}', '{}', '{}')"),
                        {"i": f"old{n}", "t": stamp})
    engine.dispose()
    app = make_app(tmp_path)
    try:
        with app.extensions["audit"].engine.connect() as con:
            order = con.execute(text("SELECT id FROM evaluations ORDER BY chain_seq")).scalars().all()
        assert order == ["old1", "old2", "old0"]
        code, output = _verify(tmp_path, SimpleNamespace(url=url))
        assert code == 0, output
        newest = _determine(app.test_client(), as_)
        with app.extensions["audit"].engine.connect() as con:
            assert con.execute(text("SELECT chain_seq FROM evaluations WHERE id = :i"), {"i": newest}).scalar() == 4
        assert chain_heads.read(app.extensions["audit"].heads.path)["evaluations"]["committed"].seq == 4
    finally:
        app.extensions["audit"].close()
    code, output = _verify(tmp_path, SimpleNamespace(url=url))
    assert code == 0, output
