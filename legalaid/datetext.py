"""Dates and times as people write them from papers: one reader for the client's fields and the
spreadsheet importer.

Dates are read day first, as written in Mexico, whatever the interface language:
``14/01/2027``, ``14/1/27``, ``14-01-2027``, ``14.01.2027``, ``14 ene 2027``,
``14 de enero de 2027``, ``2027-01-14``, ``Jan 14, 2027``, ``14 January 2027``, with or without a
weekday in front (``jueves 14 de enero de 2027``; a weekday that does not match the date is
refused). Month names are read in Spanish and in English in both languages (no abbreviation
means one month in one language and another in the other). A date without its year, a month or
day that does not exist (``31/02/2027``), or a year outside 1900-2099 is refused with a message
that says what to fix: nothing is ever guessed into another date.

Times: ``8:30``, ``08:30``, ``8.30``, ``8h30``, ``0830``, ``8:30 a. m.``, ``8:30 am``, ``13:00``,
``13:00 h``, ``1 pm``, ``8:30 de la mañana``, ``8 de la noche``.

Errors are :class:`DateTextError`, both a ``ValueError`` (what the importer catches) and a
``LegalAidError`` whose message is written when shown, in the reader's language.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, time
from typing import Any

from legalaid.errors import ValidationError
from legalaid.i18n import N_, babel_locale

EARLIEST_YEAR, LATEST_YEAR = 1900, 2099

MONTHS: dict[str, int] = {
    # Spanish
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "ene": 1,
    "feb": 2,
    "mar": 3,
    "abr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "ago": 8,
    "sep": 9,
    "sept": 9,
    "set": 9,
    "oct": 10,
    "nov": 11,
    "dic": 12,
    # English (the abbreviations shared with Spanish are above)
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "apr": 4,
    "aug": 8,
    "dec": 12,
}
WEEKDAYS: dict[str, int] = {  # Monday is 0, as date.weekday()
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "domingo": 6,
    "lun": 0,
    "mie": 2,
    "jue": 3,
    "vie": 4,
    "sab": 5,
    "dom": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
FILLERS = {"de", "del", "of", "the", "el"}

EXAMPLE_DATE = "14/01/2027"


class DateTextError(ValidationError, ValueError):
    """A typed date or time that cannot be read, or names a day that does not exist.

    Parameters named ``month`` (1-12, with ``year``) or ``weekday`` (0-6) are written as words
    when the message is shown, so the message follows a language switch."""

    def __init__(self, msgid: str, field: str | None = None, **params: Any) -> None:
        super().__init__(msgid, field, **params)
        self.raw = dict(params)

    def message(self, lang: str | None = None) -> str:
        from legalaid.i18n import _, using_language

        def render() -> str:
            problem = self.problems[0]
            return _(problem.msgid) % _words(self.raw) if self.raw else _(problem.msgid)

        if lang is None:
            return render()
        with using_language(lang):
            return render()

    def by_field(self) -> dict[str | None, str]:
        return {self.problems[0].field: self.message()}


def _words(params: dict[str, Any]) -> dict[str, Any]:
    from babel.dates import format_date, format_skeleton, get_day_names

    out = dict(params)
    locale = babel_locale()
    if "month" in params:
        first = date(int(params.get("year") or 2000), int(params["month"]), 1)
        skeleton = "yMMMM" if "year" in params else "MMMM"
        out["month"] = format_skeleton(skeleton, first, locale=locale)
    for name in ("weekday", "typed_weekday"):
        if name in params:
            out[name] = get_day_names("wide", locale=locale)[int(params[name])]
    if "day" in params and isinstance(params["day"], date):
        out["day"] = format_date(params["day"], "long", locale=locale)
    return out


def format_date_words(value: date) -> str:
    """'jueves, 14 de enero de 2027' / 'Thursday, January 14, 2027': a date read back."""
    from babel.dates import format_date

    return format_date(value, "full", locale=babel_locale())


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: 'Miércoles  14' -> 'miercoles 14'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


# --- dates ----------------------------------------------------------------------------------------
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_NUMERIC_SPACES = re.compile(r"(\d{1,2}) (\d{1,2}) (\d{4})")
_NO_YEAR = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th|o|ro|er)?")


def parse_date(text: object, *, today: date | None = None, past: bool = False) -> date | None:
    """The date ``text`` names, or None when it is empty; raises DateTextError otherwise.

    A two-digit year is the one nearest the present that fits: within the 80 years before and
    the 19 after ``today``; with ``past`` (a date of birth) never after this year.
    """
    raw = "" if text is None else str(text)
    cleaned = fold(raw).strip(" .,;")
    if not cleaned:
        return None
    today = today or date.today()
    weekday, rest = _take_weekday(cleaned)
    found = _read(rest, raw, today, past)
    if weekday is not None and found.weekday() != weekday:
        raise DateTextError(
            N_("%(day)s is a %(weekday)s, not a %(typed_weekday)s: check the date."),
            day=found,
            weekday=found.weekday(),
            typed_weekday=weekday,
        )
    return found


def _take_weekday(text: str) -> tuple[int | None, str]:
    first, _sep, rest = text.partition(" ")
    name = first.strip(".,")
    if name in WEEKDAYS and rest:
        return WEEKDAYS[name], rest.strip(" ,")
    return None, text


def _read(text: str, raw: str, today: date, past: bool) -> date:
    shown = raw.strip()[:40]
    match = _ISO.fullmatch(text)
    if match:
        return _checked(int(match[1]), int(match[2]), int(match[3]), shown, iso=True)
    match = _NUMERIC.fullmatch(text) or _NUMERIC_SPACES.fullmatch(text)
    if match:
        year = _year(match[3], today, past)
        return _checked(year, int(match[2]), int(match[1]), shown)
    if _NO_YEAR.fullmatch(text):
        raise DateTextError(
            N_("“%(text)s” has no year: write the whole date, for example %(example)s."),
            text=shown,
            example=EXAMPLE_DATE,
        )
    words = [w for w in re.split(r"[\s,./\-]+", text) if w and w not in FILLERS]
    named = _named(words, shown, today, past)
    if named is not None:
        return named
    raise DateTextError(
        N_("“%(text)s” is not a date: write it as %(example)s or 14 de enero de 2027."),
        text=shown,
        example=EXAMPLE_DATE,
    )


def _named(words: list[str], shown: str, today: date, past: bool) -> date | None:
    """'14 enero 2027', 'enero 14 2027', '14th jan 2027'; None when it is not that shape."""
    months = [i for i, w in enumerate(words) if w in MONTHS]
    if len(months) != 1:
        return None
    month = MONTHS[words[months[0]]]
    others = [w for i, w in enumerate(words) if i != months[0]]
    if len(others) == 1 and _ORDINAL.fullmatch(others[0]):
        raise DateTextError(
            N_("“%(text)s” has no year: write the whole date, for example %(example)s."),
            text=shown,
            example=EXAMPLE_DATE,
        )
    if len(others) != 2:
        return None
    day_match = _ORDINAL.fullmatch(others[0])
    if day_match is None or not re.fullmatch(r"\d{2}|\d{4}", others[1]):
        return None
    return _checked(_year(others[1], today, past), month, int(day_match[1]), shown)


def _year(digits: str, today: date, past: bool) -> int:
    year = int(digits)
    if len(digits) != 2:
        return year
    if past:
        candidate = today.year - (today.year - year) % 100
        return candidate
    low = today.year - 80
    candidate = low + (year - low) % 100
    return candidate


def _checked(year: int, month: int, day: int, shown: str, iso: bool = False) -> date:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateTextError(
            N_("The year %(number)s is not possible here: check the date “%(text)s”."),
            number=str(year),
            text=shown,
        )
    if not 1 <= month <= 12:
        if not iso and 1 <= day <= 12 and 13 <= month <= 31:
            raise DateTextError(
                N_(
                    "There is no month %(number)s: write the day first, then the month, "
                    "as in %(example)s."
                ),
                number=str(month),
                example=f"{month:02d}/{day:02d}/{year}",
            )
        raise DateTextError(
            N_("There is no month %(number)s: check the date “%(text)s”."),
            number=str(month),
            text=shown,
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateTextError(
            N_("%(month)s has %(days)s days, not %(number)s: check the day."),
            month=month,
            year=year,
            days=str(days),
            number=str(day),
        )
    return date(year, month, day)


# --- times ----------------------------------------------------------------------------------------
_AM_WORDS = {"de la manana", "de la madrugada", "manana", "madrugada"}
_PM_WORDS = {"de la tarde", "tarde"}
_NIGHT_WORDS = {"de la noche", "noche"}
_TIME = re.compile(
    r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(?P<suffix>[a-z. ]*)",
)
_LEADING = re.compile(r"^(?:a las|a la|las|la|at)\s+")
_COMPACT = re.compile(r"(\d{1,2})(\d{2})\s*(?P<suffix>[a-z. ]*)")


def parse_time(text: object) -> time | None:
    """The wall-clock time ``text`` names, or None when empty; raises DateTextError otherwise."""
    raw = "" if text is None else str(text)
    cleaned = fold(raw).strip(" ,;")
    if not cleaned:
        return None
    shown = raw.strip()[:40]
    cleaned = _LEADING.sub("", cleaned)
    match = _TIME.fullmatch(cleaned) or _COMPACT.fullmatch(cleaned)
    if match is None:
        raise _not_a_time(shown)
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = _suffix(match["suffix"])
    if suffix is None:
        raise _not_a_time(shown)
    if minute > 59:
        raise DateTextError(
            N_("An hour has 60 minutes, not %(number)s: check the time “%(text)s”."),
            number=str(minute),
            text=shown,
        )
    if suffix == "night" and hour == 12:
        hour, suffix = 0, ""  # "12 de la noche": midnight
    if suffix == "night":
        suffix = "pm"
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12 or (hour == 12 and "manana" in match["suffix"]):
            raise DateTextError(
                N_(
                    "“%(text)s” mixes two ways of writing the time: write 1:00 p. m. or 13:00, "
                    "8:00 a. m. or 8:00."
                ),
                text=shown,
            )
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        raise DateTextError(
            N_("There is no hour %(number)s: write the time as 8:30, 8:30 a. m. or 13:00."),
            number=str(hour),
            text=shown,
        )
    return time(hour, minute)


def _suffix(text: str) -> str | None:
    """'' (24-hour), 'am' or 'pm'; None when the words after the number are not a time's."""
    words = " ".join(text.replace(".", " ").split())
    compact = words.replace(" ", "")
    if compact in ("", "h", "hr", "hrs", "hora", "horas"):
        return ""
    if compact in ("am", "a") or words in _AM_WORDS:
        return "am"
    if compact in ("pm", "p") or words in _PM_WORDS:
        return "pm"
    if words in _NIGHT_WORDS:
        return "night"
    return None


def _not_a_time(shown: str) -> DateTextError:
    return DateTextError(
        N_("“%(text)s” is not a time: write it as 8:30, 8:30 a. m. or 13:00."),
        text=shown,
    )


# --- what a field shows -----------------------------------------------------------------------
def date_field_text(value: date, lang: str | None = None) -> str:
    """A stored date as a date field shows it: '14 ene 2027' / 'Jan 14, 2027' (read back by
    ``parse_date`` in either language)."""
    from babel.dates import format_date

    return format_date(value, "medium", locale=babel_locale(lang))


def time_field_text(value: time) -> str:
    """A stored time as a time field shows it: '8:30', '13:00'."""
    return f"{value.hour}:{value.minute:02d}"


def time_words(value: time, lang: str | None = None) -> str:
    """'8:30 a. m.' / '8:30 AM': a typed time read back."""
    from babel.dates import format_time

    from legalaid.formatting import NNBSP
    from legalaid.i18n import current_language, normalize_language

    code = normalize_language(lang or current_language())
    text = format_time(
        datetime.combine(date(2000, 1, 1), value), "h:mm a", locale=babel_locale(code)
    )
    text = text.replace(NNBSP, " ")
    if code == "es":
        text = text.replace("a.m.", "a. m.").replace("p.m.", "p. m.")
    return text
