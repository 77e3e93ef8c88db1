"""Apps for the service tests. The `app` fixture runs on the `database` fixture (tests/webapp/
databases.py), so every test written against `app` or `client` runs on SQLite and on PostgreSQL."""
import shutil
from pathlib import Path

import pytest

from databases import database, postgres_database, postgres_server  # noqa: F401 (fixtures)
from webapp.app import create_app
from webapp.auth import ROLES, hash_key

DATA = Path(__file__).parent / "data"
# One key per role, and one with every role.
KEYS = {"all": "key-all", **{role: f"key-{role}" for role in ROLES}}


def key_spec() -> str:
    return ";".join([f"{hash_key(KEYS['all'])}:{','.join(ROLES)}"]
                    + [f"{hash_key(KEYS[role])}:{role}" for role in ROLES])


def make_app(tmp_path, models=("simpletable.dmn",), database=None, **config):
    directory = tmp_path / "decisions"
    directory.mkdir(exist_ok=True)
    for name in models:
        shutil.copy(DATA / name if (DATA / name).exists() else name, directory / Path(name).name)
    settings = {"MODELS_DIR": str(directory), "VAR_DIR": str(tmp_path / "var"),
                "DATABASE_URL": database.url if database else f"sqlite:///{tmp_path / 'var' / 'audit.sqlite3'}",
                "API_KEYS": key_spec(), "MAX_CONTENT_LENGTH": 64 * 1024}
    settings.update(config)
    return create_app(settings)


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
