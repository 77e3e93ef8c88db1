"""The audit search the console's Audit page runs (issue 13): determinations by model version (its
sha256 or first digits) and by outcome, with time and paging as before; on SQLite and PostgreSQL."""
import copy
import json

import pytest

from support.apps import CAR_T, CAR_T_ID, make_app, ROOT
from support.people import as_

REQUEST = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())


@pytest.fixture
def client(tmp_path, database):
    app = make_app(tmp_path, models=(CAR_T,), database=database)
    yield app.test_client()
    app.extensions["audit"].close()


def test_determinations_by_version_and_outcome(client):
    unknown_pharmacy = copy.deepcopy(REQUEST)
    unknown_pharmacy["Request"]["pharmacy_approved"] = None
    answers = [client.post("/api/v1/car-t/determinations", json=case, headers=as_("eve")).json
               for case in (REQUEST, unknown_pharmacy, REQUEST)]
    outcomes = [a["determination"] for a in answers]
    assert outcomes[0] == outcomes[2] != outcomes[1]
    version = answers[0]["model_version"]

    def ids(query):
        page = client.get(f"/api/v1/evaluations?{query}", headers=as_("ida"))
        assert page.status_code == 200, page.json
        return [item["id"] for item in page.json["items"]]
    everything = [a["evaluation_id"] for a in answers]
    assert ids(f"version={version}") == ids(f"version={version[:7]}") == everything
    assert ids("version=0000000") == []
    assert ids(f"outcome={outcomes[0]}&model={CAR_T_ID}") == [everything[0], everything[2]]
    assert ids(f"outcome={outcomes[1]}&version={version[:12]}") == [everything[1]]
    assert client.get("/api/v1/evaluations?version=%25", headers=as_("ida")).status_code == 422
