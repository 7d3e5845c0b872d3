"""Results that show themselves: the table view in a notebook, the plain view for print(), one line
for repr().

A mixin for the frozen results (a report, a trace, a spec file's outcome, and those that follow):
the views themselves stay in :mod:`lstmshape.views.notebook`, which each method imports when it is
called, so that a result costs no Rich import until it is shown. A result class decorated with
``@dataclass`` takes ``repr=False``, or the dataclass's own repr would replace this one.
"""

from __future__ import annotations


class Shown:
    """``_repr_html_`` (Jupyter), ``__str__`` (the plain view) and a one-line ``__repr__``.

    Each class says what its one line holds (:meth:`summary`); its views are looked up by class in
    :mod:`lstmshape.views.notebook`.
    """

    def summary(self) -> str:
        """One line: what the result is about and its verdict."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        from lstmshape.i18n import speaking
        from lstmshape.views.notebook import html_of

        with speaking(getattr(self, "lang", None)):  # in the language the result was made in
            return html_of(self)

    def __str__(self) -> str:
        from lstmshape.i18n import speaking
        from lstmshape.views.notebook import plain_of

        with speaking(getattr(self, "lang", None)):
            return plain_of(self)

    def __repr__(self) -> str:
        from lstmshape.i18n import speaking

        with speaking(getattr(self, "lang", None)):
            return f"<{type(self).__name__} {self.summary()}>"
