"""The XML namespaces of each DMN version: the one table the reader, the DMN 1.3 conversion,
the expression-language check and schema validation all read."""
from __future__ import annotations

from typing import NamedTuple


class Version(NamedTuple):
    model: str              # the namespace of DMN elements (`definitions`, `decision`, ...)
    dmndi: str | None       # DMN diagram interchange (none in 1.1)
    feel: str               # FEEL as an expression or type language URI
    xsd: str                # the OMG schema shipped in pydmn/xsd


VERSIONS = {
    "1.1": Version("http://www.omg.org/spec/DMN/20151101/dmn.xsd", None,
                   "http://www.omg.org/spec/FEEL/20140401", "DMN11.xsd"),
    "1.2": Version("http://www.omg.org/spec/DMN/20180521/MODEL/",
                   "http://www.omg.org/spec/DMN/20180521/DMNDI/",
                   "http://www.omg.org/spec/DMN/20180521/FEEL/", "DMN12.xsd"),
    "1.3": Version("https://www.omg.org/spec/DMN/20191111/MODEL/",
                   "https://www.omg.org/spec/DMN/20191111/DMNDI/",
                   "https://www.omg.org/spec/DMN/20191111/FEEL/", "DMN13.xsd"),
    "1.4": Version("https://www.omg.org/spec/DMN/20211108/MODEL/",
                   "https://www.omg.org/spec/DMN/20191111/DMNDI/",
                   "https://www.omg.org/spec/DMN/20211108/FEEL/", "DMN14.xsd"),
    "1.5": Version("https://www.omg.org/spec/DMN/20230324/MODEL/",
                   "https://www.omg.org/spec/DMN/20230324/DMNDI/",
                   "https://www.omg.org/spec/DMN/20230324/FEEL/", "DMN15.xsd"),
    "1.6": Version("https://www.omg.org/spec/DMN/20240513/MODEL/",
                   "https://www.omg.org/spec/DMN/20230324/DMNDI/",
                   "https://www.omg.org/spec/DMN/20240513/FEEL/", "DMN16.xsd"),
}
# Diagram bounds and waypoints (DMN 1.2 and later).
DC = "http://www.omg.org/spec/DMN/20180521/DC/"
DI = "http://www.omg.org/spec/DMN/20180521/DI/"

MODEL_VERSIONS = {v.model: name for name, v in VERSIONS.items()}       # namespace -> "1.3"
DMNDI_NAMESPACES = frozenset(v.dmndi for v in VERSIONS.values() if v.dmndi)
# FEEL as the expression language: by any version's URI, by name, or unstated
FEEL_LANGUAGES = frozenset({None, "", "FEEL", *(v.feel for v in VERSIONS.values())})
