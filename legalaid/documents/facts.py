"""The hearing facts a paper prints, read in one short session (many hearings at once for a
batch), so the letter, the wallet cards, the message and the crossing list all say the same.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from legalaid.context import AppContext
from legalaid.errors import NotFoundError, ValidationError
from legalaid.i18n import N_
from legalaid.models import (
    Case,
    Court,
    Crossing,
    Hearing,
    HearingAttendee,
    HearingStatus,
    Person,
    utcnow,
)
from legalaid.services.cases import _load_case

CHUNK = 400  # ids per IN (...) query, well under SQLite's parameter limit
# Facts are read for a batch on a thread of the window's process: in chunks small enough that
# the window never waits long for the interpreter (400 at a time: 50-60 ms stalls).
FACTS_CHUNK = 100


@dataclass(frozen=True)
class Member:
    name: str
    a_number: str | None
    relationship: str


@dataclass
class HearingFacts:
    hearing_id: str
    case_id: str
    case_number: str
    status: str
    kind: str
    mode: str
    starts_at: datetime
    report_at: datetime
    zone: str
    crossing: Crossing  # the household's crossing: the one they return through
    court: Court
    members: list[Member]
    verified_at: datetime | None
    verified_by: str
    city: str
    phone: str
    whatsapp: str
    representative: str
    # Where the household stands to report: its own crossing, or the one its crossing
    # reports at (Calexico's households reported at San Ysidro).
    report_crossing: Crossing

    @property
    def returns_elsewhere(self) -> bool:
        """Whether the household reports at one crossing and returns through another."""
        return self.report_crossing.code != self.crossing.code

    def printed(self) -> dict[str, str]:
        """What a paper about this hearing states: compared later to flag outdated papers."""
        return printed_facts(
            self.starts_at,
            self.report_at,
            self.zone,
            self.kind,
            self.mode,
            self.crossing,
            self.court,
            self.report_crossing,
        )


def printed_facts(
    starts_at: datetime | None,
    report_at: datetime | None,
    zone: str,
    kind: str,
    mode: str,
    crossing: Crossing | None,
    court: Court | None,
    report_crossing: Crossing | None = None,
) -> dict[str, str]:
    """The facts a paper states. The crossing's name, zone, reporting point and address are
    those of the crossing where the household stands to report."""
    where = report_crossing or crossing
    return {
        "starts_at": starts_at.isoformat() if starts_at else "",
        "report_at": report_at.isoformat() if report_at else "",
        "zone": zone,
        "kind": kind,
        "mode": mode,
        "crossing": crossing.code if crossing else "",
        "report_crossing": where.code if where else "",
        "crossing_zone": where.zone if where else "",
        "crossing_name": f"{where.name_es} / {where.name_en}" if where else "",
        "reporting_point": (
            f"{where.reporting_point_es} / {where.reporting_point_en}" if where else ""
        ),
        "crossing_address": where.address if where else "",
        "court": court.code if court else "",
        "court_name": f"{court.name_es} / {court.name_en}" if court else "",
        "court_address": court.address if court else "",
    }


NOT_PRINTABLE = N_(
    "This hearing is not scheduled (it was postponed, cancelled or held, or has no date yet): "
    "print the reminder for its current date."
)


IN_CONFLICT = N_(
    "Not printed: two offices changed this hearing's date, time, place or crossing, or an "
    "A-number of the household, without seeing each other's change (%(cases)s). Decide the "
    "conflict first (File > Exchange with offices, or `legalaid conflicts`)."
)


def load_hearings(ctx: AppContext, hearing_ids: list[str]) -> list[HearingFacts]:
    """Facts of scheduled hearings, in the order given; raises if one cannot be printed."""
    with ctx.db.read() as session:
        found: dict[str, HearingFacts] = {}
        for start in range(0, len(hearing_ids), FACTS_CHUNK):
            found.update(_load_chunk(session, hearing_ids[start : start + FACTS_CHUNK]))
            time.sleep(0.001)  # let the window's thread take the interpreter between chunks
    missing = [h for h in hearing_ids if h not in found]
    if missing:
        raise NotFoundError(N_("This hearing no longer exists."), "hearing")
    return [found[h] for h in hearing_ids]


def prepare(ctx: AppContext) -> None:
    """Compile the facts queries once (SQLAlchemy caches them), so a window's first batch does
    not compile them on the thread that shares the window's interpreter."""
    with ctx.db.read() as session:
        _load_chunk(session, ["-"])


def _load_chunk(session: Session, ids: list[str]) -> dict[str, HearingFacts]:
    rows = session.exec(
        select(Hearing, Case)
        .join(Case, col(Case.id) == col(Hearing.case_id))
        .where(col(Hearing.id).in_(ids))
    ).all()
    every_crossing = session.exec(select(Crossing)).all()  # a handful of rows
    crossings = {x.id: x for x in every_crossing}
    by_code = {x.code: x for x in every_crossing}
    courts = _by_id(session, Court, {h.court_id for h, _c in rows})
    members = _members(session, ids)
    from legalaid.exchange.blocking import blocked_hearings

    blocked = blocked_hearings(session.connection(), [(h.id, c.id) for h, c in rows])
    if blocked:
        numbers = sorted({c.case_number for h, c in rows if h.id in blocked})
        raise ValidationError(IN_CONFLICT, "hearing", cases=", ".join(numbers))
    out: dict[str, HearingFacts] = {}
    for hearing, case in rows:
        crossing = crossings.get(hearing.crossing_id or "")
        court = courts.get(hearing.court_id or "")
        if (
            hearing.status != HearingStatus.SCHEDULED
            or hearing.starts_at is None
            or crossing is None
            or court is None
        ):
            raise ValidationError(NOT_PRINTABLE, "hearing")
        report_crossing = reporting_crossing(crossing, by_code)
        out[hearing.id] = _facts(
            hearing, case, crossing, court, members.get(hearing.id, []), report_crossing
        )
    return out


def reporting_crossing(crossing: Crossing, by_code: dict[str, Crossing]) -> Crossing:
    """The crossing where ``crossing``'s households stand to report (itself, usually)."""
    if crossing.report_at_code and crossing.report_at_code != crossing.code:
        return by_code.get(crossing.report_at_code, crossing)
    return crossing


def _by_id(
    session: Session, model: type[Crossing] | type[Court], ids: set[str | None]
) -> dict[str, Any]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(wanted)))}


def _members(session: Session, ids: Iterable[str]) -> dict[str, list[Member]]:
    rows = session.exec(
        select(HearingAttendee.hearing_id, Person)
        .join(Person, col(Person.id) == col(HearingAttendee.person_id))
        .where(col(HearingAttendee.hearing_id).in_(list(ids)))
        .order_by(col(Person.position))
    ).all()
    out: dict[str, list[Member]] = defaultdict(list)
    for hearing_id, person in rows:
        name = f"{person.given_names} {person.family_names}".strip()
        out[hearing_id].append(Member(name, person.a_number, person.relationship))
    return out


def _facts(
    hearing: Hearing,
    case: Case,
    crossing: Crossing,
    court: Court,
    members: list[Member],
    report_crossing: Crossing,
) -> HearingFacts:
    assert hearing.starts_at is not None
    report = hearing.report_at or hearing.starts_at - timedelta(hours=crossing.report_hours_before)
    return HearingFacts(
        hearing_id=hearing.id,
        case_id=case.id,
        case_number=case.case_number,
        status=hearing.status,
        kind=hearing.kind,
        mode=hearing.mode,
        starts_at=hearing.starts_at,
        report_at=report,
        zone=hearing.zone,
        crossing=crossing,
        court=court,
        members=members,
        verified_at=hearing.verified_at,
        verified_by=hearing.verified_by,
        city=case.city or crossing.mx_city,
        phone=case.phone,
        whatsapp=case.whatsapp,
        representative=case.representative,
        report_crossing=report_crossing,
    )


NO_NEXT = N_("Case %(case)s has no scheduled hearing from today on.")


def next_hearing_id(ctx: AppContext, case_id_or_number: str) -> str:
    """The case's next scheduled hearing (from twelve hours ago on, so today's still counts)."""
    with ctx.db.read() as session:
        case = _load_case(session, case_id_or_number)
        found = session.exec(
            select(Hearing.id)
            .where(
                Hearing.case_id == case.id,
                Hearing.status == HearingStatus.SCHEDULED,
                col(Hearing.starts_at) >= utcnow() - timedelta(hours=12),
            )
            .order_by(col(Hearing.starts_at))
        ).first()
    if found is None:
        raise NotFoundError(NO_NEXT, "hearing", case=case.case_number)
    return found
