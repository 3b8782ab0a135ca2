"""Client figures at 100,000 cases, each next to a baseline measured in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_ui.py [--cases 100000]

- cold start to a usable main window (shown, the first rows of the case list painted, the search
  box taking keystrokes), against a bare PySide6 window with an empty table started the same way
  (a new process each time, median of 3); aim: within 1.5x;
- case list: time to first rows after a search is cleared, scrolling top to bottom, rows the
  model holds after the scroll, and memory; aim: the model never loads every row;
- the longest stall of a 10 ms timer while a 1,000-letter batch is printed from the window;
  aim: under 50 ms;
- peak memory (RSS) of the client; aim: under 300 MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from figures import row  # noqa: E402  (tests/benchmarks/figures.py)

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget
from PySide6.QtGui import QStandardItemModel
app = QApplication(sys.argv[:1])
window = QMainWindow()
body = QWidget(); layout = QVBoxLayout(body)
search = QLineEdit(); table = QTableView(); table.setModel(QStandardItemModel(0, 7))
layout.addWidget(search); layout.addWidget(table)
window.setCentralWidget(body); window.resize(1280, 800); window.show()
app.processEvents(); search.setFocus(); table.viewport().repaint(); app.processEvents()
print("ready", flush=True)
"""


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


def _peak_mb() -> float:
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def client(home: str, letters: int) -> None:
    """The child process: start the client on ``home``, report when usable, then measure."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from legalaid.context import open_home
    from ui.app import application, tune_gc
    from ui.language import LanguageSwitcher
    from ui.main_window import MainWindow

    app = application()
    switcher = LanguageSwitcher.of(app)
    switcher.apply("es")
    ctx = open_home(home, unencrypted=True)
    window = MainWindow(ctx, switcher)
    window.show()
    model = window.cases.model
    _until(app, lambda: model.rowCount() > 0)
    window.cases.search.setFocus()
    window.cases.table.viewport().repaint()
    app.processEvents()
    print("ready", flush=True)
    tune_gc()
    figures: dict[str, Any] = {"rows_first_page": model.rowCount(), "total": model.total}
    started = time.perf_counter()
    window.cases.search.setText("ma")
    _until(app, lambda: model.query.text == "ma" and model.rowCount() > 0)
    window.cases.search.setText("")
    _until(app, lambda: model.query.text == "" and model.rowCount() > 0)
    figures["first_rows_ms"] = (time.perf_counter() - started) * 1000
    figures.update(_scroll(app, window))
    figures["rss_after_scroll_mb"] = _rss_mb()
    figures.update(_batch(app, window, ctx, letters, QTimer))
    figures["peak_mb"] = _peak_mb()
    print("figures " + json.dumps(figures), flush=True)
    QApplication.quit()


def _until(app: Any, condition: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def _scroll(app: Any, window: Any) -> dict[str, Any]:
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
        _until(
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
        "rows_held": _rows_held(model),
        "scroll_steps": steps,
        "slowest_screen_ms": slowest * 1000,
    }


def _rows_held(model: Any) -> int:
    """Rows whose data the model keeps in memory (a windowed model reports its cache)."""
    held = getattr(model, "rows_held", None)
    return int(held()) if callable(held) else len(getattr(model, "rows", []))


def _batch(app: Any, window: Any, ctx: Any, letters: int, qtimer: Any) -> dict[str, Any]:
    from legalaid.services.upcoming import upcoming

    stages: dict[str, float] = {"peak_before_ids_mb": _peak_mb()}
    ids = [r.hearing_id for r in upcoming(ctx, 60) if r.status == "scheduled"][:letters]
    stages.update(rss_after_ids_mb=_rss_mb(), peak_after_ids_mb=_peak_mb())
    ticks: list[float] = []
    timer = qtimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    finished: list[Any] = []
    batch = window.upcoming.batch
    batch.finished.connect(finished.append)
    progressed: list[float] = []  # RSS when the first letters are back from the workers
    started = time.perf_counter()
    task = batch.start(ids)
    task.progressed.connect(lambda *_a: progressed or progressed.append(_rss_mb()))
    _until(app, lambda: bool(finished), timeout=600)
    ended = time.perf_counter()
    timer.stop()
    stages.update(
        rss_first_letters_mb=progressed[0] if progressed else 0.0,
        rss_preview_open_mb=_rss_mb(),
        peak_after_batch_mb=_peak_mb(),
    )
    settle = time.monotonic() + 1.0  # the preview paints its first page
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    stages["rss_preview_painted_mb"] = _rss_mb()
    if batch.preview is not None:
        batch.preview.close()
        app.processEvents()
        stages["rss_preview_closed_mb"] = _rss_mb()
    gaps = [b - a for a, b in itertools.pairwise(ticks) if a >= started]
    return {
        "batch_letters": len(ids),
        "batch_s": ended - started,
        "max_gap_ms": max(gaps) * 1000 if gaps else None,
        **stages,
    }


def _ready_time(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    ready = time.perf_counter() - started
    rest = child.stdout.read()
    child.wait()
    assert line.startswith("ready"), (line, rest)
    return ready, rest


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs=2, metavar=("HOME", "LETTERS"))
    args = parser.parse_args()
    if args.child:
        client(args.child[0], int(args.child[1]))
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        from legalaid.context import open_home
        from legalaid.services.demo import generate_demo

        ctx = open_home(home, unencrypted=True)
        generate_demo(ctx, args.cases, seed=1)
        ctx.close()
        bare = [_ready_time([sys.executable, "-c", BARE], env)[0] for _ in range(3)]
        runs = [
            _ready_time([sys.executable, __file__, "--child", str(home), str(args.letters)], env)
            for _ in range(3)
        ]
    starts = [seconds for seconds, _ in runs]
    figures = json.loads(runs[-1][1].split("figures ", 1)[1])
    start, base = statistics.median(starts), statistics.median(bare)
    rows = [
        row(
            f"cold start to a usable window, {args.cases:,} cases",
            start,
            "s",
            base,
            "bare PySide6 window with an empty table",
            "within 1.5x",
            start / base <= 1.5,
        ),
        row(
            "case list: type 'ma', then clear it: rows back (two 150 ms typing pauses included)",
            figures["first_rows_ms"],
            "ms",
            None,
            "",
        ),
        row(
            f"case list: page down from top to bottom ({figures['scroll_steps']:,} screens)",
            figures["scroll_s"],
            "s",
            None,
            "",
        ),
        row(
            "case list: slowest screen to fill while paging down",
            figures["slowest_screen_ms"],
            "ms",
            None,
            "",
        ),
        row(
            "case list: rows held by the model after the scroll",
            figures["rows_held"],
            "rows",
            figures["total"],
            "cases in the list",
            "never every row",
            figures["rows_held"] < figures["total"],
        ),
        row(
            f"longest UI stall during a {figures['batch_letters']:,}-letter batch",
            figures["max_gap_ms"],
            "ms",
            10,
            "the timer's 10 ms interval",
            "< 50 ms",
            figures["max_gap_ms"] < 50,
        ),
        row(
            "client peak memory (RSS)",
            figures["peak_mb"],
            "MB",
            figures["rss_after_scroll_mb"],
            "RSS after the scroll",
            "< 300 MB",
            figures["peak_mb"] < 300,
        ),
        row(
            "client peak memory (RSS) before the batch: after the scroll and picking the ids "
            "(upcoming hearings, 60 days, in the client)",
            figures["peak_after_ids_mb"],
            "MB",
            figures["peak_before_ids_mb"],
            "peak before picking the ids",
        ),
        row(
            "client RSS with the batch preview open",
            figures["rss_preview_painted_mb"],
            "MB",
            figures["rss_after_ids_mb"],
            "RSS after picking the ids",
        ),
    ]
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
