"""Exports and validation over HTTP, through the service as it runs (webapp.app)."""
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from support.apps import make_app
from support.people import as_

DATA = Path(__file__).parent / "data"
SEEDED = Path(__file__).parent.parent / "analysis" / "data" / "seeded-defects.dmn"


@pytest.fixture()
def client(tmp_path):
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "boxed-kinds.dmn", models / "boxed.dmn")
    app = make_app(tmp_path, ())
    yield app.test_client()
    app.extensions["audit"].close()


AUTH = as_("all")


def test_export_formats(client):
    html = client.get("/api/v1/models/boxed/export?format=html", headers=AUTH)
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert b'data-rule-id="r_minor"' in html.data and b"sum(Amounts)" in html.data
    xlsx = client.get("/api/v1/models/boxed/export?format=xlsx", headers=AUTH)
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["Cover", "Decisions", "Logic",
                                                              "Summary - Age grade", "Data dictionary"]
    md = client.get("/api/v1/models/boxed/export?format=md", headers=AUTH)
    assert md.data.startswith(b"# Boxed kinds")


def test_bad_format_and_unknown_model(client):
    bad = client.get("/api/v1/models/boxed/export?format=docx", headers=AUTH)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert client.get("/api/v1/models/nope/export", headers=AUTH).status_code == 404


def test_validation_findings_name_table_row_and_column(client):
    report = client.get("/api/v1/models/boxed/validation", headers=AUTH).get_json()
    assert report["valid"] is True
    uploaded = client.post("/api/v1/validation", data=SEEDED.read_bytes(),
                           headers={**AUTH, "Content-Type": "application/xml"})
    assert uploaded.status_code == 200, uploaded.get_json()
    findings = uploaded.get_json()["findings"]
    [dead] = [f for f in findings if f["code"] == "dead-rule"]
    assert (dead["table"], dead["rows"], dead["rule_ids"], dead["masked_by"]) == \
        ("Route", [3], ["r_masked"], ["r_north", "r_south"])
    assert {f["code"] for f in findings} >= {"overlap", "gap"}
