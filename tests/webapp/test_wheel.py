"""`pip install .` gives a working service: the wheel carries the migrations, the console's templates
and the static files (`make ui` makes them; `make test` runs it first). The wheel is built from a copy
of the sources, installed in a new venv outside the checkout that reuses this venv's dependencies
(so it costs seconds, not a download), and that install migrates a database and serves a
determination from a models directory of its own."""
import json
import os
import site
import subprocess
import urllib.request
import sys
import venv
from pathlib import Path

from support.apps import ROOT
from support.servers import Server
from webapp.store.keys import hash_key

KEY = "wheel-key"
SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "LICENSE", "pydmn", "webapp")


def _run(*args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _wheel(tmp_path: Path) -> Path:
    assert (ROOT / "webapp" / "static" / "console" / "console.js").is_file(), "run `make ui` first (make test does)"
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        found = ROOT / name
        if found.is_dir():
            _run("cp", "-r", str(found), str(source / name))
        else:
            _run("cp", str(found), str(source / name))
    _run("rm", "-rf", str(source / "webapp" / "ui" / "node_modules"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
         str(source))
    [wheel] = (tmp_path / "dist").glob("car_t_decision_service-*.whl")
    return wheel


def _install(wheel: Path, tmp_path: Path) -> Path:
    """A venv whose only site-packages of its own holds the wheel; the dependencies come from this
    venv's through a .pth (whose own .pth files, the checkout's editable install among them, are not read)."""
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    packages = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel))
    return python


def test_the_installed_wheel_migrates_and_serves(tmp_path):
    python = _install(_wheel(tmp_path), tmp_path)
    where = tmp_path / "service"
    where.mkdir()
    location = _run(str(python), "-c", "import webapp; print(webapp.__file__)", cwd=where).strip()
    assert not Path(location).is_relative_to(ROOT), location
    env = {"CAR_T_VAR_DIR": str(where / "var"), "CAR_T_MODELS_DIR": str(where / "decisions")}
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAR_T_") and k != "DATABASE_URL"}
    _run("cp", "-r", str(ROOT / "decisions"), str(where / "decisions"))
    assert "database at revision" in _run(str(python), "-m", "webapp", "migrate", cwd=where,
                                         env={**environment, **env})
    server = Server(tmp_path, workers=1, models=(), python=str(python), cwd=where,
                    env_extra={**env, "CAR_T_API_KEYS": f"{hash_key(KEY)}:evaluate,audit:Wheel Tester"})
    try:
        assert server.ready() == 200
        case = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
        answer = server.post("/api/v1/car-t/determinations", case, KEY)
        assert answer["determination"] == "medically_appropriate" and answer["disposition"] == "approve"
        for page in ("/console/sign-in", "/console/assets/console.js"):     # a template, a static file
            with urllib.request.urlopen(server.base + page) as found:
                assert found.status == 200 and len(found.read()) > 100
    finally:
        server.stop()
