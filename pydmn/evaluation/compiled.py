"""What a loaded model holds: its definitions, types and compiled logic (`CompiledModel`), the
part of `pydmn.Model` an evaluation request reads (pydmn.evaluation.run)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from pydmn.errors import ModelError
from pydmn.evaluation.graph import Link
from pydmn.feel.scope import Scope
from pydmn.feel.values import FeelFunction, FeelValue
from pydmn.model import elements as el
from pydmn.model.types import DataType, TypeSystem

if TYPE_CHECKING:       # a Model is a CompiledModel with its requests
    from pydmn.evaluation.model import Model


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """A loaded model's definitions and compiled logic, frozen once built. An evaluation
    request (pydmn.evaluation.run) reads it; `pydmn.Model` adds the requests."""
    definitions: el.Definitions            # as the reader made them
    source: bytes
    path: str | None
    imports: Mapping[str, Model]           # import name -> the imported model
    names: frozenset[str]                  # the multi-word names its FEEL was parsed with
    types: TypeSystem
    input_types: Mapping[str, DataType]
    decision_types: Mapping[str, DataType]
    logic: Mapping[str, Callable[[Scope], FeelValue]]   # decision name -> compiled expression
    requirements: Mapping[str, tuple[Link, ...]]   # decision name -> what it requires
    functions: Mapping[str, FeelFunction]  # BKMs and decision services by name
    knowledge: Scope                       # functions, imports and item definitions in scope
    load_errors: tuple[ModelError, ...] = ()   # lenient loading: what did not compile
    namespace: str = field(init=False)          # the definitions', read on every evaluation

    def __post_init__(self) -> None:
        object.__setattr__(self, "namespace", self.definitions.namespace)

    @property
    def name(self) -> str | None:
        return self.definitions.name

    @property
    def id(self) -> str | None:
        return self.definitions.id

    @property
    def dmn_version(self) -> str:
        return self.definitions.dmn_version

    def data_type(self, type_ref_or_input_name: str) -> DataType:
        if type_ref_or_input_name in self.input_types:
            return self.input_types[type_ref_or_input_name]
        return self.types.resolve(type_ref_or_input_name)
