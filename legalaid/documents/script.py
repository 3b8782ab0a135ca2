"""Names in any script on paper: Arabic shaped and set right to left, and no empty boxes.

reportlab draws characters in the order given, each in its isolated form. A name in Arabic
script is shaped first (arabic-reshaper picks each letter's joined form, and the lam-alef
ligatures the font has) and then put in visual order (python-bidi, the Unicode bidirectional
algorithm), so it reads right to left and joined, as written.

A character the embedded font (DejaVu Sans) has no glyph for would print as an empty box:
it is printed as "?" instead, and the paper carries a warning naming the person and the
characters (shown before printing, written to the command line's stderr, kept in the
document log).

Latin names cost one scan of their characters: anything below U+0250 is in the font, and
nothing else is loaded for them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache

from legalaid.errors import Problem
from legalaid.i18n import N_, package_dir

# Arabic, Syriac, Thaana, N'Ko and their presentation forms; Hebrew.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SAFE_BELOW = 0x250  # Basic Latin, Latin-1, Latin Extended-A and -B: all in DejaVu Sans
FACES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")  # names print upright, plain or bold
MISSING = "?"
MISSING_GLYPHS = N_(
    "The name “%(name)s” has characters the printed font cannot show (%(chars)s): they "
    "print as “?”. Write the name in Latin letters as on the Notice to Appear."
)
_lock = threading.Lock()


def _plain(text: str) -> bool:
    return all(ord(ch) < _SAFE_BELOW for ch in text)


@cache
def covered() -> frozenset[int]:
    """Code points every embedded face has a glyph for (read once from the font files)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    folder = package_dir("legalaid.resources") / "fonts"
    sets = [set(TTFontFile(str(folder / face)).charToGlyph) for face in FACES]
    return frozenset(set.intersection(*sets))


def missing(text: str) -> list[str]:
    """The characters of ``text`` the font cannot draw, once each, in order."""
    if _plain(text):
        return []
    have = covered()
    return list(dict.fromkeys(ch for ch in text if ord(ch) not in have and ch.isprintable()))


@cache
def _reshaper() -> object:
    """arabic-reshaper with only the ligatures whose glyphs the font has."""
    import arabic_reshaper
    from arabic_reshaper.ligatures import LIGATURES

    have = covered()
    config: dict[str, object] = {}
    for name, (_text, forms) in LIGATURES:
        glyphs = "".join(forms)
        config[name] = bool(glyphs) and all(ord(ch) in have for ch in glyphs)
    # arabic-reshaper 3.1 fails (KeyError) with ligatures on and none of them enabled
    config["support_ligatures"] = any(config.values())
    return arabic_reshaper.ArabicReshaper(configuration=config)


def visual(text: str) -> str:
    """``text`` as it must be drawn: right-to-left runs shaped and in visual order, and "?"
    for any character the font lacks. Latin text comes back unchanged."""
    if _plain(text):
        return text
    if _RTL.search(text):
        from bidi import get_display

        with _lock:  # the reshaper keeps no state, but is built once
            reshaper = _reshaper()
        text = get_display(reshaper.reshape(text))  # type: ignore[attr-defined]
    lacking = missing(text)
    for ch in lacking:
        text = text.replace(ch, MISSING)
    return text


def glyph_warnings(names: Iterable[str]) -> list[Problem]:
    """One warning per name that has characters the font cannot draw (after shaping)."""
    out: list[Problem] = []
    for name in dict.fromkeys(names):
        if _plain(name):
            continue
        shaped = name
        if _RTL.search(name):
            from bidi import get_display

            shaped = get_display(_reshaper().reshape(name))  # type: ignore[attr-defined]
        lacking = missing(shaped)
        if lacking:
            chars = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in lacking[:8])
            out.append(Problem(MISSING_GLYPHS, None, {"name": name, "chars": chars}))
    return out
