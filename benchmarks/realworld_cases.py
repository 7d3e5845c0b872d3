"""The compatibility run's cases: each library's documented recurrent models, built on tiny local
data, saved in every form, inspected and traced (``benchmarks/realworld.py`` runs this file in
its own environment, one process per model).

    python benchmarks/realworld_cases.py --list [LIBRARY ...]
    python benchmarks/realworld_cases.py --case LIBRARY:MODEL --work DIR --out ROWS.json
    python benchmarks/realworld_cases.py --versions
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realworld_checks as checks  # beside this file, found through sys.path

warnings.filterwarnings("ignore")
os.environ.setdefault("PL_DISABLE_FORK", "1")


@dataclass
class Built:
    """A library's model as the library builds it, what its forward takes, and the files the
    library itself saved (form -> path)."""

    model: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    saved: dict[str, Path] = field(default_factory=dict)
    expect_pointer: dict[str, str] = field(default_factory=dict)
    """Forms that hold no weights, and the file lstmshape should point to instead."""
    whole: set[str] = field(default_factory=set)
    """Forms of the library's own that pickle the model's modules."""
    loader: str = ""
    """The body of a factory that loads the saved model as the library does (for
    ``lstmshape trace MODULE:FACTORY``); ``WORK`` is the case's folder."""


CASES: dict[str, Callable[[Path], Built]] = {}


def case(name: str) -> Callable[[Callable[[Path], Built]], Callable[[Path], Built]]:
    def register(build: Callable[[Path], Built]) -> Callable[[Path], Built]:
        CASES[name] = build
        return build

    return register


# --- PyTorch's word_language_model example ------------------------------------------------------


def _word_model_class() -> Any:
    """The example's RNNModel (pytorch/examples, word_language_model/model.py), written anew here
    as the example documents it: an Embedding, an LSTM/GRU/RNN over (L, N) token ids with the
    state threaded through, a Linear decoder, optionally tied to the embedding."""
    import torch.nn.functional as F
    from torch import nn

    class RNNModel(nn.Module):
        def __init__(
            self,
            rnn_type: str,
            ntoken: int,
            ninp: int,
            nhid: int,
            nlayers: int,
            dropout: float = 0.5,
            tie_weights: bool = False,
        ) -> None:
            super().__init__()
            self.ntoken = ntoken
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            if rnn_type in ("LSTM", "GRU"):
                self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
            else:
                nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
                self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            if tie_weights:
                self.decoder.weight = self.encoder.weight
            self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

        def forward(self, input: Any, hidden: Any) -> Any:
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            decoded = self.decoder(self.drop(output)).view(-1, self.ntoken)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz: int) -> Any:
            weight = next(self.parameters())
            if self.rnn_type == "LSTM":
                return (
                    weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid),
                )
            return weight.new_zeros(self.nlayers, bsz, self.nhid)

    # Picklable by torch.save(model), as the example's main.py saves it.
    RNNModel.__module__ = "__main__"
    RNNModel.__qualname__ = "RNNModel"
    sys.modules["__main__"].RNNModel = RNNModel  # type: ignore[attr-defined]
    return RNNModel


def _word_lm(rnn_type: str, tie: bool) -> Callable[[Path], Built]:
    def build(work: Path) -> Built:
        import torch

        torch.manual_seed(0)
        model = _word_model_class()(rnn_type, 50, 16, 16 if tie else 24, 2, 0.2, tie)
        tokens = torch.randint(0, 50, (7, 4))
        loader = (
            f"model = cases._word_model_class()({rnn_type!r}, 50, 16, {16 if tie else 24}, 2, "
            f"0.2, {tie})\nmodel.load_state_dict(torch.load(WORK / '00.pt'))\nreturn model"
        )
        return Built(model, (tokens, model.init_hidden(4)), loader=loader)

    return build


for _kind, _tie in (("LSTM", True), ("GRU", False), ("RNN_TANH", False), ("RNN_RELU", False)):
    case(f"pytorch/examples:word_language_model {_kind}{' tied' if _tie else ''}")(
        _word_lm(_kind, _tie)
    )


# --- pytorch-forecasting ------------------------------------------------------------------------


def _forecasting_data() -> tuple[Any, Any]:
    """Three series of 40, 30 and 9 steps: the shortest gives a shorter encoder, so a batch
    holds sequences of several lengths, which pytorch-forecasting's LSTM packs inside."""
    import numpy as np
    import pandas as pd
    from pytorch_forecasting import TimeSeriesDataSet

    rng = np.random.default_rng(0)
    lengths = {"a": 40, "b": 30, "c": 9}
    data = pd.DataFrame(
        {
            "time_idx": np.concatenate([np.arange(n) for n in lengths.values()]),
            "series": np.repeat(list(lengths), list(lengths.values())),
            "value": rng.normal(size=sum(lengths.values())).astype("float32"),
        }
    )
    dataset = TimeSeriesDataSet(
        data,
        time_idx="time_idx",
        target="value",
        group_ids=["series"],
        max_encoder_length=10,
        min_encoder_length=4,
        max_prediction_length=3,
        time_varying_unknown_reals=["value"],
        time_varying_known_reals=["time_idx"],
        static_categoricals=["series"],
    )
    return dataset, data


def _trainer(work: Path) -> Any:
    import lightning.pytorch as pl

    return pl.Trainer(
        max_epochs=1,
        limit_train_batches=1,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=str(work),
    )


def _forecasting(make: Callable[[Any], Any]) -> Callable[[Path], Built]:
    def build(work: Path) -> Built:
        import torch

        torch.manual_seed(0)
        dataset, data = _forecasting_data()
        loader = dataset.to_dataloader(train=True, batch_size=4, num_workers=0)
        model = make(dataset)
        trainer = _trainer(work)
        trainer.fit(model, train_dataloaders=loader)
        ckpt = work / "lightning.ckpt"
        trainer.save_checkpoint(ckpt)
        model.trainer = None
        model.eval()
        # The last window of each series, as predict() takes it: encoders of 10, 10 and 6 steps.
        last = type(dataset).from_dataset(dataset, data, predict=True, stop_randomization=True)
        x, _ = next(iter(last.to_dataloader(train=False, batch_size=3, num_workers=0)))
        cls = type(model)
        loader = (
            f"from {cls.__module__} import {cls.__name__}\n"
            f"return {cls.__name__}.load_from_checkpoint(WORK / 'lightning.ckpt')"
        )
        saved = {"Lightning .ckpt (trainer.save_checkpoint)": ckpt}
        return Built(model, (x,), saved=saved, loader=loader)

    return build


def _recurrent_network(cell: str) -> Callable[[Any], Any]:
    def make(dataset: Any) -> Any:
        from pytorch_forecasting import RecurrentNetwork

        return RecurrentNetwork.from_dataset(dataset, cell_type=cell, hidden_size=8, rnn_layers=2)

    return make


def _deepar(dataset: Any) -> Any:
    from pytorch_forecasting import DeepAR

    return DeepAR.from_dataset(dataset, hidden_size=8, rnn_layers=2)


def _tft(dataset: Any) -> Any:
    from pytorch_forecasting import TemporalFusionTransformer

    return TemporalFusionTransformer.from_dataset(
        dataset, hidden_size=8, attention_head_size=1, hidden_continuous_size=4, lstm_layers=2
    )


case("pytorch-forecasting:RecurrentNetwork LSTM")(_forecasting(_recurrent_network("LSTM")))
case("pytorch-forecasting:RecurrentNetwork GRU")(_forecasting(_recurrent_network("GRU")))
case("pytorch-forecasting:DeepAR")(_forecasting(_deepar))
case("pytorch-forecasting:TemporalFusionTransformer")(_forecasting(_tft))


# --- darts --------------------------------------------------------------------------------------


def _darts(kind: str, block: bool) -> Callable[[Path], Built]:
    def build(work: Path) -> Built:
        import numpy as np
        import torch
        from darts import TimeSeries
        from darts.models import BlockRNNModel, RNNModel

        torch.manual_seed(0)
        series = TimeSeries.from_values(np.sin(np.arange(80) / 5).astype(np.float32))
        common = {
            "model": kind,
            "input_chunk_length": 8,
            "hidden_dim": 8,
            "n_rnn_layers": 2,
            "n_epochs": 1,
            "batch_size": 8,
            "random_state": 0,
            "pl_trainer_kwargs": {
                "accelerator": "cpu",
                "enable_progress_bar": False,
                "enable_model_summary": False,
                "logger": False,
                "limit_train_batches": 1,
            },
        }
        if block:
            forecaster = BlockRNNModel(output_chunk_length=3, **common)
        else:
            forecaster = RNNModel(training_length=12, **common)
        forecaster.fit(series)
        path = work / "darts_model.pt"
        forecaster.save(str(path))
        module = forecaster.model
        args = _captured(module, lambda: forecaster.predict(n=3, series=series))
        module.trainer = None
        module.eval()
        return Built(
            module,
            args,
            saved={
                "darts model.save(PATH): PATH.ckpt": Path(f"{path}.ckpt"),
                "darts model.save(PATH): PATH": path,
            },
            expect_pointer={"darts model.save(PATH): PATH": f"{path.name}.ckpt"},
            loader=(
                f"from darts.models import {type(forecaster).__name__}\n"
                f"return {type(forecaster).__name__}.load(str(WORK / {path.name!r})).model"
            ),
        )

    return build


def _captured(module: Any, run: Callable[[], Any]) -> tuple[Any, ...]:
    """The arguments of the module's first forward call while the library runs: the inputs it
    really gives its own model."""
    seen: list[tuple[Any, ...]] = []

    def before(_: Any, args: tuple[Any, ...]) -> None:
        if not seen:
            seen.append(copy.deepcopy(args))

    handle = module.register_forward_pre_hook(before)
    try:
        run()
    finally:
        handle.remove()
    return seen[0]


for _kind in ("LSTM", "GRU", "RNN"):
    case(f"darts:RNNModel {_kind}")(_darts(_kind, block=False))
case("darts:BlockRNNModel LSTM")(_darts("LSTM", block=True))


# --- flair --------------------------------------------------------------------------------------


def _flair_tagger(work: Path) -> tuple[Any, list[Any]]:
    """A SequenceTagger with its bidirectional LSTM, on one-hot embeddings of a tiny corpus made
    here (no hub download), trained one step; and sentences to run it on."""
    import flair
    import torch
    from flair.data import Corpus, Sentence
    from flair.embeddings import OneHotEmbeddings
    from flair.models import SequenceTagger

    torch.manual_seed(0)
    flair.device = torch.device("cpu")
    texts = [
        "the cat sat on the mat",
        "a dog ran in the park",
        "the bird sang a song",
        "my cat saw the dog",
        "a song in the park",
    ]
    tags = {"the": "DET", "a": "DET", "my": "DET", "on": "ADP", "in": "ADP"}

    def sentence(text: str) -> Any:
        s = Sentence(text)
        for token in s:
            token.add_label("pos", tags.get(token.text, "NOUN"))
        return s

    corpus = Corpus(
        train=[sentence(t) for t in texts * 3],
        dev=[sentence(texts[0])],
        test=[sentence(texts[1])],
        sample_missing_splits=False,
    )
    embeddings = OneHotEmbeddings.from_corpus(corpus, min_freq=1, embedding_length=12)
    tagger = SequenceTagger(
        hidden_size=16,
        embeddings=embeddings,
        tag_dictionary=corpus.make_label_dictionary("pos", add_unk=False),
        tag_type="pos",
        rnn_layers=2,
    )
    optimizer = torch.optim.SGD(tagger.parameters(), lr=0.1)
    loss, count = tagger.forward_loss(list(corpus.train))  # one training step
    (loss / max(count, 1)).backward()
    optimizer.step()
    tagger.eval()
    return tagger, [sentence(t) for t in texts[:4]]


@case("flair:SequenceTagger bidirectional LSTM")
def _flair(work: Path) -> Built:
    tagger, sentences = _flair_tagger(work)
    path = work / "final-model.pt"
    tagger.save(path)
    import torch

    with torch.no_grad():  # as predict() runs it: the embedded batch, no graph behind it
        tensor, lengths = tagger._prepare_tensors(copy.deepcopy(sentences))
    return Built(
        tagger,
        (tensor, lengths),
        saved={"flair tagger.save() (protocol 4)": path},
        loader="from flair.models import SequenceTagger\n"
        "return SequenceTagger.load(WORK / 'final-model.pt')",
    )


@case("flair:SequenceTagger.forward_loss on Sentences")
def _flair_sentences(work: Path) -> Built:
    """What a user traces to see the whole path from sentences: embeddings are cached on the
    Sentence objects by flair's embed(), the case of a forward that writes on its inputs."""
    from torch import nn

    tagger, sentences = _flair_tagger(work)

    class Loss(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tagger = tagger

        def forward(self, batch: list[Any]) -> Any:
            return self.tagger.forward_loss(batch)[0]

    return Built(Loss(), (sentences,))


# --- the forms --------------------------------------------------------------------------------


def generic_forms(model: Any, work: Path) -> dict[str, tuple[Path, bool, Any]]:
    """Every form users save a model in: form -> (path, whole model?, dtype or None)."""
    import torch
    from torch import nn

    state = model.state_dict()
    out: dict[str, tuple[Path, bool, Any]] = {}

    def save(name: str, obj: Any, whole: bool = False, dtype: Any = None, **kw: Any) -> None:
        path = work / f"{len(out):02d}.pt"
        torch.save(_picklable(obj) if whole else obj, path, **kw)
        out[name] = (path, whole, dtype)

    save("state_dict", state)
    save("state_dict, legacy format", state, _use_new_zipfile_serialization=False)
    save("state_dict, pickle protocol 4", state, pickle_protocol=4)
    save("torch.save(model)", model, whole=True)
    save(
        "torch.save(model), legacy format", model, whole=True, _use_new_zipfile_serialization=False
    )
    save(
        "checkpoint dict {'model', 'optimizer', 'epoch'}",
        {
            "model": state,
            "optimizer": torch.optim.Adam(model.parameters()).state_dict(),
            "epoch": 3,
        },
    )
    save("DataParallel state_dict (module.)", nn.DataParallel(model).state_dict())
    save("torch.compile state_dict (_orig_mod.)", torch.compile(model).state_dict())
    # What model.half().state_dict() holds, without touching the model.
    half = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    save("half precision state_dict", half, dtype=torch.float16)
    out.update(_safetensors_forms(model, work))
    return out


def _picklable(model: Any) -> Any:
    """The model as ``torch.save(model)`` can pickle it: pytorch-forecasting caches a class made
    inside a function on the model at its first forward (``_output_class``), which no pickle can
    name; a user who saves the whole model drops it first, as this does, on a copy."""
    if "_output_class" not in vars(model):
        return model
    model = copy.copy(model)
    model.__dict__ = {k: v for k, v in vars(model).items() if k != "_output_class"}
    return model


def _safetensors_forms(model: Any, work: Path) -> dict[str, tuple[Path, bool, Any]]:
    from huggingface_hub import save_torch_state_dict
    from safetensors.torch import save_model

    single = work / "model.safetensors"
    save_model(model, str(single))
    size = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    shard = max(size // 3, 1)
    sharded, bins = work / "sharded", work / "sharded-bin"
    sharded.mkdir(exist_ok=True)
    bins.mkdir(exist_ok=True)
    save_torch_state_dict(model.state_dict(), sharded, max_shard_size=shard)
    save_torch_state_dict(model.state_dict(), bins, max_shard_size=shard, safe_serialization=False)
    return {
        "safetensors (safetensors.torch.save_model)": (single, False, None),
        "sharded safetensors, index": (sharded / "model.safetensors.index.json", False, None),
        "sharded safetensors, directory": (sharded, False, None),
        "sharded .bin, index": (bins / "pytorch_model.bin.index.json", False, None),
    }


# --- running a case -----------------------------------------------------------------------------


def run_case(name: str, work: Path) -> list[checks.Row]:
    library, model_name = name.split(":", 1)
    work.mkdir(parents=True, exist_ok=True)
    built = CASES[name](work)
    rows: list[checks.Row] = []
    forms = generic_forms(built.model, work) if _is_saveable(name) else {}
    for form, path in built.saved.items():
        forms[form] = (path, form in built.whole, None)
    for form, (path, whole, dtype) in forms.items():
        rows.append(_inspect_row(library, model_name, form, built, path, whole, dtype))
    plain = forms.get("state_dict")
    for form in PREFIXED:
        if form in forms and plain is not None:
            rows.append(_against_row(library, model_name, form, built, forms[form][0], plain[0]))
    rows.append(trace_row(library, model_name, built))
    if built.loader:
        rows.append(cli_trace_row(library, model_name, built, work))
    return rows


FIXTURE = """
import sys
from pathlib import Path

import torch

sys.path.insert(0, {bench!r})
import realworld_cases as cases

WORK = Path({work!r})


def model():
{body}


def inputs():
    return torch.load(WORK / "inputs.pt", weights_only=False)
"""


def cli_trace_row(library: str, model_name: str, built: Built, work: Path) -> checks.Row:
    """``lstmshape trace rw_fixture:model --inputs rw_fixture:inputs``: the command line on the
    model as the library loads it from its save, and the inputs the library gives it."""
    import torch

    body = "\n".join("    " + line for line in built.loader.splitlines())
    bench = str(Path(__file__).resolve().parent)
    (work / "rw_fixture.py").write_text(FIXTURE.format(bench=bench, work=str(work), body=body))
    torch.save(built.args, work / "inputs.pt")
    real = checks.real_calls(built.model, built.args, built.kwargs, lambda m, *a, **k: m(*a, **k))
    code, document, err, seconds, peak = checks.run_lstmshape(
        ["trace", "rw_fixture:model", "--inputs", "rw_fixture:inputs"], cwd=work
    )
    right, wrong = checks.judge_trace_json(document, code, err, real)
    return checks.Row(
        library,
        model_name,
        "lstmshape trace (command line, the library's load)",
        not wrong,
        "; ".join(wrong),
        seconds,
        peak,
        len(real.calls),
        right,
    )


# The forms whose keys carry a prefix the plain state_dict's do not: --against says the rename.
PREFIXED = ("DataParallel state_dict (module.)", "torch.compile state_dict (_orig_mod.)")


def _against_row(
    library: str, model_name: str, form: str, built: Built, path: Path, plain: Path
) -> checks.Row:
    _, document, err, seconds, peak = checks.run_inspect(path, "--against", str(plain))
    wrong = checks.judge_against(built.model, path, document, err)
    return checks.Row(
        library,
        model_name,
        f"{form} --against state_dict",
        not wrong,
        "; ".join(wrong),
        seconds,
        peak,
    )


def _is_saveable(name: str) -> bool:
    # The forward_loss adapter is a way of calling flair's tagger, not a model anyone saves.
    return "forward_loss" not in name


def _inspect_row(
    library: str, model_name: str, form: str, built: Built, path: Path, whole: bool, dtype: Any
) -> checks.Row:
    code, document, err, seconds, peak = checks.run_inspect(path)
    row = checks.Row(library, model_name, form, False, seconds=seconds, peak_mib=peak)
    pointer = built.expect_pointer.get(form)
    if pointer is not None:
        said = json.dumps(document) + err if document is not None else err
        row.right = pointer in said
        row.detail = "" if row.right else f"does not point to {pointer}: {checks._first_error(err)}"
        return row
    refuses = _torch_refuses(path)
    wrong = checks.judge_hyper_parameters(path, document) if path.suffix == ".ckpt" else []
    wrong += checks.judge_inspect(
        built.model, document, code, err, whole=whole, weights_only_refuses=refuses, dtype=dtype
    )
    row.right, row.detail = not wrong, "; ".join(wrong)
    return row


def _torch_refuses(path: Path) -> bool | None:
    if path.is_dir() or path.suffix in (".json", ".safetensors"):
        return None
    return checks.weights_only_refuses(path)


def trace_row(library: str, model_name: str, built: Built) -> checks.Row:
    import lstmshape

    model, args, kwargs = built.model, built.args, built.kwargs
    before = checks.snapshot((model, args, kwargs))
    real = checks.real_calls(model, args, kwargs, lambda m, *a, **k: m(*a, **k))
    base = checks.peak_rss_reset()
    start = time.perf_counter()
    try:
        trace = lstmshape.trace(model, *args, **kwargs)
    except Exception as error:  # the run records whatever the trace raises, as a wrong row
        row = checks.Row(
            library,
            model_name,
            "trace",
            False,
            seconds=time.perf_counter() - start,
            calls=len(real.calls),
        )
        row.detail = f"lstmshape.trace raised {type(error).__name__}: {str(error)[:300]}"
        return row
    seconds = time.perf_counter() - start
    peak = (checks.peak_rss_kib() - base) / 1024
    right, wrong = checks.judge_trace(trace, real)
    changed = list(checks.differences(before[0], model, "model"))[:3]
    changed += list(checks.differences(before[1:], (args, kwargs), "inputs"))[:3]
    if changed:
        wrong.append("left changed: " + "; ".join(changed))
        right = 0
    return checks.Row(
        library,
        model_name,
        "trace",
        not wrong,
        "; ".join(wrong),
        seconds,
        max(peak, 0.0),
        len(real.calls),
        right,
    )


def versions() -> dict[str, str]:
    import platform
    import subprocess
    from importlib import metadata

    names = [
        "torch",
        "lightning",
        "pytorch-forecasting",
        "darts",
        "flair",
        "safetensors",
        "huggingface_hub",
        "numpy",
    ]
    out = {"python": platform.python_version()}
    out.update({n: metadata.version(n) for n in names})
    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    out["lstmshape"] = f"{metadata.version('lstmshape')} ({commit.stdout.strip() or 'no git'})"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", nargs="*")
    parser.add_argument("--case")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--versions", action="store_true")
    args = parser.parse_args()
    if args.versions:
        print(json.dumps(versions()))
    elif args.list is not None:
        print("\n".join(n for n in CASES if n.split(":")[0] in args.list))
    else:
        name = args.case
        work = args.work / name.replace("/", "_").replace(":", "_").replace(" ", "_")
        rows = run_case(name, work)
        args.out.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
