"""Two checkpoints' modules, or one module and the arguments it was meant to have, compared: which
module and which argument differ, and the keys load_state_dict(strict=True) would stop at."""

from __future__ import annotations

from collections.abc import Collection

from lstmshape.commands.inspect.weights.prefixes import Rename, find_rename, renamed_module
from lstmshape.i18n import tr
from lstmshape.results.comparison import (
    ArgumentDifference,
    Comparison,
    KeyRename,
    ModuleComparison,
    ParameterDifference,
)
from lstmshape.results.inspection import CheckpointModule, Inspection, KeySet, prefixed
from lstmshape.results.weights import weight_arguments
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def compare_checkpoints(ours: Inspection, theirs: Inspection) -> Comparison:
    """Every recurrent module of ``ours`` against the module at the same state_dict prefix in
    ``theirs`` (or at the prefix one rename of the keys gives: ``module.`` from DataParallel,
    ``_orig_mod.`` from torch.compile, ``model.`` from Lightning), and the modules only one of
    them has."""
    theirs_by_name = {m.name: m for m in theirs.modules}
    rename = find_rename([m.name for m in ours.modules], list(theirs_by_name))
    matched = {m.name: renamed_module(rename, m.name) if rename else m.name for m in ours.modules}
    compared = tuple(
        _compare_modules(m.name, _side(m), _side(theirs_by_name[matched[m.name]]))
        for m in ours.modules
        if matched[m.name] in theirs_by_name
    )
    reached = set(matched.values())
    return Comparison(
        ours.path,
        theirs.path,
        compared,
        only_ours=tuple(m.name for m in ours.modules if matched[m.name] not in theirs_by_name),
        only_theirs=tuple(m.name for m in theirs.modules if m.name not in reached),
        rename=None if rename is None else _renaming(rename, ours, theirs),
    )


def _renaming(rename: Rename, ours: Inspection, theirs: Inspection) -> KeyRename:
    """The rename as code, from where ours' state_dict is, and the keys it leaves unmatched."""
    our_keys, their_keys = _keys_of(ours), _keys_of(theirs)
    source = our_keys.source if our_keys is not None else "state_dict"
    left: tuple[str, ...] = ()
    if our_keys is not None and their_keys is not None:
        renamed = {rename.apply(key) for key in our_keys.keys}
        theirs_set = set(their_keys.keys)
        left = tuple(
            [rename.apply(k) for k in our_keys.keys if rename.apply(k) not in theirs_set]
            + [k for k in their_keys.keys if k not in renamed]
        )
    first = ours.modules[0]
    example = prefixed(first.name, first.parameters[0].name)
    return KeyRename(
        rename.old, rename.new, rename.code(source), example, rename.apply(example), left
    )


def _keys_of(inspection: Inspection) -> KeySet | None:
    """The keys of the state_dict that holds the inspection's modules."""
    where = inspection.modules[0].state_dict if inspection.modules else ()
    return next((k for k in inspection.key_sets if k.state_dict == where), None)


def compare_with_spec(
    module: CheckpointModule, spec: ModuleSpec, ours: str, given: Collection[str]
) -> Comparison:
    """One module of the checkpoint ``ours`` against ``spec``, the module the user meant; only the
    arguments in ``given`` (and the class) are compared, the others being taken from the
    checkpoint."""
    theirs = (spec, {p.name: p.shape for p in spec.parameters()})
    compared = _compare_modules(module.name, _side(module), theirs, given)
    return Comparison(ours, tr("the arguments given"), (compared,))


def _side(module: CheckpointModule) -> tuple[ModuleSpec, dict[str, Shape]]:
    return module.spec, {p.name: p.shape for p in module.parameters}


def _compare_modules(
    name: str,
    ours: tuple[ModuleSpec, dict[str, Shape]],
    theirs: tuple[ModuleSpec, dict[str, Shape]],
    given: Collection[str] | None = None,
) -> ModuleComparison:
    (our_spec, our_shapes), (their_spec, their_shapes) = ours, theirs
    arguments: list[ArgumentDifference] = []
    if our_spec.kind != their_spec.kind:
        arguments.append(
            ArgumentDifference(name, "module", our_spec.kind.name, their_spec.kind.name)
        )
    our_args, their_args = weight_arguments(our_spec), weight_arguments(their_spec)
    for argument, value in our_args.items():
        differs = argument in their_args and their_args[argument] != value
        if differs and (given is None or argument in given):
            arguments.append(ArgumentDifference(name, argument, value, their_args[argument]))
    parameters = [
        ParameterDifference(prefixed(name, leaf), shape, their_shapes.get(leaf))
        for leaf, shape in our_shapes.items()
        if their_shapes.get(leaf) != shape
    ]
    parameters += [
        ParameterDifference(prefixed(name, leaf), None, shape)
        for leaf, shape in their_shapes.items()
        if leaf not in our_shapes
    ]
    return ModuleComparison(
        name, our_spec.torch_call(), their_spec.torch_call(), tuple(arguments), tuple(parameters)
    )
