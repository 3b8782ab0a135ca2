"""The client process of bench_ui.py: start the window on a home, say "ready" once it is usable,
then measure the case list, the Upcoming view and a reminder batch, and print the figures.

Until "ready" it imports only what the application itself imports and measure_ui's ``until``
(standard library only), like the bare PySide6 window it is compared with; the measuring code is
imported after.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/ui_child.py HOME LETTERS
"""

import sys

from measure_ui import until  # tests/benchmarks/measure_ui.py: standard library only at its top

from legalaid.context import open_home
from ui.app import application, tune_gc
from ui.language import LanguageSwitcher
from ui.main_window import MainWindow


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
    until(app, lambda: model.rowCount() > 0)
    window.cases.search.setFocus()
    window.cases.table.viewport().repaint()
    app.processEvents()
    print("ready", flush=True)

    from measure_ui import measure

    until(app, lambda: window.loaded_behind)
    figures = measure(app, window, ctx, letters)
    import json

    print("figures " + json.dumps(figures), flush=True)
    ctx.close()


if __name__ == "__main__":
    main()
