"""Start-up tricks: what the client does so that its first window is usable sooner.

The rule, stated once: a trick that writes into a library's internals or hard-codes a value a
library owns is kept only while it measurably shortens the client's cold start, lives here (or
is named here, when it must run before the client is imported), and falls back to the ordinary
way when the library is not as expected: slower, never wrong. A test compares each hard-coded
value with the library's own (tests/ui/test_case_list.py, tests/ui/test_startup.py).

What each was worth when last measured (CPU time of the ``legalaid`` process from its start to
a usable window, 2,000 cases, median of 21 alternating starts, 2 shared cores; the figure is
the time added when the trick is turned off):

- ``name_pyside_modules``: PySide6's ``__feature__`` hook told which modules use it, so that it
  does not read their source after each import (writes ``shibokensupport.feature``'s dict,
  PYSIDE-2029): +7 ms median, +12 ms first quartile.
- Qt's enum values as numbers (``DISPLAY_ROLE`` ... below, ``set_enum_property``): naming one
  in Python makes PySide6 build its whole ``Qt`` namespace (93 enums) before the first rows;
  the first screen's modules leave it to their functions: +12 ms median, +22 ms first quartile.
- babel's merged locale data read from the build instead of merged at start (writes
  ``babel.localedata._cache``; ``legalaid/locale_data.py``, in the core because the command
  line formats dates too): +8 ms median, +14 ms first quartile.
- no garbage collection while starting (``legalaid/__main__.py``, before anything is imported),
  what start-up made frozen out of collections once the first rows are shown (``resume_gc``):
  +10 ms median, +16 ms first quartile.
- ``import_core_first``: the core modules the first screen uses imported before PySide6, whose
  import hook (a Python function) then runs for none of their imports: +3 ms median, +5 ms
  first quartile (three runs of 21 to 41 starts; not seen in the wall-clock time, within its
  noise on a shared machine).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Protocol

# Qt's numbers (tests/ui/test_case_list.py checks them against PySide6's enums): Qt::DisplayRole,
# ToolTipRole, TextAlignmentRole, UserRole, AlignRight | AlignVCenter.
DISPLAY_ROLE, TOOLTIP_ROLE, ALIGNMENT_ROLE, USER_ROLE = 0, 3, 7, 0x0100
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080


class _HasProperties(Protocol):
    def setProperty(self, name: str, value: object) -> bool: ...


def set_enum_property(obj: _HasProperties, name: str, key: str) -> None:
    """Set ``obj``'s Qt property ``name`` to the enum value named ``key`` ("AlignHCenter"),
    through Qt's property system by name: no ``Qt`` namespace built for it."""
    if not obj.setProperty(name, key):
        raise ValueError(f"{type(obj).__name__}.{name} cannot be set to {key!r}")


# The core modules the first screen uses (the home, the case list's query, its formatting).
FIRST_SCREEN_CORE = (
    "legalaid.context",
    "legalaid.formatting",
    "legalaid.home",
    "legalaid.labels",
    "legalaid.services.search",
)


def import_core_first() -> None:
    """Import the first screen's core modules; called before PySide6 is imported."""
    for name in FIRST_SCREEN_CORE:
        importlib.import_module(name)


def name_pyside_modules() -> int:
    """Import PySide6, and tell it which modules use it, so that it does not read their source
    to find out.

    After each import, PySide6 looks for the word "PySide6" in the new module's source, to know
    whether its ``__feature__`` switches (snake_case, true_property) apply there. LegalAid
    selects no feature, and the answer is known: the modules of ``ui`` use PySide6, the core's
    never do (ruff bans it there), nor do the modules loaded before PySide6. Returns how many
    modules were named; 0 with a PySide6 that keeps this elsewhere (it then reads the sources,
    as before: slower, not wrong).
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
        __import__(package)
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


def resume_gc() -> None:
    """Collect again once the first screen is shown (collection is off while the program
    starts, legalaid/__main__.py). What start-up made is frozen first: the first collection
    would otherwise walk all of it (~17 ms measured, before the first rows were painted)."""
    gc.freeze()
    gc.enable()


def tune_gc() -> None:
    """Keep full garbage collections short: they stop every thread, the window's too.

    Called once the window has loaded what its first screen did not need: the application's
    long-lived objects (modules, Qt wrappers, SQLAlchemy metadata) are frozen out of
    collections, and the young generation is collected less often, so a worker allocating
    millions of objects (a 1,000-letter batch) does not stall the window.
    """
    gc.enable()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
