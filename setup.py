"""Compiles the translations into the wheel: each language's .po sources (lstmshape/locale/LANG/*.po)
become lstmshape/locale/LANG/LC_MESSAGES/lstmshape.mo in the build. Everything else is in
pyproject.toml."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    """build_py, then the catalogs compiled next to the sources they come from."""

    def run(self) -> None:
        super().run()
        # catalog.py by its path: lstmshape's dependencies need not be installed at build time.
        spec = importlib.util.spec_from_file_location(
            "lstmshape_catalog", HERE / "lstmshape" / "i18n" / "catalog.py"
        )
        assert spec is not None
        assert spec.loader is not None
        catalog = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalog)
        into = Path(self.build_lib) / "lstmshape" / "locale"
        catalog.compile_all(HERE / "lstmshape" / "locale", into)


setup(cmdclass={"build_py": BuildWithCatalogs})
