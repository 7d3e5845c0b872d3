"""The statements a fix writes in the user's code: a state built anew with torch.zeros, from the
input's batch or for the input's form (batched or unbatched)."""

from __future__ import annotations

from lstmshape.i18n import tr

Shape = tuple[int, ...]

FROM_INPUT = "x.size(0 if batch_first else 1)"
"""The input's batch, whichever way the module reads it."""

TENSORS = {"hidden[0]": "h_0", "hidden[1]": "c_0", "hidden": "h_0"}
"""How torch names a state in its sentence, and the state's own name."""


def width_of(label: str) -> str:
    """The symbol of a state's last axis: c_0 keeps H_cell, h_0 has H_out."""
    return "H_cell" if label == "hidden[1]" else "H_out"


def zeros(label: str, batch: str | None, both: bool = False) -> str:
    """The statement that builds the state torch names, with ``batch`` its N (None: unbatched).
    ``both``: an LSTM's h_0 with its c_0, built alike (torch checks c_0 only once h_0 fits, so
    a c_0 built the same way fails next)."""
    axes = "D * num_layers" + (f", {batch}" if batch else "")
    if both and label == "hidden[0]":
        return f"h_0 = torch.zeros({axes}, H_out); c_0 = torch.zeros({axes}, H_cell)"
    tensor = TENSORS[label]
    return f"{tensor} = torch.zeros({axes}, {width_of(label)})"


def built(label: str, form: str, both: bool = False) -> str:
    """The state built anew for the input's form; both forms, each said, when the text leaves it."""
    if form != "either":
        return zeros(label, "N" if form == "batched" else None, both)
    return tr(
        "{batched}; for unbatched input (L, H_in): {unbatched}",
        batched=zeros(label, "N", both),
        unbatched=zeros(label, None, both),
    )
