"""Edits of the CAR-T model a committee makes, as text, for the tests that review them."""
import re

from lxml import etree

WINDOW = "transplant_window_days"


def window_changed(source: str, days: int) -> str:
    """The Policy Parameters cell of the transplant window, found by its output column's name."""
    column = re.search(rf'<output id="([^"]+)" name="{WINDOW}"', source).group(1)
    entry = column.replace("OutputClause_", "LiteralExpression_").replace("PolicyParameters_", "PolicyParameters_1_")
    pattern = rf'(<outputEntry id="{entry}">\s*<text>)(\d+)(</text>)'
    assert re.search(pattern, source), "the Policy Parameters row holds the transplant window"
    return re.sub(pattern, rf"\g<1>{days}\g<3>", source)


def lab_test_added(source: str, text: str) -> str:
    """A rule added to Lab Tests after its ninth: a copy of it (ids suffixed `_added`) finding GL-I.E.9
    with `text`."""
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    root = etree.fromstring(source.encode())
    rule = root.find(".//dmn:rule[@id='DecisionRule_RequiredDocumentation_9']", ns)
    added = etree.fromstring(etree.tostring(rule))
    for element in added.iter():
        if element.get("id"):
            element.set("id", element.get("id") + "_added")
    outputs = added.findall("dmn:outputEntry", ns)
    outputs[0].find("dmn:text", ns).text = '"GL-I.E.9"'
    outputs[4].find("dmn:text", ns).text = f'"{text}"'
    rule.addnext(added)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
