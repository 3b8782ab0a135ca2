"""Letters laid out into one PDF, in this process: the part of a batch a worker process runs.

The layout (reportlab, the fonts) loads only where letters are laid out: a large batch lays
them out in worker processes (legalaid.documents.parallel), and the calling process (the
client) never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from legalaid.context import AppContext
from legalaid.documents.facts import HearingFacts
from legalaid.documents.titles import TITLE, bilingual, letter_title

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class Cancelled(BaseException):
    """Raised from inside the layout to stop it (BaseException: reportlab must not wrap it)."""


def render_letters(
    ctx: AppContext,
    facts: list[HearingFacts],
    layout: str,
    *,
    deterministic: bool,
    today: date | None,
) -> bytes:
    """Letters laid out in this process, with no progress or cancel (a worker's chunk)."""
    return render(ctx, facts, layout, lambda _d, _t: None, lambda: False, deterministic, today)


def render(
    ctx: AppContext,
    facts: list[HearingFacts],
    layout: str,
    progress: Progress,
    cancel: Cancel,
    deterministic: bool,
    today: date | None,
    done: int = 0,
    total: int | None = None,
) -> bytes:
    from reportlab.platypus import PageBreak

    from legalaid.documents.pdf import build_pdf
    from legalaid.documents.reminder import letter_meta, letter_story

    total = len(facts) if total is None else total
    story: list[Flowable] = []
    for index, item in enumerate(facts):
        if cancel():
            raise Cancelled
        if index:
            story.append(PageBreak())
        letter = letter_story(ctx, item, layout, today)
        letter[0] = with_progress(letter[0], done + index, total, progress, cancel)
        story += letter
    title = batch_title(facts)
    return build_pdf(story, letter_meta(ctx, title, deterministic))


def with_progress(
    marker: Flowable, done: int, total: int, progress: Progress, cancel: Cancel
) -> Flowable:
    """The letter's start marker also reports progress and checks for cancel when laid out."""
    from legalaid.documents.pdf import GroupStart

    assert isinstance(marker, GroupStart)

    def tick() -> None:
        if cancel():
            raise Cancelled
        progress(done, total)

    marker.on_draw = tick
    return marker


def batch_title(facts: list[HearingFacts]) -> str:
    if len(facts) == 1:
        return letter_title(facts[0])
    return f"{bilingual(TITLE, ' / ')} ({len(facts)})"
