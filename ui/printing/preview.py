"""Every document opens here first: a QtPdf preview, then Save as… or Print… (system dialog).

What the person should know before printing (a report time already past, letters without the
organisation's phone, a name the font cannot print) is shown above the buttons, and Save or
Print asks once more before going ahead.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import _, ngettext
from ui.common.prefs import Prefs
from ui.common.screen import FitsScreen, fit
from ui.common.tasks import Control, TaskRunner
from ui.common.widgets import ErrorLabel, Translatable
from ui.printing import papers
from ui.printing.doc_events import case_ids_of, events
from ui.printing.printer import load_pdf, name_the_job, new_printer, print_pdf

MULTI_PAGE_LIMIT = 60


class PreviewDialog(Translatable, FitsScreen, QDialog):
    """Shows ``document.pdf`` (or the file ``document.path``); saving or printing records the
    document (``log_document``)."""

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, document: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.ctx, self.runner, self.document = ctx, runner, document
        self.prefs = Prefs(ctx)
        self.pdf, self._device = load_pdf(papers.pdf_source(document), self)
        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel()
        self.page = QSpinBox()
        self.page.setRange(1, max(1, self.pdf.pageCount()))
        self.page.valueChanged.connect(lambda number: self.go_to_page(number - 1))
        if self.pdf.pageCount() <= MULTI_PAGE_LIMIT:
            self.view.setPageMode(QPdfView.PageMode.MultiPage)  # scroll through every page
            self.page.hide()
        else:  # laying out thousands of pages at once would stall the window
            self.view.setPageMode(QPdfView.PageMode.SinglePage)
            for key, step in (
                (QKeySequence.StandardKey.MoveToNextPage, 1),
                (QKeySequence.StandardKey.MoveToPreviousPage, -1),
            ):
                QShortcut(key, self, lambda s=step: self.page.setValue(self.page.value() + s))
        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.keys_hint = QLabel()  # the shortcuts, said where the buttons are
        self.keys_hint.setObjectName("keysHint")
        self.keys_hint.setStyleSheet("color: #555555;")
        self.warnings = QLabel()
        self.warnings.setObjectName("previewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.error = ErrorLabel()
        self.save_button = QPushButton()
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.print_button = QPushButton()
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_document)
        bar = QHBoxLayout()
        bar.addWidget(self.page)
        bar.addWidget(self.pages)
        bar.addWidget(self.keys_hint)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addLayout(bar)
        fit(self, 900, 1000)
        self.retranslate()

    def remove_when_closed(self, folder: Path) -> None:
        """Remove ``folder`` (the file shown and its temporary folder) when the preview is gone.

        The file is let go first: the document is still alive when ``destroyed`` is emitted,
        and a file held open cannot be removed everywhere (Windows).
        """
        device = self._device

        def remove() -> None:
            if shiboken6.isValid(device):
                device.close()
            shutil.rmtree(folder, ignore_errors=True)

        self.destroyed.connect(remove)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Preview: %(title)s") % {"title": self.document.title})
        count = self.pdf.pageCount()
        self.pages.setText(ngettext("%(count)d page", "%(count)d pages", count) % {"count": count})
        self.page.setToolTip(_("Page to show (Page Up and Page Down turn the pages)"))
        self.save_button.setText(_("&Save as PDF…"))
        self.save_button.setToolTip(_("Save a copy of this document (Ctrl+S)"))
        self.print_button.setText(_("&Print…"))
        self.print_button.setToolTip(_("Choose a printer and print (Ctrl+P)"))
        self.keys_hint.setText(_("Ctrl+S saves a copy · Ctrl+P prints"))
        notes = self.warning_texts()
        self.warnings.setText("\n".join("⚠ " + text for text in notes))
        self.warnings.setVisible(bool(notes))

    def warning_texts(self) -> list[str]:
        """The document's warnings in the interface language."""
        return [w.message() for w in getattr(self.document, "warnings", None) or []]

    def go_ahead(self, printing: bool) -> bool:
        """With warnings, ask before saving or printing; without, go ahead."""
        notes = self.warning_texts()
        if not notes:
            return True
        question = _("Print it anyway?") if printing else _("Save it anyway?")
        answer = QMessageBox.question(
            self,
            _("Before printing"),
            "\n\n".join([*notes, question]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _logged(self) -> None:
        events().logged.emit(case_ids_of(self.document))

    def go_to_page(self, page: int) -> None:
        navigator = self.view.pageNavigator()
        navigator.jump(max(0, min(page, self.pdf.pageCount() - 1)), QPointF(), 0)

    # --- save ---------------------------------------------------------------------------------
    def save_as(self) -> None:
        if not self.go_ahead(printing=False):
            return
        start = str(Path(self.prefs.last_folder()) / papers.file_name(self.document.title))
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save document"), start, _("PDF documents (*.pdf)")
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.prefs.remember_folder(path)
        ctx, document, target = self.ctx, self.document, Path(path)
        self.runner.command(
            lambda _c: papers.save_document(ctx, document, target),
            done=self._saved,
            failed=self._failed,
            owner=self,
        )

    def _saved(self, saved: Path) -> None:
        self.status.setText(_("Saved: %(path)s") % {"path": str(saved)})
        self._logged()

    # --- print --------------------------------------------------------------------------------
    def new_job(self) -> QPrinter:
        """A printer for this document: its paper, and a job (and file) name from its title."""
        printer = new_printer(self.ctx.settings.paper_size)
        name_the_job(printer, papers.file_name(self.document.title))
        return printer

    def print_document(self) -> None:
        if not self.go_ahead(printing=True):
            return
        printer = self.new_job()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._printer = printer  # kept alive while the worker paints on it
        pages = self.pdf.pageCount()
        progress = QProgressDialog(_("Sending pages to the printer…"), _("Cancel"), 0, pages, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        document = self.document

        def work(control: Control) -> int:
            # The job reads its own copy: it never holds the preview's file open.
            return print_pdf(papers.pdf_bytes(document), printer, control)

        task = self.runner.query(
            work,
            done=lambda n: self._printed(progress, n, pages),
            failed=lambda e: self._print_failed(progress, e),
            progress=lambda done, _total: progress.setValue(done),
            owner=self,
        )
        progress.canceled.connect(task.cancel)

    def _print_failed(self, progress: QProgressDialog, error: BaseException) -> None:
        progress.close()
        self._failed(error)

    def _printed(self, progress: QProgressDialog, printed: int, pages: int) -> None:
        progress.close()
        if printed < pages:
            self.status.setText(_("Printing cancelled."))
            return
        self.status.setText(
            ngettext(
                "Sent %(count)d page to the printer.",
                "Sent %(count)d pages to the printer.",
                printed,
            )
            % {"count": printed}
        )
        ctx, document = self.ctx, self.document
        self.runner.command(
            lambda _c: papers.log_document(ctx, document, action="printed"),
            done=lambda _r: self._logged(),
            failed=self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        from ui.common.tasks import describe

        self.error.show_message(describe(error))


def show_document(
    ctx: AppContext, runner: TaskRunner, document: Any, parent: QWidget | None
) -> PreviewDialog:
    """Open a preview window (not modal: people keep working while it is open)."""
    dialog = PreviewDialog(ctx, runner, document, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
