"""The reload gate (issue 5) under the versions store (issue 13): a reload imports a file whose
content is new as a draft and never publishes it; validation errors and failing scenarios reject
the file (422, nothing imported) and what serves is unchanged; warnings are shown, not blocking.
And the export blueprint's error shape."""
import shutil
from pathlib import Path

import pytest

from webapp.app import create_app
from webapp.store.keys import hash_key
from support.problems import by_field

DATA = Path(__file__).parent / "data"
ADMIN = {"Authorization": "Bearer admin"}
SCENARIOS = """model: simpletable.dmn
decision: Approval Status
base_inputs: {Age: 30, RiskCategory: Low, isAffordable: true}
scenarios:
  - title: adult low risk is approved
    expected: {expected}
  - title: minors are declined
    inputs: {Age: 10}
    expected: Declined
"""


@pytest.fixture
def setup(tmp_path):
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    (models / "simpletable.scenarios.yaml").write_text(SCENARIOS.replace("{expected}", "Approved"))
    app = create_app({"MODELS_DIR": str(models), "VAR_DIR": str(tmp_path / "var"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
                      "API_KEYS": f"{hash_key('admin')}:evaluate,audit,author,admin:Ada Admin"})
    return app, app.test_client(), models


def _edit(models: Path, old: str, new: str) -> None:
    path = models / "simpletable.dmn"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _version(client) -> str:
    return client.get("/api/v1/models", headers=ADMIN).json["models"][0]["version"]


def test_model_with_passing_scenarios_is_seeded_as_version_1_published(setup):
    app, client, _ = setup
    assert [m["id"] for m in client.get("/api/v1/models", headers=ADMIN).json["models"]] == ["simpletable"]
    assert _versions(client) == [(1, "published", "files")]


def _versions(client) -> list[tuple]:
    listing = client.get("/api/v1/models/simpletable/versions", headers=ADMIN).json["versions"]
    return [(v["number"], v["state"], v["author"]) for v in listing]


def test_validation_error_rejects_the_reload(setup):
    _, client, models = setup
    good = _version(client)
    _edit(models, "<text>&lt;18</text>", "<text>&lt;=18</text>")     # overlaps rule 1 at 18 under U
    r = client.post("/api/v1/models:reload", headers=ADMIN)
    assert r.status_code == 422
    problems = by_field(r.json)["rejected"]["simpletable"]
    assert any("overlap" in p for p in problems), problems
    assert _version(client) == good and _versions(client) == [(1, "published", "files")]


def test_warnings_do_not_block_and_the_file_becomes_a_draft_not_what_serves(setup):
    _, client, models = setup
    good = _version(client)
    _edit(models, "<text>&lt;18</text>", "<text>&lt;17</text>")      # a gap at [17..18): a warning
    r = client.post("/api/v1/models:reload", headers=ADMIN)
    assert r.status_code == 200 and not r.json["rejected"]
    assert any("gap" in w for w in r.json["warnings"]["simpletable"])
    assert [(d["id"], d["number"]) for d in r.json["drafts"]] == [("simpletable", 2)]
    assert _version(client) == good
    assert _versions(client) == [(1, "published", "files"), (2, "draft", "Ada Admin")]     # who reloaded
    again = client.post("/api/v1/models:reload", headers=ADMIN).json      # nothing new: no second draft
    assert again["drafts"] == [] and again["unchanged"] == [{"id": "simpletable", "number": 2}]
    assert len(_versions(client)) == 2


def test_failing_scenario_rejects_the_reload(setup):
    _, client, models = setup
    good = _version(client)
    (models / "simpletable.scenarios.yaml").write_text(SCENARIOS.replace("{expected}", "Declined"))
    _edit(models, 'outputLabel="Approval Status"', 'outputLabel="Approval status"')   # a new version
    r = client.post("/api/v1/models:reload", headers=ADMIN).json
    assert by_field(r)["rejected"]["simpletable"] == [
        "scenario 'adult low risk is approved' []: expected 'Declined', got 'Approved'"]
    assert _version(client) == good and len(_versions(client)) == 1
    # every process shows the rejection: it is in the store, not in the worker that reloaded
    status = client.get("/readyz").json["models"][0]["rejected"]
    assert status["errors"] == by_field(r)["rejected"]["simpletable"] and len(status["version"]) == 64


def test_model_rejected_at_start_is_not_served(tmp_path):
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    (models / "simpletable.scenarios.yaml").write_text(SCENARIOS.replace("{expected}", "Declined"))
    app = create_app({"MODELS_DIR": str(models), "VAR_DIR": str(tmp_path / "var"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
                      "API_KEYS": f"{hash_key('admin')}:admin"})
    assert app.test_client().get("/api/v1/models", headers=ADMIN).json["models"] == []


def test_export_errors_use_the_api_envelope(setup):
    _, client, _ = setup
    for url, status in (("/api/v1/models/nope/export", 404),
                        ("/api/v1/models/simpletable/export?format=doc", 422),
                        ("/api/v1/models/nope/validation", 404)):
        r = client.get(url, headers=ADMIN)
        assert r.status_code == status and r.mimetype == "application/problem+json"
        assert set(r.json) == {"type", "title", "status", "detail", "code", "errors", "request_id"} and r.json["status"] == status
    empty = client.post("/api/v1/validation", data=b"", headers={**ADMIN, "Content-Type": "application/xml"})
    assert empty.status_code == 400 and empty.json["code"] == "bad_request"


def test_export_and_validation_answer(setup):
    _, client, _ = setup
    html = client.get("/api/v1/models/simpletable/export?format=html", headers=ADMIN)
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.headers["X-Model-Version"] == _version(client)
    report = client.get("/api/v1/models/simpletable/validation", headers=ADMIN).json
    assert report["valid"] is True and report["counts"]["error"] == 0


def test_export_is_in_the_openapi_document(setup):
    _, client, _ = setup
    paths = client.get("/openapi.json").json["paths"]
    assert {"/api/v1/models/{model}/export", "/api/v1/models/{model}/validation",
            "/api/v1/validation"} <= set(paths)
    assert "422" in paths["/api/v1/models/{model}/export"]["get"]["responses"]
