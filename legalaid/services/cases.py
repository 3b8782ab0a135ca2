"""Cases (households) and their people: open, edit, close. Never a hard delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.errors import NotFoundError, ValidationError
from legalaid.i18n import LANGUAGES, N_
from legalaid.models import (
    Case,
    CaseSequence,
    CaseStatus,
    Court,
    Crossing,
    Hearing,
    Person,
    Relationship,
    RiskAssessment,
    Sex,
    utcnow,
)
from legalaid.services import audit
from legalaid.services import validation as v
from legalaid.services.reference import court_by_code, crossing_by_code
from legalaid.services.sql import lock_sequence_row, may
from legalaid.services.writes import check_version, data_fields, edit_record, guarded_write


@dataclass
class PersonInput:
    given_names: str
    family_names: str
    relationship: str = Relationship.PRINCIPAL
    birth_date: date | None = None
    sex: str = Sex.UNKNOWN
    nationality: str | None = None
    language: str = "es"
    needs_interpreter: bool = False
    a_number: str | None = None


@dataclass
class CaseInput:
    city: str = ""
    address_mx: str = ""
    shelter: str = ""
    nta_address: str = ""
    eoir33_filed: bool = False
    eoir33_filed_on: date | None = None
    phone: str = ""
    whatsapp: str = ""
    returned_on: date | None = None
    return_port: str | None = None
    crossing: str | None = None
    court: str | None = None
    representative: str = ""
    letter_languages: str = "es,en"
    notes: str = ""


@dataclass(frozen=True)
class PossibleDuplicate:
    """A person of this household whose A-number is also on someone in another household."""

    person_id: str
    a_number: str  # as written (A 012-345-678)
    other_case_id: str
    other_case: str  # the other case's number
    other_name: str  # the other person's given and family names


@dataclass
class CaseDetail:
    case: Case
    people: list[Person]
    hearings: list[Hearing]
    risks: list[RiskAssessment]
    crossing: Crossing | None = None
    court: Court | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    duplicates: list[PossibleDuplicate] = field(default_factory=list)


CASE_FIELDS = data_fields(Case, exclude=("case_number", "status", "closed_at", "is_demo"))
PERSON_FIELDS = data_fields(Person, exclude=("case_id", "position"))


def _today() -> date:
    return utcnow().date()


# A household's free-text fields (notes apart: they may be longer).
CASE_TEXT = ("city", "address_mx", "shelter", "nta_address", "phone", "whatsapp", "representative")


def _case_values(session: Session, data: CaseInput, errors: v.Collector) -> dict[str, Any]:
    today = _today()
    values: dict[str, Any] = {
        name: v.clean_text(getattr(data, name), name, errors) for name in CASE_TEXT
    }
    values["notes"] = v.clean_text(data.notes, "notes", errors, v.MAX_NOTES)
    values["eoir33_filed"] = bool(data.eoir33_filed or data.eoir33_filed_on)
    values["eoir33_filed_on"] = v.not_future(data.eoir33_filed_on, "eoir33_filed_on", errors, today)
    values["returned_on"] = v.not_future(data.returned_on, "returned_on", errors, today)
    langs = [x.strip() for x in data.letter_languages.split(",") if x.strip()]
    if not langs or any(x not in LANGUAGES for x in langs):
        errors.add(N_("Letter languages must be Spanish, English or both."), "letter_languages")
    values["letter_languages"] = ",".join(langs)
    for name, attr, finder in (
        ("return_port", "return_port_id", crossing_by_code),
        ("crossing", "crossing_id", crossing_by_code),
        ("court", "court_id", court_by_code),
    ):
        code = getattr(data, name)
        values[attr] = None
        if code:
            try:
                values[attr] = finder(session, code).id
            except ValidationError as error:
                errors.absorb(error)
    return values


def person_values(data: PersonInput, errors: v.Collector) -> dict[str, Any]:
    return {
        "given_names": v.required_text(
            data.given_names, "given_names", N_("Write the given names."), errors
        ),
        "family_names": v.required_text(
            data.family_names, "family_names", N_("Write the family names."), errors
        ),
        "relationship": v.choice(data.relationship, Relationship, "relationship", errors),
        "birth_date": v.birth_date(data.birth_date, _today(), errors),
        "sex": v.choice(data.sex, Sex, "sex", errors),
        "nationality": v.country(data.nationality, errors),
        "language": v.clean_text(data.language, "language", errors, 16) or "es",
        "needs_interpreter": bool(data.needs_interpreter),
        "a_number": v.a_number(data.a_number, errors),
    }


def next_case_number(session: Session, prefix: str, year: int, desk: str = "") -> str:
    """The next free case number: ``TIJ-2026-0042``, or ``TIJ-2026-B0042`` on desk ``B``.

    Each desk (a laptop of the same office, its letter in the settings) has its own counter,
    so numbers made on two laptops and brought together never collide; the letter sits after
    the year so a desk's numbers sort in order, and the office prefix stays in front. On the
    server the counter's row stays locked (FOR UPDATE) until the transaction ends, so desks
    opening cases at the same time get one number each. A laptop that syncs with the office
    server numbers in the series the server gave it (legalaid.exchange.series), whatever its
    settings say; a desk of the server may not use a laptop's series.
    """
    from legalaid.exchange.series import check_desk_series, own_series

    own = own_series(session)  # a laptop syncing with the office server: the server's choice
    if own is not None:
        prefix, desk = own.prefix, own.letter
    else:
        check_desk_series(session, prefix, desk)
    key = f"{prefix}/{desk}" if desk else prefix  # "/" is never part of a prefix
    lock_sequence_row(session, key, year)
    seq = session.exec(
        select(CaseSequence)
        .where(CaseSequence.prefix == key, CaseSequence.year == year)
        .with_for_update()
    ).first()
    if seq is None:
        seq = CaseSequence(prefix=key, year=year, last=0)
        session.add(seq)
    while True:  # skip numbers an import already brought in
        seq.last += 1
        number = f"{prefix}-{year}-{desk}{seq.last:04d}"
        if session.exec(select(Case.id).where(Case.case_number == number)).first() is None:
            return number


ANUMBER_TWICE = N_("The same A-number is written twice in this household.")


def _check_anumbers_free(
    session: Session,
    numbers: list[str | None],
    errors: v.Collector,
    exclude: set[str],
    case_id: str | None = None,
) -> None:
    """Refuse an A-number written twice in one household (``numbers`` together, or one of them
    and someone else already in case ``case_id``). The same A-number in another household is
    allowed: a possible duplicate, reported by :func:`possible_duplicates`."""
    wanted = [n for n in numbers if n]
    if len(set(wanted)) != len(wanted):
        errors.add(ANUMBER_TWICE, "a_number")
    if not wanted or case_id is None:
        return
    taken = session.exec(
        select(Person.a_number).where(
            col(Person.a_number).in_(wanted),
            Person.case_id == case_id,
            col(Person.id).not_in(exclude),
        )
    ).first()
    if taken is not None:
        errors.add(ANUMBER_TWICE, "a_number", number=format_anumber(taken))


def check_household_anumbers(session: Session, case_id: str) -> None:
    """Refuse (ValidationError) when two people of case ``case_id`` share an A-number: what
    the household save checks once, after every person is written (so two members whose
    A-numbers were typed the other way round can swap them in one save)."""
    twice = session.exec(
        select(Person.a_number)
        .where(Person.case_id == case_id, col(Person.a_number).is_not(None))
        .group_by(col(Person.a_number))
        .having(func.count() > 1)
    ).first()
    if twice is not None:
        raise ValidationError(ANUMBER_TWICE, "a_number", number=format_anumber(twice))


def possible_duplicates(session: Session, case_id: str) -> list[PossibleDuplicate]:
    """The people of case ``case_id`` whose A-number is also on someone in another case."""
    other = aliased(Person)
    query = (
        sa.select(
            col(Person.id),
            col(Person.a_number),
            col(Case.id),
            col(Case.case_number),
            col(other.given_names),
            col(other.family_names),
        )
        .join(other, col(other.a_number) == col(Person.a_number))
        .join(Case, col(Case.id) == col(other.case_id))
        .where(
            col(Person.case_id) == case_id,
            col(Person.a_number).is_not(None),
            col(other.case_id) != case_id,
        )
        .order_by(col(Person.position), col(Case.case_number))
    )
    rows = session.execute(query).all()
    return [
        PossibleDuplicate(pid, format_anumber(number), other_id, other_number, f"{given} {family}")
        for pid, number, other_id, other_number, given, family in rows
    ]


def open_case(ctx: AppContext, data: CaseInput, people: list[PersonInput]) -> CaseDetail:
    """Open a household's case with at least one person; returns it with its new number."""
    errors = v.Collector()
    if not people:
        errors.add(N_("Add at least one person to the household."), "people")
    with ctx.db.write() as session:
        values = _case_values(session, data, errors)
        members = [person_values(p, errors) for p in people]
        _check_anumbers_free(session, [p["a_number"] for p in members], errors, set())
        errors.check()
        settings = ctx.settings
        number = next_case_number(
            session, settings.office_prefix, _today().year, settings.desk_letter
        )
        case = Case(case_number=number, **values)
        session.add(case)
        session.flush()
        audit.record(
            session,
            ctx.actor,
            "open",
            "case",
            case.id,
            case.id,
            audit.diff({}, audit.snapshot(case, ["case_number", *CASE_FIELDS])),
        )
        for position, pv in enumerate(members):
            _add_person_row(session, ctx.actor, case.id, pv, position)
        _flush_unique(session)
    return get_case(ctx, case.id)


def _add_person_row(
    session: Session, actor: str, case_id: str, values: dict[str, Any], position: int
) -> Person:
    person = Person(case_id=case_id, position=position, **values)
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor,
        "add",
        "person",
        person.id,
        case_id,
        audit.diff({}, audit.snapshot(person, PERSON_FIELDS)),
    )
    return person


def _flush_unique(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        raise ValidationError(
            N_("This A-number or case number is already in use; check it and save again."),
            "a_number",
        ) from error


def _load_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        case = session.exec(select(Case).where(Case.case_number == case_id.strip().upper())).first()
    if case is None:
        raise NotFoundError(N_("There is no case “%(case)s”."), "case", case=case_id[:40])
    return case


def update_case(
    ctx: AppContext, case_id: str, expected_version: int | None, data: CaseInput
) -> CaseDetail:
    errors = v.Collector()
    with guarded_write(ctx) as session:
        case = _load_case(session, case_id)
        check_version(case, expected_version)
        values = _case_values(session, data, errors)
        errors.check()
        edit_record(
            session,
            ctx.actor,
            case,
            None,
            values,
            entity="case",
            case_id=case.id,
            audited=CASE_FIELDS,
        )
    return get_case(ctx, case.id)


def set_case_status(
    ctx: AppContext, case_id: str, expected_version: int | None, status: str
) -> CaseDetail:
    """Close, transfer, archive or reopen a case. The data always stays."""
    errors = v.Collector()
    v.choice(status, CaseStatus, "status", errors)
    errors.check()
    with guarded_write(ctx) as session:
        case = _load_case(session, case_id)
        closed = None if status == CaseStatus.OPEN else utcnow()
        if status == case.status:  # the same status again: nothing to write
            closed = case.closed_at
        edit_record(
            session,
            ctx.actor,
            case,
            expected_version,
            {"status": status, "closed_at": closed},
            entity="case",
            case_id=case.id,
            audited=["status"],
            action="status",
        )
    return get_case(ctx, case.id)


def add_person(
    ctx: AppContext, case_id: str, data: PersonInput, *, household_checked: bool = False
) -> Person:
    """Add a person to a household. ``household_checked``: the caller checks the household's
    A-numbers itself once all its people are written (:func:`check_household_anumbers`)."""
    errors = v.Collector()
    with ctx.db.write() as session:
        case = _load_case(session, case_id)
        values = person_values(data, errors)
        same_case = None if household_checked else case.id
        _check_anumbers_free(session, [values["a_number"]], errors, set(), same_case)
        errors.check()
        count = session.exec(
            select(func.count()).select_from(Person).where(Person.case_id == case.id)
        ).one()
        person = _add_person_row(session, ctx.actor, case.id, values, count)
        _flush_unique(session)
        return person


def update_person(
    ctx: AppContext,
    person_id: str,
    expected_version: int | None,
    data: PersonInput,
    *,
    active: bool = True,
    household_checked: bool = False,
) -> Person:
    """Edit a person; ``active=False`` takes them off the household without deleting them
    (``household_checked`` as for :func:`add_person`)."""
    errors = v.Collector()
    with guarded_write(ctx) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError(N_("This person no longer exists."), "person")
        check_version(person, expected_version)
        values = person_values(data, errors)
        same_case = None if household_checked else person.case_id
        _check_anumbers_free(session, [values["a_number"]], errors, {person.id}, same_case)
        errors.check()
        edit_record(
            session,
            ctx.actor,
            person,
            None,
            {**values, "active": active},
            entity="person",
            case_id=person.case_id,
            audited=PERSON_FIELDS,
        )
        _flush_unique(session)
        return person


def get_case(ctx: AppContext, case_id_or_number: str) -> CaseDetail:
    """A case with its people, hearings (oldest first) and risk assessments."""
    with ctx.db.read() as session:
        case = _load_case(session, case_id_or_number)
        people = session.exec(
            select(Person).where(Person.case_id == case.id).order_by(col(Person.position))
        ).all()
        hearings = session.exec(
            select(Hearing)
            .where(Hearing.case_id == case.id)
            .order_by(
                col(Hearing.starts_at).is_(None), col(Hearing.starts_at), col(Hearing.created_at)
            )
        ).all()
        risks = (
            session.exec(
                select(RiskAssessment)
                .where(RiskAssessment.case_id == case.id)
                .order_by(col(RiskAssessment.assessed_on))
            ).all()
            if may(session, "risk_assessment")
            else []
        )  # server: lawyers only
        crossing = session.get(Crossing, case.crossing_id) if case.crossing_id else None
        court = session.get(Court, case.court_id) if case.court_id else None
        return CaseDetail(
            case,
            list(people),
            list(hearings),
            list(risks),
            crossing,
            court,
            duplicates=possible_duplicates(session, case.id),
        )
