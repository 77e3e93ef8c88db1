"""Exports hold every table and rule; the HTML renders in a real browser with its diagram."""
import csv
import io
import zipfile
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pydmn.model.reader import parse_definitions
from webapp.export import export_model
from webapp.export.document import build_document
from webapp.cli.governance import export_command

DATA = Path(__file__).parent.parent / "analysis" / "data"
SEEDED = DATA / "seeded-defects.dmn"
LENDING = Path(__file__).parents[1] / "tck" / "cases" / "compliance-level-3/0004-lending/0004-lending.dmn"
MODELS = [SEEDED, LENDING]


def doc_table(doc, decision):
    return next(t for t in doc["tables"] if t["decision"] == decision)


def all_rules(path):
    doc = build_document(path)
    return doc, [(t["decision"], r) for t in doc["tables"] for r in t["rules"]]


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_html_in_chromium_has_diagram_and_every_table(model, tmp_path, dump_dom):
    content, media, name = export_model(model, "html")
    assert media.startswith("text/html")
    page = tmp_path / name
    page.write_bytes(content)
    dom = lxml.html.fromstring(dump_dom(page))
    doc, rules = all_rules(model)
    defs = parse_definitions(model.read_bytes())
    svg = dom.xpath('//section[@id="diagram"]//*[local-name()="svg"]')
    assert len(svg) == 1
    shapes = svg[0].xpath('.//*[local-name()="g"][contains(@class, "shape")]')
    assert {g.get("data-element-id") for g in shapes} == set(defs.diagram.shapes)
    assert len(svg[0].xpath('.//*[local-name()="polyline"]')) == len(defs.diagram.edges)
    sections = dom.xpath('//section[contains(@class, "decision-table")]')
    assert len(sections) == len(doc["tables"])
    for section, table in zip(sections, doc["tables"]):
        rows = section.xpath('.//tr[@class="rule"]')
        assert [r.get("data-rule-id") for r in rows] == [r["id"] for r in table["rules"]]
        assert table["hit_policy"] in section.text_content()
        first = [td.text_content() for td in rows[0].xpath("td")][1:]
        assert first == table["rules"][0]["inputs"] + table["rules"][0]["outputs"] + table["rules"][0]["annotations"]
    assert dom.get_element_by_id("model-version").text_content() == doc["version"]


def test_html_shows_policy_metadata_and_annotations():
    html = export_model(SEEDED, "html")[0].decode()
    assert "TEST-001" in html and "2026-01-01" in html
    assert "Policy section" in html and ">1.3<" in html
    assert "tRegion" in html and "Test policy" in html       # data dictionary, knowledge source


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_xlsx_holds_every_rule(model):
    content, _, _ = export_model(model, "xlsx")
    wb = load_workbook(io.BytesIO(content))
    doc, rules = all_rules(model)
    assert wb.sheetnames[0] == "Cover"
    cover = {row[0]: row[1] for row in wb["Cover"].iter_rows(values_only=True)}
    assert cover["Version (sha256)"] == doc["version"]
    found = []
    rows = list(wb["Cover"].iter_rows(values_only=True))
    for _, name in rows[rows.index(("Decision table", "Sheet")) + 1:]:
        ws = wb[name]
        decision = ws.cell(2, 2).value
        assert ws.cell(1, 4).value == doc["version"]
        assert [c.value for c in ws[4]][2:2 + len(doc_table(doc, decision)["inputs"])] == \
            [c["text"] for c in doc_table(doc, decision)["inputs"]]
        t = doc_table(doc, decision)
        width = len(t["inputs"]) + len(t["outputs"]) + len(t["annotations"])
        for row in ws.iter_rows(min_row=5, values_only=True):
            if isinstance(row[0], int):
                found.append((decision, row[1], [c or "" for c in row[2:2 + width]]))
    expected = [(d, r["id"], r["inputs"] + r["outputs"] + r["annotations"]) for d, r in rules]
    assert found == expected


def test_csv_zip_one_file_per_table_with_every_rule():
    archive = zipfile.ZipFile(io.BytesIO(export_model(SEEDED, "csv")[0]))
    doc, rules = all_rules(SEEDED)
    tables = [n for n in archive.namelist() if n not in ("decisions.csv", "logic.csv", "data-dictionary.csv")]
    assert len(tables) == len(doc["tables"]) and "decisions.csv" in archive.namelist()
    count = 0
    for name in archive.namelist():
        rows = list(csv.reader(io.StringIO(archive.read(name).decode())))
        assert rows[0][3] == doc["version"]
        if name in tables:
            count += sum(row[0].isdigit() for row in rows[4:] if row)
    assert count == len(rules)


def test_markdown_holds_every_rule():
    text = export_model(SEEDED, "md")[0].decode()
    doc, rules = all_rules(SEEDED)
    assert doc["version"] in text
    for _, rule in rules:
        assert any(line.startswith(f"| {rule['index']} | `{rule['inputs'][0]}`") for line in text.splitlines())


SIMPLETABLE = Path(__file__).parent.parent / "webapp" / "data" / "simpletable.dmn"


def test_markdown_shows_the_authors_html_as_text():
    # A model's texts are the author's: Markdown would pass their HTML through to whoever renders
    # the file (a pull request, a wiki), so every text outside a code span is escaped.
    source = SIMPLETABLE.read_text().replace(
        '<variable typeRef="string" name="Approval Status"/>',
        '<description>&lt;script&gt;alert(1)&lt;/script&gt; &amp;c</description>'
        '<variable typeRef="string" name="Approval Status"/>', 1).replace(
        'label="Age"', 'label="&lt;img src=x onerror=alert(2)&gt;"', 1)
    text = export_model(source.encode(), "md")[0].decode()
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;c" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "| `>=18` |" in text                 # FEEL in a code span is shown as written


def test_markdown_code_blocks_outlast_the_backticks_they_hold():
    source = SIMPLETABLE.read_text().replace(
        '<variable typeRef="string" name="Approval Status"/>',
        '<variable typeRef="string" name="Approval Status"/><literalExpression><text>"a"\n```\n'
        '&lt;b&gt;bold&lt;/b&gt;"</text></literalExpression>', 1)
    source = source[:source.index("<decisionTable")] + source[source.index("</decisionTable>") + 16:]
    text = export_model(source.encode(), "md")[0].decode()
    block = text[text.index("feel\n") - 4:]
    assert block.startswith("````feel") and "\n````\n" in block


def test_pdf_is_printed_by_chromium(chromium):
    content, media, _ = export_model(SEEDED, "pdf")
    assert media == "application/pdf" and content.startswith(b"%PDF") and len(content) > 5000


def test_cli_export_writes_files(tmp_path):
    runner = CliRunner()
    result = runner.invoke(export_command, [str(SEEDED), "--format", "xlsx", "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "m.xlsx").stat().st_size > 0
    result = runner.invoke(export_command, [str(SEEDED), "--format", "csv", "-o", str(tmp_path / "csv")])
    assert result.exit_code == 0 and len(list((tmp_path / "csv").glob("*.csv"))) == 3 + 2  # decisions, dictionary
    result = runner.invoke(export_command, [str(SEEDED), "--format", "md"])
    assert result.exit_code == 0 and result.output.startswith("# Seeded defects")
