"""One folder per command a user types: ``explain`` (the default command), ``why``, ``inspect``,
``trace`` and ``check``; each holds its reading and its logic, and returns results (lstmshape.results).

They sit under ``commands`` because ``lstmshape.explain``, ``lstmshape.why`` and ``lstmshape.trace``
are the public functions: a subpackage of the same name would replace the function on first import.
"""
