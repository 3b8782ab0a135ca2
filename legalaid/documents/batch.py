"""Reminders for many hearings at once: one PDF with a letter per hearing, or one file per
household. Progress goes to a callback, a cancel callback stops it, and files are written
atomically (a temporary file, then os.replace): a cancelled or failed batch leaves nothing
half-written behind and logs nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from legalaid import faults
from legalaid.context import AppContext
from legalaid.documents.facts import HearingFacts, load_hearings
from legalaid.documents.files import check_file, check_folder, storage_error, write_atomic
from legalaid.documents.letters import Cancel, Cancelled, Progress, batch_title, render
from legalaid.documents.log import log_entries
from legalaid.documents.model import BatchResult, Document
from legalaid.documents.parallel import render_parallel, start_workers, workers_for
from legalaid.documents.script import glyph_warnings
from legalaid.documents.titles import check_layout, letter_title
from legalaid.documents.warnings import letter_warnings
from legalaid.errors import NotFoundError, Problem, ValidationError
from legalaid.files import drop_partial, new_partial
from legalaid.i18n import N_
from legalaid.models import DocumentLogEntry, HearingStatus
from legalaid.services.documents import record_documents
from legalaid.services.ops import NOTHING, OpChanges
from legalaid.services.upcoming import upcoming

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


MAX_DAYS = 366


@dataclass
class _Written:
    path: Path
    letters: list[HearingFacts]
    sha256: str
    size: int


def _written(path: Path, letters: list[HearingFacts], data: bytes) -> _Written:
    return _Written(path, letters, hashlib.sha256(data).hexdigest(), len(data))


def reminders_batch(
    ctx: AppContext,
    *,
    hearing_ids: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    crossing: str | None = None,
    out: Path,
    per_household: bool = False,
    layout: str = "columns",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    deterministic: bool = False,
    today: date | None = None,
    off_process: bool = False,
    warn: Callable[[list[Problem]], None] | None = None,
    defer_log: bool = False,
) -> BatchResult:
    """Letters for ``hearing_ids``, or for every scheduled hearing from ``start`` to ``end``
    (court-local dates, both included), optionally at one crossing, by report time.

    ``off_process`` (the client): one PDF is laid out in worker processes whatever its size,
    so the window's interpreter stays free. ``warn`` hears, before any letter is laid out,
    what the person should know (report times already past, no phone to call, names the
    font cannot print); the result carries the same warnings. ``defer_log`` (the client,
    which previews the letters first): nothing is logged now; :func:`log_batch` logs the
    letters when the file is saved or printed."""
    check_layout(layout)
    ids = hearing_ids if hearing_ids is not None else hearings_in_range(ctx, start, end, crossing)
    if not ids:
        raise NotFoundError(N_("There are no hearings to print a reminder for."), "range")
    out = Path(out)
    if per_household:
        check_folder(out, create=True)
    else:
        check_file(out)
    workers = 1 if per_household else workers_for(len(ids), deterministic, off_process=off_process)
    # The worker processes start while the facts are read here (see parallel.start_workers).
    pool = start_workers(workers) if workers > 1 else None
    try:
        facts = load_hearings(ctx, ids)
        warnings = letter_warnings(ctx, facts) + glyph_warnings(
            m.name for f in facts for m in f.members
        )
        if warn is not None and warnings:
            warn(warnings)
        report = progress or (lambda _done, _total: None)
        stop = cancel or (lambda: False)
        if per_household:
            written = _per_household(ctx, facts, out, layout, report, stop, deterministic, today)
        else:
            written = [
                _one_file(
                    ctx, facts, out, layout, report, stop, deterministic, today, pool, workers
                )
            ]
    except Cancelled:
        return BatchResult(0, [], True)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)  # done already, unless this failed
    changes = NOTHING if defer_log else _log(ctx, written)
    report(len(facts), len(facts))
    pending = list(written) if defer_log else []
    return BatchResult(len(facts), [w.path for w in written], False, warnings, pending, changes)


def log_batch(
    ctx: AppContext, result: BatchResult, *, path: Path | None = None, action: str = "printed"
) -> OpChanges:
    """Log the letters of a batch built with ``defer_log`` once they are saved (to ``path``)
    or printed; returns what changed."""
    written = [
        _Written(path or w.path, w.letters, w.sha256, w.size) if path else w for w in result.pending
    ]
    return _log(ctx, written, action=action, keep_path=path is not None)


def hearings_in_range(
    ctx: AppContext, start: date | None, end: date | None, crossing: str | None = None
) -> list[str]:
    """Scheduled hearings whose court-local date is in [start, end], by report time."""
    if start is None or end is None:
        raise ValidationError(N_("Give the first and the last day of the range."), "range")
    if end < start:
        raise ValidationError(N_("The last day is before the first day."), "range")
    if end - start > timedelta(days=MAX_DAYS):
        raise ValidationError(N_("Print at most one year of hearings at a time."), "range")
    if start.year < 1900 or end.year > 2199:
        raise ValidationError(N_("Give dates from 1900 to 2199."), "range")
    rows = upcoming(ctx, (end - start).days + 1, start=start, crossing=crossing)
    found = [r.hearing_id for r in rows if r.status == HearingStatus.SCHEDULED]
    if not found:
        raise NotFoundError(
            N_("There are no scheduled hearings from %(start)s to %(end)s."),
            "range",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return found


def _one_file(
    ctx: AppContext,
    facts: list[HearingFacts],
    out: Path,
    layout: str,
    progress: Progress,
    cancel: Cancel,
    deterministic: bool,
    today: date | None,
    pool: ProcessPoolExecutor | None,
    workers: int,
) -> _Written:
    """One PDF; large batches are laid out in ``pool``'s worker processes (parallel.py)."""
    if pool is None:
        data = render(ctx, facts, layout, progress, cancel, deterministic, today)
        write_atomic(out, data)
        return _written(out, facts, data)
    title = batch_title(facts)
    try:
        if not render_parallel(
            ctx, facts, layout, workers, progress, cancel, title, today, out, pool
        ):
            raise Cancelled
    except OSError as error:
        raise storage_error(out, error) from error
    with out.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return _Written(out, facts, digest, out.stat().st_size)


def _per_household(
    ctx: AppContext,
    facts: list[HearingFacts],
    folder: Path,
    layout: str,
    progress: Progress,
    cancel: Cancel,
    deterministic: bool,
    today: date | None,
) -> list[_Written]:
    groups: dict[str, list[HearingFacts]] = {}
    for item in facts:
        groups.setdefault(item.case_id, []).append(item)
    # Each file is written owner-only under a temporary name beside its target and all are
    # renamed once every one is written: a cancel or a failure removes them, and after a kill
    # the next start does (legalaid.files).
    staged: list[Path] = []
    written: list[_Written] = []
    try:
        done = 0
        for letters in groups.values():
            name = f"{_safe(letters[0].case_number)}.pdf"
            data = render(
                ctx, letters, layout, progress, cancel, deterministic, today, done, len(facts)
            )
            staged.append(new_partial(folder / name))
            with staged[-1].open("r+b") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            written.append(_written(folder / name, letters, data))
            done += len(letters)
            faults.reached("batch", "household")
        faults.reached("batch", "rename")
        while staged:
            os.replace(staged[0], written[len(written) - len(staged)].path)
            drop_partial(staged.pop(0))
    except OSError as error:
        raise storage_error(folder, error) from error
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
            drop_partial(tmp)
    return written


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "case"


def _log(
    ctx: AppContext, written: list[_Written], *, action: str = "saved", keep_path: bool = True
) -> OpChanges:
    """One log row per letter, with the hash and size of the file it went into."""
    return record_documents(ctx, _log_rows(ctx, written, action, keep_path))


def _log_rows(
    ctx: AppContext, written: list[_Written], action: str, keep_path: bool
) -> Iterator[DocumentLogEntry]:
    for item in written:
        extra = {"letters_in_file": len(item.letters)}
        for facts in item.letters:
            doc = Document(
                "reminder",
                facts.case_id,
                [facts.hearing_id],
                b"",
                letter_title(facts),
                {facts.hearing_id: facts.printed()},
                warnings=glyph_warnings(m.name for m in facts.members),
            )
            yield from log_entries(
                ctx,
                doc,
                path=item.path if keep_path else None,
                sha256=item.sha256,
                size=item.size,
                extra=extra,
                action=action,
            )
