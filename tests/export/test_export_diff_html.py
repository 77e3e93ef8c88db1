"""The HTML diff a committee reads: the impact on scenario results first, then each added and
removed rule's content on screen, cell by cell under its column name."""
from pathlib import Path

import lxml.html
from lxml import etree

import pydmn
from pixels import ink_in_bands, read_png
from pydmn.analysis.diff import diff_files
from pydmn.analysis.impact import impact
from webapp.export.html_export import render_diff_html
from webapp.governance.scenarios import scenario_inputs

CAR_T = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"


def changed_copy(tmp_path):
    """The widest table loses its last rule and gets a copy of its first rule (new ids)."""
    named = max(pydmn.decision_tables(pydmn.read(CAR_T)),
                key=lambda n: (len(n.table.inputs) + len(n.table.outputs), len(n.table.rules)))
    root = etree.fromstring(CAR_T.read_bytes())
    first, last = (root.xpath("//*[@id=$id]", id=r.id)[0] for r in (named.table.rules[0], named.table.rules[-1]))
    last.getparent().remove(last)
    copy = etree.fromstring(etree.tostring(first))
    for element in copy.iter():
        if element.get("id"):
            element.set("id", element.get("id") + "_copy")
    first.addnext(copy)
    path = tmp_path / "changed.dmn"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path, named.table.rules[0], named.table.rules[-1]


def test_added_and_removed_rules_are_on_screen_after_the_impact(tmp_path, dump_dom, screenshot):
    new, first, last = changed_copy(tmp_path)
    diff = diff_files(CAR_T, new)
    old_model, new_model = pydmn.load(CAR_T), pydmn.load(new)
    result = impact(old_model, new_model, scenario_inputs(CAR_T, old_model), diff)
    page = tmp_path / "diff.html"
    page.write_text(render_diff_html(diff, result, None, "a" * 64, "b" * 64))
    dom = lxml.html.fromstring(page.read_text())
    sections = [s.get("id") for s in dom.xpath("//section")]
    assert sections.index("impact") < sections.index("logic")
    assert dom.xpath('//table[@id="impact-groups"]//tr[@class="group"]'), "no scenario result changed"
    for rule, kind in ((first, "added"), (last, "removed")):
        rule_id = rule.id + "_copy" if kind == "added" else rule.id
        [card] = dom.xpath('//div[contains(@class, "rule-card")][contains(@class, $k)][@data-rule-id=$id]',
                           k=kind, id=rule_id)
        cells = [" ".join(td.text_content().split()) for td in card.xpath(".//td")]
        for text in rule.input_entries + rule.output_entries + rule.annotation_entries:
            assert (" ".join(text.split()) or "-") in cells, (kind, text)
    probe = ("<script>addEventListener('load', () => { document.body.dataset.width = "
             "document.documentElement.scrollWidth; });</script>")
    measured = tmp_path / "probe.html"
    measured.write_text(page.read_text().replace("</body>", probe + "</body>"))
    assert int(lxml.html.fromstring(dump_dom(measured, 1100, 900)).body.get("data-width")) <= 1100
    grey = read_png(screenshot(page, 1100, 3000))
    assert ink_in_bands(grey, 0, 4, 0, 0)["right"] == 0
