"""The model opens in the modelers' own code (dmn-js 17, KIE marshaller and standalone editor) and
survives their save: the re-imported output evaluates like the committed model on every scenario.

Node packages come from `npm ci --prefix tests/modelers` (run by `make test`); the bundles from
`npm run build --prefix tests/modelers`, which the session fixture also runs when they are missing or older
than their sources.
"""
import re
import subprocess
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

import pydmn
from pydmn.model.dmn13 import to_dmn13
from webapp.governance.scenarios import scenario_inputs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SCENARIOS = ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml"
XSD = ROOT / "tests" / "tck" / "cases" / "DMN13.xsd"
CHROMIUM = Path("/usr/bin/chromium")
NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
DRG = ("decision", "inputData", "businessKnowledgeModel", "knowledgeSource", "decisionService")
REQUIREMENTS = ("informationRequirement", "knowledgeRequirement", "authorityRequirement")


@pytest.fixture(scope="session")
def tools():
    assert (HERE / "node_modules").is_dir(), "run `npm ci --prefix tests/modelers` (make test does)"
    bundles = [HERE / "dist" / "check-browser.cjs", HERE / "dist" / "check-node.cjs"]
    sources = list((HERE / "src").glob("*.mjs"))
    if not all(b.exists() for b in bundles) or \
            max(p.stat().st_mtime for p in sources) > min(b.stat().st_mtime for b in bundles):
        subprocess.run(["npm", "run", "build", "--prefix", str(HERE)], check=True, capture_output=True)
    return HERE / "dist"


def _run(args, timeout):
    done = subprocess.run(["node", *map(str, args)], cwd=HERE, capture_output=True, text=True, timeout=timeout)
    return done.stdout + done.stderr


@pytest.fixture(scope="session")
def browser(tools, tmp_path_factory):
    assert CHROMIUM.exists(), "Debian's chromium is needed (make system-deps installs it)"
    out = tmp_path_factory.mktemp("browser")
    log = _run([tools / "check-browser.cjs", MODEL, "--out", out, "--window", "1366x768"], timeout=600)
    return log, out


def _evaluations(path):
    model = pydmn.load(path)
    results = []
    for _, inputs in scenario_inputs(MODEL, pydmn.load(MODEL), file=SCENARIOS):
        result = model.evaluate(inputs)
        results.append({name: (d.value, [m.rule_id for m in d.matched_rules]) for name, d in result.decisions.items()})
    return results


def test_dmn_moddle_and_kie_marshaller_parse_without_warnings(tools, tmp_path):
    log = _run([tools / "check-node.cjs", MODEL, "--out", tmp_path, "--strict"], timeout=120)
    assert "RESULT dmn-js/Camunda: PASS" in log, log
    assert "RESULT KIE/BAMOE:     PASS" in log, log
    assert "decisions, tables, rules, itemDefinitions, DMNDI shapes/edges kept" in log, log


def _drg():
    root = etree.parse(str(MODEL)).getroot()
    decisions = [d.get("name") for d in root.iterfind("dmn:decision", NS)]
    shapes = sum(len(root.findall(f"dmn:{t}", NS)) for t in DRG)
    edges = sum(len(root.findall(f".//dmn:{t}", NS)) for t in REQUIREMENTS)
    return decisions, shapes, edges


def test_dmn_js_modeler_opens_diagram_and_every_decision_and_saves_everything(browser):
    log, out = browser
    decisions, shapes, edges = _drg()
    assert "RESULT dmn-js/Camunda: PASS" in log, log
    assert "importXML: ok" in log
    opened = re.findall(r"view (?:decisionTable|literalExpression) '(.*)': opened", log)
    assert sorted(opened) == sorted(decisions), log
    assert "offers no view" not in log
    assert f"DRD drew {shapes}/{shapes} DRG shapes, {edges}/{edges} requirement edges" in log, log
    assert f"saveXML: ok (DMN 1.3, shapes={shapes} edges={edges})" in log, log


def test_kie_editor_draws_every_node_and_edge_and_opens_every_decision(browser):
    log, out = browser
    decisions, shapes, edges = _drg()
    assert "RESULT KIE/BAMOE:     PASS" in log, log
    assert f"DRD drew {shapes}/{shapes} DRG nodes, {edges}/{edges} requirement edges" in log, log
    opened = re.findall(r"expression editor for '(.*)' \((?:decisionTable|literalExpression)\): opened", log)
    assert opened == decisions, log
    assert f"getContent: ok (DMN 1.6, shapes={shapes} edges={edges})" in log, log


def test_the_drd_fits_a_1366x768_window_at_100_percent_in_both_editors(browser):
    log, out = browser
    fits = re.findall(r"DRD at 100% in a 1366x768 window: (\w+)", log)
    assert fits == ["fits", "fits"], log


def test_both_editors_keep_the_kie_column_widths(browser):
    log, out = browser
    committed = _widths(MODEL)
    assert committed, "the model stores no column widths"
    assert _widths(out / "dmnjs-saved.dmn") == committed
    kie = _widths(out / "kie-saved.dmn")
    assert {ref: kie[ref] for ref in committed} == committed


def _widths(path):
    root = etree.parse(str(path)).getroot()
    return {w.get("dmnElementRef"): [float(x.text) for x in w if etree.QName(x).localname == "width"]
            for w in root.iter("{https://kie.org/dmn/extensions/1.0}ComponentWidths")}


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
