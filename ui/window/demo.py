"""Load demo cases: asked first, added by a command with a progress dialog, then announced."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from legalaid.context import AppContext
from legalaid.i18n import _, ngettext
from legalaid.services.ops import OpChanges
from ui.common.tasks import Control, TaskRunner, describe

DEMO_CASES = 200


class DemoLoader(QObject):
    """The File menu's and the welcome page's *Load demo cases* (made-up households marked
    DEMO); ``message`` says how it went, the runner announces that everything changed."""

    message = Signal(str)
    loaded = Signal(int)  # how many demo cases were added

    def __init__(self, ctx: AppContext, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.ctx, self.runner, self.window = ctx, runner, window

    def ask_and_load(self) -> None:
        answer = QMessageBox.question(
            self.window,
            _("Load demo cases"),
            _(
                "Add %(count)d demo households? They are marked DEMO, their names are made up, "
                "and they can be told apart from real cases."
            )
            % {"count": DEMO_CASES},
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        progress = QProgressDialog(_("Adding demo cases…"), "", 0, DEMO_CASES, self.window)
        progress.setCancelButton(None)
        progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        ctx = self.ctx

        def work(control: Control) -> int:
            from legalaid.services.demo import generate_demo

            return generate_demo(ctx, DEMO_CASES, progress=control.progress)

        def finished(count: int) -> None:
            progress.close()
            self.message.emit(
                ngettext("Added %(count)d demo case.", "Added %(count)d demo cases.", count)
                % {"count": count}
            )
            self.runner.announce(OpChanges.all())
            self.loaded.emit(count)

        def failed(error: BaseException) -> None:
            progress.close()
            self.message.emit(describe(error))

        self.runner.command(
            work,
            done=finished,
            failed=failed,
            progress=lambda done, _total: progress.setValue(done),
            owner=self,
        )
