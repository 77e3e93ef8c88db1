"""Exports of a model's decision logic for reviewers and regulators: HTML, Markdown, CSV, XLSX, PDF,
and the document they all render as JSON.

    content, media_type, file_name = export_model("decisions/x.dmn", "html")
"""
from __future__ import annotations

import json
import re

from webapp.export.document import build_document

FORMATS = {"html": ("text/html; charset=utf-8", "html"),
           "md": ("text/markdown; charset=utf-8", "md"),
           "csv": ("application/zip", "csv.zip"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
           "pdf": ("application/pdf", "pdf"),
           "json": ("application/json", "json")}


def render(doc: dict, fmt: str) -> bytes:
    if fmt == "html":
        from webapp.export.html_export import render_html
        return render_html(doc).encode("utf-8")
    if fmt == "md":
        from webapp.export.markdown_export import render_markdown
        return render_markdown(doc).encode("utf-8")
    if fmt == "csv":
        from webapp.export.tabular import render_csv_zip
        return render_csv_zip(doc)
    if fmt == "xlsx":
        from webapp.export.tabular import render_xlsx
        return render_xlsx(doc)
    if fmt == "json":       # the document itself, for the console's side-by-side tables
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "pdf":
        from webapp.export.html_export import render_html
        from webapp.export.pdf import html_to_pdf
        return html_to_pdf(render_html(doc))
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def export_model(source, fmt: str, name_hint: str | None = None,
                 record: dict | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file name) of one export of a model path, bytes or XML text;
    `record`: the stored version's number, state and approval (webapp.export.version_record), shown
    on the first page."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    doc = {**build_document(source, name_hint), "record": record}
    media_type, ext = FORMATS[fmt]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", doc["name"] or "model").strip("-") or "model"
    number = f"v{record['number']}-" if record else ""
    return render(doc, fmt), media_type, f"{stem}-{number}{doc['version'][:12]}.{ext}"
