"""``lstmshape inspect``: a checkpoint read without torch (``checkpoint/``: the file formats, with a
budget) and its weights turned into constructor calls (``weights/``)."""
