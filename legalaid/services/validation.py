"""Shared input checks that collect every problem before raising, so a form shows them all."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale

from legalaid.anumber import parse_optional_anumber
from legalaid.errors import LegalAidError, Problem, ValidationError
from legalaid.i18n import N_

MAX_TEXT = 2000
MAX_NOTES = 20000
_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO"}
ISO_COUNTRIES = frozenset(
    str(code)
    for code in Locale.parse("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


class Collector:
    """Gathers problems; ``check()`` raises one ValidationError holding all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, msgid: str, field: str | None, **params: Any) -> None:
        self.problems.append(Problem(msgid, field, params))

    def absorb(self, error: LegalAidError) -> None:
        self.problems.extend(error.problems)

    def check(self) -> None:
        if self.problems:
            raise ValidationError.of(self.problems)


def clean_text(value: str | None, field: str, errors: Collector, limit: int = MAX_TEXT) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        errors.add(N_("This text is too long: at most %(limit)d characters."), field, limit=limit)
        return text[:limit]
    return text


def required_text(value: str | None, field: str, msgid: str, errors: Collector) -> str:
    text = clean_text(value, field, errors, 200)
    if not text:
        errors.add(msgid, field)
    return text


def a_number(value: str | None, errors: Collector) -> str | None:
    try:
        return parse_optional_anumber(value)
    except ValidationError as error:
        errors.absorb(error)
        return None


def birth_date(value: date | None, today: date, errors: Collector) -> date | None:
    if value is None:
        return None
    if value > today:
        errors.add(N_("The date of birth cannot be in the future."), "birth_date")
    elif value.year < today.year - 120:
        errors.add(N_("The date of birth is more than 120 years ago."), "birth_date")
    return value


def not_future(value: date | None, field: str, errors: Collector, today: date) -> date | None:
    if value is not None and value > today:
        errors.add(N_("This date cannot be in the future."), field)
    return value


def country(value: str | None, errors: Collector) -> str | None:
    code = (value or "").strip().upper()
    if not code:
        return None
    if code not in ISO_COUNTRIES:
        errors.add(
            N_("Unknown nationality “%(code)s”: choose a country from the list."),
            "nationality",
            code=code[:10],
        )
        return None
    return code


def choice(value: str, allowed: type, field: str, errors: Collector) -> str:
    values = {member.value for member in allowed}  # type: ignore[attr-defined]
    if value not in values:
        errors.add(N_("“%(value)s” is not one of the allowed choices."), field, value=value[:30])
    return value
