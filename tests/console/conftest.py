"""Fixtures for the versions API and the console: apps on SQLite and on PostgreSQL (the `database`
fixture of tests/webapp/databases.py) for distinct people (console_support.PEOPLE)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapp"))
from databases import database, postgres_database, postgres_server  # noqa: E402,F401 (fixtures)

from console_support import make_app  # noqa: E402


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()
