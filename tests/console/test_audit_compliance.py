"""Issue 22 §6, the audit as a compliance officer uses it (API side): outcome and disposition are
pick-lists, so a typo is a 422 and never a silent empty page; a disposition filter; the records a
search finds as CSV, every cell escaped against formula injection, with the matched rules by
decision and no inputs; on SQLite and PostgreSQL."""
import copy
import csv
import io
import json

import pytest

from support.apps import CAR_T, CAR_T_ID, make_app, ROOT
from support.people import as_, name_of

REQUEST = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())


@pytest.fixture
def answered(tmp_path, database):
    app = make_app(tmp_path, models=(CAR_T,), database=database)
    client = app.test_client()
    unknown_pharmacy = copy.deepcopy(REQUEST)
    unknown_pharmacy["Request"]["pharmacy_approved"] = None
    answers = [client.post("/api/v1/car-t/determinations", json=case, headers=as_("eve")).json
               for case in (REQUEST, unknown_pharmacy, REQUEST)]
    yield client, answers
    app.extensions["audit"].close()


def test_a_typo_in_outcome_or_disposition_is_refused_not_an_empty_page(answered):
    client, _ = answered
    for query in ("outcome=medically_apropriate", "disposition=aprove", "outcome=", "disposition=APPROVE"):
        answer = client.get(f"/api/v1/evaluations?{query}", headers=as_("ida"))
        assert answer.status_code == 422, query
        assert answer.json["code"]


def test_dispositions_narrow_the_search(answered):
    client, answers = answered
    pended = [a["evaluation_id"] for a in answers if a["disposition"] == "pend_for_information"]
    approved = [a["evaluation_id"] for a in answers if a["disposition"] == "approve"]
    assert len(pended) == 1 and len(approved) == 2

    def ids(query):
        page = client.get(f"/api/v1/evaluations?{query}", headers=as_("ida"))
        assert page.status_code == 200, page.json
        return [item["id"] for item in page.json["items"]]
    assert ids("disposition=pend_for_information") == pended
    assert ids(f"disposition=approve&model={CAR_T_ID}") == approved
    assert ids("disposition=approve&outcome=documentation_incomplete") == []


def test_the_csv_holds_every_record_found_escaped_with_rules_by_decision(answered):
    client, answers = answered
    answer = client.get("/api/v1/evaluations.csv?disposition=approve", headers=as_("ida"))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [r["evaluation_id"] for r in rows] == [a["evaluation_id"] for a in answers if a["disposition"] == "approve"]
    assert {r["determination"] for r in rows} == {"medically_appropriate"}
    assert rows[0]["caller_name"] == name_of("eve")
    assert "Policy Parameters: row 1 (Statements I.C" in rows[0]["matched_rules"]
    assert "Determination: row" in rows[0]["matched_rules"]
    assert "pharmacy_approved" not in answer.get_data(as_text=True)       # no inputs (patient data)
    everything = client.get("/api/v1/evaluations.csv", headers=as_("ida")).get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 3
    assert client.get("/api/v1/evaluations.csv", headers=as_("cat")).status_code == 403


def test_a_cell_a_spreadsheet_would_run_is_text(tmp_path):
    from webapp.export.audit_csv import audit_csv
    record = {"id": "e1", "created_at": "2026-05-01T00:00:00+00:00", "model_id": "m", "model_version": "ab",
              "endpoint": "evaluate", "caller": "k", "caller_name": "=cmd|' /C calc'!A0", "case_id": "=SUM(1)",
              "outputs": {"determination": "+1", "disposition": "@SUM(A1)", "findings": [{"id": "-2"}]},
              "matched_rules": {"=D": [{"index": 1, "annotations": {"policy section": "=HYPERLINK()"}}]}}
    [row] = list(csv.DictReader(io.StringIO("".join(audit_csv([record])))))
    assert row["caller_name"] == "'=cmd|' /C calc'!A0" and row["case_id"] == "'=SUM(1)"
    assert (row["determination"], row["disposition"], row["findings"]) == ("'+1", "'@SUM(A1)", "'-2")
    assert row["matched_rules"] == "'=D: row 1 (=HYPERLINK())"
