"""`python -m webapp normalize FILE`: bring a model the KIE editor saved (DMN 1.4-1.6) back to
DMN 1.3 for dmn-js, losing nothing.

The KIE editor writes a data type's constraint as `typeConstraint` (DMN 1.5). For a type that is
not a collection it means what `allowedValues` means (in DMN 1.5 both constrain the value), so
it becomes `allowedValues`, the form DMN 1.3 has. On a collection it constrains the list as a
whole and has no 1.3 form: that is refused, as is anything else 1.3 cannot hold. The editor's own
extensions (column widths: `kie:ComponentsWidthsExtension`, notes) are kept; DMN 1.3 allows them.
"""
from __future__ import annotations


from lxml import etree

import pydmn


def constraints_as_allowed_values(source: bytes) -> bytes:
    """`typeConstraint` of every non-collection item definition as its `allowedValues`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(source, parser)
    except etree.XMLSyntaxError as exc:
        raise pydmn.ModelError(f"not well-formed XML: {exc}") from None
    for constraint in root.xpath("//*[local-name()='itemDefinition' or local-name()='itemComponent']"
                                 "/*[local-name()='typeConstraint']"):
        item = constraint.getparent()
        if item.get("isCollection") == "true":
            continue                    # a constraint on the whole list: to_dmn13 refuses it
        allowed = [c for c in item if etree.QName(c).localname == "allowedValues"]
        if allowed:
            if _text(allowed[0]) != _text(constraint):
                raise pydmn.ModelError(f"item definition {item.get('name')!r} has allowedValues and a "
                                       "different typeConstraint; DMN 1.3 holds only allowedValues")
            item.remove(constraint)
            continue
        constraint.tag = etree.QName(etree.QName(constraint).namespace, "allowedValues").text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _text(node) -> str:
    return " ".join("".join(t.text or "" for t in node if etree.QName(t).localname == "text").split())


def normalize(source: bytes) -> bytes:
    """The DMN 1.3 form of a KIE-saved model; raises pydmn.ModelError for what 1.3 cannot hold."""
    return pydmn.to_dmn13(constraints_as_allowed_values(source), keep_extensions=True)
