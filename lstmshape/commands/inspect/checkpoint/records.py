"""What the allowlisted unpickler builds instead of torch's objects: records of names, shapes and dtypes.

torch's rebuild functions become functions that check their arguments and return a
:class:`TensorRecord` (a storage's key and dtype, the tensor's offset, size and stride): no storage is
read, no tensor made. Every other global becomes a type whose instances keep the arguments and the
state the pickle gives them, as data, and run nothing (:class:`Inert`). Records refuse to be changed
by a pickle: a BUILD on one is a damaged file, not an update.
"""

from __future__ import annotations

from math import prod
from pickle import UnpicklingError
from typing import Any, ClassVar

from lstmshape.commands.inspect.checkpoint.dtypes import ITEMSIZE
from lstmshape.i18n import tr

Shape = tuple[int, ...]


class Record:
    """Data lstmshape made from a pickle: it takes no state from the pickle afterwards."""

    __slots__ = ()

    def __setstate__(self, state: object) -> None:
        raise UnpicklingError(tr("the pickle sets the state of a {type}", type=type(self).__name__))


class Dtype(Record):
    """A dtype the pickle names (``torch.float8_e4m3fn``): torch's name without ``torch.``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class StorageType(Record):
    """A storage class (``torch.FloatStorage``) and the dtype of its elements."""

    __slots__ = ("dtype", "name")

    def __init__(self, name: str, dtype: str) -> None:
        self.name = name
        self.dtype = dtype


class StorageRecord(Record):
    """A storage a persistent id names: its key in the file, its dtype and its element count.

    Legacy files may name a view of a storage: ``view_offset`` and ``view_numel`` are then the
    elements of the root storage the tensor sees.
    """

    __slots__ = ("dtype", "key", "location", "numel", "view_numel", "view_offset")

    def __init__(self, key: str, dtype: str, location: str, numel: int) -> None:
        self.key = key
        self.dtype = dtype
        self.location = location
        self.numel = numel
        self.view_offset = 0
        self.view_numel = numel

    @property
    def nbytes(self) -> int:
        """The bytes the file must hold for this storage."""
        return self.numel * ITEMSIZE[self.dtype]


class TensorRecord(Record):
    """A tensor as the pickle describes it: shape, stride and dtype, and where its data would be."""

    __slots__ = ("dtype", "offset", "shape", "storage", "stride")

    def __init__(
        self,
        storage: StorageRecord | None,
        offset: int,
        shape: Shape,
        stride: Shape,
        dtype: str,
    ) -> None:
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.stride = stride
        self.dtype = dtype

    @property
    def numel(self) -> int:
        """The tensor's element count."""
        return prod(self.shape)

    def bytes_needed(self) -> int:
        """The bytes of its storage the tensor reaches, from the storage's start: a file that holds
        fewer is cut short."""
        if self.numel == 0:
            return 0
        last = self.offset + sum(
            (size - 1) * step for size, step in zip(self.shape, self.stride, strict=True)
        )
        return (last + 1) * ITEMSIZE[self.dtype]


class OpaqueTensor(Record):
    """A tensor of a kind lstmshape does not size (sparse, quantized per channel, nested, a
    subclass): counted, never read."""

    __slots__ = ("rebuilt_by",)

    def __init__(self, rebuilt_by: str) -> None:
        self.rebuilt_by = rebuilt_by


class Inert:
    """An object of a global lstmshape does not build: nothing of the global runs. What the pickle
    passes to it (arguments, state, items) is kept as data, so the tensors inside can still be read.

    The unpickler makes one subclass per global (:func:`stand_in`): a pickle's NEWOBJ needs a type.
    """

    __slots__ = ("args", "entries", "items", "state")
    args: tuple[Any, ...]
    entries: list[tuple[Any, Any]]
    items: list[Any]
    state: Any
    global_name: ClassVar[str] = ""
    refused: ClassVar[bool] = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Inert:
        self = object.__new__(cls)
        self.args = (*args, *kwargs.values())
        self.state = None
        self.items = []
        self.entries = []
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # __new__ kept the arguments: nothing else happens

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def append(self, item: Any) -> None:
        self.items.append(item)

    def extend(self, items: Any) -> None:
        self.items.extend(list(items) if isinstance(items, (list, tuple)) else [items])

    def add(self, item: Any) -> None:
        self.items.append(item)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.entries.append((key, value))

    def __repr__(self) -> str:
        return f"<{self.global_name} (not run)>"


def stand_in(global_name: str, refused: bool) -> type[Inert]:
    """The inert type that stands for ``global_name``."""
    return type("Refused" if refused else "Allowed", (Inert,), {
        "__slots__": (),
        "global_name": global_name,
        "refused": refused,
    })  # fmt: skip


class StateDict(dict[Any, Any]):
    """What ``collections.OrderedDict`` (and ``Counter``) build: a dict, whose state (a
    state_dict's ``_metadata``) is kept apart and never becomes an attribute."""

    __slots__ = ("state",)

    def __init__(self, *args: Any) -> None:
        if len(args) > 1 or (args and not isinstance(args[0], (dict, list, tuple))):
            raise UnpicklingError(tr("an OrderedDict built from something other than items"))
        super().__init__(*args)
        self.state: Any = None

    def __setstate__(self, state: Any) -> None:
        self.state = state
