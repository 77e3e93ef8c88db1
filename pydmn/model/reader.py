"""DMN XML (1.1 to 1.6) -> `Definitions`.

Parsing is safe by construction: no entity expansion, no DTD, no network, a size ceiling. Foreign
extension attributes and `<extensionElements>` (camunda:, zeebe:, kie:, ...) are kept on each
element as written, as are requirement and artifact ids, so a reader of the model (an export, a
diff) needs no second parse. Any structural problem raises ModelError with the file, line and
element id, so a caller never receives a half-loaded model.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, NoReturn, TypeAlias, TypeVar

from lxml import etree

from pydmn.errors import ModelError
from pydmn.model import elements as el
from pydmn.model.namespaces import MODEL_VERSIONS

MAX_BYTES = 20 * 1024 * 1024

EXPRESSION_TAGS = frozenset({"literalExpression", "context", "decisionTable", "invocation",
                             "relation", "list", "functionDefinition", "conditional", "filter",
                             "for", "some", "every"})

HIT_POLICIES = {"UNIQUE", "ANY", "PRIORITY", "FIRST", "RULE ORDER", "OUTPUT ORDER", "COLLECT"}
AGGREGATIONS = {"SUM", "MIN", "MAX", "COUNT"}

ModelSource: TypeAlias = "str | bytes | Path"
"""A model as `read` and `pydmn.load` take it: a path (str or Path), the XML's bytes, or its text."""

E = TypeVar("E", bound=el.Element)
Raw: TypeAlias = "tuple[str, str, str | None]"     # a requirement as written: kind, href, its own id


def read_source(source: ModelSource) -> tuple[bytes, str | None]:
    """Accept a path, bytes or XML text; return the bytes and a file name for messages."""
    if isinstance(source, bytes):
        return source, None
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("<")):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ModelError(f"file larger than {MAX_BYTES} bytes", file=str(path))
            return path.read_bytes(), str(path)
        except OSError as exc:
            raise ModelError(f"cannot read model: {exc.strerror or exc}", file=str(path)) from None
        except ValueError:      # text with NUL or other characters no path can hold
            raise ModelError("not a model file name nor DMN XML text") from None
    if isinstance(source, str):
        return source.encode("utf-8"), None
    raise ModelError(f"cannot load a model from {type(source).__name__}")


def read(source: ModelSource) -> el.Definitions:
    """The definitions of a model (path, bytes or XML text) as written, without compiling
    anything. Raises ModelError."""
    data, file = read_source(source)
    return parse_definitions(data, file)


def parse_definitions(data: bytes, file: str | None = None) -> el.Definitions:
    if len(data) > MAX_BYTES:
        raise ModelError(f"model larger than {MAX_BYTES} bytes", file=file)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ModelError(f"not well-formed XML: {exc.msg}", file=file,
                         line=exc.lineno) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        # A DTD can declare entities that read local files or expand without bound; DMN needs none.
        raise ModelError("DTDs and entities are not allowed in a DMN model (the file declares a DOCTYPE)",
                         file=file, line=1)
    return _Reader(file).definitions(root)


def _local(tag: object) -> str:
    # `{namespace}local` or `local`; comments and processing instructions have no name
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_REQUIREMENT_KINDS = {"informationRequirement": "information", "knowledgeRequirement": "knowledge",
                      "authorityRequirement": "authority"}


def _extension(node: etree._Element) -> el.ExtensionElement:
    return el.ExtensionElement(node.tag, dict(node.attrib), node.text,
                               tuple(_extension(c) for c in node if isinstance(c.tag, str)))


class _Reader:
    def __init__(self, file: str | None):
        self.file = file
        self.prefix = ""           # "{namespace}" of the DMN elements
        self.by_id: dict = {}

    # -- helpers ------------------------------------------------------------------------------
    def fail(self, node: etree._Element | None, message: str) -> NoReturn:
        raise ModelError(message, file=self.file, line=getattr(node, "sourceline", None),
                         element_id=node.get("id") if node is not None else None)

    def kids(self, node: etree._Element, name: str | None = None) -> Iterator[etree._Element]:
        """The children in the DMN namespace of the document (named `name`)."""
        prefix = self.prefix
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag.startswith(prefix) and (
                    name is None or tag[len(prefix):] == name):
                yield child

    def kid(self, node: etree._Element, name: str) -> etree._Element | None:
        return next(self.kids(node, name), None)

    def text_of(self, node: etree._Element | None, name: str = "text") -> str | None:
        child = self.kid(node, name) if node is not None else None
        if child is None:
            return None
        return child.text or ""

    def base(self, node: etree._Element, cls: type[E], **extra: Any) -> E:      # extra: cls's own fields
        label = node.get("label")
        desc = self.text_of(node, "description")
        obj = cls(id=node.get("id"), name=node.get("name"), label=label, description=desc,
                  line=node.sourceline, **extra)
        self.extensions(node, obj)
        if obj.id:
            self.by_id[obj.id] = obj
        return obj

    def extensions(self, node: etree._Element, obj: el.Element) -> None:
        obj.extension_attributes = {k: v for k, v in node.attrib.items()
                                    if k.startswith("{") and not k.startswith(self.prefix)}
        holder = self.kid(node, "extensionElements")
        if holder is not None:
            obj.extension_elements = [_extension(c) for c in holder if isinstance(c.tag, str)]

    @staticmethod
    def type_ref(value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        # DMN 1.1 writes QNames (feel:number, tns:tType); later versions plain names.
        if ":" in value and " " not in value.split(":", 1)[0]:
            value = value.split(":", 1)[1]
        return value or None

    def variable_type(self, node: etree._Element) -> str | None:
        var = self.kid(node, "variable")
        ref = var.get("typeRef") if var is not None else None
        return self.type_ref(ref)

    def href(self, node: etree._Element) -> str:
        ref = node.get("href")
        if not ref:
            self.fail(node, f"{_local(node.tag)} without href")
        return ref

    def requirements(self, node: etree._Element) -> list[Raw]:
        """(kind, href, requirement id) of the information, knowledge and authority
        requirements of a DRG element; names are added once the whole document is read."""
        found = []
        for req in self.kids(node):
            tag = _local(req.tag)
            kind = _REQUIREMENT_KINDS.get(tag)
            if kind is None:
                continue
            for ref in self.kids(req):
                if tag == "informationRequirement":
                    kind = "decision" if _local(ref.tag) == "requiredDecision" else "input"
                found.append((kind, self.href(ref), req.get("id")))
        return found

    # -- definitions --------------------------------------------------------------------------
    def definitions(self, root: etree._Element) -> el.Definitions:
        ns = etree.QName(root).namespace
        if ns not in MODEL_VERSIONS or _local(root.tag) != "definitions":
            raise ModelError(f"not a DMN definitions document (root {root.tag!r})",
                             file=self.file, line=root.sourceline)
        self.prefix = "{" + ns + "}"
        name = root.get("name")
        defs = el.Definitions(id=root.get("id"), name=name, label=root.get("label"),
                              description=self.text_of(root, "description"),
                              line=root.sourceline, namespace=root.get("namespace") or "",
                              dmn_version=MODEL_VERSIONS[ns],
                              expression_language=root.get("expressionLanguage"))
        self.extensions(root, defs)
        # (element, raw requirements) named once all ids are known
        self.pending: list[tuple[el.Decision | el.BusinessKnowledgeModel | el.KnowledgeSource, list[Raw]]] = []
        for node in self.kids(root):
            tag = _local(node.tag)
            if tag == "import":
                defs.imports.append(el.Import(namespace=node.get("namespace") or "",
                                              name=node.get("name") or "",
                                              import_type=node.get("importType"),
                                              location=node.get("locationURI")))
            elif tag == "itemDefinition":
                self.add(defs.item_definitions, self.item_definition(node), node)
            elif tag == "inputData":
                item = self.base(node, el.InputData, type_ref=self.variable_type(node),
                                 namespace=defs.namespace)
                self.add(defs.input_data, item, node)
            elif tag == "decision":
                self.add(defs.decisions, self.decision(node, defs.namespace), node)
            elif tag == "businessKnowledgeModel":
                self.add(defs.bkms, self.bkm(node, defs.namespace), node)
            elif tag == "decisionService":
                self.add(defs.decision_services, self.decision_service(node, defs.namespace), node)
            elif tag == "knowledgeSource":
                ks = self.base(node, el.KnowledgeSource, type=self.text_of(node, "type"),
                               uri=node.get("locationURI"))
                owner = self.kid(node, "owner")
                ks.owner = owner.get("href") if owner is not None else None
                self.pending.append((ks, self.requirements(node)))
                self.add(defs.knowledge_sources, ks, node)
            elif tag == "textAnnotation":
                defs.artifacts.append(self.base(node, el.TextAnnotation,
                                                text=self.text_of(node)))
            elif tag == "association":
                source, target = self.kid(node, "sourceRef"), self.kid(node, "targetRef")
                defs.artifacts.append(self.base(
                    node, el.Association,
                    source_ref=source.get("href") if source is not None else None,
                    target_ref=target.get("href") if target is not None else None))
        defs.diagram = self.diagram(root)
        self.name_requirements(defs.namespace)
        defs.by_id = self.by_id
        return defs

    def name_requirements(self, namespace: str) -> None:
        """Requirements name the element they require when it is in this model; requirement
        elements with an id are found by it (DMNDI edges point at them)."""
        for owner, raw in self.pending:
            owner.requirements = []
            for kind, href, rid in raw:
                ns, _, ident = href.partition("#")
                target = self.by_id.get(ident) if ns in ("", namespace) else None
                requirement = el.Requirement(kind, href, rid, getattr(target, "name", None))
                owner.requirements.append(requirement)
                if rid:
                    self.by_id.setdefault(rid, requirement)

    def add(self, table: dict[str, E], item: E, node: etree._Element) -> None:
        if not item.name:
            self.fail(node, f"{_local(node.tag)} without a name")
        if item.name in table:
            self.fail(node, f"duplicate {_local(node.tag)} name {item.name!r}")
        table[item.name] = item

    def item_definition(self, node: etree._Element) -> el.ItemDefinition:
        item = self.base(node, el.ItemDefinition,
                         type_ref=self.type_ref(self.text_of(node, "typeRef")),
                         is_collection=node.get("isCollection") == "true",
                         type_language=node.get("typeLanguage"))
        allowed = self.kid(node, "allowedValues")
        if allowed is not None:
            item.allowed_values = self.text_of(allowed) or None
        constraint = self.kid(node, "typeConstraint")
        if constraint is not None:
            item.type_constraint = self.text_of(constraint) or None
        item.components = [self.item_component(c) for c in self.kids(node, "itemComponent")]
        fn = self.kid(node, "functionItem")
        if fn is not None:
            item.function_item = el.FunctionItem(
                parameters=[self.information_item(p) for p in self.kids(fn, "parameters")],
                output_type_ref=self.type_ref(fn.get("outputTypeRef")))
        return item

    def item_component(self, node: etree._Element) -> el.ItemDefinition:
        """A component names a field of its context type, so it must have a name (DMN 1.5 7.3.2)."""
        component = self.item_definition(node)
        if not component.name:
            self.fail(node, "itemComponent without a name")
        return component

    def information_item(self, node: etree._Element) -> el.InformationItem:
        return self.base(node, el.InformationItem, type_ref=self.type_ref(node.get("typeRef")))

    def decision(self, node: etree._Element, namespace: str) -> el.Decision:
        d = self.base(node, el.Decision, question=self.text_of(node, "question"),
                      allowed_answers=self.text_of(node, "allowedAnswers"),
                      type_ref=self.variable_type(node), namespace=namespace)
        self.pending.append((d, self.requirements(node)))
        d.expression = self.expression_child(node)
        return d

    def bkm(self, node: etree._Element, namespace: str) -> el.BusinessKnowledgeModel:
        b = self.base(node, el.BusinessKnowledgeModel, type_ref=self.variable_type(node),
                      namespace=namespace)
        logic = self.kid(node, "encapsulatedLogic")
        if logic is not None:
            b.encapsulated_logic = self.function_definition(logic)
        self.pending.append((b, self.requirements(node)))
        return b

    def decision_service(self, node: etree._Element, namespace: str) -> el.DecisionService:
        s = self.base(node, el.DecisionService, type_ref=self.variable_type(node),
                      namespace=namespace)
        s.output_decisions = [self.href(n) for n in self.kids(node, "outputDecision")]
        s.encapsulated_decisions = [self.href(n) for n in self.kids(node, "encapsulatedDecision")]
        s.input_decisions = [self.href(n) for n in self.kids(node, "inputDecision")]
        s.input_data = [self.href(n) for n in self.kids(node, "inputData")]
        return s

    # -- boxed expressions --------------------------------------------------------------------
    def expression_child(self, node: etree._Element) -> el.Expression | None:
        for child in self.kids(node):
            if _local(child.tag) in EXPRESSION_TAGS:
                return self.expression(child)
        return None

    def expression(self, node: etree._Element) -> el.Expression:
        tag = _local(node.tag)
        tref = self.type_ref(node.get("typeRef"))
        if tag == "literalExpression":
            text = self.text_of(node)
            return self.base(node, el.LiteralExpression, type_ref=tref, text=text or "",
                             expression_language=node.get("expressionLanguage"))
        if tag == "context":
            ctx = self.base(node, el.Context, type_ref=tref)
            for entry in self.kids(node, "contextEntry"):
                var = self.kid(entry, "variable")
                ctx.entries.append(el.ContextEntry(
                    variable=self.information_item(var) if var is not None else None,
                    value=self.expression_child(entry)))
            return ctx
        if tag == "decisionTable":
            return self.decision_table(node, tref)
        if tag == "invocation":
            inv = self.base(node, el.Invocation, type_ref=tref)
            inv.callee = self.expression_child(node)
            for binding in self.kids(node, "binding"):
                param = self.kid(binding, "parameter")
                if param is None:
                    self.fail(binding, "binding without parameter")
                inv.bindings.append(el.Binding(self.information_item(param),
                                               self.expression_child(binding)))
            return inv
        if tag == "relation":
            rel = self.base(node, el.Relation, type_ref=tref)
            rel.columns = [self.information_item(c) for c in self.kids(node, "column")]
            for row in self.kids(node, "row"):
                cells = [self.expression(c) for c in self.kids(row)
                         if _local(c.tag) in EXPRESSION_TAGS]
                if len(cells) != len(rel.columns):
                    self.fail(row, f"relation row has {len(cells)} cells for "
                                   f"{len(rel.columns)} columns")
                rel.rows.append(cells)
            return rel
        if tag == "list":
            lst = self.base(node, el.ListExpression, type_ref=tref)
            lst.items = [self.expression(c) for c in self.kids(node)
                         if _local(c.tag) in EXPRESSION_TAGS]
            return lst
        if tag == "functionDefinition":
            return self.function_definition(node)
        if tag == "conditional":
            cond = self.base(node, el.Conditional, type_ref=tref)
            cond.if_ = self.wrapped(node, "if")
            cond.then = self.wrapped(node, "then")
            cond.else_ = self.wrapped(node, "else")
            return cond
        if tag == "filter":
            flt = self.base(node, el.Filter, type_ref=tref)
            flt.in_ = self.wrapped(node, "in")
            flt.match = self.wrapped(node, "match")
            return flt
        # for / some / every
        it = self.base(node, el.Iteration, type_ref=tref, kind=tag,
                       iterator_variable=node.get("iteratorVariable") or "")
        it.in_ = self.wrapped(node, "in")
        it.body = self.wrapped(node, "return" if tag == "for" else "satisfies")
        return it

    def wrapped(self, node: etree._Element, name: str) -> el.Expression | None:
        child = self.kid(node, name)
        if child is None:
            self.fail(node, f"{_local(node.tag)} without <{name}>")
        return self.expression_child(child)

    def function_definition(self, node: etree._Element) -> el.FunctionDefinition:
        fd = self.base(node, el.FunctionDefinition, type_ref=self.type_ref(node.get("typeRef")),
                       kind=node.get("kind") or "FEEL")
        fd.parameters = [self.information_item(p) for p in self.kids(node, "formalParameter")]
        fd.body = self.expression_child(node)
        return fd

    def decision_table(self, node: etree._Element, tref: str | None) -> el.DecisionTable:
        hit = (node.get("hitPolicy") or "UNIQUE").replace("_", " ")
        if hit not in HIT_POLICIES:
            self.fail(node, f"unknown hit policy {hit!r}")
        agg = node.get("aggregation")
        if agg is not None and agg not in AGGREGATIONS:
            self.fail(node, f"unknown aggregation {agg!r}")
        dt = self.base(node, el.DecisionTable, type_ref=tref, hit_policy=hit, aggregation=agg,
                       output_label=node.get("outputLabel"))
        for inp in self.kids(node, "input"):
            expr = self.kid(inp, "inputExpression")
            if expr is None:
                self.fail(inp, "input without inputExpression")
            values = self.kid(inp, "inputValues")
            clause = self.base(inp, el.InputClause, text=self.text_of(expr) or "",
                               type_ref=self.type_ref(expr.get("typeRef")),
                               input_values=self.text_of(values) if values is not None else None)
            if expr.get("id"):
                self.by_id[expr.get("id")] = clause
            dt.inputs.append(clause)
        for out in self.kids(node, "output"):
            values = self.kid(out, "outputValues")
            default = self.kid(out, "defaultOutputEntry")
            dt.outputs.append(self.base(
                out, el.OutputClause, type_ref=self.type_ref(out.get("typeRef")),
                output_values=self.text_of(values) if values is not None else None,
                default_output=self.text_of(default) if default is not None else None))
        if not dt.outputs:
            self.fail(node, "decision table without output")
        dt.annotations = [a.get("name") or "" for a in self.kids(node, "annotation")]
        for index, rule in enumerate(self.kids(node, "rule"), start=1):
            r = self.base(rule, el.Rule, index=index)
            r.input_entries = [self.text_of(e) or "" for e in self.kids(rule, "inputEntry")]
            r.output_entries = [self.text_of(e) or "" for e in self.kids(rule, "outputEntry")]
            r.annotation_entries = [self.text_of(e) or ""
                                    for e in self.kids(rule, "annotationEntry")]
            if len(r.input_entries) != len(dt.inputs):
                self.fail(rule, f"rule {index} has {len(r.input_entries)} input entries for "
                                f"{len(dt.inputs)} inputs")
            if len(r.output_entries) != len(dt.outputs):
                self.fail(rule, f"rule {index} has {len(r.output_entries)} output entries for "
                                f"{len(dt.outputs)} outputs")
            dt.rules.append(r)
        return dt

    # -- DMNDI ------------------------------------------------------------------------------
    def diagram(self, root: etree._Element) -> el.Diagram | None:
        diagram = None
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            tag = _local(node.tag)
            if tag == "DMNDiagram" and diagram is None:
                diagram = el.Diagram(name=node.get("name"))
            elif tag == "DMNShape" and diagram is not None:
                ref = (node.get("dmnElementRef") or "").split(":")[-1]
                bounds = next((b for b in node if _local(b.tag) == "Bounds"), None)
                if ref and bounds is not None:
                    try:
                        diagram.shapes[ref] = el.Bounds(*(float(bounds.get(k, 0)) for k in
                                                          ("x", "y", "width", "height")))
                    except ValueError:
                        self.fail(bounds, "non-numeric shape bounds")
            elif tag == "DMNEdge" and diagram is not None:
                ref = (node.get("dmnElementRef") or "").split(":")[-1]
                try:
                    points = [(float(w.get("x", 0)), float(w.get("y", 0)))
                              for w in node if _local(w.tag) == "waypoint"]
                except ValueError:
                    self.fail(node, "non-numeric edge waypoint")
                if ref:
                    diagram.edges[ref] = points
        return diagram
