"""Possible duplicate people across this home's households, found on demand (rules: matching)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from legalaid.context import AppContext
from legalaid.matching import PossibleDuplicate, Someone, find

PEOPLE = """SELECT p.id, p.case_id, p.given_names, p.family_names, p.birth_date, p.a_number,
    c.case_number FROM person p JOIN "case" c ON c.id = p.case_id WHERE p.active"""


@dataclass(frozen=True)
class Pair:
    """A possible duplicate, with each side's case number, for a person to look at."""

    first: Someone
    first_case: str
    second: Someone
    second_case: str
    reason: str


def possible_duplicates(ctx: AppContext) -> list[Pair]:
    numbers: dict[str, str] = {}
    people: list[Someone] = []
    with ctx.db.query() as conn:
        for row in conn.execute(PEOPLE):
            numbers[row[1]] = row[6]
            born = row[4]
            people.append(
                Someone(
                    row[0],
                    row[1],
                    row[2] or "",
                    row[3] or "",
                    date.fromisoformat(born) if isinstance(born, str) and born else born,
                    row[5],
                )
            )
    return [_pair(d, numbers) for d in find(people)]


def _pair(d: PossibleDuplicate, numbers: dict[str, str]) -> Pair:
    return Pair(d.first, numbers[d.first.case_id], d.second, numbers[d.second.case_id], d.reason)
