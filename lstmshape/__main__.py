"""``python -m lstmshape``."""

from lstmshape.cli import main

main()
