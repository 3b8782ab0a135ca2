"""Import the spreadsheet a shelter keeps today (CSV or .xlsx), on a worker, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from legalaid.context import AppContext
from legalaid.i18n import _, ngettext
from ui.common.prefs import Prefs
from ui.common.tasks import TaskRunner, describe

SHOWN_ROWS = 3  # of each fate, in the preview and the report (a 768-pixel screen)


class Importer(QObject):
    imported = Signal(object)  # the ImportReport, after something may have changed

    def __init__(self, ctx: AppContext, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.ctx, self.runner, self.window = ctx, runner, window
        self.prefs = Prefs(ctx)

    def choose_and_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window,
            _("Import a spreadsheet"),
            self.prefs.last_folder(),
            _("Spreadsheets (*.csv *.xlsx)"),
        )
        if path:
            self.prefs.remember_folder(path)
            self.start(Path(path))

    def start(self, path: Path) -> None:
        """First a dry run (nothing written) shown as a preview; the import only if confirmed."""
        self._run(path, dry_run=True)

    def _run(self, path: Path, *, dry_run: bool) -> None:
        busy = QProgressDialog(
            _("Importing %(file)s…") % {"file": path.name}, "", 0, 0, self.window
        )
        busy.setCancelButton(None)
        busy.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        busy.setMinimumDuration(300)
        ctx = self.ctx

        def work(_control: Any) -> Any:
            from legalaid.spreadsheets.importer import import_file

            return import_file(ctx, path, dry_run=dry_run)

        self.runner.command(
            work,
            done=lambda report: (
                self._preview(busy, report, path) if dry_run else self._report(busy, report)
            ),
            failed=lambda error: self._failed(busy, error),
            owner=self,
        )

    def _preview(self, busy: QProgressDialog, report: Any, path: Path) -> None:
        busy.close()
        lines = [_("Preview: nothing has been imported yet. Importing this file would give:")]
        lines += self._lines(report)
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            _("Import preview"),
            "\n\n".join(lines),
            buttons.Yes | buttons.Cancel,
            buttons.Cancel,
        )
        if answer == buttons.Yes and report.imported_rows:
            self._run(path, dry_run=False)

    def _report(self, busy: QProgressDialog, report: Any) -> None:
        busy.close()
        QMessageBox.information(self.window, _("Import finished"), "\n\n".join(self._lines(report)))
        self.imported.emit(report)

    @staticmethod
    def _lines(report: Any) -> list[str]:
        from legalaid.spreadsheets.importer import row_lines

        lines = [report.summary(), *row_lines(report, SHOWN_ROWS)]
        if report.rejects_file:
            lines.append(
                ngettext(
                    "The rejected row is in %(path)s: fix it and import that file.",
                    "The rejected rows are in %(path)s: fix them and import that file.",
                    len(report.rejected),
                )
                % {"path": report.rejects_file}
            )
        if report.rejects_error is not None:
            lines.append(report.rejects_error.message())
        return lines

    def _failed(self, busy: QProgressDialog, error: BaseException) -> None:
        busy.close()
        QMessageBox.warning(self.window, _("Import failed"), describe(error))
