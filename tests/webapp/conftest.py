"""Apps and databases for the service tests. `database` runs a test on SQLite and on PostgreSQL
(a private server started once per session, tests/webapp/postgres.py); the `app` fixture uses it,
so every test written against `app` or `client` runs on both."""
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from postgres import OWNER, PostgresServer
from webapp import migrate
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


class _Database:
    def stored_ids(self) -> list[str]:
        """The evaluation ids in the store, oldest first, as a connection of the service sees them."""
        with self.connect() as con:
            return list(con.execute(text("SELECT id FROM evaluations ORDER BY created_at, id")).scalars())


class SqliteDatabase(_Database):
    """The default store: a file in the var directory, where `make_app` and `Server` put it."""
    name = "sqlite"

    def __init__(self, tmp_path):
        self.path = tmp_path / "var" / "audit.sqlite3"
        self.url = self.owner_url = f"sqlite:///{self.path}"
        migrate.upgrade(self.url)

    def connect(self, owner=False):
        return create_engine(self.url).connect()

    def intact(self) -> bool:
        with sqlite3.connect(self.path) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def make_unavailable(self) -> None:
        shutil.rmtree(self.path.parent)


class PostgresDatabase(_Database):
    """A new database on the session's server: migrated by its owner, used by the service's login."""
    name = "postgresql"

    def __init__(self, server: PostgresServer):
        self.server = server
        self.dbname = server.create_database()
        self.url = server.url(self.dbname)
        self.owner_url = server.url(self.dbname, OWNER)
        migrate.upgrade(self.owner_url)

    def connect(self, owner=False):
        return create_engine(self.owner_url if owner else self.url).connect()

    def intact(self) -> bool:
        return True        # the server was not the process killed

    def make_unavailable(self) -> None:
        self.server.drop_database(self.dbname)

    def drop(self) -> None:
        self.server.drop_database(self.dbname)


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_database(postgres_server):
    found = PostgresDatabase(postgres_server)
    yield found
    found.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return SqliteDatabase(tmp_path)
    return request.getfixturevalue("postgres_database")


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
