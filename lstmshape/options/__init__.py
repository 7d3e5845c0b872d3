"""The explain and trace commands' options as typed text, read into the library's calls, and the
command line's voice: shared by the command line (cli/) and the %lstmshape magic (notebook.py), so
that the two read a question, and word its errors, the same way. No Typer, no Rich."""
