"""docs/api.md names every determination, disposition and finding id the model can give, and
docs/policy-interpretation.md every finding id, so a caller and the committee read the same list."""
import re
from pathlib import Path

from lxml import etree

from webapp.serving.determination import DISPOSITIONS, OUTCOMES

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SECTION = "## CAR-T answers: determinations, dispositions, findings"


def model_ids(met: bool) -> set[str]:
    root = etree.parse(str(MODEL)).getroot()
    ids = set()
    for table in root.iter("{*}decisionTable"):
        names = [o.get("name") for o in table.iterfind("{*}output")]
        if "met" not in names:
            continue
        for rule in table.iterfind("{*}rule"):
            cells = [e.findtext("{*}text").strip() for e in rule.iterfind("{*}outputEntry")]
            if (cells[names.index("met")] == "true") == met:
                ids.add(cells[names.index("id")].strip('"'))
    return ids


def listed(text: str) -> set[str]:
    """Ids written in backquotes, with ranges like `GL-I.B.1` ... `GL-I.B.6` spelled out."""
    ids = set(re.findall(r"`([A-Z][A-Z0-9.-]*)`", text))
    for prefix, start, end in re.findall(r"`([A-Z][\w.-]*?\.)(\d)` \.\.\. `[A-Z][\w.-]*?\.(\d)`", text):
        ids |= {f"{prefix}{i}" for i in range(int(start), int(end) + 1)}
    return ids


def test_api_md_lists_every_determination_disposition_and_id():
    text = (ROOT / "docs" / "api.md").read_text()
    assert text.count(SECTION) == 1 and text.rstrip().endswith(text[text.index(SECTION):].rstrip())
    section = text[text.index(SECTION):]
    assert all(f"`{o}`" in section for o in OUTCOMES + DISPOSITIONS)
    assert sorted(model_ids(met=False) - listed(section)) == []
    assert sorted(model_ids(met=True) - listed(section)) == []


def test_policy_interpretation_lists_every_finding_id():
    text = (ROOT / "docs" / "policy-interpretation.md").read_text()
    assert sorted(model_ids(met=False) - listed(text)) == []
