"""Large reminder batches on every core: chunks of letters laid out in worker processes, then
joined into one PDF.

reportlab's layout is pure Python, so one process tops out near the speed of a bare page with
the same text (about 65 letters/s here); two cores roughly double it. Workers get only the
settings and the already-loaded hearing facts (never the database key), start with ``spawn`` (safe
next to Qt's threads) and write their chunk to a file; a worker joins the files with pypdf.
Cancelling drops the chunks not yet started and waits for at most one chunk per worker. The
calling process does no PDF work at all and never loads reportlab or pypdf (the client's memory).

The chunks (people's hearing details) are written owner-only in a private temporary folder
(legalaid.tempfiles: a later start removes it if this process was killed), and the joined PDF
into an owner-only temporary file beside the target, renamed over it when complete. Workers die
with the process that started them, even when it is killed: on Linux the kernel sends them
SIGKILL (prctl PR_SET_PDEATHSIG), elsewhere a thread in each checks its parent every second.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from legalaid import faults
from legalaid.documents.facts import HearingFacts
from legalaid.files import FILE_MODE, partial
from legalaid.settings import Settings
from legalaid.tempfiles import private_dir

if TYPE_CHECKING:
    from collections.abc import Callable

    from legalaid.context import AppContext

PARALLEL_FROM = 300  # below this, starting processes costs more than it saves
# The steps of a batch (legalaid.faults): one PDF in worker processes, or one file per household.
STEPS = ("workers", "chunks", "join", "rename", "household")
PR_SET_PDEATHSIG = 1
MIN_CHUNK, MAX_CHUNK = 40, 200  # each chunk embeds its own font subset: not too many of them


@dataclass
class _RenderOnly:
    """What the letter builders read from a context: the settings and the home folder."""

    settings: Settings
    home: object


def workers_for(count: int, deterministic: bool, *, off_process: bool = False) -> int:
    """How many processes lay out ``count`` letters (1: this one).

    ``off_process``: the caller is a window, whose interface thread shares this process's
    interpreter; laying letters out in one of its threads stalled the window for 0.4-2.7 s
    (measured at 250 letters), so any batch of two letters or more goes to worker processes.
    """
    if deterministic or count < (2 if off_process else PARALLEL_FROM):
        return 1
    return max(2 if off_process else 1, min(os.cpu_count() or 1, 4))


def _chunk(
    settings: Settings,
    home: object,
    facts: list[HearingFacts],
    layout: str,
    today: date | None,
    target: str,
) -> str:
    from legalaid.documents.letters import render_letters

    ctx = cast("AppContext", _RenderOnly(settings, home))
    _write_private(target, render_letters(ctx, facts, layout, deterministic=False, today=today))
    return target


def _write_private(target: str, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _die_with(parent: int) -> None:
    """A worker's initialiser: end this process when ``parent`` ends, however it ends."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # it ended before the request was made
            os._exit(1)
        return
    from legalaid.tempfiles import alive

    def watch() -> None:
        while alive(parent):
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def start_workers(workers: int) -> ProcessPoolExecutor:
    """Start ``workers`` processes now, each loading what it lays letters out with (~0.8 s:
    the interpreter, reportlab, the models the facts arrive in), while this process still
    reads the facts; ``render_parallel`` then uses them, and shuts them down."""
    faults.reached("batch", "workers")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with,
        initargs=(os.getpid(),),
    )
    for _ in range(workers):  # one process started for each
        pool.submit(_load_modules)
    return pool


def _load_modules() -> None:
    import pypdf  # noqa: F401  (join_files runs in one of these workers)
    import reportlab.platypus  # noqa: F401

    import legalaid.documents.letters
    import legalaid.documents.reminder  # noqa: F401


def render_parallel(
    ctx: AppContext,
    facts: list[HearingFacts],
    layout: str,
    workers: int,
    progress: Callable[[int, int], None],
    cancel: Callable[[], bool],
    title: str,
    today: date | None,
    out: Path,
    pool: ProcessPoolExecutor | None = None,
) -> bool:
    """Write the joined PDF to ``out`` (atomically); False when cancelled (nothing written).
    ``pool``: workers already started (``start_workers``); shut down here in any case.

    Chunks travel as files in a private temporary folder, never as bytes through this
    process: a 1,000-letter batch moves ~6 MB, and pickling it here would hold the GIL.
    """
    size = max(MIN_CHUNK, min(MAX_CHUNK, len(facts) // (workers * 5) or MIN_CHUNK))
    chunks = [facts[i : i + size] for i in range(0, len(facts), size)]
    staging = private_dir("batch")
    try:
        with pool or start_workers(workers) as pool:
            parts = _render_chunks(ctx, pool, chunks, layout, today, staging, progress, cancel)
            if parts is None:
                return False
            with partial(out) as joined:
                faults.reached("batch", "join")
                pool.submit(join_files, parts, title, str(joined)).result()
                faults.reached("batch", "rename")
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _render_chunks(
    ctx: AppContext,
    pool: ProcessPoolExecutor,
    chunks: list[list[HearingFacts]],
    layout: str,
    today: date | None,
    staging: Path,
    progress: Callable[[int, int], None],
    cancel: Callable[[], bool],
) -> list[str] | None:
    pending: dict[Future[str], int] = {
        pool.submit(
            _chunk,
            ctx.settings,
            ctx.home,
            chunk,
            layout,
            today,
            str(staging / f"part-{index:05d}.pdf"),
        ): index
        for index, chunk in enumerate(chunks)
    }
    total, done = sum(len(c) for c in chunks), 0
    paths: dict[int, str] = {}
    while pending:
        finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        if finished:
            faults.reached("batch", "chunks")
        if cancel():
            pool.shutdown(wait=True, cancel_futures=True)
            return None
        for future in finished:
            index = pending.pop(future)
            paths[index] = future.result()
            done += len(chunks[index])
            progress(done, total)
    return [paths[i] for i in range(len(chunks))]


def join_files(parts: list[str], title: str, target: str) -> None:
    """Join the chunk PDFs into ``target`` (in a worker process), flushed to disk."""
    from pypdf import PdfReader, PdfWriter  # here: the calling process never loads pypdf
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(part))
    writer.add_metadata({"/Title": title, "/Creator": "LegalAid", "/Producer": "LegalAid"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("es-MX")
    with open(target, "r+b") as handle:  # the owner-only file the caller made
        handle.truncate()
        writer.write(handle)
        handle.flush()
        os.fsync(handle.fileno())
