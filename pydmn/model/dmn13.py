"""Rewrite a DMN 1.4-1.6 file (as the KIE editor saves it) back to DMN 1.3, which dmn-js opens.

The editors' newer namespaces carry the same elements for everything a 1.3 model can hold, so the
rewrite is a namespace change plus removal of the KIE editor's own layout extensions (`kie:` elements
and attributes: column widths, not model content). Constructs that exist only in DMN 1.4+ (boxed
conditional, iterators, filters, type constraints...) have no 1.3 form: they raise ModelError rather
than being dropped, because losing logic silently is worse than refusing.
"""
from __future__ import annotations

from lxml import etree

from pydmn.errors import ModelError
from pydmn.model.namespaces import DC, DI, DMNDI_NAMESPACES, VERSIONS

DMN13, DMNDI13, FEEL13 = VERSIONS["1.3"].model, VERSIONS["1.3"].dmndi, VERSIONS["1.3"].feel
# the versions whose elements a 1.3 file can hold as they are
MODEL_NAMESPACES = {VERSIONS[v].model for v in ("1.3", "1.4", "1.5", "1.6")}
FEEL_NAMESPACES = {VERSIONS[v].feel for v in ("1.3", "1.4", "1.5", "1.6")}
KIE_NAMESPACES = {"https://kie.org/dmn/extensions/1.0", "http://www.drools.org/kie/dmn/1.2"}
NEWER_ONLY = {"conditional", "iterator", "for", "every", "some", "filter", "typeConstraint"}


def _target(namespace: str | None) -> str | None:
    if namespace in MODEL_NAMESPACES:
        return DMN13
    if namespace in DMNDI_NAMESPACES:
        return DMNDI13
    return namespace


def to_dmn13(source: bytes, keep_extensions: bool = False) -> bytes:
    """Return the DMN 1.3 form of `source` (bytes of a DMN 1.3-1.6 file). `keep_extensions`
    keeps the KIE editor's extensions (1.3 allows foreign extensions), for a round trip."""
    dropped = set() if keep_extensions else KIE_NAMESPACES
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        root = etree.fromstring(source, parser)
    except etree.XMLSyntaxError as exc:
        raise ModelError(f"not well-formed XML: {exc}") from exc
    if etree.QName(root).namespace not in MODEL_NAMESPACES:
        raise ModelError(f"not a DMN 1.3-1.6 model: root namespace {etree.QName(root).namespace}")
    newer = sorted({etree.QName(e).localname for e in root.iter(etree.Element)
                    if etree.QName(e).namespace in MODEL_NAMESPACES
                    and etree.QName(e).localname in NEWER_ONLY})
    if newer:
        raise ModelError("uses DMN 1.4+ constructs with no DMN 1.3 form: " + ", ".join(newer))
    for element in list(root.iter(etree.Element)):
        if etree.QName(element).namespace in dropped:
            parent = element.getparent()
            parent.remove(element)
            if etree.QName(parent).localname == "extension" and len(parent) == 0:
                parent.getparent().remove(parent)
    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        element.tag = etree.QName(_target(qname.namespace), qname.localname).text
        for attr in list(element.attrib):
            if etree.QName(attr).namespace in dropped:
                del element.attrib[attr]
    for attr in ("expressionLanguage", "typeLanguage"):
        if root.get(attr) in FEEL_NAMESPACES:
            root.set(attr, FEEL13)
    nsmap = {None: DMN13, "dmndi": DMNDI13, "dc": DC, "di": DI}
    nsmap.update({p: u for p, u in root.nsmap.items()
                  if p and p not in nsmap and u not in dropped | MODEL_NAMESPACES
                  | DMNDI_NAMESPACES | FEEL_NAMESPACES})
    # lxml fixes a namespace map at creation, so the cleaned tree is copied under the 1.3 map.
    new_root = etree.Element(root.tag, nsmap=nsmap)
    new_root.attrib.update(root.attrib)
    new_root.text = root.text
    new_root.extend(list(root))
    etree.cleanup_namespaces(new_root, top_nsmap=nsmap)
    return etree.tostring(new_root, xml_declaration=True, encoding="UTF-8")
