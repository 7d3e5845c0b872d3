"""The one diagnosis of a wrong tensor: a recurrent module's state (h_0, c_0) of the wrong size or
rank, its likely causes, most likely first, each with its fix in code and as data.

Every command asks it: explain (and check and trace, which word explain's errors) with the whole
configuration known; ``why`` with what torch's text, the user's arguments and the lines around the
text tell (lstmshape.commands.why reads them, and asks here). One ranking serves both, so the same
mistake gets the same first cause whichever command sees it; the tests hold that cause's fix
against torch over a random sample, and the ranking's priors against the real-world corpus of
pastes (tests/corpus).

- ``given``: what is known of the call (Given) and the hints of the text around it (Hints).
- ``sizes``: a state of the wrong size, axis by axis (``rows``, ``batch``, ``width``).
- ``ranks``: a state of the wrong rank.
- ``changes``: each cause's fix as data, by explain()'s keywords.
"""
