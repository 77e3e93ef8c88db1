"""Versions in the database (issue 13): the files seed version 1; drafts, submit, four-eyes
approval bound to the content hash, publish and rollback, each step an audit event; exactly one
version serves, and every worker serves it after a publish. On SQLite and PostgreSQL."""
import re
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text

from support.apps import DATA, make_app, ROOT
from support.people import as_, name_of
from support.problems import by_field

M = "/api/v1/models/simpletable"
GOOD = {"inputs": {"Age": 19, "RiskCategory": "Low", "isAffordable": True}}


def _dmn(client, number=1) -> str:
    return client.get(f"{M}/versions/{number}/dmn", headers=as_("ann")).get_data(as_text=True)


def _adults_from(age: int, source: str) -> str:
    """The simpletable model with adulthood at `age` (two cells: >=18 and <18)."""
    changed = source.replace("&gt;=18", f"&gt;={age}").replace("&lt;18", f"&lt;{age}")
    assert changed != source
    return changed


def _draft(client, who="ann", content=None, comment="adults from 21"):
    r = client.post(f"{M}/versions", json={"content": content or _adults_from(21, _dmn(client)),
                                           "comment": comment}, headers=as_(who))
    assert r.status_code == 201, r.json
    return r.json


def _submit(client, version, who="ann"):
    r = client.post(f"{M}/versions/{version['number']}:submit", json={"sha256": version["sha256"]}, headers=as_(who))
    assert r.status_code == 200, r.json
    return r.json


def _review(client, number, who="cat"):
    r = client.get(f"{M}/versions/{number}/review", headers=as_(who))
    assert r.status_code == 200, r.json
    return r.json


def _approve(client, version, who="cat", evidence=None):
    evidence = evidence or _review(client, version["number"], who)["digest"]
    return client.post(f"{M}/versions/{version['number']}:approve",
                       json={"sha256": version["sha256"], "evidence": evidence, "comment": "ok"}, headers=as_(who))


def _publish(client, version, who="cat"):
    return client.post(f"{M}/versions/{version['number']}:publish", json={"sha256": version["sha256"]},
                       headers=as_(who))


def _serving(client) -> str:
    return client.get("/api/v1/models", headers=as_("eve")).json["models"][0]["version"]


def _states(client) -> list[tuple]:
    return [(v["number"], v["state"]) for v in client.get(f"{M}/versions", headers=as_("eve")).json["versions"]]


def test_the_files_seed_version_1_published(client):
    listing = client.get(f"{M}/versions", headers=as_("eve")).json
    assert listing["serving"] == 1
    [first] = listing["versions"]
    assert (first["state"], first["author"], first["origin"]) == ("published", "files", "seed")
    assert _dmn(client).encode() == (DATA / "simpletable.dmn").read_bytes()
    assert first["sha256"] == _serving(client)


def test_an_approved_draft_published_serves_in_every_worker(tmp_path, database):
    worker_a = make_app(tmp_path, database=database).test_client()
    worker_b = make_app(tmp_path, database=database).test_client()     # same store, same var directory
    old = _serving(worker_b)
    draft = _draft(worker_a)
    _submit(worker_a, draft)
    assert _approve(worker_b, draft).status_code == 200
    assert _serving(worker_a) == old                                    # approved is not published
    published = _publish(worker_b, draft)
    assert published.status_code == 200 and published.json["state"] == "published"
    answer = worker_a.post(f"{M}/evaluate", json=GOOD, headers=as_("eve")).json   # the other worker
    assert answer["model_version"] == draft["sha256"]
    assert answer["decisions"]["Approval Status"]["value"] == "Declined"          # 19 is not adult at 21
    record = worker_b.get(f"/api/v1/evaluations/{answer['evaluation_id']}", headers=as_("ida")).json
    assert record["model_version"] == draft["sha256"]
    assert _states(worker_b) == [(1, "retired"), (2, "published")]


def test_nobody_approves_what_they_saved_admins_included(client):
    own = _draft(client, who="dan")                                     # dan holds every role
    _submit(client, own, who="dan")
    refused = _approve(client, own, who="dan")
    assert refused.status_code == 403 and "four eyes" in refused.json["detail"]
    assert _approve(client, own, who="cat").status_code == 200

    edited = _draft(client, who="ann", content=_adults_from(20, _dmn(client)))
    saved = client.put(f"{M}/versions/{edited['number']}", headers=as_("bob"), json={
        "content": _adults_from(22, _dmn(client)), "sha256": edited["sha256"], "comment": "22 rather"})
    assert saved.status_code == 200 and saved.json["editors"] == sorted([name_of("ann"), name_of("bob")])
    _submit(client, saved.json, who="ann")
    assert _approve(client, saved.json, who="bob").status_code == 403  # bob edited it
    assert _approve(client, saved.json, who="cat").status_code == 200


def test_an_approval_is_bound_to_the_content_it_approved(client):
    draft = _draft(client)
    _submit(client, draft)
    digest = _review(client, draft["number"])["digest"]
    wrong = client.post(f"{M}/versions/{draft['number']}:approve", headers=as_("cat"),
                        json={"sha256": "0" * 64, "evidence": digest})
    assert wrong.status_code == 409
    assert _approve(client, draft, evidence=digest).status_code == 200
    edit = client.put(f"{M}/versions/{draft['number']}", headers=as_("ann"), json={
        "content": _adults_from(25, _dmn(client)), "sha256": draft["sha256"], "comment": "25 after all"})
    assert edit.status_code == 200 and edit.json["state"] == "draft" and edit.json["approved_by"] is None
    assert edit.json["steps"][-1]["details"]["withdrew"]["state"] == "approved"
    assert _publish(client, draft).status_code == 409                  # the approved hash is gone
    assert _publish(client, edit.json).status_code == 409              # the new content is not approved
    _submit(client, edit.json)
    stale = client.post(f"{M}/versions/{draft['number']}:approve", headers=as_("cat"),
                        json={"sha256": edit.json["sha256"], "evidence": digest})
    assert stale.status_code == 409 and "other content" in stale.json["detail"]
    assert _serving(client) != edit.json["sha256"]


def test_publish_takes_only_an_approved_version(client):
    draft = _draft(client)
    assert _publish(client, draft).status_code == 409
    _submit(client, draft)
    assert _publish(client, draft).status_code == 409
    assert client.post(f"{M}/versions/1:publish", json={"sha256": _serving(client)},
                       headers=as_("cat")).status_code == 409          # already serving
    assert _states(client) == [(1, "published"), (2, "submitted")]


def test_rollback_is_for_admins_at_once_with_a_reason(client):
    first = _serving(client)
    draft = _draft(client)
    _submit(client, draft)
    _approve(client, draft)
    _publish(client, draft)
    assert client.post(f"{M}/versions/1:rollback", json={"reason": "x"}, headers=as_("cat")).status_code == 403
    assert client.post(f"{M}/versions/1:rollback", json={}, headers=as_("max")).status_code == 422
    assert client.post(f"{M}/versions/2:rollback", json={"reason": "x"}, headers=as_("max")).status_code == 409
    r = client.post(f"{M}/versions/1:rollback", json={"reason": "adults from 21 refused by counsel"},
                    headers=as_("max"))
    assert r.status_code == 200 and r.json["state"] == "published"
    assert _serving(client) == first and _states(client) == [(1, "published"), (2, "retired")]
    step = r.json["steps"][-1]
    assert (step["action"], step["actor"], step["comment"]) == (
        "rolled back", name_of("max"), "adults from 21 refused by counsel")


def test_every_step_is_an_audit_event(client):
    draft = _draft(client, comment="first try")
    _submit(client, draft)
    client.post(f"{M}/versions/2:reject", json={"sha256": draft["sha256"], "comment": "cite the policy"},
                headers=as_("cat"))
    saved = client.put(f"{M}/versions/2", headers=as_("ann"), json={
        "content": _adults_from(20, _dmn(client)), "sha256": draft["sha256"], "comment": "per 7.02.11"}).json
    _submit(client, saved)
    _approve(client, saved)
    _publish(client, saved)
    steps = client.get(f"{M}/versions/2", headers=as_("eve")).json["steps"]
    ann, cat = name_of("ann"), name_of("cat")
    assert [(s["action"], s["state"], s["actor"]) for s in steps] == [
        ("saved", "draft", ann), ("submitted", "submitted", ann), ("rejected", "rejected", cat),
        ("saved", "draft", ann), ("submitted", "submitted", ann), ("approved", "approved", cat),
        ("published", "published", cat)]
    assert steps[2]["comment"] == "cite the policy" and steps[3]["comment"] == "per 7.02.11"
    assert all(re.fullmatch(r"[0-9a-f]{64}", s["sha256"]) and s["at"] for s in steps)
    retired = client.get(f"{M}/versions/1", headers=as_("eve")).json["steps"][-1]
    assert (retired["action"], retired["details"]) == ("retired", {"replaced_by": 2})


def test_concurrent_publishes_leave_exactly_one_version_serving(tmp_path, database):
    workers = [make_app(tmp_path, database=database).test_client() for _ in range(4)]
    drafts = []
    for age in (20, 21, 22, 23):
        draft = _draft(workers[0], content=_adults_from(age, _dmn(workers[0])))
        _submit(workers[0], draft)
        assert _approve(workers[0], draft).status_code == 200
        drafts.append(draft)
    statuses, failures = [], []

    def publish(worker, draft):
        try:
            statuses.append(_publish(worker, draft).status_code)
        except BaseException as exc:        # a dead thread must fail the test, not vanish
            failures.append(exc)
    threads = [threading.Thread(target=publish, args=pair) for pair in zip(workers, drafts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and set(statuses) <= {200, 409} and 200 in statuses
    states = dict(_states(workers[0]))
    assert list(states.values()).count("published") == 1
    serving = [n for n, s in states.items() if s == "published"][0]
    assert all(w.get(f"{M}/versions", headers=as_("eve")).json["serving"] == serving for w in workers)
    assert len({_serving(w) for w in workers}) == 1


def test_the_history_cannot_be_rewritten(client, database):
    _draft(client)
    with database.connect(owner=True) as con:
        for statement in ("UPDATE version_steps SET actor = 'someone else'", "DELETE FROM serving",
                          "UPDATE version_contents SET content = content"):
            with pytest.raises(Exception, match="append-only|permission denied"):
                with con.begin_nested() if database.name == "postgresql" else con.begin():
                    con.execute(text(statement))


def test_a_bad_upload_shows_its_findings_and_creates_nothing_publishable(client):
    dtd = client.post(f"{M}/versions", headers=as_("ann"), json={
        "content": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'})
    assert dtd.status_code == 422 and _states(client) == [(1, "published")]
    broken = client.post(f"{M}/versions", headers=as_("ann"),
                         json={"content": _dmn(client).replace("&lt;18", "&lt;=18")})   # overlaps >=18
    assert broken.status_code == 201 and broken.json["validation"]["valid"] is False
    assert any("overlap" in f["message"] for f in broken.json["validation"]["findings"])
    submitted = client.post(f"{M}/versions/2:submit", json={"sha256": broken.json["sha256"]}, headers=as_("ann"))
    assert submitted.status_code == 409 and by_field(submitted.json)["validation"]
    assert _approve(client, broken.json).status_code == 409
    assert _publish(client, broken.json).status_code == 409
    assert _states(client) == [(1, "published"), (2, "draft")]
    unloadable = client.post(f"{M}/versions", headers=as_("ann"),
                             json={"content": _dmn(client).replace("&lt;18", "&lt;(18")})   # FEEL that does not parse
    assert unloadable.status_code == 201 and unloadable.json["validation"]["valid"] is False
    case = client.post(f"{M}/evaluate", json=GOOD, headers=as_("eve")).json["evaluation_id"]
    opened = client.get(f"{M}/versions/3/cases/{case}", headers=as_("ida"))
    assert opened.status_code == 200 and "does not load" in opened.json["draft"]["errors"]["model"][0]
    assert opened.json["serving"]["decisions"]["Approval Status"]["value"] == "Approved"


def test_a_file_saved_by_a_dmn_1_5_editor_becomes_a_dmn_1_3_draft(client):
    dmn15 = _adults_from(21, _dmn(client))
    assert 'xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"' in dmn15     # as Trisotech saved it
    r = client.post(f"{M}/versions", json={"content": dmn15}, headers=as_("ann"))
    assert r.status_code == 201 and r.json["normalised_from"] == "1.5" and r.json["validation"]["valid"]
    stored = _dmn(client, r.json["number"])
    assert "https://www.omg.org/spec/DMN/20191111/MODEL/" in stored and "20230324/MODEL" not in stored


def test_a_file_the_kie_editor_saved_after_a_constraint_edit_becomes_a_draft(client):
    # The KIE editor writes a data type's constraint as typeConstraint (DMN 1.5+); for a
    # non-collection type it is DMN 1.3's allowedValues, as `python -m webapp normalize` maps it.
    dmn15 = _adults_from(21, _dmn(client))
    opening = re.search(r"<definitions[^>]*>", dmn15).group(0)
    kie = dmn15.replace(opening, opening + '<itemDefinition name="tAge"><typeRef>number</typeRef>'
                                           '<typeConstraint><text>[0..150]</text></typeConstraint></itemDefinition>', 1)
    r = client.post(f"{M}/versions", json={"content": kie}, headers=as_("ann"))
    assert r.status_code == 201 and r.json["normalised_from"] == "1.5" and r.json["note"] is None, r.json
    stored = _dmn(client, r.json["number"])
    assert "typeConstraint" not in stored and re.search(r"<allowedValues>\s*<text>\[0\.\.150\]</text>", stored)


def test_the_evidence_read_is_kept_with_the_approval_and_exports(client):
    for age in (19, 30, 10):
        client.post(f"{M}/evaluate", json={"inputs": {"Age": age, "RiskCategory": "Low", "isAffordable": True}},
                    headers=as_("eve"))
    draft = _draft(client)
    _submit(client, draft)
    review = _review(client, draft["number"])
    evidence = review["evidence"]
    assert evidence["validation"]["valid"] and evidence["serving"]["number"] == 1
    assert [(c["kind"], c["column"], c["old"], c["new"]) for c in evidence["diff"]["changes"]] == [
        ("cell", "Age", ">=18", ">=21"), ("cell", "Age", "<18", "<21")]
    approved = _approve(client, draft, evidence=review["digest"]).json
    assert approved["steps"][-1]["details"] == {"evidence": review["digest"]}
    kept = client.get(f"{M}/versions/2/reviews/{review['digest']}?format=json", headers=as_("cat"))
    assert kept.status_code == 200 and kept.json["evidence"] == evidence and kept.json["sha256"] == draft["sha256"]
    counts = client.get(f"{M}/versions/2/reviews/{review['digest']}?format=json", headers=as_("eve")).json
    assert counts["evidence"]["diff"] == evidence["diff"] and "hidden" in counts["evidence"]["real_cases"]
    html = client.get(f"{M}/versions/2/reviews/{review['digest']}?format=html", headers=as_("eve"))
    assert html.status_code == 200 and b"&gt;=21" in html.data
    assert html.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox")
    assert client.get(f"{M}/versions/2/reviews/{'f' * 64}", headers=as_("eve")).status_code == 404


def test_a_draft_whose_bytes_differ_never_reviews_as_no_change(client):
    """Issue 20 §1: a script in extensionElements reviewed as "0 changes"; other bytes always show."""
    normalised = _draft(client, content=_dmn(client), comment="the seed, as DMN 1.3")
    _submit(client, normalised)
    assert _approve(client, normalised).status_code == 200 and _publish(client, normalised).status_code == 200
    serving = _dmn(client, normalised["number"])
    rule = re.search(r'<rule id="[^"]+">', serving).group(0)
    script = '<extensionElements><script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script></extensionElements>'
    for content, kind in ((serving.replace(rule, rule + script), "extension"),
                          (serving.replace("<rule ", "\n  <rule ", 1), "formatting"),
                          (re.sub(r'x="(\d+)', lambda m: f'x="{int(m.group(1)) + 5}', serving, count=1), "layout")):
        draft = _draft(client, content=content)
        evidence = _review(client, draft["number"])["evidence"]
        assert [c["kind"] for c in evidence["diff"]["changes"]] == [kind], evidence["diff"]
        assert evidence["diff"]["text"].startswith(f"Changes from version {normalised['number']} to draft: 1")
    same = _draft(client, content=serving)
    assert _review(client, same["number"])["evidence"]["diff"]["changes"] == []       # the same bytes: no change


def test_the_evidence_pack_prints_as_pdf(client):
    draft = _draft(client)
    digest = _review(client, draft["number"])["digest"]
    pdf = client.get(f"{M}/versions/2/reviews/{digest}?format=pdf", headers=as_("eve"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_versions_export_writes_a_version_back_for_git(client, app, tmp_path):
    draft = _draft(client)
    target = tmp_path / "out.dmn"
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "webapp", "versions", "export", "simpletable", "2", "-o", str(target)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == client.get(f"{M}/versions/2/dmn", headers=as_("eve")).data
    assert draft["sha256"] in done.stdout
    missing = subprocess.run([sys.executable, "-m", "webapp", "versions", "export", "simpletable", "9", "-o",
                              str(target)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and "no version 9" in missing.stderr


def test_a_published_version_the_engine_no_longer_loads_falls_back_to_the_one_before(app, client):
    first = _serving(client)
    store = app.extensions["versions"]
    # What an engine upgrade that refuses a published model leaves: the store says it serves.
    unreadable = store.create("simpletable", b"<definitions/>", "someone", "", origin="api")
    store._switch("simpletable", unreadable, "someone", "", "published")
    app.extensions["model_registry"].changed()
    model = client.get("/api/v1/models", headers=as_("eve")).json["models"][0]
    assert model["fallback"] is True and model["version"] == first
    assert client.post(f"{M}/evaluate", json=GOOD, headers=as_("eve")).json["model_version"] == first
