"""What torch warns of, or refuses, about training a recurrent layer: dropout that cannot act, and
a second backward through the graph of a state carried over from the last batch.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.results.cause import Cause
from lstmshape.results.why import Explained


def dropout_one_layer(found: Found, given: Given) -> Explained:
    """``... non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and
    num_layers=1``: a warning; dropout acts between stacked layers only."""
    text = tr(
        "dropout acts between stacked layers, on every layer's output but the last: with "
        "num_layers=1 it does nothing. A warning, not an error."
    )
    return found.explained(
        text,
        subject="dropout",
        causes=(
            Cause(
                "dropout_one_layer",
                text,
                tr(
                    "{code}  # or num_layers=2 or more",
                    code="output = nn.Dropout(p)(output)",
                ),
                True,
            ),
        ),
    )


def backward_twice(found: Found, given: Given) -> Explained:
    """``Trying to backward through the graph a second time``, read where a recurrent layer is
    named: the state carried from the last batch keeps that batch's graph."""
    text = tr(
        "The state passed to this batch (h_n, c_n of the last one) still holds the last batch's "
        "graph, whose buffers backward() freed: this backward() goes through it again."
    )
    return found.explained(
        text,
        subject="h_0",
        causes=(
            Cause(
                "state_not_detached",
                text,
                tr(
                    "{code}  # between batches: the values carry over, the graph does not",
                    code="h, c = h.detach(), c.detach()",
                ),
            ),
        ),
    )
