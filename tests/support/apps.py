"""The service as an app object for in-process tests, and the models the tests serve: the small ones of
tests/webapp/data and the CAR-T model of decisions/."""
import shutil
from pathlib import Path

from webapp.app import create_app
from webapp.serving import contract

from .people import key_spec

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "webapp" / "data"
CAR_T_ID = "car-t-candidate-selection"
CAR_T = ROOT / "decisions" / f"{CAR_T_ID}.dmn"
CAR_T_SCENARIOS = ROOT / "decisions" / f"{CAR_T_ID}.scenarios.yaml"
CAR_T_CONTRACT = contract.load(contract.contract_file(CAR_T.parent, CAR_T_ID))


def copy_model(source: Path, directory: Path) -> None:
    """A model file, with the request contract and example request that travel beside it
    (webapp.serving.contract)."""
    shutil.copy(source, directory / source.name)
    for beside in (".contract.yaml", ".example.json"):
        found = source.with_name(f"{source.name.split('.')[0]}{beside}")
        if source.suffix == ".dmn" and found.exists():
            shutil.copy(found, directory / found.name)


def service_app(tmp_path: Path, models, keys: str, database=None, **config):
    """create_app on a decisions directory holding `models` (paths, or names of files in
    tests/webapp/data), a var directory in tmp_path, the keys `keys` (CAR_T_API_KEYS form), and the
    audit store on `database` (tests/support/databases.py) or else SQLite in the var directory."""
    directory = tmp_path / "decisions"
    directory.mkdir(parents=True, exist_ok=True)
    for model in models:
        source = DATA / model if (DATA / model).exists() else Path(model)
        copy_model(source, directory)
    settings = {"MODELS_DIR": str(directory), "VAR_DIR": str(tmp_path / "var"),
                "DATABASE_URL": database.url if database else f"sqlite:///{tmp_path / 'var' / 'audit.sqlite3'}",
                "API_KEYS": keys}
    settings.update(config)
    return create_app(settings)


def make_app(tmp_path: Path, models=("simpletable.dmn",), database=None, **config):
    """The service with every person of support.people holding a key."""
    return service_app(tmp_path, models, key_spec(), database, **config)
