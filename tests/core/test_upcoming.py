from __future__ import annotations

from datetime import time

from legalaid.context import AppContext
from legalaid.documents import log_document, reminder_letter
from legalaid.services.hearings import (
    HearingInput,
    mark_verified,
    record_outcome,
    reschedule_hearing,
)
from legalaid.services.upcoming import upcoming
from tests.core.helpers import family, hearing_in


def test_window_order_by_report_time_and_crossing_filter(ctx: AppContext) -> None:
    a = family(ctx, crossing="SYS", a_number="A 111-111-111")
    b = family(ctx, crossing="BRO", a_number="A 222-222-222", given="Rosa")
    hearing_in(ctx, a.case.id, 3, at=time(13, 0))  # report 9:00 PT
    hearing_in(ctx, b.case.id, 3, at=time(8, 0), crossing="BRO", court="BRO-MPP")  # 4:00 CT
    hearing_in(ctx, a.case.id, 40)
    rows = upcoming(ctx, 14)
    assert [r.crossing for r in rows] == ["BRO", "SYS"]
    assert rows[0].report_at.hour == 4 and str(rows[0].report_at.tzinfo) == "America/Chicago"
    assert rows[1].hearing_at.hour == 13
    assert [r.crossing for r in upcoming(ctx, 14, crossing="sys")] == ["SYS"]
    assert len(upcoming(ctx, 60)) == 3


def test_json_has_the_fields_and_offsets(ctx: AppContext) -> None:
    a = family(ctx, a_number="A 12345678")
    hearing_in(ctx, a.case.id, 2, at=time(8, 0))
    [row] = [r.as_json() for r in upcoming(ctx, 7)]
    assert row["case_number"] == a.case.case_number
    assert row["names"] == ["José Hernández Núñez", "Niña 0 Hernández Núñez"]
    assert row["a_numbers"] == ["A 012-345-678"]
    assert row["crossing"] == "SYS" and row["court"] == "SDG"
    assert row["hearing_at"][11:16] == "08:00" and row["hearing_at"][-6:] in ("-08:00", "-07:00")
    assert row["report_at"][11:16] == "04:00"
    assert row["kind"] == "master" and row["status"] == "scheduled"
    assert row["flags"] == ["not_verified"] and row["reminder_outdated"] is False


def test_flags_verified_and_missed(ctx: AppContext) -> None:
    a = family(ctx)
    hid = hearing_in(ctx, a.case.id, 1)
    h = mark_verified(ctx, hid).record
    assert upcoming(ctx, 7)[0].flags == []
    record_outcome(ctx, hid, h.version, "missed")
    assert upcoming(ctx, 7)[0].flags == ["missed"]


def test_reminder_outdated_after_a_reschedule_until_a_new_one_is_printed(ctx: AppContext) -> None:
    a = family(ctx)
    hid = hearing_in(ctx, a.case.id, 3)
    mark_verified(ctx, hid)
    log_document(ctx, reminder_letter(ctx, hid))
    assert upcoming(ctx, 7)[0].flags == []
    row = upcoming(ctx, 7)[0]
    later = HearingInput(court="SDG", crossing="SYS", day=row.hearing_at.date(), at=time(13, 0))
    new = reschedule_hearing(ctx, hid, None, later).record.id
    mark_verified(ctx, new)
    [moved] = upcoming(ctx, 7)
    assert moved.hearing_id == new and moved.flags == ["reminder_outdated"]
    assert (
        moved.as_json()["flags"] == ["reminder_outdated"] and moved.as_json()["reminder_outdated"]
    )
    log_document(ctx, reminder_letter(ctx, new))
    assert upcoming(ctx, 7)[0].flags == []
