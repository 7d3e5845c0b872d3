"""The catalogue of torch's recurrent-layer sentences across releases, read from torch's own source.

    python tools/torch_sentences.py SOURCES            # rewrite lstmshape/torchfacts/releases.json
    python tools/torch_sentences.py SOURCES --check    # exit 1 if the file says otherwise

SOURCES holds one directory per release (``1.4.0/``), each with torch's Python source as released
(``torch/nn/...``) and ``strings.txt``, the printable strings of its C++ libraries. Made from the
small macOS wheels on PyPI (docs/why.md says how): Python files are the released source, and the
C++ messages' pieces are in the libraries' strings. Linux CUDA wheels are gigabytes: the sentences
only cuDNN says are recorded from pytorch/pytorch's source with the commit they were read at.

Each entry of SPEC names a sentence of lstmshape.torchfacts.sentences.TORCH, where torch raises it, what it
proves, and the pieces of source (needles) that make it: a release prints the wording when its
file holds every needle. The first and last sampled releases that do, and the source lines that
hold the needles (at the first release), are written to the catalogue.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "lstmshape" / "torchfacts" / "releases.json"
STRINGS = "strings.txt"  # the C++ libraries' strings (strings -n 5 on each .dylib / .so)
RNN = "torch/nn/modules/rnn.py"
MODULE = "torch/nn/modules/module.py"


class Spec(NamedTuple):
    id: str
    where: str
    file: str
    needles: tuple[str, ...]
    proves: str


SPEC = (
    # --- the state check (RNNBase.check_hidden_size) ------------------------------------------
    Spec("state_size_tuple", "python", RNN, ("Expected hidden[0] size {}, got {}", "tuple(hx.size())"),
         "h_0 (hidden[0]) or c_0 (hidden[1]) of a padded input has another shape than torch's (D*num_layers, N, H): the got side as a tuple"),
    Spec("state_size", "python", RNN, ("Expected hidden[0] size {}, got {}", "list(hx.size())"),
         "h_0 or c_0 of a padded input has another shape than (D*num_layers, N, H)"),
    # --- the input checks -------------------------------------------------------------------
    Spec("input_dimensions", "python", RNN, ("input must have {} dimensions, got {}",),
         "the input has another rank than 3 (2 for a packed input's data): before unbatched input (1.11), a 2-D input lacks its batch axis"),
    Spec("input_width", "python", RNN, ("must be equal to input_size. Expected",),
         "the input's last axis (H_in) is not the module's input_size"),
    Spec("input_rank", "python", RNN, ("Expected input to be 2D or 3D, got {input.dim()}D instead",),
         "an LSTM's or GRU's input has neither 3 axes (batched) nor 2 (unbatched)"),
    Spec("rnn_input_rank", "python", RNN, ("RNN: Expected input to be 2D or 3D, got {input.dim()}D tensor instead",),
         "an RNN's input has neither 3 axes nor 2"),
    Spec("state_rank", "python", RNN, ("input, hx should also be",),
         "the state's rank does not match the input's: 3-D with batched input, 2-D with unbatched"),
    Spec("states_rank", "python", RNN, ("input, hx and cx should",),
         "an LSTM's two states' ranks do not match the input's"),
    Spec("no_steps", "strings", STRINGS, ("Expected sequence length to be larger than 0 in RNN",),
         "the input has no time steps (L = 0)"),
    Spec("input_dtype", "python", RNN, ("does not match weight dtype",),
         "the input's dtype is not the weights'"),
    # --- the kernels (ATen) -----------------------------------------------------------------
    Spec("two_states", "aten", STRINGS, ("lstm expects two hidden states",),
         "an LSTM was given a tuple of another count than (h_0, c_0)"),
    Spec("odd_states", "aten", STRINGS, ("Odd number of params or hiddens given to a bidirectional RNN",),
         "a bidirectional module's state has an odd number of rows"),
    Spec("more_states", "aten", STRINGS, ("Expected more hidden states in stacked_rnn",),
         "a packed input's state has a number of rows other than D*num_layers"),
    Spec("rnn_parameters", "aten", STRINGS, ("got an incorrect number of RNN parameters",),
         "the kernel was given another weights list than the module's arguments make"),
    Spec("state_device", "aten", STRINGS, ("tensors are not at the same device, found input tensor at",),
         "the input and the state are on two devices"),
    Spec("state_device_cut", "aten", STRINGS, ("tensors are not at the same device, found input tensor at",),
         "the input and the state are on two devices (the sentence cut after its first clause: which is where is not said)"),
    Spec("kernel_dtype_old", "aten", STRINGS, ("^ not implemented for '",),
         "a kernel (AT_DISPATCH) has no version for the dtype, its name unquoted: said of any kernel, about a recurrent layer when the kernel is one"),
    Spec("kernel_dtype", "aten", STRINGS, ("^\" not implemented for '",),
         "a kernel (AT_DISPATCH) has no version for the dtype: said of any kernel, about a recurrent layer when the kernel is one"),
    Spec("packed_broadcast", "aten", STRINGS, ("The size of tensor a (",),
         "two tensors' sizes differ where they broadcast: said of any tensor; in _VF.lstm on a packed input, a state of another batch"),
    Spec("packed_matmul", "aten", STRINGS, ("mat1 and mat2 shapes cannot be multiplied (",),
         "a matrix product's inner sizes differ: said of any product; in _VF.lstm on a packed input, a state of another width"),
    Spec("packed_matmul_old", "aten", STRINGS, ("size mismatch, m1: %s, m2: %s",),
         "a matrix product's inner sizes differ (TH's wording): in _VF.lstm on a packed input, a state of another width"),
    Spec("backward_twice", "autograd", STRINGS, ("Trying to backward through the graph a second time",),
         "backward went through a graph already freed: said of any graph; with a recurrent layer, a state carried over without detach()"),
    # --- a cell's checks: Python before 1.9, ATen after -------------------------------------
    Spec("cell_input_width_comma", "python", RNN, ("input has inconsistent input_size: got {}, expected {}",),
         "a cell's input width is not its input_size (torch's Python check)"),
    Spec("cell_input_width", "aten", STRINGS, ("input has inconsistent input_size: got ",),
         "a cell's input width is not its input_size (ATen's check, said from 1.9 on when the Python check went)"),
    Spec("cell_batch", "python", RNN, ("Input batch size {} doesn't match hidden{} batch size {}",),
         "a cell's state has another batch than its input (hidden, hidden[0], hidden[1])"),
    Spec("cell_batch", "aten", STRINGS, ("Input batch size ", " doesn't match hidden"),
         "a cell's state has another batch than its input (hidden0, hidden1)"),
    Spec("cell_width", "python", RNN, ("hidden{} has inconsistent hidden_size: got {}, expected {}",),
         "a cell's state has another width than hidden_size"),
    Spec("cell_width", "aten", STRINGS, (" has inconsistent hidden_size: got ",),
         "a cell's state has another width than hidden_size"),
    # --- the constructors -------------------------------------------------------------------
    Spec("dropout_range", "python", RNN, ("dropout should be a number in range [0, 1]",),
         "dropout is not a probability"),
    Spec("dropout_one_layer", "python", RNN, ("non-zero dropout expects",),
         "a warning: dropout with num_layers=1 does nothing"),
    Spec("proj_size_unsupported", "python", RNN, ("proj_size argument is only supported for LSTM, not RNN or GRU",),
         "proj_size given to a GRU or an RNN"),
    Spec("proj_size_too_big", "python", RNN, ("proj_size has to be smaller than hidden_size",),
         "proj_size is not smaller than hidden_size"),
    Spec("unknown_nonlinearity", "python", RNN, ("Select from 'tanh' or 'relu'.",),
         "nn.RNN's nonlinearity is neither tanh nor relu"),
    # --- the packing utils (torch/nn/utils/rnn.py calls ATen's _pack_padded_sequence) --------
    Spec("unsorted_lengths_old", "packing", STRINGS, ("'lengths' array has to be sorted in decreasing order",),
         "pack_padded_sequence's lengths are not decreasing; torch 1.0 has no enforce_sorted"),
    Spec("unsorted_lengths", "packing", STRINGS, ("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True",),
         "pack_padded_sequence's lengths are not decreasing, with enforce_sorted=True"),
    Spec("lengths_tensor", "packing", STRINGS, ("'lengths' argument should be a 1D CPU int64 tensor",),
         "pack_padded_sequence's lengths are on a GPU or have another rank or dtype"),
    Spec("lengths_count", "packing", STRINGS, ("Expected `len(lengths)` to be equal to batch_size, but got",),
         "one length per sequence was not given"),
    Spec("length_not_positive", "packing", STRINGS, ("Length of all samples has to be greater than 0",),
         "a sequence of length 0 was packed"),
    # --- Module.load_state_dict -------------------------------------------------------------
    Spec("size_mismatch_old", "load_state_dict", MODULE, ("While copying the parameter named \"{}\", ", "whose dimensions in the checkpoint are {}."),
         "a parameter's shape in the checkpoint is not the model's"),
    Spec("size_mismatch", "load_state_dict", MODULE, ("size mismatch for {", ": copying a param with shape {"),
         "a parameter's shape in the checkpoint is not the model's"),
    Spec("missing_keys", "load_state_dict", MODULE, ("Missing key(s) in state_dict: {}.",),
         "the model has parameters the checkpoint lacks"),
    Spec("unexpected_keys", "load_state_dict", MODULE, ("Unexpected key(s) in state_dict: {}.",),
         "the checkpoint has parameters the model lacks"),
)  # fmt: skip

# cuDNN's sentences are compiled only into CUDA builds (gigabytes); read from pytorch/pytorch's
# source with the `search` tools' read_file, at the commits named.
CUDNN = "aten/src/ATen/native/cudnn/RNN.cpp"
READ = (
    {"id": "state_contiguous", "where": "cudnn", "file": CUDNN,
     "first": "1.0.0", "last": "2.13.0",
     "source": ['TORCH_CHECK(hx.is_contiguous(), "rnn: hx is not contiguous");',
                'TORCH_CHECK(!cx.defined() || cx.is_contiguous(), "rnn: cx is not contiguous");'],
     "provenance": "pytorch/pytorch@00fc08aa616fbdec70496aebee034ac90b083ff4 " + CUDNN + "; "
                   "AT_CHECK(hx.is_contiguous(), \"rnn: hx is not contiguous\") in the AT_CHECK era (1.x), "
                   "and throw std::runtime_error(\"rnn: hx is not contiguous\") before it",
     "proves": "cuDNN was given a state that is not contiguous (made by transpose, permute or a slice)"},
    {"id": "cudnn_backward_eval", "where": "cudnn", "file": CUDNN,
     "first": "1.0.0", "last": "2.13.0",
     "source": ['fn_train, "cudnn RNN backward can only be called in training mode");'],
     "provenance": "pytorch/pytorch@00fc08aa616fbdec70496aebee034ac90b083ff4 " + CUDNN + "; "
                   "AT_CHECK(fn_train, \"cudnn RNN backward can only be called in training mode\") in 1.x",
     "proves": "backward() went through a cuDNN recurrent layer run in eval mode"},
    {"id": "weights_not_contiguous", "where": "cudnn", "file": CUDNN,
     "first": "1.0.0", "last": "2.13.0",
     "source": ['"RNN module weights are not part of single contiguous "',
                '"chunk of memory. This means they need to be compacted "'],
     "provenance": "pytorch/pytorch@00fc08aa616fbdec70496aebee034ac90b083ff4 " + CUDNN + " (WEIGHT_FORMAT_WARN); "
                   "torch/nn/modules/rnn.py:525 RuntimeWarning in a torch 1.0 log (public paste)",
     "proves": "a warning: the weights are not one block of memory (nn.DataParallel, a replaced weight)"},
    {"id": "cudnn_not_supported", "where": "cudnn", "file": "aten/src/ATen/cudnn/Exceptions.h",
     "first": "1.0.0", "last": "2.13.0",
     "source": ["if (status == CUDNN_STATUS_NOT_SUPPORTED) {",
                'msg << ". This error may appear if you passed in a non-contiguous input.";'],
     "provenance": "pytorch/pytorch@011849ac86ab80250ccde85534de02dfb4968184 aten/src/ATen/cudnn/Exceptions.h "
                   "(cudnnCheck; CUDNN_STATUS_NOT_SUPPORTED is cudnnGetErrorString's text); later releases "
                   "prefix it with 'cuDNN error: ' (AT_CUDNN_CHECK)",
     "proves": "cuDNN has no kernel for the call as given: in a recurrent frame, most often an input that is not contiguous; also an input too large"},
)  # fmt: skip

# torch 0.x: no wheel of it is on PyPI any longer (pip lists 1.0.0 as the oldest for every
# platform), so these wordings are recorded from torch's source as its own tracebacks print it
# (Python shows the raising line) and as repositories vendor it verbatim, with where each was read.
OLDER = ("0.2.0", "0.3.0", "0.3.1", "0.4.0", "0.4.1")
READ_OLDER = (
    {"id": "unsorted_lengths_0x", "where": "packing", "file": "torch/nn/utils/rnn.py",
     "first": "0.2.0", "last": "0.3.1",
     "source": ['if current_length > new_length:  # remember that new_length is the preceding length in the array',
                'raise ValueError("lengths array has to be sorted in decreasing order")'],
     "provenance": "torch/nn/utils/rnn.py pack_padded_sequence, lines 78-79 as torch's own traceback prints "
                   "them in pytorch/pytorch#8026 and OpenNMT/OpenNMT-py#215 (torch 0.2/0.3); torch 0.4 "
                   "quotes 'lengths' (pytorch/pytorch@2cba72c5fb968eb14cd25bd49edcc67989f6248d "
                   "torch/nn/_functions/packing.py)",
     "proves": "pack_padded_sequence's lengths are not decreasing; torch before 1.1 has no enforce_sorted"},
    {"id": "length_not_positive_0x", "where": "packing", "file": "torch/nn/utils/rnn.py",
     "first": "0.3.0", "last": "0.3.1",
     "source": ['raise ValueError("length of all samples has to be greater than 0, "',
                '"but found an element in \'lengths\' that is <=0")'],
     "provenance": "torch 0.3's torch/nn/utils/rnn.py pack_padded_sequence, as vendored verbatim in public "
                   "repositories (search code corpus); torch 0.4 capitalises it "
                   "(pytorch/pytorch@2cba72c5fb968eb14cd25bd49edcc67989f6248d torch/nn/_functions/packing.py)",
     "proves": "a sequence of length 0 was packed"},
    {"id": "size_mismatch_0x", "where": "load_state_dict", "file": MODULE,
     "first": "0.3.0", "last": "0.4.1",
     "source": ["raise RuntimeError('While copying the parameter named {}, '",
                "'whose dimensions in the model are {} and '",
                "'whose dimensions in the checkpoint are {}.'",
                ".format(name, own_state[name].size(), param.size()))"],
     "provenance": "torch 0.3/0.4's Module.load_state_dict (with strict=), as vendored verbatim in public "
                   "repositories (search code corpus); torch 1.0 quotes the name (size_mismatch_old)",
     "proves": "a parameter's shape in the checkpoint is not the model's"},
)  # fmt: skip


def releases(sources: Path) -> list[str]:
    """The sampled releases, oldest first."""
    names = [p.name for p in sources.iterdir() if p.is_dir() and p.name[0].isdigit()]
    return sorted(names, key=lambda v: tuple(int(n) for n in v.split(".")))


def _lines(files: dict[str, list[str] | None], spec: Spec) -> list[str] | None:
    """The lines of one release's ``spec.file`` that hold each needle, or None if one is missing."""
    lines = files.get(spec.file)
    if lines is None:
        return None
    found: list[str] = []
    for needle in spec.needles:
        # "^..." is a line that starts so: a wording another one extends (" not implemented")
        at = next((n for n, line in enumerate(lines) if _holds(line, needle)), None)
        if at is None:
            return None
        found += [line.strip()[:300] for line in _statement(lines, at, spec.file)]
    return list(dict.fromkeys(found))


def _statement(lines: list[str], at: int, file: str) -> list[str]:
    """The line at ``at`` and, in Python, the lines its message continues on (adjacent string
    literals) and the one that ends it (``.format(...)``): the whole message's source."""
    if file == STRINGS:
        return [lines[at]]
    end = at
    while end + 1 < len(lines) and end - at < 6 and lines[end].rstrip().endswith(("'", '"')):
        end += 1
    return lines[at : end + 1]


def _read(sources: Path, release: str) -> dict[str, list[str] | None]:
    """The lines of every file the specs name, in one release (read once: strings.txt is large)."""
    paths = {spec.file for spec in SPEC}
    return {
        name: (sources / release / name).read_text(errors="replace").splitlines()
        if (sources / release / name).exists()
        else None
        for name in paths
    }


def _holds(line: str, needle: str) -> bool:
    return line.startswith(needle[1:]) if needle.startswith("^") else needle in line


def entry(spec: Spec, printed: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """One sentence's releases and source: the releases whose files hold its needles."""
    if not printed:
        raise SystemExit(f"{spec.id}: no sampled release holds {spec.needles}")
    first, source = printed[0]
    return {"id": spec.id, "where": spec.where, "file": spec.file, "first": first,
            "last": printed[-1][0], "releases": [r for r, _ in printed], "source": source,
            "provenance": f"torch {first} {spec.file}", "proves": spec.proves}  # fmt: skip


def catalogue(sources: Path) -> dict[str, Any]:
    """The whole catalogue, as lstmshape/torchfacts/releases.json holds it."""
    sampled = releases(sources)
    printed: list[list[tuple[str, list[str]]]] = [[] for _ in SPEC]
    for release in sampled:
        files = _read(sources, release)
        for number, spec in enumerate(SPEC):
            lines = _lines(files, spec)
            if lines is not None:
                printed[number].append((release, lines))
    return {
        "made_by": "tools/torch_sentences.py",
        "sampled": sampled,
        "older": list(OLDER),
        "sentences": [entry(spec, found) for spec, found in zip(SPEC, printed, strict=True)]
        + list(READ)
        + list(READ_OLDER),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path)
    parser.add_argument("--check", action="store_true")
    arguments = parser.parse_args()
    made = json.dumps(catalogue(arguments.sources), indent=1, ensure_ascii=False) + "\n"
    if arguments.check:
        if CATALOGUE.read_text() != made:
            print(f"{CATALOGUE} differs from what the sources say", file=sys.stderr)
            return 1
        return 0
    CATALOGUE.write_text(made)
    return 0


if __name__ == "__main__":
    sys.exit(main())
