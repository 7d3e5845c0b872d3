"""A state's last axis of the wrong size: H_out for h_0 (proj_size when set, else hidden_size),
H_cell for c_0; the state built for another width, or the module built with another hidden_size."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause


def width_causes(axis: Axis, label: str, given: Given, fix: str) -> list[Cause]:
    """The last axis: H_out for h_0 (proj_size when set, else hidden_size), H_cell for c_0."""
    want, got = axis.expected or 0, axis.got or 0
    if not axis.differs:
        return []
    symbol = "H_cell" if label == "hidden[1]" else "H_out"
    causes = _projected(label, want, got, given, fix)
    causes.append(
        Cause(
            "width",
            tr(
                "The last axis is {symbol} = {want}: the state was built for another width.",
                symbol=symbol,
                want=want,
            ),
            fix,
        )
    )
    if label != "hidden[1]" and given.hidden_size is None and given.proj_size in (None, 0):
        built = Cause(
            "hidden_size",
            tr(
                "The module was built with hidden_size = {want}; if the state's {got} is the "
                "width meant (an encoder's of {got}), the module's hidden_size is wrong.",
                want=want,
                got=got,
            ),
            tr("build the module with {code}", code=f"hidden_size={got}"),
        )
        # A hidden_size of 1 is seldom meant (IBM/pytorch-seq2seq#184 built one by mistake).
        causes.insert(0 if want == 1 else len(causes), built)
    return causes


def _projected(label: str, want: int, got: int, given: Given, fix: str) -> list[Cause]:
    """proj_size mixed up: h_0 built with hidden_size, or c_0 with proj_size. A proj_size or a
    hidden_size given that is not the one the cause needs contradicts it: left out."""
    if given.proj_size == 0:
        return []  # no projection: neither can be
    if label == "hidden[0]" and got > want and given.proj_size in (None, want):
        if given.hidden_size not in (None, got):
            return []
        text = tr(
            "With proj_size = {want}, h_0 has H_out = proj_size features; {got} is "
            "hidden_size, which only c_0 keeps.",
            want=want,
            got=got,
        )
        proven = given.proj_size == want
        return [Cause("proj_size_h", text, fix + "  # H_out = proj_size", proven)]
    if label == "hidden[1]" and got < want and given.proj_size in (None, got):
        if given.hidden_size not in (None, want):
            return []
        text = tr(
            "c_0 keeps hidden_size = {want} features; proj_size = {got} shrinks h only.",
            want=want,
            got=got,
        )
        proven = given.proj_size == got
        return [Cause("proj_size_c", text, fix + "  # H_cell = hidden_size", proven)]
    return []
