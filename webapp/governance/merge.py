"""A concurrent save, reconciled: the author's edits re-applied onto what someone else saved since
the author opened the version (a three-way merge of the texts of DMN elements, by element id).

dmn-js keeps every element's id across edits, so an edit of a cell, an annotation or a literal
expression is a changed `text` under one id. Each text the author changed from the common base is
carried into the other person's content when they left that element as it was (applied); when they
changed it too, differently, it is a conflict; an element the author added or removed, which has no
text of its own to carry, is left to be redone by hand. The content is untrusted, so this runs in
the bounded child (webapp.governance.bounded), as validation does."""
from __future__ import annotations

from lxml import etree

import pydmn
from pydmn import DMNError, analysis
from webapp.store.errors import Invalid

_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False)


def _texts(root) -> dict[str, str]:
    """Element id -> the text of its own `text` child, for every element with an id that has one."""
    out = {}
    for element in root.iter(etree.Element):
        found = element.find("{*}text") if element.get("id") else None
        if found is not None:
            out[element.get("id")] = found.text or ""
    return out


def _where(root, element_id: str) -> str:
    """"Decision Name, rule-id" of an element: what the author reads to find it."""
    element = root.xpath("//*[@id=$id]", id=element_id)[0]
    names = [a.get("name") for a in element.iterancestors() if etree.QName(a).localname == "decision"]
    rules = [a.get("id") for a in element.iterancestors() if etree.QName(a).localname == "rule"]
    return ", ".join([*names[:1], *rules[:1]]) or element_id


def merge(base: bytes, mine: bytes, theirs: bytes) -> dict:
    """{"merged": the other person's content with the author's edits applied (text), "applied",
    "conflicts", "by_hand": [{"element_id", "where", "base", "mine", "theirs"}]}."""
    roots = [etree.fromstring(x, etree.XMLParser(**_PARSER)) for x in (base, mine, theirs)]
    old, new, other = (_texts(r) for r in roots)
    applied, conflicts, by_hand = [], [], []
    for element_id in sorted(set(old) | set(new)):
        before, after, now = old.get(element_id), new.get(element_id), other.get(element_id)
        if before == after:
            continue
        entry = {"element_id": element_id, "base": before, "mine": after, "theirs": now,
                 "where": _where(roots[1] if after is not None else roots[0], element_id)}
        if None in (before, after, now):
            by_hand.append(entry)
        elif now == after:
            continue        # they made the same edit
        elif now == before:
            roots[2].xpath("//*[@id=$id]/*[local-name()='text']", id=element_id)[0].text = after
            applied.append(entry)
        else:
            conflicts.append(entry)
    merged = etree.tostring(roots[2], xml_declaration=True, encoding="UTF-8").decode("utf-8")
    return {"merged": merged, "applied": applied, "conflicts": conflicts, "by_hand": by_hand}


def reconcile(base: bytes, mine: bytes, theirs: bytes) -> dict:
    """merge(), and "theirs": what the other person changed (the review's rule-level diff)."""
    try:
        changes = [c.as_dict() for c in analysis.diff_definitions(
            pydmn.read(base), pydmn.read(theirs), "as you opened it", "as saved since").changes]
    except DMNError as exc:
        changes = [{"kind": "other", "message": f"no diff: a content is not a readable model ({exc})"}]
    try:
        return {**merge(base, mine, theirs), "theirs": changes}
    except etree.XMLSyntaxError as exc:
        raise Invalid(f"your content is not XML: {exc.msg}", {"content": [exc.msg]}) from None
