"""Text that names arguments, and fixes as data: each front end says them in its own voice.

The placeholders are named tuples: immutable values, and cheap to define at start-up (a frozen
dataclass costs several times more to create, on every run).

The core never names a command-line flag. Where its text names an argument, or proposes a fix, it
leaves a placeholder holding the argument by torch's name (``h_0``, ``hidden_size``,
``expect.h_n``); each front end's :class:`Voice` fills it in: ``--h0 4,3,20`` on the command line,
``h_0 = [4, 3, 20]`` in a spec file, ``h_0=(4, 3, 20)`` from Python. A fix is data too, so a test can
apply it to the call it fixes and check that the user gets what they meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from lstmshape.i18n import ntr, tr

Value = int | float | bool | str | tuple[int, ...]
"""What an argument is set to: a size, a shape, a flag, a probability or a name."""


class Change(NamedTuple):
    """One argument set to a value, or left out (``value`` None: back to torch's default)."""

    argument: str
    """explain()'s keyword (``h_0``, ``num_layers``, ``module``), or ``expect.NAME``."""
    value: Value | None = None


class Fix(NamedTuple):
    """Changes that, made together, turn the user's call into one that works as they meant."""

    changes: tuple[Change, ...]

    @classmethod
    def of(cls, settings: Mapping[str, Value | None]) -> Fix:
        """A fix from a mapping; a key may be dotted (``{"expect.output.data": (10, 20)}``)."""
        return cls(tuple(Change(name, value) for name, value in settings.items()))

    def applied_to(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """explain()'s keyword ``arguments`` with this fix made: what a user who follows it runs."""
        fixed = dict(arguments)
        for change in self.changes:
            if change.argument.startswith("expect."):
                expect = dict(fixed.get("expect") or {})
                expect[change.argument.removeprefix("expect.")] = change.value
                fixed["expect"] = expect
            elif change.value is None:
                fixed.pop(change.argument, None)
            else:
                fixed[change.argument] = change.value
        return fixed


def fix(**settings: Value) -> Fix:
    """``fix(h_0=(4, 3, 20))``: set each argument to its value."""
    return Fix.of(settings)


def drop(*arguments: str) -> Fix:
    """``drop("proj_size")``: leave each argument out (its default), said "without proj_size"."""
    return Fix(tuple(Change(name) for name in arguments))


class Arg(NamedTuple):
    """An argument named in a sentence: ``--lengths``, ``lengths``."""

    argument: str


class Typed(NamedTuple):
    """What the user wrote for an argument, quoted as written: ``--hidden 'abc'``."""

    argument: str
    text: str


class Shown(NamedTuple):
    """A value as the front end writes it for that argument, without the name: ``4,3,10``."""

    argument: str
    value: Value


class Setting(NamedTuple):
    """An argument at the value the user gave it: ``--proj-size 0``, ``proj_size=0``."""

    argument: str
    value: Value


Part = str | int | float | Arg | Typed | Shown | Setting | Fix


class Voice(Protocol):
    """How one front end names arguments and words their values."""

    def arg(self, argument: str) -> str:
        """The argument's name: ``--h0``, ``h_0``."""
        ...

    def change(self, change: Change) -> str:
        """One change: ``--h0 4,3,20``, ``h_0=(4, 3, 20)``; a left-out one ``without --proj-size``."""
        ...

    def typed(self, argument: str, text: str) -> str:
        """The user's text for an argument: ``--hidden 'abc'``."""
        ...

    def value(self, argument: str, value: Value) -> str:
        """A value of that argument, without its name: ``4,3,10``, ``(4, 3, 10)``."""
        ...

    def joined(self, parts: list[str]) -> str:
        """The changes of one fix together: ``--input 4,1,10 --lengths 4``."""
        ...


def left_out(name: str) -> str:
    """An argument a fix leaves out (back to its default), in the language spoken: "without
    --proj-size"."""
    return tr("without {name}", name=name)


def without(parts: list[str]) -> list[str]:
    """The settings of a fix first, then what it leaves out: "--h0 1,3,20 without --batch-first"."""
    # Told by the words around the name, which are the language's: "without NAME", "NAME なし".
    before, _, after = tr("without {name}").partition("{name}")
    return sorted(parts, key=lambda part: part.startswith(before) and part.endswith(after))


class Words(NamedTuple):
    """A sentence with placeholders (``{fix}``) filled in by a voice.

    A template with no values is plain text, braces included; with values it is a format string.
    A sentence about a count has its English plural too, and the count that chooses the form.
    """

    template: str
    values: tuple[tuple[str, Part], ...] = ()
    plural: str = ""
    n: int = 0

    def render(self, voice: Voice) -> str:
        """The sentence in ``voice``, in the language lstmshape speaks (lstmshape.i18n)."""
        values = {name: say(voice, part) for name, part in self.values}
        if self.plural:
            return ntr(self.template, self.plural, self.n, **values)  # i18n: extracted where made
        return tr(self.template, **values)  # i18n: extracted where made

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """The fixes this sentence proposes, in its order."""
        return tuple(part for _, part in self.values if isinstance(part, Fix))


def words(template: str, **values: Part) -> Words:
    """``words("Try {fix}.", fix=fix(h_0=(4, 3, 20)))``."""
    return Words(template, tuple(values.items()))


def nwords(one: str, many: str, n: int, /, **values: Part) -> Words:
    """A sentence about ``count`` things, in the plural form the language says for that count:
    ``nwords("{count} row was made", "{count} rows were made", n, count=number(n))``."""
    return Words(one, tuple(values.items()), many, n)


def verbatim(text: str) -> Words:
    """Text already laid out or already in the language (a table's aligned rows), said as it is:
    a plain string would be looked up as a message."""
    return Words("{text}", (("text", text),))


Text = str | Words
"""A sentence of the core: plain, or with placeholders."""


def say(voice: Voice, part: Part | Words) -> str:
    """One placeholder's value, or a whole sentence, in ``voice``."""
    if isinstance(part, Words):
        return part.render(voice)
    if isinstance(part, Arg):
        return voice.arg(part.argument)
    if isinstance(part, Typed):
        return voice.typed(part.argument, part.text)
    if isinstance(part, Shown):
        return voice.value(part.argument, part.value)
    if isinstance(part, Setting):
        return voice.change(Change(part.argument, part.value))
    if isinstance(part, Fix):
        return voice.joined([voice.change(change) for change in part.changes])
    return str(part)


def as_words(text: Text) -> Words:
    """Plain text as a sentence with no placeholders."""
    return text if isinstance(text, Words) else Words(text)


def shape_list(shape: tuple[int, ...]) -> str:
    """``4,3,10``: a shape as lstmshape reads it back on the command line."""
    return ",".join(map(str, shape))


class PythonVoice:
    """The library's own voice: torch's and lstmshape's keyword arguments, as Python writes them.

    ``expect.h_n`` is said as assert_shapes' keyword ``h_n``; a dotted name as a mapping's key.
    """

    def arg(self, argument: str) -> str:
        if argument == "verify":
            return "verify()"
        if argument == "verify_budget":
            return "budget"  # verify()'s keyword
        return argument.removeprefix("expect.")

    def change(self, change: Change) -> str:
        name = self.arg(change.argument)
        if change.value is None:
            return left_out(name)
        if change.argument.startswith("expect.") and not name.isidentifier():
            return f"{name!r}: {python_value(change.value)}"
        return f"{name}={python_value(change.value)}"

    def typed(self, argument: str, text: str) -> str:
        return f"{self.arg(argument)}={text!r}"

    def value(self, argument: str, value: Value) -> str:
        return python_value(value)

    def joined(self, parts: list[str]) -> str:
        return ", ".join(without(parts))


def python_value(value: Value) -> str:
    """A value as Python writes it: ``(4, 3, 20)``, ``(20,)``, ``'LSTM'``, ``True``."""
    if isinstance(value, tuple):
        return f"({value[0]},)" if len(value) == 1 else "(" + ", ".join(map(str, value)) + ")"
    return repr(value)


PYTHON = PythonVoice()
