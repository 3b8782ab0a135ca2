"""Client tests: offscreen Qt (tests/conftest.py), Spanish first, the thread pool drained after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.demo import generate_demo
from ui.common.language import LanguageSwitcher
from ui.common.tasks import TaskRunner, wait_for_all

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


class UnexpectedDialog(AssertionError):
    pass


def _refuse(name: str) -> Callable[..., NoReturn]:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise UnexpectedDialog(f"a real modal dialog would block the test: {name}")

    return refuse


def _discard_or_no(*args: Any, **kwargs: object) -> QMessageBox.StandardButton:
    """Closing windows in teardown: never save, never block."""
    buttons = QMessageBox.StandardButton
    return buttons.Discard if len(args) > 3 and args[3] & buttons.Discard else buttons.No


@pytest.fixture(autouse=True)
def _no_real_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every modal dialog must be patched by the test that expects it (pitfall: they block)."""
    for cls in (QDialog, QMessageBox, QPrintDialog, QFileDialog, QInputDialog):
        monkeypatch.setattr(cls, "exec", _refuse(cls.__name__ + ".exec"))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(_discard_or_no))
    for name in ("information", "warning", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(_refuse("QMessageBox." + name)))
    for name in ("getSaveFileName", "getOpenFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(_refuse("QFileDialog." + name)))
    for name in ("getText", "getMultiLineText", "getInt", "getItem"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(_refuse("QInputDialog." + name)))


@pytest.fixture(autouse=True)
def _qt_state(qapp: QApplication, _no_real_dialogs: None) -> Iterator[None]:
    switcher = LanguageSwitcher.of(qapp)
    switcher.apply("es")
    yield
    wait_for_all(30_000)
    QCoreApplication.processEvents()
    for window in qapp.topLevelWidgets():
        window.close()
    switcher.apply("es")
    QCoreApplication.processEvents()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.cancel_all()
    wait_for_all(30_000)
    QCoreApplication.processEvents()


@pytest.fixture
def demo_ctx(ctx: AppContext) -> AppContext:
    generate_demo(ctx, 300, seed=7)
    return ctx


def main_window(qtbot: QtBot, ctx: AppContext, **kwargs: Any) -> MainWindow:
    """The main window shown, with what it loads behind its first screen loaded."""
    from ui.window.main_window import MainWindow

    window = MainWindow(ctx, LanguageSwitcher.of(QApplication.instance()), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: window.loaded_behind and window.runner.active == 0, timeout=15_000)
    return window


def wait_idle(qtbot: QtBot, runner: TaskRunner, timeout: int = 15_000) -> None:
    """Wait until every background job has delivered its result on the UI thread."""
    qtbot.waitUntil(lambda: runner.active == 0, timeout=timeout)


def texts_of(root: QWidget) -> list[str]:
    from tests.ui.walk import visible_texts

    return visible_texts(root)


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """The text of a table's cell; the cell must exist."""
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()
