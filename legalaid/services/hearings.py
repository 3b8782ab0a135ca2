"""Hearings: schedule, reschedule (a new row that replaces the old), cancel, outcome, verify.

Times are entered as wall-clock times: the hearing in the court's zone, the report time in the
crossing's zone. A wall time that does not exist (the spring-forward gap) is refused rather than
silently shifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from legalaid.context import AppContext
from legalaid.errors import NotFoundError, Problem, ValidationError
from legalaid.i18n import N_
from legalaid.models import (
    Case,
    Court,
    Crossing,
    DateSource,
    Hearing,
    HearingAttendee,
    HearingKind,
    HearingMode,
    HearingStatus,
    Person,
    utcnow,
)
from legalaid.services import audit
from legalaid.services import validation as v
from legalaid.services.cases import _load_case
from legalaid.services.ops import HEARING, OpChanges
from legalaid.services.reference import court_by_code, crossing_by_code
from legalaid.services.writes import Saved, check_version, data_fields, edit_record, guarded_write

HEARING_FIELDS = data_fields(Hearing, exclude=("case_id", "replaces_id"))
CLOSED_STATUSES = {HearingStatus.POSTPONED, HearingStatus.CANCELLED}
FAR_AHEAD_YEARS = 2  # a hearing date further away than this is asked about before it is saved


@dataclass
class HearingInput:
    court: str | None = None
    crossing: str | None = None
    day: date | None = None
    at: time | None = None
    report_at: time | None = None
    report_day: date | None = None
    kind: str = HearingKind.MASTER
    mode: str = HearingMode.IN_PERSON
    source: str = DateSource.NTA
    notes: str = ""
    person_ids: list[str] | None = None


LIVE_STATUSES = {HearingStatus.SCHEDULED, HearingStatus.TO_BE_SET}


def history_order(hearings: list[Hearing]) -> list[Hearing]:
    """A case's hearings as its history shows them: the live ones first (scheduled, or waiting
    for a date; the next one on top), then the rest, newest date first. A hearing rescheduled
    to an earlier day than the one it replaces is still on top."""
    far = datetime.max.replace(tzinfo=UTC)

    def moment(h: Hearing) -> datetime:
        value = h.starts_at or far
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def created(h: Hearing) -> datetime:
        value = h.created_at
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    live = sorted((h for h in hearings if h.status in LIVE_STATUSES), key=moment)
    rest = sorted(
        (h for h in hearings if h.status not in LIVE_STATUSES),
        key=lambda h: (moment(h) if h.starts_at else datetime.min.replace(tzinfo=UTC), created(h)),
        reverse=True,
    )
    return live + rest


def unusual_day(day: date | None, today: date | None = None) -> Problem | None:
    """The question to ask before saving a hearing on ``day``, or None when it is an ordinary
    date: a day already past, or more than two years ahead, is more often a typing slip (the
    wrong year) than what the notice says."""
    if day is None:
        return None
    today = today or date.today()
    if day < today:
        return Problem(
            N_("%(date)s is in the past. Save the hearing with this date anyway?"),
            "day",
            {"date": day},
        )
    try:
        limit = today.replace(year=today.year + FAR_AHEAD_YEARS)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year + FAR_AHEAD_YEARS, day=28)
    if day > limit:
        return Problem(
            N_(
                "%(date)s is more than two years from today. Save the hearing with this date "
                "anyway?"
            ),
            "day",
            {"date": day},
        )
    return None


def wall_to_utc(day: date, at: time, zone: str, field: str, errors: v.Collector) -> datetime | None:
    """A local wall time to a UTC instant; refuses times that do not exist in that zone."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    instant = local.astimezone(UTC)
    back = instant.astimezone(ZoneInfo(zone))
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        errors.add(
            N_("%(time)s does not exist on that day (the clocks change): check the time."),
            field,
            time=at.strftime("%H:%M"),
        )
        return None
    return instant


def _resolve(
    session: Session, case: Case, data: HearingInput, errors: v.Collector
) -> tuple[Court | None, Crossing | None]:
    court = crossing = None
    try:
        if data.court:
            court = court_by_code(session, data.court)
        elif case.court_id:
            court = session.get(Court, case.court_id)
    except ValidationError as error:
        errors.absorb(error)
    try:
        if data.crossing:
            crossing = crossing_by_code(session, data.crossing)
        elif case.crossing_id:
            crossing = session.get(Crossing, case.crossing_id)
    except ValidationError as error:
        errors.absorb(error)
    if court is None and not errors.problems:
        errors.add(N_("Choose the court or hearing facility."), "court")
    if crossing is None and not errors.problems:
        errors.add(N_("Choose the crossing where the household must report."), "crossing")
    return court, crossing


def _hearing_values(session: Session, case: Case, data: HearingInput) -> dict[str, Any]:
    errors = v.Collector()
    court, crossing = _resolve(session, case, data, errors)
    v.choice(data.kind, HearingKind, "kind", errors)
    v.choice(data.mode, HearingMode, "mode", errors)
    v.choice(data.source, DateSource, "source", errors)
    notes = v.clean_text(data.notes, "notes", errors, v.MAX_NOTES)
    starts = report = None
    status = HearingStatus.TO_BE_SET
    if data.day is not None and data.at is None:
        errors.add(N_("Write the hearing time as well as its date."), "at")
    if court is not None and crossing is not None and data.day and data.at:
        status = HearingStatus.SCHEDULED
        starts = wall_to_utc(data.day, data.at, court.zone, "at", errors)
        report = _report_instant(data, crossing, starts, errors)
    errors.check()
    assert court is not None and crossing is not None
    return {
        "court_id": court.id,
        "crossing_id": crossing.id,
        "zone": court.zone,
        "starts_at": starts,
        "report_at": report,
        "kind": data.kind,
        "mode": data.mode,
        "source": data.source,
        "notes": notes,
        "status": status,
    }


def _report_instant(
    data: HearingInput, crossing: Crossing, starts: datetime | None, errors: v.Collector
) -> datetime | None:
    if starts is None:
        return None
    if data.report_at is None:
        return starts - timedelta(hours=crossing.report_hours_before)
    day = data.report_day or starts.astimezone(ZoneInfo(crossing.zone)).date()
    report = wall_to_utc(day, data.report_at, crossing.zone, "report_at", errors)
    if report is not None and report >= starts:
        errors.add(
            N_("The report time at the crossing must be before the hearing time."), "report_at"
        )
    elif report is not None and starts - report > timedelta(hours=24):
        errors.add(
            N_("The report time is more than a day before the hearing: check the date."),
            "report_at",
        )
    return report


def _attach_people(session: Session, hearing: Hearing, case: Case, ids: list[str] | None) -> None:
    people = session.exec(
        select(Person).where(Person.case_id == case.id, Person.active == True)  # noqa: E712
    ).all()
    chosen = [p for p in people if ids is None or p.id in ids]
    if ids is not None and len(chosen) != len(set(ids)):
        raise ValidationError(
            N_("Only members of this household can be on its hearing."), "person_ids"
        )
    for person in chosen:
        session.add(HearingAttendee(hearing_id=hearing.id, person_id=person.id))


def schedule_hearing(ctx: AppContext, case_id: str, data: HearingInput) -> Saved[Hearing]:
    with ctx.db.write() as session:
        case = _load_case(session, case_id)
        hearing = Hearing(case_id=case.id, **_hearing_values(session, case, data))
        session.add(hearing)
        session.flush()
        _attach_people(session, hearing, case, data.person_ids)
        audit.record(
            session,
            ctx.actor,
            "schedule",
            "hearing",
            hearing.id,
            case.id,
            audit.diff({}, audit.snapshot(hearing, HEARING_FIELDS)),
        )
        return _saved(hearing)


def _saved(hearing: Hearing) -> Saved[Hearing]:
    return Saved(hearing, OpChanges.of(HEARING, case=hearing.case_id))


def _load_hearing(session: Session, hearing_id: str) -> Hearing:
    hearing = session.get(Hearing, hearing_id)
    if hearing is None:
        raise NotFoundError(N_("This hearing no longer exists."), "hearing")
    return hearing


def reschedule_hearing(
    ctx: AppContext, hearing_id: str, expected_version: int | None, data: HearingInput
) -> Saved[Hearing]:
    """Give a hearing a new date: the old one stays, marked postponed; the new one replaces it."""
    with guarded_write(ctx) as session:
        old = _load_hearing(session, hearing_id)
        check_version(old, expected_version)
        if old.status in CLOSED_STATUSES:
            raise ValidationError(
                N_("This hearing was already replaced or cancelled; change its newest date."),
                "hearing",
            )
        case = _load_case(session, old.case_id)
        errors = v.Collector()
        if data.day is None:
            errors.add(N_("Write the new date the court gave."), "day")
        elif data.at is None:
            errors.add(N_("Write the hearing time as well as its date."), "at")
        errors.check()
        values = _hearing_values(session, case, data)
        if values["starts_at"] == old.starts_at and values["court_id"] == old.court_id:
            raise ValidationError(
                N_(
                    "The new date and time are the same as the old ones: write the date and "
                    "time the court gave for the new hearing."
                ),
                "day",
            )
        before = audit.snapshot(old, ["status"])
        old.status = HearingStatus.POSTPONED
        old.updated_at = utcnow()
        new = Hearing(case_id=case.id, replaces_id=old.id, **values)
        session.add(new)
        session.flush()
        keep = data.person_ids
        if keep is None:
            keep = (
                list(
                    session.exec(
                        select(HearingAttendee.person_id).where(
                            HearingAttendee.hearing_id == old.id
                        )
                    ).all()
                )
                or None
            )
        _attach_people(session, new, case, keep)
        audit.record(
            session,
            ctx.actor,
            "postpone",
            "hearing",
            old.id,
            case.id,
            audit.diff(before, {"status": old.status}),
        )
        audit.record(
            session,
            ctx.actor,
            "reschedule",
            "hearing",
            new.id,
            case.id,
            {**audit.diff({}, audit.snapshot(new, HEARING_FIELDS)), "replaces_id": [None, old.id]},
        )
        return _saved(new)


def _set_status(
    ctx: AppContext,
    hearing_id: str,
    expected_version: int | None,
    status: str,
    outcome: str | None = None,
) -> Saved[Hearing]:
    with guarded_write(ctx) as session:
        hearing = _load_hearing(session, hearing_id)
        values: dict[str, Any] = {"status": status}
        if outcome is not None:
            errors = v.Collector()
            values["outcome"] = v.clean_text(outcome, "outcome", errors, v.MAX_NOTES)
            errors.check()
        edit_record(
            session,
            ctx.actor,
            hearing,
            expected_version,
            values,
            entity="hearing",
            case_id=hearing.case_id,
            audited=["status", "outcome"],
            action=status,
        )
        return _saved(hearing)


def cancel_hearing(
    ctx: AppContext, hearing_id: str, expected_version: int | None
) -> Saved[Hearing]:
    return _set_status(ctx, hearing_id, expected_version, HearingStatus.CANCELLED)


def record_outcome(
    ctx: AppContext, hearing_id: str, expected_version: int | None, status: str, outcome: str = ""
) -> Saved[Hearing]:
    """Mark a hearing attended or missed, with what happened."""
    if status not in (HearingStatus.ATTENDED, HearingStatus.MISSED):
        raise ValidationError(N_("An outcome is either attended or missed."), "status")
    return _set_status(ctx, hearing_id, expected_version, status, outcome)


def mark_verified(
    ctx: AppContext,
    hearing_id: str,
    *,
    by: str | None = None,
    when: datetime | None = None,
    source: str = DateSource.HOTLINE,
) -> Saved[Hearing]:
    """Record that someone checked the date with the court (hotline 1-800-898-7180, portal)."""
    errors = v.Collector()
    v.choice(source, DateSource, "source", errors)
    when = when or utcnow()
    if when > utcnow() + timedelta(minutes=5):
        errors.add(N_("The verification cannot be in the future."), "verified_at")
    errors.check()
    with guarded_write(ctx) as session:
        hearing = _load_hearing(session, hearing_id)
        values = {"verified_at": when, "verified_by": (by or ctx.actor)[:200], "source": source}
        edit_record(
            session,
            ctx.actor,
            hearing,
            None,
            values,
            entity="hearing",
            case_id=hearing.case_id,
            action="verify",
            stamp=False,
        )
        return _saved(hearing)


def attendees(ctx: AppContext, hearing_id: str) -> list[Person]:
    with ctx.db.read() as session:
        return list(
            session.exec(
                select(Person)
                .join(HearingAttendee, HearingAttendee.person_id == Person.id)  # type: ignore[arg-type]
                .where(HearingAttendee.hearing_id == hearing_id)
                .order_by(Person.position)  # type: ignore[arg-type]
            ).all()
        )
