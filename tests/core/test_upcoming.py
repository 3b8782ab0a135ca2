from __future__ import annotations

from datetime import time

from legalaid.context import AppContext
from legalaid.services.hearings import mark_verified, record_outcome
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
    assert row["flags"] == ["not_verified"]


def test_flags_verified_and_missed(ctx: AppContext) -> None:
    a = family(ctx)
    hid = hearing_in(ctx, a.case.id, 1)
    h = mark_verified(ctx, hid)
    assert upcoming(ctx, 7)[0].flags == []
    record_outcome(ctx, hid, h.version, "missed")
    assert upcoming(ctx, 7)[0].flags == ["missed"]
