"""The Python front end: torch module instances read without importing torch, and assertions."""

from lstmshape.api.asserts import assert_shapes
from lstmshape.api.modules import explain_module, spec_of_module

__all__ = ["assert_shapes", "explain_module", "spec_of_module"]
