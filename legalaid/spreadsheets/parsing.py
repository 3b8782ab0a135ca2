"""Reading the values shelters type into spreadsheets: dates, times, sexes, relationships,
nationalities, hearing kinds. Each parser returns the value or raises ValueError (the importer
turns that into a translated reason for the row)."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache

from babel import Locale

from legalaid import datetext


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: 'Número  A' -> 'numero a'."""
    return datetext.fold(text)


def parse_date(value: object) -> date | None:
    """A spreadsheet cell as a date: a real spreadsheet date, or text read by the same reader
    as the client's date fields (legalaid.datetext: day first, Spanish or English months)."""
    return _date(value, past=False)


def parse_past_date(value: object) -> date | None:
    """The same for a date that cannot be in the future (a date of birth): a two-digit year
    is read as the latest one not after this year ('90' -> 1990, '27' -> 1927)."""
    return _date(value, past=True)


def _date(value: object, *, past: bool) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetext.parse_date(str(value), past=past)


def parse_time(value: object) -> time | None:
    """'8:30', '08:30', '8:30 a. m.', '8:30 AM', '13:00', '1 pm', '13.00 h' (legalaid.datetext)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    return datetext.parse_time(str(value))


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
