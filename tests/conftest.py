"""The fixtures every test directory uses, defined once: the audit databases (each test written
against `database`, `app` or `client` runs on SQLite and on PostgreSQL), the service as an app with
every person of support.people holding a key, the CAR-T model and its complete request, and headless
Chromium for the exports' pictures. Shared code that is not a fixture is in tests/support/."""
import shutil
import subprocess

import pytest
import yaml

from support.apps import CAR_T, CAR_T_SCENARIOS, make_app
from support.databases import database, postgres_database, postgres_server  # noqa: F401 (fixtures)
from support.people import as_
from webapp.export.pdf import chromium_path


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth():
    """`auth(person)`: the Authorization header of a person's key (support.people; default `all`)."""
    return as_


@pytest.fixture(scope="session")
def car_t_source() -> bytes:
    return CAR_T.read_bytes()


@pytest.fixture(scope="session")
def base_request() -> dict:
    """The scenarios' complete, approvable request."""
    return yaml.safe_load(CAR_T_SCENARIOS.read_text())["base_inputs"]


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    assert path is not None, "headless Chromium is needed: `make system-deps` installs it (`make test` does)"
    return path


@pytest.fixture(scope="session")
def dump_dom(chromium, tmp_path_factory):
    """Load an HTML file in headless Chromium and return the DOM it built."""
    def run(path, width=1280, height=900):
        profile = tmp_path_factory.mktemp("chromium-profile")
        done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                               "--hide-scrollbars", f"--window-size={width},{height}",
                               "--dump-dom", path.as_uri()], capture_output=True, text=True,
                              timeout=90)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout
    return run


@pytest.fixture(scope="session")
def screenshot(chromium, tmp_path_factory):
    """A PNG of an HTML file rendered in a `width` x `height` CSS px window, at half scale."""
    def run(path, width, height):
        profile = tmp_path_factory.mktemp("chromium-profile")
        target = profile / "shot.png"
        done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                               "--hide-scrollbars", "--force-device-scale-factor=0.5",
                               f"--window-size={width},{height}", f"--screenshot={target}",
                               path.as_uri()], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and target.exists(), done.stderr[-2000:]
        return target.read_bytes()
    return run


@pytest.fixture(scope="session")
def pdf_pngs(tmp_path_factory):
    """Each page of a PDF rendered to PNG by poppler's pdftoppm (grey, `dpi` dots per inch)."""
    assert shutil.which("pdftoppm"), "pdftoppm is needed: `make system-deps` installs poppler-utils"

    def run(pdf: bytes, dpi: int = 40):
        folder = tmp_path_factory.mktemp("pages")
        (folder / "doc.pdf").write_bytes(pdf)
        done = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(folder / "doc.pdf"),
                               str(folder / "page")], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return [p.read_bytes() for p in sorted(folder.glob("page-*.png"))]
    return run
