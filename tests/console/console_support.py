"""What the console and versions tests share: distinct people (keys), apps on SQLite and on
PostgreSQL (the `database` fixture of tests/webapp/databases.py), and their fixtures, which each
test module imports (a second conftest.py would shadow tests/webapp's, which its modules import by
name)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapp"))
from databases import database, postgres_database, postgres_server  # noqa: E402,F401 (fixtures)

from apps import service_app  # noqa: E402
from webapp.api.auth import hash_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "webapp" / "data"
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
CAR_T_SCENARIOS = ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml"
CAR_T_ID = "car-t-candidate-selection"

# Each person is one key; four eyes are about people, so the test names them.
PEOPLE = {
    "ann": ("author",),                                           # writes drafts
    "bob": ("author", "approver"),                                # edits and approves
    "cat": ("approver",),                                         # approves and publishes
    "fay": ("approver", "audit", "evaluate"),                     # a reviewing physician: opens cases too
    "dan": ("evaluate", "audit", "author", "approver", "admin"),  # every role, as the dev key
    "eve": ("evaluate",),                                         # a caller
    "ida": ("audit",),                                            # compliance
    "max": ("admin",),                                            # operations
}


def key_of(person: str) -> str:
    return f"key-of-{person}"


def name_of(person: str) -> str:
    """The person's name, as their key's entry gives it and the lifecycle records it."""
    return person.capitalize()


def key_id_of(person: str) -> str:
    """The key id the audit trail records beside the name (webapp.api.auth)."""
    return hash_key(key_of(person))[:12]


def key_spec() -> str:
    return ";".join(f"{hash_key(key_of(p))}:{','.join(roles)}:{name_of(p)}" for p, roles in PEOPLE.items())


def as_(person: str) -> dict:
    return {"Authorization": f"Bearer {key_of(person)}"}


def make_app(tmp_path: Path, models=(DATA / "simpletable.dmn",), database=None, **config):
    return service_app(tmp_path, models, key_spec(), database, **{"MAX_CONTENT_LENGTH": 2 * 1024 * 1024, **config})


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()
