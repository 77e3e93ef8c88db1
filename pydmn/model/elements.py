"""The DMN model as plain data: what the XML says, before anything is compiled.

Other layers (the web service, governance exports) read these dataclasses, so their fields follow
docs/design.md exactly. Expressions keep their FEEL text; compiled forms live in pydmn.evaluation,
which never changes these objects: the definitions stay as read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class ExtensionElement:
    """An element under `<extensionElements>`, as written: Clark-notation tag
    (`{namespace}local`) and attribute names, text, children."""
    tag: str
    attributes: dict[str, str]
    text: str | None = None
    children: tuple[ExtensionElement, ...] = ()


@dataclass(slots=True)
class Element:
    id: str | None = None
    name: str | None = None
    label: str | None = None
    description: str | None = None
    line: int | None = None
    # attributes of other namespaces (camunda:, kie:, ...), by Clark-notation name
    extension_attributes: dict[str, str] = field(default_factory=dict)
    extension_elements: list[ExtensionElement] = field(default_factory=list)


class Requirement(NamedTuple):
    """One information, knowledge or authority requirement as written."""
    kind: str             # "decision" | "input" | "knowledge" | "authority"
    href: str             # "#id", or "namespace#id" for another model's element
    id: str | None        # the requirement element's own id (DMNDI edges refer to it)
    name: str | None      # the required element's name when it is in this model


class Requiring:
    """The requirements of a decision, BKM or knowledge source, by kind: names of the required
    elements (another model's stay hrefs, `ns#id`). A kind the element cannot require is empty."""
    __slots__ = ()
    requirements: list[Requirement]

    def _required(self, kind: str) -> list[str]:
        return [r.name or r.href for r in self.requirements if r.kind == kind]

    @property
    def required_decisions(self) -> list[str]:
        return self._required("decision")

    @property
    def required_inputs(self) -> list[str]:
        return self._required("input")

    @property
    def required_knowledge(self) -> list[str]:
        return self._required("knowledge")

    @property
    def authority(self) -> list[str]:
        return self._required("authority")


# ---- item definitions -------------------------------------------------------------------------

@dataclass(slots=True)
class ItemDefinition(Element):
    name: str = ""                         # required: the reader refuses an item without one
    type_ref: str | None = None
    is_collection: bool = False
    allowed_values: str | None = None          # unary tests text
    type_constraint: str | None = None         # DMN 1.5: unary tests on each item
    components: list["ItemDefinition"] = field(default_factory=list)
    function_item: "FunctionItem | None" = None
    type_language: str | None = None


@dataclass(slots=True)
class FunctionItem:
    parameters: list["InformationItem"] = field(default_factory=list)
    output_type_ref: str | None = None


@dataclass(slots=True)
class InformationItem(Element):
    type_ref: str | None = None


# ---- boxed expressions ------------------------------------------------------------------------

@dataclass(slots=True)
class Expression(Element):
    type_ref: str | None = None


@dataclass(slots=True)
class LiteralExpression(Expression):
    text: str = ""
    expression_language: str | None = None


@dataclass(slots=True)
class ContextEntry:
    variable: InformationItem | None      # None: the final result entry
    value: Expression | None


@dataclass(slots=True)
class Context(Expression):
    entries: list[ContextEntry] = field(default_factory=list)


@dataclass(slots=True)
class Binding:
    parameter: InformationItem
    value: Expression | None


@dataclass(slots=True)
class Invocation(Expression):
    callee: Expression | None = None
    bindings: list[Binding] = field(default_factory=list)


@dataclass(slots=True)
class ListExpression(Expression):
    items: list[Expression] = field(default_factory=list)


@dataclass(slots=True)
class Relation(Expression):
    columns: list[InformationItem] = field(default_factory=list)
    rows: list[list[Expression]] = field(default_factory=list)


@dataclass(slots=True)
class FunctionDefinition(Expression):
    kind: str = "FEEL"
    parameters: list[InformationItem] = field(default_factory=list)
    body: Expression | None = None


@dataclass(slots=True)
class Conditional(Expression):
    if_: Expression | None = None
    then: Expression | None = None
    else_: Expression | None = None


@dataclass(slots=True)
class Filter(Expression):
    in_: Expression | None = None
    match: Expression | None = None


@dataclass(slots=True)
class Iteration(Expression):
    """for / some / every: `kind` is "for", "some" or "every"."""
    kind: str = "for"
    iterator_variable: str = ""
    in_: Expression | None = None
    body: Expression | None = None       # return (for) or satisfies (some/every)


@dataclass(slots=True)
class InputClause(Element):
    text: str = ""
    type_ref: str | None = None
    input_values: str | None = None


@dataclass(slots=True)
class OutputClause(Element):
    type_ref: str | None = None
    output_values: str | None = None
    default_output: str | None = None


@dataclass(slots=True)
class Rule(Element):
    index: int = 0
    input_entries: list[str] = field(default_factory=list)
    output_entries: list[str] = field(default_factory=list)
    annotation_entries: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DecisionTable(Expression):
    hit_policy: str = "UNIQUE"
    aggregation: str | None = None
    inputs: list[InputClause] = field(default_factory=list)
    outputs: list[OutputClause] = field(default_factory=list)
    annotations: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    output_label: str | None = None


# ---- DRG elements -----------------------------------------------------------------------------

@dataclass(slots=True)
class InputData(Element):
    name: str = ""                         # required: the reader refuses an element without one
    type_ref: str | None = None
    namespace: str | None = None          # the model it belongs to (imports keep their own)


@dataclass(slots=True)
class Decision(Element, Requiring):
    name: str = ""                         # required: the reader refuses an element without one
    question: str | None = None
    allowed_answers: str | None = None
    type_ref: str | None = None
    requirements: list[Requirement] = field(default_factory=list)
    expression: Expression | None = None
    namespace: str | None = None


@dataclass(slots=True)
class BusinessKnowledgeModel(Element, Requiring):
    name: str = ""                         # required: the reader refuses an element without one
    type_ref: str | None = None
    encapsulated_logic: FunctionDefinition | None = None
    requirements: list[Requirement] = field(default_factory=list)
    namespace: str | None = None


@dataclass(slots=True)
class DecisionService(Element):
    name: str = ""                         # required: the reader refuses an element without one
    type_ref: str | None = None
    output_decisions: list[str] = field(default_factory=list)
    encapsulated_decisions: list[str] = field(default_factory=list)
    input_decisions: list[str] = field(default_factory=list)
    input_data: list[str] = field(default_factory=list)
    namespace: str | None = None


@dataclass(slots=True)
class KnowledgeSource(Element, Requiring):
    type: str | None = None
    owner: str | None = None
    uri: str | None = None
    requirements: list[Requirement] = field(default_factory=list)

@dataclass(slots=True)
class TextAnnotation(Element):
    text: str | None = None


@dataclass(slots=True)
class Association(Element):
    source_ref: str | None = None       # hrefs, as written
    target_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class Diagram:
    name: str | None = None
    shapes: dict[str, Bounds] = field(default_factory=dict)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


@dataclass(slots=True)
class Import:
    namespace: str
    name: str
    import_type: str | None = None
    location: str | None = None


@dataclass(slots=True)
class Definitions(Element):
    namespace: str = ""
    dmn_version: str = ""
    expression_language: str | None = None
    imports: list[Import] = field(default_factory=list)
    item_definitions: dict[str, ItemDefinition] = field(default_factory=dict)
    input_data: dict[str, InputData] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    bkms: dict[str, BusinessKnowledgeModel] = field(default_factory=dict)
    decision_services: dict[str, DecisionService] = field(default_factory=dict)
    knowledge_sources: dict[str, KnowledgeSource] = field(default_factory=dict)
    artifacts: list[TextAnnotation | Association] = field(default_factory=list)
    diagram: Diagram | None = None
    # every element, requirement and artifact with an id
    by_id: dict[str, Any] = field(default_factory=dict)
