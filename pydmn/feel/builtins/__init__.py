"""Internal: FEEL's built-in functions (DMN 1.5 10.3.4), one module per family; `BUILTINS` maps
each FEEL name to its function. Importing a family module registers its functions."""
from pydmn.feel.builtins.registry import BUILTINS, Invalid, builtin

from pydmn.feel.builtins import (  # noqa: F401  (registration by import)
    contexts, conversion, lists, numbers, ranges, strings, temporal,
)

__all__ = ["BUILTINS", "Invalid", "builtin"]
