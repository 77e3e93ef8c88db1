"""An evidence pack as a document for the file: HTML from a template, PDF by printing that HTML
with headless Chromium (webapp.export.pdf), as the model exports are."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from webapp.export.pdf import html_to_pdf

_ENV = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render_html(document: dict) -> str:
    """`document`: {digest, model_id, number, sha256, computed_for, read_by, evidence, version}."""
    return _ENV.get_template("evidence_report.html.j2").render(doc=document, ev=document["evidence"])


def render_pdf(html: str) -> bytes:
    return html_to_pdf(html)
