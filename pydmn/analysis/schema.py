"""XSD validation of a DMN file against the OMG schema of the DMN version its namespace names.

lxml is the validator (libxml2: fast, and the reader already depends on it). Schemas are compiled
once per version; the shipped XSDs import DMNDI/DC/DI by relative path, so they resolve offline.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from pydmn.analysis.findings import Finding
from pydmn.model.namespaces import MODEL_VERSIONS, VERSIONS

XSD_DIR = Path(__file__).resolve().parent.parent / "xsd"

@lru_cache(maxsize=None)
def _schema(file_name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(XSD_DIR / file_name), parser))


# a DOCTYPE declaration after the XML declaration, comments and processing instructions (UTF-8)
_PROLOG_DOCTYPE = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE", re.S)


def _dtd_finding(file: str | None) -> Finding:
    # entities can read local files or expand without bound; DMN never needs a DTD
    return Finding("error", "xml-dtd", "DTDs and entities are not allowed in a DMN model "
                   "(the file declares a DOCTYPE)", line=1, file=file)


def validate_schema(data: bytes, file: str | None = None) -> list[Finding]:
    """Findings (severity error) for XML that is not well formed or not valid per its version's XSD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # libxml2 stops a billion laughs with a syntax error; it is still a DTD, refused as one
        if _PROLOG_DOCTYPE.match((data if isinstance(data, bytes) else data.encode("utf-8"))[:65536]):
            return [_dtd_finding(file)]
        return [Finding("error", "xml", f"not well-formed XML: {exc.msg}", line=exc.lineno, file=file)]
    doctype = root.getroottree().docinfo
    if doctype.doctype or doctype.internalDTD is not None or doctype.externalDTD is not None:
        return [_dtd_finding(file)]
    namespace = etree.QName(root).namespace or ""
    version = MODEL_VERSIONS.get(namespace)
    if version is None or etree.QName(root).localname != "definitions":
        return [Finding("error", "xsd", f"root element {root.tag!r} is not a DMN definitions element "
                        "of a known DMN version", file=file, line=root.sourceline)]
    schema = _schema(VERSIONS[version].xsd)
    if schema.validate(etree.ElementTree(root)):
        return []
    return [Finding("error", "xsd", f"DMN {version} schema: {err.message}", line=err.line, file=file)
            for err in schema.error_log]
