"""Four eyes means two people (issue 20 §3): a key belongs to a named person; four eyes compares
people, not keys; a draft a reload imports is authored by whoever reloaded; a key without a name
works under its id but cannot approve or publish; names show in the lifecycle, the evidence and the
audit trail. On SQLite and PostgreSQL."""
import re

from support.apps import DATA, make_app
from support.people import as_, key_id_of, name_of
from support.apps import service_app
from webapp.store.keys import hash_key
from support.problems import by_field

M = "/api/v1/models/simpletable"
GOOD = {"inputs": {"Age": 19, "RiskCategory": "Low", "isAffordable": True}}
BEARER = lambda key: {"Authorization": f"Bearer {key}"}  # noqa: E731


def _source(client, headers=None) -> str:
    answer = client.get(f"{M}/versions/1/dmn", headers=headers or as_("eve"))
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _adults_from(age: int, source: str) -> str:
    return source.replace("&gt;=18", f"&gt;={age}").replace("&lt;18", f"&lt;{age}")


def _submitted(client, headers, content) -> dict:
    draft = client.post(f"{M}/versions", json={"content": content}, headers=headers)
    assert draft.status_code == 201, draft.json
    done = client.post(f"{M}/versions/{draft.json['number']}:submit", json={"sha256": draft.json["sha256"]},
                       headers=headers)
    assert done.status_code == 200, done.json
    return done.json


def _approve(client, version, headers):
    digest = client.get(f"{M}/versions/{version['number']}/review", headers=headers).json["digest"]
    return client.post(f"{M}/versions/{version['number']}:approve", headers=headers,
                       json={"sha256": version["sha256"], "evidence": digest})


def _publish(client, version, headers):
    return client.post(f"{M}/versions/{version['number']}:publish", json={"sha256": version["sha256"]},
                       headers=headers)


def test_one_person_with_two_keys_is_one_pair_of_eyes(tmp_path, database):
    keys = ";".join([f"{hash_key('ann-as-author')}:author:Ann Lee", f"{hash_key('ann-as-approver')}:approver:Ann Lee",
                     f"{hash_key('cat')}:approver:Cat Diaz"])
    client = service_app(tmp_path, [DATA / "simpletable.dmn"], keys, database).test_client()
    version = _submitted(client, BEARER("ann-as-author"), _adults_from(21, _source(client, BEARER("cat"))))
    assert version["author"] == "Ann Lee" and version["proposers"] == ["Ann Lee"]
    refused = _approve(client, version, BEARER("ann-as-approver"))
    assert refused.status_code == 403 and "four eyes" in refused.json["detail"]
    assert by_field(refused.json)["approver"] == ["Ann Lee saved or submitted version 2"]
    approved = _approve(client, version, BEARER("cat"))
    assert approved.status_code == 200 and approved.json["approved_by"] == "Cat Diaz"


def test_a_reloaded_file_is_the_reloaders_draft_so_one_key_cannot_publish_it(tmp_path, database):
    """Change a file, reload, submit, approve and publish with one key that holds every role: the
    reload credited the draft to `files`, and the same key approved it."""
    app = make_app(tmp_path, database=database)
    client = app.test_client()
    model_file = tmp_path / "decisions" / "simpletable.dmn"
    model_file.write_text(_adults_from(21, model_file.read_text()))
    reloaded = client.post("/api/v1/models:reload", headers=as_("dan"))       # dan holds every role
    assert reloaded.status_code == 200 and [d["number"] for d in reloaded.json["drafts"]] == [2]
    draft = client.get(f"{M}/versions/2", headers=as_("eve")).json
    assert (draft["author"], draft["origin"], draft["steps"][0]["actor"]) == (name_of("dan"), "files", name_of("dan"))
    submitted = client.post(f"{M}/versions/2:submit", json={"sha256": draft["sha256"]}, headers=as_("dan")).json
    refused = _approve(client, submitted, as_("dan"))
    assert refused.status_code == 403 and "four eyes" in refused.json["detail"]
    assert _publish(client, submitted, as_("dan")).status_code == 409            # nothing approved to publish
    assert _approve(client, submitted, as_("cat")).status_code == 200
    assert _publish(client, submitted, as_("dan")).status_code == 200


def test_whoever_submits_a_draft_does_not_approve_it(client):
    """A draft nobody by name saved (a reload by signal) is vouched for by its submitter."""
    store = client.application.extensions["versions"]
    draft = store.create("simpletable", _adults_from(21, _source(client)).encode(), "SIGHUP", "", origin="files")
    submitted = client.post(f"{M}/versions/{draft.number}:submit", json={"sha256": draft.sha256}, headers=as_("bob"))
    assert submitted.status_code == 200 and submitted.json["proposers"] == ["Bob", "SIGHUP"]
    assert _approve(client, submitted.json, as_("bob")).status_code == 403
    assert _approve(client, submitted.json, as_("cat")).status_code == 200


def test_a_key_without_a_name_works_under_its_id_but_cannot_approve_or_publish(tmp_path, database):
    named = f"{hash_key('ann')}:author:Ann Lee;{hash_key('cat')}:approver:Cat Diaz"
    legacy = f"{hash_key('old')}:evaluate,author,approver,admin"            # an entry of before names
    client = service_app(tmp_path, [DATA / "simpletable.dmn"], f"{named};{legacy}", database).test_client()
    old_id = hash_key("old")[:12]
    answer = client.post(f"{M}/evaluate", json=GOOD, headers=BEARER("old"))
    assert answer.status_code == 200
    own = _submitted(client, BEARER("old"), _adults_from(20, _source(client, BEARER("old"))))
    assert own["author"] == old_id and own["steps"][-1]["actor"] == old_id
    other = _submitted(client, BEARER("ann"), _adults_from(21, _source(client, BEARER("ann"))))
    refused = _approve(client, other, BEARER("old"))
    assert refused.status_code == 403 and "names nobody" in refused.json["detail"]
    approved = _approve(client, other, BEARER("cat")).json
    refused = _publish(client, approved, BEARER("old"))
    assert refused.status_code == 403 and "keys --name" in refused.json["detail"]
    assert _publish(client, approved, BEARER("cat")).status_code == 200


def test_a_draft_saved_before_its_key_had_a_name_is_still_its_holders(tmp_path, database):
    before = f"{hash_key('kim')}:author,approver;{hash_key('cat')}:approver:Cat Diaz"
    client = service_app(tmp_path, [DATA / "simpletable.dmn"], before, database).test_client()
    version = _submitted(client, BEARER("kim"), _adults_from(21, _source(client, BEARER("kim"))))
    assert version["author"] == hash_key("kim")[:12]
    after = f"{hash_key('kim')}:author,approver:Kim Park;{hash_key('cat')}:approver:Cat Diaz"
    client = service_app(tmp_path, [DATA / "simpletable.dmn"], after, database).test_client()
    refused = _approve(client, version, BEARER("kim"))
    assert refused.status_code == 403 and "four eyes" in refused.json["detail"]
    assert _approve(client, version, BEARER("cat")).status_code == 200


def test_names_show_in_the_lifecycle_the_evidence_and_the_audit(client):
    answer = client.post(f"{M}/evaluate", json=GOOD, headers=as_("fay")).json
    record = client.get(f"/api/v1/evaluations/{answer['evaluation_id']}", headers=as_("ida")).json
    assert (record["caller"], record["caller_name"]) == (key_id_of("fay"), "Fay")
    listed = client.get("/api/v1/evaluations?limit=1", headers=as_("ida")).json["items"][0]
    assert (listed["caller"], listed["caller_name"]) == (key_id_of("fay"), "Fay")
    version = _submitted(client, as_("ann"), _adults_from(21, _source(client)))
    digest = client.get(f"{M}/versions/2/review", headers=as_("cat")).json["digest"]
    client.post(f"{M}/versions/2:approve", json={"sha256": version["sha256"], "evidence": digest}, headers=as_("cat"))
    steps = client.get(f"{M}/versions/2", headers=as_("eve")).json["steps"]
    assert [(s["action"], s["actor"]) for s in steps] == [("saved", "Ann"), ("submitted", "Ann"), ("approved", "Cat")]
    pack = client.get(f"{M}/versions/2/reviews/{digest}?format=json", headers=as_("eve")).json
    assert pack["computed_for"] == "Cat" and [s["actor"] for s in pack["version"]["steps"]] == ["Ann", "Ann", "Cat"]
    report = client.get(f"{M}/versions/2/reviews/{digest}?format=html", headers=as_("eve")).get_data(as_text=True)
    assert re.search(r"Read by Cat \(.+\), Eve \(.+\)\.", report)
    assert re.search(r"<td>approved</td><td>approved</td><td>Cat</td>", report)


def test_read_by_names_every_reader_of_the_evidence_not_only_the_first(tmp_path, database):
    # Issue 22 §2: the author opens the review first; the approver's read is recorded too.
    client = make_app(tmp_path, database=database).test_client()
    version = _submitted(client, as_("ann"), _adults_from(21, _source(client)))
    first = client.get(f"{M}/versions/2/review", headers=as_("ann")).json
    assert [r["person"] for r in first["read_by"]] == ["Ann"]
    again = client.get(f"{M}/versions/2/review", headers=as_("cat")).json
    assert again["digest"] == first["digest"] and [r["person"] for r in again["read_by"]] == ["Ann", "Cat"]
    client.get(f"{M}/versions/2/review", headers=as_("ann"))       # a second read by Ann is not a new reader
    client.post(f"{M}/versions/2:approve", json={"sha256": version["sha256"], "evidence": first["digest"]},
                headers=as_("cat"))
    pack = client.get(f"{M}/versions/2/reviews/{first['digest']}?format=json", headers=as_("ida")).json
    assert [r["person"] for r in pack["read_by"]] == ["Ann", "Cat", "Ida"]


def test_approved_by_is_kept_after_publish_and_retirement(tmp_path, database):
    client = make_app(tmp_path, database=database).test_client()
    version = _submitted(client, as_("ann"), _adults_from(21, _source(client)))
    assert _approve(client, version, as_("cat")).json["approved_by"] == "Cat"
    published = _publish(client, version, as_("cat")).json
    assert (published["state"], published["approved_by"]) == ("published", "Cat")
    newer = _submitted(client, as_("ann"), _adults_from(22, _source(client)))
    assert _approve(client, newer, as_("fay")).status_code == 200
    assert _publish(client, newer, as_("fay")).status_code == 200
    retired = client.get(f"{M}/versions/2", headers=as_("eve")).json
    assert (retired["state"], retired["approved_by"]) == ("retired", "Cat")
    seeded = client.get(f"{M}/versions/1", headers=as_("eve")).json
    assert seeded["approved_by"] is None      # the files seeded it: nobody approved it
