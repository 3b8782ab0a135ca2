"""Reading the values shelters type into spreadsheets: dates, times, sexes, relationships,
nationalities, hearing kinds. Each parser returns the value or raises ValueError (the importer
turns that into a translated reason for the row)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from functools import cache

from babel import Locale

SPANISH_MONTHS = {
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
    "oct": 10,
    "nov": 11,
    "dic": 12,
}
ENGLISH_MONTHS = {
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
    "aug": 8,
    "dec": 12,
    "apr": 4,
}
MONTHS = {**ENGLISH_MONTHS, **SPANISH_MONTHS, "may": 5}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: 'Número  A' -> 'numero a'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def parse_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = fold(str(value)).replace(",", " ")
    for parser in (_iso, _numeric, _words):
        found = parser(text)
        if found is not None:
            return found
    raise ValueError(text)


def _iso(text: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", text)
    return date(int(match[1]), int(match[2]), int(match[3])) if match else None


def _numeric(text: str) -> date | None:
    """Day first, as written in Mexico: 28/05/2024, 28-5-24, 28.05.2024."""
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    if not match:
        return None
    year = int(match[3])
    if year < 100:
        year += 2000 if year <= date.today().year % 100 else 1900
    return date(year, int(match[2]), int(match[1]))


def _words(text: str) -> date | None:
    """'28 de mayo de 2024', '28 mayo 2024', 'May 28 2024'."""
    words = [w for w in text.replace(".", " ").split() if w not in ("de", "del", "of")]
    if len(words) != 3:
        return None
    if words[0].isdigit() and words[1] in MONTHS and words[2].isdigit():
        return date(int(words[2]), MONTHS[words[1]], int(words[0]))
    if words[0] in MONTHS and words[1].isdigit() and words[2].isdigit():
        return date(int(words[2]), MONTHS[words[0]], int(words[1]))
    return None


_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?\s*m\.?|p\.?\s*m\.?|h|hrs?)?")


def parse_time(value: object) -> time | None:
    """'8:30', '08:30', '8:30 a. m.', '8:30 AM', '13:00', '1 pm', '13.00 h'."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = fold(str(value))
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(text)
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").replace(".", "").replace(" ", "")
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    return time(hour, minute)


SEXES = {
    "m": "male",
    "h": "male",
    "hombre": "male",
    "masculino": "male",
    "male": "male",
    "man": "male",
    "f": "female",
    "mujer": "female",
    "femenino": "female",
    "female": "female",
    "woman": "female",
    "otro": "other",
    "other": "other",
    "x": "other",
}
RELATIONSHIPS = {
    "titular": "principal",
    "principal": "principal",
    "jefe de familia": "principal",
    "jefa de familia": "principal",
    "solicitante": "principal",
    "head": "principal",
    "esposo": "spouse",
    "esposa": "spouse",
    "conyuge": "spouse",
    "pareja": "spouse",
    "spouse": "spouse",
    "partner": "spouse",
    "hijo": "child",
    "hija": "child",
    "child": "child",
    "son": "child",
    "daughter": "child",
    "padre": "parent",
    "madre": "parent",
    "parent": "parent",
    "hermano": "sibling",
    "hermana": "sibling",
    "sibling": "sibling",
    "nieto": "grandchild",
    "nieta": "grandchild",
    "grandchild": "grandchild",
    "otro": "other",
    "otra": "other",
    "other": "other",
}
KINDS = {
    "master": "master",
    "master calendar": "master",
    "preliminar": "master",
    "inicial": "master",
    "audiencia preliminar": "master",
    "individual": "individual",
    "merits": "individual",
    "de fondo": "individual",
    "fondo": "individual",
    "final": "individual",
    "otra": "other",
    "other": "other",
}


def parse_choice(value: object, table: dict[str, str], default: str) -> str:
    text = fold(str(value or ""))
    if not text:
        return default
    if text in table:
        return table[text]
    raise ValueError(text)


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in ("en", "es"):
        for code, name in Locale.parse(lang).territories.items():
            if isinstance(code, str) and len(code) == 2 and code.isalpha() and code != "ZZ":
                names[fold(name)] = code
    names.update({"eeuu": "US", "usa": "US", "ee uu": "US", "mexico": "MX"})
    return names


def parse_country(value: object) -> str | None:
    text = fold(str(value or ""))
    if not text:
        return None
    if len(text) == 2 and text.isalpha() and text.upper() in _country_names().values():
        return text.upper()
    code = _country_names().get(text)
    if code is None:
        raise ValueError(text)
    return code
