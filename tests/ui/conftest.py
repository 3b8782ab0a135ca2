"""Client tests: offscreen Qt (tests/conftest.py), Spanish first, the thread pool drained after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from legalaid.context import AppContext
from legalaid.services.demo import generate_demo
from ui.language import LanguageSwitcher
from ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _qt_state(qapp: QApplication) -> Iterator[None]:
    switcher = LanguageSwitcher.of(qapp)
    switcher.apply("es")
    yield
    QThreadPool.globalInstance().waitForDone(30_000)
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
    QThreadPool.globalInstance().waitForDone(30_000)
    QCoreApplication.processEvents()


@pytest.fixture
def demo_ctx(ctx: AppContext) -> AppContext:
    generate_demo(ctx, 300, seed=7)
    return ctx


def wait_idle(qtbot, runner: TaskRunner, timeout: int = 15_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until every background job has delivered its result on the UI thread."""
    qtbot.waitUntil(lambda: runner.active == 0, timeout=timeout)


def texts_of(root: QWidget) -> list[str]:
    from tests.ui.walk import visible_texts

    return visible_texts(root)
