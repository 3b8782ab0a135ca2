"""Every writing service says what it changed (the cases and kinds touched)."""

from __future__ import annotations

from datetime import date, time, timedelta

from legalaid.context import AppContext
from legalaid.services.hearings import (
    HearingInput,
    cancel_hearing,
    mark_verified,
    record_outcome,
    reschedule_hearing,
    schedule_hearing,
)
from legalaid.services.ops import HEARING, REFERENCE, RISK
from legalaid.services.reference import update_court, update_crossing
from legalaid.services.risk import (
    IncidentInput,
    RiskInput,
    add_assessment,
    add_incident,
    update_assessment,
    update_incident,
)
from tests.core.helpers import family


def test_hearing_writes_name_their_case_and_hearings(ctx: AppContext) -> None:
    case_id = family(ctx).case.id
    day = date.today() + timedelta(days=20)
    first = schedule_hearing(ctx, case_id, HearingInput(court="SDG", day=day, at=time(8, 0)))
    later = HearingInput(court="SDG", day=day + timedelta(days=7), at=time(9, 0))
    moved = reschedule_hearing(ctx, first.record.id, first.record.version, later)
    verified = mark_verified(ctx, moved.record.id)
    outcome = record_outcome(ctx, moved.record.id, verified.record.version, "attended")
    other = schedule_hearing(ctx, case_id, HearingInput(court="SDG"))
    cancelled = cancel_hearing(ctx, other.record.id, other.record.version)
    for saved in (first, moved, verified, outcome, other, cancelled):
        assert saved.changes.kinds == {HEARING} and saved.changes.cases == {case_id}
        assert saved.changes.touches_case(case_id) and not saved.changes.touches(RISK)
    assert moved.record.replaces_id == first.record.id
    assert cancelled.record.status == "cancelled"


def test_risk_writes_name_their_case(ctx: AppContext) -> None:
    case_id = family(ctx).case.id
    added = add_assessment(ctx, case_id, RiskInput(level="high"))
    edited = update_assessment(
        ctx, added.assessment.id, added.assessment.version, RiskInput(level="low")
    )
    incident = add_incident(ctx, added.assessment.id, IncidentInput(kind="threat"))
    changed = update_incident(
        ctx, incident.record.id, incident.record.version, IncidentInput(kind="assault")
    )
    for changes in (added.changes, edited.changes, incident.changes, changed.changes):
        assert changes.kinds == {RISK} and changes.cases == {case_id}
    assert changed.record.kind == "assault"


def test_reference_writes_touch_reference_data_only(ctx: AppContext) -> None:
    crossing = update_crossing(ctx, "SYS", address="Av. Nueva 1")
    court = update_court(ctx, "SDG", phone="+1 619 000 0000")
    for saved in (crossing, court):
        assert saved.changes.kinds == {REFERENCE} and saved.changes.cases == frozenset()
    assert crossing.record.address == "Av. Nueva 1" and court.record.phone == "+1 619 000 0000"
