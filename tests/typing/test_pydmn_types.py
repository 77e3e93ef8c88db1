"""pydmn is a typed library (py.typed): `mypy` over pydmn with the repo's configuration (setup.cfg
[mypy]) finds no error, and a caller written as a library user would (tests/typing/pydmn_user.py)
type-checks under --strict, so no untyped call or implicit Any reaches it, and runs. Every public
name is defined in a module where mypy requires each function to be annotated."""
import configparser
import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

from support.apps import CAR_T, CAR_T_ID, ROOT

HERE = Path(__file__).resolve().parent
MYPY = (sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull)


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_mypy_finds_no_error_in_pydmn():
    checked = _run(*MYPY)         # `files = pydmn` and the strictness come from setup.cfg
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout


def test_a_library_user_type_checks_strictly_and_runs():
    # silent: pydmn is seen as an installed typed package is, its own errors are not the caller's
    # --disallow-any-expr: an Any from pydmn is an error, but where the user marks it (a FEEL value)
    checked = _run(*MYPY, "--strict", "--disallow-any-expr", "--follow-imports=silent",
                   str(HERE / "pydmn_user.py"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = _run(sys.executable, str(HERE / "pydmn_user.py"), str(CAR_T),
               str(CAR_T.with_name(f"{CAR_T_ID}.example.json")))
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"model": "CAR-T Candidate Selection", "determination": "documentation_incomplete",
                                      "rules": 1, "total": "3", "in_range": True, "errors": False}


def test_every_public_name_comes_from_a_module_checked_for_untyped_defs():
    # setup.cfg's [mypy-...] section listing the modules where every function must be annotated
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    [section] = [s for s in config.sections() if config[s].getboolean("disallow_untyped_defs", False)]
    strict = set(section.removeprefix("mypy-").split(","))
    unchecked = []
    for package in ("pydmn", "pydmn.analysis", "pydmn.feel"):
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            home = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
            if isinstance(home, str) and home.startswith("pydmn") and home not in strict:
                unchecked.append(f"{package}.{name} ({home})")
    assert unchecked == []
