"""The headers that keep stored content from running as script on the service's origin.

Models are untrusted content (an author writes them), and an XML document may carry XHTML
`<script>` in `extensionElements`: served inline on the console's origin it ran with the viewer's
session. So every answer says `nosniff`, and every answer that is not a page of the console or
/docs (which set their own policy: webapp.console, webapp.api.openapi) carries a policy under which
nothing runs, nothing loads, nothing frames it, and a document is a sandbox with an opaque origin.
The HTML documents the service renders for reading (a model's export, an evidence report) carry the
same policy with their own inline stylesheet allowed (DOCUMENT_CSP). Stored model XML is also sent
as an attachment (`attachment`), so a browser saves it instead of opening it.
"""
from __future__ import annotations

from flask import Flask, Response

NOTHING_RUNS_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


def attachment(response: Response, filename: str) -> Response:
    """Send `response` as a file to save (werkzeug quotes the name, RFC 6266)."""
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def register(app: Flask) -> None:
    @app.after_request
    def _nothing_runs(response: Response) -> Response:
        # Runs after the blueprints' own hooks: a console page or /docs already holds its policy.
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Content-Security-Policy", NOTHING_RUNS_CSP)
        return response
