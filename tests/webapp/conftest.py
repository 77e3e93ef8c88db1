import shutil
from pathlib import Path

import pytest

from webapp.app import create_app
from webapp.auth import hash_key

DATA = Path(__file__).parent / "data"
KEYS = {"all": "key-all", "eval": "key-eval", "audit": "key-audit"}


@pytest.fixture
def app(tmp_path):
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    spec = ";".join([f"{hash_key(KEYS['all'])}:evaluate,audit,admin",
                     f"{hash_key(KEYS['eval'])}:evaluate", f"{hash_key(KEYS['audit'])}:audit"])
    return create_app({"MODELS_DIR": str(models), "VAR_DIR": str(tmp_path / "var"),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'audit.sqlite3'}",
                       "API_KEYS": spec, "MAX_CONTENT_LENGTH": 64 * 1024})


@pytest.fixture
def client(app):
    return app.test_client()


def _auth(who="all"):
    return {"Authorization": f"Bearer {KEYS[who]}"}


@pytest.fixture
def auth():
    return _auth
