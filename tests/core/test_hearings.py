from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from legalaid.context import AppContext
from legalaid.errors import ConflictError, ValidationError
from legalaid.services.cases import get_case
from legalaid.services.hearings import (
    HearingInput,
    attendees,
    cancel_hearing,
    history_order,
    mark_verified,
    record_outcome,
    reschedule_hearing,
    schedule_hearing,
    unusual_day,
)
from tests.core.helpers import family


def test_hearing_is_an_instant_in_the_court_zone_with_report_time(ctx: AppContext) -> None:
    case = family(ctx, crossing="ELP")
    h = schedule_hearing(
        ctx,
        case.case.id,
        HearingInput(
            court="ELP", crossing="ELP", day=date(2027, 1, 12), at=time(8, 30), report_at=time(4, 0)
        ),
    ).record
    assert h.zone == "America/Denver"
    assert h.starts_at == datetime(2027, 1, 12, 15, 30, tzinfo=UTC)  # MST = UTC-7
    assert h.report_at == datetime(2027, 1, 12, 11, 0, tzinfo=UTC)
    assert h.status == "scheduled"
    assert [p.given_names for p in attendees(ctx, h.id)] == ["José", "Niña 0"]


def test_report_time_defaults_to_four_hours_before(ctx: AppContext) -> None:
    case = family(ctx)
    h = schedule_hearing(
        ctx, case.case.id, HearingInput(day=date(2027, 7, 6), at=time(8, 0), court="SDG")
    ).record
    assert h.starts_at is not None and h.report_at == h.starts_at - timedelta(hours=4)


def test_report_after_hearing_and_missing_pieces_are_refused(ctx: AppContext) -> None:
    case = family(ctx)
    with pytest.raises(ValidationError, match="anterior a la hora de la audiencia"):
        schedule_hearing(
            ctx,
            case.case.id,
            HearingInput(court="SDG", day=date(2027, 1, 5), at=time(8, 0), report_at=time(9, 0)),
        )
    with pytest.raises(ValidationError, match="Garita desconocida"):
        schedule_hearing(ctx, case.case.id, HearingInput(court="SDG", crossing="ZZZ"))
    with pytest.raises(ValidationError, match="además de la fecha"):
        schedule_hearing(ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 1, 5)))


def test_a_time_that_does_not_exist_is_refused(ctx: AppContext) -> None:
    case = family(ctx)
    with pytest.raises(ValidationError, match="no existen ese día"):
        schedule_hearing(
            ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 3, 14), at=time(2, 30))
        )


def test_date_to_be_set(ctx: AppContext) -> None:
    case = family(ctx)
    h = schedule_hearing(ctx, case.case.id, HearingInput(court="SDG")).record
    assert h.status == "to_be_set" and h.starts_at is None


def test_rescheduling_keeps_the_old_date_in_the_history(ctx: AppContext) -> None:
    case = family(ctx)
    first = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 2, 2), at=time(8, 0))
    ).record
    second = reschedule_hearing(
        ctx,
        first.id,
        first.version,
        HearingInput(court="SDG", day=date(2027, 3, 2), at=time(13, 0), source="tear_sheet"),
    ).record
    history = get_case(ctx, case.case.id).hearings
    assert [(h.status, h.replaces_id) for h in history] == [
        ("postponed", None),
        ("scheduled", first.id),
    ]
    assert history[1].id == second.id
    with pytest.raises(ValidationError, match="ya fue reemplazada"):
        reschedule_hearing(ctx, first.id, None, HearingInput(court="SDG"))
    with pytest.raises(ConflictError):
        reschedule_hearing(ctx, second.id, second.version + 5, HearingInput(court="SDG"))


def test_rescheduling_to_the_same_date_or_to_no_date_is_refused(ctx: AppContext) -> None:
    case = family(ctx)
    first = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 2, 2), at=time(8, 0))
    ).record
    same = HearingInput(court="SDG", day=date(2027, 2, 2), at=time(8, 0), source="tear_sheet")
    with pytest.raises(ValidationError) as refused:
        reschedule_hearing(ctx, first.id, first.version, same)
    assert refused.value.by_field() == {
        "day": "La nueva fecha y hora son iguales a las anteriores: escriba la fecha y la hora "
        "que dio la corte para la nueva audiencia."
    }
    with pytest.raises(ValidationError) as refused:
        reschedule_hearing(ctx, first.id, first.version, HearingInput(court="SDG"))
    assert refused.value.by_field() == {"day": "Escriba la nueva fecha que dio la corte."}
    with pytest.raises(ValidationError, match="además de la fecha"):
        reschedule_hearing(ctx, first.id, first.version, HearingInput(day=date(2027, 3, 2)))
    [stored] = get_case(ctx, case.case.id).hearings  # nothing was postponed
    assert stored.status == "scheduled" and stored.version == first.version
    moved = reschedule_hearing(  # the same day at another hour is a new date
        ctx,
        first.id,
        first.version,
        HearingInput(court="SDG", day=date(2027, 2, 2), at=time(13, 0)),
    ).record
    assert moved.status == "scheduled"


def test_a_hearing_moved_earlier_is_still_on_top_of_the_history(ctx: AppContext) -> None:
    case = family(ctx)
    first = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 6, 2), at=time(8, 0))
    ).record
    earlier = reschedule_hearing(
        ctx, first.id, first.version, HearingInput(court="SDG", day=date(2027, 3, 2), at=time(8, 0))
    ).record
    later = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 9, 1), at=time(8, 0))
    ).record
    old = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2026, 1, 5), at=time(8, 0))
    ).record
    record_outcome(ctx, old.id, old.version, "attended")
    ordered = history_order(get_case(ctx, case.case.id).hearings)
    assert [h.id for h in ordered] == [earlier.id, later.id, first.id, old.id]


def test_a_past_or_far_date_is_asked_about() -> None:
    today = date(2026, 12, 4)
    assert unusual_day(None, today) is None
    assert unusual_day(today, today) is None
    assert unusual_day(date(2028, 12, 4), today) is None
    past = unusual_day(date(2026, 12, 3), today)
    assert past is not None and past.field == "day" and "ya pasó" in past.message()
    far = unusual_day(date(2028, 12, 5), today)
    assert far is not None and "más de dos años" in far.message()
    assert unusual_day(date(2030, 3, 1), date(2028, 2, 29)) is not None


def test_outcome_cancel_and_verification(ctx: AppContext) -> None:
    case = family(ctx)
    h = schedule_hearing(
        ctx, case.case.id, HearingInput(court="SDG", day=date(2027, 2, 2), at=time(8, 0))
    ).record
    verified = mark_verified(ctx, h.id).record
    assert verified.verified_by == "Ana Tester" and verified.source == "hotline"
    missed = record_outcome(ctx, h.id, verified.version, "missed", "No llegó el transporte").record
    assert missed.status == "missed" and missed.outcome == "No llegó el transporte"
    with pytest.raises(ValidationError):
        record_outcome(ctx, h.id, None, "postponed")
    other = schedule_hearing(ctx, case.case.id, HearingInput(court="SDG")).record
    assert cancel_hearing(ctx, other.id, other.version).record.status == "cancelled"
    with pytest.raises(ValidationError, match="futuro"):
        mark_verified(ctx, h.id, when=datetime.now(UTC) + timedelta(days=2))
