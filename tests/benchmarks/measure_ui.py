"""What ui_child.py measures once the window is usable.

Only the standard library at the top: ui_child.py imports ``until`` from here before its window
is usable; what measures (psutil, Qt's timer) is imported where it is used.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

UPCOMING_DAYS = "30"  # the longest window the Upcoming view offers


def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


def peak_mb() -> float:
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def until(app: Any, condition: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def measure(app: Any, window: Any, ctx: Any, letters: int) -> dict[str, Any]:
    model = window.cases.model
    figures: dict[str, Any] = {"rows_first_page": model.rowCount(), "total": model.total}
    started = time.perf_counter()
    window.cases.search.setText("ma")
    until(app, lambda: model.query.text == "ma" and model.rowCount() > 0)
    window.cases.search.setText("")
    until(app, lambda: model.query.text == "" and model.rowCount() > 0)
    figures["first_rows_ms"] = (time.perf_counter() - started) * 1000
    figures.update(scroll(app, window))
    figures["rss_after_scroll_mb"] = rss_mb()
    figures.update(open_upcoming(app, window))
    figures.update(batch(app, window, letters))
    figures["peak_mb"] = peak_mb()
    return figures


def scroll(app: Any, window: Any) -> dict[str, Any]:
    """Page down from the first case to the last, waiting at each screen until its rows show."""
    table, model = window.cases.table, window.cases.model
    bar = table.verticalScrollBar()
    bar.setValue(0)
    started = time.perf_counter()
    slowest, steps = 0.0, 0
    while True:
        step_start = time.perf_counter()
        table.viewport().repaint()
        top = max(0, table.rowAt(0))
        bottom = table.rowAt(table.viewport().height() - 2)
        bottom = model.rowCount() - 1 if bottom < 0 else bottom
        until(
            app,
            lambda t=top, b=bottom: (
                model.index(t, 0).data() != "…" and model.index(b, 0).data() != "…"
            ),
        )
        slowest = max(slowest, time.perf_counter() - step_start)
        steps += 1
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())
    return {
        "scroll_s": time.perf_counter() - started,
        "rows_held": model.rows_held(),
        "scroll_steps": steps,
        "slowest_screen_ms": slowest * 1000,
    }


def open_upcoming(app: Any, window: Any) -> dict[str, Any]:
    """The Upcoming view, then its longest window (30 days): until its first page is listed,
    then every page read as if scrolled to the end (the batch below selects from them)."""
    started = time.perf_counter()
    window.show_view(1)  # the view is made when first shown: that is timed too
    panel = window.upcoming
    until(app, lambda: panel.model.rowCount() > 0 and window.runner.active == 0)
    first = time.perf_counter() - started
    generation = panel._generation
    started = time.perf_counter()
    panel.days.set_code(UPCOMING_DAYS)
    until(
        app,
        lambda: (
            panel._generation != generation
            and not panel._loading
            and panel.model.rowCount() > 0
            and window.runner.active == 0
        ),
    )
    first_page = time.perf_counter() - started
    started = time.perf_counter()
    while panel.has_more():
        panel.load_more()
        until(app, lambda: not panel._loading and window.runner.active == 0)
    return {
        "upcoming_default_s": first,
        "upcoming_30_days_s": first_page,
        "upcoming_30_days_all_s": time.perf_counter() - started,
        "upcoming_30_days_rows": sum(len(g.rows) for g in panel.model.groups),
        "rss_upcoming_mb": rss_mb(),
        "peak_upcoming_mb": peak_mb(),
    }


def batch(app: Any, window: Any, letters: int) -> dict[str, Any]:
    """Print reminders for the first ``letters`` scheduled hearings the Upcoming view lists,
    as a lawyer selecting them would; a 10 ms timer measures how long the window stalls."""
    from PySide6.QtCore import QTimer

    rows = [r for g in window.upcoming.model.groups for r in g.rows if r.status == "scheduled"]
    ids = [r.hearing_id for r in rows][:letters]
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    finished: list[Any] = []
    printer = window.upcoming.batch
    printer.finished.connect(finished.append)
    progressed: list[float] = []  # RSS when the first letters are back from the workers
    started = time.perf_counter()
    task = printer.start(ids)

    def first_progress(*_a: object) -> None:
        if not progressed:
            progressed.append(rss_mb())

    task.progressed.connect(first_progress)
    until(app, lambda: bool(finished), timeout=600)
    ended = time.perf_counter()
    timer.stop()
    stages = {
        "rss_first_letters_mb": progressed[0] if progressed else 0.0,
        "rss_preview_open_mb": rss_mb(),
        "peak_after_batch_mb": peak_mb(),
    }
    settle = time.monotonic() + 1.0  # the preview paints its first page
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    stages["rss_preview_painted_mb"] = rss_mb()
    if printer.preview is not None:
        printer.preview.close()
        app.processEvents()
        stages["rss_preview_closed_mb"] = rss_mb()
    gaps = [b - a for a, b in itertools.pairwise(ticks) if a >= started]
    return {
        "batch_letters": len(ids),
        "batch_s": ended - started,
        "max_gap_ms": max(gaps) * 1000 if gaps else None,
        **stages,
    }
