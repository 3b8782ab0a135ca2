"""The LegalAid desktop client (PySide6). Thin: widgets gather input and call one service.

The core modules the first screen uses are imported here, before PySide6: once PySide6 is
loaded, its import hook reads the source of every module imported after it, which made
the client's start-up measurably slower (tests/benchmarks/bench_ui.py). The modules imported
later are named to PySide6 in advance (``load_pyside``).
"""

import os
import sys

import legalaid.context
import legalaid.formatting
import legalaid.home
import legalaid.labels
import legalaid.services.search  # noqa: F401


def load_pyside() -> int:
    """Import PySide6 (after the core: see above), and tell it which modules use it, so that
    it does not read their source to find out.

    After each import, PySide6 looks for the word "PySide6" in the new module's source, to
    know whether its ``__feature__`` switches (snake_case, true_property) apply there
    (``shibokensupport.feature``, PYSIDE-2029): some 50 files read while the client starts,
    ~10 ms measured. LegalAid selects no feature, and the answer is known: the modules of
    ``ui`` use PySide6, the core's never do (ruff bans it there), nor do the modules loaded
    before PySide6. Returns how many modules were named; 0 with a PySide6 that keeps this
    elsewhere (it then reads the sources, as before: slower, not wrong).
    """
    import PySide6.QtCore  # noqa: F401

    feature = sys.modules.get("shibokensupport.feature")
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return 0
    before = len(known)
    for name in list(sys.modules):
        known.setdefault(name, -1)  # loaded before PySide6: does not use it
    for package, uses_pyside in (("ui", 0), ("legalaid", -1)):
        root = os.path.dirname(sys.modules[package].__file__ or "")
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
            parts = os.path.relpath(folder, root).split(os.sep)
            prefix = ".".join([package, *(p for p in parts if p != ".")])
            for file in files:
                if file.endswith(".py") and file != "__init__.py":
                    known.setdefault(f"{prefix}.{file[:-3]}", uses_pyside)
                elif file == "__init__.py":
                    known.setdefault(prefix, uses_pyside)
    return len(known) - before


load_pyside()
