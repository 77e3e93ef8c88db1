"""Every format shows all of the logic: each input entry, output entry and annotation, each input
expression, every boxed expression, each question and description, collected from the model."""
import csv
import html
import io
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from model_strings import logic_strings, missing
from webapp.export import export_model
from webapp.export.document import build_document

ROOT = Path(__file__).resolve().parents[2]
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
DATA = ROOT / "tests" / "analysis" / "data"
BOXED = Path(__file__).parent / "data" / "boxed-kinds.dmn"
MODELS = [CAR_T, BOXED, DATA / "seeded-defects.dmn"]


def html_text(content: bytes) -> str:
    return lxml.html.fromstring(content).text_content()


def markdown_text(content: bytes) -> str:
    """As a reader sees it: pipes and line breaks in tables, the escaped HTML of plain text."""
    return html.unescape(content.decode().replace("\\|", "|").replace("<br>", "\n"))


def csv_text(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "\n".join(" ".join(cell for row in csv.reader(io.StringIO(archive.read(n).decode())) for cell in row)
                     for n in archive.namelist())


def xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content))
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def pdf_text(content: bytes) -> str:
    """Body text of every page: the running header and footer lines are left out, so a string
    that continues on the next page reads as one."""
    pages = []
    for page in PdfReader(io.BytesIO(content)).pages:
        lines = page.extract_text().splitlines()
        pages.append("\n".join(line for line in lines if not RUNNING.search(line)))
    return "\n".join(pages)


RUNNING = re.compile(r"Model version \(sha256\)|Page \d+ of \d+")
TEXT = {"html": html_text, "md": markdown_text, "csv": csv_text, "xlsx": xlsx_text}


@pytest.mark.parametrize("fmt", sorted(TEXT))
@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_every_string_of_the_logic_is_in_every_format(model, fmt):
    strings = logic_strings(model)
    assert strings["input entry"] and strings["output entry"]
    assert missing(strings, TEXT[fmt](export_model(model, fmt)[0])) == {}


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_every_string_of_the_logic_is_in_the_pdf_text(model, chromium):
    assert missing(logic_strings(model), pdf_text(export_model(model, "pdf")[0])) == {}


def test_the_boxed_model_has_every_kind_of_boxed_expression():
    doc = build_document(BOXED)
    kinds = set()

    def walk(n):
        if isinstance(n, dict):
            kinds.add(n.get("kind"))
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk([d["logic"] for d in doc["decisions"]] + [b["logic"] for b in doc["bkms"]])
    assert kinds >= {"literal", "table", "context", "invocation", "list", "relation", "function",
                     "conditional", "filter", "iteration"}
    assert {d["logic_kind"] for d in doc["decisions"]} >= {"boxed context", "invocation", "relation"}


def _values(element, xpath):
    """Texts of the matched nodes as values: whitespace squeezed, FEEL string quotes dropped."""
    out = []
    for node in element.xpath(xpath):
        text = " ".join(node.text_content().split())
        out.append(text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text)
    return out


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_each_rule_shows_its_row_number_section_and_reason_once(model):
    """In the grid row and in the printed rule card alike, each annotation of a rule (its policy
    section, its reason) is shown once, as a cell of its own or as the output it repeats; and the
    row number leads."""
    import pydmn
    dom = lxml.html.fromstring(export_model(model, "html")[0])
    for named in pydmn.decision_tables(pydmn.read(model)):
        for rule in named.table.rules:
            [row] = dom.xpath('//tr[@class="rule"][@data-rule-id=$id]', id=rule.id)
            [card] = dom.xpath('//div[@class="rule-card"][@data-rule-id=$id]', id=rule.id)
            assert row.xpath("td")[0].text_content().startswith(str(rule.index))
            head = " ".join(card.xpath('p[@class="head"]')[0].text_content().split())
            assert head.startswith(f"Rule {rule.index}")
            cells = _values(row, "td")
            parts = _values(card, ".//code") + [p.split(": ", 1)[-1] for p in _values(card, 'p[@class="note"]')]
            for note in filter(None, (" ".join(a.split()) for a in rule.annotation_entries)):
                assert cells.count(note) == 1, (rule.id, note)
                assert parts.count(note) + (f"· {note} " in head + " ") == 1, (rule.id, note)


def test_an_annotation_that_repeats_an_output_is_shown_once(tmp_path):
    """The copy's first table gets an annotation column repeating, rule by rule, an output column
    of string literals (as the reason once was both an output and an annotation)."""
    import pydmn
    from lxml import etree
    defs = pydmn.read(CAR_T)
    named, c = next((n, c) for n in pydmn.decision_tables(defs) for c in range(len(n.table.outputs))
                    if n.table.rules and all(re.fullmatch(r'"[^"\\]+"', r.output_entries[c].strip())
                                             for r in n.table.rules))
    root = etree.fromstring(CAR_T.read_bytes())
    ns = etree.QName(root).namespace
    table = root.xpath("//*[@id=$id]", id=named.table.id)[0]
    last_output = table.xpath("*[local-name()='output' or local-name()='annotation']")[-1]
    last_output.addnext(etree.Element(f"{{{ns}}}annotation", name="echo"))
    for rule in named.table.rules:
        node = root.xpath("//*[@id=$id]", id=rule.id)[0]
        entry = etree.SubElement(node, f"{{{ns}}}annotationEntry")
        etree.SubElement(entry, f"{{{ns}}}text").text = rule.output_entries[c].strip()[1:-1]
    copy = tmp_path / "echo.dmn"
    copy.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    dom = lxml.html.fromstring(export_model(copy, "html")[0])
    for rule in named.table.rules:
        value = rule.output_entries[c].strip()[1:-1]
        [row] = dom.xpath('//tr[@class="rule"][@data-rule-id=$id]', id=rule.id)
        [card] = dom.xpath('//div[@class="rule-card"][@data-rule-id=$id]', id=rule.id)
        assert _values(row, "td").count(value) == 1
        notes = [p.split(": ", 1)[-1] for p in _values(card, 'p[@class="note"]')]
        assert (_values(card, ".//code") + notes).count(value) == 1
    assert "repeats output" in dom.text_content()
