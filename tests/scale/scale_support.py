"""What the scale tests share: the CAR-T model, its scenarios' base request, and the service tests'
databases (SQLite, and PostgreSQL on a private server). A module of its own, imported by the test
modules, not a conftest.py: test modules elsewhere import their own directory's `conftest`, and a
second one here would take that name when both directories are given to pytest."""
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapp"))

from databases import database, postgres_database, postgres_server  # noqa: E402,F401 (fixtures)

from webapp.serving import contract  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
CAR_T_CONTRACT = contract.load(contract.contract_file(CAR_T.parent, CAR_T.stem))


@pytest.fixture(scope="session")
def car_t_source() -> bytes:
    return CAR_T.read_bytes()


@pytest.fixture(scope="session")
def base_request() -> dict:
    """The scenarios' complete, approvable request."""
    scenarios = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())
    return scenarios["base_inputs"]
