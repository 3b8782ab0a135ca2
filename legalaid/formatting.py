"""Dates, times, zones, countries and numbers through babel, for es_MX and en_US.

Hearing times are legal facts in the court's local time: every function that prints a time takes
the IANA zone to print it in. Spanish follows RAE/Fundéu style ("28 de mayo de 2024",
"4:00 a. m."), English US style ("Tuesday, May 28, 2024", "4:00 AM").
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from babel.numbers import format_decimal

from legalaid.i18n import babel_locale, normalize_language

NNBSP = "\u202f"


def _lang(lang: str | None) -> str:
    from legalaid.i18n import current_language

    return normalize_language(lang or current_language())


def long_date(value: date, lang: str | None = None) -> str:
    """'martes, 28 de mayo de 2024' / 'Tuesday, May 28, 2024'."""
    return format_date(value, "full", locale=babel_locale(_lang(lang)))


def medium_date(value: date, lang: str | None = None) -> str:
    """'28 de mayo de 2024' / 'May 28, 2024' (the place-and-date line)."""
    return format_date(value, "long", locale=babel_locale(_lang(lang)))


def short_date(value: date, lang: str | None = None) -> str:
    """'28/05/2024' / '5/28/2024' for tables."""
    return format_date(value, "short", locale=babel_locale(_lang(lang)))


def local_time(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def clock(instant: datetime, zone: str, lang: str | None = None) -> str:
    """12-hour time in the given zone: '4:00 a. m.' (RAE spacing) / '4:00 AM'."""
    code = _lang(lang)
    text = format_time(local_time(instant, zone), "h:mm a", locale=babel_locale(code))
    text = text.replace(NNBSP, " ")
    if code == "es":
        text = text.replace("a.m.", "a. m.").replace("p.m.", "p. m.")
    return text


def clock_24h(instant: datetime, zone: str) -> str:
    """'04:00 h', the unambiguous Spanish form printed beside pre-dawn report times."""
    return local_time(instant, zone).strftime("%H:%M") + " h"


def zone_name(instant: datetime, zone: str, lang: str | None = None) -> str:
    """'hora de verano del Pacífico' / 'Pacific Daylight Time' for that instant."""
    return get_timezone_name(local_time(instant, zone), "long", locale=babel_locale(_lang(lang)))


def zone_generic_name(zone: str, lang: str | None = None) -> str:
    """'hora del Pacífico' / 'Pacific Time': a zone named without a date (no summer time)."""
    from babel.dates import get_timezone_name as name

    return name(ZoneInfo(zone), "long", zone_variant="generic", locale=babel_locale(_lang(lang)))


def clock_with_zone(instant: datetime, zone: str, lang: str | None = None) -> str:
    """'9:30 a. m. (hora de verano del Pacífico)' / '9:30 AM (Pacific Daylight Time)'."""
    return f"{clock(instant, zone, lang)} ({zone_name(instant, zone, lang)})"


def local_date(instant: datetime, zone: str) -> date:
    return local_time(instant, zone).date()


def country_name(code: str | None, lang: str | None = None) -> str:
    """ISO 3166 alpha-2 code to the country's name in the language: 'HN' -> 'Honduras'."""
    if not code:
        return ""
    return babel_locale(_lang(lang)).territories.get(code.upper(), code.upper())


def number(value: int | float, lang: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(_lang(lang)))


def language_name(code: str | None, lang: str | None = None) -> str:
    """Language code to its name in the interface language ('es' -> 'español' / 'Spanish')."""
    if not code:
        return ""
    names = babel_locale(_lang(lang)).languages
    return names.get(code, code)
