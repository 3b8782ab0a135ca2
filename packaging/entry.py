"""The bundled application's entry point: the ``legalaid`` command and the client, frozen.

``multiprocessing.freeze_support()`` comes first: the reminder batches lay letters out in
``spawn`` worker processes, which a frozen program starts as itself with
``--multiprocessing-fork``; this call runs the worker there instead of a second LegalAid.

``LEGALAID_BUNDLE_REPORT=FILE`` (used by the bundle's own test) writes, when the program exits,
what it ran from: ``sys.frozen``, the bundle folder, the file of every module loaded and the
folder Qt reads its translations from. It changes nothing else.
"""

import multiprocessing
import os
import sys


def _report(path: str) -> None:
    import json

    qt_translations = None
    qt_spanish = None
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

        qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_spanish = QTranslator().load(QLocale("es_MX"), "qtbase", "_", qt_translations)
    modules = {
        name: getattr(module, "__file__", None)
        for name, module in list(sys.modules.items())
        if module is not None
    }
    report = {
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "bundle": getattr(sys, "_MEIPASS", None),
        "path": sys.path,
        "modules": {name: file for name, file in modules.items() if isinstance(file, str)},
        "qt_translations": qt_translations,
        "qt_spanish": qt_spanish,
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)


def run() -> int:
    from legalaid.__main__ import main

    report = os.environ.get("LEGALAID_BUNDLE_REPORT")
    try:
        return main()
    finally:
        if report and multiprocessing.parent_process() is None:
            _report(report)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(run())
