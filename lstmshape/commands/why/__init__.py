"""Reading torch's error text (``lstmshape why``) -> the tensor or argument at fault, its axes, and the likely causes.

Reads text only: no torch here. :func:`why` finds every sentence of torch's in the text (a whole
traceback, a log, a notebook's output; lstmshape.torchfacts.sentences lists them), explains each, and counts
a sentence the text repeats instead of explaining it twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.inspect.weights.names import split_key
from lstmshape.commands.why.devices import (
    cudnn_backward_eval,
    cudnn_not_supported,
    kernel_dtype,
    state_contiguous,
    state_device,
    state_device_cut,
    weights_not_contiguous,
)
from lstmshape.commands.why.evidence import Evidence
from lstmshape.commands.why.find import Found, find_sentences, without_escapes
from lstmshape.commands.why.inputs import (
    cell_state,
    input_rank,
    input_width,
    no_steps,
    single_state,
)
from lstmshape.commands.why.keys import keys
from lstmshape.commands.why.loading import size_mismatches
from lstmshape.commands.why.other_layers import left_alone
from lstmshape.commands.why.packed import packed_broadcast, packed_matmul
from lstmshape.commands.why.ranks import state_rank
from lstmshape.commands.why.refusals import refusal
from lstmshape.commands.why.runtime import (
    input_dtype,
    lengths_tensor,
    matmul_dtype,
    mkldnn_dtype,
    rnn_parameters,
    state_count,
    two_states,
)
from lstmshape.commands.why.states import state_size
from lstmshape.commands.why.training import backward_twice, dropout_one_layer
from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import speaking, tr
from lstmshape.i18n.words import words
from lstmshape.reading.python_values import lang_argument
from lstmshape.results.why import Explained, WhyResult
from lstmshape.torchfacts.releases import TODAY, printed
from lstmshape.torchfacts.sentences import FRAMED

Explainer = Callable[[Found, Given], Explained]

# The distinct sentences one text is explained for: a log holds one error or a few, repeated.
MAX_SENTENCES = 100

# load_state_dict's size mismatches, in today's wording, torch 1.0's and 0.4's, read together.
_MISMATCHES = ("size_mismatch", "size_mismatch_old", "size_mismatch_0x")

_EXPLAINERS: dict[str, Explainer] = {
    "state_size": state_size,
    "state_size_tuple": state_size,
    "input_width": input_width,
    "cell_input_width": input_width,
    "cell_input_width_comma": input_width,
    "input_rank": input_rank,
    "input_dimensions": input_rank,
    "rnn_input_rank": input_rank,
    "cell_input_rank": input_rank,
    "no_steps": no_steps,
    "state_rank": state_rank,
    "states_rank": state_rank,
    "single_state": single_state,
    "cell_batch": cell_state,
    "cell_width": cell_state,
    "lstm_cell_state_rank": cell_state,
    "cell_state_rank": cell_state,
    "lstm_cell_tuple": cell_state,
    "cell_state_1d": cell_state,
    "input_dtype": input_dtype,
    "input_dtype_cut": input_dtype,
    "lengths_tensor_cut": lengths_tensor,
    "state_device": state_device,
    "state_device_cut": state_device_cut,
    "cudnn_not_supported": cudnn_not_supported,
    "state_contiguous": state_contiguous,
    "weights_not_contiguous": weights_not_contiguous,
    "cudnn_backward_eval": cudnn_backward_eval,
    "kernel_dtype": kernel_dtype,
    "kernel_dtype_old": kernel_dtype,
    "packed_matmul_old": packed_matmul,
    "dropout_one_layer": dropout_one_layer,
    "backward_twice": backward_twice,
    "packed_broadcast": packed_broadcast,
    "packed_matmul": packed_matmul,
    "matmul_dtype": matmul_dtype,
    "mkldnn_dtype": mkldnn_dtype,
    "odd_states": state_count,
    "more_states": state_count,
    "two_states": two_states,
    "lstm_cell_two_states": two_states,
    "lengths_tensor": lengths_tensor,
    "rnn_parameters": rnn_parameters,
}


def why(text: str, *, lang: str | None = None, **given: Any) -> WhyResult:
    """Explain every sentence of torch's about recurrent layers found in ``text``.

    ``given`` takes what you know of the module and its input, to pin the causes down: ``module``,
    ``input`` (a shape), ``hidden_size``, ``num_layers``, ``bidirectional``, ``batch_first``,
    ``proj_size``. The result lists each sentence with the tensor or parameter at fault, torch's
    numbers with every axis named, and the likely causes (most likely first), each with its fix.
    ``lang`` is the language of the explanations (torch's sentences stay as torch says them).
    """
    if not isinstance(text, str):
        raise UnreadableValueError(
            words("why() reads text; got {type}.", type=type(text).__name__),
            hint=words(
                "Try {fix}, or the text of a log: {other}.",
                fix="why(str(error))",
                other="why(open(path).read())",
            ),
        )
    with speaking(lang_argument(lang)):
        _known_keywords(given)
        return why_blocks((text,), **given)


def _known_keywords(given: dict[str, Any]) -> None:
    """Refuse a keyword ``why`` does not take (``why(text, foo=1)``), naming those it takes."""
    unknown = sorted(set(given) - set(Given._fields))
    if unknown:
        raise UnreadableValueError(
            words("why() takes no argument {argument}.", argument=unknown[0]),
            hint=words(
                "Try one of {names}, or leave it out.",
                names=", ".join(Given._fields),
            ),
        )


def why_blocks(blocks: Iterable[str], **given: Any) -> WhyResult:
    """:func:`why` over a text given in blocks of whole lines (a log read a block at a time): the
    memory of one block, whatever the log's size."""
    known = Given.read(**given)
    seen = Evidence()
    found, times, skipped, (named, framed) = _read(blocks, seen)
    known = known._replace(seen=seen)
    if not framed:  # the kernel's sentences of any tensor: only in a recurrent frame
        found = [f for f in found if f.sentence.id not in FRAMED]
    context = bool(known.said()) or named
    context = context or any(f.sentence.about_recurrent_layers(f.fields) for f in found)
    if not context:
        found = [f for f in found if f.sentence.about_recurrent_layers(f.fields)]
    explained: list[Explained] = []
    mismatches = [f for f in found if f.sentence.id in _MISMATCHES]
    mismatched = size_mismatches(mismatches, known) if mismatches else []
    # The model's class for each module the size mismatches read (torch lists the keys first).
    classes = {split_key(e.parameter or "")[0]: e.model["module"] for e in mismatched if e.model}
    for item in found:
        if item.sentence.id in _MISMATCHES:
            if item is mismatches[0]:
                explained += [_dated(said) for said in mismatched]
            continue
        if item.sentence.id in ("missing_keys", "unexpected_keys"):
            listed = keys(item, known, _other_keys(item, found), classes)
            if listed is not None:
                explained.append(listed)
            continue
        explainer = _EXPLAINERS.get(item.sentence.id, refusal)
        said = _dated(explainer(item, known))
        explained.append(
            said if item.sentence.about_recurrent_layers(item.fields) else _likely(said)
        )
    counted = tuple(replace(e, times=times[e.torch_message]) for e in explained)
    return WhyResult(counted, known.said(), skipped=skipped, left_alone=left_alone(found))


# A recurrent layer named anywhere in the text: nn.LSTM, self.gru(x), torch/nn/modules/rnn.py,
# lstm.weight_ih_l0. A sentence torch says of any tensor is read only where one is named.
RECURRENT = re.compile(r"(?<![a-z])(?:lstm|gru|rnn)(?:cell|base)?s?(?![a-z])", re.IGNORECASE)
# A frame of torch's recurrent code in a traceback: the module's forward, or its kernel's call.
FRAMES = re.compile(
    r"nn[/\\]modules[/\\]rnn\.py|_VF\.(?:lstm|gru|rnn_tanh|rnn_relu)(?![a-z_])"
    r"|(?<![a-z])_?(?:lstm|gru|rnn_tanh|rnn_relu)_cell(?![a-z_])"
)


def _read(
    blocks: Iterable[str], seen: Evidence | None = None
) -> tuple[list[Found], dict[str, int], int, tuple[bool, bool]]:
    """The distinct sentences of the text (at most MAX_SENTENCES), how many times each, how many
    occurrences of others were skipped, and whether the text names a recurrent layer and holds a
    frame of torch's recurrent code."""
    # Each sentence once, counted: a log that repeats one error a million times stays small; and
    # at most MAX_SENTENCES distinct ones, the others counted as skipped.
    times: dict[str, int] = {}
    found: list[Found] = []
    skipped = 0
    named = framed = False
    for given_block in blocks:
        block = without_escapes(given_block)
        named = named or _names_recurrent(block)
        framed = framed or _holds_frame(block)
        new: list[int] = []
        for item in find_sentences(block):
            if item.message in times:
                times[item.message] += 1
            elif len(found) < MAX_SENTENCES:
                found.append(item)
                times[item.message] = 1
                new.append(item.position)
            else:
                skipped += 1
        if seen is not None and new:
            seen.scan_around(block, new)  # the user's own lines near the error rank its causes
    return found, times, skipped, (named, framed)


def _names_recurrent(block: str) -> bool:
    """Whether the block names a recurrent layer. The regular expression has no literal prefix
    to skip ahead with, so a block that holds none of the three words (most of a training log)
    is passed over by str.find, in C, before it is matched."""
    lower = block.lower()
    if "lstm" not in lower and "gru" not in lower and "rnn" not in lower:
        return False
    return RECURRENT.search(block) is not None


def _holds_frame(block: str) -> bool:
    """Whether the block holds a frame of torch's recurrent code; literal checks first, as above."""
    if "rnn.py" not in block and "_VF." not in block and "_cell" not in block:
        return False
    return FRAMES.search(block) is not None


def _other_keys(item: Found, found: list[Found]) -> tuple[str, ...]:
    """The keys the text lists on the other side of load_state_dict's report."""
    other = "unexpected_keys" if item.sentence.id == "missing_keys" else "missing_keys"
    return tuple(key for f in found if f.sentence.id == other for key in f.fields["keys"])


def _dated(said: Explained) -> Explained:
    """An older release's wording says which releases print it: the user's torch is one of them,
    and what today's torch would say differs."""
    releases = printed(said.sentence)
    if releases is None or releases.last == TODAY:
        return said
    note = tr(
        "This is the wording of torch {first} to {last}; later releases say it otherwise.",
        first=releases.first,
        last=releases.last,
    )
    return replace(said, notes=(*said.notes, note))


def _likely(said: Explained) -> Explained:
    """A sentence torch says of any tensor: its reading in a recurrent layer is a possibility."""
    return replace(
        said,
        causes=tuple(cause._replace(proven=False) for cause in said.causes),
        notes=(
            *said.notes,
            tr(
                "torch says this of any tensor, not of recurrent layers only: read here as a "
                "recurrent layer's, as the text or the arguments given name one."
            ),
        ),
    )


__all__ = ["Given", "why", "why_blocks"]
