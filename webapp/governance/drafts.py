"""What content becomes before it is stored as a draft: a model saved by the KIE editor (DMN
1.4-1.6) is rewritten as DMN 1.3, the version dmn-js edits (webapp.governance.normalize's conversion), and the
result is validated. Content is untrusted, so the work runs in a child process under the validation
budget (webapp.governance.bounded). A draft with validation errors is stored (work in progress is saved) but
cannot be submitted, nor can one whose scenarios (its own: they travel with the draft) do not each
give their expected answer within the evaluation budget (webapp.serving.budgets), nor submitted or
published one whose request contract changes beyond the contract version it declares
(webapp.serving.contract_change); content that is not the XML of a DMN model's definitions (stored, it could never
be deleted), a file with a DTD, or one too complex to analyse in time, is refused."""
from __future__ import annotations

from lxml import etree

import pydmn
from pydmn import MODEL_VERSIONS, ModelError
from webapp.governance import bounded, validation
from webapp.governance.normalize import normalize
from webapp.governance.scenarios import ScenarioFile, run_spec
from webapp.serving import budgets, contract_change
from webapp.store.errors import Conflict, Invalid


def _dmn_version(data: bytes) -> tuple[str | None, str | None]:
    """(the DMN version of the model, None) or (None, why the content is not a DMN model's XML)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:        # a billion laughs too: libxml2 stops the expansion
        return None, f"not well-formed XML: {exc.msg}"
    name = etree.QName(root)
    if name.localname != "definitions" or name.namespace not in MODEL_VERSIONS:
        return None, f"the root element is {root.tag[:200]!r}, not the definitions of a DMN 1.1-1.6 model"
    return MODEL_VERSIONS[name.namespace], None


def prepare(data: bytes) -> dict:
    """{"content", "normalised_from", "note", "report", "not_dmn"}: the bytes to store and their
    findings; `not_dmn` says why the content is not a DMN model, if it is not."""
    found = validation.as_json(data)
    version, not_dmn = _dmn_version(data)
    if not_dmn or validation.refused(found):     # refused by checked(), after the child
        return {"content": data, "normalised_from": None, "note": None, "report": found, "not_dmn": not_dmn}
    note, content = None, data
    if version in ("1.4", "1.5", "1.6"):
        try:
            content = normalize(data)
            found = validation.as_json(content)
        except ModelError as exc:
            note = f"kept as DMN {version}, which dmn-js cannot edit: {exc}"
    return {"content": content, "normalised_from": version if content is not data else None,
            "note": note, "report": found, "not_dmn": None}


def checked(data: bytes, config: dict) -> dict:
    """prepare(data) under the validation budget of `config` (the service's settings); Invalid for
    content that is not a DMN model, or a refused or too complex model."""
    prepared = bounded.within_budget(prepare, data, seconds=config["VALIDATION_BUDGET_S"],
                                     memory_mb=config["CHILD_MEMORY_MB"], too_slow="model too complex",
                                     field="content")
    refused = validation.refused(prepared["report"])
    if refused:
        raise Invalid("the model is refused: " + "; ".join(refused), {"content": refused})
    if prepared["not_dmn"]:
        raise Invalid(f"the content is not a DMN model: {prepared['not_dmn']}", {"content": [prepared["not_dmn"]]})
    return prepared


def _run(data: bytes, file: ScenarioFile, budget: pydmn.Budget) -> tuple[list, list]:
    """([(title, problem)] past `budget`, [(title, problems)] failing) of the scenarios (in the child)."""
    try:
        model = pydmn.load(data)
    except pydmn.DMNError:      # validation names what is wrong with it
        return [], []
    report = run_spec(file.spec, model, file.folder / file.name, budget)
    return ([(o.title, o.problems[0]) for o in report.over_budget],
            [(o.title, o.problems) for o in report.failed if not o.exceeded])


def scenarios_pass(data: bytes, file: ScenarioFile | None, config: dict) -> None:
    """Nothing, or why the draft cannot be submitted: Invalid naming the first scenario the content
    cannot evaluate within the evaluation budget, Conflict naming each scenario whose expected answer
    the content does not give (the draft's own scenarios travel with it to git, where they must pass)."""
    if file is None:
        return
    over, failed = bounded.within_budget(_run, data, file, budgets.evaluation(config),
                                         seconds=config["VALIDATION_BUDGET_S"], memory_mb=config["CHILD_MEMORY_MB"],
                                         too_slow="scenarios too complex to run", field="scenarios")
    if over:
        title, problem = over[0]
        raise Invalid(f"scenario {title!r} cannot be evaluated within the evaluation budget, so the draft "
                      f"cannot be submitted: {problem}", {"scenarios": {title: [problem]}})
    if failed:
        raise Conflict(f"{len(failed)} of the draft's scenarios do not get their expected answer: update each "
                       "expectation (Scenarios, on the edit page) or the model before submitting",
                       {"scenarios": {title: problems for title, problems in failed}})


def _contract_change(data: bytes, serving) -> dict | None:
    try:
        draft = pydmn.load(data)
    except pydmn.DMNError:      # validation names what is wrong with it
        return None
    return contract_change.change(serving.model, draft, serving.contract)


def contract_of(data: bytes, serving, config: dict) -> dict | None:
    """The request contract's change from the serving version (a registry Entry, or None) to the
    content (webapp.serving.contract_change), in a child under the validation budget; None when
    nothing serves or the content does not load."""
    if serving is None:
        return None
    return bounded.within_budget(_contract_change, data, serving, seconds=config["VALIDATION_BUDGET_S"],
                                 memory_mb=config["CHILD_MEMORY_MB"], too_slow="model too complex",
                                 field="contract")


def contract_kept(found: dict | None) -> None:
    """Nothing, or Conflict when the change (contract_of) goes beyond the contract version the
    content declares (a removal or narrowing without a new major): it cannot be submitted or published."""
    if found and found["errors"]:
        raise Conflict(found["errors"][0], {"contract": found["errors"]})
