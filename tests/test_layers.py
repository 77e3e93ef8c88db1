"""The import contract of .importlinter: pydmn's layers import one way (analysis -> evaluation ->
model -> feel), and the service imports only pydmn's public API."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydmn

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_public_name_exists():
    assert all(hasattr(pydmn, name) for name in pydmn.__all__)
    assert all(hasattr(pydmn.feel, name) for name in pydmn.feel.__all__)
