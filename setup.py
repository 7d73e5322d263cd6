"""Compile the message catalogs into the package when it is built (wheel or sdist install)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """``build_py`` that first turns every ``.po`` into the ``.mo`` Flask-Babel reads."""

    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path("lms_roi/translations").glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=po_path.parent.parent.name)
            with po_path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
