"""pydmn as a library others install (issue 23 §4): the wheel carries py.typed (PEP 561) and the
license its metadata names, and the changelog has a section for the version it declares."""
import configparser
import shutil
import subprocess
import sys
import zipfile

from support.apps import ROOT

SETUP = configparser.ConfigParser(interpolation=None)
SETUP.read(ROOT / "setup.cfg")


def test_the_license_file_is_the_license_the_metadata_names():
    assert SETUP["metadata"]["license"] == "Apache-2.0" and SETUP["metadata"]["license_files"] == "LICENSE"
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"] and "END OF TERMS AND CONDITIONS" in text


def test_the_changelog_has_the_declared_version():
    assert f"\n## {SETUP['metadata']['version']}\n" in (ROOT / "CHANGELOG.md").read_text()


def test_the_wheel_declares_pydmn_typed_and_carries_the_license(tmp_path):
    source = tmp_path / "source"       # a copy: building leaves build/ and egg-info behind
    source.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    for name in ("pydmn", "webapp"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("node_modules", "static", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, timeout=600, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("car_t_decision_service-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pydmn/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
