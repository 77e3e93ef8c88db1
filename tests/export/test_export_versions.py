"""Issue 22 §6: an export of any version (`?version=N`, silently ignored before), with the approval
its content carries (who, when, the evidence digest, the comment) on the first page."""
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from support.apps import make_app
from support.people import as_, name_of

DATA = Path(__file__).parent / "data"
M = "/api/v1/models/boxed"
COMMENT = "=HYPERLINK(\"http://x\") per the committee, 12 May"      # a spreadsheet must not run it


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    """Version 1 seeded from the file, version 2 (one annotation changed) submitted by ann and
    approved by cat with COMMENT, not published."""
    tmp_path = tmp_path_factory.mktemp("export-versions")
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "boxed-kinds.dmn", models / "boxed.dmn")
    app = make_app(tmp_path, ())
    client = app.test_client()
    source = client.get(f"{M}/versions/1/dmn", headers=as_("ann")).get_data(as_text=True)
    assert "Store rule 4.1" in source
    draft = client.post(f"{M}/versions", json={"content": source.replace("Store rule 4.1", "Store rule 4.1 (2026)"),
                                               "comment": "cite the 2026 store rules"}, headers=as_("ann")).json
    number, sha = draft["number"], draft["sha256"]
    assert client.post(f"{M}/versions/{number}:submit", json={"sha256": sha}, headers=as_("ann")).status_code == 200
    digest = client.get(f"{M}/versions/{number}/review", headers=as_("cat")).json["digest"]
    approval = client.post(f"{M}/versions/{number}:approve", json={"sha256": sha, "evidence": digest,
                                                                    "comment": COMMENT}, headers=as_("cat"))
    assert approval.status_code == 200, approval.json
    yield client, number, sha, digest, approval.json
    app.extensions["audit"].close()


def test_an_export_of_a_version_is_that_version_with_its_approval_first(approved):
    client, number, sha, digest, version = approved
    html = client.get(f"{M}/export?format=html&version={number}", headers=as_("eve"))
    assert html.status_code == 200, html.json
    assert html.headers["X-Model-Version"] == sha and html.headers["X-Version-Number"] == str(number)
    text = html.get_data(as_text=True)
    assert "Store rule 4.1 (2026)" in text
    record = text[text.index('id="approval-record"'):text.index("</section>", text.index('id="approval-record"'))]
    assert text.index('id="approval-record"') < text.index('id="contents"')        # on the first page
    assert f"Version {number}: approved" in record
    assert name_of("cat") in record and digest in record
    approved_step = [s for s in version["steps"] if s["action"] == "approved"][0]
    assert approved_step["at"] in record
    assert "per the committee, 12 May" in record


def test_without_a_version_the_export_is_the_serving_one_and_says_it_has_no_approval(approved):
    client, number, sha, _, _ = approved
    serving = client.get(f"{M}/export?format=html", headers=as_("eve"))
    first = client.get(f"{M}/export?format=html&version=1", headers=as_("eve"))
    for answer in (serving, first):
        assert answer.status_code == 200 and answer.headers["X-Version-Number"] == "1"
        text = answer.get_data(as_text=True)
        assert "Store rule 4.1 (2026)" not in text and "Store rule 4.1" in text
        assert "No approval record: published from the files in decisions/" in text
    assert serving.headers["X-Model-Version"] != sha


def test_every_format_carries_the_approval_and_escapes_the_comment(approved):
    client, number, _, digest, _ = approved
    md = client.get(f"{M}/export?format=md&version={number}", headers=as_("eve")).get_data(as_text=True)
    assert f"## Version {number}: approved" in md and digest in md and name_of("cat") in md
    xlsx = client.get(f"{M}/export?format=xlsx&version={number}", headers=as_("eve"))
    assert f"-v{number}-" in xlsx.headers["Content-Disposition"]
    cover = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx.data))["Cover"].iter_rows(values_only=True)}
    assert cover["Approved by"] == name_of("cat") and cover["Evidence read (digest)"] == digest
    assert cover["Approval comment"] == COMMENT                      # stored as text, quote-prefixed
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{M}/export?format=csv&version={number}",
                                                    headers=as_("eve")).data))
    version_csv = archive.read("version.csv").decode()
    assert digest in version_csv and "'=HYPERLINK" in version_csv


def test_a_version_that_does_not_exist_is_404_and_a_bad_number_422(approved):
    client, number, _, _, _ = approved
    assert client.get(f"{M}/export?version={number + 5}", headers=as_("eve")).status_code == 404
    for bad in ("0", "two", "-1"):
        answer = client.get(f"{M}/export?version={bad}", headers=as_("eve"))
        assert answer.status_code == 422, bad


def test_publishing_keeps_the_approval_on_the_serving_export(approved):
    client, number, sha, digest, _ = approved
    published = client.post(f"{M}/versions/{number}:publish", json={"sha256": sha, "comment": "go"},
                            headers=as_("cat"))
    assert published.status_code == 200, published.json
    serving = client.get(f"{M}/export?format=html", headers=as_("eve"))
    assert serving.headers["X-Version-Number"] == str(number) and serving.headers["X-Model-Version"] == sha
    text = serving.get_data(as_text=True)
    assert f"Version {number}: published" in text and digest in text and name_of("cat") in text
    assert "Published</dt>" in text
    assert "Version 1: retired" in client.get(f"{M}/export?format=html&version=1", headers=as_("eve")).get_data(as_text=True)
