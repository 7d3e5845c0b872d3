"""Parameter names and shapes -> recurrent modules and their constructor arguments. Pure: no files,
no torch.

:func:`find_modules` reads a whole state_dict (``{key: shape}``): every recurrent module in it, at any
prefix, checked against the parameters torch registers for the config found. :func:`consistent_configs`
reads a part of one module (a parameter or two, as a load_state_dict error quotes them) and lists
every configuration consistent with it.
"""

from lstmshape.commands.inspect.weights.infer import find_modules, infer_group
from lstmshape.commands.inspect.weights.partial import consistent_configs
from lstmshape.results.weights import (
    Difference,
    Findings,
    FoundModule,
    InconsistentGroup,
    Nearest,
    Reading,
    not_in_weights,
    weight_arguments,
)

__all__ = [
    "Difference",
    "Findings",
    "FoundModule",
    "InconsistentGroup",
    "Nearest",
    "Reading",
    "consistent_configs",
    "find_modules",
    "infer_group",
    "not_in_weights",
    "weight_arguments",
]
