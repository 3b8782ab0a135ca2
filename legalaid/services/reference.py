"""Crossings and courts: seeded from resources/data/reference.json, editable afterwards."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from legalaid.context import AppContext
from legalaid.db import Database
from legalaid.errors import ValidationError
from legalaid.i18n import N_, _, using_language
from legalaid.models import Court, Crossing
from legalaid.reference_data import reference_data, reference_id
from legalaid.services import audit
from legalaid.services import validation as v
from legalaid.services.ops import REFERENCE, OpChanges
from legalaid.services.writes import Saved, edit_record


def seed_reference(db: Database) -> None:
    """Add the reference crossings and courts a new database lacks (never overwrites edits)."""
    data = reference_data()
    with db.write() as session:
        have_crossings = set(session.exec(select(Crossing.code)).all())
        have_courts = set(session.exec(select(Court.code)).all())
        for row in data["courts"]:
            if row["code"] not in have_courts:
                session.add(Court(**row))
        for row in data["crossings"]:
            if row["code"] not in have_crossings:
                session.add(Crossing(**row))


# A hearing at a crossing with no usual court (Nogales) whose court is not known yet goes to
# that crossing's court "to be confirmed": code "NOG-?", in the crossing's time zone, not
# confirmed (the letter says so), flagged on the Upcoming board until someone chooses the court.
PENDING_COURT_SUFFIX = "-?"
PENDING_COURT_NAME = N_("Court to be confirmed – %(crossing)s")


def is_pending_court(code: str) -> bool:
    return code.endswith(PENDING_COURT_SUFFIX)


def pending_court(session: Session, actor: str, crossing_code: str) -> Court:
    """The crossing's court "to be confirmed", made the first time it is needed."""
    crossing = crossing_by_code(session, crossing_code)
    code = f"{crossing.code}{PENDING_COURT_SUFFIX}"
    found = session.exec(select(Court).where(Court.code == code)).first()
    if found is not None:
        return found
    names = {}
    for lang in ("es", "en"):
        with using_language(lang):
            crossing_name = crossing.name_es if lang == "es" else crossing.name_en
            names[lang] = _(PENDING_COURT_NAME) % {"crossing": crossing_name}
    court = Court(
        id=reference_id("court", code),
        code=code,
        name_es=names["es"],
        name_en=names["en"],
        city=crossing.us_city,
        zone=crossing.zone,
        confirmed=False,
    )
    session.add(court)
    session.flush()
    audit.record(session, actor, "create", "court", court.id, None, {"code": [None, code]})
    return court


def list_crossings(ctx: AppContext) -> list[Crossing]:
    with ctx.db.read() as session:
        return list(session.exec(select(Crossing).order_by(col(Crossing.code))).all())


def list_courts(ctx: AppContext) -> list[Court]:
    with ctx.db.read() as session:
        return list(session.exec(select(Court).order_by(col(Court.code))).all())


def crossing_by_code(session: Session, code: str) -> Crossing:
    found = session.exec(select(Crossing).where(Crossing.code == code.strip().upper())).first()
    if found is None:
        raise ValidationError(
            N_("Unknown crossing “%(code)s”: use one of the codes in the crossings list."),
            "crossing",
            code=code,
        )
    return found


def court_by_code(session: Session, code: str) -> Court:
    found = session.exec(select(Court).where(Court.code == code.strip().upper())).first()
    if found is None:
        raise ValidationError(
            N_("Unknown court “%(code)s”: use one of the codes in the courts list."),
            "court",
            code=code,
        )
    return found


EDITABLE_CROSSING = (
    "name_es",
    "name_en",
    "mx_city",
    "us_city",
    "reporting_point_es",
    "reporting_point_en",
    "address",
    "default_court_code",
    "report_hours_before",
    "active",
)
EDITABLE_COURT = (
    "name_es",
    "name_en",
    "address",
    "city",
    "phone",
    "by_video",
    "confirmed",
    "active",
)


def update_crossing(ctx: AppContext, code: str, **changes: Any) -> Saved[Crossing]:
    """Let the organisation correct a crossing (an address, a reporting point, report hours)."""
    return _update(ctx, "crossing", code, EDITABLE_CROSSING, changes)  # type: ignore[return-value]


def update_court(ctx: AppContext, code: str, **changes: Any) -> Saved[Court]:
    """Let the organisation correct a court (an address that moved, a phone number)."""
    return _update(ctx, "court", code, EDITABLE_COURT, changes)  # type: ignore[return-value]


def _update(
    ctx: AppContext, entity: str, code: str, editable: tuple[str, ...], changes: dict[str, Any]
) -> Saved[Crossing | Court]:
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    errors = v.Collector()
    clean = {
        k: v.clean_text(val, k, errors) if isinstance(val, str) else val
        for k, val in changes.items()
    }
    hours = clean.get("report_hours_before")
    if hours is not None and not 0 < float(hours) <= 12:
        errors.add(
            N_("The report time must be between 0 and 12 hours before the hearing."),
            "report_hours_before",
        )
    errors.check()
    with ctx.db.write() as session:
        finder = crossing_by_code if entity == "crossing" else court_by_code
        record = finder(session, code)
        edit_record(
            session, ctx.actor, record, None, clean, entity=entity, case_id=None, stamp=False
        )
        return Saved(record, OpChanges.of(REFERENCE))
