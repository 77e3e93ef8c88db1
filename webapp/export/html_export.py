"""The model document and version diffs rendered as self-contained, printable HTML (Jinja2)."""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def css_string(text) -> Markup:
    """Text inside a CSS string literal of the page's <style> (running headers): CSS escapes, not
    HTML entities, and nothing that could close the style element."""
    escaped = re.sub(r'[\\"<>&\n\r]', lambda m: f"\\{ord(m.group()):x} ", str(text or ""))
    return Markup(escaped)


_env.filters["css_string"] = css_string


def render_html(doc: dict) -> str:
    return _env.get_template("model.html.j2").render(doc=doc)


def render_diff_html(diff, impact=None, note: str | None = None, old_version: str = "",
                     new_version: str = "") -> str:
    """`diff`: a pydmn.analysis.diff.ModelDiff; `impact`: its pydmn.analysis.impact.Impact, or
    None with `note` saying why no scenarios ran."""
    return _env.get_template("diff.html.j2").render(diff=diff, impact=impact, note=note,
                                                   old_version=old_version, new_version=new_version)
