"""The printed form: landscape pages with a running header and footer, nothing cut at a page edge
(checked on rendered pixels), no heading left alone at a page foot, a legible diagram; and the
HTML on screen cut nowhere either."""
import io
import re
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from pixels import ink_in_bands, read_png
from webapp.export import export_model
from webapp.export.document import build_document

ROOT = Path(__file__).resolve().parents[2]
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
BOXED = Path(__file__).parent / "data" / "boxed-kinds.dmn"
MODELS = [CAR_T, BOXED]
DPI = 40


@pytest.fixture(scope="module")
def printed(chromium):
    return {m.name: export_model(m, "pdf")[0] for m in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_every_page_has_the_running_header_and_footer(model, printed):
    doc = build_document(model)
    pages = PdfReader(io.BytesIO(printed[model.name])).pages
    assert len(pages) >= 1
    for n, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height, "pages print landscape"
        text = page.extract_text()
        assert f"Page {n} of {len(pages)}" in re.sub(r"\s+", " ", text), n
        assert doc["version"] in text and "Exported " in text
        assert (f"Policy {doc['policy_number']}" if doc["policy_number"] else "policy number not stated") in text


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_no_page_has_ink_at_its_edges(model, printed, pdf_pngs):
    """The left and right margins stay blank over the whole page, and the outer strip at the top
    and bottom too: a table wider than the page would run into them."""
    pngs = pdf_pngs(printed[model.name], DPI)
    assert len(pngs) == len(PdfReader(io.BytesIO(printed[model.name])).pages)
    for n, png in enumerate(pngs, start=1):
        grey = read_png(png)
        assert grey.shape[1] > grey.shape[0]
        side, edge = int(0.35 * DPI), int(0.15 * DPI)
        assert ink_in_bands(grey, side, side, edge, edge) == {"left": 0, "right": 0, "top": 0, "bottom": 0}, n
        assert (grey < 128).sum() > 0, f"page {n} is blank"


def _headings(model) -> set[str]:
    dom = lxml.html.fromstring(export_model(model, "html")[0])
    return {" ".join(h.text_content().split()) for h in dom.xpath("//h1|//h2|//h3")}


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_no_heading_is_left_alone_at_a_page_foot(model, printed):
    headings = _headings(model)
    pages = PdfReader(io.BytesIO(printed[model.name])).pages
    for n, page in enumerate(pages[:-1], start=1):
        body = [line.strip() for line in page.extract_text().splitlines()
                if line.strip() and not re.search(r"Model version \(sha256\)|Page \d+ of \d+|^Exported ", line)]
        assert body and body[-1] not in headings, f"page {n} ends with the heading {body[-1]!r}"


def test_the_diagram_labels_print_at_8_points(printed):
    defs_names = [d["name"] for d in build_document(CAR_T)["decisions"]]
    seen, inside = [], False

    def visit(text, cm, tm, font, size):
        nonlocal inside
        text = text.strip()
        scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
        if text == "Decision requirements diagram" and size * scale > 11:     # the heading
            inside = True
        elif text == "Decisions":
            inside = False
        elif inside and text:
            seen.append((text, size * scale))
    for page in PdfReader(io.BytesIO(printed[CAR_T.name])).pages:
        page.extract_text(visitor_text=visit)
    words = " ".join(t for t, _ in seen).split()
    for name in defs_names:
        assert all(w in words for w in name.split()), name
    assert min(size for _, size in seen) >= 7.5, sorted(seen, key=lambda s: s[1])[:3]


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_the_html_on_screen_is_cut_nowhere(model, tmp_path, dump_dom, screenshot):
    """Rendered at 1280 px: nothing wider than the window (measured in the page), and the
    rendered PNG shows no ink in the window's right edge strip over the whole page height."""
    page = tmp_path / "page.html"
    html = export_model(model, "html")[0].decode()
    probe = ("<script>addEventListener('load', () => { const e = document.documentElement;"
             "document.body.dataset.size = e.scrollWidth + 'x' + e.scrollHeight; });</script>")
    page.write_text(html.replace("</body>", probe + "</body>"))
    size = lxml.html.fromstring(dump_dom(page)).body.get("data-size")
    width, height = map(int, size.split("x"))
    assert width <= 1280, f"the page is {width} px wide"
    page.write_text(html)
    grey = read_png(screenshot(page, 1280, height))
    assert grey.shape[0] >= height // 2 - 2
    assert ink_in_bands(grey, 0, 4, 0, 0)["right"] == 0
