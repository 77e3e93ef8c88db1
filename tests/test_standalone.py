"""The tests stand alone: they need nothing outside the repository, find their shared code the one
declared way (tests/support, on pytest's path by setup.cfg; the benchmark imports tests.support), and
each test module has a name no other has (pytest imports them by base name, so a second one would
shadow the first when both directories run)."""
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_BY_DESIGN = {"__init__.py", "conftest.py"}


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts]


def test_every_module_of_the_tests_has_a_name_of_its_own():
    names = Counter(p.name for p in _python_files("tests") if p.name not in SHARED_BY_DESIGN)
    assert [name for name, count in names.items() if count > 1] == []


def test_no_test_or_benchmark_changes_the_import_path():
    changed = [str(p.relative_to(ROOT)) for p in _python_files("tests", "bench")
               if re.search(r"sys\.path\s*(\.\w+\(|\[|=|\+)", p.read_text(encoding="utf-8"))
               and p != Path(__file__)]
    assert changed == []


def test_nothing_is_read_from_beside_the_repository():
    outside = re.compile(r"\.\./shared|/work/|parents\[[3-9]\]")
    found = [str(p.relative_to(ROOT)) for p in _python_files("tests", "bench") + [ROOT / "Makefile"]
             if p != Path(__file__) and outside.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_one_conftest_holds_the_shared_fixtures_and_one_module_the_keys():
    """Test modules may narrow `app` or `client` to a model of their own, through support.apps."""
    conftests = sorted(str(p.relative_to(ROOT)) for p in _python_files("tests") if p.name == "conftest.py")
    assert conftests == ["tests/conftest.py", "tests/feel/conftest.py"]      # the FEEL package's helpers
    keyed = [str(p.relative_to(ROOT)) for p in _python_files("tests")
             if re.search(r"^(PEOPLE|KEYS) = \{|^def (key_spec|auth)\(", p.read_text(encoding="utf-8"), re.M)]
    assert sorted(keyed) == ["tests/conftest.py", "tests/support/people.py"]
