"""CDS Hooks discovery: the CAR-T CRD services (order-sign, a primary hook, and order-select), the
prefetch every call needs (the patient and the one Coverage) and the CRD version; it names no patient,
so it takes no JWT."""
import pytest

from ehr_support import make_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("discovery")).test_client()


def test_discovery_names_the_services_their_prefetch_and_the_crd_version(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json["services"]}
    assert {s["hook"] for s in services.values()} == {"order-sign", "order-select"}
    for service in services.values():
        assert service["prefetch"] == {"patient": "Patient/{{context.patientId}}",
                                       "coverage": "Coverage?patient={{context.patientId}}&status=active"}
        assert service["extension"]["davinci-crd.version"] == ["2.2"]
        assert service["description"] and service["title"]
        codes = {o["code"] for o in service["extension"]["davinci-crd.configuration-options"]}
        assert {"coverage-info", "max-cards"} <= codes


def test_each_discovered_service_answers_its_hook(client):
    for service in client.get("/cds-services").json["services"]:
        response = client.post(f"/cds-services/{service['id']}", json={})
        assert response.status_code == 401           # it exists and wants the EHR's JWT
