"""/openapi.json is a valid OpenAPI 3.1 document that says exactly what the service does: nested
inputs are their schemas (or null, nothing else), the model schema embedded in GET /models/{m}
resolves on its own, and /docs is Swagger UI served from this app, never from a CDN."""
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate

from support.apps import make_app

ROOT = Path(__file__).resolve().parents[2]
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
EXAMPLE = ROOT / "docs" / "examples" / "car-t-request.json"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("openapi"), models=("simpletable.dmn", "ranges.dmn", str(CAR_T)),
                    MAX_CONTENT_LENGTH=2 * 1024 * 1024).test_client()


@pytest.fixture(scope="module")
def doc(client):
    return client.get("/openapi.json").json


def test_the_document_passes_openapi_spec_validator(doc):
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_no_schema_lets_anything_through_where_a_structure_is_declared(doc):
    for node in _walk(doc["components"]["schemas"]):
        for alternatives in (node.get("anyOf"), node.get("oneOf")):
            if alternatives and any("$ref" in a for a in alternatives):
                # A nullable structure is its $ref or null: never a bare object beside it.
                assert all("$ref" in a or a == {"type": "null"} for a in alternatives), node


def test_every_response_has_a_description(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or method.startswith("x-"):
                continue
            for status, response in operation["responses"].items():
                assert "$ref" in response or response.get("description"), (method, path, status)


def test_the_car_t_request_is_documented_from_the_model(doc):
    body = doc["paths"]["/api/v1/car-t/determinations"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/CarTInputs"}
    inputs = doc["components"]["schemas"]["CarTInputs"]
    assert set(inputs["required"]) == set(inputs["properties"]) >= {"Request", "History", "Assessment", "Documentation"}


def test_every_path_parameter_naming_a_model_has_a_loaded_example(doc):
    found = 0
    for item in doc["paths"].values():
        for parameter in [*item.get("parameters", []), *(p for k, op in item.items() if isinstance(op, dict) and k != "parameters"
                                                          for p in op.get("parameters", []))]:
            if parameter["name"] == "model" and parameter["in"] == "path":
                assert parameter["example"] == CAR_T.stem
                found += 1
    assert found >= 4


def test_evaluate_is_documented_per_loaded_model_with_its_own_inputs(doc):
    assert "/api/v1/models/{model}/evaluate" not in doc["paths"]
    for model in ("simpletable", "ranges", CAR_T.stem):
        item = doc["paths"][f"/api/v1/models/{model}/evaluate"]
        assert item["x-path-template"] == "/api/v1/models/{model}/evaluate"
        body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        inputs = doc["components"]["schemas"][body["properties"]["inputs"]["$ref"].rsplit("/", 1)[1]]
        assert inputs["additionalProperties"] is False and inputs["properties"]
    simple = doc["paths"]["/api/v1/models/simpletable/evaluate"]["post"]["requestBody"]["content"]
    decisions = simple["application/json"]["schema"]["properties"]["decisions"]["items"]["$ref"].rsplit("/", 1)[1]
    assert doc["components"]["schemas"][decisions]["enum"] == ["Approval Status"]


def _operations(doc):
    return [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and method != "parameters"]


def test_every_operation_has_a_readable_operation_id_of_its_own(doc):
    ids = [op.get("operationId") for _, _, op in _operations(doc)]
    assert None not in ids and len(set(ids)) == len(ids)
    assert {"determine", "determineBatch", "approveVersion", "validateUpload", "evaluateSimpletable"} <= set(ids)
    assert all(i.isidentifier() and "api" not in i.lower() for i in ids), ids


def test_every_enum_is_one_named_component(doc):
    inline = [node for node in _walk(doc["paths"]) if "enum" in node]
    inline += [node for name, schema in doc["components"]["schemas"].items()
               for node in _walk(schema.get("properties", {})) if "enum" in node]
    assert inline == []
    determination = doc["components"]["schemas"]["DeterminationAnswer"]["properties"]["determination"]
    assert determination["anyOf"] == [{"$ref": "#/components/schemas/Outcome"}, {"type": "null"}]
    assert None not in doc["components"]["schemas"]["Outcome"]["enum"]
    line = doc["components"]["schemas"]["CarTInputs.Trequest"]["properties"]["line_of_business"]
    assert line == doc["components"]["schemas"][f"Inputs.{CAR_T.stem}.Trequest"]["properties"]["line_of_business"]


def test_every_error_answer_is_problem_details(doc):
    # /readyz's 503 is its readiness document; the EHR's errors are FHIR OperationOutcomes (CRD)
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            if "$ref" in response:
                response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            if status.startswith(("4", "5", "d")) and not path.startswith(("/cds-services", "/Questionnaire", "/readyz")):
                assert list(response.get("content", {})) == ["application/problem+json"], (method, path, status)
    problem = doc["components"]["schemas"]["Error"]
    assert {"type", "title", "status", "detail", "code", "request_id", "errors"} <= set(problem["required"])
    assert doc["components"]["schemas"]["FieldError"]["required"] == ["detail", "pointer"]


def test_binary_and_xml_answers_are_declared_as_such(doc):
    export = doc["paths"]["/api/v1/models/{model}/export"]["get"]["responses"]["200"]["content"]
    assert export["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"]["format"] == "binary"
    assert export["application/pdf"]["schema"]["format"] == "binary"
    assert not list(export)[0].startswith("text/")        # a client reads bytes first, text would corrupt XLSX
    dmn = doc["paths"]["/api/v1/models/{model}/dmn"]["get"]["responses"]["200"]["content"]
    assert list(dmn) == ["application/xml"]


def test_every_request_body_has_an_example_and_the_determination_example_answers(doc, client):
    from support.people import as_
    for path, method, op in _operations(doc):
        if "requestBody" in op:
            assert all("example" in c for c in op["requestBody"]["content"].values()), (method, path)
    example = doc["paths"]["/api/v1/car-t/determinations"]["post"]["requestBody"]["content"]["application/json"]["example"]
    answer = client.post("/api/v1/car-t/determinations", json=example, headers=as_("eve"))
    assert answer.status_code == 200 and answer.json["determination"] == "medically_appropriate"
    for model in ("simpletable", CAR_T.stem):
        body = doc["paths"][f"/api/v1/models/{model}/evaluate"]["post"]["requestBody"]["content"]["application/json"]
        assert client.post(f"/api/v1/models/{model}/evaluate", json=body["example"], headers=as_("eve")).status_code == 200


def test_the_embedded_input_schema_resolves_and_matches_what_the_service_accepts(client):
    from support.people import as_
    schema = client.get(f"/api/v1/models/{CAR_T.stem}", headers=as_()).json["inputs_schema"]
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    import json
    example = json.loads(EXAMPLE.read_text())
    assert list(validator.iter_errors(example)) == []
    broken = json.loads(EXAMPLE.read_text())
    broken["Request"]["unknown_field"] = 1
    assert list(validator.iter_errors(broken))


def test_docs_is_swagger_ui_served_by_the_app(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="/docs/assets/swagger-ui-bundle.js"' in html and "http" not in html.replace("http-equiv", "")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.data
    assert b"/openapi.json" in client.get("/docs/init.js").data
