"""Results that show themselves: the table view in a notebook, the plain view for print(), one line
for repr().

A mixin for the frozen results (a report, a trace, a spec file's outcome, and those that follow).
The views that draw them (:mod:`lstmshape.views.notebook`) are a layer above the results, which
never import them: the package's root installs them in :mod:`lstmshape.hooks` when lstmshape is
imported, as functions that import the views when first called, so that a result costs no Rich
import until it is shown. A result class decorated with ``@dataclass`` takes ``repr=False``, or
the dataclass's own repr would replace this one.
"""

from __future__ import annotations

from lstmshape.hooks import DRAW
from lstmshape.i18n import speaking


class Shown:
    """``_repr_html_`` (Jupyter), ``__str__`` (the plain view) and a one-line ``__repr__``.

    Each class says what its one line holds (:meth:`summary`); its views are looked up by class in
    :mod:`lstmshape.views.notebook`, through the functions installed in :mod:`lstmshape.hooks`.
    """

    def summary(self) -> str:
        """One line: what the result is about and its verdict."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        with speaking(getattr(self, "lang", None)):  # in the language the result was made in
            return DRAW["html"](self)

    def __str__(self) -> str:
        with speaking(getattr(self, "lang", None)):
            return DRAW["plain"](self)

    def __repr__(self) -> str:
        with speaking(getattr(self, "lang", None)):
            return f"<{type(self).__name__} {self.summary()}>"
