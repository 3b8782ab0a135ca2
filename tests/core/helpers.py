"""Small builders for core tests (real database, real services)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from legalaid.context import AppContext
from legalaid.services.cases import CaseDetail, CaseInput, PersonInput, open_case
from legalaid.services.hearings import HearingInput, schedule_hearing


def family(
    ctx: AppContext,
    *,
    crossing: str = "SYS",
    a_number: str | None = "A 012-345-678",
    given: str = "José",
    family_names: str = "Hernández Núñez",
    children: int = 1,
) -> CaseDetail:
    people = [
        PersonInput(
            given, family_names, "principal", date(1990, 5, 1), "male", "HN", a_number=a_number
        )
    ]
    people += [
        PersonInput(f"Niña {i}", family_names, "child", date(2018, 1, 1 + i), "female", "HN")
        for i in range(children)
    ]
    return open_case(
        ctx, CaseInput(crossing=crossing, city="Tijuana, B.C.", phone="+52 664"), people
    )


def hearing_in(
    ctx: AppContext,
    case_id: str,
    days: int,
    at: time = time(8, 0),
    crossing: str = "SYS",
    court: str = "SDG",
    **kw: Any,
) -> str:
    day = date.today() + timedelta(days=days)
    h = schedule_hearing(
        ctx, case_id, HearingInput(court=court, crossing=crossing, day=day, at=at, **kw)
    ).record
    return h.id
