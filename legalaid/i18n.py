"""Translations read at call time, so a language switch reaches every string.

Use ``_`` for text shown now, ``N_`` to mark constants that are translated when shown,
``ngettext`` for counts and ``pgettext`` where one English word has two Spanish ones.
Catalogs live in ``locales/<lang>/LC_MESSAGES/<domain>.po``; the compiled ``.mo`` is used when
present, otherwise the ``.po`` is compiled in memory (a source checkout before ``make``).
"""

from __future__ import annotations

import gettext
import io
import threading
from functools import cache
from pathlib import Path

from babel import Locale

from legalaid.locale_data import BABEL_LOCALES as BABEL_LOCALES
from legalaid.locale_data import locales_dir, prime
from legalaid.locale_data import package_dir as package_dir

DOMAINS = ("legalaid", "documents", "ui")  # core+CLI, printed papers, the client
LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"

_state = threading.local()
_global_language = DEFAULT_LANGUAGE


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """All domains of one language chained into one catalog."""
    chain = [_domain_catalog(lang, domain) for domain in DOMAINS]
    for catalog in chain[1:]:
        chain[0].add_fallback(catalog)
    return chain[0]


def _domain_catalog(lang: str, domain: str) -> gettext.NullTranslations:
    folder = locales_dir() / lang / "LC_MESSAGES"
    mo, po = folder / f"{domain}.mo", folder / f"{domain}.po"
    if mo.is_file() and (not po.is_file() or _mo_is_fresh(mo, po)):
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    if po.is_file():
        return gettext.GNUTranslations(io.BytesIO(_compile_po(po.read_bytes())))
    return gettext.NullTranslations()


def _mo_is_fresh(mo: Path, po: Path) -> bool:
    try:
        return mo.stat().st_mtime >= po.stat().st_mtime
    except OSError:  # gone since is_file(): trust the built .mo
        return True


def _compile_po(data: bytes) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = io.BytesIO()
    write_mo(out, read_po(io.BytesIO(data)))
    return out.getvalue()


def normalize_language(code: str | None) -> str:
    """Map any locale-ish code ("es_MX.UTF-8", "en-US", "EN") to "es" or "en"; Spanish otherwise."""
    if code:
        short = code.replace("-", "_").split("_")[0].split(".")[0].lower()
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


def set_language(code: str) -> str:
    """Switch the interface language for the whole process; returns the normalised code."""
    global _global_language
    _global_language = normalize_language(code)
    return _global_language


def current_language() -> str:
    return getattr(_state, "language", None) or _global_language


class using_language:
    """Temporarily translate in another language on this thread (bilingual documents)."""

    def __init__(self, code: str) -> None:
        self.code = normalize_language(code)
        self.previous: str | None = None

    def __enter__(self) -> str:
        self.previous = getattr(_state, "language", None)
        _state.language = self.code
        return self.code

    def __exit__(self, *exc: object) -> None:
        _state.language = self.previous


def translations(lang: str | None = None) -> gettext.NullTranslations:
    return _catalog(normalize_language(lang or current_language()))


def _(message: str) -> str:
    return translations().gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate it with _ when shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations().pgettext(context, message)


def babel_locale(lang: str | None = None) -> Locale:
    name = BABEL_LOCALES[normalize_language(lang or current_language())]
    prime(name)  # babel's data for it, merged when the app was built (legalaid/locale_data.py)
    return Locale.parse(name)


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a (context, message) pair for extraction; translate it later with ``pgettext``."""
    return context, message
