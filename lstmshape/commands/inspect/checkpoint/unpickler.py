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
import struct
from collections.abc import Callable
from functools import partial
from typing import IO, Any

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
from lstmshape.commands.inspect.checkpoint.files import MAX_HEADER, TooLarge
from lstmshape.commands.inspect.checkpoint.rebuilds import (
    CALLABLE,
    UNDERSTOOD,
    built_set,
    short_repr,
    storage_of,
)
from lstmshape.commands.inspect.checkpoint.records import (
    Inert,
    StateDict,
    StorageRecord,
    stand_in,
)
from lstmshape.i18n import tr

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
                raise pickle.UnpicklingError(
                    tr("opcode {code}, which torch.save never writes", code=f"{code:#04x}")
                )
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
                raise pickle.UnpicklingError(tr("memo {index} read before it was set", index=value))
            self._stack.append(self._memo[value])
        else:
            self._remember(value)
        return True

    def find_class(self, module: str, name: str) -> Any:
        """What a global stands for: lstmshape's record builders, or an inert stand-in."""
        if not isinstance(module, str) or not isinstance(name, str):
            raise pickle.UnpicklingError(tr("a global named by something other than text"))
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
            raise pickle.UnpicklingError(tr("an opcode takes a MARK that was never set"))
        self._stack = self._marks.pop()
        return items

    def _top(self) -> Any:
        if not self._stack:
            raise pickle.UnpicklingError(tr("an opcode takes an object from an empty stack"))
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
            raise pickle.UnpicklingError(tr("a STRING opcode without its quotes"))
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
                raise pickle.UnpicklingError(
                    tr("a TUPLE opcode takes more objects than the stack has")
                )
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
            raise pickle.UnpicklingError(tr("APPEND to a {type}", type=type(target).__name__))

    def _op_setitem(self) -> None:
        value = self._pop()
        key = self._pop()
        self._set_items(self._top(), [key, value])

    def _op_setitems(self) -> None:
        items = self._pop_mark()
        self._set_items(self._top(), items)

    def _set_items(self, target: Any, items: Stack) -> None:
        if len(items) % 2:
            raise pickle.UnpicklingError(tr("SETITEMS with a key and no value"))
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
            raise pickle.UnpicklingError(tr("SETITEM on a {type}", type=type(target).__name__))

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
            raise pickle.UnpicklingError(tr("ADDITEMS on a {type}", type=type(target).__name__))

    def _op_get(self, size_layout: str | None) -> None:
        index = int(self._line()) if size_layout is None else self._number(size_layout)
        if index not in self._memo:
            raise pickle.UnpicklingError(tr("memo {index} read before it was set", index=index))
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
            raise pickle.UnpicklingError(tr("REDUCE with arguments that are not a tuple"))
        self._push(self._called(func, args, {}))

    def _called(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if isinstance(func, type) and issubclass(func, (Inert, StateDict)):
            if func is StateDict:
                self._spread_checked(_keys_of(args))
            built = func(*args, **kwargs)
            return self._measured(built, args)
        if callable(func) and func in CALLABLE and not kwargs:
            if func is built_set:
                self._spread_checked(args[0] if args and isinstance(args[0], list) else ())
            return func(*args)
        raise pickle.UnpicklingError(
            tr("a call of {call}, which torch.save never writes", call=short_repr(func))
        )

    def _op_newobj(self) -> None:
        args = self._pop()
        cls = self._pop()
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError(tr("NEWOBJ with arguments that are not a tuple"))
        self._push(self._called(cls, args, {}))

    def _op_newobj_ex(self) -> None:
        kwargs = self._pop()
        args = self._pop()
        cls = self._pop()
        if not isinstance(args, tuple) or not isinstance(kwargs, dict):
            raise pickle.UnpicklingError(
                tr("NEWOBJ_EX with arguments that are not a tuple and a dict")
            )
        self._push(self._called(cls, args, {str(k): v for k, v in kwargs.items()}))

    def _op_obj(self) -> None:
        items = self._pop_mark()
        if not items:
            raise pickle.UnpicklingError(tr("OBJ without a class"))
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
        raise pickle.UnpicklingError(
            tr("BUILD on a {type}, which torch refuses", type=type(target).__name__)
        )


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
