"""FEEL text in spreadsheets stays text: a copy of the CAR-T model whose cells start like formulas
(`= 28`, `+1`, `-5`, `@"2026-04-15"`, tab, CR, `=HYPERLINK(...)`) exports with every such cell
escaped, in CSV and in XLSX (the OWASP CSV injection rule)."""
import csv
import io
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

import pydmn
from webapp.export import export_model
from webapp.export.tabular import FORMULA_STARTS

CAR_T = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"
FORMULAS = ["= 28", "+1", "-5", '@"2026-04-15"', '=HYPERLINK("http://example.org/x", "details")']
LABEL, DESCRIPTION = "\t@label", "\r=1+1"     # cells are trimmed; a label or a description is not


def formula_copy(tmp_path) -> Path:
    """The first table's first rule gets formula-like input entries, output entries and
    annotations (the model need not evaluate: exports show the text)."""
    defs = pydmn.read(CAR_T)
    named = next(n for n in pydmn.decision_tables(defs) if n.table.rules and n.table.inputs)
    root = etree.fromstring(CAR_T.read_bytes())
    rule = root.xpath("//*[@id=$id]", id=named.table.rules[0].id)[0]
    texts = [t for entry in rule for t in entry if etree.QName(t).localname == "text"]
    assert len(texts) >= 2
    for i, text in enumerate(texts):
        text.text = FORMULAS[i % len(FORMULAS)]
    root.xpath("//*[@id=$id]", id=named.table.inputs[0].id)[0].set("label", LABEL)
    decision = next(d for d in root.iter() if etree.QName(d).localname == "decision")
    description = etree.Element(etree.QName(etree.QName(root).namespace, "description").text)
    description.text = DESCRIPTION
    decision.insert(0, description)
    path = tmp_path / "formulas.dmn"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def test_csv_cells_that_start_like_formulas_are_escaped(tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(export_model(formula_copy(tmp_path), "csv")[0]))
    cells = [cell for name in archive.namelist()
             for row in csv.reader(io.StringIO(archive.read(name).decode(), newline=""))
             for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    for text in FORMULAS + [DESCRIPTION]:
        assert "'" + text in cells, repr(text)
    assert any(c.startswith("'" + LABEL) for c in cells)


def test_xlsx_cells_that_start_like_formulas_are_text(tmp_path):
    wb = load_workbook(io.BytesIO(export_model(formula_copy(tmp_path), "xlsx")[0]))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    for text in FORMULAS + [DESCRIPTION]:
        assert text in [c.value for c in risky], repr(text)
    assert any(c.value.startswith(LABEL) for c in risky)
