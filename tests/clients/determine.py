"""A caller of the service written against the Python client that openapi-python-client generates
from /openapi.json (as `car_t_client`): it determines one CAR-T request and reads a 422's field
errors. tests/clients/test_generated_clients.py type-checks it (mypy --strict) and runs it."""
import json
import sys

from car_t_client import AuthenticatedClient
from car_t_client.api.car_t import determine
from car_t_client.models import CarTInputs, DeterminationAnswer, Error


def determined(base_url: str, key: str, request: dict[str, object]) -> dict[str, object]:
    """{"determination", "disposition"} of a 200, or {"status", "code", "errors": [[pointer, detail]]}."""
    client = AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)
    answer = determine.sync(client=client, body=CarTInputs.from_dict(request))
    if isinstance(answer, DeterminationAnswer):
        return {"determination": None if answer.determination is None else answer.determination.value,
                "disposition": None if answer.disposition is None else answer.disposition.value}
    if isinstance(answer, Error):
        return {"status": answer.status, "code": answer.code.value,
                "errors": [[found.pointer, found.detail] for found in answer.errors]}
    raise RuntimeError("no answer")


if __name__ == "__main__":
    base, key, path = sys.argv[1:4]
    with open(path, encoding="utf-8") as file:
        print(json.dumps(determined(base, key, json.load(file))))
