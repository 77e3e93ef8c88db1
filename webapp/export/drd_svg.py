"""The decision requirements diagram drawn as SVG from the model's DMNDI shapes and edges.

Notation per DMN 1.5 §6.2: decisions are rectangles, input data stadiums, BKMs rectangles with
clipped corners, knowledge sources pages with a wavy bottom, decision services rounded rectangles;
information requirements solid arrows, knowledge requirements dashed arrows, authority
requirements dashed lines ending in a dot.
"""
from __future__ import annotations

from html import escape

from pydmn import elements as el

PAD = 20
# The printed page (Letter landscape, the export's margins) the diagram must fit, in CSS px, and
# the smallest label size that stays legible there (8 pt).
PRINT_WIDTH, PRINT_HEIGHT = 960, 600
MIN_PRINT_PX = 8 * 96 / 72
INFORMATION = {"decision": "information", "input": "information"}


def requirement_kinds(defs: el.Definitions) -> dict[str, str]:
    """Requirement id -> "information" | "knowledge" | "authority"; association ids ->
    "association" (DMNEdges refer to these)."""
    kinds = {}
    for ident, item in defs.by_id.items():
        if isinstance(item, el.Requirement):
            kinds[ident] = INFORMATION.get(item.kind, item.kind)
        elif isinstance(item, el.Association):
            kinds[ident] = "association"
    return kinds


def label_size(width: float, height: float) -> float:
    """Label font size (px) that prints at 8 pt or more once the diagram is fitted to the page."""
    scale = min(1.0, PRINT_WIDTH / width, PRINT_HEIGHT / height)
    return round(max(12.0, MIN_PRINT_PX / scale), 1)


def _wrap(text: str, width: float, size: float = 12) -> list[str]:
    per_line = max(6, int(width / (size * 0.55)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def _label(b: el.Bounds, text: str, size: float) -> str:
    lines = _wrap(text, b.width - 8, size)
    step = size * 1.15
    cy = b.y + b.height / 2 - (len(lines) - 1) * step / 2
    return "".join(f'<text x="{b.x + b.width / 2:.1f}" y="{cy + i * step + size / 3:.1f}" '
                   f'text-anchor="middle">{escape(line)}</text>' for i, line in enumerate(lines))


def _shape(kind: str, b: el.Bounds) -> str:
    x, y, w, h = b.x, b.y, b.width, b.height
    if kind == "inputData":
        r = h / 2
        return f'<rect class="input" x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" ry="{r}"/>'
    if kind == "bkm":
        c = min(12, w / 4, h / 4)
        pts = [(x + c, y), (x + w, y), (x + w, y + h - c), (x + w - c, y + h), (x, y + h), (x, y + c)]
        return '<polygon class="bkm" points="' + " ".join(f"{px},{py}" for px, py in pts) + '"/>'
    if kind == "knowledgeSource":
        wave = h * 0.15
        return (f'<path class="source" d="M{x},{y} H{x + w} V{y + h - wave} '
                f'C{x + w * 0.75},{y + h - 2 * wave} {x + w * 0.5},{y + h + wave} {x + w * 0.25},{y + h} '
                f'S{x},{y + h - wave} {x},{y + h - wave} Z"/>')
    if kind == "decisionService":
        return f'<rect class="service" x="{x}" y="{y}" width="{w}" height="{h}" rx="14" ry="14"/>'
    return f'<rect class="decision" x="{x}" y="{y}" width="{w}" height="{h}"/>'


def _kind_of(element) -> str:
    return {el.Decision: "decision", el.InputData: "inputData", el.BusinessKnowledgeModel: "bkm",
            el.KnowledgeSource: "knowledgeSource", el.DecisionService: "decisionService"}.get(
        type(element), "other")


def drd_svg(defs: el.Definitions) -> str | None:
    """An inline <svg> element, or None when the model has no DMNDI diagram. Labels are sized
    to print at 8 pt or more when the diagram is fitted to a landscape page."""
    diagram = defs.diagram
    if diagram is None or not diagram.shapes:
        return None
    kinds = requirement_kinds(defs)
    xs, ys = [], []
    for b in diagram.shapes.values():
        xs += [b.x, b.x + b.width]
        ys += [b.y, b.y + b.height]
    for points in diagram.edges.values():
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
    min_x, min_y = min(xs) - PAD, min(ys) - PAD
    width, height = max(xs) - min_x + PAD, max(ys) - min_y + PAD
    size = label_size(width, height)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="drd" role="img" '
             f'aria-label="Decision requirements diagram" viewBox="{min_x:.0f} {min_y:.0f} '
             f'{width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
             'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
             '<marker id="open-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
             'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#222"/>'
             '</marker><marker id="dot" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" '
             'markerHeight="7"><circle cx="5" cy="5" r="4"/></marker></defs>',
             '<style>.drd rect,.drd polygon,.drd path.source{fill:#fff;stroke:#222;stroke-width:1.5}'
             '.drd .input{fill:#f4f8ff}.drd .bkm{fill:#fffbea}.drd .source{fill:#f7f7f7}'
             '.drd rect.service{fill:none}'
             f'.drd text{{font:{size}px sans-serif;fill:#111}}'
             '.drd polyline{fill:none;stroke:#222;'
             'stroke-width:1.2}.drd .knowledge{stroke-dasharray:6 4}.drd .authority'
             '{stroke-dasharray:3 3}.drd .association{stroke-dasharray:2 3}</style>']
    # edges under the shapes: a line that crosses a shape does not run through its label
    for element_id, points in diagram.edges.items():
        if len(points) < 2:
            continue
        kind = kinds.get(element_id, "information")
        marker = {"information": 'marker-end="url(#arrow)"',
                  "knowledge": 'marker-end="url(#open-arrow)"',
                  "authority": 'marker-end="url(#dot)"'}.get(kind, "")
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="edge {kind}" data-element-id="{escape(element_id)}" '
                     f'points="{pts}" {marker}/>')
    # services first so the decisions inside them are drawn on top
    ordered = sorted(diagram.shapes.items(),
                     key=lambda kv: _kind_of(defs.by_id.get(kv[0])) != "decisionService")
    for element_id, b in ordered:
        element = defs.by_id.get(element_id)
        kind = _kind_of(element)
        if kind == "other":
            continue
        name = element.label or element.name or element_id
        parts.append(f'<g class="shape {kind}" data-element-id="{escape(element_id)}">'
                     f'{_shape(kind, b)}{_label(b, name, size) if kind != "decisionService" else ""}'
                     + (f'<text x="{b.x + b.width / 2:.1f}" y="{b.y + size + 4:.1f}" text-anchor="middle">'
                        f'{escape(name)}</text>' if kind == "decisionService" else "") + '</g>')
    parts.append("</svg>")
    return "".join(parts)
