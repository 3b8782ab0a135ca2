"""Large reminder batches on every core: chunks of letters laid out in worker processes, then
joined into one PDF.

reportlab's layout is pure Python, so one process tops out near the speed of a bare page with
the same text (about 65 letters/s here); two cores roughly double it. Workers get only the
settings and the already-loaded hearing facts (never the database key), start with ``spawn`` (safe
next to Qt's threads) and send back PDF bytes; the parent joins them with pypdf. Cancelling drops
the chunks not yet started and waits for at most one chunk per worker. The join runs in a worker
too, so the calling process does no PDF work at all.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from legalaid.documents.facts import HearingFacts
from legalaid.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from legalaid.context import AppContext

PARALLEL_FROM = 300  # below this, starting processes costs more than it saves
MIN_CHUNK, MAX_CHUNK = 40, 200  # each chunk embeds its own font subset: not too many of them


@dataclass
class _RenderOnly:
    """What the letter builders read from a context: the settings and the home folder."""

    settings: Settings
    home: object


def workers_for(count: int, deterministic: bool) -> int:
    if deterministic or count < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _chunk(
    settings: Settings, home: object, facts: list[HearingFacts], layout: str, today: date | None
) -> bytes:
    from legalaid.documents.batch import render_letters

    ctx = cast("AppContext", _RenderOnly(settings, home))
    return render_letters(ctx, facts, layout, deterministic=False, today=today)


def render_parallel(
    ctx: AppContext,
    facts: list[HearingFacts],
    layout: str,
    workers: int,
    progress: Callable[[int, int], None],
    cancel: Callable[[], bool],
    title: str,
    today: date | None,
) -> bytes | None:
    """The joined PDF, or None when cancelled."""
    size = max(MIN_CHUNK, min(MAX_CHUNK, len(facts) // (workers * 5) or MIN_CHUNK))
    chunks = [facts[i : i + size] for i in range(0, len(facts), size)]
    parts: dict[int, bytes] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: dict[Future[bytes], int] = {
            pool.submit(_chunk, ctx.settings, ctx.home, chunk, layout, today): index
            for index, chunk in enumerate(chunks)
        }
        done = 0
        while pending:
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if cancel():
                pool.shutdown(wait=True, cancel_futures=True)
                return None
            for future in finished:
                index = pending.pop(future)
                parts[index] = future.result()
                done += len(chunks[index])
                progress(done, len(facts))
        # Joining builds a large pypdf object graph; doing it in a worker keeps the caller's
        # process (the client's window) free of that work and of its garbage collection.
        return pool.submit(join, [parts[i] for i in range(len(chunks))], title).result()


def join(parts: list[bytes], title: str) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": title, "/Creator": "LegalAid", "/Producer": "LegalAid"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("es-MX")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
