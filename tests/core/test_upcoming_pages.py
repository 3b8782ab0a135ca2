"""The Upcoming list in pages: the pages one after another are the whole list, in order, each
with its own flags; the last page says there is no more. (Also on the office server:
tests/server/test_upcoming_pages_pg.py.)"""

from __future__ import annotations

from typing import Any

from legalaid.context import AppContext
from legalaid.services.demo import generate_demo
from legalaid.services.upcoming import upcoming, upcoming_page


def all_pages(ctx: AppContext, days: int, limit: int, **kw: Any) -> list[list[Any]]:
    pages, after = [], None
    while True:
        page = upcoming_page(ctx, days, after=after, limit=limit, **kw)
        pages.append(page.rows)
        if page.after is None:
            return pages
        assert len(page.rows) == limit
        after = page.after


def test_the_pages_together_are_the_whole_list(ctx: AppContext) -> None:
    generate_demo(ctx, 120, seed=7)
    whole = upcoming(ctx, 45)
    assert len(whole) > 40
    pages = all_pages(ctx, 45, 13)
    assert len(pages) == len(whole) // 13 + 1
    joined = [row for page in pages for row in page]
    assert [r.hearing_id for r in joined] == [r.hearing_id for r in whole]
    assert [r.flags for r in joined] == [r.flags for r in whole]
    assert [r.names for r in joined] == [r.names for r in whole]
    key = [(r.report_at, r.crossing, r.case_number) for r in joined]
    assert key == sorted(key)
    sys_rows = [r.hearing_id for r in upcoming(ctx, 45, crossing="SYS")]
    assert [r.hearing_id for p in all_pages(ctx, 45, 5, crossing="SYS") for r in p] == sys_rows


def test_an_empty_window_is_one_empty_last_page(ctx: AppContext) -> None:
    page = upcoming_page(ctx, 30)
    assert page.rows == [] and page.after is None


def test_the_counts_are_the_whole_windows(ctx: AppContext) -> None:
    from legalaid.services.upcoming import upcoming_counts

    generate_demo(ctx, 120, seed=7)
    for crossing in (None, "SYS"):
        whole = upcoming(ctx, 30, crossing=crossing)
        counts = upcoming_counts(ctx, 30, crossing=crossing)
        flags = [f for r in whole for f in r.flags]
        assert (counts.hearings, counts.missed, counts.not_verified) == (
            len(whole),
            flags.count("missed"),
            flags.count("not_verified"),
        )
        assert counts.hearings > 0
