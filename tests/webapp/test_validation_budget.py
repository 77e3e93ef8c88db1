"""Uploaded models are analysed in a child process under a time budget: past it the answer is 422
"model too complex", the child is gone and the worker serves the next request."""
import os
import time

import pytest

from support.apps import DATA, make_app
from webapp.governance import bounded

UPLOAD = "/api/v1/validation"


def _forever(_data):
    time.sleep(3600)


def _upload(client, auth, data, who="author"):
    return client.post(UPLOAD, data=data, headers={**auth(who), "Content-Type": "application/xml"})


def test_work_past_its_budget_is_stopped_and_the_child_killed():
    before = _children()
    with pytest.raises(bounded.OverBudget):
        bounded.run(_forever, b"", seconds=0.5)
    # The child was killed and reaped: no process of ours is left that was not there before.
    assert _children() <= before


def _children() -> set[int]:
    """The pids whose parent is this process (other fixtures may have started some)."""
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(pid))
    return found


def test_an_exception_in_the_child_reaches_the_parent():
    with pytest.raises(bounded.ChildFailed, match="ZeroDivisionError"):
        bounded.run(lambda: 1 / 0, seconds=60)
    assert bounded.run(sorted, [3, 1, 2], seconds=60) == [1, 2, 3]


def _allocate(size: int) -> int:
    return len(bytearray(size))


def test_the_child_may_grow_by_its_memory_cap_only():
    """Past the cap an allocation fails in the child, which answers that it ran out: the worker
    is not the one the host's memory runs out in."""
    with pytest.raises(bounded.OverBudget, match="more than 64 MB of memory"):
        bounded.run(_allocate, 256 * 1024 * 1024, seconds=600, memory_mb=64)
    assert bounded.run(_allocate, 16 * 1024 * 1024, seconds=600, memory_mb=64) == 16 * 1024 * 1024
    assert bounded.run(_allocate, 256 * 1024 * 1024, seconds=600) == 256 * 1024 * 1024     # no cap asked


def test_an_upload_over_the_budget_is_422_and_the_service_goes_on(tmp_path, auth, monkeypatch):
    app = make_app(tmp_path, VALIDATION_BUDGET_S=0.5)
    client = app.test_client()
    monkeypatch.setattr("webapp.governance.validation.as_json", _forever)
    r = _upload(client, auth, (DATA / "simpletable.dmn").read_bytes())
    assert r.status_code == 422 and r.json["detail"].startswith("model too complex")
    assert client.get("/readyz").status_code == 200


def test_a_real_model_too_large_to_analyse_in_a_tiny_budget_is_422(tmp_path, auth):
    # 2,000 overlapping rules: pairwise analysis takes seconds, far past 50 ms on any machine.
    rules = "".join(f'<rule id="r{i}"><inputEntry id="i{i}"><text>&gt;= {i}</text></inputEntry>'
                    f'<outputEntry id="o{i}"><text>"{i}"</text></outputEntry></rule>' for i in range(2000))
    app = make_app(tmp_path, VALIDATION_BUDGET_S=0.05, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    big = _big_table(rules)
    r = _upload(app.test_client(), auth, big.encode())
    assert r.status_code == 422 and "too complex" in r.json["detail"], r.json


def _big_table(rules: str) -> str:
    return ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="big" '
            'namespace="http://x"><inputData id="x" name="X"><variable name="X" typeRef="number"/></inputData>'
            '<decision id="t" name="T"><variable name="T" typeRef="string"/>'
            '<informationRequirement id="q"><requiredInput href="#x"/></informationRequirement>'
            '<decisionTable id="dt" hitPolicy="UNIQUE"><input id="in"><inputExpression id="ie" typeRef="number">'
            '<text>X</text></inputExpression></input><output id="out" typeRef="string"/>'
            + rules + '</decisionTable></decision></definitions>')


def test_an_upload_within_the_budget_answers_its_findings(client, auth):
    r = _upload(client, auth, (DATA / "simpletable.dmn").read_bytes())
    assert r.status_code == 200 and r.json["valid"] is True


def test_uploading_needs_the_author_role_and_an_xml_body(client, auth):
    data = (DATA / "simpletable.dmn").read_bytes()
    assert _upload(client, auth, data, who="evaluate").status_code == 403
    r = client.post(UPLOAD, data=data, headers={**auth("author"), "Content-Type": "application/json"})
    assert r.status_code == 415


DOCTYPE_MODEL = (DATA / "simpletable.dmn").read_text().replace(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)


@pytest.mark.parametrize("model", [
    DOCTYPE_MODEL,
    '<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://127.0.0.1:9/x.dtd"><definitions/>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aa"><!ENTITY b "&a;&a;&a;&a;">]><definitions>&b;</definitions>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi"))
    + ']><definitions>&i;</definitions>',
], ids=["external-entity", "external-dtd", "entity-expansion", "billion-laughs"])
def test_a_dtd_or_entity_in_an_upload_is_422_naming_the_problem(client, auth, model):
    assert "DOCTYPE" in model
    r = _upload(client, auth, model.encode())
    assert r.status_code == 422 and "DTDs and entities are not allowed" in r.json["detail"], r.json
