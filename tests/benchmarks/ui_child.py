"""The client process of bench_ui.py: start LegalAid exactly as the ``legalaid`` command does
(``legalaid --home HOME --unencrypted --lang es``), say "ready" once its window is usable, then
measure the case list, the Upcoming view and a reminder batch, and print the figures.

Nothing of the benchmark runs before "ready" but a finder on ``sys.meta_path`` that, when the
application itself imports ``ui.window.main_window``, wraps ``MainWindow.show`` and the case table's
``paintEvent`` to see the first rows painted. The measuring code (measure_ui.py) is imported
after "ready".

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/ui_child.py HOME LETTERS

With LETTERS 0 the process ends once it is ready (a start alone). bench_ui.py runs it with
``python -c "from ui_child import main; main()"``, from bytecode like the application's own
modules (a script is compiled from its source at every start).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QTableView, QWidget

    from ui.window.main_window import MainWindow

LETTERS = [1000]  # the batch's size, from the command line


class _WatchTheWindow:
    """Finds nothing itself: lets ``ui.window.main_window`` load as usual, then wraps its window's
    ``show`` so the first shown window is watched until it is usable."""

    def find_spec(
        self,
        name: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if name != "ui.window.main_window":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            _wrap_show(module.MainWindow)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _wrap_show(window_class: type[MainWindow]) -> None:
    """Say "ready" once the window is usable: its case list painted with rows, then the
    search box given the focus and what is pending processed. The painting is seen from the
    table's ``paintEvent``; nothing polls (a 0 ms timer would hold the interpreter the worker
    reading the rows needs), nothing forces a second paint."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    table_class = sys.modules["ui.cases.case_list"].CaseTable
    show = window_class.show
    shown: list[Any] = []  # the window, then "painted"

    def ready() -> None:
        window = shown[0]
        window.cases.search.setFocus()
        QApplication.processEvents()
        print("ready", flush=True)
        if not LETTERS[0]:
            os._exit(0)  # a start alone
        QTimer.singleShot(0, lambda: _measure(window))

    def paintEvent(table: QTableView, event: QPaintEvent) -> None:
        super(table_class, table).paintEvent(event)
        if len(shown) == 1 and table is shown[0].cases.table and table.model().rowCount():
            shown.append("painted")
            QTimer.singleShot(0, ready)  # once this paint is done

    def watched_show(window: QWidget) -> None:
        window_class.show = show  # type: ignore[method-assign]
        shown.append(window)
        show(window)

    table_class.paintEvent = paintEvent
    window_class.show = watched_show  # type: ignore[method-assign]


def _measure(window: MainWindow) -> None:
    import json

    from measure_ui import measure, until  # tests/benchmarks/measure_ui.py
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    until(app, lambda: window.loaded_behind)
    figures = measure(app, window, window.ctx, LETTERS[0])
    print("figures " + json.dumps(figures), flush=True)
    window.ctx.close()
    os._exit(0)  # the figures are out; no backup on close, no waiting for the pool


def main() -> None:
    home, LETTERS[0] = sys.argv[1], int(sys.argv[2])
    sys.meta_path.insert(0, _WatchTheWindow())
    from legalaid.__main__ import main as legalaid  # what the ``legalaid`` command runs

    sys.argv = ["legalaid", "--home", home, "--unencrypted", "--lang", "es"]
    sys.exit(legalaid())


if __name__ == "__main__":
    main()
