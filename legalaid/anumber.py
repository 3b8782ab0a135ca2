"""Alien Registration Numbers (A-numbers): parse any common writing, store nine digits.

EOIR requires nine digits; older eight-digit numbers take a leading zero
(A 12 345 678 -> A 012 345 678). Practice Manual, chapter 1.6.
"""

from __future__ import annotations

import re

from legalaid.errors import ValidationError
from legalaid.i18n import N_

_SEPARATORS = re.compile(r"[\s\-.·/#:]+")
_SHAPE = re.compile(r"^(?:A)?([0-9]{8,9})$")

MSG_BAD = N_(
    "The A-number “%(value)s” is not valid: write the letter A and eight or nine digits, "
    "for example A 012-345-678."
)
MSG_ZERO = N_("The A-number cannot be all zeros.")


def parse_anumber(text: str) -> str:
    """Return the nine-digit form of an A-number, or raise ValidationError saying what to fix."""
    compact = _SEPARATORS.sub("", text.strip().upper().replace("Ａ", "A"))
    match = _SHAPE.match(compact)
    if match is None:
        raise ValidationError(MSG_BAD, "a_number", value=_shorten(text))
    digits = match.group(1).rjust(9, "0")
    if digits == "000000000":
        raise ValidationError(MSG_ZERO, "a_number")
    return digits


def parse_optional_anumber(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return parse_anumber(text)


def looks_like_anumber(text: str) -> bool:
    return _SHAPE.match(_SEPARATORS.sub("", text.strip().upper())) is not None


def format_anumber(digits: str | None) -> str:
    """The one way an A-number is shown everywhere: ``A 012-345-678``."""
    if not digits:
        return ""
    return f"A {digits[0:3]}-{digits[3:6]}-{digits[6:9]}"


def _shorten(text: str, limit: int = 30) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
