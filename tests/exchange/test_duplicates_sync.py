"""Decisions on duplicates travel: a merge made at Tijuana reaches Mexicali (which holds both
households) as the same merge, and a pair marked different at Mexicali is no longer proposed at
Tijuana once its exchange file is read."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.services.cases import CaseInput, PersonInput, get_case, open_case
from legalaid.services.duplicates import household_pairs, mark_different, merge_households
from tests.exchange.test_duplicate_decisions import twice_registered
from tests.exchange.test_sync import clean, offices, rows, send

__all__ = ["offices"]  # the fixture, used by name below


def cousins(ctx: AppContext) -> tuple[Any, Any]:
    """Two households whose principals share names and birth date: different people."""
    made = [
        open_case(
            ctx,
            CaseInput(crossing="SYS", city="Tijuana, B.C."),
            [PersonInput("Luis", "Pérez López", "principal", date(1985, 3, 9), "male", "GT")],
        ).case
        for _ in range(2)
    ]
    return made[0], made[1]


def test_merge_and_different_travel_between_offices(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    kept, other = twice_registered(tij)
    first, second = cousins(tij)
    for case in (kept, other, first, second):
        sync.share_case(tij, case.case_number, "Casa del Migrante Mexicali")
    send(tij, mxl, tmp_path, "1")
    assert len(household_pairs(mxl)) == 2

    merge_households(tij, kept.case_number, other.case_number)
    _path, summary = send(tij, mxl, tmp_path, "2")
    assert summary.conflicts == 0
    there = get_case(mxl, other.case_number)
    assert there.case.merged_into == kept.id and there.people == [] and there.hearings == []
    together = get_case(mxl, kept.case_number)
    assert len(together.people) == 4 and len(together.hearings) == 2
    assert together.risks == []  # Mexicali is not marked to receive risk data
    pairs = household_pairs(mxl)
    assert [{p.first.case_number, p.second.case_number} for p in pairs] == [
        {first.case_number, second.case_number}
    ]

    # "Different" at Mexicali travels back (households received are shared back).
    mark_different(mxl, second.case_number, first.case_number)
    assert household_pairs(mxl) == []
    assert len(household_pairs(tij)) == 1
    send(mxl, tij, tmp_path, "3")
    assert household_pairs(tij) == []

    # Both offices hold the same rows, and every row is what its change entries say.
    same = ("case", "person", "hearing", "hearing_attendee")
    assert {t: rows(tij)[t] for t in same} == {t: rows(mxl)[t] for t in same}
    assert clean(tij) == [] and clean(mxl) == []
