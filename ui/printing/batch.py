"""Reminder letters for many hearings in one job, with a progress dialog that can be cancelled.

The letters go to a private temporary folder, open in the preview (print or save from there)
and the folder is removed when the preview closes: no copies of people's data left behind.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from legalaid.context import AppContext
from legalaid.i18n import _, ngettext
from legalaid.tempfiles import private_dir
from ui.common.tasks import Control, Task, TaskRunner, describe
from ui.printing import papers
from ui.printing.preview import PreviewDialog, show_document

START_DELAY_MS = 100  # the window repaints under the progress dialog before the work starts


@dataclass
class BatchDocument:
    """The combined letters as the preview sees them; each letter is logged when the file is
    saved or printed (``batch``: the BatchResult that knows them).

    Only the path: the preview shows the file and saving copies it, so the client never holds
    the whole batch (about 6 MB for 1,000 letters) in memory.
    """

    path: Path
    title: str
    kind: str = "reminders_batch"
    batch: Any = None
    warnings: list[Any] = field(default_factory=list)

    @property
    def case_of(self) -> dict[str, str]:
        return {
            f.hearing_id: f.case_id
            for written in getattr(self.batch, "pending", [])
            for f in written.letters
        }


class BatchPrinter(QObject):
    finished = Signal(object)  # the BatchResult, or None after a failure
    message = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.window = ctx, runner, parent
        self.dialog: QProgressDialog | None = None
        self.preview: PreviewDialog | None = None
        self.task: Task | None = None
        self._idle: Any = None  # the idle watcher told a job runs

    def start(self, hearing_ids: list[str]) -> Task:
        out = private_dir("reminders")  # owner-only; a later start removes it after a crash
        target = out / "reminders.pdf"
        dialog = QProgressDialog(
            _("Preparing the reminder letters…"), _("Cancel"), 0, len(hearing_ids), self.window
        )
        dialog.setObjectName("batchProgress")
        dialog.setWindowTitle(_("Reminder letters"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.show()
        self.dialog = dialog
        self._idle = getattr(self.window.window(), "idle", None)  # the main window's
        if self._idle is not None:
            self._idle.busy()
        ctx, ids = self.ctx, list(hearing_ids)
        # The dialog opening makes the window repaint under it (deactivated), asking the views
        # for every cell; the worker reading the letters' facts at that moment held the window
        # 40-55 ms. It starts once the event loop has turned for START_DELAY_MS.
        go = threading.Event()
        QTimer.singleShot(START_DELAY_MS, self, go.set)

        def work(control: Control) -> Any:
            go.wait(timeout=START_DELAY_MS / 1000 * 10)
            return papers.reminders_batch(
                ctx, ids, target, progress=control.progress, cancel=control.cancelled
            )

        self.task = self.runner.query(
            work,
            done=lambda result: self._done(result, out),
            failed=lambda error: self._failed(error, out),
            progress=self._progress,
            owner=self,
        )
        dialog.canceled.connect(self.task.cancel)
        return self.task

    def _progress(self, done: int, total: int) -> None:
        dialog = self.dialog
        if dialog is None or not shiboken6.isValid(dialog):
            return
        # setValue on a modal progress dialog processes events: the batch may end inside it.
        dialog.setLabelText(
            _("Preparing reminder letter %(done)d of %(total)d…") % {"done": done, "total": total}
        )
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    def _close_dialog(self) -> None:
        idle, self._idle = self._idle, None
        if idle is not None and shiboken6.isValid(idle):
            idle.done()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _done(self, result: Any, out: Path) -> None:
        self._close_dialog()
        count = int(getattr(result, "count", 0))
        if getattr(result, "cancelled", False):
            self.message.emit(
                ngettext(
                    "Cancelled: %(count)d letter was ready.",
                    "Cancelled: %(count)d letters were ready.",
                    count,
                )
                % {"count": count}
            )
        paths = list(getattr(result, "paths", []))
        if not paths or getattr(result, "cancelled", False):
            shutil.rmtree(out, ignore_errors=True)
            self.finished.emit(result)
            return
        # Let the window breathe (and repaint) before the preview is built.
        QTimer.singleShot(0, lambda: self._preview(result, Path(paths[0]), count, out))

    def _preview(self, result: Any, pdf: Path, count: int, out: Path) -> None:
        title = ngettext("%(count)d reminder letter", "%(count)d reminder letters", count) % {
            "count": count
        }
        try:
            document = BatchDocument(
                pdf, title, batch=result, warnings=list(getattr(result, "warnings", []))
            )
            preview = show_document(self.ctx, self.runner, document, self.window)
        except Exception as error:  # a damaged file: say so, and leave nothing behind
            self._failed(error, out)
            return
        preview.remove_when_closed(out)
        self.preview = preview
        self.message.emit(title)
        self.finished.emit(result)

    def _failed(self, error: BaseException, out: Path) -> None:
        self._close_dialog()
        shutil.rmtree(out, ignore_errors=True)
        self.message.emit(describe(error))
        self.finished.emit(None)
