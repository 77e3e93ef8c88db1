"""A real service for the browser tests: tests/support/servers.py's `python -m webapp serve` with the
keys of support.people.PEOPLE and the CAR-T model; with configured keys the master prints none."""
import json
from pathlib import Path

import pytest

from support.apps import CAR_T, CAR_T_SCENARIOS, ROOT
from support.people import key_of, key_spec
from support.servers import Server


class ConsoleServer(Server):
    def __init__(self, tmp_path: Path, models, workers: int = 2):
        super().__init__(tmp_path, workers=workers, models=models, env_extra={"CAR_T_API_KEYS": key_spec()})
        self.key = key_of("eve")        # Server.post's key: a caller with the `evaluate` role

    def audited_three(self) -> None:
        """Three determinations for the audit pages: the example request, the same with the pharmacy's
        approval unknown (it pends), and the example again."""
        request = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
        unknown = {**request, "Request": {**request["Request"], "pharmacy_approved": None}}
        for case in (request, unknown, request):
            self.post("/api/v1/car-t/determinations", case)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The CAR-T model and its scenarios served to one test module."""
    running = ConsoleServer(tmp_path_factory.mktemp("console"), (CAR_T, CAR_T_SCENARIOS))
    assert running.ready() == 200
    yield running
    running.stop()
