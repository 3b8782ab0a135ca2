"""Background work: every database and PDF job runs in the global QThreadPool.

One small API (Anki's taskman, Picard's thread pool): ``runner.run(work, done=..., failed=...)``.
``work(control)`` runs on a worker thread and opens its own database session through the
services; ``done(result)`` / ``failed(error)`` / ``progress(done, total)`` are called on the UI
thread through queued signals. Writes are serialized with one lock; reads run side by side
(SQLite WAL). A job sees ``control.cancelled()`` and reports ``control.progress(done, total)``.
If the widget that asked (``owner``) is gone when the result arrives, the result is dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from legalaid.errors import LegalAidError
from legalaid.i18n import _

log = logging.getLogger(__name__)
Work = Callable[["Control"], Any]
# Every task until it has ended, whatever happens to the runner or the widget that started it:
# a worker never emits on a deleted signal object.
_IN_FLIGHT: set[Task] = set()


class Control:
    """What a running job sees: a cancel flag and a progress reporter."""

    def __init__(self, signals: _Signals) -> None:
        self._cancel = threading.Event()
        self._signals = signals

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        self._signals.progress.emit(int(done), int(total))


class _Signals(QObject):
    """Emitted from the worker thread; received by a Task living on the UI thread."""

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Task(QObject):
    """The UI-thread handle of one job: its callbacks, its cancel flag, its end."""

    ended = Signal()
    progressed = Signal(int, int)

    def __init__(
        self,
        done: Callable[[Any], object] | None,
        failed: Callable[[BaseException], object] | None,
        progress: Callable[[int, int], object] | None,
        owner: QObject | None,
        report: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self.signals = _Signals()
        self.control = Control(self.signals)
        self._done, self._failed, self._progress = done, failed, progress
        self._owner, self._report = owner, report
        self.finished = False
        self.signals.finished.connect(self._on_finished)
        self.signals.failed.connect(self._on_failed)
        self.signals.progress.connect(self._on_progress)

    def cancel(self) -> None:
        self.control.cancel()

    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        try:
            if self._done is not None and self._owner_alive():
                self._done(result)
        finally:
            self._end()

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        try:
            if not self._owner_alive():
                return
            if self._failed is not None:
                self._failed(error)
            else:
                self._report(error)
        finally:
            self._end()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self._owner_alive():
            self.progressed.emit(done, total)
            if self._progress is not None:
                self._progress(done, total)

    def _end(self) -> None:
        self.finished = True
        _IN_FLIGHT.discard(self)
        self.ended.emit()


class _Job(QRunnable):
    def __init__(self, work: Work, task: Task, lock: threading.Lock | None) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work, self._task, self._lock = work, task, lock

    def run(self) -> None:
        signals, control = self._task.signals, self._task.control
        try:
            if self._lock is not None:
                with self._lock:
                    result = self._work(control)
            else:
                result = self._work(control)
        except BaseException as error:  # everything reaches the UI as a message, never a crash
            if not isinstance(error, LegalAidError):
                log.error("background job failed", exc_info=error)
            _deliver(signals.failed, error)
        else:
            _deliver(signals.finished, result)


def _deliver(signal: Any, value: Any) -> None:
    try:
        signal.emit(value)
    except RuntimeError:  # the application is shutting down: nobody is left to tell
        log.debug("result dropped: its receiver is gone")


class TaskRunner(QObject):
    """Starts jobs on the global thread pool and keeps their handles until they end."""

    busy_changed = Signal(bool)
    error = Signal(str)  # a failure nobody handled, already translated

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._write_lock = threading.Lock()
        self._tasks: set[Task] = set()
        pool = QThreadPool.globalInstance()
        pool.setMaxThreadCount(max(pool.maxThreadCount(), 4))

    def run(
        self,
        work: Work,
        *,
        done: Callable[[Any], object] | None = None,
        failed: Callable[[BaseException], object] | None = None,
        progress: Callable[[int, int], object] | None = None,
        write: bool = False,
        owner: QObject | None = None,
    ) -> Task:
        task = Task(done, failed, progress, owner, self._report)
        task.ended.connect(lambda: self._forget(task))
        if owner is not None:
            owner.destroyed.connect(task.cancel)
        self._tasks.add(task)
        _IN_FLIGHT.add(task)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
        QThreadPool.globalInstance().start(_Job(work, task, self._write_lock if write else None))
        return task

    @property
    def active(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _forget(self, task: Task) -> None:
        if not shiboken6.isValid(self):  # the window that owned this runner is gone
            return
        self._tasks.discard(task)
        if not self._tasks:
            self.busy_changed.emit(False)

    def _report(self, error: BaseException) -> None:
        self.error.emit(describe(error))


def describe(error: BaseException) -> str:
    """A message for a person: the core's translated text, or a calm generic one."""
    if isinstance(error, LegalAidError):
        return error.message()
    return _(
        "Something went wrong: %(reason)s. Nothing typed in the form was lost; try again, "
        "and if it happens again, note what you were doing for your coordinator."
    ) % {"reason": type(error).__name__}
