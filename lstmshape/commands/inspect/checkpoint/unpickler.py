"""An unpickler that runs nothing a checkpoint names: torch's rebuild calls become shape records, every
other global an inert stand-in, recorded by name.

It is lstmshape's own pickle machine, not Python's: Python's unpickler sizes its memo by the largest
index a file names and has no limit on what it builds, so a few hundred bytes could take gigabytes.
This one reads opcode by opcode, counts what it builds against a budget
(:mod:`lstmshape.commands.inspect.checkpoint.budget`), and notes the first thing torch's weights_only unpickler would
refuse (an opcode it does not read, a global outside its allowlist) in torch's words.
``find_class`` is the only way a pickle reaches code: it never imports. Names in torch's weights_only
allowlist become lstmshape's own functions and types (:mod:`lstmshape.commands.inspect.checkpoint.records`), which
check their arguments and build records; any other name is recorded as refused and stands for an
:class:`Inert` type, whose objects only keep what the pickle gives them. ``persistent_load``
returns a record of the storage a tensor names; storage data is never read.
"""

from __future__ import annotations

import codecs
import pickle
import re
import reprlib
import struct
from collections.abc import Callable
from functools import partial
from typing import IO, Any, TypeGuard

from lstmshape.commands.inspect.checkpoint.allowlist import (
    TORCH_WEIGHTS_ONLY,
    mapped,
    torch_refusal,
)
from lstmshape.commands.inspect.checkpoint.budget import (
    MAX_DEPTH,
    MAX_GLOBALS,
    MAX_HASHED,
    MAX_INT_BYTES,
    MAX_OBJECTS,
    MAX_OPCODES,
    MAX_SPREAD,
    OverBudget,
)
from lstmshape.commands.inspect.checkpoint.dtypes import ITEMSIZE, STORAGE_DTYPES
from lstmshape.commands.inspect.checkpoint.files import MAX_HEADER, TooLarge
from lstmshape.commands.inspect.checkpoint.records import (
    Dtype,
    Inert,
    OpaqueTensor,
    Record,
    StateDict,
    StorageRecord,
    StorageType,
    TensorRecord,
    stand_in,
)

# What a malformed pickle makes the unpickler raise: a damaged file, worded as such by the readers.
# (A REDUCE on something not callable is a TypeError, a dict key that is a list a TypeError.)
PICKLE_FAULTS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    struct.error,
)

# The opcodes torch's weights_only unpickler reads (torch/_weights_only_unpickler.py, Unpickler.load,
# torch 2.13): any other makes it refuse the file with "Unsupported operand N". Protocol 2, torch.save's
# default, needs no other; protocols 3 to 5 (pickle_protocol=4) start with FRAME, which it refuses.
TORCH_OPCODES = frozenset(b"c\x81Rbaesu(t\x85\x86\x87N\x89\x88)]}\x8fJKMGXUQhjqr\x8a\x80.")
_CHUNK = 1 << 20
_MARK = object()
Stack = list[Any]


class SafeUnpickler:
    """Reads a torch.save pickle into records, opcode by opcode; names outside the allowlist go to
    ``refused``. Nothing a pickle names runs, and the budget (:mod:`lstmshape.commands.inspect.checkpoint.budget`) is
    counted as it reads: objects, memo entries, nesting, tuples' elements with their sharing.

    ``file`` is read in chunks and left just after the pickle's STOP (the legacy format holds
    several pickles in a row); at most ``limit`` bytes of it are taken (:class:`TooLarge`).
    """

    def __init__(self, file: IO[bytes], limit: int = MAX_HEADER) -> None:
        self.refused: list[tuple[str, str]] = []
        """Every global outside torch's allowlist, as (module, name), in the order first met."""
        self.torch_says: str | None = None
        """torch's sentence for the first thing of the pickle its weights_only unpickler refuses."""
        self._stand_ins: dict[str, type[Inert]] = {}
        self.storages: dict[str, StorageRecord] = {}
        """Every storage the pickle names, by key: the legacy format lays out all of them, those
        of tensors no state_dict holds too, and needs each one's size to find the next."""
        self._globals: dict[tuple[bytes, bytes], Any] = {}
        self._file = file
        self._left = limit
        self._buffer = b""
        self._at = 0
        self._stack: Stack = []
        self._marks: list[Stack] = []
        self._memo: dict[int, Any] = {}
        self._objects = 0
        self._opcodes = 0
        self._hashed = 0
        self._height: dict[int, int] = {}
        self._spread: dict[int, int] = {}
        self._kept: list[
            object
        ] = []  # containers measured, kept alive so that their ids stay theirs

    # -- reading the bytes ------------------------------------------------------------------------

    def _take(self, count: int) -> bytes:
        end = self._at + count
        if end > len(self._buffer):
            self._fill(count)
            end = self._at + count
        data = self._buffer[self._at : end]
        self._at = end
        return data

    def _fill(self, count: int) -> None:
        missing = count - (len(self._buffer) - self._at)
        if missing > self._left:
            raise TooLarge
        rest = self._buffer[self._at :]
        chunk = self._file.read(min(max(missing, _CHUNK), self._left))
        self._left -= len(chunk)
        self._buffer, self._at = rest + chunk, 0
        if len(self._buffer) < count:
            raise EOFError("the pickle ends before its STOP")

    def _line(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n", self._at)
            if end >= 0:
                line = self._buffer[self._at : end]
                self._at = end + 1
                return line
            if self._left <= 0:
                raise TooLarge
            self._fill(len(self._buffer) - self._at + 1)

    def _number(self, layout: str) -> int:
        reader = _LAYOUTS[layout]
        if self._at + reader.size > len(self._buffer):
            self._fill(reader.size)
        value: int = reader.unpack_from(self._buffer, self._at)[0]
        self._at += reader.size
        return value

    def _rewind(self) -> None:
        """Leave the file just after STOP: what was read past it belongs to the next pickle."""
        unread = len(self._buffer) - self._at
        if unread:
            self._file.seek(-unread, 1)

    # -- the budget -------------------------------------------------------------------------------

    def _count(self, objects: int) -> None:
        self._objects += objects
        if self._objects > MAX_OBJECTS:
            raise OverBudget("objects", MAX_OBJECTS)

    def _push(self, value: object) -> None:
        self._objects += 1
        if self._objects > MAX_OBJECTS:
            raise OverBudget("objects", MAX_OBJECTS)
        self._stack.append(value)

    def _measure(self, items: Any) -> tuple[int, int]:
        """The nesting of a container of ``items`` and its elements counted with sharing: text
        and numbers count 1 and nest nothing; containers as measured when built."""
        height, spread = 1, 1
        heights, spreads = self._height, self._spread
        for item in items:
            if type(item) in _SCALARS:
                spread += 1
                continue
            key = id(item)
            below = heights.get(key, 1) + 1
            height = max(height, below)
            known = spreads.get(key)
            # A tuple not measured holds scalars only: its length and itself.
            spread += known if known is not None else _unmeasured_spread(item)
        if height > MAX_DEPTH:
            raise OverBudget("depth", MAX_DEPTH)
        return height, spread

    def _measured(self, container: Any, items: Any, spreads: bool = False) -> Any:
        """``container`` with its nesting (and, for a tuple or frozenset, its elements counted with
        sharing) from its ``items``; over the budget, refused before anything hashes or walks it."""
        height, spread = self._measure(items)
        if height > 1:
            self._height[id(container)] = height
        if spreads:
            if spread > MAX_SPREAD:
                raise OverBudget("spread", MAX_SPREAD)
            if spread > len(items) + 1:
                self._spread[id(container)] = spread
        if height > 1 or spread > len(items) + 1:
            self._kept.append(container)
        return container

    def _grown(self, container: object, items: Any) -> None:
        """``items`` added to ``container``: its nesting grows with theirs."""
        height = self._measure(items)[0]
        if height > self._height.get(id(container), 1):
            if height > MAX_DEPTH:
                raise OverBudget("depth", MAX_DEPTH)
            self._height[id(container)] = height
            self._kept.append(container)

    def _torch_refuses(self, sentence: str) -> None:
        if self.torch_says is None:
            self.torch_says = sentence

    # -- the machine ------------------------------------------------------------------------------

    def load(self) -> Any:
        """The object the pickle builds, as records and inert stand-ins."""
        actions = {code: partial(method, self, *args) for code, (method, args) in _DISPATCH.items()}
        torch_reads = TORCH_OPCODES
        for opcodes in range(1, MAX_OPCODES + 1):
            at = self._at
            if at < len(self._buffer):
                code = self._buffer[at]
                self._at = at + 1
            else:
                code = self._take(1)[0]
            if code in _QUICK and self._quick(code):
                continue
            if code not in torch_reads:
                self._torch_refuses(f"Unsupported operand {code}")
            if code == 0x2E:  # STOP
                self._opcodes = opcodes
                self._rewind()
                return self._pop()
            action = actions.get(code)
            if action is None:
                raise pickle.UnpicklingError(f"opcode {code:#04x}, which torch.save never writes")
            action()
        raise OverBudget("opcodes", MAX_OPCODES)

    def _quick(self, code: int) -> bool:
        """The commonest opcodes of a torch pickle (half of them: BININT1, BINPUT, BINGET), read
        in place when their argument is in the buffer; False to read the opcode the long way."""
        buffer, at = self._buffer, self._at
        if code in _ONE_BYTE:  # BININT1, BINPUT, BINGET
            if at >= len(buffer):
                return False
            self._at = at + 1
            value = buffer[at]
        else:  # LONG_BINPUT
            if at + 4 > len(buffer):
                return False
            self._at = at + 4
            value = int.from_bytes(buffer[at : at + 4], "little")
        if code == 0x4B:
            self._push(value)
        elif code == 0x68:
            if value not in self._memo:
                raise pickle.UnpicklingError(f"memo {value} read before it was set")
            self._stack.append(self._memo[value])
        else:
            self._remember(value)
        return True

    def find_class(self, module: str, name: str) -> Any:
        """What a global stands for: lstmshape's record builders, or an inert stand-in."""
        if not isinstance(module, str) or not isinstance(name, str):
            raise pickle.UnpicklingError("a global named by something other than text")
        module, name = mapped(module, name)
        full = f"{module}.{name}"
        known = UNDERSTOOD.get(full)
        if known is not None:
            return known
        known_stand_in = self._stand_ins.get(full)
        if known_stand_in is not None:
            return known_stand_in
        if len(self._stand_ins) >= MAX_GLOBALS:
            raise OverBudget("globals", MAX_GLOBALS)
        allowed = full in TORCH_WEIGHTS_ONLY
        if not allowed:
            self._torch_refuses(torch_refusal(module, name))
            self.refused.append((module, name))
        self._stand_ins[full] = stand_in(full, refused=not allowed)
        return self._stand_ins[full]

    def _pop_mark(self) -> Stack:
        items = self._stack
        if not self._marks:
            raise pickle.UnpicklingError("an opcode takes a MARK that was never set")
        self._stack = self._marks.pop()
        return items

    def _top(self) -> Any:
        if not self._stack:
            raise pickle.UnpicklingError("an opcode takes an object from an empty stack")
        return self._stack[-1]

    def _pop(self) -> Any:
        value = self._top()
        self._stack.pop()
        return value

    # Opcodes, by what they do. Each takes its arguments from the bytes and the stack.

    def _op_mark(self) -> None:
        self._marks.append(self._stack)
        self._stack = []

    def _op_pop(self) -> None:
        self._pop()

    def _op_pop_mark(self) -> None:
        self._pop_mark()

    def _op_dup(self) -> None:
        self._push(self._top())

    def _op_proto(self) -> None:
        self._take(1)

    def _op_frame(self) -> None:
        self._take(8)  # the frame's length: the bytes are read as they come

    def _op_global(self) -> None:
        module = self._line()
        name = self._line()
        # A global met again is the same stand-in: found once (its refusal noted once).
        known = self._globals.get((module, name))
        if known is None:
            known = self.find_class(module.decode("utf-8"), name.decode("utf-8"))
            self._globals[module, name] = known
        self._push(known)

    def _op_stack_global(self) -> None:
        name = self._pop()
        module = self._pop()
        self._push(self.find_class(module, name))

    def _op_constant(self, value: object) -> None:
        self._push(value)

    def _op_binint(self) -> None:
        self._push(self._number("<i"))

    def _op_binint1(self) -> None:
        self._push(self._take(1)[0])

    def _op_binint2(self) -> None:
        self._push(self._number("<H"))

    def _op_long(self, size_layout: str) -> None:
        size = self._number(size_layout)
        if size > MAX_INT_BYTES:
            raise OverBudget("integer", MAX_INT_BYTES)
        self._push(int.from_bytes(self._take(size), "little", signed=True))

    def _op_text_int(self) -> None:
        line = self._line().rstrip(b"L")
        if len(line) > MAX_INT_BYTES:
            raise OverBudget("integer", MAX_INT_BYTES)
        value = {b"00": False, b"01": True}.get(line)
        self._push(int(line) if value is None else value)

    def _op_float(self) -> None:
        self._push(self._number(">d"))

    def _op_text_float(self) -> None:
        self._push(float(self._line()))

    def _op_unicode(self, size_layout: str) -> None:
        self._push(str(self._take(self._number(size_layout)), "utf-8", "surrogatepass"))

    def _op_text_unicode(self) -> None:
        self._push(self._line().decode("raw_unicode_escape"))

    def _op_string(self, size_layout: str) -> None:
        # Python 2's str: torch.load reads it as UTF-8 text.
        self._push(self._take(self._number(size_layout)).decode("utf-8"))

    def _op_text_string(self) -> None:
        line = self._line()
        if len(line) < 2 or line[:1] != line[-1:] or line[:1] not in b"\"'":
            raise pickle.UnpicklingError("a STRING opcode without its quotes")
        self._push(codecs.escape_decode(line[1:-1])[0].decode("utf-8"))

    def _op_bytes(self, size_layout: str) -> None:
        self._push(self._take(self._number(size_layout)))

    def _op_bytearray(self) -> None:
        self._push(bytearray(self._take(self._number("<Q"))))

    def _op_tuple(self, count: int) -> None:
        if count < 0:
            items = tuple(self._pop_mark())
        else:
            if len(self._stack) < count:
                raise pickle.UnpicklingError("a TUPLE opcode takes more objects than the stack has")
            items = tuple(self._stack[len(self._stack) - count :])
            del self._stack[len(self._stack) - count :]
        self._push(self._measured(items, items, spreads=True))

    def _op_empty(self, kind: type) -> None:
        self._push(self._measured(kind(), ()))

    def _op_list(self) -> None:
        items = self._pop_mark()
        self._count(len(items))
        self._push(self._measured(items, items))

    def _op_dict(self) -> None:
        items = self._pop_mark()
        built: dict[Any, Any] = {}
        self._push(self._measured(built, ()))
        self._set_items(built, items)

    def _op_frozenset(self) -> None:
        items = self._pop_mark()
        self._count(len(items))
        self._measured_set(items)

    def _measured_set(self, items: Stack) -> None:
        self._spread_checked(items)
        built = frozenset(items)
        self._push(self._measured(built, items, spreads=True))

    def _spread_checked(self, items: Any) -> None:
        """Refuse items whose hashing would pass the budget, before they are hashed: hashing a
        tuple visits all its elements, shared ones as many times as they are held."""
        spreads = self._spread
        self._hashed += sum(spreads.get(id(item)) or _unmeasured_spread(item) for item in items)
        if self._hashed > MAX_HASHED:
            raise OverBudget("hashed", MAX_HASHED)

    def _op_append(self) -> None:
        item = self._pop()
        self._appended(self._top(), [item])

    def _op_appends(self) -> None:
        items = self._pop_mark()
        self._appended(self._top(), items)

    def _appended(self, target: Any, items: Stack) -> None:
        self._count(len(items))
        self._grown(target, items)
        if type(target) is list:
            target.extend(items)
        elif isinstance(target, Inert):
            self._torch_refuses(f"Can only append to lists, but got {type(target)}")
            target.extend(items)
        else:
            raise pickle.UnpicklingError(f"APPEND to a {type(target).__name__}")

    def _op_setitem(self) -> None:
        value = self._pop()
        key = self._pop()
        self._set_items(self._top(), [key, value])

    def _op_setitems(self) -> None:
        items = self._pop_mark()
        self._set_items(self._top(), items)

    def _set_items(self, target: Any, items: Stack) -> None:
        if len(items) % 2:
            raise pickle.UnpicklingError("SETITEMS with a key and no value")
        self._count(len(items) // 2)
        self._grown(target, items)
        keys = items[0::2]
        self._spread_checked(keys)
        if isinstance(target, dict):
            for key, value in zip(keys, items[1::2], strict=True):
                target[key] = value
        elif isinstance(target, Inert):
            for key, value in zip(keys, items[1::2], strict=True):
                target.entries.append((key, value))
        else:
            raise pickle.UnpicklingError(f"SETITEM on a {type(target).__name__}")

    def _op_additems(self) -> None:
        items = self._pop_mark()
        target = self._top()
        self._count(len(items))
        self._spread_checked(items)
        self._grown(target, items)
        if isinstance(target, set):
            target.update(items)
        elif isinstance(target, Inert):
            target.items.extend(items)
        else:
            raise pickle.UnpicklingError(f"ADDITEMS on a {type(target).__name__}")

    def _op_get(self, size_layout: str | None) -> None:
        index = int(self._line()) if size_layout is None else self._number(size_layout)
        if index not in self._memo:
            raise pickle.UnpicklingError(f"memo {index} read before it was set")
        self._stack.append(self._memo[index])

    def _op_put(self, size_layout: str | None) -> None:
        index = int(self._line()) if size_layout is None else self._number(size_layout)
        self._remember(index)

    def _op_memoize(self) -> None:
        self._remember(len(self._memo))

    def _remember(self, index: int) -> None:
        if index not in self._memo:
            self._count(1)
        self._memo[index] = self._top()

    def _op_persid(self, binary: bool) -> None:
        pid = self._pop() if binary else self._line().decode("ascii", "replace")
        record = storage_of(pid)
        if isinstance(record, StorageRecord):
            self.storages.setdefault(record.key, record)
        self._push(record)

    def _op_reduce(self) -> None:
        args = self._pop()
        func = self._pop()
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError("REDUCE with arguments that are not a tuple")
        self._push(self._called(func, args, {}))

    def _called(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if isinstance(func, type) and issubclass(func, (Inert, StateDict)):
            if func is StateDict:
                self._spread_checked(_keys_of(args))
            built = func(*args, **kwargs)
            return self._measured(built, args)
        if callable(func) and func in _CALLABLE and not kwargs:
            if func is _set:
                self._spread_checked(args[0] if args and isinstance(args[0], list) else ())
            return func(*args)
        raise pickle.UnpicklingError(f"a call of {_short(func)}, which torch.save never writes")

    def _op_newobj(self) -> None:
        args = self._pop()
        cls = self._pop()
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError("NEWOBJ with arguments that are not a tuple")
        self._push(self._called(cls, args, {}))

    def _op_newobj_ex(self) -> None:
        kwargs = self._pop()
        args = self._pop()
        cls = self._pop()
        if not isinstance(args, tuple) or not isinstance(kwargs, dict):
            raise pickle.UnpicklingError("NEWOBJ_EX with arguments that are not a tuple and a dict")
        self._push(self._called(cls, args, {str(k): v for k, v in kwargs.items()}))

    def _op_obj(self) -> None:
        items = self._pop_mark()
        if not items:
            raise pickle.UnpicklingError("OBJ without a class")
        self._push(self._called(items[0], tuple(items[1:]), {}))

    def _op_inst(self) -> None:
        module = self._line().decode("utf-8")
        name = self._line().decode("utf-8")
        cls = self.find_class(module, name)
        self._push(self._called(cls, tuple(self._pop_mark()), {}))

    def _op_build(self) -> None:
        state = self._pop()
        target = self._top()
        self._grown(target, [state])
        if isinstance(target, (Inert, StateDict)):
            target.__setstate__(state)
            return
        # A function, a record, a list: torch refuses ("Can only build Tensor, Parameter,
        # OrderedDict or types allowlisted via `add_safe_globals`"), and lstmshape's own objects
        # never take state from a file.
        raise pickle.UnpicklingError(f"BUILD on a {type(target).__name__}, which torch refuses")


def _keys_of(args: tuple[Any, ...]) -> list[Any]:
    """The keys an OrderedDict built from ``args`` (its items, as pairs) hashes."""
    items = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else ()
    return [pair[0] for pair in items if isinstance(pair, (list, tuple)) and pair]


def _unmeasured_spread(item: object) -> int:
    return len(item) + 1 if isinstance(item, (tuple, frozenset)) else 1


# BININT1, BINPUT, BINGET, LONG_BINPUT: all of torch's weights_only opcodes too.
_QUICK = frozenset((0x4B, 0x71, 0x68, 0x72))
_ONE_BYTE = frozenset((0x4B, 0x71, 0x68))
# Text and numbers: they nest nothing and count one element.
_SCALARS = frozenset((str, int, float, bool, bytes, type(None)))
_LAYOUTS = {layout: struct.Struct(layout) for layout in ("<B", "<H", "<i", "<I", "<Q", ">d")}

_DISPATCH: dict[int, tuple[Callable[..., None], tuple[Any, ...]]] = {
    ord("("): (SafeUnpickler._op_mark, ()),
    ord("0"): (SafeUnpickler._op_pop, ()),
    ord("1"): (SafeUnpickler._op_pop_mark, ()),
    ord("2"): (SafeUnpickler._op_dup, ()),
    0x80: (SafeUnpickler._op_proto, ()),
    0x95: (SafeUnpickler._op_frame, ()),
    ord("c"): (SafeUnpickler._op_global, ()),
    0x93: (SafeUnpickler._op_stack_global, ()),
    ord("N"): (SafeUnpickler._op_constant, (None,)),
    0x88: (SafeUnpickler._op_constant, (True,)),
    0x89: (SafeUnpickler._op_constant, (False,)),
    ord("J"): (SafeUnpickler._op_binint, ()),
    ord("K"): (SafeUnpickler._op_binint1, ()),
    ord("M"): (SafeUnpickler._op_binint2, ()),
    0x8A: (SafeUnpickler._op_long, ("<B",)),
    0x8B: (SafeUnpickler._op_long, ("<i",)),
    ord("I"): (SafeUnpickler._op_text_int, ()),
    ord("L"): (SafeUnpickler._op_text_int, ()),
    ord("G"): (SafeUnpickler._op_float, ()),
    ord("F"): (SafeUnpickler._op_text_float, ()),
    ord("X"): (SafeUnpickler._op_unicode, ("<I",)),
    0x8C: (SafeUnpickler._op_unicode, ("<B",)),
    0x8D: (SafeUnpickler._op_unicode, ("<Q",)),
    ord("V"): (SafeUnpickler._op_text_unicode, ()),
    ord("U"): (SafeUnpickler._op_string, ("<B",)),
    ord("T"): (SafeUnpickler._op_string, ("<i",)),
    ord("S"): (SafeUnpickler._op_text_string, ()),
    ord("C"): (SafeUnpickler._op_bytes, ("<B",)),
    ord("B"): (SafeUnpickler._op_bytes, ("<I",)),
    0x8E: (SafeUnpickler._op_bytes, ("<Q",)),
    0x96: (SafeUnpickler._op_bytearray, ()),
    ord(")"): (SafeUnpickler._op_empty, (tuple,)),
    ord("]"): (SafeUnpickler._op_empty, (list,)),
    ord("}"): (SafeUnpickler._op_empty, (dict,)),
    0x8F: (SafeUnpickler._op_empty, (set,)),
    ord("t"): (SafeUnpickler._op_tuple, (-1,)),
    0x85: (SafeUnpickler._op_tuple, (1,)),
    0x86: (SafeUnpickler._op_tuple, (2,)),
    0x87: (SafeUnpickler._op_tuple, (3,)),
    ord("l"): (SafeUnpickler._op_list, ()),
    ord("d"): (SafeUnpickler._op_dict, ()),
    0x91: (SafeUnpickler._op_frozenset, ()),
    ord("a"): (SafeUnpickler._op_append, ()),
    ord("e"): (SafeUnpickler._op_appends, ()),
    ord("s"): (SafeUnpickler._op_setitem, ()),
    ord("u"): (SafeUnpickler._op_setitems, ()),
    0x90: (SafeUnpickler._op_additems, ()),
    ord("g"): (SafeUnpickler._op_get, (None,)),
    ord("h"): (SafeUnpickler._op_get, ("<B",)),
    ord("j"): (SafeUnpickler._op_get, ("<I",)),
    ord("p"): (SafeUnpickler._op_put, (None,)),
    ord("q"): (SafeUnpickler._op_put, ("<B",)),
    ord("r"): (SafeUnpickler._op_put, ("<I",)),
    0x94: (SafeUnpickler._op_memoize, ()),
    ord("P"): (SafeUnpickler._op_persid, (False,)),
    ord("Q"): (SafeUnpickler._op_persid, (True,)),
    ord("R"): (SafeUnpickler._op_reduce, ()),
    0x81: (SafeUnpickler._op_newobj, ()),
    0x92: (SafeUnpickler._op_newobj_ex, ()),
    ord("o"): (SafeUnpickler._op_obj, ()),
    ord("i"): (SafeUnpickler._op_inst, ()),
    ord("b"): (SafeUnpickler._op_build, ()),
}


def storage_of(pid: Any) -> Any:
    """The record of the storage a persistent id names.

    torch.save's zip format: ``('storage', storage type, key, location, numel)``; its legacy format
    adds a view (``(view key, offset, numel)`` or None), and names a module's class with
    ``('module', class, file, source)``: the class, here an inert stand-in.
    """
    if not isinstance(pid, tuple) or not pid:
        raise pickle.UnpicklingError(f"a persistent id that is not a storage: {_short(pid)}")
    kind = pid[0].decode("ascii", "replace") if isinstance(pid[0], bytes) else pid[0]
    if (
        kind == "module"
        and len(pid) == 4
        and isinstance(pid[1], type)
        and issubclass(pid[1], Inert)
    ):
        return pid[1]
    if kind != "storage" or len(pid) not in (5, 6):
        raise pickle.UnpicklingError(f"a persistent id that is not a storage: {_short(pid)}")
    storage_type, key, location, numel = pid[1:5]
    if not isinstance(storage_type, StorageType):
        raise pickle.UnpicklingError(f"a storage of type {_short(storage_type)}")
    if not isinstance(key, (str, int)) or not _is_size(numel):
        raise pickle.UnpicklingError(f"a storage with key {_short(key)} and size {_short(numel)}")
    if not _known_location(location):
        raise pickle.UnpicklingError(
            f"a storage on device {_short(location)}, which torch.load does not know"
        )
    record = StorageRecord(str(key), storage_type.dtype, str(location), numel)
    view = pid[5] if len(pid) == 6 else None
    if view is not None:
        if not (
            isinstance(view, tuple) and len(view) == 3 and _is_size(view[1]) and _is_size(view[2])
        ):
            raise pickle.UnpicklingError(f"a storage view {_short(view)}")
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


def _short(value: object) -> str:
    text = bounded_repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sizes(value: object, what: str, function: str) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or not all(_is_size(v) for v in value):
        raise pickle.UnpicklingError(
            f"{function} got a {what} that is not a tuple of sizes: {_short(value)}"
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
        raise pickle.UnpicklingError(f"{function} got a storage that is not one: {_short(storage)}")
    if not _is_size(offset):
        raise pickle.UnpicklingError(f"{function} got a storage offset of {_short(offset)}")
    shape = _sizes(size, "size", function)
    strides = _sizes(stride, "stride", function)
    if len(strides) != len(shape):
        raise pickle.UnpicklingError(f"{function} got size {shape} with stride {strides}")
    return TensorRecord(storage, offset, shape, strides, dtype or storage.dtype)


def _arguments(function: str, args: tuple[Any, ...], least: int, most: int) -> tuple[Any, ...]:
    if not least <= len(args) <= most:
        raise pickle.UnpicklingError(f"{function} got {len(args)} arguments")
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
        raise pickle.UnpicklingError(f"_rebuild_tensor_v3 got a dtype {_short(read[6])}")
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
        raise pickle.UnpicklingError(f"_rebuild_meta_tensor_no_storage got a dtype {_short(dtype)}")
    shape = _sizes(size, "size", "_rebuild_meta_tensor_no_storage")
    return TensorRecord(
        None, 0, shape, _sizes(stride, "stride", "_rebuild_meta_tensor_no_storage"), dtype.name
    )


def rebuild_parameter(*args: Any) -> Any:
    """torch._utils._rebuild_parameter(data, requires_grad, backward_hooks) and
    _rebuild_parameter_with_state(..., state): the parameter is its data."""
    data = _arguments("_rebuild_parameter", args, 3, 4)[0]
    if not isinstance(data, (TensorRecord, OpaqueTensor)):
        raise pickle.UnpicklingError(f"_rebuild_parameter got data {_short(data)}")
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
            raise pickle.UnpicklingError(f"{function} got {_short(args)}")
        return ":".join(str(a) for a in args)

    return read


def _encode(*args: Any) -> bytes:
    """_codecs.encode(text, 'latin1'): how protocol 2 writes bytes."""
    text, encoding = (*_arguments("_codecs.encode", args, 1, 2), "utf-8")[:2]
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise pickle.UnpicklingError(f"_codecs.encode got {_short(args)}")
    return text.encode(encoding)


def _set(*args: Any) -> set[Any]:
    items = _arguments("builtins.set", args, 0, 1)
    if items and not isinstance(items[0], (list, tuple, set, frozenset)):
        raise pickle.UnpicklingError(f"builtins.set got {_short(items[0])}")
    return set(items[0]) if items else set()


def _bytearray(*args: Any) -> bytearray:
    # bytearray(n) would allocate n bytes: only bytes and lists of bytes are built.
    items = _arguments("builtins.bytearray", args, 0, 1)
    if items and not isinstance(items[0], (bytes, list)):
        raise pickle.UnpicklingError(f"builtins.bytearray got {_short(items[0])}")
    return bytearray(items[0]) if items else bytearray()


def _complex(*args: Any) -> complex:
    parts = _arguments("builtins.complex", args, 0, 2)
    if not all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in parts):
        raise pickle.UnpicklingError(f"builtins.complex got {_short(parts)}")
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
    "builtins.set": _set,
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
_CALLABLE = frozenset(
    value
    for value in UNDERSTOOD.values()
    if callable(value) and not isinstance(value, (type, Record))
)
