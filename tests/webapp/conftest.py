"""Apps for the service tests. The `app` fixture runs on the `database` fixture (tests/webapp/
databases.py), so every test written against `app` or `client` runs on SQLite and on PostgreSQL."""

import pytest

from databases import database, postgres_database, postgres_server  # noqa: F401 (fixtures)
from apps import DATA, service_app  # noqa: F401 (DATA: for the test modules)
from webapp.store.keys import ROLES, hash_key

# One key per role, and one with every role; each belongs to a person of its own, named by it.
KEYS = {"all": "key-all", **{role: f"key-{role}" for role in ROLES}}


def name_of(who: str) -> str:
    return f"Holder of {KEYS[who]}"


def key_spec() -> str:
    return ";".join([f"{hash_key(KEYS['all'])}:{','.join(ROLES)}:{name_of('all')}"]
                    + [f"{hash_key(KEYS[role])}:{role}:{name_of(role)}" for role in ROLES])


def make_app(tmp_path, models=("simpletable.dmn",), database=None, **config):
    return service_app(tmp_path, models, key_spec(), database, **{"MAX_CONTENT_LENGTH": 64 * 1024, **config})


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def _auth(who="all"):
    return {"Authorization": f"Bearer {KEYS[who]}"}


@pytest.fixture
def auth():
    return _auth
