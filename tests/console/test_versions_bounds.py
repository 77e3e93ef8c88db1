"""What the versions API refuses before it touches the store: version numbers that are not ASCII
digits, a base number past the column, content that is not DMN XML; and what it keeps bounded:
drafts per author, one stored review per (content, serving version, scenarios)."""
import pytest
from sqlalchemy import text

from support.apps import DATA, make_app
from support.people import as_
from support.problems import by_field

M = "/api/v1/models/simpletable"
SOURCE = (DATA / "simpletable.dmn").read_text()


@pytest.mark.parametrize("number", ["²", "٣", "１", "3\u0663"])
def test_a_version_number_is_ascii_digits_only(client, number):
    # '²'.isdigit() is true but int('²') fails (a 500); int('٣') is 3, another version's number.
    client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann"))
    for method, path, body in [("get", "", None), ("get", "/review", None), ("get", "/dmn", None),
                               ("post", ":approve", {"sha256": "0" * 64, "evidence": "0" * 64})]:
        answer = getattr(client, method)(f"{M}/versions/{number}{path}", json=body, headers=as_("dan"))
        assert answer.status_code == 404, (path, answer.json)
        assert answer.json["detail"] == f"no version {number!r}: versions are numbered 1, 2, ..."


@pytest.mark.parametrize("base", [2 ** 31, 2 ** 63, 10 ** 30])
def test_a_base_past_any_version_number_is_422(client, base):
    answer = client.post(f"{M}/versions", json={"content": SOURCE, "base": base}, headers=as_("ann"))
    assert answer.status_code == 422 and "base" in by_field(answer.json)


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE definitions [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi"))
          + "]>" + SOURCE.split("?>", 1)[1].replace("</definitions>", "<x>&i;</x></definitions>"))


@pytest.mark.parametrize("content, says", [
    ("x" * 1_900_000, "not well-formed XML"),
    ('<?xml version="1.0"?><html><body>a page</body></html>', "the root element is 'html'"),
    (SOURCE.replace("https://www.omg.org/spec/DMN/20230324/MODEL/", "urn:not-dmn", 1), "not the definitions of a DMN"),
    (LAUGHS, "DTDs and entities are not allowed"),
], ids=["1.9 MB of text", "an HTML page", "another namespace", "a billion laughs"])
def test_a_draft_is_dmn_xml_or_nothing_is_stored(client, content, says):
    # Drafts are never deleted: content that could never be a model was stored (1.9 MB bodies).
    draft = client.post(f"{M}/versions", json={"content": content}, headers=as_("ann"))
    assert draft.status_code == 422 and says in draft.json["detail"] and by_field(draft.json)["content"]
    good = client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann"))
    edit = client.put(f"{M}/versions/{good.json['number']}", json={"content": content, "sha256": good.json["sha256"]},
                      headers=as_("ann"))
    assert edit.status_code == 422 and says in edit.json["detail"]
    listed = client.get(f"{M}/versions", headers=as_("ann")).json["versions"]
    assert [(v["number"], v["sha256"]) for v in listed][1:] == [(2, good.json["sha256"])]


def test_drafts_in_progress_per_author_are_limited(tmp_path, database):
    client = make_app(tmp_path, database=database, DRAFTS_PER_AUTHOR=2).test_client()
    drafts = [client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", f"&gt;={age}")},
                          headers=as_("ann")) for age in (19, 20)]
    assert [d.status_code for d in drafts] == [201, 201]
    third = client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann"))
    assert third.status_code == 422 and "2 drafts in progress" in third.json["detail"]
    assert "CAR_T_DRAFTS_PER_AUTHOR=2" in third.json["detail"]
    assert by_field(third.json)["drafts"] == ["simpletable version 2", "simpletable version 3"]
    assert client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")},
                       headers=as_("bob")).status_code == 201          # another author's own count
    submitted = client.post(f"{M}/versions/2:submit", json={"sha256": drafts[0].json["sha256"]}, headers=as_("ann"))
    assert submitted.status_code == 200 and client.post(
        f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann")).status_code == 422
    rejected = client.post(f"{M}/versions/2:reject", json={"sha256": drafts[0].json["sha256"], "comment": "no"},
                           headers=as_("cat"))
    assert rejected.status_code == 200 and client.post(
        f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann")).status_code == 201
    assert len(client.get(f"{M}/versions", headers=as_("ann")).json["versions"]) == 5


def _reviews_stored(database) -> int:
    with database.connect() as con:
        return con.execute(text("SELECT count(*) FROM reviews")).scalar_one()


def test_a_review_is_computed_once_per_content_serving_version_and_scenarios(tmp_path, database):
    # Computed on every GET, a review cost 2.5 s and 80 KB kept for good; now each worker serves
    # the stored one until the content, the serving version or the scenario file changes.
    worker_a = make_app(tmp_path, database=database).test_client()
    worker_b = make_app(tmp_path, database=database).test_client()     # same store, same var directory
    draft = worker_a.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")},
                          headers=as_("ann")).json
    review = f"{M}/versions/{draft['number']}/review"
    evidence = lambda answer: {k: v for k, v in answer.items() if k != "read_by"}   # noqa: E731 (each read is recorded)
    first = evidence(worker_a.get(review, headers=as_("cat")).json)
    worker_a.post(f"{M}/evaluate", json={"inputs": {"Age": 19, "RiskCategory": "Low", "isAffordable": True}},
                  headers=as_("eve"))                                  # a newer audited case
    assert evidence(worker_b.get(review, headers=as_("fay")).json) == first \
        == evidence(worker_a.get(review, headers=as_("cat")).json)
    assert _reviews_stored(database) == 1

    (tmp_path / "decisions" / "simpletable.scenarios.yaml").write_text(
        "model: simpletable.dmn\ndecision: Approval Status\n"
        "base_inputs: {Age: 30, RiskCategory: Low, isAffordable: true}\nscenarios: []\n")
    with_scenarios = evidence(worker_b.get(review, headers=as_("cat")).json)
    assert with_scenarios["digest"] != first["digest"] and with_scenarios["evidence"]["scenarios"]["file"]
    assert evidence(worker_a.get(review, headers=as_("cat")).json) == with_scenarios and _reviews_stored(database) == 2

    edited = worker_a.put(f"{M}/versions/{draft['number']}", headers=as_("ann"), json={
        "content": SOURCE.replace("&gt;=18", "&gt;=22"), "sha256": draft["sha256"]}).json
    after_edit = worker_b.get(review, headers=as_("cat")).json
    assert after_edit["sha256"] == edited["sha256"] != first["sha256"] and _reviews_stored(database) == 3

    other = worker_a.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=30")},
                          headers=as_("bob")).json
    path = f"{M}/versions/{other['number']}"
    worker_a.post(f"{path}:submit", json={"sha256": other["sha256"]}, headers=as_("bob"))
    digest = worker_a.get(f"{path}/review", headers=as_("cat")).json["digest"]
    worker_a.post(f"{path}:approve", json={"sha256": other["sha256"], "evidence": digest}, headers=as_("cat"))
    assert worker_a.post(f"{path}:publish", json={"sha256": other["sha256"]}, headers=as_("cat")).status_code == 200
    against_new = worker_b.get(review, headers=as_("cat")).json
    assert against_new["evidence"]["serving"]["number"] == other["number"] and _reviews_stored(database) == 5
    assert worker_a.get(review, headers=as_("cat")).json == against_new
