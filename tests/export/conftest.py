import subprocess

import pytest

from webapp.export.pdf import chromium_path


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        pytest.skip("headless Chromium not installed")
    return path


@pytest.fixture(scope="session")
def dump_dom(chromium, tmp_path_factory):
    """Load an HTML file in headless Chromium and return the DOM it built."""
    def run(path):
        profile = tmp_path_factory.mktemp("chromium-profile")
        done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                               "--dump-dom", path.as_uri()], capture_output=True, text=True,
                              timeout=90)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout
    return run


