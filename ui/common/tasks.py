"""Background work: one runner, two kinds of task. Nothing that waits on the disk runs on the
UI thread.

- ``runner.query(work, done=..., failed=...)``: reads and PDFs. Queries run side by side in the
  global QThreadPool (SQLite WAL lets them read while a command writes).
- ``runner.command(work, done=..., failed=...)``: every write (saves, imports, backups, restore,
  keys). Commands run one at a time, in the order they were asked, on one worker thread of their
  own, shared by the whole program: serialised by construction, not by a flag to remember.
  What a command changed, its result when that is an ``OpChanges`` (legalaid.services.ops) or
  the result's ``changes`` (a saved household, hearing, risk...), is announced by the runner's
  ``changed`` signal, from which the views refresh.

``work(control)`` runs on a worker thread and opens its own database session through the
services; ``done(result)`` / ``failed(error)`` / ``progress(done, total)`` are called on the UI
thread through queued signals. A job sees ``control.cancelled()`` and reports
``control.progress(done, total)``. If the widget that asked (``owner``) is gone when the result
arrives, the result is dropped (the ``changed`` announcement is not).
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
from legalaid.services.ops import OpChanges

log = logging.getLogger(__name__)
Work = Callable[["Control"], Any]
# Every task until it has ended, whatever happens to the runner or the widget that started it:
# a worker never emits on a deleted signal object.
_IN_FLIGHT: set[Task] = set()
_commands: QThreadPool | None = None


def command_pool() -> QThreadPool:
    """The one thread every command of this program runs on, one after the other."""
    global _commands
    if _commands is None:
        _commands = QThreadPool()
        _commands.setMaxThreadCount(1)
    return _commands


def wait_for_all(msecs: int) -> bool:
    """Wait up to ``msecs`` for the commands, then the queries, to end (the program closing)."""
    done = _commands is None or _commands.waitForDone(msecs)
    return QThreadPool.globalInstance().waitForDone(msecs) and done


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
        self.announces = False  # a command: its result reaches ``done`` even without its owner
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
            if self._done is not None and (self.announces or self._owner_alive()):
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
    def __init__(self, work: Work, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work, self._task = work, task

    def run(self) -> None:
        signals, control = self._task.signals, self._task.control
        try:
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
    """Starts queries and commands and keeps their handles until they end."""

    busy_changed = Signal(bool)
    error = Signal(str)  # a failure nobody handled, already translated
    changed = Signal(object)  # OpChanges: what a command changed, for the views to refresh

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[Task] = set()
        pool = QThreadPool.globalInstance()
        pool.setMaxThreadCount(max(pool.maxThreadCount(), 4))

    def query(
        self,
        work: Work,
        *,
        done: Callable[[Any], object] | None = None,
        failed: Callable[[BaseException], object] | None = None,
        progress: Callable[[int, int], object] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Read (or build a PDF) on a worker, side by side with other queries."""
        task = self._task(done, failed, progress, owner)
        QThreadPool.globalInstance().start(_Job(work, task))
        return task

    def command(
        self,
        work: Work,
        *,
        done: Callable[[Any], object] | None = None,
        failed: Callable[[BaseException], object] | None = None,
        progress: Callable[[int, int], object] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Write on the commands' one thread, after the commands asked before it. What it
        changed (an ``OpChanges`` result, or the result's ``changes``) is announced by
        ``changed``, before ``done`` is called."""

        def finished(result: Any) -> None:
            changes = result if isinstance(result, OpChanges) else getattr(result, "changes", None)
            if isinstance(changes, OpChanges) and changes and shiboken6.isValid(self):
                self.changed.emit(changes)
            if done is not None and (owner is None or shiboken6.isValid(owner)):
                done(result)

        task = self._task(finished, failed, progress, owner)
        task.announces = True
        command_pool().start(_Job(work, task))
        return task

    def announce(self, changes: OpChanges) -> None:
        """Tell the views what changed, for a write whose result is not an ``OpChanges``."""
        if changes:
            self.changed.emit(changes)

    def _task(
        self,
        done: Callable[[Any], object] | None,
        failed: Callable[[BaseException], object] | None,
        progress: Callable[[int, int], object] | None,
        owner: QObject | None,
    ) -> Task:
        task = Task(done, failed, progress, owner, self._report)
        task.ended.connect(lambda: self._forget(task))
        if owner is not None:
            owner.destroyed.connect(task.cancel)
        self._tasks.add(task)
        _IN_FLIGHT.add(task)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
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
