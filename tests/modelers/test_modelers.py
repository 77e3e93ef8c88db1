"""The model opens in the modelers' own code (dmn-js 17, KIE marshaller and standalone editor) and
survives their save: the re-imported output evaluates like the committed model on every scenario.

Node packages come from `npm ci --prefix tests/modelers` (run by `make test`); the bundles from
`npm run build --prefix tests/modelers`, which the session fixture also runs when they are missing.
"""
import re
import subprocess
from pathlib import Path

import pytest
import xmlschema
import yaml

import pydmn
from pydmn.model.dmn13 import to_dmn13
from webapp.scenarios import _merge, _typed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SCENARIOS = ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml"
XSD = ROOT.parent / "shared" / "dmn-tck" / "TestCases" / "DMN13.xsd"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def tools():
    assert (HERE / "node_modules").is_dir(), "run `npm ci --prefix tests/modelers` (make test does)"
    if not (HERE / "dist" / "check-browser.cjs").exists() or not (HERE / "dist" / "check-node.cjs").exists():
        subprocess.run(["npm", "run", "build", "--prefix", str(HERE)], check=True, capture_output=True)
    return HERE / "dist"


def _run(args, timeout):
    done = subprocess.run(["node", *map(str, args)], cwd=HERE, capture_output=True, text=True, timeout=timeout)
    return done.stdout + done.stderr


@pytest.fixture(scope="session")
def browser(tools, tmp_path_factory):
    assert CHROMIUM.exists(), "Debian's chromium is needed (make system-deps installs it)"
    out = tmp_path_factory.mktemp("browser")
    log = _run([tools / "check-browser.cjs", MODEL, "--out", out], timeout=300)
    return log, out


def _evaluations(path):
    spec = yaml.safe_load(SCENARIOS.read_text())
    model = pydmn.load(path)
    results = []
    for scenario in spec["scenarios"]:
        raw = _merge(spec["base_inputs"], scenario.get("inputs", {}))
        result = model.evaluate({k: _typed(v, model.data_type(k)) for k, v in raw.items()})
        results.append({name: (d.value, [m.rule_id for m in d.matched_rules]) for name, d in result.decisions.items()})
    return results


def test_dmn_moddle_and_kie_marshaller_parse_without_warnings(tools, tmp_path):
    log = _run([tools / "check-node.cjs", MODEL, "--out", tmp_path, "--strict"], timeout=120)
    assert "RESULT dmn-js/Camunda: PASS" in log, log
    assert "RESULT KIE/BAMOE:     PASS" in log, log
    assert "decisions, tables, rules, itemDefinitions, DMNDI shapes/edges kept" in log, log


def test_dmn_js_modeler_opens_diagram_and_every_table_and_saves_everything(browser):
    log, out = browser
    assert "RESULT dmn-js/Camunda: PASS" in log, log
    assert "importXML: ok" in log
    assert len(re.findall(r"view decisionTable '.*': opened", log)) == 7, log
    assert "DRD drew 13/13 DRG shapes, 25/25 requirement edges" in log, log
    assert "saveXML: ok (DMN 1.3, shapes=13 edges=25)" in log, log


def test_kie_editor_draws_every_node_and_edge(browser):
    log, out = browser
    assert "RESULT KIE/BAMOE:     PASS" in log, log
    assert "DRD drew 13/13 DRG nodes, 25/25 requirement edges" in log, log
    assert "getContent: ok (DMN 1.6, shapes=13 edges=25)" in log, log


def test_modeler_saves_evaluate_like_the_committed_model(browser):
    log, out = browser
    expected = _evaluations(MODEL)
    assert _evaluations(out / "dmnjs-saved.dmn") == expected
    assert _evaluations(out / "kie-saved.dmn") == expected


def test_normalized_kie_save_is_dmn13_opens_in_dmn_js_and_evaluates_alike(browser, tools, tmp_path):
    log, out = browser
    normalized = tmp_path / "normalized.dmn"
    normalized.write_bytes(to_dmn13((out / "kie-saved.dmn").read_bytes()))
    assert list(xmlschema.XMLSchema(str(XSD)).iter_errors(str(normalized))) == []
    check = _run([tools / "check-node.cjs", normalized, "--out", tmp_path / "node", "--strict"], timeout=120)
    assert "RESULT dmn-js/Camunda: PASS" in check, check
    assert _evaluations(normalized) == _evaluations(MODEL)
