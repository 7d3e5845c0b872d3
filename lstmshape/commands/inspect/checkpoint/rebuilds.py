"""torch's rebuild calls, done by lstmshape: what the unpickler builds in place of each name of
torch's weights_only allowlist it reads (a tensor's shape record, a storage's, a dtype, a size),
each checking its arguments as torch would and running nothing a checkpoint names.

:class:`lstmshape.commands.inspect.checkpoint.unpickler.SafeUnpickler` looks names up in
``UNDERSTOOD`` and calls only what ``CALLABLE`` holds.
"""

from __future__ import annotations

import pickle
import re
import reprlib
from collections.abc import Callable
from typing import Any, TypeGuard

from lstmshape.commands.inspect.checkpoint.allowlist import (
    TORCH_WEIGHTS_ONLY,
)
from lstmshape.commands.inspect.checkpoint.dtypes import ITEMSIZE, STORAGE_DTYPES
from lstmshape.commands.inspect.checkpoint.records import (
    Dtype,
    Inert,
    OpaqueTensor,
    Record,
    StateDict,
    StorageRecord,
    StorageType,
    TensorRecord,
)
from lstmshape.i18n import ntr, tr
from lstmshape.i18n.numbers import number


def storage_of(pid: Any) -> Any:
    """The record of the storage a persistent id names.

    torch.save's zip format: ``('storage', storage type, key, location, numel)``; its legacy format
    adds a view (``(view key, offset, numel)`` or None), and names a module's class with
    ``('module', class, file, source)``: the class, here an inert stand-in.
    """
    if not isinstance(pid, tuple) or not pid:
        raise pickle.UnpicklingError(
            tr("a persistent id that is not a storage: {value}", value=short_repr(pid))
        )
    kind = pid[0].decode("ascii", "replace") if isinstance(pid[0], bytes) else pid[0]
    if (
        kind == "module"
        and len(pid) == 4
        and isinstance(pid[1], type)
        and issubclass(pid[1], Inert)
    ):
        return pid[1]
    if kind != "storage" or len(pid) not in (5, 6):
        raise pickle.UnpicklingError(
            tr("a persistent id that is not a storage: {value}", value=short_repr(pid))
        )
    storage_type, key, location, numel = pid[1:5]
    if not isinstance(storage_type, StorageType):
        raise pickle.UnpicklingError(
            tr("a storage of type {value}", value=short_repr(storage_type))
        )
    if not isinstance(key, (str, int)) or not _is_size(numel):
        raise pickle.UnpicklingError(
            tr(
                "a storage with key {key} and size {size}",
                key=short_repr(key),
                size=short_repr(numel),
            )
        )
    if not _known_location(location):
        raise pickle.UnpicklingError(
            tr(
                "a storage on device {device}, which torch.load does not know",
                device=short_repr(location),
            )
        )
    record = StorageRecord(str(key), storage_type.dtype, str(location), numel)
    view = pid[5] if len(pid) == 6 else None
    if view is not None:
        if not (
            isinstance(view, tuple) and len(view) == 3 and _is_size(view[1]) and _is_size(view[2])
        ):
            raise pickle.UnpicklingError(tr("a storage view {value}", value=short_repr(view)))
        record.view_offset, record.view_numel = view[1], view[2]
    return record


# The devices torch.load restores a storage to (torch/serialization.py, register_package): cpu, mps,
# meta, and the backends' names alone or followed by ":" or a number ("cuda:0", "cuda1").
_BACKENDS = re.compile(r"(cuda|privateuseone|hpu|xpu|mtia)(:|[0-9]+|$)")


def _known_location(location: object) -> bool:
    """Whether torch.load knows the device a storage is tagged with; a checkpoint saved on a GPU
    is known, whatever the machine that reads it."""
    if not isinstance(location, str):
        return False
    return (
        location in ("cpu", "meta") or location.startswith("mps") or bool(_BACKENDS.match(location))
    )


def _is_size(value: object) -> TypeGuard[int]:
    # torch's sizes are 64-bit: a larger one is no tensor's (and may be too long to write).
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _INT64_MAX


_INT64_MAX = 2**63 - 1


# A repr of bounded work and length: what a pickle built may be a DAG that prints as gigabytes.
_BOUNDED = reprlib.Repr()
_BOUNDED.maxlevel = 3
_BOUNDED.maxstring = _BOUNDED.maxother = 50


def bounded_repr(value: object) -> str:
    """``repr(value)`` cut short, in bounded work: three levels deep, a few items a level."""
    return _BOUNDED.repr(value)


def short_repr(value: object) -> str:
    text = bounded_repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sizes(value: object, what: str, function: str) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or not all(_is_size(v) for v in value):
        raise pickle.UnpicklingError(
            tr(
                "{function} got a {what} that is not a tuple of sizes: {value}",
                function=function,
                what=what,
                value=short_repr(value),
            )
        )
    return tuple(value)


def _tensor(
    function: str,
    storage: object,
    offset: object,
    size: object,
    stride: object,
    dtype: str | None = None,
) -> TensorRecord:
    if not isinstance(storage, StorageRecord):
        raise pickle.UnpicklingError(
            tr(
                "{function} got a storage that is not one: {value}",
                function=function,
                value=short_repr(storage),
            )
        )
    if not _is_size(offset):
        raise pickle.UnpicklingError(
            tr(
                "{function} got a storage offset of {value}",
                function=function,
                value=short_repr(offset),
            )
        )
    shape = _sizes(size, "size", function)
    strides = _sizes(stride, "stride", function)
    if len(strides) != len(shape):
        raise pickle.UnpicklingError(
            tr(
                "{function} got size {size} with stride {stride}",
                function=function,
                size=str(shape),
                stride=str(strides),
            )
        )
    return TensorRecord(storage, offset, shape, strides, dtype or storage.dtype)


def _arguments(function: str, args: tuple[Any, ...], least: int, most: int) -> tuple[Any, ...]:
    if not least <= len(args) <= most:
        raise pickle.UnpicklingError(
            ntr(
                "{function} got {count} argument",
                "{function} got {count} arguments",
                len(args),
                function=function,
                count=number(len(args)),
            )
        )
    return args


def rebuild_tensor(*args: Any) -> TensorRecord:
    """torch._utils._rebuild_tensor(storage, storage_offset, size, stride)."""
    storage, offset, size, stride = _arguments("_rebuild_tensor", args, 4, 4)
    return _tensor("_rebuild_tensor", storage, offset, size, stride)


def rebuild_tensor_v2(*args: Any) -> TensorRecord:
    """torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
    backward_hooks, metadata=None)."""
    storage, offset, size, stride = _arguments("_rebuild_tensor_v2", args, 6, 7)[:4]
    return _tensor("_rebuild_tensor_v2", storage, offset, size, stride)


def rebuild_tensor_v3(*args: Any) -> TensorRecord:
    """torch._utils._rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad,
    backward_hooks, dtype, metadata=None): a dtype without a storage class, on bytes."""
    read = _arguments("_rebuild_tensor_v3", args, 7, 8)
    if not isinstance(read[6], Dtype):
        raise pickle.UnpicklingError(
            tr(
                "{function} got a dtype {value}",
                function="_rebuild_tensor_v3",
                value=short_repr(read[6]),
            )
        )
    storage, offset, size, stride = read[:4]
    return _tensor("_rebuild_tensor_v3", storage, offset, size, stride, read[6].name)


def rebuild_qtensor(*args: Any) -> TensorRecord:
    """torch._utils._rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params,
    requires_grad, backward_hooks): its shape and dtype, as any tensor's."""
    storage, offset, size, stride = _arguments("_rebuild_qtensor", args, 7, 7)[:4]
    return _tensor("_rebuild_qtensor", storage, offset, size, stride)


def rebuild_meta(*args: Any) -> TensorRecord:
    """torch._utils._rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad)."""
    dtype, size, stride, _ = _arguments("_rebuild_meta_tensor_no_storage", args, 4, 4)
    if not isinstance(dtype, Dtype):
        raise pickle.UnpicklingError(
            tr(
                "{function} got a dtype {value}",
                function="_rebuild_meta_tensor_no_storage",
                value=short_repr(dtype),
            )
        )
    shape = _sizes(size, "size", "_rebuild_meta_tensor_no_storage")
    return TensorRecord(
        None, 0, shape, _sizes(stride, "stride", "_rebuild_meta_tensor_no_storage"), dtype.name
    )


def rebuild_parameter(*args: Any) -> Any:
    """torch._utils._rebuild_parameter(data, requires_grad, backward_hooks) and
    _rebuild_parameter_with_state(..., state): the parameter is its data."""
    data = _arguments("_rebuild_parameter", args, 3, 4)[0]
    if not isinstance(data, (TensorRecord, OpaqueTensor)):
        raise pickle.UnpicklingError(
            tr(
                "{function} got data {value}",
                function="_rebuild_parameter",
                value=short_repr(data),
            )
        )
    return data


def rebuild_from_cpu(*args: Any) -> Any:
    """torch._utils._rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad)."""
    return rebuild_parameter(*_arguments("_rebuild_device_tensor_from_cpu_tensor", args, 4, 4)[:3])


def rebuild_from_type_v2(*args: Any) -> Any:
    """torch._tensor._rebuild_from_type_v2(func, new_type, args, state): a tensor subclass (or a
    tensor with attributes), rebuilt by one of the functions above, or counted unread."""
    func, _, func_args, _ = _arguments("_rebuild_from_type_v2", args, 4, 4)
    if callable(func) and func in _REBUILDS_CALLED and isinstance(func_args, tuple):
        return func(*func_args)
    return OpaqueTensor("_rebuild_from_type_v2")


def _opaque(function: str) -> Callable[..., OpaqueTensor]:
    def rebuild(*args: Any) -> OpaqueTensor:
        return OpaqueTensor(function)

    return rebuild


def _size(*args: Any) -> tuple[int, ...]:
    """torch.Size(sizes)."""
    return _sizes(_arguments("torch.Size", args, 1, 1)[0], "size", "torch.Size")


def _text(function: str) -> Callable[..., str]:
    """torch.device('cpu'), torch.serialization._get_layout('torch.strided'): kept as their text."""

    def read(*args: Any) -> str:
        if not 1 <= len(args) <= 2 or not all(isinstance(a, (str, int)) for a in args):
            raise pickle.UnpicklingError(
                tr("{function} got {value}", function=function, value=short_repr(args))
            )
        return ":".join(str(a) for a in args)

    return read


def _encode(*args: Any) -> bytes:
    """_codecs.encode(text, 'latin1'): how protocol 2 writes bytes."""
    text, encoding = (*_arguments("_codecs.encode", args, 1, 2), "utf-8")[:2]
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise pickle.UnpicklingError(
            tr("{function} got {value}", function="_codecs.encode", value=short_repr(args))
        )
    return text.encode(encoding)


def built_set(*args: Any) -> set[Any]:
    items = _arguments("builtins.set", args, 0, 1)
    if items and not isinstance(items[0], (list, tuple, set, frozenset)):
        raise pickle.UnpicklingError(
            tr("{function} got {value}", function="builtins.set", value=short_repr(items[0]))
        )
    return set(items[0]) if items else set()


def _bytearray(*args: Any) -> bytearray:
    # bytearray(n) would allocate n bytes: only bytes and lists of bytes are built.
    items = _arguments("builtins.bytearray", args, 0, 1)
    if items and not isinstance(items[0], (bytes, list)):
        raise pickle.UnpicklingError(
            tr(
                "{function} got {value}",
                function="builtins.bytearray",
                value=short_repr(items[0]),
            )
        )
    return bytearray(items[0]) if items else bytearray()


def _complex(*args: Any) -> complex:
    parts = _arguments("builtins.complex", args, 0, 2)
    if not all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in parts):
        raise pickle.UnpicklingError(
            tr("{function} got {value}", function="builtins.complex", value=short_repr(parts))
        )
    return complex(*parts)


_REBUILDS: dict[str, Callable[..., Any]] = {
    "torch._utils._rebuild_tensor": rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": rebuild_tensor_v3,
    "torch._utils._rebuild_qtensor": rebuild_qtensor,
    "torch._utils._rebuild_meta_tensor_no_storage": rebuild_meta,
    "torch._utils._rebuild_parameter": rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": rebuild_parameter,
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": rebuild_from_cpu,
    "torch._tensor._rebuild_from_type_v2": rebuild_from_type_v2,
    **{
        f"torch._utils.{name}": _opaque(name)
        for name in (
            "_rebuild_sparse_tensor",
            "_rebuild_nested_tensor",
            "_rebuild_wrapper_subclass",
            "_rebuild_device_tensor_from_numpy",
        )
    },
}
# The functions themselves, for _rebuild_from_type_v2's check that it calls one of them.
_REBUILDS_CALLED = frozenset(_REBUILDS.values())

# Every name of torch's allowlist that lstmshape builds something of its own for; the rest of the
# allowlist (tensor classes, quantization schemes) stands for inert types, not refused.
UNDERSTOOD: dict[str, Any] = {
    **_REBUILDS,
    "collections.OrderedDict": StateDict,
    "collections.Counter": StateDict,
    "torch.Size": _size,
    "torch.device": _text("torch.device"),
    "torch.serialization._get_layout": _text("torch.serialization._get_layout"),
    "_codecs.encode": _encode,
    "builtins.set": built_set,
    "builtins.bytearray": _bytearray,
    "builtins.complex": _complex,
    "torch.storage.UntypedStorage": StorageType("UntypedStorage", "uint8"),
    **{f"torch.{dtype}": Dtype(dtype) for dtype in ITEMSIZE},
    **{f"torch.{name}": StorageType(name, dtype) for name, dtype in STORAGE_DTYPES.items()},
    **{
        f"torch.cuda.{name}": StorageType(name, dtype)
        for name, dtype in STORAGE_DTYPES.items()
        if f"torch.cuda.{name}" in TORCH_WEIGHTS_ONLY
    },
}

# What a REDUCE may call: lstmshape's own builders (the inert types are called apart).
CALLABLE = frozenset(
    value
    for value in UNDERSTOOD.values()
    if callable(value) and not isinstance(value, (type, Record))
)
