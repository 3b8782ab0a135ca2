"""Babel's calendar and number data for the two locales, merged once when the app is built.

babel gives a locale its data by merging the CLDR files of its parents (root, es, es_419 and
es_MX for Spanish): ~15 ms, at every start, before the case list's first dates can be written.
``make`` (``tools/catalogs.py compile``) saves the merged result next to the translations, and
``prime`` hands it to babel's loader, which then has nothing to merge (~4 ms to read).

The file is written by the build, like the compiled catalogs, and read only when the babel that
made it is the one installed; otherwise (or without the file) babel merges as it always does:
slower, the same answers (tests/core/test_locale_data.py compares them). It is one of the
client's start-up tricks (ui/startup.py states the rule and what each is worth); it stays in the
core because the command line formats dates too.
"""

from __future__ import annotations

import importlib
import pickle
import threading
from pathlib import Path
from typing import Any

import babel
from babel import localedata

# Babel locales used for dates, times and names: es_MX prints 12-hour times ("9:30 a.m."),
# plain "es" would print 24-hour Spain style.
BABEL_LOCALES = {"es": "es_MX", "en": "en_US"}
_primed: set[str] = set()
_lock = threading.Lock()


def package_dir(package: str) -> Path:
    """The folder of a data package (``legalaid.locales``, ``legalaid.resources``), installed or
    in a source checkout. Not ``importlib.resources``: importing it (with tempfile, zipfile and
    typing) cost ~10 ms of every start, for files that are always plain files on disk."""
    return Path(next(iter(importlib.import_module(package).__path__)))


def locales_dir() -> Path:
    return package_dir("legalaid.locales")


def cache_path(name: str, locales: Path | None = None) -> Path:
    """Where ``name``'s merged data lives, in ``locales`` (default: the installed catalogs')."""
    if locales is None:
        locales = locales_dir()
    return locales / "babel" / f"{name}.pickle"


def save_all(locales: Path) -> None:
    """Save the merged data of every locale the app formats with (at build time)."""
    for name in BABEL_LOCALES.values():
        save(name, cache_path(name, locales))


def save(name: str, path: Path | None = None) -> Path:
    """Merge ``name``'s data with babel and save it (at build time)."""
    path = path or cache_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {"babel": babel.__version__, "name": name, "data": localedata.load(name)}
    path.write_bytes(pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def prime(name: str, path: Path | None = None) -> bool:
    """Give babel ``name``'s merged data if it was saved by this babel. Once per locale."""
    if name in _primed:
        return True
    with _lock:
        if name in _primed:
            return True
        _primed.add(name)
        saved = _read(path or cache_path(name))
        if saved is None or saved.get("babel") != babel.__version__ or saved.get("name") != name:
            return False
        # babel's own cache of merged locale data (babel.localedata.load fills it the same way)
        with localedata._cache_lock:
            localedata._cache.setdefault(name, saved["data"])
        return True


def _read(path: Path) -> dict[str, Any] | None:
    try:
        saved = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return saved if isinstance(saved, dict) else None
