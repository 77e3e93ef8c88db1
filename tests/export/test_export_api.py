"""The export/validation blueprint over HTTP."""
import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook

from webapp.api.export import bp

DATA = Path(__file__).parent.parent / "analysis" / "data"


@pytest.fixture()
def client(tmp_path):
    from webapp import migrate
    from webapp.audit import AuditStore
    from webapp.registry import ModelRegistry
    from webapp.versions import VersionStore
    models = tmp_path / "models"
    models.mkdir()
    (models / "seeded.dmn").write_bytes((DATA / "seeded-defects.dmn").read_bytes())
    url = f"sqlite:///{tmp_path / 'var' / 'audit.sqlite3'}"
    migrate.upgrade(url)
    registry = ModelRegistry(models, tmp_path / "var", VersionStore(AuditStore(url).engine))
    assert [m["id"] for m in registry.reload()["loaded"]] == ["seeded"]
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.extensions["model_registry"] = registry
    return app.test_client()


def test_export_formats(client):
    html = client.get("/api/v1/models/seeded/export?format=html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert b"<svg" in html.data and b"r_masked" in html.data
    xlsx = client.get("/api/v1/models/seeded/export?format=xlsx")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["Cover", "Decisions", "Discount", "Route", "Flag", "Data dictionary"]
    assert client.get("/api/v1/models/seeded/export?format=md").data.startswith(b"# Seeded defects")


def test_bad_format_and_unknown_model(client):
    bad = client.get("/api/v1/models/seeded/export?format=docx")
    assert bad.status_code == 422 and bad.mimetype == "application/json"
    body = bad.get_json()
    assert body["status"] == 422 and "format" in str(body["errors"])
    assert client.get("/api/v1/models/nope/export").status_code == 404


def test_validation_of_loaded_and_uploaded_models(client):
    report = client.get("/api/v1/models/seeded/validation").get_json()
    assert report["valid"] is False and report["counts"]["error"] == 2
    assert {f["code"] for f in report["findings"]} >= {"overlap", "gap", "dead-rule"}
    uploaded = client.post("/api/v1/validation", data=(DATA / "semantic-errors.dmn").read_bytes())
    assert uploaded.status_code == 200
    assert "cycle" in {f["code"] for f in uploaded.get_json()["findings"]}
    assert client.post("/api/v1/validation", data=b"").status_code == 400
