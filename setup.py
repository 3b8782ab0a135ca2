"""Compile the gettext catalogs (.po -> .mo), and save babel's merged locale data
(legalaid/locale_data.py), whenever the package is built."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogs(locales: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in locales.glob("*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


def save_locale_data(root: Path) -> None:
    sys.path.insert(0, str(root))
    from legalaid import locale_data

    locale_data.save_all(root / "locales")


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogs(Path(__file__).parent / "locales")
        save_locale_data(Path(__file__).parent)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
