"""The client process of bench_ui.py: start the window on a home, say "ready" once it is usable,
then measure the case list, the Upcoming view and a reminder batch, and print the figures.

Until "ready" it imports only what the application itself imports (like the bare PySide6 window
it is compared with, it pays for nothing of the benchmark's own); the measuring code is imported
after.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/ui_child.py HOME LETTERS
"""

import sys
import time

from legalaid.context import open_home
from ui.app import application, tune_gc
from ui.language import LanguageSwitcher
from ui.main_window import MainWindow


def _until(app, condition, timeout=120.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def main() -> None:
    home, letters = sys.argv[1], int(sys.argv[2])
    app = application()
    switcher = LanguageSwitcher.of(app)
    switcher.apply("es")
    ctx = open_home(home, unencrypted=True)
    window = MainWindow(ctx, switcher)
    window.behind_loaded.connect(tune_gc)  # as run_client does
    window.show()
    model = window.cases.model
    _until(app, lambda: model.rowCount() > 0)
    window.cases.search.setFocus()
    window.cases.table.viewport().repaint()
    app.processEvents()
    print("ready", flush=True)

    from measure_ui import measure

    _until(app, lambda: window.loaded_behind)
    figures = measure(app, window, ctx, letters)
    import json

    print("figures " + json.dumps(figures), flush=True)
    ctx.close()


if __name__ == "__main__":
    main()
